"""Gupta et al. 2007 (Theor Biol Med Model 4:8) — GR bistability, MODELS.md §1.3 / R4."""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.library import get_model

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-9, atol=1e-10)


def test_normal_steady_state():
    """No stress: (c, a, r, o) settles to (0.626, 0.0597, 0.081, 0.0597)."""
    ds = simulate(get_model("gupta2007"), [0.0, 200.0], solver=SOLVER)
    got = [ds[v].values[0][-1] for v in "caro"]
    assert got == pytest.approx([0.626, 0.0597, 0.081, 0.0597], rel=0.02)


def test_short_pulses_return_to_normal():
    """Model B: five unit pulses (0,1), (4,5), …, (16,17) return to the normal state."""
    events = []
    for k in range(5):
        events += [Event(4.0 * k, "set_input", "gupta_stress", 1.0), Event(4.0 * k + 1, "set_input", "gupta_stress", 0.0)]
    ds = simulate(get_model("gupta2007"), [0.0, 200.0], events=events, solver=SOLVER)
    assert ds.r.values[0][-1] == pytest.approx(0.081, rel=0.02)


def test_prolonged_stress_switches_to_high_gr_state():
    """f = 1 for 0 < t < 40 switches to (0.660, 0.0515, 0.548, 0.0515), which persists after stress ends."""
    events = [Event(0.0, "set_input", "gupta_stress", 1.0), Event(40.0, "set_input", "gupta_stress", 0.0)]
    ds = simulate(get_model("gupta2007"), np.array([0.0, 100.0, 300.0]), events=events, solver=SOLVER)
    got = [ds[v].values[0][-1] for v in "caro"]
    assert got == pytest.approx([0.660, 0.0515, 0.548, 0.0515], rel=0.02)
    assert ds.r.values[0][1] == pytest.approx(ds.r.values[0][2], rel=1e-3)  # persistent
