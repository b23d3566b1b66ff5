"""Synthetic result Datasets with known peaks, shaped like pnisim.engine.simulate output."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import xarray as xr

UNITS = {"cortisol_serum": "nmol/L", "cortisol_saliva": "nmol/L", "acth": "pg/mL", "tnf": "pg/mL",
         "il6": "pg/mL", "il10": "pg/mL"}


def pulse(t, onset, tau, amp):
    """amp * (s/tau) * exp(1 - s/tau) for s = t - onset > 0: rises from 0, peaks exactly ``amp`` at s = tau."""
    s = np.clip(np.asarray(t, dtype=float) - onset, 0.0, None)
    return amp * (s / tau) * np.exp(1.0 - s / tau)


def make_ds(t, variables: dict, *, status=None, wake=None, attrs=None) -> xr.Dataset:
    """``variables``: name -> array (n_ind, n_t) or (n_t,) (one individual)."""
    t = np.asarray(t, dtype=float)
    data = {k: np.atleast_2d(np.asarray(v, dtype=float)) for k, v in variables.items()}
    n = next(iter(data.values())).shape[0]
    data_vars = {k: (("individual", "time"), v, {"units": UNITS.get(k, "1"), "long_name": k, "kind": "observable"})
                 for k, v in data.items()}
    data_vars["status"] = (("individual",), np.zeros(n, dtype=np.int64) if status is None else np.asarray(status))
    coords = {
        "individual": ("individual", np.array([f"p{i:04d}" for i in range(n)], dtype=object)),
        "time": ("time", t, {"units": "h"}),
        "clock_time": ("time", np.mod(t, 24.0)),
        "day": ("time", np.floor(t / 24.0).astype(int)),
    }
    if wake is not None:
        coords["parameter"] = ("parameter", np.array(["clock.wake_time", "hpa.k_crh"], dtype=object))
        coords["parameter_value"] = (("individual", "parameter"),
                                     np.column_stack([np.broadcast_to(wake, (n,)), np.full(n, 0.1)]))
    ds = xr.Dataset(data_vars, coords=coords)
    ds.attrs.update({"model": "core", "spec_hash": "abc123", "seed": 7, "scenario": "synthetic",
                     "solver": "rodas5p", "rtol": 1e-6, "atol": 1e-8, "package_version": "pnisim 0.1.0",
                     "disclaimer": "Research use only, not medical advice.", **(attrs or {})})
    return ds


def exposure(kind, day, time):
    return SimpleNamespace(type=kind, day=day, time=time)


def scenario(*exposures, name="synthetic", description="a test scenario"):
    return SimpleNamespace(name=name, description=description, exposures=list(exposures))
