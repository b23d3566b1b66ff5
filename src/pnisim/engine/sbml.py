"""SBML Level 3 Version 2 export of a composed model (for libRoadRunner, COPASI, BioModels).

Exported: :func:`to_sbml` (model -> SBML document string) and :func:`write_sbml` (the same, written to a file
atomically). The document is built with python-libsbml:

* each state ``x`` is a non-constant global parameter ``s_x`` driven by a *rate rule* holding the model's
  right-hand side (parameters rather than species: the states carry concentration-like units such as
  ``pg/mL`` that SBML species semantics would turn into amounts, and libRoadRunner integrates rate-rule
  parameters directly, exactly as written);
* each model parameter is a constant global parameter whose id is its sympy symbol (``p_hpa__k_crh``) and
  whose name is the qualified name (``hpa.k_crh``); its unit, source and evidence grade are in its notes;
* each input is a non-constant parameter ``u_<name>`` changed only by SBML events;
* each observable is a non-constant parameter ``o_<name>`` computed by an *assignment rule*;
* the algebraic (quasi-steady) states of a reduced model (:mod:`pnisim.model.reduce`) are non-constant
  parameters ``s_<name>`` computed by assignment rules;
* the scenario's events become SBML events with trigger ``time >= T`` (``initialValue=false``,
  ``persistent=true``, ``useValuesFromTriggerTime=true``). Events at the same time are merged into one SBML
  event whose assignments fold the pnisim events in their given order (``x := x + 1 + 2``, a later
  ``set_state`` overrides earlier ones), so the result equals pnisim's sequential application.

Mathematics is printed by a small sympy -> SBML L3 infix printer (full-precision decimals, ``ln`` for the
natural log, the csymbol ``time`` for model time) and parsed with ``libsbml.parseL3Formula`` (note: libSBML's
XML writer rounds every real to 15 significant digits, a relative change below 1e-15). The document is
checked with ``checkConsistency``; any error raises :class:`pnisim.errors.ModelDefinitionError`. The model
notes carry the citations of every module and coupling and the disclaimer. Only the time unit is declared as
an SBML unit definition; every other unit is given as text in the element's notes.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import libsbml
import numpy as np
import sympy as sp

from .. import __version__
from ..disclaimer import DISCLAIMER
from ..errors import ModelDefinitionError
from ..model.compose import Model
from ..model.core import TIME
from .simulate import Event

__all__ = ["to_sbml", "write_sbml", "sbml_math", "STATE_PREFIX", "OBSERVABLE_PREFIX"]

STATE_PREFIX = "s_"  # same as the model's state symbols
OBSERVABLE_PREFIX = "o_"

_TIME_UNITS = {"h": ("hour", 3600.0), "d": ("day", 86400.0), "min": ("minute", 60.0)}

# ---- sympy -> SBML L3 infix --------------------------------------------------------------------------------

_ATOM, _POW, _MUL, _ADD = 4, 3, 2, 1
_FUNCS = {
    sp.cos: "cos", sp.sin: "sin", sp.tan: "tan", sp.exp: "exp", sp.log: "ln", sp.Abs: "abs",
    sp.floor: "floor", sp.ceiling: "ceil", sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh",
    sp.asin: "arcsin", sp.acos: "arccos", sp.atan: "arctan", sp.Min: "min", sp.Max: "max",
}
_RELATIONS = {sp.StrictLessThan: "<", sp.LessThan: "<=", sp.StrictGreaterThan: ">", sp.GreaterThan: ">=",
              sp.Equality: "==", sp.Unequality: "!="}


def _number(x: float) -> str:
    """Shortest decimal that round-trips to the same double (Python's repr)."""
    x = float(x)
    if not math.isfinite(x):
        raise ModelDefinitionError(f"SBML export cannot write the non-finite number {x}.")
    return repr(x)


def _wrap(expr: sp.Basic, min_prec: int) -> str:
    text, prec = _print(expr)
    return f"({text})" if prec < min_prec else text


def _print(e: sp.Basic) -> tuple[str, int]:
    """(infix text, precedence) of a sympy expression; compound operands are parenthesised conservatively."""
    if e is TIME or (isinstance(e, sp.Symbol) and e.name == TIME.name):
        return "time", _ATOM
    if isinstance(e, sp.Symbol):
        return e.name, _ATOM
    if e is sp.pi:
        return "pi", _ATOM
    if e is sp.E:
        return "exponentiale", _ATOM
    if e is sp.true or e is sp.false:
        return ("true" if e is sp.true else "false"), _ATOM
    if isinstance(e, sp.Integer):
        return str(int(e)), (_ATOM if e >= 0 else _ADD)
    if isinstance(e, (sp.Rational, sp.Float)):
        x = float(e)
        return _number(x), (_ATOM if x >= 0 else _ADD)
    if isinstance(e, sp.Add):
        terms = list(e.args)
        out = [_wrap(terms[0], _ADD)]
        for t in terms[1:]:
            if t.could_extract_minus_sign():
                out.append(f" - {_wrap(-t, _MUL)}")
            else:
                out.append(f" + {_wrap(t, _MUL)}")
        return "".join(out), _ADD
    if isinstance(e, sp.Mul) or (isinstance(e, sp.Pow) and e.exp.is_number and e.exp.is_negative):
        return _print_product(e)
    if isinstance(e, sp.Pow):
        base, exp = e.args
        if exp == sp.Rational(1, 2):
            return f"sqrt({_print(base)[0]})", _ATOM
        return f"{_wrap(base, _ATOM)}^{_wrap(exp, _ATOM)}", _POW
    if isinstance(e, sp.Piecewise):
        parts: list[str] = []
        for value, cond in e.args:
            if cond is sp.true:
                parts.append(_print(value)[0])
                break
            parts += [_print(value)[0], _print(cond)[0]]
        return f"piecewise({', '.join(parts)})", _ATOM
    if isinstance(e, sp.Heaviside):
        x = _print(e.args[0])[0]
        h0 = _number(e.args[1]) if len(e.args) > 1 else "0.5"  # sympy's default H(0) = 1/2
        return f"piecewise(0, {x} < 0, 1, {x} > 0, {h0})", _ATOM
    if type(e) in _RELATIONS:
        return f"{_wrap(e.lhs, _ADD)} {_RELATIONS[type(e)]} {_wrap(e.rhs, _ADD)}", 0
    if isinstance(e, (sp.And, sp.Or)):
        op = " && " if isinstance(e, sp.And) else " || "
        return op.join(f"({_print(a)[0]})" for a in e.args), 0
    if isinstance(e, sp.Not):
        return f"!({_print(e.args[0])[0]})", _ATOM
    if getattr(e, "func", None) in _FUNCS:
        if e.func is sp.log and len(e.args) != 1:
            raise ModelDefinitionError(f"SBML export supports only the natural logarithm. Got {e} instead.")
        return f"{_FUNCS[e.func]}({', '.join(_print(a)[0] for a in e.args)})", _ATOM
    raise ModelDefinitionError(f"SBML export cannot print the expression {e!r} (type {type(e).__name__}).")


def _print_product(e: sp.Expr) -> tuple[str, int]:
    coeff = 1.0
    num: list[sp.Expr] = []
    den: list[sp.Expr] = []
    for f in sp.Mul.make_args(e):
        if f.is_Number:
            coeff *= float(f)
        elif isinstance(f, sp.Pow) and f.exp.is_number and f.exp.is_negative:
            den.append(sp.Pow(f.base, -f.exp))
        else:
            num.append(f)
    sign = "-" if coeff < 0 else ""
    head = [_number(abs(coeff))] if abs(coeff) != 1.0 or not num else []
    text = " * ".join(head + [_wrap(f, _MUL) for f in num])
    if den:
        d = " * ".join(_wrap(f, _POW) for f in den)
        text += f" / ({d})" if len(den) > 1 else f" / {_wrap(den[0], _POW)}"
    return sign + text, (_ADD if sign else _MUL)


def sbml_math(expr: sp.Expr) -> libsbml.ASTNode:
    """The libSBML AST of a sympy expression (printed as L3 infix, then parsed)."""
    text = _print(sp.sympify(expr))[0]
    ast = libsbml.parseL3Formula(text)
    if ast is None:
        raise ModelDefinitionError(f"libSBML could not parse {text!r}: {libsbml.getLastParseL3Error()}")
    return ast


# ---- document ----------------------------------------------------------------------------------------------


def _ok(code: int, what: str) -> None:
    if code != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise ModelDefinitionError(f"libSBML refused to {what}: {libsbml.OperationReturnValue_toString(code)}.")


def _notes(obj: libsbml.SBase, lines: Sequence[str]) -> None:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    if body:
        _ok(obj.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'), "set notes")


def _parameter(m: libsbml.Model, pid: str, name: str, value: float, constant: bool, notes: Sequence[str],
               units: str = "") -> libsbml.Parameter:
    p = m.createParameter()
    _ok(p.setId(pid), f"set id {pid!r}")
    p.setName(name)
    _ok(p.setValue(float(value)), f"set the value of {pid!r}")
    p.setConstant(constant)
    if units:
        p.setUnits(units)
    _notes(p, notes)
    return p


def _vector(name: str, values, default: np.ndarray) -> np.ndarray:
    if values is None:
        return default
    a = np.asarray(values, dtype=float)
    if a.shape != default.shape or not np.all(np.isfinite(a)):
        raise ModelDefinitionError(f"The {name!r} array must be finite with shape {default.shape}. Got {a.shape}.")
    return a


def _add_events(model: Model, m: libsbml.Model, events: Sequence[Event]) -> None:
    groups: dict[float, list[Event]] = {}
    for e in sorted(events, key=lambda e: e.time):  # stable: equal times keep their given order
        groups.setdefault(float(e.time), []).append(e)
    for k, (time, evs) in enumerate(groups.items()):
        assign: dict[str, str] = {}  # target id -> folded expression, in first-touched order
        for e in evs:
            if e.kind == "set_input":
                target = model.inputs[model.input_index(e.target)].symbol.name
                assign[target] = _number(e.value)
            else:
                target = model.states[model.state_index(e.target)].symbol.name
                if e.kind == "add_state":
                    v = _number(e.value)
                    assign[target] = f"{assign.get(target, target)} + {v if e.value >= 0 else f'({v})'}"
                else:
                    assign[target] = _number(e.value)
        ev = m.createEvent()
        ev.setId(f"event_{k}")
        ev.setName("; ".join(f"{e.label or e.kind} {e.target} {e.value:g}" for e in evs))
        ev.setUseValuesFromTriggerTime(True)
        trig = ev.createTrigger()
        trig.setInitialValue(False)
        trig.setPersistent(True)
        _ok(trig.setMath(libsbml.parseL3Formula(f"time >= {_number(time)}")), "set an event trigger")
        for target, text in assign.items():
            a = ev.createEventAssignment()
            a.setVariable(target)
            ast = libsbml.parseL3Formula(text)
            if ast is None:
                raise ModelDefinitionError(f"libSBML could not parse {text!r}: {libsbml.getLastParseL3Error()}")
            _ok(a.setMath(ast), f"set the event assignment of {target!r}")


def _build(model: Model, events, parameters, initial_state, inputs) -> libsbml.SBMLDocument:
    p_val = _vector("parameters", parameters, model.parameter_values())
    y0 = _vector("initial_state", initial_state, model.initial_state())
    u0 = _vector("inputs", inputs, model.input_defaults())

    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    _ok(m.setId(model.name), f"use {model.name!r} as model id")
    m.setName(model.title)
    refs = [f"{c}. doi:{d}" if d else c for c, d, _ in model.references()]
    _notes(m, [
        model.title, DISCLAIMER,
        f"Exported by pnisim {__version__} (spec hash {model.spec_hash()[:16]}); model time unit: {model.time_unit}.",
        "States are parameters s_<name> with rate rules; parameters p_<owner>__<name>; inputs u_<name> "
        "(changed by events only); observables o_<name> (assignment rules); quasi-steady states s_<name> of a "
        "reduced model (assignment rules).",
        model.notes,
        "References:", *refs,
        *(f"Module {mod.name}: {mod.title}. Changes: {mod.changes}" for mod in model.modules),
    ])
    if model.time_unit in _TIME_UNITS:
        uid, seconds = _TIME_UNITS[model.time_unit]
        ud = m.createUnitDefinition()
        ud.setId(uid)
        u = ud.createUnit()
        u.setKind(libsbml.UNIT_KIND_SECOND)
        u.setExponent(1)
        u.setScale(0)
        u.setMultiplier(seconds)
        m.setTimeUnits(uid)
    else:
        m.setTimeUnits("dimensionless")

    def units(text: str) -> str:
        return "dimensionless" if text == "1" else ""

    for s, v in zip(model.states, y0):
        st = s.state
        _parameter(m, s.symbol.name, s.name, v, False,
                   [f"state; unit: {st.unit}; module: {s.module}", st.description], units(st.unit))
    for pe, v in zip(model.parameters, p_val):
        q = pe.parameter
        _parameter(m, pe.symbol.name, pe.name, v, True,
                   [f"unit: {q.unit}", f"source: {q.source}", f"evidence grade: {q.grade}", q.description],
                   units(q.unit))
    for ue, v in zip(model.inputs, u0):
        _parameter(m, ue.symbol.name, ue.name, v, False,
                   [f"input; unit: {ue.input.unit}", ue.input.description], units(ue.input.unit))
    for a in model.algebraic:
        _parameter(m, a.symbol.name, a.name, 0.0, False,
                   [f"algebraic (quasi-steady) state; unit: {a.state.unit}; module: {a.module}", a.state.description,
                    a.note], units(a.state.unit))
    for o in model.observables:
        _parameter(m, OBSERVABLE_PREFIX + o.name, o.name, 0.0, False,
                   [f"observable; unit: {o.observable.unit}", o.observable.description], units(o.observable.unit))

    for eq, s in zip(model.equations, model.states):
        rule = m.createRateRule()
        rule.setVariable(s.symbol.name)
        _ok(rule.setMath(sbml_math(eq.expr)), f"set the rate rule of {s.name!r}")
        _notes(rule, [f"{eq.module} {eq.eq}", eq.note])
    for a in model.algebraic:
        rule = m.createAssignmentRule()
        rule.setVariable(a.symbol.name)
        _ok(rule.setMath(sbml_math(a.expr)), f"set the assignment rule of {a.name!r}")
    for o in model.observables:
        rule = m.createAssignmentRule()
        rule.setVariable(OBSERVABLE_PREFIX + o.name)
        _ok(rule.setMath(sbml_math(o.expr)), f"set the assignment rule of {o.name!r}")
    _add_events(model, m, events)
    return doc


def to_sbml(
    model: Model,
    *,
    events: Sequence[Event] = (),
    parameters: np.ndarray | None = None,
    initial_state: np.ndarray | None = None,
    inputs: np.ndarray | None = None,
) -> str:
    """The SBML L3V2 document of ``model`` (optionally with one individual's values and a scenario's events).

    ``parameters``, ``initial_state`` and ``inputs`` are 1-D arrays in model order (default: the model's own).
    Raises :class:`ModelDefinitionError` if libSBML reports any error in the document.
    """
    doc = _build(model, list(events), parameters, initial_state, inputs)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)  # units are notes, not SBML units
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_MODELING_PRACTICE, False)
    doc.checkConsistency()
    errors = [doc.getError(i) for i in range(doc.getNumErrors())]
    errors = [e for e in errors if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    if errors:
        lines = "; ".join(f"line {e.getLine()}: {e.getMessage().strip()}" for e in errors[:5])
        raise ModelDefinitionError(f"The SBML export of model {model.name!r} has {len(errors)} error(s): {lines}")
    return libsbml.writeSBMLToString(doc)


def write_sbml(model: Model, path: str | os.PathLike, **kwargs) -> Path:
    """Write :func:`to_sbml` ``(model, **kwargs)`` to ``path`` atomically (temporary file + ``os.replace``)."""
    path = Path(path)
    text = to_sbml(model, **kwargs)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
