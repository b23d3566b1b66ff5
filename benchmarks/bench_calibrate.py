"""Calibration benchmark: wall time of the whole-model effect-size calibration on this machine, and
whether it reproduces the shipped parameter set.

Runs the same plan as ``pnisim calibrate`` (pnisim.calibrate.whole_effects.PLAN, full-size simulated studies,
7-point grids) and prints, per step, the seconds it took and the best value with its 95 % credible interval next
to the shipped one; then the total wall time and CPU time. ``--from-scratch --sweeps 2`` starts every parameter at
its uncalibrated default and passes over the plan twice (the "reproduces from scratch" check).

    python benchmarks/bench_calibrate.py [--from-scratch] [--sweeps 1] [--grid 7] [--scale 1.0] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import time

from pnisim.calibrate.whole_effects import PLAN, calibrate_whole, compare_with
from pnisim.model.library import whole_calibration


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from-scratch", action="store_true")
    ap.add_argument("--sweeps", type=int, default=1)
    ap.add_argument("--grid", type=int, default=7)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--json", default="")
    args = ap.parse_args()

    marks: list[tuple[float, str]] = []
    last = [""]

    def progress(frac: float, msg: str) -> None:
        step = msg.split(": ")[0]
        if step != last[0]:
            marks.append((time.perf_counter(), step))
            last[0] = step

    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = calibrate_whole(n_grid=args.grid, scale=args.scale, from_scratch=args.from_scratch,
                             sweeps=args.sweeps, progress=progress)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    marks.append((wall0 + wall, "end"))
    rows = compare_with(result, whole_calibration())

    print(f"whole-model calibration: {len(PLAN)} steps x {args.sweeps} sweep(s), grid {args.grid}, scale "
          f"{args.scale:g}, start: {result['provenance']['start']}, cores: {os.cpu_count()}")
    print("seconds per step (in order):")
    for (t0, name), (t1, _) in zip(marks, marks[1:]):
        if name not in ("", "done"):
            print(f"  {t1 - t0:7.1f} s  {name}")
    print(f"{'parameter':42s} {'best':>10s} {'95 % credible':>22s} {'shipped':>10s} {'shipped 95 %':>22s} within")
    for r in rows:
        c, rc = r["credible_95"], r["reference_credible_95"]
        print(f"{r['parameter']:42s} {r['best']:10.4g} {c[0]:10.4g}-{c[1]:<11.4g} {r['reference_best']:10.4g} "
              f"{rc[0]:10.4g}-{rc[1]:<11.4g} {'yes' if r['within'] else 'NO'}")
    print(f"reproduced within posterior uncertainty: {sum(r['within'] for r in rows)} of {len(rows)}")
    for w in result["warnings"]:
        print(f"warning: {w['parameter']}: {w['problem']} ({w['detail']})")
    print(f"wall time: {wall / 60:.1f} min ({wall:.0f} s), CPU time {cpu:.0f} s in this process")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"wall_s": wall, "cpu_s": cpu, "comparison": rows, "warnings": result["warnings"],
                       "parameters": result["parameters"], "provenance": result["provenance"]}, fh, indent=1)


if __name__ == "__main__":
    main()
