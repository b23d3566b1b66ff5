"""Psyche layer (pnisim design): resting questionnaire scores and the direction of each mechanism."""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.modules import psyche

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-8, atol=1e-10)


def test_rest_scores_are_population_means():
    """PSS-10 ≈ 13 (Cohen & Williamson 1988 US norms), PHQ-9 ≈ 3 (Kocalevent et al. 2013), GAD-7 ≈ 3
    (Löwe et al. 2008), PCL-5 0."""
    ds = simulate(psyche.model(), [0.0, 24.0 * 60], solver=SOLVER)
    assert ds.pss10.values[0, -1] == pytest.approx(13.0, rel=1e-6)
    assert ds.phq9.values[0, -1] == pytest.approx(3.0, rel=1e-6)
    assert ds.gad7.values[0, -1] == pytest.approx(3.0, rel=1e-6)
    assert ds.pcl5.values[0, -1] == 0.0


def test_trauma_load_declines_faster_under_trauma_focused_therapy():
    model = psyche.model()
    t = np.array([0.0, 24.0 * 84])
    trauma = [Event(0.0, "add_state", "TRA", 0.6)]
    natural = simulate(model, t, events=trauma, solver=SOLVER)
    treated = simulate(model, t, events=trauma + [Event(0.0, "set_input", "trauma_therapy", 1.0)], solver=SOLVER)
    assert natural.pcl5.values[0, 0] == pytest.approx(48.0)
    assert treated.pcl5.values[0, -1] < natural.pcl5.values[0, -1] < natural.pcl5.values[0, 0]
    assert natural.phq9.values[0, -1] > 3.0  # trauma load raises depressive symptoms


def test_cognitive_therapy_lowers_rumination_and_depression_under_stress():
    model = psyche.model()
    t = np.array([24.0 * 56])
    stress = [Event(0.0, "set_input", "stress", 0.5)]
    plain = simulate(model, t, t0=0.0, events=stress, solver=SOLVER)
    cbt = simulate(model, t, t0=0.0, events=stress + [Event(0.0, "set_input", "cognitive_therapy", 1.0)], solver=SOLVER)
    assert cbt.rumination.values[0, -1] < plain.rumination.values[0, -1]
    assert cbt.phq9.values[0, -1] < plain.phq9.values[0, -1]


def test_a_depressive_episode_resolves_with_the_persons_own_time_constant():
    """The episode weight decays as exp(-t / (tau_episode * exp(spread * z))); symptoms rise to the episode's
    plateau over weeks and fall back to the person's trait level once it has resolved (Whiteford 2013: untreated
    episodes remit)."""
    model = psyche.model()
    p = model.parameter_values()
    p[model.parameter_index("psyche.dep_episode")] = 1.35
    p[model.parameter_index("psyche.tau_episode")] = 2000.0
    p[model.parameter_index("psyche.episode_spread")] = 0.5
    fast, slow = p.copy(), p.copy()
    fast[model.parameter_index("psyche.episode_z")] = -1.0
    slow[model.parameter_index("psyche.episode_z")] = 1.0
    t = np.array([24.0 * 56, 24.0 * 365])
    ds = simulate(model, t, t0=0.0, parameters=np.vstack([fast, slow]), solver=SOLVER)
    tau = 2000.0 * np.exp(0.5 * np.array([-1.0, 1.0]))
    np.testing.assert_allclose(ds["EPI"].values, np.exp(-t[None, :] / tau[:, None]), rtol=1e-5)
    phq = ds.phq9.values
    assert phq[1, 0] > phq[0, 0] > 3.0         # the longer episode is further from resolution at 8 weeks
    assert phq[0, 1] == pytest.approx(3.0, abs=0.05) and phq[1, 1] < phq[1, 0]
