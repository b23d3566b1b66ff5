"""Trial benchmark: a 2-arm trial of 500 per arm over 36 weeks on the whole model.

Target: the whole trial, screening to analysis, in under 60 s on a 2-core machine.

By default the spec is built here from ``examples/shields2020_cbt_immune.toml`` (CBT vs usual care, mixture
70 % chronic stress / 30 % MDD, 28 d burn-in, visits only) with ``per_arm = 500``, a 36-week follow-up with visits
at 0, 12 and 36 weeks, ``screen_factor = 1`` and no inclusion criteria, so every screened candidate is randomised
(1,000 people are simulated for 28 d + 252 d). ``--spec`` runs any other trial file instead.

The compiled kernel is loaded (and compiled, the first time on a machine: about a minute) by a one-person
simulation before the clock starts; the time printed excludes that. Printed: wall time and CPU time of the whole
``run_trial``, split into screening (burn-in of every candidate), follow-up (both arms) and the rest (measurement,
statistics, power curves, cost-effectiveness), with the solver's work counts (accepted and rejected steps,
right-hand-side evaluations, LU factorisations), which do not depend on the machine or its load.

    python benchmarks/bench_trial.py [--spec FILE] [--per-arm 500] [--weeks 36] [--rtol 1e-6 --atol 1e-8]
                                     [--repeat 1] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import pathlib
import time
import tomllib

import numba
import numpy as np

import pnisim.trial.run as trial_run
from pnisim.engine.simulate import Solver, compile_model, simulate
from pnisim.model.library import for_long_runs
from pnisim.trial.spec import load_trial, parse_trial

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "shields2020_cbt_immune.toml"
TARGET_S = 60.0
COUNTS = ("n_steps", "n_rejected", "n_rhs", "n_lu")


def build_spec(per_arm: int, weeks: float):
    """The example trial with per_arm, a follow-up of ``weeks`` (visits 0, 12, end), screen_factor 1, no inclusion."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["duration"] = f"{weeks:g} week"
    data["visits"] = sorted({"0 week", f"{min(12.0, weeks):g} week", f"{weeks:g} week"},
                            key=lambda v: float(v.split()[0]))
    data["population"].update(per_arm=per_arm, screen_factor=1.0)
    data["inclusion"] = []
    return parse_trial(data, source=f"{EXAMPLE.name} (per_arm={per_arm}, {weeks:g} weeks, screen_factor 1, "
                                    "no inclusion)")


class _Timer:
    """Wraps the trial runner's ``simulate`` to time each engine call and sum the solver's work counts."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, model, t_out, **kw):
        w, c = time.perf_counter(), time.process_time()
        ds = simulate(model, t_out, **kw)
        phase = "screening" if kw.get("t0", 0.0) < 0.0 else "follow-up"
        row = {"phase": phase, "wall": time.perf_counter() - w, "cpu": time.process_time() - c,
               "n": ds.sizes["individual"], "failed": int((ds["status"].values != 0).sum())}
        row.update({k: int(ds[k].values.sum()) for k in COUNTS})
        self.calls.append(row)
        return ds

    def phase(self, name: str) -> dict:
        rows = [r for r in self.calls if r["phase"] == name]
        out = {k: sum(r[k] for r in rows) for k in ("wall", "cpu", "n", "failed", *COUNTS)}
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", type=pathlib.Path, help="trial file to run instead of the built-in spec")
    ap.add_argument("--per-arm", type=int, default=500)
    ap.add_argument("--weeks", type=float, default=36.0)
    ap.add_argument("--rtol", type=float, default=None, help="solver rtol (default: run_trial's default)")
    ap.add_argument("--atol", type=float, default=None, help="solver atol (default: rtol / 100)")
    ap.add_argument("--integrate-fast", action="store_true",
                    help="solve the full model (fast_states = 'integrate') instead of the quasi-steady reduction")
    ap.add_argument("--repeat", type=int, default=1, help="run the trial this many times; min and median printed")
    ap.add_argument("--threads", type=int, default=None, help="numba threads (default: all cores)")
    args = ap.parse_args()
    if args.threads:
        numba.set_num_threads(args.threads)

    spec = load_trial(args.spec) if args.spec else build_spec(args.per_arm, args.weeks)
    if args.integrate_fast:
        spec = spec.model_copy(update={"fast_states": "integrate"})
    kw = {}
    if args.rtol is not None:
        kw["solver"] = Solver(rtol=args.rtol, atol=args.atol if args.atol is not None else args.rtol / 100)
    solver = kw.get("solver", trial_run.run_trial.__kwdefaults__["solver"])

    # warm-up, excluded from the timing: compile (first time on this machine) or load the cached kernel
    model = spec.scenario().get_model()
    if spec.quasi_steady():
        model = for_long_runs(model)  # what run_trial integrates
    w = time.perf_counter()
    compile_model(model)
    simulate(model, [0.0, 24.0], parameters=model.parameter_values(), solver=solver)
    warm = time.perf_counter() - w

    print(f"trial: {spec.name} — {spec.population.per_arm} per arm x {len(spec.arms)} arms, screen_factor "
          f"{spec.population.screen_factor:g}, {len(spec.inclusion)} inclusion criteria, burn-in "
          f"{spec.burn_in.value:g} {spec.burn_in.unit}, follow-up {spec.duration.value:g} {spec.duration.unit}, "
          f"{len(spec.visits)} visits; model {spec.model!r} ({len(model.states)} states integrated"
          f"{', quasi-steady: ' + ', '.join(model.algebraic_names) if model.algebraic else ''})")
    print(f"solver: {solver.method}, rtol {solver.rtol:g}, atol {solver.atol:g}; threads: {numba.get_num_threads()} "
          f"(cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.2f})")
    print(f"kernel warm-up (compile or load from the disk cache, excluded): {warm:.1f} s")

    walls, cpus, timers = [], [], []
    original = trial_run.simulate
    try:
        for _ in range(args.repeat):
            timer = _Timer()
            trial_run.simulate = timer
            w, c = time.perf_counter(), time.process_time()
            trial_run.run_trial(spec, **kw)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            timers.append(timer)
    finally:
        trial_run.simulate = original

    best = int(np.argmin(walls))
    timer = timers[best]
    print(f"\nwhole trial: {walls[best]:.1f} s wall (min of {args.repeat}; median {np.median(walls):.1f} s), "
          f"{cpus[best]:.1f} s CPU — target < {TARGET_S:g} s: {'met' if walls[best] < TARGET_S else 'NOT met'}")
    rest_wall = walls[best]
    rest_cpu = cpus[best]
    for name in ("screening", "follow-up"):
        ph = timer.phase(name)
        rest_wall -= ph["wall"]
        rest_cpu -= ph["cpu"]
        per = max(ph["n"], 1)
        print(f"  {name:<10} {ph['wall']:7.1f} s wall {ph['cpu']:7.1f} s CPU  {ph['n']:5d} people, failed "
              f"{ph['failed']}; per person: {ph['n_steps'] / per:8.0f} steps, {ph['n_rejected'] / per:6.0f} rejected, "
              f"{ph['n_rhs'] / per:9.0f} rhs, {ph['n_lu'] / per:6.1f} LU")
    print(f"  {'analysis':<10} {rest_wall:7.1f} s wall {rest_cpu:7.1f} s CPU  (measurement, statistics, power, "
          "cost-effectiveness)")
    print("Research use only, not medical advice.")


if __name__ == "__main__":
    main()
