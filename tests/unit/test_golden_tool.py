"""tools/golden.py compares two recordings of the same jobs: equal within 1e-12 relative passes, anything else is
named (a changed number, a missing file, another exit code), and run-dependent fields are ignored."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import xarray as xr

TOOL = Path(__file__).resolve().parents[2] / "tools" / "golden.py"
spec = importlib.util.spec_from_file_location("golden", TOOL)
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)


def _recording(root: Path, value: float, *, rc: str = "0", outputs=("a", "b")) -> Path:
    root.mkdir()
    (root / "job.rc").write_text(rc)
    (root / "job.stderr").write_text("")
    summary = {"outputs": [{"name": n, "median": value} for n in outputs], "created": str(root)}
    (root / "job.stdout").write_text(json.dumps(summary) + "\n")
    (root / "job").mkdir()
    xr.Dataset({"x": ("time", np.array([1.0, value, np.nan]), {"units": "pg/mL"})}).to_netcdf(root / "job" / "r.nc")
    (root / "job" / "summary.json").write_text(json.dumps(summary))
    return root


def test_equal_recordings_agree_whatever_the_order_of_named_items(tmp_path):
    a = _recording(tmp_path / "a", 2.0)
    b = _recording(tmp_path / "b", 2.0 * (1 + 1e-13), outputs=("b", "a"))
    assert golden.compare(a, b) == []


def test_a_changed_number_or_exit_code_is_reported(tmp_path):
    a = _recording(tmp_path / "a", 2.0)
    b = _recording(tmp_path / "b", 2.0 * (1 + 1e-9), rc="2")
    problems = golden.compare(a, b)
    assert any("exit code" in p for p in problems)
    assert any(p.startswith("r.nc:x") for p in problems)
    assert any("summary.json" in p and "median" in p for p in problems)


def test_a_missing_file_is_reported(tmp_path):
    a = _recording(tmp_path / "a", 2.0)
    b = _recording(tmp_path / "b", 2.0)
    (b / "job" / "r.nc").unlink()
    assert any("missing" in p for p in golden.compare(a, b))
