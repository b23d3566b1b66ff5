"""Speed-ups of the engine (issue 4 §10): cost-based stiffness switching with hysteresis, the stability cap of
DOP853, sqrt fast paths in generated powers, and the thread pool over individuals.

Switching is checked on Prothero–Robinson, y' = λ(y − cos t) − sin t, y(0) = 1 (exact solution cos t;
Hairer & Wanner, Solving ODEs II §IV.15), whose stiffness is set by λ; the whole model is checked on work counts.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from pnisim.engine import codegen
from pnisim.engine._build import build_kernel
from pnisim.engine.simulate import Solver, compile_model, simulate
from pnisim.model.library import get_model
from pnisim.model.phenotypes import PHENOTYPES

try:
    from . import _problems as P
except ImportError:
    import _problems as P

AUTO = 1


@pytest.fixture(scope="module")
def pr(tmp_path_factory):
    return build_kernel(P.PROTHERO_ROBINSON, cache_dir=tmp_path_factory.mktemp("kernels_speed"))


def solve_pr(mod, lam, rtol, t_end=200.0):
    out = np.empty((1, 2, 1))
    status = np.empty(1, np.int64)
    stats = np.empty((1, 4), np.int64)
    mod.solve_batch(0.0, np.ones((1, 1)), np.array([[lam]]), np.zeros((1, 1)), np.full((1, 1), np.inf),
                    np.zeros((1, 1), np.int64), np.zeros((1, 1), np.int64), np.zeros((1, 1)), np.zeros(1, np.int64),
                    np.array([0.0, t_end]), rtol, np.full(1, rtol / 100), 0.0, 0.0, 1_000_000, out, status, stats,
                    AUTO)
    assert status[0] == 0
    return stats[0], abs(out[0, -1, 0] - math.cos(t_end))


@pytest.mark.slow  # reference-grade solver check: runs in CI (make test-slow)
@pytest.mark.parametrize("lam", [-10.0, -30.0, -100.0, -300.0, -1000.0])
def test_looser_tolerance_never_costs_more(pr, lam):
    """Work (rhs evaluations; an LU of this 1x1 system is free) falls as rtol loosens: no switching back and forth."""
    work = {}
    for rtol in (1e-6, 1e-4, 1e-3):
        stats, err = solve_pr(pr, lam, rtol)
        work[rtol] = stats[2]
        assert err < 100 * rtol
    assert work[1e-3] <= work[1e-4] <= work[1e-6]


def test_stability_limited_explicit_tries_rodas(pr):
    """λ = −1000 at rtol 1e-6: DOP853 held at its stability limit (h ~ 0.0055) would need ~36,000 steps; the
    capped explicit controller cannot ask for a switch by itself, so a trial of Rodas5P must happen and stick."""
    stats, err = solve_pr(pr, -1000.0, 1e-6)
    assert stats[3] > 0
    assert stats[0] < 3000
    assert err < 1e-6


@pytest.mark.parametrize("x", [0.0, 1e-300, 1e-8, 0.37, 1.0, 2.5, 1e12])
def test_pow_fast_paths(x):
    """_pow(x, a) of the generated code: sqrt for a = 0.5 is exactly x**0.5 (both correctly rounded), x*sqrt(x)
    for a = 1.5 within 2 ulp, the general path within 4 ulp."""
    ns = {"numba": numba, "math": math, "_FASTMATH": {"nsz", "arcp", "contract", "afn", "reassoc"}}
    exec(codegen._POW_HELPER.replace("cache=True", "cache=False"), ns)
    f = ns["_pow"]
    assert f(x, 0.5) == x**0.5
    for a in (1.5, 0.3, 3.68, 2.0, 3.0, 4.0, 1.0):
        assert f(x, a) == pytest.approx(x**a, rel=4 * np.finfo(float).eps, abs=0.0)


def test_pow_negative_base_is_nan_for_sqrt_path():
    ns = {"numba": numba, "math": math, "_FASTMATH": {"nsz", "arcp", "contract", "afn", "reassoc"}}
    exec(codegen._POW_HELPER.replace("cache=True", "cache=False"), ns)
    assert math.isnan(ns["_pow"](-4.0, 0.5)) and math.isnan(ns["_pow"](-4.0, 1.5))


def _whole_person():
    m = get_model("whole")
    p = m.parameter_values()
    for k, v in PHENOTYPES["chronic_stress"].items():
        p[m.parameter_index(k)] = v
    return m, p


def test_whole_model_work_falls_with_tolerance():
    """28 days of the whole model (chronic stress): the explicit steps are held at the stability limit set by
    the 6-min autonomic and tissue-cortisol relaxations, Rodas5P is not cheaper there, and looser tolerances
    must not cost more (before: rtol 1e-4 took 7,800 LU per 280 days and twice the time of rtol 1e-6)."""
    m, p = _whole_person()
    counts = {}
    for rtol in (1e-6, 1e-5, 1e-4):
        ds = simulate(m, [0.0, 28 * 24.0], parameters=p, keep_states=False, solver=Solver(rtol=rtol, atol=rtol / 100))
        counts[rtol] = {k: int(ds[k].values[0]) for k in ("n_steps", "n_rhs", "n_lu")}
    assert counts[1e-4]["n_rhs"] <= counts[1e-5]["n_rhs"] <= counts[1e-6]["n_rhs"]
    for rtol in (1e-5, 1e-4):  # trials of Rodas5P back off (after 1, 4, 16, ... checks of 50 steps)
        assert counts[rtol]["n_lu"] <= 0.1 * counts[rtol]["n_steps"], counts


def test_thread_pool_matches_prange():
    """simulate() schedules individuals dynamically on a thread pool (solve_range); every individual is independent,
    so the result is bitwise that of the kernel's prange solve_batch (scalar kernel; the 4-lane kernel has its own
    batch-independence test in test_lanes.py)."""
    m = get_model("crp")
    rng = np.random.default_rng(0)
    n = 37
    params = np.tile(m.parameter_values(), (n, 1)) * rng.uniform(0.8, 1.2, size=(n, len(m.parameters)))
    t = np.linspace(0.0, 240.0, 11)
    ds = simulate(m, t, parameters=params, solver=Solver(vector=False))
    kernel = compile_model(m)
    import pnisim.engine.simulate as S

    y0 = np.tile(m.initial_state(), (n, 1))
    ev = S._pack_events(m, [[] for _ in range(n)], n, 0.0, 240.0)
    out = np.empty((n, t.size, len(m.states)))
    status = np.zeros(n, np.int64)
    stats = np.zeros((n, 4), np.int64)
    kernel.solve_batch(0.0, y0, params, np.tile(m.input_defaults(), (n, 1)), *ev, t, 1e-6,
                       S._atol_vector(m, y0, Solver()), 0.0, 0.0, 2_000_000, out, status, stats, 1)
    for i, s in enumerate(m.state_names):
        np.testing.assert_array_equal(ds[s].values, out[:, :, i])
    np.testing.assert_array_equal(ds["n_rhs"].values, stats[:, 2])
