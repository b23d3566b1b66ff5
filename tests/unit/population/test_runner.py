"""The population runner: any chunking gives the same numbers, a failed burn-in is recorded and the rest go on,
and a phenotype mixture can give the same people before their phenotype began."""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver
from pnisim.model.library import get_model
from pnisim.model.phenotypes import PHENOTYPES
from pnisim.population import Design, People, draw_mixture, draw_parameters, person_values, run_population


@pytest.fixture(scope="module")
def core():
    return get_model("core")


def _people(model, n=5):
    params = draw_parameters(model, model.parameter_values(), n, seed=3, variability=True)
    stressor = [Event(24.0 + 14.0, "set_input", "acute_stress", 1.0), Event(24.0 + 14.25, "set_input",
                                                                              "acute_stress", 0.0)]
    return People(params, [stressor] * n, ids=[f"p{i}" for i in range(n)])


def test_any_chunking_gives_the_same_numbers(core):
    people = _people(core)
    t = np.arange(24.0, 48.0 + 1e-9, 0.5)
    one = run_population(core, people, Design(t_out=t, burn_in_h=48.0, outputs=("cortisol_serum", "acth"),
                                              chunk_size=1000), solver=Solver())
    split = run_population(core, people, Design(t_out=t, burn_in_h=48.0, outputs=("cortisol_serum", "acth"),
                                                chunk_size=2), solver=Solver())
    for v in ("cortisol_serum", "acth", "status"):
        assert np.array_equal(one[v].values, split[v].values)
    assert list(one["individual"].values) == [f"p{i}" for i in range(5)]
    assert one.attrs["burn_in_failed_individuals"] == 0
    assert list(one.data_vars) == ["cortisol_serum", "acth", "status"]


def test_a_failed_burn_in_is_recorded_and_the_rest_go_on(core):
    people = _people(core, n=3)
    design = Design(t_out=np.array([24.0, 48.0]), burn_in_h=240.0, outputs=("cortisol_serum",))
    ds = run_population(core, people, design, solver=Solver(max_steps=20))  # too few steps to settle 10 days
    assert ds.attrs["burn_in_failed_individuals"] == 3
    assert np.all(ds["status"].values != 0)


def test_a_mixture_can_give_the_same_people_before_their_phenotype():
    whole = get_model("whole")  # obesity's resting IL-6 and TNF set points vary between people (cv 0.4, 0.3)
    rng = np.random.default_rng(7)
    params, before, names = draw_mixture(whole, {"obesity": 1.0}, 50, rng, presets=PHENOTYPES, variability=True,
                                         before=PHENOTYPES["healthy"])
    assert set(names) == {"obesity"}
    healthy, obese = person_values(whole, PHENOTYPES["healthy"]), person_values(whole, PHENOTYPES["obesity"])
    changed = [whole.parameter_index(n) for n in PHENOTYPES["obesity"]]
    for i in changed:
        if whole.parameters[i].parameter.cv > 0:  # each person deviates by the same factor before and after
            np.testing.assert_allclose(params[:, i] / obese[i], before[:, i] / healthy[i], rtol=1e-12)
        else:  # no between-person variability: the preset's value, and the healthy one before
            assert np.all(params[:, i] == obese[i]) and np.all(before[:, i] == healthy[i])
    same = [k for k in range(len(whole.parameters)) if k not in changed]
    np.testing.assert_array_equal(params[:, same], before[:, same])


def test_people_with_mismatched_rows_are_refused(core):
    from pnisim.errors import SpecError

    with pytest.raises(SpecError, match="'events' of People must have one row per individual \\(2\\). Got 1"):
        People(np.tile(core.parameter_values(), (2, 1)), [[]])
