"""Phillips & Robinson 2007 (J Biol Rhythms 22:167, doi:10.1177/0748730406297512) — MODELS.md §4.2.

The paper's text was not available here; the reference numbers are a re-simulation of the curated BioModels
encoding BIOMD0000000917 (equations, parameters and C(t) = 1 + cos ωt as in its SBML and in the CellML it was
converted from; its SED-ML runs the paper's 72-h time course from V_v = V_m = 0, H = 15 nM). Nominal
parameters give one consolidated sleep episode per 24 h, from t = 9.27 h to 14.15 h (mod 24), i.e. 4.88 h of
sleep, with H oscillating between 9.67 and 15.19 nM (pnisim and an independent scipy LSODA run agree). This
is shorter than the ~8 h a night of normal adult sleep; the duration depends strongly on the offset
c0 of C(t) (c0 = 0.5 gives 9.0 h). Episode times are read on a 1-min grid (checked within 0.1 h), H bounds
within 1 %.

Sleep deprivation (Phillips & Robinson 2008, MODEL1006230115): an added wake drive of 1.5 mV to the
monoaminergic group from t = 24 h to 40 h removes the second night's sleep; the recovery sleep that follows is
longer than baseline (5.52 h vs 4.88 h).

The model is stiff (10-s voltage time constants in an hours model): the default solver must finish 10 days
with status 0 in a modest number of steps (measured: about 3,800 accepted steps).
"""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.modules import phillips_robinson2007

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

T = np.linspace(0.0, 240.0, 240 * 60 + 1)  # 10 days on a 1-min grid
PRECISE = Solver(rtol=1e-8, atol=1e-10)
DEPRIVATION = [Event(24.0, "set_input", "sleep_deprivation", 1.5), Event(40.0, "set_input", "sleep_deprivation", 0.0)]


def _episodes(t: np.ndarray, awake: np.ndarray) -> list[tuple[float, float]]:
    """(sleep onset, wake time) of every complete sleep episode (awake < 0.5)."""
    asleep = (awake < 0.5).astype(int)
    d = np.diff(asleep)
    onsets, wakes = t[1:][d == 1], t[1:][d == -1]
    return [(on, wakes[wakes > on][0]) for on in onsets if np.any(wakes > on)]


@pytest.fixture(scope="module")
def baseline():
    return simulate(phillips_robinson2007.model(), T, solver=Solver())


def test_default_run_is_stiff_but_cheap(baseline, record_property):
    steps = int(baseline.n_steps.values[0])
    record_property("n_steps_10_days", steps)
    print(f"Phillips-Robinson 10 days: {steps} accepted, {int(baseline.n_rejected.values[0])} rejected steps, "
          f"{int(baseline.n_lu.values[0])} LU factorisations")
    assert int(baseline.status.values[0]) == 0
    assert steps < 6000
    assert int(baseline.n_lu.values[0]) > 0  # the stiff (Rosenbrock) method did the work


def test_one_consolidated_sleep_episode_per_day(baseline):
    episodes = _episodes(T, baseline.awake.values[0])
    late = [(on, off) for on, off in episodes if on >= 96.0]  # days 4-9: the initial transient is over
    assert len(late) == 6  # exactly one episode per day
    for on, off in late:
        assert on % 24 == pytest.approx(9.27, abs=0.1)
        assert off % 24 == pytest.approx(14.15, abs=0.1)
        assert off - on == pytest.approx(4.88, abs=0.1)
    h = baseline.sleep_pressure.values[0][T >= 192.0]
    assert h.min() == pytest.approx(9.67, rel=0.01)
    assert h.max() == pytest.approx(15.19, rel=0.01)


def test_awake_indicator_is_sharp(baseline):
    """The flip-flop switches in minutes (the paper's point): awake is between 0.05 and 0.95 for under 20 min a
    day in all (measured: 14 min, two transitions)."""
    a = baseline.awake.values[0][T >= 24.0]
    assert np.mean((a > 0.05) & (a < 0.95)) * 24 * 60 < 20.0


def test_recovery_sleep_after_a_night_of_deprivation_is_longer():
    t = T[T <= 96.0]
    ds = simulate(phillips_robinson2007.model(), t, events=DEPRIVATION, solver=PRECISE)
    base = simulate(phillips_robinson2007.model(), t, solver=PRECISE)
    awake = ds.awake.values[0]
    assert awake[(t >= 24.0) & (t <= 40.0)].min() > 0.5  # no sleep while the wake drive is on
    recovery = [e for e in _episodes(t, awake) if e[0] >= 40.0][0]
    night = [e for e in _episodes(t, base.awake.values[0]) if e[0] >= 40.0][0]
    assert recovery[1] - recovery[0] == pytest.approx(5.52, abs=0.1)
    assert night[1] - night[0] == pytest.approx(4.88, abs=0.1)
    assert recovery[1] - recovery[0] > night[1] - night[0] + 0.4
    assert ds.sleep_pressure.values[0][t == 40.0][0] > base.sleep_pressure.values[0].max()
