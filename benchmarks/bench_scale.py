"""Scale benchmark: streamed population runs of the whole model over a year with daily output —
cost per individual as N grows, and peak resident memory.

Each N runs in a fresh process (``pnisim run --stream``) so its peak resident set size (``wait4`` rusage) is its
own: the whole model (quasi-steady reduction of its four minutes-scale states), healthy adults with
between-person variability, 14 days of burn-in, then 365 days sampled daily at 08:00 under a year of moderate
chronic stress with a 10-session CBT course from day 90; 20 observables kept as daily time series in a chunked
Zarr store (chunks of 1,000). Prints, per N: wall time, time per individual, peak RSS, store size.

    python benchmarks/bench_scale.py [--n 1000,10000,100000] [--workers 0] [--keep series]

``--workers W`` sends the chunks to a local dask cluster of W processes (the peak RSS is then the driver's).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUTPUTS = ["crp", "il6", "tnf", "il10", "il8", "phq9", "gad7", "pss10", "rumination", "sleep_hours", "psqi",
           "rmssd", "sympathetic", "nk_activity", "kyn_trp_ratio", "serotonin", "fatigue", "th17_treg_ratio",
           "gut_permeability", "tnf_hypothalamic"]


def scenario(n: int) -> dict:
    return {
        "name": f"bench-scale-{n}", "model": "whole",
        "description": "a year of moderate chronic stress with CBT from day 90, daily output (benchmark)",
        "person": {"phenotype": "healthy", "wake_time": "07:00"},
        "run": {"duration": "365 d", "start": "08:00", "burn_in": "14 d", "sampling": "1 d", "outputs": OUTPUTS,
                "fast_states": "quasi-steady"},
        "population": {"size": n, "seed": 1, "variability": True},
        "exposures": [
            {"type": "chronic_stress", "label": "work stress", "schedule": [{"from_day": 0, "level": 0.4}]},
            {"type": "cbt", "day": 90, "time": "18:00", "sessions": 10},
        ],
    }


def run_one(n: int, workers: int, keep: str, root: Path) -> dict:
    spec = root / f"scale_{n}.yaml"
    spec.write_text(json.dumps(scenario(n)), encoding="utf-8")  # JSON is YAML
    out = root / f"out_{n}"
    cmd = [sys.executable, "-m", "pnisim.cli.main", "run", str(spec), "--stream", "--out", str(out), "--keep", keep,
           "--json", "--overwrite"] + (["--workers", str(workers)] if workers else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout = proc.stdout.read()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"N = {n} failed:\n{stderr.decode()}")
    summary = json.loads(stdout)
    size = sum(f.stat().st_size for f in (out / "results.zarr").rglob("*") if f.is_file())
    shutil.rmtree(out)
    return {"n": n, "wall_s": wall, "sim_s": summary["wall_s"], "per_individual_ms": 1e3 * summary["wall_s"] / n,
            "peak_rss_gib": usage.ru_maxrss / 2**20, "store_mib": size / 2**20,
            "failed": summary["failed_individuals"], "chunks": summary["n_chunks"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="1000,10000,100000")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--keep", default="series", choices=["series", "summaries", "both"])
    args = ap.parse_args()
    sizes = [int(x) for x in args.n.split(",")]
    root = Path(tempfile.mkdtemp(prefix="pnisim-bench-scale-"))
    print(f"whole model (quasi-steady), 365 d daily x {len(OUTPUTS)} observables, keep {args.keep}, "
          f"{'dask LocalCluster of ' + str(args.workers) + ' workers' if args.workers else 'local threads'}, "
          f"cores: {os.cpu_count()}")
    print(f"{'N':>8s} {'wall (s)':>9s} {'simulating (s)':>15s} {'ms/individual':>14s} {'peak RSS (GiB)':>15s} "
          f"{'store (MiB)':>12s} failed")
    try:
        for n in sizes:
            r = run_one(n, args.workers, args.keep, root)
            print(f"{r['n']:8d} {r['wall_s']:9.1f} {r['sim_s']:15.1f} {r['per_individual_ms']:14.2f} "
                  f"{r['peak_rss_gib']:15.2f} {r['store_mib']:12.1f} {r['failed']}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
