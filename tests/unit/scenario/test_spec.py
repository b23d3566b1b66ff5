"""Scenario files -> validated Scenario: formats, defaults, units, and the bad-input battery.

Every bad input must raise SpecError (or its subclasses UnitError / ResourceLimitError) whose message names
the field and the value given (HOUSE_STYLE: "The 'dose' of exposure 'lps_bolus' must be ... Got -5 instead.").
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pnisim.errors import ResourceLimitError, SpecError, UnitError
from pnisim.scenario import default_scenario, json_schema, load_scenario, loads_scenario, parse_scenario
from pnisim.scenario import units as U
from pnisim.scenario.loading import SCHEMA_PATH
from pnisim.scenario.scenario import Scenario

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
# trial files (top-level [[endpoints]]) are validated by tests/unit/trial, sensitivity specs (top-level [base])
# by tests/unit/calibrate/test_sensitivity.py
SCENARIO_EXAMPLES = sorted(p for p in EXAMPLES.glob("*")
                           if not any(k in p.read_text(encoding="utf-8")
                                      for k in ("[[endpoints]]", "endpoints:", "\n[base]", "\nbase:")))


def classic():
    """A two-week core-model scenario with a stressor and an LPS bolus (the tests' base; examples/)."""
    return load_scenario(EXAMPLES / "acute_stress_and_lps.toml")


def base() -> dict:
    """The classic scenario as a plain mapping (what a file would contain)."""
    return classic().model_dump(mode="json", exclude_none=True)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ============================================================================================== good input
def test_default_scenario_is_the_documented_one():
    """Issue 3 §7: 12 weeks of work stress with poor sleep, then 10 weekly CBT sessions vs none, to week 36."""
    s = default_scenario()
    assert s.name == "default" and s.model == "whole"
    assert s.person.phenotype == "healthy" and s.person.wake_time == "07:00"
    assert s.run.duration_h == 36 * 7 * 24 and s.run.sampling_h == pytest.approx(0.5)
    stress, sleep = s.exposures
    assert stress.type == "chronic_stress" and [x.from_day for x in stress.schedule] == [0, 84]
    assert sleep.type == "sleep_restriction" and sleep.duration.to(U.TIME, "x") == 84 * 24
    assert [a.name for a in s.arms] == ["usual_care", "cbt"]
    (cbt,) = s.arms[1].exposures
    assert (cbt.type, cbt.day, cbt.sessions) == ("cbt", 84, 10) and s.arms[0].exposures == []


def test_classic_example_is_the_former_default():
    s = classic()
    assert s.model == "core" and s.run.duration_h == 14 * 24 and s.run.sampling_h == pytest.approx(10 / 60)
    assert s.run.burn_in_h == 7 * 24 and s.run.start_h == 0
    tsst, lps = s.exposures
    assert (tsst.type, tsst.day, tsst.time, tsst.intensity) == ("acute_stressor", 7, "14:00", 1.0)
    assert tsst.duration.to(U.TIME, "x") == 0.25
    assert (lps.type, lps.day, lps.time, str(lps.dose)) == ("lps_bolus", 10, "08:00", "2 ng/kg")


def test_shipped_default_equals_example():
    assert load_scenario(EXAMPLES / "default.toml") == default_scenario()


@pytest.mark.parametrize("path", SCENARIO_EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates(path):
    s = load_scenario(path)
    assert isinstance(s, Scenario)
    assert len(s.spec_hash()) == 64


def test_expected_examples_exist():
    names = {p.name for p in EXAMPLES.glob("*")}
    assert {"default.toml", "ptsd_like_lps.yaml", "chronic_stress_8_weeks.toml", "dex_suppression_test.toml",
            "lps_infusion.toml"} <= names


def test_toml_and_yaml_give_the_same_scenario(tmp_path):
    s = default_scenario()
    a = load_scenario(write(tmp_path, "a.toml", s.to_toml()))
    b = load_scenario(write(tmp_path, "b.yml", s.to_yaml()))
    assert a == b == s and a.spec_hash() == b.spec_hash() == s.spec_hash()


def test_minimal_file_uses_defaults(tmp_path):
    s = load_scenario(write(tmp_path, "empty.yaml", ""))
    assert s.population.size == 1 and s.population.variability is False
    assert s.run.duration_h == 336 and s.exposures == []
    assert s.output_names() == s.get_model().observable_names


def test_quantity_forms_and_units():
    d = base()
    d["run"]["duration"] = {"value": 2, "unit": "week"}
    d["run"]["sampling"] = "0.5h"
    d["exposures"][0]["duration"] = "0.25 h"
    d["exposures"][1]["dose"] = "0.002 ug/kg"
    s = parse_scenario(d)
    assert s.run.duration_h == 336 and s.run.sampling_h == 0.5
    assert s.exposures[1].dose.to(U.DOSE_PER_KG, "x") == pytest.approx(2.0)


def test_yaml_clock_times_are_not_sexagesimal():
    s = loads_scenario(
        "run: {duration: 2 d, start: 07:30}\nexposures:\n- {type: lps_bolus, day: 1, time: 14:00, dose: 1 ng/kg}\n",
        "yaml",
    )
    assert s.run.start == "07:30" and s.exposures[0].time == "14:00"


def test_toml_time_literal_is_accepted():
    s = loads_scenario('[[exposures]]\ntype = "lps_bolus"\nday = 1\ntime = 14:00:00\ndose = "1 ng/kg"\n', "toml")
    assert s.exposures[0].time == "14:00"


def test_parameter_override_with_unit_is_converted():
    d = base()
    d["person"]["parameters"] = {"hpa.k_crh": {"value": 0.0016, "unit": "1/min"}, "Ki": 0.8}
    s = parse_scenario(d)
    assert s.person_parameters()["hpa.k_crh"] == pytest.approx(0.096)
    assert s.person_parameters()["gr.Ki"] == 0.8  # unqualified, unambiguous


def test_phenotypes_set_their_parameters():
    d = base()
    d["person"]["phenotype"] = "high_gr_sensitivity"
    assert parse_scenario(d).person_parameters()["gr.r"] == 0.5
    d["person"]["phenotype"] = "low_gr_inhibition"
    d["person"]["parameters"] = {"gr.r": 0.3}
    pp = parse_scenario(d).person_parameters()
    assert pp["gr.Ki"] == 0.5 and pp["gr.r"] == 0.3


def test_spec_hash_is_stable_and_content_sensitive():
    a, b = classic(), parse_scenario(base())
    assert a.spec_hash() == b.spec_hash()
    d = base()
    d["exposures"][1]["dose"] = "2.5 ng/kg"
    assert parse_scenario(d).spec_hash() != a.spec_hash()


def test_overlapping_acute_stressors_are_allowed():
    d = base()
    d["exposures"].append(dict(d["exposures"][0], label="second", time="14:05"))
    assert len(parse_scenario(d).exposures) == 3


def test_json_schema_matches_published_copy():
    shipped = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == json_schema(), (
        f"{SCHEMA_PATH} is out of date. Regenerate it with: "
        "python -c \"from pnisim.scenario.loading import write_json_schema; write_json_schema()\""
    )


def test_json_schema_describes_the_file_format():
    schema = json_schema()
    assert set(schema["properties"]) == {"name", "model", "description", "person", "run", "population", "exposures",
                                         "arms"}
    assert schema["additionalProperties"] is False
    for name in ("AcuteStressor", "LpsBolus", "LpsInfusion", "Dexamethasone", "ChronicStress"):
        assert schema["$defs"][name]["required"][0] == "type"


# ============================================================================================== bad input
def _mutate(path: tuple, value) -> dict:
    d = copy.deepcopy(base())
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return d


def _case(d, exc, *needles):
    return d, exc, needles


BAD = {
    "unknown top-level key": _case({**base(), "exposure": []}, SpecError, "'exposure'", "Did you mean 'exposures'?"),
    "unknown key in run": _case(_mutate(("run", "samplng"), "1 h"), SpecError, "'samplng'", "Did you mean 'sampling'?"),
    "unknown key in exposure": _case(_mutate(("exposures", 1, "dos"), "1 ng/kg"), SpecError, "'dos'",
                                     "Did you mean 'dose'?"),
    "unknown exposure type": _case(_mutate(("exposures", 1, "type"), "lps_bolos"), SpecError, "'type'",
                                   "'lps_bolos'", "Did you mean 'lps_bolus'?"),
    "missing exposure type": _case({**base(), "exposures": [{"day": 1, "time": "08:00"}]}, SpecError, "'type'"),
    "unknown parameter": _case(_mutate(("person", "parameters"), {"gr.rr": 0.3}), SpecError, "'gr.rr'",
                               "Did you mean 'gr.r'?"),
    "parameter out of bounds": _case(_mutate(("person", "parameters"), {"gr.r": 5}), SpecError, "'gr.r'", "'5'"),
    "parameter wrong unit": _case(_mutate(("person", "parameters"), {"hpa.k_crh": {"value": 1, "unit": "mg"}}),
                                  UnitError, "'hpa.k_crh'", "'1 mg'"),
    "unknown model": _case(_mutate(("model",), "cor"), SpecError, "'cor'", "Did you mean 'core'?"),
    "unknown phenotype": _case(_mutate(("person", "phenotype"), "healty"), SpecError, "'phenotype'", "'healty'",
                               "Did you mean 'healthy'?"),
    "bad wake time": _case(_mutate(("person", "wake_time"), "25:00"), SpecError, "'wake_time'", "'25:00'"),
    "wake time outside bounds": _case(_mutate(("person", "wake_time"), "02:00"), SpecError, "'wake_time'",
                                      "'02:00'"),
    "wake time set twice": _case(_mutate(("person", "parameters"), {"wake_time": 8}), SpecError, "'wake_time'"),
    "wrong unit": _case(_mutate(("exposures", 0, "duration"), "2 mg"), UnitError, "'duration'", "'2 mg'"),
    "unknown unit": _case(_mutate(("exposures", 0, "duration"), "2 fortnights_x"), UnitError, "'duration'",
                          "'2 fortnights_x'"),
    "missing unit": _case(_mutate(("exposures", 1, "dose"), 2), UnitError, "'dose'", "2"),
    "missing unit in table": _case(_mutate(("exposures", 1, "dose"), {"value": 2}), UnitError, "'dose'", "2"),
    "dose per kg given as mass": _case(_mutate(("exposures", 1, "dose"), "2 ng"), UnitError, "'dose'", "'2 ng'"),
    "negative dose": _case(_mutate(("exposures", 1, "dose"), "-5 ng/kg"), SpecError, "'dose'", "-5"),
    "dose above challenge range": _case(_mutate(("exposures", 1, "dose"), "20 ng/kg"), SpecError, "'dose'",
                                        "'20 ng/kg'", "exceeds the human"),
    "dex dose too high": _case({**base(), "exposures": [{"type": "dexamethasone", "day": 1, "time": "23:00",
                                                        "dose": "25 mg"}]}, SpecError, "'dose'", "'25 mg'"),
    "infusion rate too high": _case({**base(), "exposures": [{"type": "lps_infusion", "day": 1, "time": "08:00",
                                                             "rate": "6 ng/kg/h", "duration": "1 h"}]},
                                    SpecError, "'rate'", "'6 ng/kg/h'"),
    "inf intensity": _case(_mutate(("exposures", 0, "intensity"), float("inf")), SpecError, "'intensity'", "inf"),
    "negative intensity": _case(_mutate(("exposures", 0, "intensity"), -1.0), SpecError, "'intensity'", "-1"),
    "bool intensity": _case(_mutate(("exposures", 0, "intensity"), True), SpecError, "'intensity'", "True"),
    "stressor too long": _case(_mutate(("exposures", 0, "duration"), "13 h"), SpecError, "'duration'", "'13 h'"),
    "event outside the run": _case(_mutate(("exposures", 1, "day"), 20), SpecError, "'day'", "day 20", "day 14"),
    "event end outside the run": _case({**base(), "exposures": [{"type": "acute_stressor", "day": 13,
                                                                "time": "23:55", "duration": "15 min"}]},
                                       SpecError, "end", "day 14 00:10"),
    "chronic not increasing": _case({**base(), "exposures": [{"type": "chronic_stress", "schedule": [
        {"from_day": 3, "level": 0.5}, {"from_day": 2, "level": 0.0}]}]}, SpecError, "'from_day'", "Got 2 "),
    "chronic outside the run": _case({**base(), "exposures": [{"type": "chronic_stress", "schedule": [
        {"from_day": 30, "level": 0.5}]}]}, SpecError, "'from_day'", "30"),
    "chronic negative level": _case({**base(), "exposures": [{"type": "chronic_stress", "schedule": [
        {"from_day": 0, "level": -0.5}]}]}, SpecError, "'level'", "-0.5"),
    "population size 0": _case({**base(), "population": {"size": 0}}, SpecError, "'size'", "Got 0 "),
    "population size 10**9": _case({**base(), "population": {"size": 10**9}}, ResourceLimitError, "'size'",
                                   "1000000000", "GiB"),
    "population size float": _case({**base(), "population": {"size": 2.5}}, SpecError, "'size'", "2.5"),
    "negative seed": _case({**base(), "population": {"seed": -1}}, SpecError, "'seed'", "-1"),
    "sampling > duration": _case(_mutate(("run", "sampling"), "15 d"), SpecError, "'sampling'", "'15 d'"),
    "zero duration": _case(_mutate(("run", "duration"), "0 d"), SpecError, "'duration'", "'0 d'"),
    "negative burn-in": _case(_mutate(("run", "burn_in"), "-1 d"), SpecError, "'burn_in'", "'-1 d'"),
    "unknown output": _case(_mutate(("run", "outputs"), ["cortisol"]), SpecError, "'outputs'", "'cortisol'",
                            "Did you mean"),
    "repeated output": _case(_mutate(("run", "outputs"), ["tnf", "tnf"]), SpecError, "'outputs'", "'tnf'"),
    "not a quantity": _case(_mutate(("run", "duration"), "two weeks"), SpecError, "'duration'", "'two weeks'"),
}


def test_late_start_is_valid_when_events_follow():
    assert parse_scenario(_mutate(("run", "start"), "09:00")).run.start_h == 9


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_battery(case):
    data, exc, needles = BAD[case]
    with pytest.raises(SpecError) as info:
        parse_scenario(data)
    assert type(info.value) is exc, f"{type(info.value).__name__}: {info.value}"
    for needle in needles:
        assert needle in str(info.value), f"{needle!r} not in: {info.value}"


def test_nan_from_yaml(tmp_path):
    text = "exposures:\n- {type: lps_bolus, day: 1, time: '08:00', dose: {value: .nan, unit: ng/kg}}\n"
    p = write(tmp_path, "nan.yaml", text)
    with pytest.raises(SpecError) as info:
        load_scenario(p)
    assert "'dose'" in str(info.value) and "nan" in str(info.value) and str(p) in str(info.value)


def test_inf_from_toml(tmp_path):
    p = write(tmp_path, "inf.toml", '[run]\nduration = { value = inf, unit = "d" }\n')
    with pytest.raises(SpecError) as info:
        load_scenario(p)
    assert "'duration'" in str(info.value) and "inf" in str(info.value)


def test_yaml_nan_in_plain_number(tmp_path):
    p = write(tmp_path, "nan2.yml", "population: {size: .nan}\n")
    with pytest.raises(SpecError, match="'size'"):
        load_scenario(p)


@pytest.mark.parametrize("name", ["scenario.ini", "scenario", "scenario.txt"])
def test_bad_extension(tmp_path, name):
    p = write(tmp_path, name, "")
    with pytest.raises(SpecError, match=r"\.toml, \.yaml, \.yml or \.json"):
        load_scenario(p)


def test_missing_file(tmp_path):
    with pytest.raises(SpecError, match="does not exist"):
        load_scenario(tmp_path / "nope.toml")


def test_syntax_errors_are_spec_errors(tmp_path):
    with pytest.raises(SpecError, match="not valid TOML"):
        load_scenario(write(tmp_path, "bad.toml", "name = \n"))
    with pytest.raises(SpecError, match="not valid YAML"):
        load_scenario(write(tmp_path, "bad.yaml", "name: [\n"))
    with pytest.raises(SpecError, match="table of keys"):
        load_scenario(write(tmp_path, "list.yaml", "- 1\n- 2\n"))


def test_several_problems_are_reported_together():
    d = base()
    d["population"] = {"size": 0, "seed": -1}
    with pytest.raises(SpecError) as info:
        parse_scenario(d)
    msg = str(info.value)
    assert "2 problems" in msg and "'size'" in msg and "'seed'" in msg


def test_ambiguous_unqualified_parameter():
    """The core has no ambiguous plain names today; a stand-in model with two 'x' parameters checks the path."""
    from types import SimpleNamespace

    from pnisim.scenario.person import PersonSpec, person_parameters

    def resolve(name):
        raise SpecError(f"The parameter name {name!r} is ambiguous")

    fake = SimpleNamespace(parameter_names=["a.x", "b.x"], resolve_parameter=resolve)
    s = Scenario.model_construct(model="fake", person=PersonSpec(parameters={"x": 1.0}))
    with pytest.raises(SpecError, match="ambiguous.*'a.x', 'b.x'"):
        person_parameters(s, fake)


def test_spec_errors_are_value_errors():
    with pytest.raises(ValueError):
        parse_scenario({"exposure": []})
