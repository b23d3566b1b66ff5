"""Scenario -> RunPlan (events, parameters, times) and RunPlan -> result (integration with the engine)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from pnisim.scenario import build as B
from pnisim.scenario import default_scenario, load_scenario, parse_scenario, plan, run_scenario

CLASSIC = load_scenario(Path(__file__).resolve().parents[3] / "examples" / "acute_stress_and_lps.toml")

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
# trial files (top-level [[endpoints]]) are validated by tests/unit/trial, sensitivity specs (top-level [base])
# by tests/unit/calibrate/test_sensitivity.py
SCENARIO_EXAMPLES = sorted(p for p in EXAMPLES.glob("*")
                           if not any(k in p.read_text(encoding="utf-8")
                                      for k in ("[[endpoints]]", "endpoints:", "\n[base]", "\nbase:")))


def scenario(**sections):
    """A short scenario (2 days from midnight, no burn-in) with the given sections replaced."""
    d = {"run": {"duration": "2 d", "burn_in": "0 d", "sampling": "1 h"}, "exposures": []}
    d.update(copy.deepcopy(sections))
    return parse_scenario(d)


def stress_events(p, target="acute_stress"):
    return [(e.time, e.value) for e in p.events[0] if e.target == target]


# ============================================================================================== events
def test_acute_stressor_is_a_pulse_of_its_intensity():
    p = plan(scenario(exposures=[{"type": "acute_stressor", "day": 1, "time": "14:00", "duration": "15 min",
                                  "intensity": 0.8}]))
    assert stress_events(p) == [(38.0, 0.8), (38.25, 0.0)]
    assert all(e.kind == "set_input" for e in p.events[0])


def test_overlapping_acute_stressors_add():
    exposures = [
        {"type": "acute_stressor", "day": 1, "time": "14:00", "duration": "30 min", "intensity": 1.0},
        {"type": "acute_stressor", "day": 1, "time": "14:15", "duration": "30 min", "intensity": 0.5},
    ]
    assert stress_events(plan(scenario(exposures=exposures))) == [(38.0, 1.0), (38.25, 1.5), (38.5, 0.5),
                                                                  (38.75, 0.0)]


def test_chronic_level_and_acute_stressors_use_separate_inputs():
    exposures = [
        {"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 0.5}, {"from_day": 1.5, "level": 0.0}]},
        {"type": "acute_stressor", "day": 1, "time": "10:00", "duration": "1 h", "intensity": 1.0},
        {"type": "acute_stressor", "day": 1, "time": "13:00", "duration": "1 h", "intensity": 1.0},
    ]
    # chronic stress drives the slow CRH input; acute stressors the pituitary acute-stress input
    p = plan(scenario(exposures=exposures))
    assert stress_events(p, "stress") == [(0.0, 0.5), (36.0, 0.0)]
    assert stress_events(p) == [(34.0, 1.0), (35.0, 0.0), (37.0, 1.0), (38.0, 0.0)]


def test_chronic_from_day_zero_means_run_start():
    s = scenario(run={"duration": "2 d", "burn_in": "0 d", "sampling": "1 h", "start": "07:00"},
                 exposures=[{"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 0.3}]}])
    assert stress_events(plan(s), "stress") == [(7.0, 0.3)]


def test_lps_bolus_adds_dose_to_endotoxin():
    p = plan(scenario(exposures=[{"type": "lps_bolus", "day": 1, "time": "08:00", "dose": "0.002 ug/kg"}]))
    (e,) = p.events[0]
    assert (e.time, e.kind, e.target) == (32.0, "add_state", "E") and e.value == pytest.approx(2.0)


def test_lps_infusion_sets_the_input_for_its_duration():
    p = plan(scenario(exposures=[{"type": "lps_infusion", "day": 0, "time": "08:00", "rate": "1 ng/kg/h",
                                  "duration": "4 h"}]))
    assert [(e.time, e.kind, e.target, e.value) for e in p.events[0]] == [
        (8.0, "set_input", "lps_infusion", 1.0), (12.0, "set_input", "lps_infusion", 0.0)]


def test_dexamethasone_mg_maps_to_somvanshi_dx():
    p = plan(scenario(exposures=[{"type": "dexamethasone", "day": 0, "time": "23:00", "dose": "1 mg"}]))
    (e,) = p.events[0]
    assert (e.time, e.kind, e.target, e.value) == (23.0, "add_state", "Dex1", 2.5)  # 10*dx a.u./h x 0.25 h


def test_dexamethasone_assumption_is_documented():
    from pnisim.scenario.exposures import Dexamethasone

    assert Dexamethasone.METADATA["evidence_grade"] == "C"
    assert "2.5" in Dexamethasone.METADATA["mechanism"] and "grade C" in Dexamethasone.__doc__


# ============================================================================================== plan
def test_plan_of_default_has_two_arms_of_the_same_person():
    s = default_scenario()
    p = plan(s)
    assert p.arms == ("usual_care", "cbt") and p.individual_ids == ("usual_care/p0000", "cbt/p0000")
    assert np.array_equal(p.parameters[0], p.parameters[1])
    labels = [[e.label for e in ev] for ev in p.events]
    assert not any("CBT" in x for x in labels[0]) and sum("CBT" in x for x in labels[1]) == 10


def test_plan_of_classic():
    s = CLASSIC
    p = plan(s)
    model = s.get_model()
    assert p.t_out[0] == 0.0 and p.t_out[-1] == 336.0 and p.t_out.size == 14 * 24 * 6 + 1
    assert p.parameters.shape == (1, len(model.parameter_names))
    assert p.inputs.shape == (1, len(model.input_names)) and p.initial_state is None
    assert p.burn_in_h == 168.0 and p.seed == 0 and p.spec_hash == s.spec_hash()
    assert p.outputs == tuple(model.observable_names) and p.keep_states is False
    assert [e.label for e in p.events[0]] == ["trier start", "trier end", "lps"]
    assert p.provenance["spec_hash"] == s.spec_hash() and p.provenance["scenario"] == "acute_stress_and_lps"
    grades = {e["type"]: e["evidence_grade"] for e in json.loads(p.provenance["exposures"])}
    assert grades == {"acute_stressor": "C", "lps_bolus": "B"}


def test_plan_times_start_at_run_start():
    p = plan(scenario(run={"duration": "1 d", "start": "07:00", "sampling": "10 min", "burn_in": "1 d"}))
    assert p.t_out[0] == 7.0 and p.t_out[-1] == 31.0 and np.all(np.diff(p.t_out) > 0)
    assert 24.0 in p.t_out  # rounded grid: 102 x 10 min lands exactly on midnight


def test_events_after_the_last_output_time_are_dropped():
    """240 d sampled weekly ends at day 238; a device switched on for the rest of the run must not make the run
    fail on its switch-off at day 240 (found while simulating a VNS scenario)."""
    s = scenario(model="whole", run={"duration": "2 d", "burn_in": "0 d", "sampling": "5 h"},
                 exposures=[{"type": "vns_implanted", "day": 0, "time": "08:00"}])
    p = plan(s)
    assert p.t_out[-1] == 45.0
    times = [e.time for e in p.events[0]]
    assert times and max(times) <= 45.0 and 8.0 in times
    # the rule lives in scenario_events (shared with the sensitivity runner): without `until` the switch-off stays
    every = [e.time for e in B.scenario_events(s, s.get_model())]
    assert max(every) > 45.0
    assert [e.time for e in B.scenario_events(s, s.get_model(), until=45.0)] == times
    ds = run_scenario(s)
    assert int(ds.status.values[0]) == 0


def test_person_parameters_reach_the_plan():
    s = scenario(person={"phenotype": "high_gr_sensitivity", "wake_time": "06:30",
                         "parameters": {"hpa.k_crh": 0.1}})
    p = plan(s)
    names = s.get_model().parameter_names
    row = dict(zip(names, p.parameters[0]))
    assert row["gr.r"] == 0.5 and row["clock.wake_time"] == 6.5 and row["hpa.k_crh"] == 0.1


def test_keep_states_adds_every_state():
    s = scenario(run={"duration": "1 d", "burn_in": "0 d", "sampling": "1 h", "outputs": ["tnf"],
                      "keep_states": True})
    assert plan(s).outputs == ("tnf", *s.get_model().state_names)


def test_population_without_variability_is_identical():
    p = plan(scenario(population={"size": 5, "variability": False}))
    assert p.parameters.shape[0] == 5 and np.all(p.parameters == p.parameters[0])
    assert p.individual_ids == ("p0000", "p0001", "p0002", "p0003", "p0004")


def test_population_variability_is_seeded_lognormal_and_bounded():
    s = scenario(population={"size": 4000, "seed": 0, "variability": True})
    model = s.get_model()
    a, b = plan(s).parameters, plan(s).parameters
    assert np.array_equal(a, b)  # same seed, same people (seed 0 is a seed)
    other = plan(scenario(population={"size": 4000, "seed": 1, "variability": True})).parameters
    assert not np.array_equal(a, other)
    base = model.parameter_values()
    cv = np.array([q.parameter.cv for q in model.parameters])
    assert np.all(a[:, cv == 0] == base[cv == 0])
    i = model.parameter_names.index("innate.kM")  # cv 0.3, wide bounds: median = value, sd(log) as promised
    logs = np.log(a[:, i] / base[i])
    assert np.median(a[:, i]) == pytest.approx(base[i], rel=0.03)
    assert logs.std() == pytest.approx(np.sqrt(np.log(1 + 0.3**2)), rel=0.05)
    lo = np.array([q.parameter.resolved_bounds[0] for q in model.parameters])
    hi = np.array([q.parameter.resolved_bounds[1] for q in model.parameters])
    assert np.all((a >= lo) & (a <= hi))


# ============================================================================================== runs (engine)
@pytest.fixture(scope="module")
def default_result():
    calls = []
    ds = run_scenario(CLASSIC, progress=lambda f, m: calls.append((f, m)))
    return ds, calls


def test_classic_scenario_runs(default_result):
    ds, _ = default_result
    s = CLASSIC
    assert dict(ds.sizes) == {"individual": 1, "time": 2017, "parameter": len(s.get_model().parameter_names)}
    assert set(ds.data_vars) == set(s.get_model().observable_names) | {"status"}
    assert int(ds["status"][0]) == 0
    assert ds.attrs["scenario"] == "acute_stress_and_lps" and ds.attrs["spec_hash"] == s.spec_hash()
    assert ds.attrs["seed"] == 0 and ds.attrs["burn_in_h"] == 168.0
    assert float(ds.time[0]) == 0.0 and float(ds.time[-1]) == 336.0
    assert np.allclose(ds["clock_time"].values, ds["time"].values % 24)
    assert int(ds["day"][-1]) == 14 and int(ds["day"].sel(time=182.0)) == 7
    assert float(ds["clock_time"].sel(time=182.0)) == 14.0


def test_classic_scenario_lps_raises_cytokines(default_result):
    ds, _ = default_result
    tnf = ds["tnf"].isel(individual=0)
    before = float(tnf.sel(time=slice(240, 248)).mean())
    assert float(tnf.sel(time=slice(248, 256)).max()) > 5 * before  # an LPS bolus must show


def test_progress_is_reported(default_result):
    _, calls = default_result
    fractions = [f for f, _ in calls]
    assert len(calls) >= 3 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert any("Burn-in" in m for _, m in calls) and any("Main run" in m for _, m in calls)


def test_population_runs_in_chunks(monkeypatch):
    monkeypatch.setattr(B, "CHUNK_SIZE", 3)
    s = scenario(run={"duration": "1 d", "burn_in": "1 d", "sampling": "2 h", "outputs": ["cortisol_serum", "E"]},
                 population={"size": 7, "seed": 3},
                 exposures=[{"type": "lps_bolus", "day": 0, "time": "08:00", "dose": "1 ng/kg"}])
    calls = []
    ds = run_scenario(s, progress=lambda f, m: calls.append((f, m)))
    assert (ds.sizes["individual"], ds.sizes["time"]) == (7, 13)
    assert list(ds.data_vars) == ["cortisol_serum", "E", "status"]
    assert list(ds["individual"].values) == [f"p{i:04d}" for i in range(7)]
    assert np.array_equal(ds["parameter_value"].values, plan(s).parameters)
    assert sum("Simulated" in m for _, m in calls) == 3  # one report per chunk
    assert float(ds["E"].sel(time=8.0).min()) > 0.9  # the bolus lands at 08:00 for everyone


def test_burn_in_settles_the_start():
    short = scenario(run={"duration": "1 d", "burn_in": "0 d", "sampling": "1 h"})
    settled = scenario(run={"duration": "1 d", "burn_in": "7 d", "sampling": "1 h"})
    a = run_scenario(short)["cortisol_serum"].isel(individual=0).values
    b = run_scenario(settled)["cortisol_serum"].isel(individual=0).values
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(b)) and not np.allclose(a, b)


def test_run_from_path():
    ds = run_scenario(EXAMPLES / "lps_infusion.toml")
    assert float(ds["tnf"].max()) > 50


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIO_EXAMPLES, ids=lambda p: p.name)
def test_every_example_runs(path):
    ds = run_scenario(load_scenario(path))
    assert int((ds["status"] != 0).sum()) == 0
