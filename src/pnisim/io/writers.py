"""Atomic file writers: NetCDF, tidy CSV and JSON.

Every writer builds the file under a temporary name in the target's own directory and moves it into place
with :func:`os.replace`, which is atomic on one file system: a reader sees the old file or the new one, never
half of one, and a failed write leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["TIDY_COLUMNS", "atomic_path", "jsonable", "write_json", "write_netcdf", "write_tidy_csv"]

TIDY_COLUMNS = ("individual", "time_h", "day", "clock_time", "variable", "value", "unit")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it onto ``path``, on any exception delete it.

    The temporary name keeps ``path``'s suffix, for writers that choose a format by extension.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"The directory {str(path.parent)!r} of the output file does not exist.")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (0600); the result gets the permissions of an ordinary new file
        os.chmod(tmp_path, 0o666 & ~current_umask())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def current_umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


# ------------------------------------------------------------------------------------------------- NetCDF
def _netcdf_attr(value):
    """An attribute value NetCDF can store: strings and numbers (or 1-D numeric arrays) as they are, the rest
    as text (JSON where possible, so dicts and lists stay readable)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"  # NetCDF has no boolean type
    if isinstance(value, (str, int, float, np.integer, np.floating)):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value)
        if arr.ndim == 1 and arr.size and arr.dtype.kind in "iuf":
            return arr
    if value is None:
        return ""
    try:
        return json.dumps(jsonable(value))
    except (TypeError, ValueError):
        return str(value)


def _netcdf_ready(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy(deep=False)
    # object arrays (ids, names, units) have no NetCDF type until they are made fixed strings
    for name in list(ds.variables):
        var = ds.variables[name]
        if var.dtype == object or var.dtype.kind == "U":
            ds = ds.assign_coords({name: var.astype(str)}) if name in ds.coords else ds.assign({name: var.astype(str)})
    ds.attrs = {str(k): _netcdf_attr(v) for k, v in ds.attrs.items()}
    for name in ds.variables:
        ds[name].attrs = {str(k): _netcdf_attr(v) for k, v in ds[name].attrs.items()}
    return ds


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` as NetCDF-4 (h5netcdf engine), atomically. The caller's Dataset is not modified."""
    ready = _netcdf_ready(ds)
    return _atomic_write(path, lambda tmp: ready.to_netcdf(tmp, engine="h5netcdf"))


# ------------------------------------------------------------------------------------------------- tidy CSV
def _time_variables(ds: xr.Dataset, variables) -> list[str]:
    if variables is not None:
        missing = [v for v in variables if v not in ds.data_vars]
        if missing:
            raise KeyError(f"The dataset has no variables {missing}.")
        return list(variables)
    timed = [v for v in ds.data_vars if set(ds[v].dims) == {"individual", "time"}]
    observables = [v for v in timed if ds[v].attrs.get("kind") == "observable"]
    # the readouts a researcher compares with data; states stay in the NetCDF file
    return observables or timed


def write_tidy_csv(ds: xr.Dataset, path: str | os.PathLike, *, variables=None) -> Path:
    """Long-format CSV, one row per individual × time × variable (columns :data:`TIDY_COLUMNS`).

    By default writes the observables (variables whose ``kind`` attribute is ``observable``), or every
    (individual, time) variable when none is marked.
    """
    names = _time_variables(ds, variables)
    t = np.asarray(ds["time"].values, dtype=float)
    day = np.asarray(ds["day"].values) if "day" in ds.coords else np.floor(t / 24.0).astype(int)
    clock = np.asarray(ds["clock_time"].values, dtype=float) if "clock_time" in ds.coords else np.mod(t, 24.0)
    if "individual" in ds.coords:
        ids = np.asarray(ds["individual"].values).astype(str)
    else:
        ids = np.arange(ds.sizes["individual"]).astype(str)
    n_ind, n_t = len(ids), len(t)
    frames = []
    for name in names:
        values = np.asarray(ds[name].transpose("individual", "time").values, dtype=float)
        frames.append(
            pd.DataFrame(
                {
                    "individual": np.repeat(ids, n_t),
                    "time_h": np.tile(t, n_ind),
                    "day": np.tile(day, n_ind),
                    "clock_time": np.tile(clock, n_ind),
                    "variable": name,
                    "value": values.ravel(),
                    "unit": str(ds[name].attrs.get("units", "")),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(TIDY_COLUMNS))
    return _atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.10g"))


# ------------------------------------------------------------------------------------------------- JSON
def jsonable(obj):
    """``obj`` as plain JSON types: numpy scalars/arrays unwrapped, NaN/inf as null, tuples and named tuples
    as lists/objects, pydantic models and dataclasses as dicts, paths as strings."""
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, np.bool_):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if isinstance(obj, np.ndarray):
        return [jsonable(x) for x in obj.tolist()]
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_asdict"):
        return jsonable(obj._asdict())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(x) for x in obj]
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if hasattr(obj, "model_dump"):  # pydantic
        return jsonable(obj.model_dump(mode="json"))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable(dataclasses.asdict(obj))
    raise TypeError(f"Cannot write an object of type {type(obj).__name__} as JSON.")


def write_json(obj, path: str | os.PathLike, *, indent: int = 2) -> Path:
    """Write ``obj`` (converted by :func:`jsonable`) as UTF-8 JSON, atomically."""
    text = json.dumps(jsonable(obj), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    return _atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
