"""Baker et al. 2013 (Math Med Biol 30:311, doi:10.1093/imammb/dqs026) — RA cytokine switch, MODELS.md §3.

BioModels BIOMD0000000550 defaults: one steady state, the healthy (a, p) = (0.00578, 0.0203). pnisim's RA-prone
setting alpha2 = 10 (grade C; the paper's own bistable values were not found): stable states (0.0087, 0.0249)
(remission) and (1.328, 0.391) (flare), both from MODELS.md §3. A transient flare trigger switches remission to
flare, which persists after the trigger ends.
"""

import numpy as np
import pytest
import sympy as sp

from pnisim.engine.simulate import Event, Solver, compile_model, simulate
from pnisim.model.compose import compose
from pnisim.model.core import Coupling
from pnisim.model.modules import baker2013

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-9, atol=1e-10)
HEALTHY = (0.00578, 0.0203)
REMISSION = (0.00872, 0.02499)  # MODELS.md rounds to (0.0087, 0.0249)
FLARE = (1.328, 0.391)
TRIGGER = [Event(10.0, "set_input", "flare_trigger", 0.2), Event(12.0, "set_input", "flare_trigger", 0.0)]


def _final(model, y0, t_end=300.0, events=()):
    ds = simulate(model, [0.0, t_end], initial_state=np.asarray(y0, dtype=float), events=list(events), solver=SOLVER)
    return ds, np.array([ds.ra_anti.values[0][-1], ds.ra_pro.values[0][-1]])


@pytest.mark.parametrize("y0", [HEALTHY, FLARE, (0.5, 0.2), (3.0, 1.5), (0.0, 0.0)])
def test_default_parameters_have_one_healthy_steady_state(y0):
    """BioModels defaults (alpha2 = 1): every start, even the RA-prone flare state, ends at (0.00578, 0.0203)."""
    _, y = _final(baker2013.model(), y0)
    assert y == pytest.approx(HEALTHY, rel=2e-3)


@pytest.mark.parametrize("state", [REMISSION, FLARE], ids=["remission", "flare"])
def test_ra_prone_has_two_stable_states(state):
    """alpha2 = 10: start 3 % off each state and return to it; the Jacobian's eigenvalues have negative real parts."""
    model = baker2013.model(ra_prone=True)
    _, y = _final(model, np.array(state) * 1.03)
    assert y == pytest.approx(state, rel=3e-3)
    kernel = compile_model(model)
    J = np.zeros((2, 2))
    kernel.jac(0.0, y, kernel.extend(model.parameter_values()), model.input_defaults(), J)
    eig = np.linalg.eigvals(J)
    print(f"\nalpha2 = 10 state {np.round(y, 4)}: eigenvalues {np.round(eig, 4)}")
    assert np.all(eig.real < 0)


def test_flare_trigger_switches_remission_to_a_lasting_flare():
    """flare_trigger = 0.2 (8 x alpha1) for 2 time units: remission -> flare, persisting after the trigger."""
    model = baker2013.model(ra_prone=True)
    t = np.array([0.0, 10.0, 200.0, 300.0])
    ds = simulate(model, t, initial_state=np.array(REMISSION), events=TRIGGER, solver=SOLVER)
    a, p, act = ds.ra_anti.values[0], ds.ra_pro.values[0], ds.ra_activity.values[0]
    assert (a[1], p[1]) == pytest.approx(REMISSION, rel=3e-3)
    assert (a[-1], p[-1]) == pytest.approx(FLARE, rel=3e-3)
    assert p[2] == pytest.approx(p[3], rel=1e-3)  # persistent, long after the trigger ended at t = 12
    assert act[1] < 0.25 and act[-1] > 0.75
    print(f"\nactivity proxy: remission {act[1]:.3f} -> flare {act[-1]:.3f}")


def test_weak_trigger_or_monostable_parameters_do_not_flare():
    """A sub-threshold trigger (0.05 for 1 unit) leaves remission intact; the same flare trigger under the
    BioModels defaults is followed by a return to health (no memory without bistability)."""
    weak = [Event(10.0, "set_input", "flare_trigger", 0.05), Event(11.0, "set_input", "flare_trigger", 0.0)]
    _, y = _final(baker2013.model(ra_prone=True), REMISSION, events=weak)
    assert y == pytest.approx(REMISSION, rel=3e-3)
    _, y = _final(baker2013.model(), HEALTHY, events=TRIGGER)
    assert y == pytest.approx(HEALTHY, rel=2e-3)


def test_pro_drive_port_scales_basal_production():
    """Binding pro_drive to 2 doubles alpha1 in dp/dt and raises the healthy pro-inflammatory level."""
    drive = Coupling("test_drive", "constant pro-inflammatory drive", "test", "D", {"ra.pro_drive": lambda s: 2})
    doubled = compose("baker_drive", "test", [baker2013.ra], [drive], time_unit="dimensionless")
    base = baker2013.model()
    alpha1 = base.parameters[base.parameter_index("ra.alpha1")].symbol
    d_doubled, d_base = (sp.diff(m.equations[1].expr, alpha1) for m in (doubled, base))
    assert sp.simplify(d_doubled - 2 * d_base) == 0
    _, y = _final(doubled, HEALTHY)
    assert y[1] > 1.5 * HEALTHY[1]
