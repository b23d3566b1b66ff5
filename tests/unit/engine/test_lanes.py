"""The 4-lane vector kernel (pnisim.engine.vector + the template's solve_lanes): DOP853 for four individuals at
once, each in its own vector lane with its own step control.

Checked: the vector right-hand side equals the scalar one (whole model, libmvec ≤ 4 ulp); exact solutions are
met at the asked tolerance with DOP853's order-8 work–precision (Hairer, Nørsett & Wanner 1993, §II.10); a
stiff individual is handed back and solved by the scalar kernel, bit for bit as "auto" alone would; failures
give the scalar kernel's status and NaN outputs; and an individual's numbers never depend on its lane, its batch
or the other individuals (needed for chunked, resumed and distributed runs to agree).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from pnisim.engine._build import build_kernel
from pnisim.engine.simulate import Event, Solver, compile_model, simulate
from pnisim.engine.vector import to_ops, vector_available
from pnisim.model.library import get_model

try:
    from . import _problems as P
except ImportError:
    import _problems as P

pytestmark = pytest.mark.skipif(not vector_available(), reason="needs x86-64 AVX2 and glibc's libmvec")
AUTO = 1


def _decay(t, y, p, u):
    return [-p[0] * y[0] + p[1] * y[0] ** 2 + u[0] + p[2] * sp.cos(p[3] * t)]


def _linear2(t, y, p, u):
    return [p[0] * y[0] - p[1] * y[1], p[1] * y[0] + p[0] * y[1]]


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    d = tmp_path_factory.mktemp("kernels_lanes")
    return {"DECAY": build_kernel(P.with_lanes(P.DECAY, _decay), cache_dir=d),
            "LINEAR2": build_kernel(P.with_lanes(P.LINEAR2, _linear2), cache_dir=d)}


def run(mod, y0, p, t_out, rtol, atol, *, lanes, u=None, events=None):
    """Both entry points on the same inputs: lanes=True -> solve_lanes (+ the returned fallback flags)."""
    y0 = np.ascontiguousarray(np.atleast_2d(np.asarray(y0, float)))
    N, n = y0.shape
    p = np.ascontiguousarray(np.atleast_2d(np.asarray(p, float)))
    u = np.zeros((N, 1)) if u is None else np.ascontiguousarray(u, dtype=float)
    ev_t, ev_kind, ev_idx, ev_val, n_ev = events or (np.full((N, 1), np.inf), np.zeros((N, 1), np.int64),
                                                     np.zeros((N, 1), np.int64), np.zeros((N, 1)),
                                                     np.zeros(N, np.int64))
    t_out = np.asarray(t_out, float)
    out = np.full((N, len(t_out), n), -7.0)
    status = np.full(N, -1, np.int64)
    stats = np.zeros((N, 4), np.int64)
    args = (0.0, y0, p, u, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, np.full(n, atol), 0.0, 0.0,
            1_000_000, out, status, stats)
    fallback = np.zeros(N, np.int64)
    if lanes:
        mod.solve_lanes(0, N, *args, fallback)
    else:
        mod.solve_batch(*args, AUTO)
    return out, status, stats, fallback


def oscillator(t, a, b):
    return np.exp(a * t)[:, None] * np.stack([np.cos(b * t), np.sin(b * t)], axis=1)


def test_vector_rhs_equals_scalar_rhs_on_the_whole_model():
    model = get_model("whole")
    k = compile_model(model)
    rng = np.random.default_rng(3)
    base = model.parameter_values()
    Y = np.ascontiguousarray(np.abs(model.initial_state())[:, None] * rng.uniform(0.5, 1.5, (len(model.states), 4)))
    P4 = np.empty((len(base) + k.N_DERIVED, 4))
    for lane in range(4):
        pe = np.empty(len(base) + k.N_DERIVED)
        pe[:len(base)] = base * np.where([q.parameter.cv > 0 for q in model.parameters],
                                         rng.uniform(0.8, 1.2, len(base)), 1.0)
        k.derive(pe)
        P4[:, lane] = pe
    U = np.ascontiguousarray(np.tile(model.input_defaults()[:, None], (1, 4)))
    U[model.input_index("acute_stress"), 1] = 1.0
    T = np.array([3.0, 14.2, 30.7, 8761.5])
    D4 = np.zeros_like(Y)
    k.rhs_lanes(T, Y, P4, U, D4)
    for lane in range(4):
        d = np.empty(Y.shape[0])
        k.rhs(T[lane], Y[:, lane].copy(), P4[:, lane].copy(), U[:, lane].copy(), d)
        scale = np.maximum(np.abs(d), 1e-9 * np.abs(d).max())
        assert np.max(np.abs(D4[:, lane] - d) / scale) < 1e-11


@pytest.mark.slow  # reference-grade solver check: runs in CI (make test-slow)
def test_lanes_meet_the_exact_solution_with_order_8_work(kernels):
    """Six oscillators (a, b differ), 4 lanes + 2 in the next round; dense outputs between steps."""
    ab = np.array([[-0.1, 1.0], [-0.2, 0.5], [-0.05, 2.0], [-0.3, 1.5], [0.0, 1.0], [-0.1, 3.0]])
    t = np.linspace(0.0, 20.0, 401)
    y0 = np.tile([1.0, 0.0], (6, 1))
    out, status, _, fb = run(kernels["LINEAR2"], y0, ab, t, 1e-10, 1e-12, lanes=True)
    assert np.all(status == 0) and not fb.any()
    for i, (a, b) in enumerate(ab):
        assert np.max(np.abs(out[i] - oscillator(t, a, b))) < 1e-8
    steps6 = run(kernels["LINEAR2"], y0, ab, [0.0, 20.0], 1e-6, 1e-14, lanes=True)[2][:, 0]
    steps10 = run(kernels["LINEAR2"], y0, ab, [0.0, 20.0], 1e-10, 1e-14, lanes=True)[2][:, 0]
    assert np.all(steps10 / steps6 < 4.5)  # order 8: steps grow like rtol^(-1/8), 10^(4/8) = 3.2


@pytest.mark.slow  # reference-grade solver check: runs in CI (make test-slow)
def test_lanes_follow_the_scalar_kernel(kernels):
    """Same method, same decisions: step counts match and outputs agree to rounding-level drift."""
    rng = np.random.default_rng(0)
    N = 9
    p = np.column_stack([rng.uniform(0.5, 2.0, N), np.zeros(N), rng.uniform(0.5, 2.0, N), rng.uniform(0.5, 3.0, N)])
    u = rng.uniform(0.0, 1.0, (N, 1))
    ev_t = np.tile([2.5, 7.0], (N, 1))
    ev = (ev_t, np.tile(np.array([0, 1], np.int64), (N, 1)), np.zeros((N, 2), np.int64),
          np.tile([0.3, 1.0], (N, 1)), np.full(N, 2, np.int64))
    t = np.linspace(0.0, 12.0, 49)
    a = run(kernels["DECAY"], np.ones((N, 1)), p, t, 1e-9, 1e-12, lanes=True, u=u, events=ev)
    b = run(kernels["DECAY"], np.ones((N, 1)), p, t, 1e-9, 1e-12, lanes=False, u=u, events=ev)
    assert np.all(a[1] == 0) and np.all(b[1] == 0) and not a[3].any()
    np.testing.assert_allclose(a[0], b[0], rtol=1e-9, atol=1e-12)
    assert np.all(np.abs(a[2][:, 0] - b[2][:, 0]) <= 2)


def test_a_stiff_individual_is_handed_to_the_scalar_kernel(kernels):
    """p0 = 1e4 with fast forcing is stiff (the scalar 'auto' switches to Rodas5P); the lanes leave it alone."""
    N = 5
    p = np.array([[1.0, 0.0, 1.0, 1.0]] * N)
    p[[1, 3], 0] = 1e4
    p[[1, 3], 2] = 1e4
    t = np.linspace(0.0, 10.0, 21)
    _, status, _, fb = run(kernels["DECAY"], np.zeros((N, 1)), p, t, 1e-6, 1e-10, lanes=True)
    assert fb.tolist() == [0, 1, 0, 1, 0]
    assert np.all(status[[0, 2, 4]] == 0)
    # the simulate wrapper then solves them with the scalar kernel: identical to "auto" alone
    ref = run(kernels["DECAY"], np.zeros((N, 1)), p, t, 1e-6, 1e-10, lanes=False)
    assert ref[2][1, 3] > 0  # the scalar run did switch to Rodas5P (LU factorisations)


def test_failure_gives_the_scalar_status_and_nan_outputs(kernels):
    """y' = y^2 from y = 1 blows up at t = 1: the same status as the scalar kernel, NaN from there on."""
    p = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    t = np.linspace(0.0, 2.0, 9)
    a = run(kernels["DECAY"], np.ones((2, 1)), p, t, 1e-8, 1e-12, lanes=True)
    b = run(kernels["DECAY"], np.ones((2, 1)), p, t, 1e-8, 1e-12, lanes=False)
    assert a[1][0] == b[1][0] != 0 and a[1][1] == 0
    assert np.array_equal(np.isnan(a[0]), np.isnan(b[0]))  # NaN after the failure, as in the scalar kernel
    assert np.all(np.isnan(a[0][0, 5:])) and np.all(np.isfinite(a[0][0, :4]))
    np.testing.assert_allclose(a[0][1, :, 0], np.exp(-t), rtol=1e-7)


@pytest.fixture(scope="module")
def core():
    return get_model("core")


def _population(model, n, seed=0):
    rng = np.random.default_rng(seed)
    base = model.parameter_values()
    pars = np.tile(base, (n, 1))
    var = np.array([q.parameter.cv > 0 for q in model.parameters])
    pars[:, var] *= rng.uniform(0.8, 1.2, (n, int(var.sum())))
    return pars


def test_an_individual_gets_the_same_numbers_in_any_batch(core):
    """Bit for bit: alone, in a batch of 7, and in a shuffled batch (other lanes, other neighbours)."""
    pars = _population(core, 7)
    t = np.arange(0.0, 24.0 * 12 + 1e-9, 3.0)
    ev = [Event(24 * 3 + 14.0, "set_input", "acute_stress", 1.0), Event(24 * 3 + 14.25, "set_input", "acute_stress", 0.0),
          Event(24 * 6 + 8.0, "add_state", "E", 2.0)]
    solver = Solver(rtol=1e-8, atol=1e-10)
    batch = simulate(core, t, parameters=pars, events=ev, solver=solver)
    alone = simulate(core, t, parameters=pars[4:5], events=ev, solver=solver)
    order = np.array([4, 0, 6, 2, 5, 1, 3])
    shuffled = simulate(core, t, parameters=pars[order], events=ev, solver=solver)
    for name in ("CORT", "TNF", "IL6", "ACTH"):
        assert np.array_equal(batch[name].values[4], alone[name].values[0])
        assert np.array_equal(batch[name].values[order], shuffled[name].values)


def test_vector_and_scalar_kernels_agree_on_the_core_model(core):
    pars = _population(core, 6, seed=1)
    t = np.arange(0.0, 24.0 * 12 + 1e-9, 1.0)
    ev = [Event(24 * 6 + 8.0, "add_state", "E", 2.0)]
    a = simulate(core, t, parameters=pars, events=ev, solver=Solver(rtol=1e-8, atol=1e-10))
    b = simulate(core, t, parameters=pars, events=ev, solver=Solver(rtol=1e-8, atol=1e-10, vector=False))
    assert np.all(a.status.values == 0)
    for s in core.states:
        x, y = a[s.name].values, b[s.name].values
        top = np.abs(y).max()
        if top > 0:
            assert np.max(np.abs(x - y)) <= 1e-5 * top, s.name


def test_the_translator_names_what_it_cannot_translate():
    x = sp.Symbol("x")
    with pytest.raises(ValueError, match="erf"):
        to_ops([sp.erf(x)], {x: ("y", 0)})
    with pytest.raises(ValueError, match="no source"):
        to_ops([x + sp.Symbol("z")], {x: ("y", 0)})
    ops, outs = to_ops([x ** 2 + 1, sp.Integer(0), sp.exp(x) / x], {x: ("y", 0)})
    assert [i for i, _ in outs] == [0, 2]  # zero derivatives are not written
    assert math.isclose(len(ops), len(set(ops)), rel_tol=0.5)
