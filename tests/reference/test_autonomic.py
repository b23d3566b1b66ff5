"""Autonomic module (pnisim design, grade C): rest values, reciprocal stress response, inflammatory reflex."""

import math

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.modules import autonomic

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-8, atol=1e-10)


def test_rest_state_and_rmssd_norm():
    """At rest RMSSD is 42 ms (Nunan et al. 2010, Pacing Clin Electrophysiol 33:1407, Table 2: mean of
    short-term RMSSD in healthy adults) and the inflammatory-reflex gain on TNF release is 1."""
    ds = simulate(autonomic.model(), [0.0, 5.0], solver=SOLVER)
    assert ds.rmssd.values[0, -1] == pytest.approx(42.0, rel=1e-9)
    assert ds.tnf_release_gain.values[0, -1] == pytest.approx(1.0, rel=1e-9)


def test_acute_stressor_raises_sympathetic_and_withdraws_vagal_tone_within_minutes():
    """Reciprocal control (Thayer & Sternberg 2006): during a 15-min stressor sympathetic activity rises and
    RMSSD falls; both are back within 5 % of rest an hour after the stressor."""
    model = autonomic.model()
    t = np.array([0.0, 0.25, 1.25])
    ev = [Event(0.0, "set_input", "acute_stress", 1.0), Event(0.25, "set_input", "acute_stress", 0.0)]
    ds = simulate(model, t, events=ev, solver=SOLVER)
    assert ds.sympathetic.values[0, 1] > 1.8
    assert ds.rmssd.values[0, 1] < 0.7 * 42.0
    assert ds.tnf_release_gain.values[0, 1] > 1.0  # less vagal brake on macrophages
    assert abs(ds.sympathetic.values[0, 2] - 1) < 0.05 and abs(ds.rmssd.values[0, 2] / 42.0 - 1) < 0.05


def test_inflammation_lowers_vagal_tone():
    """Haensel et al. 2008: higher inflammatory markers go with lower HRV (direction only, grade C)."""
    model = autonomic.model()
    p = model.parameter_values()
    base = simulate(model, [0.0, 5.0], solver=SOLVER).rmssd.values[0, -1]
    # the port holds TNF at its healthy 8.79 pg/mL; a reference 4x lower is the same as TNF quadrupling
    p[model.parameter_index("autonomic.tnf_ref")] = 8.79 / 4
    low = simulate(model, [0.0, 5.0], parameters=p, solver=SOLVER).rmssd.values[0, -1]
    assert low < base
    # w_tnf = 0.1 per doubling, two doublings; withdrawals multiply (exp of the linear term) so RMSSD stays > 0
    assert low == pytest.approx(42.0 * math.exp(-0.1 * 2), rel=1e-6)
