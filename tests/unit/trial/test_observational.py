"""Observational designs: case-control Hedges g and cohort incidence / hazard ratios, checked against
statsmodels, lifelines and hand computations on the simulated per-person data."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from pnisim.errors import SpecError
from pnisim.trial.observational import (
    AUTOIMMUNE_ONSET,
    DISEASE_FLARE,
    HOURS_PER_YEAR,
    analyse_cohort,
    case_control,
    cohort,
    parse_event,
)

MIX = {"mdd": 0.6, "mdd_inflamed": 0.4}


@pytest.fixture(scope="module")
def cc():
    return case_control(MIX, {"healthy": 1}, n_cases=40, n_controls=40, observables=["crp", "il6", "tnf", "phq9"],
                        seed=1, burn_in_days=14)


@pytest.fixture(scope="module")
def co():
    # frequent, large infections give CRP > 3 mg/L events in both groups within weeks: a machinery test
    return cohort({"ptsd": 1}, {"healthy": 1}, n_exposed=10, n_unexposed=10, years=0.25, event="crp>3",
                  infections_per_year=12, infection_load=1.0, seed=4, burn_in_days=7)


def _row(res, obs, scale="raw"):
    return next(r for r in res.as_records() if r["observable"] == obs and r["scale"] == scale)


def test_depression_mixture_has_higher_inflammation_than_controls(cc):
    """Direction of Osimo EF et al. Brain Behav Immun 2020;87:901 (Fig. 2-4: CRP, IL-6, TNF higher in depression);
    the size is compared in `pnisim validate`, not here."""
    for obs in ("crp", "il6", "tnf"):
        r = _row(cc, obs)
        assert r["estimate"] > 0 and r["ci_low"] < r["estimate"] < r["ci_high"]
        assert r["n_cases"] == 40 and r["n_controls"] == 40
    assert _row(cc, "crp")["ci_low"] > 0 and _row(cc, "il6")["ci_low"] > 0


def test_hedges_g_matches_statsmodels_and_hand_computation(cc):
    """Borenstein 2009 eq. 4.18-4.24 by hand, and statsmodels' effectsize_smd (same J; variance uses N - 3.94)."""
    from statsmodels.stats.meta_analysis import effectsize_smd

    d = cc.data
    for obs in ("crp", "il6", "tnf"):
        for scale in ("raw", "log"):
            x = d[obs].values if scale == "raw" else np.log(d[obs].values)
            a, b = x[d["group"].values == "case"], x[d["group"].values == "control"]
            n1, n2 = a.size, b.size
            sp = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
            dd = (a.mean() - b.mean()) / sp
            j = 1 - 3 / (4 * (n1 + n2) - 9)
            var = j**2 * ((n1 + n2) / (n1 * n2) + dd**2 / (2 * (n1 + n2)))
            r = _row(cc, obs, scale)
            assert r["estimate"] == pytest.approx(j * dd, rel=1e-12)
            assert r["se"] == pytest.approx(math.sqrt(var), rel=1e-12)
            assert r["ci_high"] - r["ci_low"] == pytest.approx(2 * 1.959964 * math.sqrt(var), rel=1e-6)
            g_sm, var_sm = effectsize_smd(a.mean(), a.std(ddof=1), n1, b.mean(), b.std(ddof=1), n2)
            assert r["estimate"] == pytest.approx(g_sm, rel=1e-12)
            assert r["se"] == pytest.approx(math.sqrt(var_sm), rel=0.03)
            assert r["p_value"] == pytest.approx(sps.ttest_ind(a, b).pvalue, rel=1e-9)
            assert r["case_mean"] == pytest.approx(a.mean()) and r["control_sd"] == pytest.approx(b.std(ddof=1))


def test_case_control_dataset_names_every_axis(cc):
    d = cc.data
    assert d["crp"].dims == ("participant",) and d.sizes["participant"] == 80
    assert set(d["group"].values) == {"case", "control"}
    assert set(d["phenotype"].values[d["group"].values == "case"]) <= set(MIX)
    assert set(d["phenotype"].values[d["group"].values == "control"]) == {"healthy"}
    assert d["crp"].attrs["units"] == "mg/L" and d["crp_true"].attrs["units"] == "mg/L"
    assert d["crp"].attrs["measured"] == 1
    assert d.attrs["draw_hour"] == 14 * 24 + 8 and d.attrs["disclaimer"].startswith("Research use only")
    # assay noise: the measured values scatter around the truth
    assert not np.allclose(d["crp"].values, d["crp_true"].values)
    # PHQ-9 has zeros possible -> log row only when every value is positive
    assert {r["scale"] for r in cc.as_records() if r["observable"] == "crp"} == {"raw", "log"}


def test_blood_draw_clock_time_is_honoured():
    """t = 0 is midnight: serum cortisol at an 08:00 draw (an hour after waking at 07:00) is far above the
    nocturnal value at 00:00 (circadian nadir around midnight: Weitzman ED et al. J Clin Endocrinol Metab
    1971;33:14)."""
    kw = dict(n_cases=2, n_controls=2, observables=["cortisol_serum"], burn_in_days=3, variability=False,
              measurement_error=False)
    am = case_control({"healthy": 1}, {"healthy": 1}, draw_time="08:00", **kw).data["cortisol_serum"].values
    night = case_control({"healthy": 1}, {"healthy": 1}, draw_time="00:00", **kw).data["cortisol_serum"].values
    assert np.all(am > 2 * night)


def test_same_seed_same_case_control():
    kw = dict(n_cases=3, n_controls=3, observables=["crp"], burn_in_days=2, seed=9)
    a = case_control(MIX, {"healthy": 1}, **kw).data["crp"].values
    b = case_control(MIX, {"healthy": 1}, **kw).data["crp"].values
    assert np.array_equal(a, b)


def test_cohort_hazard_ratio_matches_lifelines(co):
    """Cox DR. J R Stat Soc B 1972;34:187 via lifelines CoxPHFitter on the same data frame."""
    from lifelines import CoxPHFitter

    d = co.data
    risk = d["at_risk"].values == 1
    df = pd.DataFrame({"T": d["time"].values[risk], "E": d["event"].values[risk],
                       "x": (d["group"].values[risk] == "exposed").astype(int)})
    assert df["E"][df.x == 1].sum() > 0 and df["E"][df.x == 0].sum() > 0
    s = CoxPHFitter().fit(df, "T", "E").summary.loc["x"]
    hr = next(r for r in co.as_records() if r["statistic"] == "hazard ratio")
    assert hr["estimate"] == pytest.approx(s["exp(coef)"], rel=1e-6)
    assert hr["ci_low"] == pytest.approx(s["exp(coef) lower 95%"], rel=1e-6)
    assert hr["ci_high"] == pytest.approx(s["exp(coef) upper 95%"], rel=1e-6)
    assert hr["p_value"] == pytest.approx(s["p"], rel=1e-6)


def test_cohort_incidence_and_rate_ratio_by_hand(co):
    """Incidence = events / person-years x 1000; IRR Wald CI on the log scale (Rothman 2008 ch. 14); exact Poisson
    CI (Garwood 1936) against scipy's chi-square quantiles."""
    d = co.data
    risk = d["at_risk"].values == 1
    rows = {(r["statistic"], r["group"]): r for r in co.as_records()}
    rates = {}
    for g in ("exposed", "unexposed"):
        sel = risk & (d["group"].values == g)
        e, py = int(d["event"].values[sel].sum()), float(d["time"].values[sel].sum())
        r = rows[("incidence per 1000 person-years", g)]
        assert r["events"] == e and r["person_years"] == pytest.approx(py)
        assert r["estimate"] == pytest.approx(1000 * e / py)
        assert r["ci_low"] == pytest.approx(1000 * sps.chi2.ppf(0.025, 2 * e) / 2 / py)
        assert r["ci_high"] == pytest.approx(1000 * sps.chi2.ppf(0.975, 2 * e + 2) / 2 / py)
        rates[g] = (e, py)
    (e1, py1), (e0, py0) = rates["exposed"], rates["unexposed"]
    irr = rows[("incidence rate ratio", "exposed vs unexposed")]
    assert irr["estimate"] == pytest.approx((e1 / py1) / (e0 / py0))
    se = math.sqrt(1 / e1 + 1 / e0)
    assert irr["ci_low"] == pytest.approx(irr["estimate"] * math.exp(-1.959964 * se), rel=1e-6)


def test_cohort_times_lie_in_follow_up(co):
    d = co.data
    t, e = d["time"].values, d["event"].values.astype(bool)
    risk = d["at_risk"].values == 1
    assert d["time"].attrs["units"] == "year"
    assert np.all((t[e] > 0) & (t[e] <= 0.25))
    full = math.floor(0.25 * HOURS_PER_YEAR / 24) * 24 / HOURS_PER_YEAR
    assert np.allclose(t[risk & ~e & (d["status"].values == 0)], full)
    # daily sampling: event times are whole days after entry
    assert np.allclose((t[e] * HOURS_PER_YEAR / 24) % 1, 0, atol=1e-6)
    assert set(d["group"].values) == {"exposed", "unexposed"} and d.attrs["event"] == "crp>3"


def test_analyse_cohort_reports_no_estimate_without_events_in_a_group():
    rows = analyse_cohort([1.0, 2.0, 1.5, 2.0], [1, 0, 0, 0], [True, True, False, False])
    hr = next(r for r in rows if r["statistic"] == "hazard ratio")
    assert math.isnan(hr["estimate"]) and "no events" in hr["note"]
    un = next(r for r in rows if r["group"] == "unexposed")
    assert un["estimate"] == 0 and un["ci_high"] == pytest.approx(1000 * 3.688879 / 3.5, rel=1e-5)


def test_autoimmune_onset_is_a_graded_hazard_with_expected_rates():
    """Onset is drawn from each person's cumulative hazard (Bender 2005), nobody is prevalent at entry, and the
    model-hazard rows equal the accrued hazard over person-time; the unexposed healthy rate is the registry's RA
    incidence (Myasoedova 2010: 40.9 per 100,000 person-years) within between-person variation."""
    res = cohort({"ptsd": 1}, {"healthy": 1}, n_exposed=20, n_unexposed=20, years=0.5, event=AUTOIMMUNE_ONSET,
                 burn_in_days=7, seed=1)
    d = res.data
    assert d["prevalent"].values.sum() == 0
    assert (d["cumulative_hazard"].values >= 0).all()
    rows = {(r["statistic"], r["group"]): r for r in res.as_records()}
    for g in ("exposed", "unexposed"):
        sel = (d["group"].values == g) & (d["at_risk"].values == 1)
        by_hand = 1000 * d["cumulative_hazard"].values[sel].sum() / d["time"].values[sel].sum()
        row = rows[("model incidence per 1000 person-years", g)]
        assert row["estimate"] == pytest.approx(by_hand, rel=1e-9)
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    assert rows[("model incidence per 1000 person-years", "unexposed")]["estimate"] == pytest.approx(0.409, rel=0.15)
    hr = rows[("model hazard ratio", "exposed vs unexposed")]
    assert hr["estimate"] > 1.2 and hr["ci_low"] < hr["estimate"] < hr["ci_high"]


def test_depressive_episode_is_a_graded_hazard_at_the_cohort_incidence():
    """New depressive episodes are drawn from each person's cumulative hazard; healthy people at rest have the
    first-onset incidence of NEMESIS-2 (de Graaf 2013: 1.58 per 100 person-years) within between-person variation,
    and an ongoing caregiver-level stressor raises it."""
    res = cohort({"chronic_stress": 1}, {"healthy": 1}, n_exposed=20, n_unexposed=20, years=0.5,
                 event="depressive_episode", burn_in_days=7, seed=2)
    rows = {(r["statistic"], r["group"]): r for r in res.as_records()}
    assert rows[("model incidence per 1000 person-years", "unexposed")]["estimate"] == pytest.approx(15.8, rel=0.2)
    assert rows[("model hazard ratio", "exposed vs unexposed")]["estimate"] > 1.5


def test_parse_event_without_eval():
    names = ["crp", "il6", "flare", "autoimmune_risk"]
    assert parse_event("crp>3", names) == parse_event(" crp > 3.0 ", names)
    e = parse_event("il6<=1e-1", names)
    assert (e.observable, e.op, e.threshold) == ("il6", "<=", 0.1)
    assert parse_event(AUTOIMMUNE_ONSET, names).hazard and parse_event("flare>0.5", names).observable == "flare"
    assert parse_event(DISEASE_FLARE, names + ["flare_risk"]).observable == "H_flare"
    np.testing.assert_array_equal(parse_event("crp>=3", names).holds(np.array([2.9, 3.0, np.nan])),
                                  [False, True, False])
    for bad in ("crp>>3", "crp=3", "__import__('os').system('x')", "crp > abc", "3 < crp", ""):
        with pytest.raises(SpecError, match="'event' of the cohort"):
            parse_event(bad, names)
    with pytest.raises(SpecError, match="Did you mean 'crp'"):
        parse_event("crpp>3", names)


BASE_CC = dict(cases={"mdd": 1}, controls={"healthy": 1}, n_cases=5, n_controls=5, observables=["crp"])
BASE_CO = dict(exposed={"ptsd": 1}, unexposed={"healthy": 1}, n_exposed=5, n_unexposed=5, years=1.0)


@pytest.mark.parametrize("change,needle", [
    ({"cases": {"mddd": 1}}, "Did you mean 'mdd'"),
    ({"controls": {"healthy": 0.5}}, "must sum to 1"),
    ({"n_cases": 1}, "'n_cases' of the study must be an integer >= 2"),
    ({"n_controls": 2.5}, "'n_controls'"),
    ({"observables": ["crpp"]}, "Did you mean 'crp'"),
    ({"observables": []}, "'observables' of the study"),
    ({"model": "wholee"}, "Did you mean 'whole'"),
    ({"draw_time": "25:00"}, "'draw_time'"),
    ({"burn_in_days": 0}, "'burn_in_days'"),
    ({"exposures": {"case": []}}, "Did you mean 'cases'"),
])
def test_bad_case_control_input(change, needle):
    with pytest.raises(SpecError) as info:
        case_control(**{**BASE_CC, **change})
    assert needle in str(info.value) and "Got" in str(info.value)


@pytest.mark.parametrize("change,needle", [
    ({"exposed": {"ptds": 1}}, "Did you mean 'ptsd'"),
    ({"n_exposed": 1}, "'n_exposed'"),
    ({"years": 0}, "'years' of follow-up must be a number > 0 and <= 50"),
    ({"years": 51}, "Got 51"),
    ({"event": "crpp>3"}, "Did you mean 'crp'"),
    ({"event": "crp=3"}, "'event' of the cohort"),
    ({"susceptibility": {"autoimmune.alpah2": (10, 0.2)}}, "Did you mean 'autoimmune.alpha2'"),
    ({"susceptibility": {"autoimmune.alpha2": (30, 0.2)}}, "within the parameter's bounds"),
    ({"infections_per_year": -1}, "'infections_per_year'"),
    ({"infection_load": 0}, "'infection_load'"),
])
def test_bad_cohort_input(change, needle):
    with pytest.raises(SpecError) as info:
        cohort(**{**BASE_CO, **change})
    assert needle in str(info.value) and "Got" in str(info.value)


def test_phenotype_that_needs_the_whole_model_is_refused_elsewhere():
    with pytest.raises(SpecError, match="use model 'whole'"):
        case_control(**{**BASE_CC, "model": "core"})


def test_biological_variation_widens_a_single_crp_draw():
    """Within-person day-to-day CV of CRP 42 % (Macy EM et al. Clin Chem 1997;43:52) on top of the 5 % assay CV; on
    by default, as in a real single draw."""
    kw = dict(n_cases=30, n_controls=30, observables=["crp"], burn_in_days=2, seed=5)
    lab = case_control({"healthy": 1}, {"healthy": 1}, biological=False, **kw).data
    bio = case_control({"healthy": 1}, {"healthy": 1}, **kw).data
    assert np.allclose(lab["crp_true"].values, bio["crp_true"].values)
    err = [np.std(np.log(d["crp"].values / d["crp_true"].values)) for d in (lab, bio)]
    assert err[0] < 0.1 < 0.3 < err[1] and bio.attrs["biological"] == 1
