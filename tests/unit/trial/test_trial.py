"""Trial specs and the trial runner: validation, screening, randomisation, analysis, CLI (issue 4, first part)."""

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pnisim.cli.main import app
from pnisim.errors import SpecError
from pnisim.trial.run import run_trial
from pnisim.trial.spec import load_trial, parse_trial

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

SMALL = {
    "name": "small", "duration": "10 week", "burn_in": "14 d", "visits": ["0 week", "10 week"],
    "population": {"per_arm": 12, "seed": 3, "mixture": {"chronic_stress": 1.0}, "screen_factor": 2.0},
    "inclusion": [{"observable": "pss10", "op": ">=", "value": 14}],
    "arms": [{"name": "control"}, {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "10:00"}]}],
    "endpoints": [{"observable": "phq9"}, {"observable": "crp"}],
}


@pytest.fixture(scope="module")
def small():
    return run_trial(parse_trial(SMALL))


def test_small_trial_randomises_equal_arms_of_included_people(small):
    d = small.data
    assert d.sizes["participant"] == 24 and set(d["arm"].values) == {"control", "cbt"}
    assert (d["arm"].values == "cbt").sum() == 12
    assert len(set(d["participant"].values)) == 24  # screening numbers, unique
    assert small.screening["screened"] == 48 and small.screening["passed"] >= 24
    # the baseline visit keeps the reading that decided inclusion (eligibility confirmed at baseline), so every
    # participant meets the criterion there, while the true values scatter around it
    base = d["pss10"].values[:, 0]
    assert np.all(base >= 14)
    assert not np.array_equal(base, d["pss10_true"].values[:, 0])
    assert d.attrs["disclaimer"] == "Research use only, not medical advice."


def test_small_trial_reports_every_statistic_per_endpoint(small):
    names = {(e["endpoint"], e["name"]) for e in small.estimates}
    for ep in ("phq9", "crp"):
        for stat in ("mean difference", "Hedges g", "pretest-posttest-control g", "ANCOVA treatment effect",
                     "% change vs control"):
            assert (ep, stat) in names
    phq = next(e for e in small.estimates if e["endpoint"] == "phq9" and e["name"] == "mean difference")
    assert phq["estimate"] < 0  # CBT lowers depressive symptoms (direction; size calibrated in issue 5)


def test_same_seed_same_trial():
    a, b = run_trial(parse_trial(SMALL)), run_trial(parse_trial(SMALL))
    assert np.array_equal(a.data["phq9"].values, b.data["phq9"].values)
    assert list(a.data["arm"].values) == list(b.data["arm"].values)


def _bad(path, value):
    d = copy.deepcopy(SMALL)
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return d


@pytest.mark.parametrize("path,value,needle", [
    (("population", "per_arm"), 0, "'per_arm' of [population] must be an integer >= 2. Got 0"),
    (("endpoints",), [{"observable": "crpp"}], "Did you mean 'crp'"),
    (("visits",), ["0 week", "11 week"], "visits[1] of the trial must lie within its duration"),
    (("visits",), ["1 week", "10 week"], "first of the 'visits' of the trial must be 0"),
    (("population", "mixture"), {"ptsdd": 1.0}, "Did you mean 'ptsd'"),
    (("population", "mixture"), {"mdd": 0.5}, "must sum to 1"),
    (("arms",), [{"name": "control"}, {"name": "x", "exposures": [{"type": "cbtt", "day": 0, "time": "10:00"}]}],
     "Did you mean 'cbt'"),
    (("population", "per_arm"), 100_000, "screened candidates"),
])
def test_bad_trial_input(path, value, needle):
    with pytest.raises(SpecError) as info:
        parse_trial(_bad(path, value))
    assert needle in str(info.value), str(info.value)


def test_inclusion_that_excludes_nearly_everyone_says_how_many_passed():
    d = _bad(("inclusion",), [{"observable": "crp", "op": ">", "value": 50.0}])
    with pytest.raises(SpecError, match=r"only 0 of 48 screened candidates \(0\.0 %\) passed, and 24 are needed"):
        run_trial(parse_trial(d))


def test_example_trials_validate():
    t = load_trial(EXAMPLES / "shields2020_cbt_immune.toml")
    assert t.arms[0].name == "usual_care" and [e.observable for e in t.endpoints] == ["crp", "il6", "tnf", "phq9"]


def test_cli_trial_writes_results_and_refuses_bad_input(tmp_path):
    spec = tmp_path / "small.yaml"
    spec.write_text(json.dumps(SMALL))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["trial", str(spec), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"trial.nc", "estimates.json", "trial.json", "report.html"}
    page = (out / "report.html").read_text()
    assert page.count("<img") == 3 and "Research use only, not medical advice." in page
    assert "id='cost-effectiveness'" in page or "id=\"cost-effectiveness\"" in page
    summary = json.loads((out / "estimates.json").read_text())
    assert summary["screening"]["randomised"] == 24 and "not medical advice" in summary["disclaimer"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(json.dumps(_bad(("population", "per_arm"), 0)))
    result = CliRunner().invoke(app, ["trial", str(bad), "--out", str(tmp_path / "o2")])
    assert result.exit_code == 2 and "per_arm" in result.stderr and not (tmp_path / "o2").exists()


def test_power_curves_come_with_the_trial(small):
    assert {(p["endpoint"], p["arm"]) for p in small.power} == {("phq9", "cbt"), ("crp", "cbt")}
    for p in small.power:
        assert list(p["power"]) == sorted(p["power"]) or max(p["power"]) - min(p["power"]) < 0.1  # rises with N
        assert all(0 <= x <= 1 for x in p["power"])


def test_population_with_correlation_plausibility_and_target_selection():
    """A trial population selected so that baseline CRP follows a log-normal target (Allen 2016) among plausible
    candidates (CRP 0.1-20 mg/L): the randomised participants' true baseline CRP stays in range."""
    d = copy.deepcopy(SMALL)
    d["inclusion"] = []
    d["population"].update({"screen_factor": 20.0, "plausible": {"crp": [0.1, 20.0]},
                            "correlations": [{"a": "innate.w6", "b": "innate.wTNF", "r": 0.5}],
                            "target": {"observable": "crp", "kind": "lognormal", "a": 2.0, "b": 1.5}})
    r = run_trial(parse_trial(d))
    crp0 = r.data["crp_true"].values[:, 0]
    assert np.all((crp0 >= 0.1) & (crp0 <= 20.0))
    assert r.screening["plausible"] <= r.screening["screened"]
    bad = copy.deepcopy(d)
    bad["population"]["target"]["observable"] = "crpp"
    with pytest.raises(SpecError, match="Did you mean 'crp'"):
        parse_trial(bad)


def test_trial_with_phq9_reports_cost_effectiveness(small):
    (c,) = small.cea
    assert c["arm"] == "cbt" and c["delta_cost_usd"] == pytest.approx(1500.0)  # 10 CBT sessions at $150
    # 12 per arm with people's own PHQ-9 levels: the QALY difference is small and may take either sign; the
    # analysis must still report it and its ratio
    assert math.isfinite(c["delta_qaly"]) and abs(c["delta_qaly"]) < 0.1
    dq = c["delta_qaly"]
    assert c["icer_usd_per_qaly"] == (pytest.approx(1500.0 / dq) if dq > 0 else math.inf)  # dominated: inf
    assert c["prob_cost_effective"][0] == 0.0


@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.glob("*.toml") if "[[endpoints]]" in p.read_text()),
                         ids=lambda p: p.name)
def test_every_trial_example_validates(path):
    assert load_trial(path).endpoints


def test_stratified_randomisation_balances_arms_within_strata():
    d = copy.deepcopy(SMALL)
    d["randomisation"] = {"kind": "stratified", "by": "pss10"}
    r = run_trial(parse_trial(d))
    arm, high = r.data["arm"].values, r.data["stratum"].values == 1  # stratum from the screening measurement
    assert (arm == "cbt").sum() == (arm == "control").sum() == 12
    assert abs((arm[high] == "cbt").sum() - (arm[high] == "control").sum()) <= 1
    bad = copy.deepcopy(d)
    bad["randomisation"]["by"] = "pss100"
    with pytest.raises(SpecError, match="Did you mean 'pss10'"):
        parse_trial(bad)


FLARE_EVENTS = {
    "name": "flare_events", "duration": "8 week", "burn_in": "14 d", "visits": ["0 week", "4 week", "8 week"],
    "population": {"per_arm": 20, "seed": 5, "mixture": {"sle": 1.0}, "screen_factor": 1.0},
    "arms": [{"name": "late", "exposures": [{"type": "flare_trigger", "day": 30, "time": "00:00"}]},
             {"name": "early", "exposures": [{"type": "flare_trigger", "day": 10, "time": "00:00"}]}],
    "endpoints": [{"observable": "flare", "kind": "time_to_event", "op": ">=", "threshold": 0.5},
                  {"observable": "disease_score", "kind": "event", "op": ">=", "threshold": 3.2},
                  {"observable": "disease_score", "kind": "value"},
                  {"observable": "disease_score", "kind": "auc"}],
    "adherence": {"mean": 0.6, "sd": 0.25},
    "dropout": {"fraction": 0.3},
}


@pytest.fixture(scope="module")
def flare_events():
    return run_trial(parse_trial(FLARE_EVENTS))


def test_time_to_first_flare_follows_each_arms_trigger_and_adherence(flare_events):
    """Baker 2013 switch (SLE preset, bistable): a trigger scaled by the participant's adherence starts a lasting
    flare only when large enough; the first flare follows the arm's trigger day (10 vs 30)."""
    d = flare_events.data
    arm, t, ev = d["arm"].values, d["event_time_0"].values, d["event_0"].values.astype(bool)
    assert 0 < ev[arm == "early"].sum() < 20 and 0 < ev[arm == "late"].sum() < 20  # adherence decides
    # no flare before the trigger; a weak (low-adherence) trigger takes longer to tip the switch
    assert t[ev & (arm == "early")].min() > 10 and t[ev & (arm == "late")].min() > 30
    assert np.median(t[ev & (arm == "early")]) < 20 < 30 < np.median(t[ev & (arm == "late")])
    a = d["adherence"].values
    assert a[ev].min() > np.median(a[~ev & np.isinf(d["dropout_time"].values)])  # flares in the adherent
    hr = next(e for e in flare_events.estimates if e["name"] == "hazard ratio")
    assert hr["estimate"] > 1 and hr["ci_low"] < hr["estimate"] < hr["ci_high"]


def test_dropout_hides_later_visits_and_censors_events(flare_events):
    d = flare_events.data
    left = np.isfinite(d["dropout_time"].values)
    assert 0.1 < left.mean() < 0.5  # 30 % expected by week 8
    end = d["visit_time"].values[-1]
    assert np.all(np.isnan(d["disease_score"].values[left, -1]))
    assert np.all(np.isfinite(d["disease_score"].values[~left, -1]))
    censored = left & (d["event_0"].values == 0)
    assert np.allclose(d["event_time_0"].values[censored], d["dropout_time"].values[censored] / 24.0)
    assert np.all(d["dropout_time"].values[left] < end)


def test_every_endpoint_kind_is_analysed(flare_events):
    names = {(e["kind"], e["name"]) for e in flare_events.estimates}
    assert ("time_to_event", "hazard ratio") in names and ("event", "risk ratio") in names
    assert ("value", "Hedges g") in names and ("value", "ANCOVA (adjusted for baseline)") in names or \
        any(k == "value" and "ANCOVA" in n for k, n in names)
    assert ("auc", "mean difference") in names
    assert {p["endpoint"] for p in flare_events.power} == {"disease_score (value)", "disease_score (auc)"}


@pytest.mark.parametrize("change, message", [
    ({"endpoints": [{"observable": "flare", "kind": "event"}]}, "must define the event with 'op'"),
    ({"endpoints": [{"observable": "crp", "op": ">=", "threshold": 3}]}, "takes no 'op' or 'threshold'"),
    ({"adherence": {"mean": 0.5, "sd": 0.6}}, "The 'adherence.sd' of the trial must be a number < 0.5"),
    ({"adherence": {"mean": 0.9, "sd": 0.4}}, "must be below sqrt"),
    ({"dropout": {"fraction": 1.0}}, "fraction"),
    ({"burn_in_exposures": [{"type": "flare_trigger", "day": 20, "time": "00:00"}]}, "burn_in_exposures|inside"),
    ({"event_sampling": "1 min"}, "'event_sampling' of the trial must be between"),
])
def test_bad_endpoints_adherence_dropout_are_refused(change, message):
    spec = {**copy.deepcopy(FLARE_EVENTS), **change}
    with pytest.raises(SpecError, match=message):
        parse_trial(spec)


def test_trial_json_schema_matches_published_copy_and_validates_the_examples():
    """Trial files have a JSON Schema (issue 4 §2); the shipped copy is current and accepts every example."""
    import jsonschema
    import tomllib

    from pnisim.trial.spec import TRIAL_SCHEMA_PATH, trial_json_schema

    shipped = json.loads(TRIAL_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == trial_json_schema(), (
        f"{TRIAL_SCHEMA_PATH} is out of date. Regenerate it with: "
        "python -c \"from pnisim.trial.spec import write_trial_json_schema; write_trial_json_schema()\"")
    for path in EXAMPLES.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if "endpoints" in data:
            jsonschema.validate(data, shipped)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**SMALL, "endpoints": [{"observable": "crp", "kind": "median"}]}, shipped)


# ---- fast states in quasi-steady state (pnisim.model.reduce) ----------------------------------------------------
FAST = {
    "name": "fast", "duration": "12 week", "burn_in": "14 d", "visits": ["0 week", "6 week", "12 week"],
    "population": {"per_arm": 25, "seed": 11, "mixture": {"chronic_stress": 0.7, "mdd": 0.3}, "screen_factor": 1.0},
    "arms": [{"name": "control"}, {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "10:00"}]}],
    "endpoints": [{"observable": o} for o in ("crp", "il6", "tnf", "phq9")],
}


def test_quasi_steady_trial_estimates_match_the_full_model():
    """The reduction moves every immune estimate of a CBT trial (CRP, IL-6, TNF-α) by under a tenth of its 95 % CI
    half-width, and PHQ-9's by under a fifth (measured with the shipped calibration: PPC g -1.41 vs -1.51, 0.14 of
    the half-width): the speed-up does not change what the trial concludes, but it biases mood estimates by a
    few per cent."""
    red = run_trial(parse_trial({**FAST, "fast_states": "quasi-steady"}))
    full = run_trial(parse_trial({**FAST, "fast_states": "integrate"}))
    assert red.data.attrs["fast_states"].startswith("quasi-steady: SNS, VAG")
    assert full.data.attrs["fast_states"] == "integrated"
    pairs = 0
    for a, b in zip(red.estimates, full.estimates):
        assert (a["endpoint"], a["name"]) == (b["endpoint"], b["name"])
        if b.get("ci_low") is None:
            continue
        half = (b["ci_high"] - b["ci_low"]) / 2
        limit = 0.2 if a["observable"] == "phq9" else 0.1
        assert abs(a["estimate"] - b["estimate"]) < limit * half, (a["endpoint"], a["name"], a["estimate"],
                                                                    b["estimate"])
        pairs += 1
    assert pairs >= 16


def test_auto_integrates_when_the_trial_reads_cortisol():
    assert parse_trial(FAST).quasi_steady()
    cortisol = {**FAST, "endpoints": [{"observable": "crp"}, {"observable": "cortisol_saliva"}]}
    assert not parse_trial(cortisol).quasi_steady()
    assert not parse_trial({**FAST, "inclusion": [{"observable": "acth", "op": ">", "value": 1.0}]}).quasi_steady()
    assert parse_trial({**cortisol, "fast_states": "quasi-steady"}).quasi_steady()  # an explicit choice wins
    assert not parse_trial({**FAST, "fast_states": "integrate"}).quasi_steady()
    with pytest.raises(SpecError, match="fast_states"):
        parse_trial({**FAST, "fast_states": "fast"})


# ---- demographics (pnisim.trial.covariates) --------------------------------------------------------------------
DEMO = {
    "name": "demo", "duration": "1 week", "burn_in": "7 d", "visits": ["0 week", "1 week"], "measurement_error": False,
    "population": {"per_arm": 30, "seed": 5, "mixture": {"healthy": 1.0}, "screen_factor": 1.0, "variability": False,
                   "demographics": {"age": {"mean": 50, "sd": 15, "low": 18, "high": 90}, "female": 0.5,
                                    "bmi": {"mean": 28, "sd": 6, "low": 17, "high": 50}}},
    "arms": [{"name": "control"}, {"name": "waitlist"}],
    "endpoints": [{"observable": "crp"}],
}


def test_demographics_reproduce_the_published_crp_associations():
    """Baseline ln CRP regressed on BMI and sex recovers Kao et al. 2009 (S Afr Med J 99:326: +0.078 per kg/m²)
    and Khera et al. 2005 (J Am Coll Cardiol 46:464: women 3.3 vs men 1.8 mg/L, ln ratio 0.61); age has no effect."""
    import statsmodels.api as sm

    r = run_trial(parse_trial(DEMO))
    d = r.data
    age, female, bmi = d["age"].values, d["female"].values, d["bmi"].values
    assert 18 <= age.min() and age.max() <= 90 and 17 <= bmi.min() and bmi.max() <= 50
    assert set(np.unique(female)) == {0.0, 1.0}
    y = np.log(d["crp_true"].values[:, 0])
    fit = sm.OLS(y, sm.add_constant(np.column_stack([bmi, female, age]))).fit()
    assert fit.params[1] == pytest.approx(0.078, abs=0.004)
    assert fit.params[2] == pytest.approx(np.log(3.3 / 1.8), abs=0.03)
    assert abs(fit.params[3]) < 1e-3
    assert d["bmi"].attrs["units"] == "kg/m2"


def test_demographics_are_seeded_and_reported():
    a, b = run_trial(parse_trial(DEMO)), run_trial(parse_trial(DEMO))
    np.testing.assert_array_equal(a.data["bmi"].values, b.data["bmi"].values)
    from pnisim.trial.report import baseline_table, render_trial_report

    rows = baseline_table(a)
    assert [r["arm"] for r in rows] == ["control", "waitlist"] and {"age, years", "BMI, kg/m2", "female, %"} <= set(rows[0])
    assert "Baseline characteristics" in render_trial_report(a)


@pytest.mark.parametrize("demo, needle", [
    ({"bmi": {"mean": 28, "sd": 6, "low": 40, "high": 20}}, "'bmi' of \\[population.demographics\\]"),
    ({"age": {"mean": 95, "sd": 5, "low": 18, "high": 90}}, "'mean' of 'age'"),
    ({"age": {"mean": 40, "sd": 5, "low": -3, "high": 90}}, "'age' of \\[population.demographics\\]"),
    ({"female": 1.5}, "female"),
    ({"bmi": {"mean": 28, "sd": -1, "low": 17, "high": 50}}, "sd"),
])
def test_bad_demographics(demo, needle):
    bad = copy.deepcopy(DEMO)
    bad["population"]["demographics"] = demo
    with pytest.raises(SpecError, match=needle):
        parse_trial(bad)
