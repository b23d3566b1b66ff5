"""The exposure and intervention library (scenario/catalogue.py): schedules, adherence, dropout, costs, grades,
and the bad-input rules of issue 3 §8 (unknown names, unsafe doses, overlapping schedules, grade-D opt-in)."""

import json

import pytest
from typer.testing import CliRunner

from pnisim.cli.main import app
from pnisim.errors import SpecError, UnitError
from pnisim.model.library import get_model
from pnisim.scenario.catalogue import CATALOGUE
from pnisim.scenario.clock import Bolus, Level, Pulse
from pnisim.scenario.loading import parse_scenario
from pnisim.scenario.registry import EXPOSURE_CLASSES

BASE = {"model": "whole", "run": {"duration": "120 d", "sampling": "1 d"}}


def _one(exposure: dict, **extra):
    return parse_scenario({**BASE, **extra, "exposures": [exposure]})


def test_every_catalogue_entry_is_a_scenario_type_with_grade_mechanism_and_references():
    whole = get_model("whole")
    for name, info in CATALOGUE.items():
        cls = EXPOSURE_CLASSES[name]
        assert cls.METADATA["evidence_grade"] == info.grade in "ABCD"
        assert cls.METADATA["mechanism"] and cls.METADATA["references"]
        for target, _ in info.actions:  # every action acts on an input the whole model has
            assert target in whole.input_names, (name, target)
        if info.kind != "drug" and info.category != "exposure":
            assert info.cost is not None, name  # interventions carry a cost (or say it is assumed)


def test_course_builds_session_by_session_and_holds_for_its_durability():
    s = _one({"type": "cbt_i", "day": 1, "time": "10:00", "durability": "2 week"})
    levels = [e for e in s.effects() if isinstance(e, Level)]
    assert [round(e.level, 6) for e in levels] == [round(k / 6, 6) for k in range(1, 7)] + [0.0]
    assert levels[1].time - levels[0].time == 168.0
    assert levels[-1].time == levels[-2].time + 2 * 168.0


def test_adherence_scales_a_course_and_dropout_stops_it():
    s = _one({"type": "relaxation", "day": 1, "time": "10:00", "adherence": 0.5, "dropout_after": "3 week"})
    cog = [e for e in s.effects() if isinstance(e, Level) and e.target == "cognitive_therapy"]
    attended = [e for e in cog if e.level > 0]
    assert len(attended) == 4  # sessions at weeks 0, 1, 2, 3
    assert attended[-1].level == pytest.approx(0.5 * 0.5 * 4 / 8)  # amount x adherence x sessions done / 8


def test_drug_regimen_doses_by_weight_and_adherence_drops_doses_evenly():
    s = _one({"type": "infliximab", "day": 0, "time": "09:00", "body_weight": "80 kg"})
    doses = [e for e in s.effects() if isinstance(e, Bolus)]
    assert [round((d.time - 9.0) / 168.0, 6) for d in doses] == [0, 2, 6, 14]  # weeks 0, 2, 6, then every 8
    assert all(d.amount == 400.0 and d.target == "ifx_central" for d in doses)  # 5 mg/kg x 80 kg
    s = _one({"type": "sertraline", "day": 0, "time": "09:00", "adherence": 0.75, "duration": "20 d"})
    doses = [e for e in s.effects() if isinstance(e, Bolus)]
    assert len(doses) == 15  # 20 daily doses due (days 0-19 plus day 20 inclusive = 21), three in four taken


def test_single_massage_is_a_pulse_during_the_session():
    s = _one({"type": "massage_single", "day": 3, "time": "14:00"})
    pulses = [e for e in s.effects() if isinstance(e, Pulse)]
    assert {p.target for p in pulses} == {"vagal_set", "massage"}
    assert all(p.end - p.start == 1.0 for p in pulses)


def test_default_costs_are_sourced():
    assert CATALOGUE["infliximab"].cost.usd == 25000.0 and "targets.csv" in CATALOGUE["infliximab"].cost.source
    assert EXPOSURE_CLASSES["cbt"].METADATA["cost"]["usd_per_session"] == 150.0


# ---------------------------------------------------------------------------------------------- bad input
BAD = {
    "unknown intervention": ({"type": "infliximabb", "day": 1, "time": "09:00"}, SpecError,
                             ["'type'", "Did you mean 'infliximab'", "infliximabb"]),
    "dose above the safe range": ({"type": "infliximab", "day": 1, "time": "09:00", "dose": "50 mg/kg"}, SpecError,
                                  ["safe range 3-10 mg/kg", "'50 mg/kg'"]),
    "dose in the wrong unit": ({"type": "infliximab", "day": 1, "time": "09:00", "dose": "5 mg"}, UnitError,
                               ["mg/kg", "'5 mg'"]),
    "absolute cap": ({"type": "tocilizumab", "day": 1, "time": "09:00", "body_weight": "150 kg"}, SpecError,
                     ["must not exceed 800 mg", "1200 mg"]),
    "negative dose": ({"type": "adalimumab", "day": 1, "time": "09:00", "dose": "-40 mg"}, SpecError,
                      ["'dose'", "> 0 mg", "-40 mg"]),
    "grade D without opt-in": ({"type": "stem_cells", "day": 1, "time": "09:00"}, SpecError,
                               ["'opt_in'", "grade-D", "Got false"]),
    "adherence above 1": ({"type": "cbt_i", "day": 1, "time": "09:00", "adherence": 1.5}, SpecError,
                          ["'adherence'", "<= 1", "1.5"]),
    "course ends after the run": ({"type": "tms", "day": 100, "time": "09:00"}, SpecError, ["end of", "inside the run"]),
    "restriction below 2 h": ({"type": "sleep_restriction", "day": 1, "time": "23:00", "hours_in_bed": "1 h",
                               "duration": "7 d"}, SpecError, ["'hours_in_bed'", ">= 2 h"]),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_intervention_input(case):
    exposure, exc, needles = BAD[case]
    with pytest.raises(SpecError) as info:
        _one(exposure)
    assert type(info.value) is exc, f"{type(info.value).__name__}: {info.value}"
    for needle in needles:
        assert needle in str(info.value), f"{needle!r} not in: {info.value}"


def test_overlapping_courses_of_one_intervention_are_refused():
    with pytest.raises(SpecError, match="overlapping schedules of one intervention are not allowed"):
        parse_scenario({**BASE, "exposures": [{"type": "tms", "day": 1, "time": "09:00"},
                                              {"type": "tms", "day": 10, "time": "09:00"}]})
    # one after the other is fine
    parse_scenario({**BASE, "exposures": [{"type": "exercise", "day": 1, "time": "09:00", "duration": "10 d"},
                                          {"type": "exercise", "day": 20, "time": "09:00"}]})


def test_intervention_the_model_lacks_says_which_model_has_it():
    with pytest.raises(SpecError, match="needs input 'probiotic'.*use model 'whole'"):
        parse_scenario({"model": "core", "exposures": [{"type": "probiotics", "day": 0, "time": "08:00"}]})


def test_unknown_phenotype_has_a_did_you_mean():
    with pytest.raises(SpecError, match="Did you mean 'ptsd'"):
        parse_scenario({**BASE, "person": {"phenotype": "ptsdd"}})


def test_duplicate_arm_names_are_refused():
    with pytest.raises(SpecError, match="'name' of arms\\[1\\] must be unique"):
        parse_scenario({**BASE, "arms": [{"name": "a"}, {"name": "a"}]})


def test_cli_refuses_a_grade_d_mechanism_without_opt_in_and_writes_nothing(tmp_path):
    spec = tmp_path / "msc.yaml"  # JSON is valid YAML
    spec.write_text(json.dumps({**BASE, "exposures": [{"type": "stem_cells", "day": 1, "time": "09:00"}]}))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(spec), "--out", str(out)])
    assert result.exit_code == 2 and "opt_in" in result.stderr
    assert not out.exists()
