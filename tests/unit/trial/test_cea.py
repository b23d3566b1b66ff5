"""Cost-effectiveness: Kolovos 2017 and HAQ-DI -> HUI-3 utilities, library costs, ICER, PSA and acceptability
curve, and the trial-level analysis on hand-built datasets."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr

from pnisim.errors import SpecError
from pnisim.scenario.loading import parse_scenario
from pnisim.trial.cea import (
    cost_effectiveness,
    exposure_cost,
    haq_from_das28,
    qalys,
    trial_cea,
    utility_from_das28,
    utility_from_haq,
    utility_from_phq9,
)


def test_phq9_utilities_follow_kolovos_2017():
    """targets.csv utility_depression: remission 0.70, mild 0.57, moderate 0.52, severe 0.39."""
    assert utility_from_phq9([0, 4.9, 5, 9, 10, 14, 15, 27]).tolist() == [0.70, 0.70, 0.57, 0.57, 0.52, 0.52, 0.39,
                                                                           0.39]


def test_qalys_of_a_constant_utility_over_a_year():
    t = np.array([0.0, 24 * 365.25 / 2, 24 * 365.25])
    assert qalys(np.array([[0.7, 0.7, 0.7]]), t)[0] == pytest.approx(0.7)


def test_library_costs():
    """targets.csv cbt_cost: about $1,500 for a 10-session course; biologic_cost: $25,000 a year."""
    s = parse_scenario({"model": "whole", "run": {"duration": "365.25 d"},
                        "exposures": [{"type": "cbt", "day": 0, "time": "10:00"},
                                      {"type": "infliximab", "day": 0, "time": "00:00"}]})
    cbt, ifx = s.exposures
    assert exposure_cost(cbt, 24 * 365.25) == pytest.approx(1500.0)
    assert exposure_cost(ifx, 24 * 365.25) == pytest.approx(25000.0)


def test_icer_and_acceptability_curve():
    rng = np.random.default_rng(0)
    qt, qc = rng.normal(0.62, 0.05, 200), rng.normal(0.60, 0.05, 200)
    res = cost_effectiveness(np.full(200, 1500.0), qt, np.zeros(200), qc, wtp=[0, 20_000, 75_000, 500_000])
    assert res.icer == pytest.approx(1500.0 / (qt.mean() - qc.mean()))
    assert res.ceac[0] == 0.0 and list(res.ceac) == sorted(res.ceac) and res.ceac[-1] > 0.9
    with pytest.raises(SpecError, match="at least 2 participants"):
        cost_effectiveness([1.0], [0.5], [1.0, 2.0], [0.5, 0.5])


# ------------------------------------------------------------------------------------- rheumatoid arthritis
def test_hui3_from_haq_follows_value_health_2011():
    """targets.csv utility_ra (Value Health 2011;14:192, PMID 21211502): HUI3 = 0.9527 - 0.2018 x HAQ-DI, with
    HAQ-DI clamped to its 0-3 scale."""
    u = utility_from_haq([0.0, 1.0, 2.5, 3.0, 3.5, -1.0])
    assert u == pytest.approx([0.9527, 0.7509, 0.4482, 0.3473, 0.3473, 0.9527])


def test_haq_from_das28_follows_linde_2009_bands():
    """Linde L et al. J Rheumatol 2009;36:2183, final multiple linear regression (HAQ column): HAQ-DI above DAS28
    remission (< 2.6) is +0.19 for low (2.60-3.19), +0.43 for moderate (3.20-5.10), +0.87 for high (> 5.10) activity;
    the cohort's median DAS28 2.97 maps to its median HAQ-DI 0.63 (the assumed remission level, grade C)."""
    haq = haq_from_das28([2.0, 2.8, 4.0, 6.0])
    assert haq[1:] - haq[0] == pytest.approx([0.19, 0.43, 0.87])
    assert haq_from_das28(2.97) == pytest.approx(0.63)
    # band edges: 2.6 is low, 3.2 and 5.1 are moderate, above 5.1 is high
    edges = haq_from_das28([2.599, 2.6, 3.199, 3.2, 5.1, 5.101]) - haq_from_das28(1.0)
    assert edges == pytest.approx([0.0, 0.19, 0.19, 0.43, 0.43, 0.87])
    out = haq_from_das28([0.0, 9.9, np.nan])
    assert 0 <= out[0] <= 3 and 0 <= out[1] <= 3 and np.isnan(out[2])
    assert utility_from_das28(6.0) == pytest.approx(0.9527 - 0.2018 * (0.44 + 0.87))


def test_haq_from_das28_matches_the_catch_cohort_means():
    """External check (not used to build the mapping): Boyd TA et al. Open Rheumatol J 2013;7:58 (CATCH, abstract):
    mean DAS28 4.54 with mean HAQ 0.94 at entry, 2.29 with 0.40 at 24 months; the mapping is within 0.1 of both."""
    assert haq_from_das28([4.54, 2.29]) == pytest.approx([0.94, 0.40], abs=0.1)


def test_biologic_cost_over_one_year():
    """targets.csv biologic_cost: about $25,000 a year (range 20,000-40,000); 52 weeks is 364/365.25 of that."""
    s = parse_scenario({"model": "whole", "run": {"duration": "52 week"},
                        "exposures": [{"type": "infliximab", "day": 0, "time": "00:00"},
                                      {"type": "adalimumab", "day": 0, "time": "00:00"}]})
    for e in s.exposures:
        cost = exposure_cost(e, 52 * 168.0)
        assert cost == pytest.approx(25000.0 * 364 / 365.25)
        assert 20000 <= cost <= 40000


# ------------------------------------------------------------------------------------------------ trial_cea
WEEKS = np.array([0.0, 12.0, 24.0])
YEARS_PER_INTERVAL = 12 * 168 / (24 * 365.25)


def _dataset(name: str, control_row, active_row, *, n: int = 20, failed_value: float = 27.0) -> xr.Dataset:
    """n control and n active participants with identical true trajectories per arm; one extra active participant
    whose solve failed (status 1) and who must be left out."""
    rows = [control_row] * n + [active_row] * n + [[failed_value] * 3]
    arm = ["control"] * n + ["active"] * (n + 1)
    status = [0] * (2 * n) + [1]
    return xr.Dataset({name: (("participant", "visit_time"), np.array(rows, dtype=float)),
                       "status": ("participant", np.array(status))},
                      coords={"participant": [f"c{i:06d}" for i in range(2 * n + 1)],
                              "visit_time": WEEKS * 168.0, "arm": ("participant", np.array(arm, dtype=object))})


@pytest.fixture(scope="module")
def library():
    s = parse_scenario({"model": "whole", "run": {"duration": "24 week"},
                        "exposures": [{"type": "cbt", "day": 0, "time": "10:00"},
                                      {"type": "adalimumab", "day": 0, "time": "00:00"}]})
    cbt, ada = s.exposures
    return {"cbt": cbt, "adalimumab": ada}


def test_trial_cea_from_phq9(library):
    """Control stays moderate (PHQ-9 12: 0.52); active goes 12 -> 8 -> 4 (0.52, 0.57, 0.70; Kolovos 2017).
    QALYs by the trapezoid over two 12-week intervals; the active arm costs a 10-session CBT course ($1,500)."""
    data = _dataset("phq9_true", [12, 12, 12], [12, 8, 4])
    (row,) = trial_cea(data, ["control", "active"], {"control": [], "active": [library["cbt"]]}.__getitem__,
                       seed=1)
    q_control = 0.52 * 2 * YEARS_PER_INTERVAL
    q_active = YEARS_PER_INTERVAL * ((0.52 + 0.57) / 2 + (0.57 + 0.70) / 2)
    assert row["utility"] == "phq9_eq5d" and "Kolovos" in row["utility_source"]
    assert row["n_treated"] == 20 and row["n_control"] == 20  # the failed solve is left out
    assert row["delta_cost_usd"] == pytest.approx(1500.0)
    assert row["delta_qaly"] == pytest.approx(q_active - q_control)
    assert row["icer_usd_per_qaly"] == pytest.approx(1500.0 / (q_active - q_control))
    assert row["horizon_weeks"] == pytest.approx(24.0)
    assert len(row["psa_delta_qaly"]) == 1000 and np.allclose(row["psa_delta_qaly"], q_active - q_control)
    json.dumps(row)


def test_trial_cea_from_das28_through_haq(library):
    """Control stays high (DAS28 5.5: HAQ 1.31, HUI-3 0.688342); active goes 5.5 -> 4.0 -> 2.0 (HAQ 1.31, 0.87,
    0.44); adalimumab at $25,000 a year for 24 weeks."""
    data = _dataset("das28_true", [5.5, 5.5, 5.5], [5.5, 4.0, 2.0], failed_value=1.0)
    arms = [SimpleNamespace(name="control"), SimpleNamespace(name="active")]
    (row,) = trial_cea(data, arms, {"control": [], "active": [library["adalimumab"]]}.__getitem__, seed=1,
                       n_draws=1500)
    u = [0.9527 - 0.2018 * h for h in (1.31, 0.87, 0.44)]
    q_control = u[0] * 2 * YEARS_PER_INTERVAL
    q_active = YEARS_PER_INTERVAL * ((u[0] + u[1]) / 2 + (u[1] + u[2]) / 2)
    cost = 25000.0 * 24 * 7 / 365.25
    assert row["utility"] == "das28_haq_hui3" and "HAQ" in row["utility_source"]
    assert row["delta_cost_usd"] == pytest.approx(cost)
    assert row["delta_qaly"] == pytest.approx(q_active - q_control)
    assert row["icer_usd_per_qaly"] == pytest.approx(cost / (q_active - q_control))
    assert len(row["psa_delta_cost_usd"]) == len(row["psa_delta_qaly"]) == 1000  # capped for JSON
    assert len(json.dumps(row)) < 60_000


def test_trial_cea_prefers_phq9_and_needs_a_utility(library):
    both = _dataset("phq9_true", [12, 12, 12], [12, 8, 4])
    both["das28_true"] = _dataset("das28_true", [5.5, 5.5, 5.5], [5.5, 4.0, 2.0])["das28_true"]
    exposures = {"control": [], "active": [library["cbt"]]}.__getitem__
    assert trial_cea(both, ["control", "active"], exposures, seed=0)[0]["utility"] == "phq9_eq5d"
    assert trial_cea(both.drop_vars(["phq9_true", "das28_true"]), ["control", "active"], exposures, seed=0) == []
    assert trial_cea(both, ["control"], exposures, seed=0) == []
