"""Composition: modules + named couplings -> one :class:`Model` with a single right-hand side.

Symbols are renamed into one namespace: a state keeps its name (state names must be unique across the
modules), a parameter becomes ``module.name``, an input keeps its name (modules may share an input such as
``stress``), and each port is replaced by the expression a coupling binds to it, or by its default. Module
time axes are rescaled into the model's unit (a module written in days inside an hours model has its rates
divided by 24 and its ``t`` replaced by ``t/24``).
"""

from __future__ import annotations

import difflib
from fractions import Fraction
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp
from sympy.core.parameters import evaluate

from ..errors import ModelDefinitionError, SpecError
from .core import TIME, Coupling, Input, Module, Observable, Parameter, State, Symbols, time_factor

__all__ = ["Model", "AlgebraicEntry", "compose", "ParameterOverride", "did_you_mean"]


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """' Did you mean 'x'?' or '' — used in every unknown-name message."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True)
class ParameterOverride:
    """A value that replaces a module's published one inside a composition, with its own provenance."""

    value: float
    source: str
    grade: str
    bounds: tuple[float, float] | None = None
    cv: float | None = None
    sd: float | None = None


@dataclass(frozen=True)
class StateEntry:
    name: str
    module: str
    state: State
    symbol: sp.Symbol


@dataclass(frozen=True)
class ParameterEntry:
    name: str  # qualified: module.name (or coupling.name)
    owner: str
    parameter: Parameter
    symbol: sp.Symbol


@dataclass(frozen=True)
class InputEntry:
    name: str
    modules: tuple[str, ...]
    input: Input
    symbol: sp.Symbol


@dataclass(frozen=True)
class ObservableEntry:
    name: str
    owner: str
    observable: Observable
    expr: sp.Expr


@dataclass(frozen=True)
class BindingEntry:
    """A port bound by a coupling: ``port`` is "module.port"; ``expr`` in model symbols."""

    coupling: str
    port: str
    expr: sp.Expr


@dataclass(frozen=True)
class EquationEntry:
    state: str
    module: str
    eq: str
    note: str
    expr: sp.Expr  # in model symbols and model time


@dataclass(frozen=True)
class AlgebraicEntry:
    """A state held at its quasi-steady state (:mod:`.reduce`): ``expr`` in the remaining states, parameters,
    inputs and time; the engine evaluates it at output times and observables may read ``symbol``."""

    name: str
    module: str
    state: State
    symbol: sp.Symbol
    expr: sp.Expr
    note: str


@dataclass(frozen=True)
class Model:
    """A composed model: what the engine compiles and what SBML export writes."""

    name: str
    title: str
    time_unit: str
    modules: tuple[Module, ...]
    couplings: tuple[Coupling, ...]
    states: tuple[StateEntry, ...]
    parameters: tuple[ParameterEntry, ...]
    inputs: tuple[InputEntry, ...]
    equations: tuple[EquationEntry, ...]
    observables: tuple[ObservableEntry, ...]
    notes: str = ""
    bindings: tuple[BindingEntry, ...] = ()
    algebraic: tuple[AlgebraicEntry, ...] = ()
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    # ---- names and defaults -------------------------------------------------------------------------
    @property
    def state_names(self) -> list[str]:
        return [s.name for s in self.states]

    @property
    def algebraic_names(self) -> list[str]:
        return [a.name for a in self.algebraic]

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def input_names(self) -> list[str]:
        return [u.name for u in self.inputs]

    @property
    def observable_names(self) -> list[str]:
        return [o.name for o in self.observables]

    def initial_state(self) -> np.ndarray:
        return np.array([s.state.initial for s in self.states], dtype=float)

    def parameter_values(self) -> np.ndarray:
        return np.array([p.parameter.value for p in self.parameters], dtype=float)

    def input_defaults(self) -> np.ndarray:
        return np.array([u.input.default for u in self.inputs], dtype=float)

    def state_index(self, name: str) -> int:
        return self._lookup("state", name, self.state_names)

    def input_index(self, name: str) -> int:
        return self._lookup("input", name, self.input_names)

    def observable_index(self, name: str) -> int:
        return self._lookup("observable", name, self.observable_names)

    def parameter_index(self, name: str) -> int:
        """Index of a parameter given as ``module.name`` or, when unambiguous, just ``name``."""
        return self.parameter_names.index(self.resolve_parameter(name))

    def resolve_parameter(self, name: str) -> str:
        names = self.parameter_names
        if name in names:
            return name
        matches = [q for q in names if q.split(".", 1)[1] == name]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise SpecError(
                f"The parameter name {name!r} is ambiguous in model {self.name!r}: use one of {matches}."
            )
        raise SpecError(
            f"Model {self.name!r} has no parameter {name!r}.{did_you_mean(name, names)} "
            f"Parameters are named 'module.name'; `pnisim model` lists them."
        )

    def _lookup(self, kind: str, name: str, names: list[str]) -> int:
        try:
            return names.index(name)
        except ValueError:
            raise SpecError(
                f"Model {self.name!r} has no {kind} {name!r}.{did_you_mean(name, names)}"
            ) from None

    # ---- provenance ---------------------------------------------------------------------------------
    def references(self) -> list[tuple[str, str, str]]:
        """(citation, doi, what it is used for) for every module and coupling, in order, deduplicated."""
        seen: dict[str, tuple[str, str, str]] = {}
        for m in self.modules:
            seen.setdefault(m.citation, (m.citation, m.doi, m.title))
        for c in self.couplings:
            seen.setdefault(c.citation, (c.citation, "", c.description))
        return list(seen.values())

    def spec_hash(self) -> str:
        """A hash of everything that determines the compiled kernel and the default parameter values."""
        if "spec_hash" in self._index:
            return self._index["spec_hash"]
        h = hashlib.sha256()
        h.update(f"{self.name}|{self.time_unit}".encode())
        for s in self.states:
            h.update(f"S|{s.name}|{s.state.initial!r}".encode())
        for p in self.parameters:
            h.update(f"P|{p.name}|{p.parameter.value!r}".encode())
        for u in self.inputs:
            h.update(f"U|{u.name}|{u.input.default!r}".encode())
        for e in self.equations:
            h.update(f"E|{e.state}|{_structure(e.expr)}".encode())
        for o in self.observables:
            h.update(f"O|{o.name}|{_structure(o.expr)}".encode())
        for a in self.algebraic:
            h.update(f"A|{a.name}|{_structure(a.expr)}".encode())
        self._index["spec_hash"] = h.hexdigest()
        return self._index["spec_hash"]

    def kernel_hash(self) -> str:
        """Like :meth:`spec_hash` but ignoring parameter values and initial states (they are run-time data)."""
        if "kernel_hash" in self._index:
            return self._index["kernel_hash"]
        h = hashlib.sha256()
        for s in self.states:
            h.update(f"S|{s.name}".encode())
        for p in self.parameters:
            h.update(f"P|{p.name}".encode())
        for u in self.inputs:
            h.update(f"U|{u.name}".encode())
        for e in self.equations:
            h.update(f"E|{e.state}|{_structure(e.expr)}".encode())
        for o in self.observables:
            h.update(f"O|{o.name}|{_structure(o.expr)}".encode())
        for a in self.algebraic:
            h.update(f"A|{a.name}|{_structure(a.expr)}".encode())
        self._index["kernel_hash"] = h.hexdigest()
        return self._index["kernel_hash"]


def _structure(expr: sp.Basic) -> str:
    """The expression tree as text, operands in their stored order (deterministic across processes).

    ``sp.srepr`` sorts the terms of every sum and product first, which rebuilds and evaluates them: that took
    about a quarter of a second for the whole model on every run (the hash is how a run finds its cached kernel)."""
    out: list[str] = []
    stack: list[object] = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, str):
            out.append(e)
        elif e.is_Atom:
            out.append(f"{type(e).__name__}:{e.name}" if e.is_Symbol else sp.srepr(e))
        else:
            out.append(f"{type(e).__name__}(")
            stack.append(")")
            for a in reversed(e.args):
                stack.append(",")
                stack.append(a)
    return "".join(out)


def _state_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(f"s_{name}", real=True)


def _param_symbol(owner: str, name: str) -> sp.Symbol:
    return sp.Symbol(f"p_{owner}__{name}", real=True)


def _input_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(f"u_{name}", real=True)


def _exact(k: float) -> sp.Expr:
    return sp.Rational(Fraction(k).limit_denominator(10**6))


def compose(
    name: str,
    title: str,
    modules: Sequence[Module],
    couplings: Sequence[Coupling] = (),
    *,
    time_unit: str = "h",
    overrides: dict[str, ParameterOverride] | None = None,
    observables: Sequence[Observable] = (),
    notes: str = "",
) -> Model:
    """Join ``modules`` through ``couplings`` into one model in ``time_unit``.

    ``overrides`` replaces published parameter values (``"module.name"``) with re-fitted ones and records their
    provenance. ``observables`` adds model-level readouts over the composed states.

    Expressions are built unevaluated: renaming symbols and substituting ports needs no algebra, and sympy's
    automatic evaluation (its assumption queries) was most of the start-up time of a run (0.46 s of
    composing the whole model, against 0.06 s unevaluated). The kernel's arithmetic is the same; only its operand order may differ.
    """
    with evaluate(False):
        return _compose(name, title, modules, couplings, time_unit=time_unit, overrides=overrides,
                        observables=observables, notes=notes)


def _compose(name, title, modules, couplings, *, time_unit, overrides, observables, notes) -> Model:
    overrides = dict(overrides or {})
    mod_names = [m.name for m in modules]
    if len(set(mod_names)) != len(mod_names):
        raise ModelDefinitionError(f"Model {name!r} lists a module twice: {mod_names}.")

    # -- states (globally unique names)
    states: list[StateEntry] = []
    owner_of_state: dict[str, str] = {}
    for m in modules:
        for st in m.states:
            if st.name in owner_of_state:
                raise ModelDefinitionError(
                    f"State {st.name!r} is declared by both {owner_of_state[st.name]!r} and {m.name!r}."
                )
            owner_of_state[st.name] = m.name
            states.append(StateEntry(st.name, m.name, st, _state_symbol(st.name)))

    # -- parameters (qualified), with overrides
    params: list[ParameterEntry] = []

    def add_param(owner: str, p: Parameter) -> None:
        q = f"{owner}.{p.name}"
        if q in overrides:
            o = overrides.pop(q)
            p = replace(
                p,
                value=float(o.value),
                source=o.source,
                grade=o.grade,  # type: ignore[arg-type]
                bounds=o.bounds if o.bounds is not None else p.bounds,
                cv=o.cv if o.cv is not None else p.cv,
                sd=o.sd if o.sd is not None else p.sd,
            )
        params.append(ParameterEntry(q, owner, p, _param_symbol(owner, p.name)))

    for m in modules:
        for p in m.parameters:
            add_param(m.name, p)
    for c in couplings:
        for p in c.parameters:
            add_param(c.name, p)
    if overrides:
        raise ModelDefinitionError(f"Overrides name unknown parameters: {sorted(overrides)}.")

    # -- inputs (shared by name; the first declaration fixes unit and default)
    inputs: dict[str, InputEntry] = {}
    for m in modules:
        for u in m.inputs:
            if u.name in inputs:
                prev = inputs[u.name]
                if prev.input.unit != u.unit:
                    raise ModelDefinitionError(
                        f"Input {u.name!r} has unit {prev.input.unit!r} in {prev.modules} but {u.unit!r} in {m.name!r}."
                    )
                inputs[u.name] = replace(prev, modules=(*prev.modules, m.name))
            else:
                inputs[u.name] = InputEntry(u.name, (m.name,), u, _input_symbol(u.name))

    # -- the global namespace couplings see
    global_map: dict[str, sp.Expr] = {"t": TIME}
    for s in states:
        global_map[s.name] = s.symbol
    for u in inputs.values():
        global_map.setdefault(u.name, u.symbol)

    # -- port bindings from couplings
    bindings: dict[str, tuple[str, Callable[[Symbols], sp.Expr]]] = {}
    ports_known = {f"{m.name}.{p.name}" for m in modules for p in m.ports}
    for c in couplings:
        for key, fn in c.binds.items():
            if key not in ports_known:
                raise ModelDefinitionError(
                    f"Coupling {c.name!r} binds unknown port {key!r}.{did_you_mean(key, ports_known)}"
                )
            if key in bindings:
                raise ModelDefinitionError(f"Port {key!r} is bound by both {bindings[key][0]!r} and {c.name!r}.")
            bindings[key] = (c.name, fn)

    def coupling_namespace(cname: str) -> Symbols:
        mapping = dict(global_map)
        for pe in params:  # any parameter as owner__name; the coupling's own also by plain name
            mapping[pe.name.replace(".", "__")] = pe.symbol
            if pe.owner == cname:
                mapping[pe.parameter.name] = pe.symbol
        return Symbols(f"Coupling {cname!r}", mapping)

    equations: list[EquationEntry] = []
    obs_entries: list[ObservableEntry] = []
    bound: list[BindingEntry] = []
    for m in modules:
        local = m.local_symbols()
        k = time_factor(m.time_unit, time_unit)
        to_global: dict[sp.Symbol, sp.Expr] = {TIME: _exact(k) * TIME} if k != 1 else {}
        for st in m.states:
            to_global[local[st.name]] = _state_symbol(st.name)
        for p in m.parameters:
            to_global[local[p.name]] = _param_symbol(m.name, p.name)
        for u in m.inputs:
            to_global[local[u.name]] = inputs[u.name].symbol
        port_subs: dict[sp.Symbol, sp.Expr] = {}
        for port in m.ports:
            key = f"{m.name}.{port.name}"
            if key in bindings:
                cname, fn = bindings[key]
                expr = sp.sympify(fn(coupling_namespace(cname)))
                bound.append(BindingEntry(cname, key, expr))
            elif callable(port.default):
                expr = sp.sympify(port.default(Symbols(f"Module {m.name!r}", local))).xreplace(to_global)
            else:
                expr = sp.Float(port.default) if not float(port.default).is_integer() else sp.Integer(int(port.default))
            port_subs[local[port.name]] = expr

        def globalise(expr: sp.Expr, _tg=to_global, _ps=port_subs) -> sp.Expr:
            # ports first (their expressions are already global and in model time), then module symbols
            e = sp.sympify(expr).xreplace({**_tg})
            return e.xreplace(_ps)

        for r in m.rates():
            # d x / d t_model = k * f(t_module = k * t_model)
            rate = globalise(r.expr)
            equations.append(EquationEntry(r.state, m.name, r.eq, r.note, rate if k == 1 else _exact(k) * rate))
        s_local = Symbols(f"Module {m.name!r}", local)
        for ob in m.observables:
            obs_entries.append(ObservableEntry(ob.name, m.name, ob, globalise(ob.expr(s_local))))

    obs_ns_map = dict(global_map)
    for pe in params:
        obs_ns_map[pe.name.replace(".", "__")] = pe.symbol
    for ob in observables:
        obs_entries.append(ObservableEntry(ob.name, name, ob, sp.sympify(ob.expr(Symbols(f"Model {name!r}", obs_ns_map)))))
    onames = [o.name for o in obs_entries]
    dup = sorted({n for n in onames if onames.count(n) > 1})
    if dup:
        raise ModelDefinitionError(f"Model {name!r} declares observables {dup} twice.")

    # order equations as states
    by_state = {e.state: e for e in equations}
    equations = [by_state[s.name] for s in states]

    # every free symbol must be known
    known = {TIME} | {s.symbol for s in states} | {p.symbol for p in params} | {u.symbol for u in inputs.values()}
    for e in equations:
        unknown = e.expr.free_symbols - known
        if unknown:
            raise ModelDefinitionError(
                f"The rate of {e.state!r} ({e.module}, {e.eq}) uses unknown symbols {sorted(map(str, unknown))}."
            )
    for o in obs_entries:
        unknown = o.expr.free_symbols - known
        if unknown:
            raise ModelDefinitionError(f"Observable {o.name!r} uses unknown symbols {sorted(map(str, unknown))}.")

    return Model(
        name=name,
        title=title,
        time_unit=time_unit,
        modules=tuple(modules),
        couplings=tuple(couplings),
        states=tuple(states),
        parameters=tuple(params),
        inputs=tuple(inputs.values()),
        equations=tuple(equations),
        observables=tuple(obs_entries),
        notes=notes,
        bindings=tuple(bound),
    )
