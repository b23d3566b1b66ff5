"""The default composite method: DOP853 (Hairer, Nørsett & Wanner 1993, §II.10) with Hairer's stiffness
detection, switching an individual to Rodas5P when its problem turns stiff.

Reference problems with known solutions: a damped oscillator (non-stiff), Prothero–Robinson with λ = −1e4
(stiff, y = cos t), Robertson kinetics (stiff; scipy LSODA at rtol 1e-10 as reference).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from pnisim.engine._build import build_kernel

try:
    from . import _problems as P
except ImportError:
    import _problems as P

AUTO = 1


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    d = tmp_path_factory.mktemp("kernels_auto")
    return {name: build_kernel(getattr(P, name), cache_dir=d) for name in ("LINEAR2", "PROTHERO_ROBINSON", "ROBERTSON")}


def solve(mod, y0, p, t_out, rtol, atol, method=AUTO):
    y0 = np.atleast_2d(np.asarray(y0, float))
    n = y0.shape[1]
    out = np.empty((1, len(t_out), n))
    status = np.empty(1, np.int64)
    stats = np.empty((1, 4), np.int64)
    mod.solve_batch(0.0, y0, np.atleast_2d(np.asarray(p, float)), np.zeros((1, 1)),
                    np.full((1, 1), np.inf), np.zeros((1, 1), np.int64), np.zeros((1, 1), np.int64),
                    np.zeros((1, 1)), np.zeros(1, np.int64), np.asarray(t_out, float), rtol,
                    np.full(n, atol), 0.0, 0.0, 1_000_000, out, status, stats, method)
    assert status[0] == 0
    return out[0], stats[0]


def oscillator(t, a=-0.1, b=1.0):
    return np.exp(a * t)[:, None] * np.stack([np.cos(b * t), np.sin(b * t)], axis=1)


@pytest.mark.slow  # reference-grade solver check: runs in CI (make test-slow)
def test_nonstiff_problem_stays_explicit_and_meets_tolerance(kernels):
    t = np.linspace(0, 20, 1001)  # many outputs between steps: exercises the 7th-order dense output
    y, stats = solve(kernels["LINEAR2"], [1.0, 0.0], [-0.1, 1.0], t, 1e-10, 1e-12)
    assert stats[3] == 0  # no LU factorisation: never switched to Rodas5P
    assert np.max(np.abs(y - oscillator(t))) < 1e-8


def test_work_precision_shows_high_order(kernels):
    """Steps grow like rtol^(-1/q): from 1e-6 to 1e-10, ~3.2x for q = 8 and ~6.3x for Rodas5P's q = 5."""
    t = np.array([0.0, 20.0])
    steps = {}
    for method in (AUTO, 0):
        s6 = solve(kernels["LINEAR2"], [1.0, 0.0], [-0.1, 1.0], t, 1e-6, 1e-12, method)[1][0]
        s10 = solve(kernels["LINEAR2"], [1.0, 0.0], [-0.1, 1.0], t, 1e-10, 1e-12, method)[1][0]
        steps[method] = (s6, s10)
    growth_auto = steps[AUTO][1] / steps[AUTO][0]
    growth_rodas = steps[0][1] / steps[0][0]
    assert growth_auto < 4.5
    assert growth_rodas > growth_auto
    assert steps[AUTO][1] < steps[0][1]


def test_stiff_problem_switches_to_rodas(kernels):
    t = np.linspace(0, 10, 101)
    y, stats = solve(kernels["PROTHERO_ROBINSON"], [1.0], [-1e4], t, 1e-6, 1e-9)
    assert stats[3] > 0  # switched: LU factorisations happened
    assert stats[0] < 2000  # an explicit method alone needs > 10 * 1e4 / 6 ~ 16,000 steps
    assert np.max(np.abs(y[:, 0] - np.cos(t))) < 1e-5


@pytest.mark.slow  # reference-grade solver check: runs in CI (make test-slow)
def test_robertson_against_lsoda(kernels):
    p = [0.04, 1e4, 3e7]
    t = np.array([0.0, 1.0, 10.0, 100.0, 1e3, 1e4])
    y, stats = solve(kernels["ROBERTSON"], [1.0, 0.0, 0.0], p, t, 1e-8, 1e-14)

    def f(_, z):
        return [-p[0] * z[0] + p[1] * z[1] * z[2], p[0] * z[0] - p[1] * z[1] * z[2] - p[2] * z[1] ** 2, p[2] * z[1] ** 2]

    ref = solve_ivp(f, (0, t[-1]), [1.0, 0.0, 0.0], method="LSODA", t_eval=t, rtol=1e-10, atol=1e-16).y.T
    assert stats[3] > 0
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-12)


def test_dop853_convergence_order(kernels):
    """Fixed steps on the oscillator: global error at t = 10 falls like h^8; the dense output like h^7 or better."""
    mod = kernels["LINEAR2"]
    p = np.array([-0.1, 1.0])
    errs, derrs, hs = [], [], []
    for n_steps in (10, 14, 20, 28):
        h = 10.0 / n_steps
        y_end = np.empty(2)
        y_theta = np.empty((n_steps, 2))
        mod.fixed_step_dop853(0.0, np.array([1.0, 0.0]), p, np.zeros(1), h, n_steps, 0.37, y_end, y_theta)
        errs.append(np.max(np.abs(y_end - oscillator(np.array([10.0]))[0])))
        t_theta = (np.arange(n_steps) + 0.37) * h
        derrs.append(np.max(np.abs(y_theta - oscillator(t_theta))))
        hs.append(h)
    order = np.polyfit(np.log(hs), np.log(errs), 1)[0]
    dense_order = np.polyfit(np.log(hs), np.log(derrs), 1)[0]
    assert order == pytest.approx(8.0, abs=0.5)
    assert dense_order > 6.5
