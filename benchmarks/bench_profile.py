"""Where the whole model's time goes: pnisim's step statistics and per-call costs next to CVODE's step count.

bench_engine.py measures the ratio; this script explains it. For the scenario of bench_engine.py (parameters
±20 %, seed 0; a Trier-type stressor on day 7 and 2 ng/kg LPS on day 10; daily outputs) it prints:

* pnisim on one thread, scalar kernel and 4-lane vector kernel (``Solver(vector=...)``): ms per individual,
  accepted and rejected steps, right-hand-side (rhs) evaluations, the mean step, and how many steps ran in the
  stiff method (LU factorisations);
* the cost of one rhs evaluation (scalar, and per individual in the 4-lane kernel) and of one scalar DOP853 step
  (12 rhs + stage sums + error estimate), timed in a compiled loop at a state reached after 40 days;
* the same rhs with its transcendental library calls (exp, log, cos, tanh and non-integer powers) replaced by
  arithmetic stand-ins of similar form: the difference is what those libm calls cost (a timing probe only; the
  stand-in values are meaningless);
* over a 10-day window, which state's weighted local error most often decides the explicit step (the
  controller of the kernel, re-run step by step from Python);
* libRoadRunner (CVODE, BDF) on the same SBML export: steps per individual (variable-step output), ms per
  individual and µs per step.

    python benchmarks/bench_profile.py [--model whole] [--n 20] [--days 365] [--rtol 1e-6]
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
from bench_engine import RR_ATOL, scenario  # same directory: the scenario of the ratio being explained

from pnisim.engine.codegen import model_source
from pnisim.engine.roadrunner import load_roadrunner
from pnisim.engine.sbml import to_sbml
from pnisim.engine.simulate import Solver, _atol_vector, compile_model, simulate
from pnisim.engine.vector import vector_available
from pnisim.model.library import get_model

_STANDINS = '''
@numba.njit(inline="always")
def _standin_exp(x):
    return 1.0 + 0.5 * x

@numba.njit(inline="always")
def _standin_log(x):
    return 0.5 * x + 0.1
'''


@numba.njit
def _rhs_loop(rhs, t, y, p, u, dy, n):
    acc = 0.0
    for k in range(n):
        rhs(t + k * 1e-6, y, p, u, dy)
        acc += dy[0]
    return acc


@numba.njit
def _lanes_loop(rhs4, t, y, p, u, dy, n):
    acc = 0.0
    for k in range(n):
        t[0] += 1e-9
        rhs4(t, y, p, u, dy)
        acc += dy[0, 0]
    return acc


@numba.njit
def _step_loop(step, rhs, t, h, y, p, u, KD, ynew, ytmp, ys, rtol, atol, n):
    rhs(t, y, p, u, KD[0])
    acc = 0.0
    for _ in range(n):
        err, _hl = step(t, h, y, p, u, KD, ynew, ytmp, ys, rtol, atol)
        acc += err
    return acc


def _per_call_us(fn, *args, n: int) -> float:
    fn(*args, 2)
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        fn(*args, n)
        best = min(best, time.perf_counter() - t0)
    return 1e6 * best / n


def _standin_kernel(source: str):
    """The generated model source with libm calls replaced by arithmetic stand-ins (timing probe only)."""
    src = (source.replace("math.exp(", "_standin_exp(").replace("math.log(", "_standin_log(")
           .replace("math.cos(", "_standin_log(").replace("math.tanh(", "_standin_log(")
           .replace("return math.exp(a * math.log(x))", "return a * x"))
    src = src.replace("import numpy as np\n", "import numpy as np\n" + _STANDINS, 1)
    path = Path(tempfile.mkdtemp(prefix="pnisim-profile-")) / "standin_kernel.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("pnisim_standin_kernel", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="whole", choices=["core", "whole"])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--days", type=float, default=365.0)
    ap.add_argument("--rtol", type=float, default=1e-6)
    args = ap.parse_args()

    model = get_model(args.model)
    kernel = compile_model(model)
    params, t_out, events = scenario(model, args.n, args.days, 24.0)
    base = model.parameter_values()
    solver = Solver(rtol=args.rtol, atol=1e-10)

    # --- whole runs, one thread: the scalar kernel, then the 4-lane vector kernel
    print(f"model: {args.model} ({len(model.states)} states), {args.n} individuals x {args.days:g} days, daily "
          f"output, rtol {args.rtol:g}")
    threads = numba.get_num_threads()
    per_ind = {}
    for vec in (False, True):
        s = Solver(rtol=args.rtol, atol=1e-10, vector=vec)
        numba.set_num_threads(1)
        simulate(model, t_out[:3], parameters=params[:4], events=[], solver=s)  # warm-up (compiles once)
        t0 = time.perf_counter()
        ds = simulate(model, t_out, parameters=params, events=events, solver=s, keep_states=False)
        per_ind[vec] = (time.perf_counter() - t0) / args.n
        numba.set_num_threads(threads)
        steps, rej, nrhs, nlu = (float(ds[v].values.mean()) for v in ("n_steps", "n_rejected", "n_rhs", "n_lu"))
        label = "4-lane vector kernel" if vec else "scalar kernel"
        print(f"pnisim {label}, 1 thread: {1e3 * per_ind[vec]:.1f} ms/individual; per individual {steps:.0f} "
              f"accepted + {rej:.0f} rejected steps ({100 * rej / (steps + rej):.1f} % rejected), {nrhs:.0f} rhs "
              f"evaluations, {nlu:.0f} stiff (Rodas5P) steps; mean step {24 * args.days / steps:.3f} h")

    # --- per-call costs at a state 40 days in (default parameters, no inputs)
    t_probe = 24.0 * min(40.0, args.days)
    st = simulate(model, np.array([0.0, t_probe]), parameters=base[None], events=[],
                  solver=Solver(rtol=1e-8, atol=1e-10))
    y = np.array([float(st[s.name].values[0, -1]) for s in model.states])
    p = np.empty(base.size + kernel.N_DERIVED)
    p[:base.size] = base
    kernel.derive(p)
    u = np.zeros(kernel.N_INPUTS)
    dy = np.empty_like(y)
    n = y.size
    KD, ynew, ytmp, ys = np.empty((16, n)), np.empty(n), np.empty(n), np.empty(n)
    atol = _atol_vector(model, y[None], solver)
    rhs_us = _per_call_us(_rhs_loop, kernel.rhs, t_probe, y, p, u, dy, n=200_000)
    step_us = _per_call_us(_step_loop, kernel._dop_step, kernel.rhs, t_probe, 0.3, y, p, u, KD, ynew, ytmp, ys,
                           args.rtol, atol, n=20_000)
    standin = _standin_kernel(model_source(model))
    bare_us = _per_call_us(_rhs_loop, standin.rhs, t_probe, y, p, u, dy, n=200_000)
    lanes_us = np.nan
    if getattr(kernel, "VECTOR_KERNEL", False) and vector_available():
        Y4 = np.ascontiguousarray(np.tile(y[:, None], (1, 4)))
        P4 = np.ascontiguousarray(np.tile(p[:, None], (1, 4)))
        U4 = np.ascontiguousarray(np.tile(u[:, None], (1, 4)))
        T4 = np.full(4, t_probe)
        lanes_us = _per_call_us(_lanes_loop, kernel.rhs_lanes, T4, Y4, P4, U4, np.zeros_like(Y4), n=100_000) / 4
    print(f"one rhs evaluation: {rhs_us:.3f} us scalar, {lanes_us:.3f} us per individual in the 4-lane kernel; "
          f"scalar with its libm calls replaced by arithmetic stand-ins: "
          f"{bare_us:.3f} us (libm calls {100 * (rhs_us - bare_us) / rhs_us:.0f} % of the rhs)")
    print(f"one DOP853 step: {step_us:.2f} us, of which 12 rhs evaluations {12 * rhs_us:.2f} us "
          f"({100 * 12 * rhs_us / step_us:.0f} %)")

    # --- which state's error decides the explicit step (10 days, the kernel's controller from Python)
    names = [s.name for s in model.states]
    yy, t, h, t_end = y.copy(), t_probe, 0.1, t_probe + 240.0
    f0 = np.empty(n)
    kernel.rhs(t, yy, p, u, f0)
    decides: collections.Counter = collections.Counter()
    accepted = 0
    while t < t_end:
        h = min(h, t_end - t)
        KD[0] = f0
        err, _ = kernel._dop_step(t, h, yy, p, u, KD, ynew, ytmp, ys, args.rtol, atol)
        if err <= 1.0:
            sk = atol + args.rtol * np.maximum(np.abs(yy), np.abs(ynew))
            decides[names[int(np.argmax((ytmp / sk) ** 2))]] += 1  # ytmp holds the 5th-order error estimate
            yy, t, f0 = ynew.copy(), t + h, KD[12].copy()
            accepted += 1
        h *= min(6.0, max(0.333, 0.9 * err ** (-1 / 8))) if err > 0 else 6.0
    top = ", ".join(f"{k} {100 * v / accepted:.0f} %" for k, v in decides.most_common(4))
    print(f"state with the largest weighted error over {accepted} explicit steps in 10 days: {top}")
    J = np.empty((n, n))
    kernel.jac(t, yy, p, u, J)
    ev = np.sort(np.linalg.eigvals(J).real)[:4]
    print(f"fastest Jacobian eigenvalues there (1/h): {', '.join(f'{e:.2f}' for e in ev)}; DOP853's real "
          f"stability limit 6.1/|lambda| = {6.1 / abs(ev[0]):.2f} h")

    # --- CVODE
    lm = load_roadrunner(to_sbml(model, events=events))
    rr = lm.rr
    rr.integrator.relative_tolerance = args.rtol
    rr.integrator.absolute_tolerance = RR_ATOL
    cv_steps, cv_wall = [], 0.0
    m = min(args.n, 5)
    for i in range(m):
        rr.resetAll()
        lm.set_parameters(params[i])
        rr.integrator.variable_step_size = True
        cv_steps.append(np.asarray(rr.simulate(0.0, float(t_out[-1]))).shape[0] - 1)
        rr.resetAll()
        lm.set_parameters(params[i])
        rr.integrator.variable_step_size = False
        t0 = time.perf_counter()
        rr.simulate(times=t_out)
        cv_wall += time.perf_counter() - t0
    rr.integrator.variable_step_size = False
    cv = float(np.mean(cv_steps))
    print(f"libRoadRunner (CVODE BDF), {m} individuals: {cv:.0f} steps per individual, "
          f"{1e3 * cv_wall / m:.0f} ms/individual, {1e6 * cv_wall / m / cv:.1f} us per step")
    for vec, label in ((False, "scalar"), (True, "4-lane vector")):
        print(f"per individual and core: pnisim {label} {1e3 * per_ind[vec]:.0f} ms vs CVODE "
              f"{1e3 * cv_wall / m:.0f} ms ({cv_wall / m / per_ind[vec]:.2f}x on one core)")


if __name__ == "__main__":
    main()
