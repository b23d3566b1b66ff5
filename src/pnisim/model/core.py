"""Declarations: states, parameters, inputs, ports, observables, modules and couplings.

A *module* adapts one published model (or one mechanism) and reads like the paper: a parameter table as data
and rate equations written with the paper's symbols, one statement per equation, tagged with the paper's
equation number. A module talks to the rest of the model only through *ports* — named symbols with a default
(so the module runs alone exactly as published) that a *coupling* can bind to an expression of other modules'
states. :func:`compose` (in :mod:`pnisim.model.compose`) joins modules and couplings into one :class:`Model`
whose right-hand side is a set of sympy expressions; the engine compiles those to machine code. Nothing here
is ever evaluated from user text.

Evidence grades follow SYSTEM.md: A = meta-analysis of RCTs or many cohorts; B = single RCT, large cohort or
a published reference model fitted to human data; C = mechanistic, animal or small human studies;
D = speculative (a seed claim only).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from ..errors import ModelDefinitionError

__all__ = [
    "GRADES",
    "TIME",
    "State",
    "Parameter",
    "Input",
    "Port",
    "Observable",
    "Rate",
    "Module",
    "Coupling",
    "Symbols",
]

GRADES = {
    "A": "meta-analysis of RCTs or of many cohorts",
    "B": "single RCT, large cohort, or a published model fitted to human data",
    "C": "mechanistic, animal or small human studies",
    "D": "speculative: a seed claim only",
}

Grade = Literal["A", "B", "C", "D"]

#: Model time. Every module's equations use this one symbol; composition rescales it to the model's unit.
TIME = sp.Symbol("t", real=True)

_TIME_UNITS_IN_HOURS = {"h": 1.0, "d": 24.0, "min": 1.0 / 60.0, "dimensionless": 1.0}


def _check_identifier(kind: str, name: str) -> None:
    if not name.isidentifier() or name.startswith("_") or "__" in name:
        raise ModelDefinitionError(
            f"The name of {kind} {name!r} must be a Python identifier without leading underscore or '__'."
        )


def _check_grade(kind: str, name: str, grade: str) -> None:
    if grade not in GRADES:
        raise ModelDefinitionError(
            f"The evidence grade of {kind} {name!r} must be one of A, B, C, D. Got {grade!r} instead."
        )


@dataclass(frozen=True)
class State:
    """A dynamic variable. ``initial`` is in ``unit``; ``nonnegative`` states are concentrations or masses."""

    name: str
    unit: str
    initial: float
    description: str = ""
    nonnegative: bool = True
    scale: float | None = None  # typical magnitude (for absolute tolerance) when the initial value is 0

    def __post_init__(self) -> None:
        _check_identifier("state", self.name)
        if not math.isfinite(self.initial):
            raise ModelDefinitionError(f"The initial value of state {self.name!r} must be finite.")


@dataclass(frozen=True)
class Parameter:
    """A constant of the model, with its unit, plausible bounds, between-person variability and provenance.

    ``cv`` is the between-person coefficient of variation (log-normal) used by virtual populations; 0 means
    the parameter is treated as fixed across people. ``sd`` is the between-person standard deviation of a trait
    on an additive scale (a logit shift, a set-point offset), drawn normal around the value; a parameter varies by
    one or the other, not both. ``source`` names where the value comes from ("Table 2",
    "authors' code", "fitted here to Carroll 2007"); ``grade`` is the evidence grade of the value.
    """

    name: str
    value: float
    unit: str
    source: str
    grade: Grade
    description: str = ""
    bounds: tuple[float, float] | None = None
    cv: float = 0.0
    sd: float = 0.0

    def __post_init__(self) -> None:
        _check_identifier("parameter", self.name)
        _check_grade("parameter", self.name, self.grade)
        if not math.isfinite(self.value):
            raise ModelDefinitionError(f"The value of parameter {self.name!r} must be finite.")
        lo, hi = self.resolved_bounds
        if not lo <= self.value <= hi:
            raise ModelDefinitionError(
                f"The value {self.value} of parameter {self.name!r} lies outside its bounds [{lo}, {hi}]."
            )
        if self.cv < 0 or self.sd < 0:
            raise ModelDefinitionError(f"The cv and sd of parameter {self.name!r} must be >= 0.")
        if self.cv > 0 and self.sd > 0:
            raise ModelDefinitionError(f"Parameter {self.name!r} must vary by cv (log-normal) or by sd (normal), "
                                       "not both.")

    @property
    def resolved_bounds(self) -> tuple[float, float]:
        """Explicit bounds, or a default of one decade either side of the value (sign-preserving)."""
        if self.bounds is not None:
            return (float(self.bounds[0]), float(self.bounds[1]))
        v = self.value
        if v > 0:
            return (v / 10.0, v * 10.0)
        if v < 0:
            return (v * 10.0, v / 10.0)
        return (0.0, 0.0)


@dataclass(frozen=True)
class Input:
    """A piecewise-constant exogenous signal set by scenarios (stress level, infusion rate).

    Inputs change only at scheduled events, so the solver never steps across a discontinuity.
    """

    name: str
    unit: str
    default: float
    description: str = ""
    bounds: tuple[float, float] = (0.0, math.inf)

    def __post_init__(self) -> None:
        _check_identifier("input", self.name)


@dataclass(frozen=True)
class Port:
    """A named place where a module listens to the rest of the model.

    ``default`` is used when no coupling binds the port: a number, or a callable ``f(s) -> expr`` over the
    module's own symbols, so that the module alone is exactly the published model.
    """

    name: str
    unit: str
    default: float | Callable[[Symbols], sp.Expr]
    description: str = ""

    def __post_init__(self) -> None:
        _check_identifier("port", self.name)


@dataclass(frozen=True)
class Observable:
    """A readout computed from states (and parameters, time): e.g. serum cortisol in nmol/L."""

    name: str
    unit: str
    expr: Callable[[Symbols], sp.Expr]
    description: str = ""

    def __post_init__(self) -> None:
        _check_identifier("observable", self.name)


@dataclass(frozen=True)
class Rate:
    """``d state / dt = expr`` — one equation, tagged with the paper's equation number."""

    state: str
    expr: sp.Expr
    eq: str
    note: str = ""


class Symbols:
    """Attribute access to the sympy symbols a module's equations may use.

    ``s.CRH`` is the state, ``s.k_crh`` the parameter, ``s.t`` model time, ``s.tnf`` a port value. Unknown
    names raise at once with the names that exist, so a typo in an equation fails when the module is built.
    """

    def __init__(self, owner: str, mapping: dict[str, sp.Expr]):
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_mapping", dict(mapping))

    def __getattr__(self, name: str) -> sp.Expr:
        mapping = object.__getattribute__(self, "_mapping")
        try:
            return mapping[name]
        except KeyError:
            owner = object.__getattribute__(self, "_owner")
            raise ModelDefinitionError(
                f"{owner} has no state, parameter, input or port named {name!r}. "
                f"Known: {', '.join(sorted(mapping))}."
            ) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Symbols are read-only.")

    def __contains__(self, name: str) -> bool:
        return name in object.__getattribute__(self, "_mapping")


Equations = Callable[[Symbols], Iterable[Rate]]


@dataclass(frozen=True)
class Module:
    """One subsystem adapted from one published model.

    ``equations(s)`` yields one :class:`Rate` per state. ``citation``/``doi`` name the paper; ``changes`` says
    plainly what pnisim changed relative to it. ``time_unit`` is the unit of the paper's time axis; composition
    rescales rates into the model's unit.
    """

    name: str
    title: str
    citation: str
    doi: str
    changes: str
    time_unit: str
    states: tuple[State, ...]
    parameters: tuple[Parameter, ...]
    equations: Equations
    inputs: tuple[Input, ...] = ()
    ports: tuple[Port, ...] = ()
    observables: tuple[Observable, ...] = ()
    grade: Grade = "B"

    def __post_init__(self) -> None:
        _check_identifier("module", self.name)
        _check_grade("module", self.name, self.grade)
        if self.time_unit not in _TIME_UNITS_IN_HOURS:
            raise ModelDefinitionError(
                f"The time_unit of module {self.name!r} must be one of {sorted(_TIME_UNITS_IN_HOURS)}. "
                f"Got {self.time_unit!r} instead."
            )
        names = [x.name for x in (*self.states, *self.parameters, *self.inputs, *self.ports)]
        dup = {n for n in names if names.count(n) > 1}
        if dup or "t" in names:
            raise ModelDefinitionError(f"Module {self.name!r} declares {sorted(dup | ({'t'} & set(names)))} twice or reserved.")

    def local_symbols(self) -> dict[str, sp.Symbol]:
        """Plain local symbols (name -> Symbol) for this module; composition renames them."""
        out: dict[str, sp.Symbol] = {"t": TIME}
        for x in self.states:
            out[x.name] = sp.Symbol(f"{self.name}__{x.name}", real=True)
        for x in self.parameters:
            out[x.name] = sp.Symbol(f"{self.name}__{x.name}", real=True)
        for x in self.inputs:
            out[x.name] = sp.Symbol(f"{self.name}__{x.name}", real=True)
        for x in self.ports:
            out[x.name] = sp.Symbol(f"{self.name}__{x.name}", real=True)
        return out

    def rates(self) -> list[Rate]:
        """The rate equations over local symbols, checked: exactly one per state."""
        s = Symbols(f"Module {self.name!r}", self.local_symbols())
        rates = list(self.equations(s))
        got = [r.state for r in rates]
        want = [x.name for x in self.states]
        if sorted(got) != sorted(want):
            missing = sorted(set(want) - set(got))
            extra = sorted(set(got) - set(want))
            dup = sorted({g for g in got if got.count(g) > 1})
            raise ModelDefinitionError(
                f"Module {self.name!r} must give exactly one rate per state: missing {missing}, "
                f"unknown {extra}, duplicated {dup}."
            )
        return rates

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)


@dataclass(frozen=True)
class Coupling:
    """A named link between modules: binds ports to expressions of other modules' symbols.

    ``binds`` maps ``"module.port"`` to ``f(s) -> expr`` where ``s`` gives the composed model's states (by
    name), the coupling's own parameters, and ``s.<module>`` sub-namespaces for module parameters.
    """

    name: str
    description: str
    citation: str
    grade: Grade
    binds: dict[str, Callable[[Symbols], sp.Expr]]
    parameters: tuple[Parameter, ...] = ()

    def __post_init__(self) -> None:
        _check_identifier("coupling", self.name)
        _check_grade("coupling", self.name, self.grade)
        for key in self.binds:
            if key.count(".") != 1:
                raise ModelDefinitionError(
                    f"Coupling {self.name!r} must bind ports named 'module.port'. Got {key!r} instead."
                )


def time_factor(module_unit: str, model_unit: str) -> float:
    """How many module time units pass per model time unit (d per h = 1/24)."""
    return _TIME_UNITS_IN_HOURS[model_unit] / _TIME_UNITS_IN_HOURS[module_unit]
