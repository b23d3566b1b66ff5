"""Reynolds et al. 2006 (J Theor Biol 242:220, doi:10.1016/j.jtbi.2006.02.016) — outcome vs pathogen load,
MODELS.md §2.2 / R5 (BIOMD0000000714 re-simulation).

P0 = 0.5 → health: pathogen cleared, N* peak 0.052 at 5.2 h, D peak 0.09 (pnisim: 0.0523 at 5.23 h, 0.0871);
P0 = 1.0 → recovery after a large transient of damage, D peak 3.4 (pnisim: 3.41 at 32.3 h);
P0 = 1.5 → persistent inflammation with the pathogen gone ("aseptic death"): N* → 0.64, D → 17.4
(pnisim: 0.635, 17.40). The published numbers have two significant figures, so values are checked within
5 % and times within 0.3 h.
"""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.compose import compose
from pnisim.model.core import Coupling
from pnisim.model.modules import reynolds2006

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-9, atol=1e-10)
T = np.linspace(0.0, 500.0, 5001)  # 0.1-h grid


def _infect(p0: float, model=None):
    return simulate(model or reynolds2006.model(), T, events=[Event(0.0, "add_state", "pathogen", p0)], solver=SOLVER)


def test_low_load_heals():
    ds = _infect(0.5)
    n, d = ds.phagocytes.values[0], ds.damage.values[0]
    assert n.max() == pytest.approx(0.052, rel=0.05)
    assert T[n.argmax()] == pytest.approx(5.2, abs=0.3)
    assert d.max() == pytest.approx(0.09, rel=0.05)
    assert abs(ds.pathogen.values[0, -1]) < 1e-6 and d[-1] < 1e-3 and n[-1] < 1e-3  # back to health


def test_medium_load_recovers_after_large_damage():
    ds = _infect(1.0)
    d = ds.damage.values[0]
    assert d.max() == pytest.approx(3.4, rel=0.05)
    assert abs(ds.pathogen.values[0, -1]) < 1e-6
    assert d[-1] < 0.01 * d.max() and ds.phagocytes.values[0, -1] < 1e-3  # resolved by 500 h


def test_high_load_persistent_inflammation_aseptic_death():
    ds = _infect(1.5)
    n, d = ds.phagocytes.values[0], ds.damage.values[0]
    assert n[-1] == pytest.approx(0.64, rel=0.05)
    assert d[-1] == pytest.approx(17.4, rel=0.05)
    assert abs(ds.pathogen.values[0, -1]) < 1e-6  # aseptic: the pathogen is gone, the inflammation is not
    i400 = np.searchsorted(T, 400.0)
    assert n[i400] == pytest.approx(n[-1], rel=1e-3) and d[i400] == pytest.approx(d[-1], rel=1e-3)


def test_host_defence_port_weakens_pathogen_killing():
    """Binding host_defence = 0.5 (half the killing) turns the healthy P0 = 0.5 course into septic death."""
    weak = Coupling("weak_defence", "halved pathogen killing (test)", "test", "D",
                    {"infection.host_defence": lambda s: 0.5})
    model = compose("reynolds_weak", "Reynolds 2006 with halved host defence", [reynolds2006.infection], [weak])
    ds = _infect(0.5, model)
    assert ds.pathogen.values[0, -1] > 1.0  # pathogen persists
    assert ds.damage.values[0, -1] > 10.0
