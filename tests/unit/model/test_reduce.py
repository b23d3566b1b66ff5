"""Quasi-steady-state reduction (pnisim.model.reduce): exactness at rest, agreement over weeks, refusals, export.

The reduction is a singular-perturbation approximation (Tikhonov 1952), so the reference is the full model
itself: at a steady state both agree exactly, over weeks the slow outputs agree to O(tau / T).
"""

from __future__ import annotations

import numpy as np
import pytest

from pnisim.engine.simulate import Solver, simulate
from pnisim.errors import ModelDefinitionError, SpecError
from pnisim.model.library import FAST_SENSITIVE, FAST_STATES, for_long_runs, get_model
from pnisim.model.reduce import quasi_steady_state

SOLVER = Solver(rtol=1e-7, atol=1e-9)


@pytest.fixture(scope="module")
def whole():
    return get_model("whole")


@pytest.fixture(scope="module")
def reduced(whole):
    return for_long_runs(whole)


def test_reduced_structure(whole, reduced):
    assert reduced.algebraic_names == list(FAST_STATES["whole"])
    assert len(reduced.states) == len(whole.states) - len(FAST_STATES["whole"])
    assert not set(reduced.algebraic_names) & set(reduced.state_names)
    assert reduced.parameter_names == whole.parameter_names  # same parameter vector: populations carry over
    assert reduced.kernel_hash() != whole.kernel_hash()
    # the right-hand side no longer mentions the reduced states
    gone = {a.symbol for a in reduced.algebraic}
    assert not any(e.expr.free_symbols & gone for e in reduced.equations)


def test_algebraic_states_sit_on_their_targets(whole, reduced):
    """The defining property: the full model's rates of the fast states vanish at every output of the reduced model
    (integrated states plus algebraic ones), here over a day with an acute stressor."""
    from pnisim.engine.simulate import Event, compile_model

    t = np.linspace(0.0, 24.0, 49)
    ev = [Event(9.0, "set_input", "acute_stress", 5.0), Event(9.5, "set_input", "acute_stress", 0.0)]
    red = simulate(reduced, t, events=ev, solver=SOLVER)
    assert red["SNS"].attrs["kind"] == "algebraic state"
    assert np.ptp(red["SNS"].values) > 0.1  # the stressor (a strong one: 5 units) moved the sympathetic tone
    kernel = compile_model(whole)
    p = kernel.extend(whole.parameter_values())
    fast = [whole.state_index(n) for n in reduced.algebraic_names]
    dy = np.empty(len(whole.states))
    for k, tk in enumerate(t):
        y = np.array([red[n].values[0, k] for n in whole.state_names])
        u = whole.input_defaults().copy()
        u[whole.input_index("acute_stress")] = 5.0 if 9.0 <= tk < 9.5 else 0.0
        kernel.rhs(tk, y, p, u, dy)
        scale = np.maximum(np.abs(y[fast]), 1e-3)
        np.testing.assert_allclose(dy[fast] / scale, 0.0, atol=1e-9, err_msg=f"t = {tk}")


def test_agrees_over_weeks_of_chronic_stress(whole, reduced):
    """Strong chronic stress (stress_load 1.2) for 8 weeks, read weekly at 03, 09, 15 and 21 h: CRP, IL-6, TNF-α,
    PHQ-9 and RMSSD agree within 2 % (PHQ-9 while rising fastest differs by 0.12 of 27 points, against a
    test-retest SD of about 2); every other observable outside FAST_SENSITIVE within 6 %. Cortisol is in
    FAST_SENSITIVE because it does not agree: without StARp's lag the HPA loop takes another daily shape."""
    t = np.sort(np.concatenate([np.arange(0.0, 24.0 * 56 + 1, 24.0 * 7) + h for h in (3.0, 9.0, 15.0, 21.0)]))
    p = whole.parameter_values()
    p[whole.parameter_index("psyche.stress_load")] = 1.2
    full = simulate(whole, t, parameters=p, solver=Solver(rtol=1e-6, atol=1e-8))
    red = simulate(reduced, t, parameters=p, solver=Solver(rtol=1e-6, atol=1e-8))
    assert np.ptp(full["phq9"].values) > 0.5  # the stress moved mood

    def rel(name):
        a, b = red[name].values[0], full[name].values[0]
        return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-6 * np.abs(b).max() + 1e-12)))

    for name in ("crp", "il6", "tnf", "phq9", "rmssd"):
        assert rel(name) < 0.02, name
    sensitive = set(FAST_SENSITIVE["whole"])
    worst = {o: rel(o) for o in whole.observable_names if o not in sensitive}
    assert max(worst.values()) < 0.06, {k: v for k, v in worst.items() if v >= 0.06}
    assert rel("cortisol_serum") > 0.2
    # and with far fewer solver steps: the point of the reduction
    assert red["n_steps"].values.sum() < 0.6 * full["n_steps"].values.sum()


def test_refuses_slow_or_unknown_states(whole, reduced):
    with pytest.raises(ModelDefinitionError, match="time constant"):
        quasi_steady_state(whole, ["MA"])  # macrophage activation relaxes in ~22 min > 15 min
    with pytest.raises(SpecError, match="'SNZ' is not a state.*Did you mean 'SNS'"):
        quasi_steady_state(whole, ["SNZ"])
    with pytest.raises(ModelDefinitionError, match="already reduced"):
        quasi_steady_state(reduced, ["LYM"])
    assert quasi_steady_state(whole, []) is whole


def test_refuses_nonlinear_equations(whole):
    """A state whose equation is not linear in the fast states has no closed-form quasi-steady state here."""
    with pytest.raises(ModelDefinitionError, match="not linear"):
        quasi_steady_state(whole, ["IL6"], max_tau=100.0)


def test_sbml_export_writes_assignment_rules(reduced):
    libsbml = pytest.importorskip("libsbml")
    from pnisim.engine.sbml import to_sbml

    doc = libsbml.readSBMLFromString(to_sbml(reduced))
    m = doc.getModel()
    rules = {m.getRule(i).getVariable() for i in range(m.getNumRules()) if m.getRule(i).isAssignment()}
    assert {a.symbol.name for a in reduced.algebraic} <= rules


def test_roadrunner_runs_the_reduced_model(reduced):
    """libRoadRunner (CVODE) on the exported reduced model agrees with pnisim's kernel over two days."""
    pytest.importorskip("roadrunner")
    from pnisim.engine.roadrunner import simulate_roadrunner
    from pnisim.engine.sbml import to_sbml

    t = np.linspace(0.0, 48.0, 49)
    ds = simulate(reduced, t, solver=Solver(rtol=1e-8, atol=1e-10))
    rr = simulate_roadrunner(to_sbml(reduced), t, rtol=1e-8, atol=1e-10)
    for name in ("cortisol_serum", "crp", "il6", "phq9"):
        np.testing.assert_allclose(ds[name].values[0], rr[name], rtol=1e-4, err_msg=name)
