"""simulate(): input validation, per-individual failure handling, and the shape of the result."""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.errors import ResourceLimitError, SolverError, SpecError
from pnisim.model.library import get_model


@pytest.fixture(scope="module")
def model():
    return get_model("gupta2007")


def test_result_dims_units_coords_provenance(model):
    p = np.tile(model.parameter_values(), (3, 1))
    p[:, model.parameter_index("kcd")] = [0.9, 1.0, 1.1]
    ds = simulate(model, np.linspace(0, 5, 6), parameters=p, seed=0)
    assert ds.c.dims == ("individual", "time") and ds.c.shape == (3, 6)
    assert ds.c.attrs["units"] == "1"
    np.testing.assert_array_equal(ds.parameter_value.sel(parameter="gupta.kcd").values, [0.9, 1.0, 1.1])
    assert ds.attrs["seed"] == 0 and ds.attrs["rtol"] == Solver().rtol
    assert "Research use only" in ds.attrs["disclaimer"]


def test_one_individual_failing_does_not_sink_the_batch(model):
    p = np.tile(model.parameter_values(), (4, 1))
    p[2, model.parameter_index("kcd")] = np.finfo(float).max  # absurd clearance: integration cannot proceed
    ds = simulate(model, np.linspace(0, 5, 6), parameters=p, solver=Solver(max_steps=2000))
    assert ds.status.values[2] != 0
    assert np.all(ds.status.values[[0, 1, 3]] == 0)
    assert np.all(np.isfinite(ds.c.values[[0, 1, 3]]))


def test_single_individual_failure_raises(model):
    p = model.parameter_values()
    p[model.parameter_index("kcd")] = np.finfo(float).max
    with pytest.raises(SolverError, match="Integration failed for individual 0"):
        simulate(model, np.linspace(0, 5, 6), parameters=p, solver=Solver(max_steps=2000))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"parameters": np.full(7, np.nan)}, "'parameters' array must be finite"),
        ({"parameters": np.ones((2, 3))}, "must have shape"),
        ({"events": [Event(99.0, "set_input", "gupta_stress", 1.0)]}, "must lie within the run"),
        ({"events": [Event(1.0, "set_input", "stres", 1.0)]}, "no input 'stres'"),
        ({"n_individuals": 0}, "must be an integer > 0"),
        ({"n_individuals": 10**9}, "would need about"),
    ],
)
def test_bad_input_is_a_clear_error(model, kwargs, match):
    with pytest.raises(SpecError, match=match):
        simulate(model, np.linspace(0, 5, 6), **kwargs)


def test_memory_refusal_is_a_resource_limit_error(model):
    with pytest.raises(ResourceLimitError):
        simulate(model, np.linspace(0, 5, 6), n_individuals=10**9)


def test_event_kind_and_values_are_validated():
    with pytest.raises(SpecError, match="must be one of"):
        Event(1.0, "multiply", "c", 2.0)
    with pytest.raises(SpecError, match="finite numbers"):
        Event(float("nan"), "add_state", "c", 2.0)


def test_solver_options_are_validated():
    with pytest.raises(SpecError, match="'rtol'"):
        Solver(rtol=0.0)
    with pytest.raises(SpecError, match="'method'"):
        Solver(method="euler")
    with pytest.raises(SpecError, match="'vector' must be True or False. Got 'no'"):
        Solver(vector="no")
