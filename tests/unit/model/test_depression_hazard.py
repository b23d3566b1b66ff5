"""The hazard of a new depressive episode (pnisim.model.modules.psyche): first-onset incidence at rest (NEMESIS-2,
de Graaf 2013: 1.58 per 100 person-years), recurrence after recovery (NEMESIS, Hardeveld 2013: 13.2 % within
5 years), raised by precipitants, and no risk of a "new" episode while the current one lasts."""

import math

import numpy as np
import pytest

from pnisim.engine.simulate import Event, simulate
from pnisim.model.library import get_model
from pnisim.model.modules import psyche

YEAR = psyche.HOURS_PER_YEAR


@pytest.fixture(scope="module")
def model():
    return get_model("psyche")


def _params(model, rows):
    p = np.tile(model.parameter_values(), (len(rows), 1))
    for i, row in enumerate(rows):
        for name, v in row.items():
            p[i, model.parameter_index(name)] = v
    return p


def test_recurrence_rate_is_hardeveld_as_a_constant_hazard():
    assert 1 - math.exp(-psyche.RECURRENCE_RATE / 100 * 5) == pytest.approx(0.132, abs=1e-12)


def test_rest_stress_and_an_ongoing_episode(model):
    mdd = {"psyche.dep_episode": 1.35, "psyche.episode_rate": psyche.RECURRENCE_RATE}
    p = _params(model, [{}, {}, mdd])
    stress = [Event(0.0, "set_input", "stress", 0.5)]
    ds = simulate(model, [0.0, 0.25 * YEAR, 5 * YEAR], parameters=p, events=[[], stress, []])
    h = ds["episode_hazard"].values
    # the typical person at rest has the cohort's first-onset incidence, and accrues it over five years
    assert h[0] == pytest.approx([0.0158] * 3, rel=1e-9)
    assert ds["depression_risk"].values[0, -1] == pytest.approx(1 - math.exp(-0.0158 * 5), rel=1e-6)
    # a caregiver-level load raises the hazard
    assert h[1, 1] > 1.5 * h[0, 1]
    # in an episode there is no risk of a new one; once it has resolved, recurrence comes at Hardeveld's rate
    assert h[2, 0] < 1e-3 * psyche.RECURRENCE_RATE / 100
    assert h[2, -1] == pytest.approx(psyche.RECURRENCE_RATE / 100, rel=0.05)
