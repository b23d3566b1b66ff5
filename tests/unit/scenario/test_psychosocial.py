"""Psychosocial exposures and interventions (model "whole"): validation, events, and their effect in a run."""

import numpy as np
import pytest

from pnisim.errors import SpecError
from pnisim.scenario.build import plan, run_scenario
from pnisim.scenario.loading import parse_scenario
from pnisim.scenario.registry import EXPOSURE_CLASSES


def spec(*exposures, weeks=30):
    return {
        "model": "whole",
        "run": {"duration": f"{weeks} week", "sampling": "1 d", "burn_in": "7 d"},
        "exposures": list(exposures),
    }


def events(s, target):
    return [(e.time, round(e.value, 6)) for e in plan(parse_scenario(s)).events[0] if e.target == target]


def test_cbt_builds_session_by_session_then_lasts_its_durability():
    s = spec({"type": "cbt", "day": 7, "time": "10:00", "sessions": 4, "durability": "2 week"})
    ev = events(s, "cognitive_therapy")
    start = 7 * 24 + 10
    assert ev == [(start, 0.25), (start + 168, 0.5), (start + 336, 0.75), (start + 504, 1.0), (start + 504 + 336, 0.0)]


def test_traumatic_event_and_support_change():
    s = spec({"type": "traumatic_event", "day": 2, "time": "12:00", "severity": 0.5},
             {"type": "social_support", "day": 10, "time": "00:00", "change": -0.3, "duration": "1 week"})
    assert events(s, "TRA") == [(60.0, 0.3)]
    assert events(s, "social_support") == [(240.0, 0.2), (408.0, 0.5)]


@pytest.mark.parametrize(
    "exposure, field",
    [
        ({"type": "traumatic_event", "day": 2, "time": "12:00", "severity": 1.5}, "severity"),
        ({"type": "social_support", "day": 2, "time": "12:00", "change": 0.9}, "change"),
        ({"type": "cbt", "day": 2, "time": "12:00", "sessions": 0}, "sessions"),
        ({"type": "cbt", "day": 200, "time": "12:00"}, "cbt"),
    ],
)
def test_bad_values_name_the_field(exposure, field):
    with pytest.raises(SpecError, match=field):
        parse_scenario(spec(exposure))


def test_psychosocial_exposures_need_the_whole_model():
    s = spec({"type": "cbt", "day": 7, "time": "10:00"})
    s["model"] = "core"
    with pytest.raises(SpecError, match="cognitive_therapy"):
        plan(parse_scenario(s))


def test_every_exposure_carries_mechanism_grade_and_cost_field():
    for name, cls in EXPOSURE_CLASSES.items():
        meta = cls.METADATA
        assert meta["mechanism"] and meta["evidence_grade"] in "ABCD", name
    assert EXPOSURE_CLASSES["cbt"].METADATA["cost"]["usd_per_session"] == 150.0  # targets.csv cbt_cost / 10


def test_cbt_during_chronic_stress_lowers_depressive_symptoms():
    """The intended direction (Shields 2020: CBT improves outcomes vs control); sizes uncalibrated (grade D)."""
    stress = {"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 0.5}]}
    control = run_scenario(parse_scenario(spec(stress)))
    treated = run_scenario(parse_scenario(spec(stress, {"type": "cbt", "day": 28, "time": "10:00"})))
    week20 = int(np.argmin(np.abs(control.time.values - 24 * 7 * 20)))
    assert treated.phq9.values[0, week20] < control.phq9.values[0, week20]
    assert treated.crp.values[0, week20] < control.crp.values[0, week20]


def test_infection_is_a_pathogen_bolus_and_its_load_is_validated():
    s = spec({"type": "infection", "day": 3, "time": "08:00", "load": 0.5})
    assert events(s, "pathogen") == [(80.0, 0.5)]
    with pytest.raises(SpecError, match="load"):
        parse_scenario(spec({"type": "infection", "day": 3, "time": "08:00", "load": -1}))


def test_phenotype_presets_of_the_whole_model():
    """mdd_inflamed: higher resting CRP and PHQ-9 than healthy (direction of Osimo 2020's case-control g > 0)."""
    def run(phenotype):
        s = parse_scenario({"model": "whole", "person": {"phenotype": phenotype},
                            "run": {"duration": "2 d", "sampling": "1 d", "burn_in": "60 d"}})
        return run_scenario(s)

    healthy, mdd = run("healthy"), run("mdd_inflamed")
    assert mdd.crp.values[0, -1] > 2.0 * healthy.crp.values[0, -1]
    assert mdd.phq9.values[0, -1] > healthy.phq9.values[0, -1] + 2


def test_whole_model_presets_are_refused_on_the_core():
    with pytest.raises(SpecError, match="phenotype.*mdd.*psyche.dep_episode"):
        plan(parse_scenario({"model": "core", "person": {"phenotype": "mdd"}, "run": {"duration": "1 d"}}))


def test_mindfulness_course_acts_on_rumination_and_vagal_tone():
    s = spec({"type": "mindfulness", "day": 7, "time": "18:00", "sessions": 2, "durability": "1 week"})
    start = 7 * 24 + 18
    assert events(s, "cognitive_therapy") == [(start, 0.5), (start + 168, 1.0), (start + 336, 0.0)]
    assert events(s, "vagal_set") == [(start, 0.1), (start + 168, 0.2), (start + 336, 0.0)]
    ds = run_scenario(parse_scenario(spec({"type": "mindfulness", "day": 7, "time": "18:00"}, weeks=10)))
    assert ds.rmssd.values[0, 30] > ds.rmssd.values[0, 0]  # higher HRV while practising
