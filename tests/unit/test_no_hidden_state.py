"""No hidden state: what a call returns depends only on its inputs, never on what ran before it in the process.

Each test runs B alone, then A (with other parameter and phenotype values passed as a calibration), then B
again, and asks for B's numbers bit for bit."""

import numpy as np
import pytest

from pnisim.calibrate.effects import EffectProblem
from pnisim.calibrate.problem import FitParameter
from pnisim.model.calibration import Calibration
from pnisim.model.library import get_model
from pnisim.model.phenotypes import PHENOTYPES
from pnisim.scenario.build import run_scenario
from pnisim.scenario.loading import parse_scenario
from pnisim.trial.run import run_trial
from pnisim.trial.spec import parse_trial

OTHER = Calibration.of({"low_grade_inflammation.sleep_gain": 0.1, "psyche.cbt_rum": 0.3,
                        "phenotype:chronic_stress:psyche.stress_load": 0.9,
                        "phenotype:insomnia:sleep.insomnia": 3.0})


def _scenario(phenotype: str):
    return parse_scenario({
        "name": f"hidden_state_{phenotype}", "model": "whole", "person": {"phenotype": phenotype},
        "run": {"duration": "2 d", "burn_in": "3 d", "sampling": "1 h", "outputs": ["il6", "crp", "phq9"]},
        "population": {"size": 3, "seed": 1, "variability": True},
        "exposures": [{"type": "acute_stressor", "day": 1, "time": "14:00", "duration": "15 min"}],
    })


def test_a_scenario_then_b_gives_the_b_that_b_alone_gives():
    b = _scenario("healthy")
    alone = run_scenario(b)
    other = run_scenario(_scenario("chronic_stress"), calibration=OTHER)
    assert not np.array_equal(other["il6"].values, alone["il6"].values)
    again = run_scenario(b)
    for v in ("il6", "crp", "phq9"):
        assert np.array_equal(alone[v].values, again[v].values)


TRIAL = {
    "name": "hidden_state", "duration": "10 week", "burn_in": "7 d", "visits": ["0 week", "10 week"],
    "population": {"per_arm": 6, "seed": 2, "mixture": {"chronic_stress": 1.0}, "screen_factor": 1.0},
    "arms": [{"name": "control"}, {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "10:00"}]}],
    "endpoints": [{"observable": "phq9"}, {"observable": "crp"}],
}


def test_a_trial_then_b_gives_the_b_that_b_alone_gives():
    spec = parse_trial(TRIAL)
    alone = run_trial(spec)
    other = run_trial(spec, calibration=OTHER)  # the preset's stress load and CBT's size differ
    assert not np.array_equal(other.data["phq9_true"].values, alone.data["phq9_true"].values)
    again = run_trial(spec)
    assert np.array_equal(alone.data["phq9_true"].values, again.data["phq9_true"].values, equal_nan=True)
    assert [e["estimate"] for e in alone.estimates] == [e["estimate"] for e in again.estimates]


def test_a_calibration_step_then_b_gives_the_b_that_b_alone_gives():
    sleep = FitParameter("low_grade_inflammation.sleep_gain", 0.0, 0.2, "lin")
    insomnia = FitParameter("phenotype:insomnia:sleep.insomnia", 0.5, 4.0, "lin")
    b = EffectProblem("sleep", [sleep], ["sleep_crp"], scale=0.1)
    alone = [r.simulated for r in b.records([0.05])]
    EffectProblem("insomnia", [insomnia], ["sleep_crp"], scale=0.1, calibration=OTHER).records([3.5])
    assert [r.simulated for r in b.records([0.05])] == alone


def test_models_and_presets_are_values():
    i = get_model("whole").parameter_index("psyche.cbt_rum")
    shipped = get_model("whole").parameter_values()[i]
    assert get_model("whole", OTHER).parameter_values()[i] == 0.3
    assert get_model("whole").parameter_values()[i] == shipped  # building another model changed nothing
    assert get_model("whole", OTHER) is get_model("whole", Calibration.of(dict(OTHER.values)))  # equal in, same out
    with pytest.raises(TypeError):
        PHENOTYPES["chronic_stress"]["psyche.stress_load"] = 0.9
    with pytest.raises(TypeError):
        PHENOTYPES["new"] = {}


def test_a_calibration_refuses_values_that_are_not_numbers():
    from pnisim.errors import SpecError

    with pytest.raises(SpecError, match="'psyche.cbt_rum' must be a finite number. Got 'high'"):
        Calibration.of({"psyche.cbt_rum": "high"})
    with pytest.raises(SpecError, match="finite number. Got nan"):
        Calibration.of({"psyche.cbt_rum": float("nan")})
