"""Tests of the Rodas5P batch kernel (pnisim/engine/_kernel_template.py) and the kernel build cache."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from pnisim.engine._build import build_kernel

try:
    from . import _problems as P
except ImportError:  # tests/ is not a package: pytest puts this directory on sys.path
    import _problems as P


# --------------------------------------------------------------------------------------------- fixtures/helpers
@pytest.fixture(scope="session")
def kernel_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("kernels")


@pytest.fixture(scope="session")
def pr(kernel_dir):
    return build_kernel(P.PROTHERO_ROBINSON, cache_dir=kernel_dir)


@pytest.fixture(scope="session")
def lin2(kernel_dir):
    return build_kernel(P.LINEAR2, cache_dir=kernel_dir)


@pytest.fixture(scope="session")
def decay(kernel_dir):
    return build_kernel(P.DECAY, cache_dir=kernel_dir)


@pytest.fixture(scope="session")
def robertson(kernel_dir):
    return build_kernel(P.ROBERTSON, cache_dir=kernel_dir)


def run_fixed(mod, p, y0, t_end, n_steps, theta=0.5, n_inputs=1):
    """n_steps fixed steps; returns (y(t_end), dense output at (k + theta)*h for each step k)."""
    y0 = np.asarray(y0, dtype=float)
    y_end = np.empty(y0.size)
    y_theta = np.empty((n_steps, y0.size))
    err_est = np.empty(n_steps)
    status = mod.fixed_step_integrate(0.0, y0, np.asarray(p, dtype=float), np.zeros(n_inputs), t_end / n_steps,
                                      n_steps, theta, y_end, y_theta, err_est)
    assert status == 0
    return y_end, y_theta


def run_batch(mod, y0, p, t_out, *, rtol=1e-8, atol=1e-12, u0=None, events=None, h_init=0.0, h_max=0.0,
              max_steps=100_000, t0=0.0):
    """Call solve_batch. events: None or, per individual, a list of (time, kind, idx, value)."""
    y0 = np.atleast_2d(np.asarray(y0, dtype=float))
    n_ind, n = y0.shape
    p = np.atleast_2d(np.asarray(p, dtype=float))
    u0 = np.zeros((n_ind, 1)) if u0 is None else np.atleast_2d(np.asarray(u0, dtype=float))
    events = events if events is not None else [[] for _ in range(n_ind)]
    width = max(1, max(len(ev) for ev in events))
    ev_t = np.full((n_ind, width), -123.0)  # padding must be ignored (it would fire at t0 otherwise)
    ev_kind = np.ones((n_ind, width), dtype=np.int64)
    ev_idx = np.zeros((n_ind, width), dtype=np.int64)
    ev_val = np.full((n_ind, width), 1e3)
    n_ev = np.zeros(n_ind, dtype=np.int64)
    for i, ev in enumerate(events):
        n_ev[i] = len(ev)
        for j, (t, kind, idx, val) in enumerate(ev):
            ev_t[i, j], ev_kind[i, j], ev_idx[i, j], ev_val[i, j] = t, kind, idx, val
    t_out = np.asarray(t_out, dtype=float)
    atol = np.broadcast_to(np.asarray(atol, dtype=float), (n,)).copy()
    out = np.empty((n_ind, t_out.size, n))
    status = np.empty(n_ind, dtype=np.int64)
    stats = np.empty((n_ind, 4), dtype=np.int64)
    mod.solve_batch(t0, y0, p, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max,
                    max_steps, out, status, stats)
    return out, status, stats


def dp(k, q=0.0, amp=0.0, omega=0.0):
    """Parameters of the DECAY model: y' = -k*y + q*y^2 + u0 + amp*cos(omega*t)."""
    return [k, q, amp, omega]


def observed_order(hs, errs):
    """Least-squares slope of log(err) against log(h)."""
    return float(np.polyfit(np.log(hs), np.log(errs), 1)[0])


# ------------------------------------------------------------------------------------------------ 1. orders
def test_order_prothero_robinson_nonstiff(pr):
    """y' = -(y - cos t) - sin t: global order 5 at step points; dense output (order 4, local error h^5) -> 5."""
    t_end, ns = 2.0, [8, 16, 32, 64]
    errs, derrs = [], []
    for n in ns:
        h = t_end / n
        y_end, y_mid = run_fixed(pr, [-1.0], [1.0], t_end, n, theta=0.5)
        errs.append(abs(y_end[0] - math.cos(t_end)))
        derrs.append(np.max(np.abs(y_mid[:, 0] - np.cos((np.arange(n) + 0.5) * h))))
    hs = [t_end / n for n in ns]
    assert observed_order(hs, errs) == pytest.approx(5.0, abs=0.3)
    assert observed_order(hs, derrs) == pytest.approx(5.0, abs=0.3)


def test_order_prothero_robinson_stiff(pr):
    """lambda = -1e4 (h*lambda from -2500 to -300): the stiffly accurate method's step-point error is
    O(h^3 / |lambda|) (Prothero-Robinson order reduction, tiny in absolute terms); the stiff-aware dense
    output converges with its order 4."""
    t_end, ns = 2.0, [8, 16, 32, 64]
    hs = [t_end / n for n in ns]
    errs, derrs, errs_stiffer = [], [], []
    for n in ns:
        h = t_end / n
        y_end, y_th = run_fixed(pr, [-1e4], [1.0], t_end, n, theta=0.3)
        errs.append(abs(y_end[0] - math.cos(t_end)))
        derrs.append(np.max(np.abs(y_th[:, 0] - np.cos((np.arange(n) + 0.3) * h))))
        errs_stiffer.append(abs(run_fixed(pr, [-1e6], [1.0], t_end, n)[0][0] - math.cos(t_end)))
    assert observed_order(hs, derrs) == pytest.approx(4.0, abs=0.3)
    assert max(errs) < 1e-8
    assert all(a > b for a, b in zip(errs, errs[1:]))
    assert observed_order(hs, errs) > 2.5
    ratio = np.array(errs) / np.array(errs_stiffer)  # error ~ 1/|lambda|: stiffly accurate
    assert np.all((ratio > 50) & (ratio < 200))


def test_order_linear_complex_eigenvalues(lin2):
    """y' = [[a, -b], [b, a]] y: e^{at}(cos bt, sin bt).  For linear constant-coefficient problems the
    stability function of Rodas5P matches e^z to O(z^7), so step points show order 6 (>= method order 5);
    dense output at theta = 0.3 shows 5."""
    a, b, t_end, ns = -0.5, 3.0, 3.0, [16, 32, 64, 128]
    errs, derrs = [], []
    for n in ns:
        h = t_end / n
        y_end, y_th = run_fixed(lin2, [a, b], [1.0, 0.0], t_end, n, theta=0.3)
        exact = math.exp(a * t_end) * np.array([math.cos(b * t_end), math.sin(b * t_end)])
        errs.append(np.max(np.abs(y_end - exact)))
        tm = (np.arange(n) + 0.3) * h
        ex_m = np.exp(a * tm)[:, None] * np.stack([np.cos(b * tm), np.sin(b * tm)], axis=1)
        derrs.append(np.max(np.abs(y_th - ex_m)))
    hs = [t_end / n for n in ns]
    assert 5.0 - 0.3 <= observed_order(hs, errs) <= 6.0 + 0.3
    assert observed_order(hs, derrs) == pytest.approx(5.0, abs=0.3)


def test_order_nonlinear(decay):
    """y' = -y + y^2/2, y(0) = 1  ->  y = 1/(0.5 + 0.5 e^t): order 5."""
    t_end, ns = 2.0, [8, 16, 32, 64]
    errs = [abs(run_fixed(decay, dp(1.0, 0.5), [1.0], t_end, n)[0][0] - 1.0 / (0.5 + 0.5 * math.exp(t_end)))
            for n in ns]
    assert observed_order([t_end / n for n in ns], errs) == pytest.approx(5.0, abs=0.3)


def test_l_stable(decay):
    """One step with h*lambda = -1e12 damps the solution to ~0 (R(-inf) ~ 0)."""
    y_end, _ = run_fixed(decay, dp(1e12), [1.0], 1.0, 1)
    assert abs(y_end[0]) < 1e-9


# ----------------------------------------------------------------------------------- 2. tolerance proportionality
@pytest.mark.slow  # reference-grade solver check: runs in CI (make test-slow)
def test_tolerance_proportionality(decay):
    t_out = np.linspace(0.0, 5.0, 11)
    exact = 1.0 / (0.5 + 0.5 * np.exp(t_out))
    rtols = 10.0 ** -np.arange(4, 12)
    errs, steps = [], []
    for rtol in rtols:
        out, status, stats = run_batch(decay, [1.0], dp(1.0, 0.5), t_out, rtol=rtol, atol=1e-14)
        assert status[0] == 0
        errs.append(np.max(np.abs(out[0, :, 0] - exact) / exact))
        steps.append(stats[0, 0])
    errs = np.array(errs)
    slope = float(np.polyfit(np.log(rtols), np.log(errs), 1)[0])
    assert 0.8 < slope < 1.2
    assert np.all(errs < 20 * rtols)
    assert np.all(np.diff(steps) > 0)


@pytest.mark.parametrize("rtol", [1e-4, 1e-7])
def test_dense_output_of_slaved_stiff_component(decay, rtol):
    """y' = -k*y + k*cos t with k = 1e6: y follows cos t.  Step-point errors are ~1/k, so the embedded
    estimate alone would allow steps longer than the period; the midpoint defect check keeps the dense
    output (what t_out reports) within tolerance."""
    k = 1e6
    t_out = np.linspace(0.0, 100.0, 401)
    exact = k * (k * np.cos(t_out) + np.sin(t_out)) / (k * k + 1.0)
    out, status, _ = run_batch(decay, [exact[0]], dp(k, 0.0, k, 1.0), t_out, rtol=rtol, atol=1e-10)
    assert status[0] == 0
    assert np.max(np.abs(out[0, :, 0] - exact)) < 20 * rtol


def test_dense_output_after_fast_bolus(decay):
    """A bolus into a fast state (rate 400) while the step proposal is large: outputs inside the transient."""
    k = 400.0
    t_out = np.array([0.0, 4.0, 5.0, 5.001, 5.003, 5.01, 5.02, 6.0, 20.0])
    out, status, _ = run_batch(decay, [0.0], dp(k), t_out, rtol=1e-6, atol=1e-9, events=[[(5.0, 1, 0, 1.0)]])
    assert status[0] == 0
    exact = np.where(t_out >= 5.0, np.exp(-k * np.clip(t_out - 5.0, 0.0, None)), 0.0)
    np.testing.assert_allclose(out[0, :, 0], exact, rtol=1e-5, atol=1e-8)


# ----------------------------------------------------------------------------------------- 3. stiff reference
def _robertson_f(t, y):
    return [-0.04 * y[0] + 1e4 * y[1] * y[2], 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2, 3e7 * y[1] ** 2]


def _robertson_j(t, y):
    return [[-0.04, 1e4 * y[2], 1e4 * y[1]], [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]], [0.0, 6e7 * y[1], 0.0]]


@pytest.mark.slow  # reference-grade solver check: runs in CI (make test-slow)
def test_robertson_against_lsoda(robertson):
    t_out = np.concatenate([[0.0], np.logspace(-4, 10, 29)])
    ref = solve_ivp(_robertson_f, (0.0, t_out[-1]), [1.0, 0.0, 0.0], method="LSODA", rtol=1e-10,
                    atol=[1e-16, 1e-20, 1e-16], jac=_robertson_j, t_eval=t_out)
    assert ref.success
    out, status, stats = run_batch(robertson, [1.0, 0.0, 0.0], [0.04, 1e4, 3e7], t_out, rtol=1e-8,
                                   atol=[1e-14, 1e-18, 1e-14])
    assert status[0] == 0
    rel = np.abs(out[0, 1:] - ref.y.T[1:]) / np.abs(ref.y.T[1:])
    assert rel.max() < 1e-5
    np.testing.assert_array_equal(out[0, 0], [1.0, 0.0, 0.0])
    n_acc, n_rej, n_rhs, n_lu = stats[0]
    assert n_acc < 2000 and n_rej < 50  # an explicit method would need ~1e10 steps here
    assert n_lu == n_acc + n_rej
    assert n_rhs >= 8 * n_acc


# ------------------------------------------------------------------------------------------------- 4. events
def test_bolus_event(decay):
    k, y0, dose = 0.3, 2.0, 1.5
    t_out = np.array([0.0, 2.5, 5.0 - 1e-9, 5.0, 5.0, 7.5, 10.0])
    out, status, _ = run_batch(decay, [y0], dp(k), t_out, rtol=1e-10, atol=1e-14,
                               events=[[(5.0, 1, 0, dose)]])
    assert status[0] == 0
    exact = y0 * np.exp(-k * t_out) + np.where(t_out >= 5.0, dose * np.exp(-k * (t_out - 5.0)), 0.0)
    np.testing.assert_allclose(out[0, :, 0], exact, rtol=1e-8)
    assert out[0, 3, 0] - out[0, 2, 0] == pytest.approx(dose, rel=1e-7)  # the jump is not smoothed


def test_input_and_state_events(decay):
    """u0 = 0 -> R at t=3 and back to 0 at t=6; at t=8 the state is set to 1 and then 0.5 is added
    (equal-time events apply in order); a bolus at t0 shows in the t0 output; later events are ignored."""
    k, R, y0 = 0.5, 2.0, 1.0
    events = [(0.0, 1, 0, 0.25), (3.0, 0, 0, R), (6.0, 0, 0, 0.0), (8.0, 2, 0, 1.0), (8.0, 1, 0, 0.5),
              (50.0, 1, 0, 100.0)]
    t_out = np.array([0.0, 1.0, 3.0, 4.5, 6.0, 7.0, 8.0, 9.0, 10.0])
    out, status, _ = run_batch(decay, [y0], dp(k), t_out, rtol=1e-10, atol=1e-14, events=[events])
    assert status[0] == 0

    def exact(t):
        y = (y0 + 0.25) * math.exp(-k * min(t, 3.0))
        if t <= 3.0:
            return y
        ss = R / k
        y = ss + (y - ss) * math.exp(-k * (min(t, 6.0) - 3.0))
        if t <= 6.0:
            return y
        if t < 8.0:
            return y * math.exp(-k * (t - 6.0))
        return 1.5 * math.exp(-k * (t - 8.0))

    np.testing.assert_allclose(out[0, :, 0], [exact(t) for t in t_out], rtol=1e-8)
    assert out[0, 6, 0] == pytest.approx(1.5, rel=1e-12)


def test_event_stops_integration_exactly(decay):
    """A step must not jump over an input pulse, however large the step proposal."""
    t_out = np.array([0.0, 100.0])
    events = [[(40.0, 0, 0, 1.0), (40.001, 0, 0, 0.0)]]
    out, status, _ = run_batch(decay, [0.0], dp(1e-3), t_out, rtol=1e-9, atol=1e-14, events=events)
    assert status[0] == 0
    exact = (1.0 - math.exp(-1e-3 * 0.001)) / 1e-3 * math.exp(-1e-3 * (100.0 - 40.001))
    assert out[0, 1, 0] == pytest.approx(exact, rel=1e-7)


@pytest.mark.parametrize(
    "events",
    [[(1.0, 1, 3, 1.0)], [(1.0, 0, 1, 1.0)], [(1.0, 7, 0, 1.0)], [(2.0, 1, 0, 1.0), (1.0, 1, 0, 1.0)]],
    ids=["state-index", "input-index", "kind", "unsorted"],
)
def test_malformed_events_raise(decay, events):
    with pytest.raises(ValueError):
        run_batch(decay, [1.0], dp(1.0), [0.0, 3.0], events=[events])


# -------------------------------------------------------------------------------------------------- 5. batch
def test_batch_matches_single_and_isolates_failure(decay):
    n_ind, bad = 64, 17
    rng = np.random.default_rng(1)
    p = np.column_stack([rng.uniform(0.5, 3.0, n_ind), rng.uniform(0.0, 0.02, n_ind), np.zeros((n_ind, 2))])
    y0 = rng.uniform(0.5, 2.0, (n_ind, 1))
    p[bad] = dp(0.0, 1.0)  # y' = y^2, y(0) = 1: blows up at t = 1
    y0[bad] = 1.0
    u0 = rng.uniform(0.0, 1.0, (n_ind, 1))
    u0[bad] = 0.0
    events = [[(2.0, 1, 0, float(i) / n_ind)] for i in range(n_ind)]
    t_out = np.linspace(0.0, 5.0, 21)
    out, status, stats = run_batch(decay, y0, p, t_out, rtol=1e-7, atol=1e-10, u0=u0, events=events)

    assert status[bad] != 0
    ok = np.arange(n_ind) != bad
    assert np.all(status[ok] == 0)
    assert np.all(np.isfinite(out[ok]))
    # the failed individual: valid before the blow-up, NaN after
    assert out[bad, 2, 0] == pytest.approx(1.0 / (1.0 - t_out[2]), rel=1e-5)
    assert np.all(np.isnan(out[bad, t_out > 1.0]))

    for i in (0, 5, bad, 40, 63):
        o1, s1, st1 = run_batch(decay, y0[i:i + 1], p[i:i + 1], t_out, rtol=1e-7, atol=1e-10,
                                u0=u0[i:i + 1], events=[events[i]])
        np.testing.assert_array_equal(o1[0], out[i])
        assert s1[0] == status[i]
        np.testing.assert_array_equal(st1[0], stats[i])


def test_max_steps_and_h_max(decay):
    t_out = np.linspace(0.0, 10.0, 5)
    out, status, stats = run_batch(decay, [1.0], dp(1.0), t_out, rtol=1e-10, max_steps=5)
    assert status[0] == 1
    assert stats[0, 0] + stats[0, 1] == 5
    assert np.all(np.isnan(out[0, 1:]))
    assert out[0, 0, 0] == 1.0
    out, status, stats = run_batch(decay, [1.0], dp(1.0), t_out, rtol=1e-4, h_max=0.1, h_init=0.05)
    assert status[0] == 0
    assert stats[0, 0] >= 100
    np.testing.assert_allclose(out[0, :, 0], np.exp(-t_out), rtol=1e-5)


# ---------------------------------------------------------------------------------------------- 6. build cache
def test_build_cache(tmp_path, monkeypatch):
    source = P.trivial_source(str(tmp_path))
    first = build_kernel(source, cache_dir=tmp_path)
    second = build_kernel(source, cache_dir=tmp_path)
    assert first is second
    files = sorted(tmp_path.glob("pnisim_kernel_*.py"))
    assert len(files) == 1
    assert files[0].stem == first.__name__
    assert len(files[0].stem) == len("pnisim_kernel_") + 16
    text = files[0].read_text()
    assert text.startswith('"""Generated')
    assert "KERNEL_TEMPLATE_VERSION" in text and callable(first.solve_batch)
    assert not list(tmp_path.glob("*.tmp"))

    other = build_kernel(P.trivial_source(str(tmp_path) + "-other"), cache_dir=tmp_path)
    assert other is not first
    assert len(list(tmp_path.glob("pnisim_kernel_*.py"))) == 2

    env_dir = tmp_path / "env"
    monkeypatch.setenv("PNISIM_CACHE_DIR", str(env_dir))
    build_kernel(P.trivial_source(str(tmp_path) + "-env"))
    assert len(list(env_dir.glob("pnisim_kernel_*.py"))) == 1
