"""Every kind of spec file through the one reader (pnisim.spec) and the registry (pnisim.io.specs): the same clock
time in TOML, YAML and JSON, the same error wording, and shipped JSON Schemas equal to the generated ones."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from pnisim.errors import SpecError
from pnisim.io.specs import KINDS, json_schema, load_spec, parse_spec
from pnisim.spec import did_you_mean, parse_text

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

# One spec of each kind with an exposure at 14:00, as data and as hand-written TOML (YAML and JSON are dumped).
SCENARIO = {
    "name": "clock", "run": {"duration": "2 d", "burn_in": "0 d", "sampling": "1 h"},
    "exposures": [{"type": "acute_stressor", "day": 1, "time": "14:00", "duration": "15 min"}],
}
TRIAL = {
    "name": "clock", "duration": "10 week", "burn_in": "14 d", "visits": ["0 week", "10 week"],
    "population": {"per_arm": 12, "seed": 3, "mixture": {"chronic_stress": 1.0}, "screen_factor": 2.0},
    "arms": [{"name": "control"}, {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "14:00"}]}],
    "endpoints": [{"observable": "phq9"}],
}
SENSITIVITY = {
    "name": "clock",
    "base": {"model": "whole", "run": {"duration": "3 d", "burn_in": "7 d"},
             "exposures": [{"type": "acute_stressor", "day": 1, "time": "14:00", "duration": "15 min"}]},
    "parameters": [{"name": "hpa.k_cort", "factor": 2}],
    "outputs": [{"name": "nadir", "kind": "cortisol_day", "day": 1}],
    "method": {"seed": 3, "morris": {"trajectories": 4}},
}
DATA = {"scenario": SCENARIO, "trial": TRIAL, "sensitivity": SENSITIVITY}
TOML = {
    "scenario": """name = "clock"
run = { duration = "2 d", burn_in = "0 d", sampling = "1 h" }
[[exposures]]
type = "acute_stressor"
day = 1
time = {time}
duration = "15 min"
""",
    "trial": """name = "clock"
duration = "10 week"
burn_in = "14 d"
visits = ["0 week", "10 week"]
population = { per_arm = 12, seed = 3, mixture = { chronic_stress = 1.0 }, screen_factor = 2.0 }
[[arms]]
name = "control"
[[arms]]
name = "cbt"
exposures = [{ type = "cbt", day = 0, time = {time} }]
[[endpoints]]
observable = "phq9"
""",
    "sensitivity": """name = "clock"
parameters = [{ name = "hpa.k_cort", factor = 2 }]
outputs = [{ name = "nadir", kind = "cortisol_day", day = 1 }]
method = { seed = 3, morris = { trajectories = 4 } }
[base]
model = "whole"
run = { duration = "3 d", burn_in = "7 d" }
exposures = [{ type = "acute_stressor", day = 1, time = {time}, duration = "15 min" }]
""",
}


def _time_of(spec, kind: str) -> str:
    if kind == "scenario":
        return spec.exposures[0].time
    if kind == "trial":
        return spec.arms[1].exposures[0].time
    return spec.scenario().exposures[0].time


def _files(tmp_path: Path, kind: str) -> dict[str, Path]:
    """The spec of ``kind`` as TOML (quoted time and time literal), unquoted-time YAML and JSON."""
    files = {
        "toml": tmp_path / f"{kind}.toml", "toml-literal": tmp_path / f"{kind}_literal.toml",
        "yaml": tmp_path / f"{kind}.yaml", "json": tmp_path / f"{kind}.json",
    }
    files["toml"].write_text(TOML[kind].replace("{time}", '"14:00"'), encoding="utf-8")
    files["toml-literal"].write_text(TOML[kind].replace("{time}", "14:00:00"), encoding="utf-8")
    text = yaml.safe_dump(DATA[kind], sort_keys=False).replace("'14:00'", "14:00")
    assert re.search(r"\btime: 14:00$", text, re.M), text  # unquoted, as people write it
    files["yaml"].write_text(text, encoding="utf-8")
    files["json"].write_text(json.dumps(DATA[kind]), encoding="utf-8")
    return files


def test_plain_yaml_would_read_a_clock_time_as_a_sexagesimal_integer():
    """The pitfall the one reader removes: YAML 1.1 reads 14:00 as 14 * 60."""
    assert yaml.safe_load("time: 14:00") == {"time": 840}
    assert parse_text("time: 14:00", "yaml", noun="trial") == {"time": "14:00"}
    assert parse_text("time = 14:00:00", "toml", noun="trial") == {"time": "14:00"}
    assert parse_text('{"time": "14:00"}', "json", noun="trial") == {"time": "14:00"}


@pytest.mark.parametrize("kind", ["scenario", "trial", "sensitivity"])
def test_the_same_clock_time_reads_the_same_in_toml_yaml_and_json(tmp_path, kind):
    specs = {fmt: load_spec(path, kind) for fmt, path in _files(tmp_path, kind).items()}
    assert {fmt: _time_of(s, kind) for fmt, s in specs.items()} == dict.fromkeys(specs, "14:00")
    dumps = {fmt: s.model_dump(mode="json") for fmt, s in specs.items()}
    assert all(d == dumps["json"] for d in dumps.values())


def _problem(kind: str, data: dict) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec(data, kind)
    return str(info.value)


def _with_exposure(kind: str, exposure: dict) -> dict:
    data = json.loads(json.dumps(DATA[kind]))
    if kind == "scenario":
        data["exposures"] = [exposure]
    elif kind == "trial":
        data["arms"][1]["exposures"] = [exposure]
    else:
        data["base"]["exposures"] = [exposure]
    return data


@pytest.mark.parametrize("kind", ["scenario", "trial", "sensitivity"])
def test_every_kind_words_its_errors_alike(kind):
    bad_dose = {"type": "lps_bolus", "day": 1, "time": "08:00", "dose": "-5 ng/kg"}
    assert re.search(r"The 'dose' of exposure 'lps_bolus' .*must be a number > 0 ng/kg and <= 4 ng/kg\. "
                     r"Got '-5 ng/kg' instead\.", _problem(kind, _with_exposure(kind, bad_dose)))
    typo = {"type": "lps_bolsu", "day": 1, "time": "08:00", "dose": "2 ng/kg"}
    assert re.search(r"The 'type' of exposure 'lps_bolsu' .*must be one of acute_stressor, .*\. Got 'lps_bolsu' "
                     r"instead\. Did you mean 'lps_bolus'\?", _problem(kind, _with_exposure(kind, typo)))
    bad_time = {"type": "acute_stressor", "day": 1, "time": "25:00", "duration": "15 min"}
    assert re.search(r"The 'time' of exposure 'acute_stressor' .*must be a clock time 'HH:MM' from 00:00 to 23:59\. "
                     r"Got '25:00' instead\.", _problem(kind, _with_exposure(kind, bad_time)))


@pytest.mark.parametrize(("kind", "key", "typo"), [("scenario", "exposures", "exposure"),
                                                    ("trial", "endpoints", "endpoint"),
                                                    ("sensitivity", "parameters", "paramters")])
def test_unknown_keys_get_the_same_did_you_mean(kind, key, typo):
    data = dict(DATA[kind])
    data[typo] = data.pop(key)
    noun = {"sensitivity": "sensitivity analysis"}.get(kind, kind)
    msg = _problem(kind, data)
    assert msg.startswith(f"Unknown key {typo!r} at the top level of the {noun}.{did_you_mean(typo, [key])} "
                          f"Allowed keys: ")
    assert did_you_mean(typo, [key]) == f" Did you mean {key!r}?"


@pytest.mark.parametrize("kind", ["scenario", "trial", "sensitivity"])
def test_file_problems_name_the_file_and_line(tmp_path, kind):
    missing = tmp_path / f"missing_{kind}.toml"
    with pytest.raises(SpecError, match=f"file '{re.escape(str(missing))}' does not exist"):
        load_spec(missing, kind)
    with pytest.raises(SpecError, match=r"must end in \.toml, \.yaml, \.yml or \.json"):
        load_spec(tmp_path / f"{kind}.ini", kind)
    bad = tmp_path / f"bad_{kind}.yaml"
    bad.write_text("name: clock\nrun: [\n", encoding="utf-8")
    with pytest.raises(SpecError, match=rf"^{re.escape(str(bad))}: The .* is not valid YAML: .*\(line 3, column 1\)\.$"):
        load_spec(bad, kind)
    bad = tmp_path / f"bad_{kind}.json"
    bad.write_text('{"name": "clock",\n}', encoding="utf-8")
    with pytest.raises(SpecError, match=rf"^{re.escape(str(bad))}: The .* is not valid JSON: .*line 2"):
        load_spec(bad, kind)


def test_unknown_kind_suggests_one():
    with pytest.raises(SpecError, match="one of scenario, trial, sensitivity. Did you mean 'trial'"):
        load_spec("x.toml", "trail")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_shipped_json_schema_equals_the_generated_one(kind):
    shipped = json.loads(KINDS[kind].schema_path.read_text(encoding="utf-8"))
    assert shipped == json_schema(kind), (
        f"src/pnisim/schemas/{KINDS[kind].schema_path.name} is stale; regenerate it with "
        f"python -c \"from pnisim.io.specs import write_json_schema; write_json_schema({kind!r})\"")


def test_shipped_sensitivity_examples_follow_their_schema():
    schema = json.loads(KINDS["sensitivity"].schema_path.read_text(encoding="utf-8"))
    files = sorted(EXAMPLES.glob("sensitivity_*.toml"))
    assert files
    for path in files:
        jsonschema.validate(parse_text(path.read_text(encoding="utf-8"), "toml", noun="sensitivity analysis"), schema)
