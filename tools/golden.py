"""Record the outputs of a fixed set of pnisim jobs, or compare two recordings number by number.

A refactor must not change what the program prints. Record before and after, then compare:

    git worktree add /tmp/pnisim-base <rev>
    PYTHONPATH=/tmp/pnisim-base/src python tools/golden.py record /tmp/golden-base
    python tools/golden.py record /tmp/golden-now
    python tools/golden.py compare /tmp/golden-base /tmp/golden-now      # exit 1 on any difference

Numbers must agree to 1e-12 relative (NaN matches NaN); strings, shapes and names exactly. Run times, dates,
package versions and paths are not compared. Record both sides with the compiled kernels already in the disk
cache (run `record` once to fill it): a kernel compiled in the running process can round differently from the
cached one, by about 1e-11 relative.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RTOL = 1e-12

SMALL_SENSITIVITY = """
name = "golden_sensitivity"
description = "Small Morris + Sobol' run for refactor checks"
[base]
model = "whole"
person = { phenotype = "chronic_stress", wake_time = "07:00" }
run = { duration = "3 d", burn_in = "7 d" }
exposures = [{ type = "acute_stressor", day = 1, time = "14:00", duration = "15 min", intensity = 1.0 }]
[[parameters]]
name = "hpa.k_cort"
factor = 2
[[parameters]]
name = "gr.r"
range = [-0.2, 0.5]
[[parameters]]
name = "innate.k6M"
factor = 1.5
[[outputs]]
name = "nadir"
kind = "cortisol_day"
day = 1
quantity = "nadir"
[[outputs]]
name = "il6"
kind = "mean"
observable = "il6"
start = "1 d"
end = "2 d"
every = "1 h"
[method]
seed = 3
morris = { trajectories = 4, levels = 4 }
sobol = { n = 16 }
"""

OBSERVATIONAL = """
import json, sys
from pnisim.trial.observational import case_control, cohort
cc = case_control({"ptsd": 1.0}, {"healthy": 1.0}, n_cases=30, n_controls=30, observables=["il6", "cortisol_serum"],
                  seed=4, burn_in_days=14)
co = cohort({"chronic_stress": 1.0}, {"healthy": 1.0}, n_exposed=20, n_unexposed=20, years=0.25,
            event="il6 > 2.5", seed=5)
cc.data.to_netcdf(sys.argv[1] + "/case_control.nc")
json.dump({"case_control": cc.as_records(), "cohort": co.as_records()}, open(sys.argv[1] + "/observational.json", "w"),
          default=str)
"""

# name -> argv after `pnisim` (with {out} for the job's folder), or a python snippet
JOBS: dict[str, list[str] | str] = {
    "run": ["run", "--out", "{out}/run", "--json", "--quiet"],
    "stream": ["run", str(EXAMPLES / "chronic_stress_8_weeks.toml"), "--stream", "--chunk-size", "3", "--out",
               "{out}/stream", "--quiet"],
    "trial": ["trial", str(EXAMPLES / "shields2020_cbt_immune.toml"), "--out", "{out}/trial", "--json", "--quiet"],
    "validate": ["validate", "--json", "--quiet"],
    "sensitivity": ["sensitivity", "{out}/sensitivity.toml", "--out", "{out}/sensitivity", "--json", "--quiet"],
    "calibrate": ["calibrate", "--only", "treatments.massage_mood", "--only", "innate.k10", "--grid", "5",
                  "--scale", "0.5", "--out", "{out}/calibrate", "--quiet"],
    "observational": OBSERVATIONAL,
}

IGNORED_KEYS = {"created", "date", "directory", "store", "time_utc", "elapsed_s", "wall_s", "seconds", "pnisim_version", "package_version",
                "python", "platform", "host", "path", "out", "started", "finished", "duration_s", "run_time_s"}


def record(out: Path, only: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "sensitivity.toml").write_text(SMALL_SENSITIVITY, encoding="utf-8")
    cli = [sys.executable, "-c", "from pnisim.cli.main import app; app()"]
    for name, job in JOBS.items():
        if only and name not in only:
            continue
        print(f"recording {name} ...", flush=True)
        if isinstance(job, str):
            (out / "observational").mkdir(exist_ok=True)
            cmd = [sys.executable, "-c", job, str(out / "observational")]
        else:
            cmd = cli + [a.format(out=out) for a in job]
        done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
        (out / f"{name}.stdout").write_text(done.stdout, encoding="utf-8")
        (out / f"{name}.stderr").write_text(done.stderr, encoding="utf-8")
        (out / f"{name}.rc").write_text(str(done.returncode), encoding="utf-8")
        print(f"  rc {done.returncode}", flush=True)


# ---------------------------------------------------------------------------------------------- comparison
def _close(a, b) -> bool:
    a, b = float(a), float(b)
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    return abs(a - b) <= RTOL * max(abs(a), abs(b))


def _compare_json(a, b, where: str, problems: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in IGNORED_KEYS:
                continue
            if k not in a or k not in b:
                problems.append(f"{where}.{k}: only in {'new' if k not in a else 'base'}")
                continue
            _compare_json(a[k], b[k], f"{where}.{k}", problems)
    elif isinstance(a, list) and isinstance(b, list):
        if _named(a) and _named(b):  # e.g. outputs listed in the order a store lists its arrays
            a, b = sorted(a, key=lambda d: d["name"]), sorted(b, key=lambda d: d["name"])
        if len(a) != len(b):
            problems.append(f"{where}: length {len(a)} vs {len(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            _compare_json(x, y, f"{where}[{i}]", problems)
    elif isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str):
        if a != b:
            problems.append(f"{where}: {a!r} vs {b!r}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not _close(a, b):
            problems.append(f"{where}: {a!r} vs {b!r}")
    elif a != b:
        problems.append(f"{where}: {a!r} vs {b!r}")


def _named(items: list) -> bool:
    return bool(items) and all(isinstance(d, dict) and isinstance(d.get("name"), str) for d in items) \
        and len({d["name"] for d in items}) == len(items)


def _compare_arrays(x: np.ndarray, y: np.ndarray, where: str, problems: list[str]) -> None:
    if x.shape != y.shape:
        problems.append(f"{where}: shape {x.shape} vs {y.shape}")
        return
    if x.dtype.kind in "fciu" and y.dtype.kind in "fciu":
        xf, yf = x.astype(float), y.astype(float)
        same = (xf == yf) | (np.isnan(xf) & np.isnan(yf)) | (np.abs(xf - yf) <= RTOL * np.maximum(abs(xf), abs(yf)))
        if not np.all(same):
            k = int(np.argmin(same.ravel()))
            problems.append(f"{where}: {int((~same).sum())} values differ, e.g. {xf.ravel()[k]!r} vs {yf.ravel()[k]!r}")
    elif x.dtype.kind == "M" or y.dtype.kind == "M":
        if not np.array_equal(x, y):
            problems.append(f"{where}: datetimes differ")
    elif [str(v) for v in x.ravel()] != [str(v) for v in y.ravel()]:
        problems.append(f"{where}: values differ")


def _compare_dataset(a: Path, b: Path, problems: list[str]) -> None:
    import xarray as xr

    opener = xr.open_zarr if a.suffix == ".zarr" else xr.open_dataset
    with opener(a) as x, opener(b) as y:
        names_x = sorted(map(str, x.variables))
        names_y = sorted(map(str, y.variables))
        if names_x != names_y:
            problems.append(f"{a.name}: variables {set(names_x) ^ set(names_y)} in one only")
        for v in sorted(set(names_x) & set(names_y)):
            _compare_arrays(x[v].values, y[v].values, f"{a.name}:{v}", problems)
            _compare_json({k: _plain(w) for k, w in x[v].attrs.items()}, {k: _plain(w) for k, w in y[v].attrs.items()},
                          f"{a.name}:{v}.attrs", problems)
        _compare_json({k: _plain(w) for k, w in x.attrs.items()}, {k: _plain(w) for k, w in y.attrs.items()},
                      f"{a.name}.attrs", problems)


def _plain(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _json_lines(text: str):
    """The JSON documents printed on stdout (one per line)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{") or line.startswith("["):
            out.append(json.loads(line))
    return out


def compare(base: Path, new: Path) -> list[str]:
    problems: list[str] = []
    for rc in sorted(base.glob("*.rc")):
        name = rc.stem
        if not (new / rc.name).exists():
            problems.append(f"{name}: not recorded in {new}")
            continue
        if rc.read_text() != (new / rc.name).read_text():
            problems.append(f"{name}: exit code {rc.read_text()} vs {(new / rc.name).read_text()}")
        _compare_json(_json_lines((base / f"{name}.stdout").read_text()),
                      _json_lines((new / f"{name}.stdout").read_text()), f"{name}.stdout", problems)
    for f in sorted(base.rglob("*")):
        rel = f.relative_to(base)
        g = new / rel
        if any(part.endswith(".zarr") for part in rel.parts[:-1]) or f.is_dir() and f.suffix != ".zarr":
            continue
        if not g.exists():
            problems.append(f"{rel}: missing in {new}")
        elif f.suffix in (".nc", ".zarr"):
            _compare_dataset(f, g, problems)
        elif f.suffix == ".json":
            _compare_json(json.loads(f.read_text()), json.loads(g.read_text()), str(rel), problems)
        elif f.suffix in (".csv", ".toml") and f.stat().st_size < 50_000_000:
            if f.suffix == ".csv":
                _compare_csv(f, g, problems)
    return problems


def _compare_csv(a: Path, b: Path, problems: list[str]) -> None:
    import pandas as pd

    x, y = pd.read_csv(a), pd.read_csv(b)
    if list(x.columns) != list(y.columns) or x.shape != y.shape:
        problems.append(f"{a.name}: columns or shape differ")
        return
    for c in x.columns:
        _compare_arrays(x[c].to_numpy(), y[c].to_numpy(), f"{a.name}:{c}", problems)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("out", type=Path)
    r.add_argument("--only", action="append", default=[], choices=sorted(JOBS))
    c = sub.add_parser("compare")
    c.add_argument("base", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args()
    if args.cmd == "record":
        record(args.out, args.only)
        return 0
    problems = compare(args.base, args.new)
    for p in problems:
        print(p)
    print(f"{len(problems)} difference(s) at rtol {RTOL:g}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
