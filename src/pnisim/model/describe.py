"""A composed model as plain data: what `pnisim model` shows as tables or JSON. Presentation only: no science."""

from __future__ import annotations

import sympy as sp

from .compose import Model

__all__ = ["describe_model", "readable"]


def _display_names(model: Model) -> dict[sp.Symbol, sp.Symbol]:
    """Internal symbols (``s_CRH``, ``p_hpa__k_crh``, ``u_stress``) -> the names users see (``CRH``,
    ``hpa.k_crh``, ``stress``)."""
    names: dict[sp.Symbol, sp.Symbol] = {}
    for s in model.states:
        names[s.symbol] = sp.Symbol(s.name, real=True)
    for p in model.parameters:
        names[p.symbol] = sp.Symbol(p.name, real=True)
    for u in model.inputs:
        names[u.symbol] = sp.Symbol(u.name, real=True)
    return names


def readable(model: Model, expr: sp.Expr) -> str:
    """``expr`` printed compactly (sympy ``sstr``) with user-facing names."""
    return sp.sstr(sp.sympify(expr).xreplace(_display_names(model)))


def describe_model(model: Model) -> dict:
    """Everything `pnisim model` shows: states, parameters, inputs, couplings, observables, equations,
    modules and references."""
    return {
        "name": model.name,
        "title": model.title,
        "time_unit": model.time_unit,
        "notes": model.notes,
        "states": [
            {"name": s.name, "unit": s.state.unit, "module": s.module, "initial": s.state.initial,
             "description": s.state.description}
            for s in model.states
        ],
        "parameters": [
            {"name": p.name, "value": p.parameter.value, "unit": p.parameter.unit,
             "bounds": list(p.parameter.resolved_bounds), "cv": p.parameter.cv, "sd": p.parameter.sd, "source": p.parameter.source,
             "grade": p.parameter.grade, "description": p.parameter.description}
            for p in model.parameters
        ],
        "inputs": [
            {"name": u.name, "unit": u.input.unit, "default": u.input.default, "modules": list(u.modules),
             "description": u.input.description}
            for u in model.inputs
        ],
        "modules": [
            {"name": m.name, "title": m.title, "citation": m.citation, "doi": m.doi, "grade": m.grade,
             "changes": m.changes}
            for m in model.modules
        ],
        "couplings": [
            {"name": c.name, "description": c.description, "grade": c.grade, "citation": c.citation}
            for c in model.couplings
        ],
        "observables": [
            {"name": o.name, "unit": o.observable.unit, "description": o.observable.description,
             "expression": readable(model, o.expr)}
            for o in model.observables
        ],
        "equations": [
            {"module": e.module, "state": e.state, "tag": e.eq, "note": e.note, "expression": readable(model, e.expr)}
            for e in model.equations
        ],
        "references": [{"citation": c, "doi": d, "used_for": use} for c, d, use in model.references()],
    }
