"""Quasi-steady-state reduction: fast linear relaxations become algebraic states.

A state x whose equation is a first-order relaxation towards a target set by the slower states,
``dx/dt = (target(y, u, t) - x) / tau`` with tau of minutes, follows that target within a few tau. Over weeks of
simulated follow-up its only effect on the solver is to cap the explicit step at ~0.6 tau x 10 (the stability
limit of DOP853 on an eigenvalue of -1/tau); replacing it by its quasi-steady state ``x = target`` (Tikhonov 1952,
Mat Sb 31:575; Segel & Slemrod 1989, SIAM Rev 31:446) removes that limit. The error of the reduced model is
O(tau / T) for slow variables varying on time scale T: negligible for weekly visits, not for a 20-min stress test,
which is why only long runs (trials, ``fast_states = "quasi-steady"``) use it and the full model stays the
default everywhere else.

The reduced model keeps the fast states as *algebraic* states (:class:`AlgebraicEntry`): the kernel evaluates
them at every output time, observables may read them, and SBML export writes them as assignment rules. Only
equations linear in the fast states qualify (solved exactly by sympy); anything else is refused with the reason.

What changed from the full model: acute responses downstream of the fast states lose their minutes-scale lag.
Measured (tests/unit/model/test_reduce.py, tests/unit/trial/test_trial.py): a CBT trial's immune estimates move by
under a tenth of their CI half-width, PHQ-9's by 0.14 of it (a few per cent); CRP, IL-6, TNF-α, PHQ-9 and RMSSD stay
within 2 % over 8 weeks of strong stress. Not faithful for cortisol in the whole model: without StARp's lag the
calibrated HPA loop settles into another daily shape under strong stress, so trials reading HPA observables
integrate the full model (library.FAST_SENSITIVE).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import sympy as sp

from ..errors import ModelDefinitionError, SpecError
from .compose import AlgebraicEntry, Model, did_you_mean

__all__ = ["MAX_TAU_H", "quasi_steady_state"]

#: The slowest relaxation (hours) the reduction accepts: 15 min, several times faster than any cytokine, gland or
#: mood time scale of the shipped models (the next-fastest states of the whole model relax in >= 22 min)
MAX_TAU_H = 0.25


@dataclass(frozen=True)
class _Solution:
    names: tuple[str, ...]
    exprs: tuple[sp.Expr, ...]


def _solve(model: Model, names: tuple[str, ...]) -> _Solution:
    # cached per model structure (kernel hash): parameter values do not enter the solution
    key = (model.kernel_hash(), names)
    if key not in _SOLVED:
        _SOLVED[key] = _solve_uncached(model, names)
    return _SOLVED[key]


_SOLVED: dict[tuple, _Solution] = {}


def _solve_uncached(model: Model, names: tuple[str, ...]) -> _Solution:
    index = {s.name: i for i, s in enumerate(model.states)}
    syms = [model.states[index[n]].symbol for n in names]
    eqs = [model.equations[index[n]].expr for n in names]
    for n, f in zip(names, eqs):
        for s in syms:
            if sp.diff(f, s).free_symbols & set(syms):
                raise ModelDefinitionError(
                    f"The state {n!r} of model {model.name!r} cannot be put in quasi-steady state: its equation is "
                    f"not linear in the fast states {list(names)}. Only first-order relaxations can be reduced.")
    A, b = sp.linear_eq_to_matrix(eqs, syms)
    if A.det() == 0:
        raise ModelDefinitionError(
            f"The quasi-steady state of {list(names)} in model {model.name!r} is not unique (singular system).")
    sol = A.LUsolve(b)
    return _Solution(tuple(names), tuple(sol))


def _time_constant(model: Model, name: str) -> float:
    """tau = -1 / (d f_x / d x) at the default parameters and initial state (hours when the model is in hours)."""
    i = model.state_index(name)
    d = sp.diff(model.equations[i].expr, model.states[i].symbol)
    values = {s.symbol: v for s, v in zip(model.states, model.initial_state())}
    values.update({p.symbol: v for p, v in zip(model.parameters, model.parameter_values())})
    values.update({u.symbol: v for u, v in zip(model.inputs, model.input_defaults())})
    values[sp.Symbol("t", real=True)] = 0.0
    rate = float(d.subs(values).evalf())
    return -1.0 / rate if rate < 0 else math.inf


def quasi_steady_state(model: Model, names: Sequence[str], *, max_tau: float = MAX_TAU_H) -> Model:
    """``model`` with the states ``names`` replaced by their quasi-steady states (see the module docstring).

    Parameter values travel with ``model`` (a calibrated or per-run copy reduces to the same kernel). Raises
    :class:`SpecError` for an unknown state and :class:`ModelDefinitionError` when a state is not a fast linear
    relaxation (time constant above ``max_tau`` model time units, or a nonlinear equation).
    """
    names = tuple(names)
    if not names:
        return model
    if model.algebraic:
        raise ModelDefinitionError(f"Model {model.name!r} is already reduced; reduce the full model once.")
    known = model.state_names
    for n in names:
        if n not in known:
            raise SpecError(f"The fast state {n!r} is not a state of model {model.name!r}.{did_you_mean(n, known)}")
    for n in names:
        tau = _time_constant(model, n)
        if not tau <= max_tau:
            raise ModelDefinitionError(
                f"The state {n!r} of model {model.name!r} relaxes with a time constant of {tau:.3g} "
                f"{model.time_unit}; quasi-steady state is allowed only up to {max_tau:g} {model.time_unit}.")
    sol = _solve(model, names)
    subs = {model.states[model.state_index(n)].symbol: e for n, e in zip(sol.names, sol.exprs)}
    keep = [i for i, s in enumerate(model.states) if s.name not in names]
    algebraic = []
    for n in names:
        i = model.state_index(n)
        s = model.states[i]
        algebraic.append(AlgebraicEntry(name=n, module=s.module, state=s.state, symbol=s.symbol, expr=subs[s.symbol],
                                        note=f"quasi-steady state of {model.equations[i].eq}"))
    return replace(
        model,
        states=tuple(model.states[i] for i in keep),
        equations=tuple(replace(model.equations[i], expr=model.equations[i].expr.xreplace(subs)) for i in keep),
        algebraic=tuple(algebraic),
        notes=(model.notes + "\n" if model.notes else "") + f"Fast states in quasi-steady state: {', '.join(names)}.",
        _index={},
    )
