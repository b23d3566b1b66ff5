"""Nightly sleep reduced from Phillips & Robinson 2007 (pnisim.model.modules.sleep).

Reference: the published 3-state model (J Biol Rhythms 22:167, doi:10.1177/0748730406297512; BIOMD0000000917
values) with the circadian offset re-set to give 8.0 h at zero arousal; its nightly sleep as a function of the
extra wake drive is what the module's law reproduces. Sleep-restriction and CBT-I directions: Trauer 2015
(Ann Intern Med 163:191).
"""

import numpy as np
import pytest

from pnisim.calibrate import sleep_reduction
from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model._table import table
from pnisim.model.compose import compose
from pnisim.model.core import Coupling
from pnisim.model.modules import sleep

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-8, atol=1e-10)


@pytest.fixture(scope="module")
def reduction():
    return sleep_reduction.fit()


def test_refit_reproduces_the_shipped_coefficients(reduction):
    """python -m pnisim.calibrate.sleep_reduction gives the coefficients the module carries."""
    print(f"\nc0 {reduction.c0:.4f}, coefficients {np.round(reduction.coefficients, 5)}, "
          f"max error {60 * reduction.max_error_h:.1f} min")
    assert reduction.c0 == pytest.approx(0.64, abs=0.01)
    assert np.allclose(reduction.coefficients, sleep.COEFFICIENTS, atol=2e-3)
    assert reduction.max_error_h < 10 / 60


def test_law_matches_phillips_robinson_nightly_sleep(reduction):
    """The module's sleep_hours equals the published model's nightly sleep within 10 min, −0.6…2.2 mV."""
    model = sleep.model()
    arousal = reduction.arousal
    pv = np.tile(model.parameter_values(), (arousal.size, 1))
    pv[:, model.parameter_index("sleep.insomnia")] = np.clip(arousal, -0.6, 2.3)
    y0 = model.initial_state()  # tonight's sleep starts on the law: run it to its steady state
    ds = simulate(model, [0.0, 240.0], parameters=pv, initial_state=y0, solver=SOLVER)
    ds = ds.isel(time=[-1])
    err = np.abs(ds.sleep_hours.values[:, 0] - reduction.hours)
    print(f"\nlargest difference {60 * err.max():.1f} min")
    assert err.max() < 10 / 60
    # published model at zero arousal: 8.0 h after re-setting c0 (BioModels c0 = 1 gives 4.9 h)
    assert reduction.hours[np.argmin(np.abs(arousal))] == pytest.approx(8.0, abs=0.05)


def test_rest_is_steady_and_quality_normal():
    ds = simulate(sleep.model(), np.linspace(0, 720, 31), solver=SOLVER)
    assert np.ptp(ds.sleep_deficit.values) < 1e-9 and np.ptp(ds.sleep_hours.values) < 1e-9
    assert 3.5 < float(ds.psqi.values[0, 0]) < 5.0  # population PSQI mean ≈ 4-5 (Hinz 2017)


def test_restriction_builds_a_deficit_and_recovery_repays_it():
    """6 h in bed for 14 nights, then free: the weekly deficit approaches 2 h/night, then decays (τ a week)."""
    model = sleep.model()
    t = np.arange(0.0, 24 * 42 + 1, 24.0)
    ds = simulate(model, t, events=[Event(0.0, "set_input", "time_in_bed", 6.0),
                                    Event(24 * 14, "set_input", "time_in_bed", 24.0)], solver=SOLVER)
    sd = ds.sleep_deficit.values[0]
    need = sleep.COEFFICIENTS[0] - 6.0
    assert int(np.argmax(sd)) == 14
    assert 0.75 * need < sd[14] < need  # about 1 - exp(-2) of the way in two weeks
    assert sd[-1] < 0.1 * sd[14]
    assert ds.psqi.values[0, 14] > 5.0  # a poor sleeper by Buysse 1989's cut-off


def _with_ports(ps: float, rum: float):
    link = Coupling("fixed_psyche", "constant perceived stress and rumination", "test", "C",
                    {"sleep.PS": lambda s: s.ps, "sleep.RUM": lambda s: s.rum},
                    parameters=table("test value", "C", [("ps", ps, "1", "perceived stress", {"bounds": (0, 5)}),
                                                         ("rum", rum, "1", "rumination", {"bounds": (0, 1)})]))
    return compose("sleep_fixed", "sleep with fixed psyche", [sleep.sleep], [link], time_unit="h")


def test_stress_and_rumination_shorten_sleep_and_cbti_restores_part():
    """Moderate chronic stress (PS 0.5, rumination 0.4) costs sleep (hyperarousal, Riemann 2010); CBT-I gives
    part of it back (Trauer 2015); shift work shortens sleep by 1-2 h (Åkerstedt & Wright 2009)."""
    rest = simulate(sleep.model(), [0.0], solver=SOLVER).sleep_hours.values[0, 0]
    model = _with_ports(0.5, 0.4)
    u = np.tile(model.input_defaults(), (3, 1))
    u[1, model.input_index("cbti")] = 1.0
    u[2, model.input_index("shift_work")] = 1.0
    h = simulate(model, [0.0, 240.0], inputs=u, solver=SOLVER).sleep_hours.values[:, -1]
    print(f"\nrest {rest:.2f} h, stressed {h[0]:.2f} h, with CBT-I {h[1]:.2f} h, stressed shift worker {h[2]:.2f} h")
    assert rest - 1.0 < h[0] < rest - 0.3
    assert h[0] < h[1] < rest
    assert h[2] < h[0] - 1.0
