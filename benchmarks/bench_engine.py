"""Engine benchmark: pnisim vs libRoadRunner on the composed core, measured in one run.

1,000 individuals whose between-person-variable parameters (cv > 0) are drawn uniformly within ±20 % of their
values (seed 0), 30 days with hourly output, the default scenario's events that fall in 30 days (a 15-min
Trier-type stressor on day 7 at 14:00, 2 ng/kg LPS on day 10 at 08:00). pnisim integrates the batch with its
compiled kernel (default method "auto": DOP853 with stiffness detection and Rodas5P, four individuals per
vector lane set where the machine allows; ``--scalar`` for the scalar kernel) on all cores; libRoadRunner (CVODE) simulates pnisim's own SBML export of the same
scenario in a loop, one individual after another, with the same relative tolerance and output grid. Compile
time is excluded for both (pnisim's kernel is warmed up on one individual; libRoadRunner's model is loaded
once). Prints both times, the ratio and the largest relative difference over all individuals, observables
and output times.

    python benchmarks/bench_engine.py [--model core|whole] [--n 1000] [--days 30] [--sampling 1] [--rtol 1e-8]
                                      [--rr-subset N] [--quasi-steady] [--threads-scaling]

The throughput figure in docs/performance.md: ``--model whole --n 10000 --days 365 --sampling 24 --rtol 1e-6 --rr-subset 20``
(daily outputs for a year). ``--quasi-steady`` runs both engines on the quasi-steady reduction of the whole
model's four fastest states (pnisim.model.reduce; libRoadRunner gets the reduced SBML export, assignment rules).
``--threads-scaling`` also times pnisim on the first 1,000 individuals with 1 thread and with all threads and
prints the speed-up (parallel efficiency).

``--rr-subset N`` times libRoadRunner on the first N individuals only and scales per individual (stated in
the output); by default every individual is run by both.
"""

from __future__ import annotations

import argparse
import os
import time

import numba
import numpy as np

from pnisim.engine.roadrunner import simulate_roadrunner
from pnisim.engine.sbml import to_sbml
from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.library import for_long_runs, get_model

FLAT = 1e-3  # a trajectory whose largest magnitude stays below this (own units) is compared in absolute terms
CHUNK = 2000  # individuals per engine call
RR_ATOL = 1e-14  # looser absolute tolerances let CVODE drive the decaying endotoxin state negative and fail


def scenario(model, n: int, days: float, sampling: float):
    """The benchmark scenario: n parameter sets (cv > 0 parameters uniform within ±20 %, seed 0), output times
    every ``sampling`` hours for ``days``, and the stressor and LPS events that fall inside."""
    rng = np.random.default_rng(0)
    params = np.tile(model.parameter_values(), (n, 1))
    variable = np.array([p.parameter.cv > 0 for p in model.parameters])
    params[:, variable] *= rng.uniform(0.8, 1.2, size=(n, int(variable.sum())))
    t_out = np.arange(0.0, 24.0 * days + 1e-9, sampling)
    events = [
        Event(24 * 7 + 14.0, "set_input", "acute_stress", 1.0),
        Event(24 * 7 + 14.25, "set_input", "acute_stress", 0.0),
        Event(24 * 10 + 8.0, "add_state", "E", 2.0),
    ]
    return params, t_out, [e for e in events if e.time <= t_out[-1]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="core", choices=["core", "whole"])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--rr-subset", type=int, default=0)
    ap.add_argument("--sampling", type=float, default=1.0, help="output interval in hours")
    ap.add_argument("--quasi-steady", action="store_true")
    ap.add_argument("--threads-scaling", action="store_true")
    ap.add_argument("--scalar", action="store_true", help="the scalar kernel (Solver(vector=False))")
    args = ap.parse_args()

    model = get_model(args.model)
    if args.quasi_steady:
        model = for_long_runs(model)
    params, t_out, events = scenario(model, args.n, args.days, args.sampling)
    # same tolerances: relative rtol for both; absolute RR_ATOL (libRoadRunner, absolute units) and
    # 1e-10 x each state's scale (pnisim) — both far below the size of any state
    solver = Solver(rtol=args.rtol, atol=1e-10, vector=not args.scalar)

    simulate(model, t_out[:25], parameters=params[:1], events=[], solver=solver)  # JIT warm-up, excluded
    scaling = ""
    if args.threads_scaling:
        m1 = min(args.n, 1000)
        wall = {}
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            t0 = time.perf_counter()
            simulate(model, t_out, parameters=params[:m1], events=events, solver=solver, keep_states=False)
            wall[threads] = time.perf_counter() - t0
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        one, many = wall[1], wall[numba.config.NUMBA_NUM_THREADS]
        scaling = (f"parallel speed-up on {m1} individuals: 1 thread {one:.2f} s, {numba.config.NUMBA_NUM_THREADS} "
                   f"threads {many:.2f} s: {one / many:.2f}x")
    # batches of at most CHUNK individuals (as streamed runs do): 10,000 x 366 daily outputs of every state and
    # observable would not fit in the 4 GiB engine limit at once; the first batch is kept for the comparison
    t0 = time.perf_counter()
    failed = 0
    for lo in range(0, args.n, CHUNK):
        part = simulate(model, t_out, parameters=params[lo:lo + CHUNK], events=events, solver=solver,
                        keep_states=False)
        failed += int((part.status.values != 0).sum())
        if lo == 0:
            ds = part
    t_pn = time.perf_counter() - t0

    sbml = to_sbml(model, events=events)
    m = args.rr_subset or args.n
    if m > CHUNK:
        raise SystemExit(f"--rr-subset must be at most {CHUNK} (the individuals compared are those of the first batch)")
    simulate_roadrunner(sbml, t_out[:3], rtol=args.rtol, atol=RR_ATOL, parameters=params[0])  # load, excluded
    names = model.observable_names
    worst = 0.0
    t0 = time.perf_counter()
    rr_out, rr_failed = [], 0
    for i in range(m):
        try:
            rr_out.append(simulate_roadrunner(sbml, t_out, rtol=args.rtol, atol=RR_ATOL, parameters=params[i]))
        except RuntimeError:  # CVODE gave up on this individual; count it, keep going (as pnisim does)
            rr_out.append(None)
            rr_failed += 1
    t_rr_measured = time.perf_counter() - t0
    t_rr = t_rr_measured * args.n / m
    worst_abs, worst_norm, flat, crossing = 0.0, 0.0, set(), set()
    for i, res in enumerate(rr_out):
        if res is None or ds.status.values[i] != 0:
            continue
        for name in names:
            a = ds[name].values[i]
            b = res[name]
            top = np.abs(b).max()
            if top < FLAT:  # stays at ~0 in this run (e.g. a drug never given): absolute difference
                flat.add(name)
                worst_abs = max(worst_abs, float(np.max(np.abs(a - b))))
                continue
            # difference relative to the trajectory's largest magnitude (every non-flat observable)
            worst_norm = max(worst_norm, float(np.max(np.abs(a - b)) / top))
            if np.any(b > 0) and np.any(b < 0):  # crosses zero (sleep deficit, mood drive): pointwise is moot
                crossing.add(name)
                continue
            floor = max(1e-6 * top, 1e-12)
            worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor))))

    print(f"model: {args.model} ({len(model.states)} integrated states"
          + (f", {len(model.algebraic)} quasi-steady" if model.algebraic else "")
          + f"), {args.n} individuals x {args.days:g} days, output every {args.sampling:g} h, "
          f"rtol {args.rtol:g}, cores: {os.cpu_count()}")
    if scaling:
        print(scaling)
    kernel = "4-lane vector kernel" if ds.attrs.get("solver_lanes", "").startswith("4-lane") else "scalar kernel"
    print(f"pnisim ({solver.method}, {kernel}, {numba.get_num_threads()} threads):  {t_pn:8.2f} s  "
          f"({1e3 * t_pn / args.n:.2f} ms/individual), failed: {failed}")
    scaled = f" (timed {m}, scaled per individual)" if m < args.n else ""
    print(f"libRoadRunner (CVODE, loop):     {t_rr:8.2f} s  ({1e3 * t_rr / args.n:.2f} ms/individual){scaled}, "
          f"failed: {rr_failed}")
    print(f"ratio (libRoadRunner / pnisim):  {t_rr / t_pn:8.2f}x")
    print(f"largest relative difference over {m} individuals x {len(names)} observables x {t_out.size} times: "
          f"{worst:.2e} pointwise (observables that keep their sign), {worst_norm:.2e} relative to each "
          f"trajectory's largest magnitude (all, including {', '.join(sorted(crossing)) or 'none'} that cross zero)")
    if flat:
        print(f"largest absolute difference of observables that stay within {FLAT:g} of zero here "
              f"({', '.join(sorted(flat))}): {worst_abs:.2e}")


if __name__ == "__main__":
    main()
