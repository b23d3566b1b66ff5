"""Properties of scenario specs (hypothesis).

1. Round trip: any valid scenario dumped to TOML or YAML and read back is an equal object with the same
   spec_hash (so a saved scenario reproduces the run it came from).
2. Bad numbers: a bad numeric value in any numeric field raises SpecError (or a subclass) naming the field —
   never a TypeError, OverflowError, pydantic ValidationError or anything else.
"""

from __future__ import annotations

import copy
from pathlib import Path
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest

from pnisim.errors import SpecError
from pnisim.model.library import get_model
from pnisim.scenario import load_scenario, loads_scenario, parse_scenario

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ============================================================================================== valid specs
# Free text, plus strings that YAML or TOML could misread (line separators, sexagesimal, booleans, quotes).
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\x85", "\u2028", "14:00", "1:30", "yes", "null", "1e3", "0o7", "'\"\\", "# x", "a = 1"]),
)
clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
nice = st.floats(min_value=0.01, max_value=10, allow_nan=False).map(lambda x: round(x, 4))


def quantity(value: float, unit: str, form: int):
    """The three spellings of a quantity."""
    return [f"{value} {unit}", {"value": value, "unit": unit}, f"{value}{unit}"][form]


forms = st.integers(0, 2)


@st.composite
def exposures(draw, days: int):
    day = st.integers(1, days - 2)
    kind = draw(st.sampled_from(["acute_stressor", "lps_bolus", "lps_infusion", "dexamethasone", "chronic"]))
    label = draw(st.none() | texts)
    common = {"day": draw(day), "time": draw(clock)}
    if label is not None:
        common["label"] = label
    if kind == "acute_stressor":
        return {"type": kind, **common, "duration": quantity(draw(st.integers(1, 120)), "min", draw(forms)),
                "intensity": draw(st.floats(0, 3, allow_nan=False))}
    if kind == "lps_bolus":
        return {"type": kind, **common, "dose": quantity(min(draw(nice), 4.0), "ng/kg", draw(forms))}
    if kind == "lps_infusion":
        return {"type": kind, **common, "rate": quantity(min(draw(nice), 1.0), "ng/kg/h", draw(forms)),
                "duration": quantity(draw(st.integers(1, 6)), "h", draw(forms))}
    if kind == "dexamethasone":
        return {"type": kind, **common, "dose": quantity(draw(nice), "mg", draw(forms))}
    starts = sorted(draw(st.sets(st.floats(0.5, days - 0.5, allow_nan=False), min_size=1, max_size=4)))
    if draw(st.booleans()):
        starts = [0.0] + starts
    steps = [{"from_day": d, "level": draw(st.floats(0, 1, allow_nan=False))} for d in starts]
    out = {"type": "chronic_stress", "schedule": steps}
    if label is not None:
        out["label"] = label
    return out


CLASSIC = load_scenario(Path(__file__).resolve().parents[2] / "examples" / "acute_stress_and_lps.toml")


@st.composite
def scenarios(draw):
    days = draw(st.integers(3, 30))
    model = get_model("core")
    names = draw(st.lists(st.sampled_from(["gr.r", "gr.Ki", "hpa.k_crh", "innate.kM", "Ki_GR", "readouts.cbg"]),
                          unique=True, max_size=3))
    params = {}
    for n in names:
        lo, hi = model.parameters[model.parameter_index(n)].parameter.resolved_bounds
        params[n] = draw(st.floats(lo, hi, allow_nan=False))
    person = {"phenotype": draw(st.sampled_from(["healthy", "high_gr_sensitivity", "low_gr_inhibition"])),
              "parameters": params}
    if draw(st.booleans()):
        person["wake_time"] = draw(st.sampled_from(["05:30", "07:00", "08:15", "12:59"]))
    run = {
        "duration": quantity(days, draw(st.sampled_from(["d"])), draw(forms)),
        "start": "00:00",
        "burn_in": draw(st.sampled_from(["0 d", "7 d", "36 h", {"value": 2, "unit": "week"}])),
        "sampling": draw(st.sampled_from(["10 min", "1 h", "0.5 h", "1 d"])),
        "keep_states": draw(st.booleans()),
    }
    if draw(st.booleans()):
        run["outputs"] = draw(st.lists(st.sampled_from(model.observable_names + ["E", "CRH"]), unique=True,
                                       min_size=1))
    data = {"name": draw(texts), "description": draw(texts), "person": person, "run": run,
            "exposures": draw(st.lists(exposures(days), max_size=5))}
    if draw(st.booleans()):
        data["population"] = {"size": draw(st.integers(1, 50)), "seed": draw(st.integers(0, 2**63 - 1)),
                              "variability": draw(st.booleans())}
    return data


@SETTINGS
@given(scenarios())
def test_dump_and_reload_gives_equal_scenario_and_hash(data):
    s = parse_scenario(data)
    for text, fmt in ((s.to_toml(), "toml"), (s.to_yaml(), "yaml")):
        again = loads_scenario(text, fmt)
        assert again == s, f"{fmt} round trip changed the scenario:\n{text}"
        assert again.spec_hash() == s.spec_hash()
        assert (again.to_toml() if fmt == "toml" else again.to_yaml()) == text  # dumps are stable


# ============================================================================================== bad numbers
def _bad_floats(lo_ok: float | None, hi_ok: float | None, zero_ok: bool):
    """Floats outside the allowed range, NaN and infinities."""
    bad = [st.just(math.nan), st.just(math.inf), st.just(-math.inf)]
    if lo_ok is not None:
        bad.append(st.floats(max_value=lo_ok, exclude_max=zero_ok, allow_nan=False, allow_infinity=False))
    if hi_ok is not None:
        bad.append(st.floats(min_value=hi_ok * (1 + 1e-9) + 1e-9, allow_nan=False, allow_infinity=False))
    return st.one_of(bad)


def _q(unit):
    return lambda x: {"value": x, "unit": unit} if math.isnan(x) or math.isinf(x) else f"{x!r} {unit}"


# (path into the default scenario's mapping, field name in the message, bad values)
FIELDS = [
    (("run", "duration"), "duration", _bad_floats(0, 100 * 365.25, False).map(_q("d"))),
    (("run", "sampling"), "sampling", _bad_floats(0, 14, False).map(_q("d"))),
    (("run", "burn_in"), "burn_in", _bad_floats(0, 365, True).map(_q("d"))),
    (("exposures", 0, "duration"), "duration", _bad_floats(0, 2, False).map(_q("h"))),
    (("exposures", 0, "intensity"), "intensity", _bad_floats(0, 3, True)),
    (("exposures", 1, "dose"), "dose", _bad_floats(0, 4, False).map(_q("ng/kg"))),
    (("exposures", 1, "day"), "day", st.one_of(st.integers(max_value=-1), st.integers(min_value=100_001),
                                               st.floats(allow_nan=True), st.booleans())),
    (("population", "size"), "size", st.one_of(st.integers(max_value=0), st.integers(min_value=10**12 + 1),
                                               st.floats(allow_nan=True), st.booleans(), st.text(max_size=3))),
    (("population", "seed"), "seed", st.one_of(st.integers(max_value=-1), st.floats(allow_nan=True),
                                               st.booleans())),
    (("person", "parameters", "gr.r"), "gr.r", _bad_floats(-0.5, 2.0, True)),
    (("person", "wake_time"), "wake_time", st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans())),
]


@SETTINGS
@given(st.data())
@pytest.mark.parametrize("path, field, values", FIELDS, ids=[".".join(map(str, f[0])) for f in FIELDS])
def test_bad_numbers_raise_spec_error(path, field, values, data):
    d = copy.deepcopy(CLASSIC.model_dump(mode="json", exclude_none=True))
    node = d
    for key in path[:-1]:
        node = node[key]
    value = data.draw(values)
    node[path[-1]] = value
    with pytest.raises(SpecError) as info:  # anything else (TypeError, OverflowError, ...) fails the test
        parse_scenario(d)
    assert f"'{field}'" in str(info.value), str(info.value)
