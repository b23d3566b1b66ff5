"""Simulation-based power against the analytic two-sample t-test (Cohen 1988 Table 2.4.1: d = 0.3 needs 175 per
arm for 80 % power at two-sided alpha 0.05)."""

import numpy as np
import pytest

from pnisim.errors import SpecError
from pnisim.trial import stats as S
from pnisim.trial.power import power_curve


def test_resampled_power_matches_the_analytic_t_test_for_d_03():
    rng = np.random.default_rng(0)
    treated, control = rng.normal(0.3, 1.0, 20000), rng.normal(0.0, 1.0, 20000)  # a large virtual population
    curve = power_curve(treated, control, [50, 100, 175, 250], n_resamples=2000, seed=1)
    for n, pw in zip(curve.n_per_arm, curve.power):
        assert pw == pytest.approx(S.power_two_sample(0.3, n), abs=0.035)  # Monte Carlo SE ~0.01
    assert curve.n_for_80 in (175, 250)


def test_power_curve_rejects_bad_input():
    with pytest.raises(SpecError, match="integers >= 2"):
        power_curve([1.0, 2.0], [0.0, 1.0], [1])
    with pytest.raises(SpecError, match="at least 2 participants"):
        power_curve([1.0], [0.0, 1.0], [10])
