"""The composed core in clock time, against the human targets shipped in pnisim/data/evidence/targets.csv.

* cortisol_diurnal_peak — Carroll et al. 2007 controls: serum cortisol peaks at 07:00–08:30 at ≈ 378 nmol/L
  (300–450) in a healthy adult waking at 07:00;
* cortisol_diurnal_nadir — late-evening nadir 30–60 nmol/L (Carroll 2007);
* cortisol_awakening_response — salivary cortisol rises ≈ 50 % (38–75 %) within 30–45 min of waking
  (Pruessner et al. 1997; Wüst et al. 2000);
* stability — months of simulation without drift (gland masses of Karin 2020 stay at their healthy level).
"""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.library import get_model

SOLVER = Solver(rtol=1e-7, atol=1e-9)
GRID = np.arange(0, 24, 1 / 12)  # 5-min grid over one clock day


@pytest.fixture(scope="module")
def settled_day():
    model = get_model("core")
    ds = simulate(model, 24 * 10 + GRID, t0=0.0, solver=SOLVER)
    return ds


def test_morning_peak(settled_day):
    serum = settled_day.cortisol_serum.values[0]
    peak_clock = GRID[np.argmax(serum)]
    assert 7.0 <= peak_clock <= 8.5
    assert 300 <= serum.max() <= 450
    assert serum.max() == pytest.approx(378, rel=0.1)


def test_late_evening_nadir(settled_day):
    serum = settled_day.cortisol_serum.values[0]
    evening = (GRID >= 20) | (GRID < 2)
    assert 30 <= serum[evening].min() <= 60


def test_cortisol_awakening_response(settled_day):
    saliva = settled_day.cortisol_saliva.values[0]
    wake = int(7 * 12)
    rise = 100 * (saliva[wake + 6 : wake + 10].max() / saliva[wake] - 1)  # 30–45 min after 07:00
    assert 38 <= rise <= 75


def test_wake_time_moves_the_peak():
    """Waking at 09:00 instead of 07:00 moves the morning peak about two hours later."""
    model = get_model("core")
    p = model.parameter_values()
    p[model.parameter_index("clock.wake_time")] = 9.0
    ds = simulate(model, 24 * 10 + GRID, t0=0.0, parameters=p, solver=SOLVER)
    assert 9.0 <= GRID[np.argmax(ds.cortisol_serum.values[0])] <= 10.5


def test_runs_months_stably():
    """180 days: no failure, gland masses within 3 % of 1 and daily cortisol peak unchanged from month 1."""
    model = get_model("core")
    t = np.concatenate([24 * d + GRID[::6] for d in (30, 179)])
    ds = simulate(model, t, t0=0.0, solver=SOLVER)
    assert int(ds.status.values[0]) == 0
    assert abs(ds.P.values[0][-1] - 1) < 0.03 and abs(ds.A.values[0][-1] - 1) < 0.03
    serum = ds.cortisol_serum.values[0]
    half = serum.size // 2
    assert serum[half:].max() == pytest.approx(serum[:half].max(), rel=0.03)


def test_chronic_stress_raises_cortisol_then_glands_adapt():
    """Chronic stress (Karin 2020 behaviour in the core): daily cortisol rises and the adrenal mass grows."""
    model = get_model("core")
    t = np.array([24 * 10 + 8.0, 24 * 60 + 8.0])
    ds = simulate(model, t, t0=0.0, events=[Event(24 * 11, "set_input", "stress", 0.5)], solver=SOLVER)
    assert ds.A.values[0][-1] > 1.05
    assert ds.cortisol_serum.values[0][-1] > ds.cortisol_serum.values[0][0]


def test_lps_challenge_in_the_core():
    """2 ng/kg LPS at 08:00 (Windoloski protocol) in the core: cytokine peaks stay near the human fit
    (TNF 366 pg/mL at 1.7 h, IL-6 749 at 2.05 h; 15 % / 0.3 h, since glucocorticoid suppression now acts)
    and TNF peaks before IL-6, IL-6 before IL-10."""
    model = get_model("core")
    t0 = 24 * 10 + 8.0
    t = t0 + np.linspace(0, 8, 801)
    ds = simulate(model, t, t0=0.0, events=[Event(t0, "add_state", "E", 2.0)], solver=SOLVER)
    h = t - t0
    peak = {v: (ds[v].values[0].max(), h[np.argmax(ds[v].values[0])]) for v in ("tnf", "il6", "il10", "acth")}
    assert peak["tnf"][0] == pytest.approx(366, rel=0.15) and peak["tnf"][1] == pytest.approx(1.70, abs=0.3)
    assert peak["il6"][0] == pytest.approx(749, rel=0.15) and peak["il6"][1] == pytest.approx(2.05, abs=0.3)
    assert peak["tnf"][1] < peak["il6"][1] < peak["il10"][1]
    assert peak["tnf"][1] < peak["acth"][1]


def test_lps_hpa_response_in_the_core():
    """targets.csv lps_hpa_order: ACTH peaks before cortisol after LPS; the cortisol peak is near the 25.1 µg/dL
    (692 nmol/L) of Somvanshi 2020's reference run (the core is fitted to it at 14:00; here at 08:00)."""
    model = get_model("core")
    t0 = 24 * 10 + 8.0
    t = t0 + np.linspace(0, 8, 801)
    ds = simulate(model, t, t0=0.0, events=[Event(t0, "add_state", "E", 2.0)], solver=SOLVER)
    h = t - t0
    acth_t = h[np.argmax(ds.acth.values[0])]
    cort = ds.cortisol_serum.values[0]
    assert acth_t < h[np.argmax(cort)]
    assert 500 <= cort.max() <= 900
    assert ds.acth.values[0].max() / ds.acth.values[0][0] > 2


def test_trier_stressor_response():
    """targets.csv tsst_cortisol_timing (Kirschbaum 1993; Dickerson & Kemeny 2004): after a 15-min Trier-type
    stressor serum cortisol peaks 20–45 min after onset at ~2–3x baseline (Nelson data: x2.6 at 35 min), ACTH
    first (Nelson: x2.3 at 20 min). The return is slower than observed: Nelson's mean is x1.28 at 95 min after
    onset, the core x1.7 (open: StAR returns to baseline within an hour, but cortisol clears with its
    42-min Somvanshi half-life from a higher peak)."""
    model = get_model("core")
    onset = 24 * 7 + 14.0
    t = onset + np.arange(0, 181) / 60.0
    events = [Event(onset, "set_input", "acute_stress", 1.0), Event(onset + 0.25, "set_input", "acute_stress", 0.0)]
    ds = simulate(model, t, t0=0.0, events=events, solver=SOLVER)
    minutes = np.arange(0, 181)
    cort = ds.cortisol_serum.values[0]
    acth = ds.acth.values[0]
    assert 20 <= minutes[np.argmax(cort)] <= 45
    assert 2.0 <= cort.max() / cort[0] <= 3.0
    assert minutes[np.argmax(acth)] < minutes[np.argmax(cort)]
    assert 1.5 <= acth.max() / acth[0] <= 3.0
    assert cort[95] < 1.8 * cort[0]  # regression guard for the known gap, not the target
