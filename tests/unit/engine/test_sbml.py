"""SBML export: printer semantics, document validity, provenance notes, and RHS agreement with the kernel."""

from __future__ import annotations

import importlib

import libsbml
import numpy as np
import pytest
import sympy as sp

from pnisim.disclaimer import DISCLAIMER
from pnisim.engine.sbml import OBSERVABLE_PREFIX, sbml_math, to_sbml, write_sbml
from pnisim.engine.simulate import Event, compile_model
from pnisim.errors import ModelDefinitionError
from pnisim.model.core import TIME
from pnisim.model.modules import gupta2007, karin2020, somvanshi2020, windoloski2024


def _model_factories() -> dict:
    """The four published models, plus the composed ``core`` model once the library provides it."""
    out = {m.__name__.rsplit(".", 1)[1]: m.model for m in (somvanshi2020, karin2020, windoloski2024, gupta2007)}
    try:
        library = importlib.import_module("pnisim.model.library")
    except ImportError:
        return out
    if hasattr(library, "get_model"):
        out["core"] = lambda: library.get_model("core")
    return out


MODELS = _model_factories()


@pytest.fixture(scope="module", params=sorted(MODELS))
def model(request):
    return MODELS[request.param]()


def _errors(text: str) -> list[str]:
    doc = libsbml.readSBMLFromString(text)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    errs = [doc.getError(i) for i in range(doc.getNumErrors())]
    return [e.getMessage() for e in errs if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR]


# ---- printer ---------------------------------------------------------------------------------------------------

x, y = sp.symbols("x y", real=True)
EXPRESSIONS = [
    x - y, -x + 2 * y, -x / y, 2 * x / (3 * y**2), x ** sp.Rational(1, 3), x**-0.5, (x + y) ** y, x ** (-y),
    -((x + y) ** 2), sp.Rational(1, 24) * x, sp.Max(x, y, 1), sp.Min(x, 0.5), sp.Abs(y - x), sp.sqrt(x + 1),
    sp.cos(2 * sp.pi * TIME / 24), sp.sin(x) * sp.exp(-x * y), sp.log(x) / sp.log(y + 2), sp.tanh(x - 1),
    sp.Piecewise((x, x > y), (y, True)), sp.Piecewise((1, (x > 1) & (y < 1)), (2, (x < 0) | (y > 5)), (3, True)),
    sp.Heaviside(x - 1), sp.Heaviside(y - 1), sp.Float("1.2345678901234567e-8") * x, x / (y * (x + 1)),
    -3 * x**2 * y / ((x + y) * (1 + y) ** 1.5), 1 / (1 + (x / y) ** 4.2), x**2 - x**3 + y**-2,
]


def test_printer_matches_sympy_numerically():
    """Every printed expression, evaluated by libRoadRunner, equals sympy's value (printer precedence check)."""
    roadrunner = pytest.importorskip("roadrunner")
    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    m.setId("printer")
    for pid, value, constant in [("x", 1.7, True), ("y", 0.3, True)] + [(f"e{k}", 0.0, False) for k in range(len(EXPRESSIONS))]:
        p = m.createParameter()
        p.setId(pid)
        p.setValue(value)
        p.setConstant(constant)
    for k, e in enumerate(EXPRESSIONS):
        rule = m.createAssignmentRule()
        rule.setVariable(f"e{k}")
        assert rule.setMath(sbml_math(e)) == libsbml.LIBSBML_OPERATION_SUCCESS
    rr = roadrunner.RoadRunner(libsbml.writeSBMLToString(doc))
    rr.model.setTime(5.0)
    for k, e in enumerate(EXPRESSIONS):
        want = float(e.subs({x: 1.7, y: 0.3, TIME: 5.0}).evalf(30))
        assert rr[f"e{k}"] == pytest.approx(want, rel=1e-13, abs=1e-300), (k, e)


def test_unsupported_expression_raises():
    with pytest.raises(ModelDefinitionError, match="cannot print"):
        sbml_math(sp.gamma(x))


# ---- document --------------------------------------------------------------------------------------------------


def test_export_validates_with_provenance(model):
    events = [Event(1.0, "set_input", model.inputs[0].name, 0.5)] if model.inputs else []
    text = to_sbml(model, events=events)
    assert _errors(text) == []
    doc = libsbml.readSBMLFromString(text)
    m = doc.getModel()
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)
    assert DISCLAIMER in m.getNotesString()
    for citation, doi, _ in model.references():
        assert citation.split(".")[0] in libsbml.XMLNode.convertXMLNodeToString(m.getNotes())
        if doi:
            assert doi in m.getNotesString()
    assert m.getNumRules() == len(model.states) + len(model.observables)
    for pe in model.parameters:
        p = m.getParameter(pe.symbol.name)
        assert p.getName() == pe.name and p.getConstant() and p.getValue() == pytest.approx(pe.parameter.value, rel=1e-14)
        notes = p.getNotesString()
        assert f"evidence grade: {pe.parameter.grade}" in notes and "source:" in notes and "unit:" in notes
    for s in model.states:
        p = m.getParameter(s.symbol.name)
        assert not p.getConstant() and m.getRateRule(s.symbol.name) is not None
    for o in model.observables:
        assert m.getAssignmentRule(OBSERVABLE_PREFIX + o.name) is not None
    for u in model.inputs:
        assert not m.getParameter(u.symbol.name).getConstant()
    if events:
        ev = m.getEvent(0)
        trig = ev.getTrigger()
        assert ev.getUseValuesFromTriggerTime() and trig.getPersistent() and not trig.getInitialValue()
        assert libsbml.formulaToL3String(trig.getMath()) == "time >= 1"


def test_overrides_and_event_folding():
    model = gupta2007.model()
    p = model.parameter_values() * 1.5
    y0 = model.initial_state() + 0.25
    u0 = model.input_defaults() + 2.0
    events = [Event(3.0, "add_state", "c", 1.0), Event(3.0, "add_state", "c", -0.5), Event(3.0, "set_state", "a", 0.2),
              Event(3.0, "add_state", "a", 0.1), Event(2.0, "set_input", "gupta_stress", 7.0)]
    m = libsbml.readSBMLFromString(to_sbml(model, events=events, parameters=p, initial_state=y0, inputs=u0)).getModel()
    assert [m.getParameter(e.symbol.name).getValue() for e in model.parameters] == pytest.approx(p, rel=1e-14)
    assert [m.getParameter(e.symbol.name).getValue() for e in model.states] == pytest.approx(y0, rel=1e-14)
    assert m.getParameter("u_gupta_stress").getValue() == pytest.approx(u0[0])
    assert m.getNumEvents() == 2  # one SBML event per distinct time, in time order
    first, second = m.getEvent(0), m.getEvent(1)
    assert libsbml.formulaToL3String(first.getTrigger().getMath()) == "time >= 2"
    folded = {a.getVariable(): libsbml.formulaToL3String(a.getMath()) for a in second.getListOfEventAssignments()}
    assert folded == {"s_c": "s_c + 1 + -0.5", "s_a": "0.2 + 0.1"}


def test_bad_override_shape_raises():
    with pytest.raises(ModelDefinitionError, match="parameters"):
        to_sbml(gupta2007.model(), parameters=np.ones(3))


def test_write_sbml_is_atomic(tmp_path):
    model = karin2020.model()
    path = write_sbml(model, tmp_path / "karin.xml")
    assert path.read_text() == to_sbml(model)
    assert [f.name for f in tmp_path.iterdir()] == ["karin.xml"]


# ---- libRoadRunner loads it and its right-hand side equals the compiled kernel's --------------------------------


def test_roadrunner_rhs_equals_kernel(model):
    roadrunner = pytest.importorskip("roadrunner")
    rr = roadrunner.RoadRunner(to_sbml(model))
    gp = list(rr.model.getGlobalParameterIds())
    kernel = compile_model(model)
    rng = np.random.default_rng(1)
    p = model.parameter_values()
    scale = np.array([max(abs(s.state.initial), s.state.scale or 0.0, 1e-3) for s in model.states])
    y_init, u_init = model.initial_state(), model.input_defaults()
    cases = [(0.0, y_init, u_init),  # the initial state, then a perturbed state with non-default inputs
             (7.3, y_init + scale * rng.uniform(0.1, 0.5, y_init.size), u_init + rng.uniform(0.1, 1.0, u_init.size))]
    for t, y, u in cases:
        rr.model.setTime(t)
        ids = [s.symbol.name for s in model.states] + [e.symbol.name for e in model.inputs]
        rr.model.setGlobalParameterValues([gp.index(i) for i in ids], np.concatenate([y, u]))
        rates = rr.getRatesOfChangeNamedArray()
        cols = list(rates.colnames)
        got = np.array([rates[0, cols.index(f"{s.symbol.name}'")] for s in model.states])
        want = np.zeros(len(model.states))
        kernel.rhs(t, y, kernel.extend(p), u, want)
        # rtol 1e-10; the absolute floor covers exact steady states (rounding of cancelling terms)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(y).max()))
