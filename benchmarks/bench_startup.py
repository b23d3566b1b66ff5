"""Start-up benchmark: how long `pnisim run` takes from process launch until the engine starts
simulating, with the compiled kernel already in the on-disk cache (a second run).

Runs `pnisim run SPEC --quiet` in fresh processes (default: the built-in scenario, whole model). In each child the
engine's ``simulate`` is wrapped to record the wall-clock time of its first call; the parent subtracts the launch
time. The first run may compile (or load) the kernel; the following runs are the "second run" figure.

    python benchmarks/bench_startup.py [SPEC] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import sys, time
import pnisim.scenario.build as build
_sim = build.simulate
def first(*a, **k):
    if not getattr(first, "seen", False):
        first.seen = True
        sys.stderr.write(f"FIRST_SIMULATE {time.time():.6f}\n"); sys.stderr.flush()
    return _sim(*a, **k)
build.simulate = first
from pnisim.cli.main import app
app(sys.argv[1:])
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spec", nargs="?", default="")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = tempfile.mkdtemp(prefix="pnisim-bench-startup-")
    times = []
    try:
        for k in range(args.runs):
            cmd = [sys.executable, "-c", CHILD, "run", *([args.spec] if args.spec else []), "--out",
                   os.path.join(root, "out"), "--overwrite", "--quiet"]
            launch = time.time()
            res = subprocess.run(cmd, capture_output=True, text=True)
            total = time.time() - launch
            mark = [ln for ln in res.stderr.splitlines() if ln.startswith("FIRST_SIMULATE")]
            if res.returncode != 0 or not mark:
                raise SystemExit(f"run {k + 1} failed:\n{res.stderr}")
            start = float(mark[0].split()[1]) - launch
            times.append(start)
            print(f"run {k + 1}: starts simulating {start:.2f} s after launch (whole command {total:.1f} s)",
                  flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    later = times[1:] or times
    print(f"second and later runs: starts simulating after {min(later):.2f}-{max(later):.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
