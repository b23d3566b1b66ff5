"""Contract battery run over every shipped model (scikit-learn's parametrize_with_checks idea).

A new model or module registered in pnisim.model.library gets every check here for free.
"""

import numpy as np
import pytest

from pnisim.engine.simulate import Solver, compile_model, simulate
from pnisim.model.core import GRADES
from pnisim.model.library import MODEL_NAMES, get_model

RUN_LENGTH = {"core": 72.0, "somvanshi2020": 72.0, "karin2020": 30.0, "windoloski2024": 12.0, "gupta2007": 50.0}


#: The composed models every run uses are simulated in the default suite; the stand-alone published models are
#: simulated by the slow suite (make test-slow, CI), which compiles one kernel per model.
COMPOSED = ("core", "whole")


@pytest.fixture(params=MODEL_NAMES)
def model(request):
    return get_model(request.param)


@pytest.fixture(params=[name if name in COMPOSED else pytest.param(name, marks=pytest.mark.slow)
                        for name in MODEL_NAMES])
def compiled(request):
    return get_model(request.param)


def test_every_module_cites_its_paper(model):
    for m in model.modules:
        assert m.citation and m.doi.startswith("10."), m.name
        assert m.changes, f"{m.name} must say what pnisim changed"
        assert m.grade in GRADES


def test_every_parameter_has_unit_source_grade_bounds(model):
    for p in model.parameters:
        q = p.parameter
        assert q.unit, p.name
        assert q.source, p.name
        assert q.grade in GRADES, p.name
        lo, hi = q.resolved_bounds
        assert lo <= q.value <= hi, p.name
        assert q.cv >= 0


def test_every_state_has_a_unit_and_one_tagged_equation(model):
    assert [e.state for e in model.equations] == model.state_names
    for s in model.states:
        assert s.state.unit
    for e in model.equations:
        assert e.eq, f"equation of {e.state} needs the paper's equation tag"


def test_every_coupling_is_graded_and_cited(model):
    for c in model.couplings:
        assert c.citation and c.grade in GRADES and c.description


def test_rhs_and_jacobian_finite_at_initial_state(compiled):
    kernel = compile_model(compiled)
    y, p, u = compiled.initial_state(), kernel.extend(compiled.parameter_values()), compiled.input_defaults()
    dy = np.zeros(len(y))
    J = np.zeros((len(y), len(y)))
    kernel.rhs(0.0, y, p, u, dy)
    kernel.jac(0.0, y, p, u, J)
    assert np.all(np.isfinite(dy)) and np.all(np.isfinite(J))


def test_jacobian_matches_finite_differences(compiled):
    kernel = compile_model(compiled)
    y = compiled.initial_state() * 1.05 + 1e-3
    p, u = kernel.extend(compiled.parameter_values()), compiled.input_defaults()
    n = len(y)
    J = np.zeros((n, n))
    kernel.jac(1.0, y, p, u, J)
    for j in range(n):
        h = 1e-6 * max(abs(y[j]), 1e-3)
        fp, fm = np.zeros(n), np.zeros(n)
        yp, ym = y.copy(), y.copy()
        yp[j] += h
        ym[j] -= h
        kernel.rhs(1.0, yp, p, u, fp)
        kernel.rhs(1.0, ym, p, u, fm)
        np.testing.assert_allclose(J[:, j], (fp - fm) / (2 * h), rtol=1e-4, atol=1e-6 * (np.abs(fp).max() + 1))


def test_short_run_is_finite_and_nonnegative(compiled):
    t = np.linspace(0.0, RUN_LENGTH.get(compiled.name, 24.0), 50)
    ds = simulate(compiled, t, solver=Solver(rtol=1e-6, atol=1e-8))
    assert int(ds.status.values[0]) == 0
    for s in compiled.states:
        x = ds[s.name].values
        assert np.all(np.isfinite(x))
        if s.state.nonnegative:
            assert x.min() >= -1e-6 * max(1.0, np.abs(x).max()), s.name


def test_results_have_units_and_named_dims(compiled):
    ds = simulate(compiled, np.linspace(0.0, 1.0, 3), solver=Solver())
    for name in compiled.state_names + compiled.observable_names:
        assert ds[name].dims == ("individual", "time")
        assert ds[name].attrs["units"]
    for key in ("model_version", "spec_hash", "solver", "rtol", "atol", "package_version", "seed", "disclaimer"):
        assert key in ds.attrs
