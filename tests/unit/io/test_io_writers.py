"""Atomic NetCDF / tidy CSV / JSON writers and the atomic output directory."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from pnisim.io import outdir as O
from pnisim.io import writers as W


def result(n=2, n_t=5) -> xr.Dataset:
    t = np.linspace(0.0, 26.0, n_t)
    ds = xr.Dataset(
        {
            "cortisol_serum": (("individual", "time"), np.arange(n * n_t, dtype=float).reshape(n, n_t),
                               {"units": "nmol/L", "long_name": "serum total cortisol", "kind": "observable"}),
            "tnf": (("individual", "time"), np.full((n, n_t), 2.5), {"units": "pg/mL", "kind": "observable"}),
            "CORT": (("individual", "time"), np.ones((n, n_t)), {"units": "ug/dL", "kind": "state", "module": "hpa"}),
            "status": (("individual",), np.zeros(n, dtype=np.int64), {"units": "1"}),
        },
        coords={
            "individual": ("individual", np.array([f"p{i:04d}" for i in range(n)], dtype=object)),
            "time": ("time", t, {"units": "h"}),
            "clock_time": ("time", np.mod(t, 24.0), {"units": "h"}),
            "day": ("time", np.floor(t / 24.0).astype(int)),
            "parameter": ("parameter", np.array(["hpa.k_crh", "clock.wake_time"], dtype=object)),
            "parameter_value": (("individual", "parameter"), np.array([[0.096, 7.0]] * n)),
        },
    )
    ds.attrs.update({"model": "core", "seed": 0, "rtol": 1e-6, "flag": True, "nothing": None,
                     "config": {"a": 1, "b": [1, 2]}, "names": ["x", "y"], "spec_hash": "abc"})
    return ds


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


# ------------------------------------------------------------------------------------------------- NetCDF
def test_netcdf_round_trip(tmp_path):
    ds = result()
    path = W.write_netcdf(ds, tmp_path / "results.nc")
    assert ds.attrs["flag"] is True and ds["individual"].dtype == object  # caller's Dataset untouched
    with xr.open_dataset(path, engine="h5netcdf") as back:
        assert back["cortisol_serum"].dims == ("individual", "time")
        assert back["cortisol_serum"].attrs["units"] == "nmol/L"
        assert back["time"].attrs["units"] == "h"
        assert list(back["individual"].values) == ["p0000", "p0001"]
        assert list(back["parameter"].values) == ["hpa.k_crh", "clock.wake_time"]
        np.testing.assert_array_equal(back["cortisol_serum"].values, ds["cortisol_serum"].values)
        assert back.attrs["flag"] == "true" and back.attrs["nothing"] == ""
        assert json.loads(back.attrs["config"]) == {"a": 1, "b": [1, 2]}
        assert json.loads(back.attrs["names"]) == ["x", "y"]
        assert back.attrs["seed"] == 0 and back.attrs["rtol"] == 1e-6
    assert leftovers(tmp_path) == []


def test_failed_write_leaves_nothing_and_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "results.nc"
    target.write_text("old")

    def boom(self, path, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", boom)
    with pytest.raises(OSError, match="disk full"):
        W.write_netcdf(result(), target)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.nc"]


def test_missing_directory_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        W.write_json({}, tmp_path / "nope" / "x.json")


# ------------------------------------------------------------------------------------------------- CSV
def test_tidy_csv_long_format(tmp_path):
    ds = result(n=2, n_t=5)
    path = W.write_tidy_csv(ds, tmp_path / "results.csv")
    df = pd.read_csv(path)
    assert tuple(df.columns) == W.TIDY_COLUMNS
    # observables only by default (states stay in the NetCDF)
    assert sorted(df["variable"].unique()) == ["cortisol_serum", "tnf"]
    assert len(df) == 2 * 5 * 2
    row = df[(df.individual == "p0001") & (df.variable == "cortisol_serum") & (df.time_h == 26.0)].iloc[0]
    assert row.value == 9.0 and row.unit == "nmol/L" and row.day == 1 and row.clock_time == pytest.approx(2.0)
    everything = pd.read_csv(W.write_tidy_csv(ds, tmp_path / "all.csv", variables=["CORT"]))
    assert set(everything["unit"]) == {"ug/dL"}
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------------------------------------- JSON
def test_json_plain_types_and_nan_as_null(tmp_path):
    from typing import NamedTuple

    class Row(NamedTuple):
        q: str
        v: float

    obj = {"a": np.float64(1.5), "b": np.int64(3), "c": math.nan, "d": np.array([1.0, np.inf]),
           "e": (1, 2), "f": Row("x", 2.0), "g": np.bool_(True), "h": tmp_path}
    back = json.loads(W.write_json(obj, tmp_path / "s.json").read_text())
    assert back == {"a": 1.5, "b": 3, "c": None, "d": [1.0, None], "e": [1, 2], "f": {"q": "x", "v": 2.0},
                    "g": True, "h": str(tmp_path)}


def test_json_unserialisable_writes_nothing(tmp_path):
    with pytest.raises(TypeError):
        W.write_json({"x": object()}, tmp_path / "s.json")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------------- output dir
def test_staged_output_dir_success(tmp_path):
    target = tmp_path / "out"
    with O.staged_output_dir(target) as stage:
        assert stage.parent == tmp_path and not target.exists()
        (stage / "a.txt").write_text("1")
    assert (target / "a.txt").read_text() == "1"
    assert leftovers(tmp_path) == []


def test_staged_output_dir_failure_leaves_nothing(tmp_path):
    target = tmp_path / "deep" / "er" / "out"
    with pytest.raises(RuntimeError), O.staged_output_dir(target) as stage:
        (stage / "a.txt").write_text("1")
        raise RuntimeError("solver exploded")
    assert list(tmp_path.iterdir()) == []  # created parents removed as well


def test_existing_non_empty_dir_needs_overwrite(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(FileExistsError, match="--overwrite"):
        O.check_output_dir(target)
    with pytest.raises(FileExistsError), O.staged_output_dir(target):
        pass
    assert (target / "old.txt").exists() and leftovers(tmp_path) == []
    with O.staged_output_dir(target, overwrite=True) as stage:
        (stage / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert leftovers(tmp_path) == []


def test_failed_overwrite_keeps_old_directory(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(ValueError), O.staged_output_dir(target, overwrite=True) as stage:
        (stage / "new.txt").write_text("new")
        raise ValueError("bad")
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert leftovers(tmp_path) == []


def test_empty_existing_dir_is_used_and_file_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with O.staged_output_dir(tmp_path / "empty") as stage:
        (stage / "x").write_text("x")
    assert (tmp_path / "empty" / "x").exists()
    (tmp_path / "file").write_text("f")
    with pytest.raises(FileExistsError, match="not a directory"):
        O.check_output_dir(tmp_path / "file", overwrite=True)


def test_outputs_get_ordinary_permissions(tmp_path):
    mask = W.current_umask()
    path = W.write_json({"a": 1}, tmp_path / "s.json")
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    with O.staged_output_dir(tmp_path / "out") as stage:
        (stage / "x").write_text("x")
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~mask
