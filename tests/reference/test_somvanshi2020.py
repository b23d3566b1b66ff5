"""Somvanshi et al. 2020 (Am J Physiol Endocrinol Metab 319:E48) — reference numbers of MODELS.md §1.1 / R2.

The authors' 18-state model with their code's parameters, integrated as their driver does (t = 0 … 720 h) and
read over the settled day 696–720 h.
"""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.library import get_model

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-9, atol=1e-10)
DAY = np.linspace(696.0, 720.0, 2401)


def _run(**overrides):
    model = get_model("somvanshi2020")
    p = model.parameter_values()
    for k, v in overrides.items():
        p[model.parameter_index(k)] = v
    return simulate(model, DAY, t0=0.0, parameters=p, solver=SOLVER)


def test_normal_cortisol_max_min():
    """Normal (r = 0): cortisol max/min ≈ 20.1/0.52 µg/dL, max 9.7 h after the drive maximum."""
    ds = _run()
    cort = ds.CORT.values[0]
    assert cort.max() == pytest.approx(20.1, rel=0.05)
    assert cort.min() == pytest.approx(0.52, rel=0.05)
    assert DAY[cort.argmax()] - 696 == pytest.approx(9.7, abs=0.2)


def test_enhanced_gr_sensitivity_lowers_nadir_and_raises_cytokines():
    """r = 0.5 (PTSD-like): nadir ≈ 0.27 µg/dL, mean TNF ≈ 1.29, mean IL-6 ≈ 1.33 (paper's central claim)."""
    ds = _run(**{"gr.r": 0.5})
    assert ds.CORT.values[0].min() == pytest.approx(0.27, rel=0.05)
    assert ds.TNF.values[0].mean() == pytest.approx(1.29, rel=0.05)
    assert ds.IL6.values[0].mean() == pytest.approx(1.33, rel=0.05)


def test_ki_half_row():
    """Ki = 0.5: cortisol 14.8 / 0.35 µg/dL (MODELS.md §1.1 table)."""
    ds = _run(**{"gr.Ki": 0.5})
    assert ds.CORT.values[0].max() == pytest.approx(14.8, rel=0.05)
    assert ds.CORT.values[0].min() == pytest.approx(0.35, rel=0.05)


def test_lps_peak_order_and_timing():
    """LPS p = 1 at t = 712 h: peaks TNF +0.92 h, IL-6 +1.56 h, IL-10 +1.95 h, ACTH +2.7 h, cortisol +3.7 h."""
    model = get_model("somvanshi2020")
    t = np.linspace(711.0, 720.0, 9001)
    events = [Event(712.0, "set_input", "lps_pulse", 1e8), Event(712.1, "set_input", "lps_pulse", 0.0)]
    ds = simulate(model, t, t0=0.0, events=events, solver=SOLVER)
    after = t >= 712.0
    peaks = {v: t[after][np.argmax(ds[v].values[0][after])] - 712.0 for v in ("TNF", "IL6", "IL10", "ACTH", "CORT")}
    assert peaks["TNF"] == pytest.approx(0.92, abs=0.2)
    assert peaks["IL6"] == pytest.approx(1.56, abs=0.2)
    assert peaks["IL10"] == pytest.approx(1.95, abs=0.2)
    assert peaks["ACTH"] == pytest.approx(2.7, abs=0.2)
    assert peaks["CORT"] == pytest.approx(3.7, abs=0.2)
    assert peaks["TNF"] < peaks["IL6"] < peaks["IL10"] < peaks["ACTH"] < peaks["CORT"]
    assert ds.TNF.values[0][after].max() == pytest.approx(151, rel=0.05)
    assert ds.IL6.values[0][after].max() == pytest.approx(208, rel=0.05)
    assert ds.CORT.values[0][after].max() == pytest.approx(25.1, rel=0.05)
