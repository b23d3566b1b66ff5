"""Posterior draws from the grid posteriors of the calibration, and the posterior band of predictions."""

import numpy as np
import pytest

from pnisim.calibrate.ensemble import band_over_draws, posterior_draws
from pnisim.errors import SpecError
from pnisim.model.library import get_model

# chi2 = ((x - 0.5) / 0.1)^2 on a linear grid: the posterior is N(0.5, 0.1^2) truncated to [0, 1]
GRID = np.linspace(0.0, 1.0, 41)
FAKE = {"fits": [{"parameter": "low_grade_inflammation.sleep_gain", "bounds": [0.0, 1.0], "scale": "lin",
                  "grid": GRID.tolist(), "chi2": (((GRID - 0.5) / 0.1) ** 2).tolist()}]}


def test_draws_follow_the_grid_posterior():
    d = np.array([x["low_grade_inflammation.sleep_gain"] for x in posterior_draws(200, seed=1, calibration=FAKE)])
    assert d.mean() == pytest.approx(0.5, abs=0.03) and d.std() == pytest.approx(0.1, abs=0.02)
    again = [x["low_grade_inflammation.sleep_gain"] for x in posterior_draws(5, seed=1, calibration=FAKE)]
    assert again == [x["low_grade_inflammation.sleep_gain"] for x in posterior_draws(5, seed=1, calibration=FAKE)]


def test_band_runs_each_draw_with_its_values():
    draws = posterior_draws(20, seed=2, calibration=FAKE)
    i = get_model("whole").parameter_index("low_grade_inflammation.sleep_gain")
    band = band_over_draws(lambda cal: {"gain": float(get_model("whole", cal).parameter_values()[i])}, draws)
    vals = sorted(x["low_grade_inflammation.sleep_gain"] for x in draws)
    assert band["gain"]["draws"] == 20
    assert vals[0] <= band["gain"]["p5"] <= band["gain"]["p50"] <= band["gain"]["p95"] <= vals[-1]


@pytest.mark.parametrize("n", [0, -1, 1000, 2.5, True])
def test_bad_draw_counts_are_refused(n):
    with pytest.raises(SpecError, match="number of posterior draws must be an integer from 1 to"):
        posterior_draws(n, calibration=FAKE)


def test_uncalibrated_package_is_refused():
    with pytest.raises(SpecError, match="need the shipped calibration"):
        posterior_draws(3, calibration={"fits": []})
