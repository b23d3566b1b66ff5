"""The one-way random-effects analysis behind the between-person CV and ICC targets."""

import numpy as np
import pytest

from pnisim.validation.protocols.population_norms import icc, variance_components


def test_variance_components_recover_known_between_and_within_variances():
    rng = np.random.default_rng(0)
    between, within = 0.6, 0.3
    x = rng.normal(0, np.sqrt(between), (20000, 1)) + rng.normal(0, np.sqrt(within), (20000, 4))
    b, w = variance_components(x)
    assert b == pytest.approx(between, rel=0.03)
    assert w == pytest.approx(within, rel=0.03)
    assert icc(x) == pytest.approx(between / (between + within), abs=0.01)


def test_people_with_a_missing_draw_are_left_out_and_no_spread_gives_zero():
    x = np.array([[1.0, 1.0, 1.0], [2.0, np.nan, 2.0], [1.0, 1.0, 1.0]])
    assert variance_components(x) == (0.0, 0.0)
    same = np.ones((10, 3))
    assert variance_components(same) == (0.0, 0.0)
