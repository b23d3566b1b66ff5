"""Readouts on synthetic runs whose peaks, nadirs and rises are known in closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pnisim.analysis import readouts as RO
from pnisim.analysis import summary as S

try:
    from . import _analysis_runs as R
except ImportError:  # tests/ is not a package: pytest puts this directory on sys.path
    import _analysis_runs as R


def circadian(t, peak_clock=9.0, mean=200.0, amp=150.0):
    """Cosine day curve: maximum mean+amp at peak_clock, minimum mean-amp 12 h later."""
    return mean + amp * np.cos(2 * np.pi * (np.asarray(t) - peak_clock) / 24.0)


# ------------------------------------------------------------------------------------------------- cortisol day
def car_saliva(t, wake=7.0, amp=4.0, delay=0.6, width=0.15):
    return 0.04 * circadian(t) + amp * np.exp(-0.5 * ((np.mod(t, 24.0) - wake - delay) / width) ** 2)


def test_cortisol_day_peak_nadir_and_car():
    t = np.arange(0.0, 72.0 + 1e-9, 5 / 60)  # 5-min sampling
    ds = R.make_ds(t, {"cortisol_serum": circadian(t), "cortisol_saliva": car_saliva(t)}, wake=7.0)
    res = RO.cortisol_day(ds, day=1)
    r = res["individuals"]["p0000"]
    assert res["units"]["serum_peak"] == "nmol/L" and res["units"]["car_pct"] == "%"
    assert r["serum_peak"] == pytest.approx(350.0, rel=1e-4)
    assert r["serum_peak_clock"] == pytest.approx(9.0, abs=0.02)
    assert r["nadir"] == pytest.approx(50.0, rel=1e-3)
    assert r["nadir_clock"] == pytest.approx(21.0, abs=0.02)
    # expected CAR from the formula on a very fine grid
    fine = np.linspace(24 + 7.5, 24 + 7.75, 20001)
    v0 = car_saliva(24 + 7.0)
    expected = 100.0 * (car_saliva(fine).max() - v0) / v0
    assert r["car_pct"] == pytest.approx(expected, rel=0.01)
    assert r["saliva_wake"] == pytest.approx(v0, rel=1e-3)


def test_cortisol_day_uses_each_individuals_wake_time():
    t = np.arange(0.0, 48.0 + 1e-9, 5 / 60)
    sal = np.stack([car_saliva(t, wake=6.0), car_saliva(t, wake=8.0)])
    serum = np.stack([circadian(t)] * 2)
    ds = R.make_ds(t, {"cortisol_serum": serum, "cortisol_saliva": sal}, wake=np.array([6.0, 8.0]))
    rows = RO.cortisol_day(ds, day=0)["individuals"]
    assert rows["p0000"]["wake_time"] == 6.0 and rows["p0001"]["wake_time"] == 8.0
    assert rows["p0000"]["car_pct"] > 20 and rows["p0001"]["car_pct"] > 20  # each sees its own bump


def test_peak_time_is_refined_between_coarse_samples():
    t = np.arange(0.0, 48.0 + 1e-9, 0.5)  # 30-min sampling, true peak at 09:10
    ds = R.make_ds(t, {"cortisol_serum": circadian(t, peak_clock=9.0 + 10 / 60)})
    r = RO.cortisol_day(ds, day=1)["individuals"]["p0000"]
    assert r["serum_peak_clock"] == pytest.approx(9.0 + 10 / 60, abs=0.02)
    assert r["serum_peak"] == pytest.approx(350.0, rel=1e-3)


def test_cortisol_day_outside_run_is_nan():
    t = np.arange(0.0, 24.0 + 1e-9, 0.5)
    ds = R.make_ds(t, {"cortisol_serum": circadian(t), "cortisol_saliva": car_saliva(t)})
    r = RO.cortisol_day(ds, day=3)["individuals"]["p0000"]
    assert math.isnan(r["serum_peak"]) and math.isnan(r["car_pct"])


# ------------------------------------------------------------------------------------------------- acute stress
def stress_run(scale=(1.0,)):
    t = np.arange(0.0, 48.0 + 1e-9, 5 / 60)
    onset = 24.0 + 14.0
    k = np.asarray(scale)[:, None]
    variables = {
        "cortisol_serum": 150.0 + k * R.pulse(t, onset, 0.5, 300.0),  # +300 nmol/L at +30 min
        "cortisol_saliva": 6.0 + k * R.pulse(t, onset, 0.6, 12.0),  # +12 nmol/L at +36 min
        "acth": 20.0 + k * R.pulse(t, onset, 0.25, 40.0),  # +40 pg/mL at +15 min
        "il6": 1.0 + k * 2.0 * np.clip(t - onset, 0.0, None) + 0 * t,  # +3 pg/mL by +90 min
    }
    return R.make_ds(t, variables), onset


def test_acute_stress_response_known_peaks():
    ds, onset = stress_run()
    res = RO.acute_stress_response(ds, onset)
    r = res["individuals"]["p0000"]
    assert r["cortisol_serum_baseline"] == pytest.approx(150.0)
    assert r["cortisol_serum_peak"] == pytest.approx(450.0, rel=1e-4)
    assert r["cortisol_serum_peak_min"] == pytest.approx(30.0, abs=1.0)
    assert r["cortisol_saliva_peak"] == pytest.approx(18.0, rel=5e-4)
    assert r["cortisol_saliva_peak_min"] == pytest.approx(36.0, abs=1.0)
    assert r["acth_peak"] == pytest.approx(60.0, rel=1e-3)  # parabola through a sharp peak
    assert r["acth_peak_min"] == pytest.approx(15.0, abs=1.0)
    assert r["il6_change_90min"] == pytest.approx(3.0, rel=1e-6)
    assert res["units"]["acth_peak"] == "pg/mL" and res["units"]["cortisol_serum_peak_min"] == "min"


# ------------------------------------------------------------------------------------------------- LPS
TAUS = {"tnf": (1.5, 500.0), "acth": (2.0, 60.0), "il6": (2.5, 1000.0), "il10": (3.0, 80.0),
        "cortisol_serum": (3.5, 400.0)}


def lps_run(scale=(1.0,), status=None):
    t = np.arange(0.0, 72.0 + 1e-9, 5 / 60)
    bolus = 48.0 + 8.0
    k = np.asarray(scale)[:, None]
    base = {"tnf": 5.0, "acth": 20.0, "il6": 2.0, "il10": 3.0, "cortisol_serum": 200.0}
    variables = {v: base[v] + k * R.pulse(t, bolus, tau, amp) for v, (tau, amp) in TAUS.items()}
    return R.make_ds(t, variables, status=status), bolus


def test_lps_response_peaks_times_and_order():
    ds, bolus = lps_run()
    res = RO.lps_response(ds, bolus)
    r = res["individuals"]["p0000"]
    base = {"tnf": 5.0, "acth": 20.0, "il6": 2.0, "il10": 3.0, "cortisol_serum": 200.0}
    for v, (tau, amp) in TAUS.items():
        assert r[f"{v}_peak"] == pytest.approx(base[v] + amp, rel=1e-4), v
        assert r[f"{v}_peak_h"] == pytest.approx(tau, abs=0.02), v
    assert res["peak_order"]["p0000"] == "TNF-α → ACTH → IL-6 → IL-10 → serum cortisol"
    assert res["units"]["tnf_peak"] == "pg/mL" and res["units"]["tnf_peak_h"] == "h"


# ------------------------------------------------------------------------------------------------- exposures, days
def test_exposures_and_representative_day():
    sc = R.scenario(R.exposure("lps_bolus", 2, "08:00"), R.exposure("acute_stressor", 1, "14:30"))
    ex = RO.exposures_of(sc)
    assert [(e.type, e.t) for e in ex] == [("acute_stressor", 38.5), ("lps_bolus", 56.0)]
    t = np.arange(0.0, 24 * 5 + 1e-9, 1.0)
    ds = R.make_ds(t, {"cortisol_serum": circadian(t)})
    # day 0 is free: the stressor on day 1 is after 02:00 of day 1
    assert RO.representative_day(ds, ex) == 0
    ex2 = RO.exposures_of(R.scenario(R.exposure("acute_stressor", 0, "10:00")))
    assert RO.representative_day(ds, ex2) == 2  # day 1 follows the exposure day


# ------------------------------------------------------------------------------------------------- summary table
def test_summary_table_single_individual():
    ds, _bolus = lps_run()
    rows = S.summary_table(ds, R.scenario(R.exposure("lps_bolus", 2, "08:00")))
    by = {r.quantity: r for r in rows}
    assert by["TNF-α peak after LPS"].value == pytest.approx(505.0, rel=1e-4)
    assert by["TNF-α peak after LPS"].unit == "pg/mL"
    assert "LPS bolus day 2 08:00" in by["TNF-α peak after LPS"].note
    assert by["Peak order after LPS"].value.startswith("TNF-α → ACTH")
    assert "Serum cortisol peak" in by and "10–90" not in by["TNF-α peak after LPS"].note
    assert all(isinstance(r, tuple) and len(r) == 5 and r.arms is None for r in rows)  # no arms: one value


def test_summary_table_population_median_and_range_skip_failed():
    scale = np.array([0.6, 0.8, 1.0, 1.2, 1.4, 50.0])
    status = np.array([0, 0, 0, 0, 0, 3])  # the last individual failed: its (absurd) values must not count
    ds, _bolus = lps_run(scale, status=status)
    rows = S.summary_table(ds, R.scenario(R.exposure("lps_bolus", 2, "08:00")))
    by = {r.quantity: r for r in rows}
    assert by["Individuals solved"].value == 5
    peaks = 5.0 + 500.0 * scale[:5]
    assert by["TNF-α peak after LPS"].value == pytest.approx(np.median(peaks), rel=1e-4)
    lo, hi = np.percentile(peaks, [10, 90])
    assert f"10–90 %: {lo:.3g}–{hi:.3g} (N=5)" in by["TNF-α peak after LPS"].note


def test_summary_table_clock_time_note_and_stress_rows():
    ds, _onset = stress_run(scale=(1.0,))
    rows = S.summary_table(ds, R.scenario(R.exposure("acute_stressor", 1, "14:00")))
    by = {r.quantity: r for r in rows}
    assert by["Serum cortisol peak after stressor"].value == pytest.approx(450.0, rel=1e-4)
    assert by["IL-6 change at +90 min"].value == pytest.approx(3.0)
    assert by["ACTH peak, time after onset"].unit == "min"


def test_summary_dict_is_plain_and_lists_failures():
    ds, _ = lps_run((1.0, 1.1), status=[0, 2])
    d = S.summary_dict(ds, R.scenario(R.exposure("lps_bolus", 2, "08:00")))
    assert d["failed_individuals"] == [{"individual": "p0001", "status": 2}]
    assert d["disclaimer"] == "Research use only, not medical advice."
    assert {r["readout"] for r in d["readouts"]} == {"cortisol_day", "lps_response"}
    assert isinstance(d["rows"][0], dict) and set(d["rows"][0]) == {"quantity", "value", "unit", "note", "arms"}


def test_missing_variables_are_left_out():
    t = np.arange(0.0, 48.0 + 1e-9, 0.5)
    ds = R.make_ds(t, {"tnf": R.pulse(t, 32.0, 1.5, 100.0)})
    rows = S.summary_table(ds, R.scenario(R.exposure("lps_bolus", 1, "08:00")))
    names = [r.quantity for r in rows]
    assert "TNF-α peak after LPS" in names
    assert "IL-6 peak after LPS" not in names and "Serum cortisol peak" not in names


def test_falling_curve_is_reported_as_no_rise():
    t = np.arange(0.0, 48.0 + 1e-9, 0.25)
    ds = R.make_ds(t, {"cortisol_serum": 400.0 - 5.0 * t, "acth": 30.0 + R.pulse(t, 38.0, 0.25, 10.0)})
    rows = S.summary_table(ds, R.scenario(R.exposure("acute_stressor", 1, "14:00")))
    by = {r.quantity: r for r in rows}
    assert by["Serum cortisol peak, time after onset"].value == pytest.approx(0.0)
    assert "no rise" in by["Serum cortisol peak after stressor"].note
    assert "no rise" in by["Serum cortisol peak, time after onset"].note
    assert "no rise" not in by["ACTH peak after stressor"].note


def test_exposures_of_a_real_scenario_including_chronic_stress():
    from pnisim.scenario.loading import parse_scenario

    sc = parse_scenario({
        "run": {"duration": "6 d", "sampling": "1 h", "burn_in": "0 d"},
        "exposures": [
            {"type": "lps_bolus", "day": 4, "time": "08:30", "dose": "2 ng/kg"},
            {"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 0.0}, {"from_day": 2, "level": 0.5}]},
        ],
    })
    ex = RO.exposures_of(sc)
    assert [(e.type, e.t) for e in ex] == [("chronic_stress", 48.0), ("lps_bolus", 4 * 24 + 8.5)]
    t = np.arange(0.0, 6 * 24 + 1e-9, 1.0)
    ds = R.make_ds(t, {"cortisol_serum": circadian(t)})
    assert RO.representative_day(ds, ex) == 0  # before the chronic stress starts

def test_flare_onsets_count_upward_crossings():
    """Flare events for a trial endpoint: each rise of the flare indicator through 0.5 is one event."""
    assert RO.flare_onsets(np.array([0.0, 0.2, 0.7, 0.9, 0.3, 0.6, 0.1])) == 2
    assert RO.flare_onsets(np.array([0.8, 0.9, 0.2])) == 1
    assert RO.flare_onsets(np.zeros(5)) == 0
