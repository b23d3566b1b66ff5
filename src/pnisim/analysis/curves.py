"""Reading a run's result Dataset: who the individuals are, which solved, their arms and wake times, and a
variable's value at a time or its extreme within a window.

The Dataset has dims ``(individual, time)``, ``time`` in hours since midnight of day 0 of the recorded run.
Extremes are refined between output samples by a parabola through the extreme sample and its two neighbours, so
a 30-min sampling grid does not round peak times to the grid. A value that cannot be read (time outside the run,
variable missing) is NaN.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

__all__ = ["arm_names", "ok_individuals", "wake_times"]

DEFAULT_WAKE_H = 7.0


def _ids(ds: xr.Dataset) -> list[str]:
    if "individual" in ds.coords:
        return [str(i) for i in ds["individual"].values]
    return [str(i) for i in range(ds.sizes["individual"])]


def ok_individuals(ds: xr.Dataset) -> np.ndarray:
    """Boolean mask of individuals whose solve succeeded (all, when the Dataset has no ``status``)."""
    if "status" in ds:
        return np.asarray(ds["status"].values) == 0
    return np.ones(ds.sizes["individual"], dtype=bool)


def arm_names(ds: xr.Dataset) -> list[str]:
    """The arms of a run in their order ([] without arms)."""
    if "arm" not in ds.coords:
        return []
    return list(dict.fromkeys(str(a) for a in ds["arm"].values))


def wake_times(ds: xr.Dataset, default: float = DEFAULT_WAKE_H) -> np.ndarray:
    """Each individual's wake time (clock hours) from the ``clock.wake_time`` parameter, else ``default``."""
    n = ds.sizes["individual"]
    if "parameter_value" in ds and "parameter" in ds.coords:
        names = [str(p) for p in ds["parameter"].values]
        if "clock.wake_time" in names:
            col = ds["parameter_value"].isel(parameter=names.index("clock.wake_time"))
            return np.asarray(col.transpose("individual").values, dtype=float)
    return np.full(n, float(default))


def _series(ds: xr.Dataset, name: str) -> tuple[np.ndarray, np.ndarray | None, str]:
    t = np.asarray(ds["time"].values, dtype=float)
    if name not in ds:
        return t, None, ""
    y = np.asarray(ds[name].transpose("individual", "time").values, dtype=float)
    return t, y, str(ds[name].attrs.get("units", ""))


def _at(t: np.ndarray, y: np.ndarray, tq: float) -> float:
    if y is None or not (t[0] <= tq <= t[-1]):
        return math.nan
    return float(np.interp(tq, t, y))


def _window(t: np.ndarray, y: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Samples in [lo, hi] plus linearly interpolated values at the two edges (clipped to the run)."""
    lo, hi = max(lo, t[0]), min(hi, t[-1])
    if lo > hi:
        return np.empty(0), np.empty(0)
    inside = (t > lo) & (t < hi)
    tw = np.concatenate(([lo], t[inside], [hi]))
    yw = np.concatenate(([np.interp(lo, t, y)], y[inside], [np.interp(hi, t, y)]))
    if lo == hi:
        tw, yw = tw[:1], yw[:1]
    return tw, yw


def refined_extreme(tw: np.ndarray, yw: np.ndarray, *, minimum: bool = False) -> tuple[float, float]:
    """(time, value) of the maximum (or minimum) of samples, refined by a parabola through its neighbours."""
    if tw.size == 0 or not np.any(np.isfinite(yw)):
        return math.nan, math.nan
    s = -yw if minimum else yw
    k = int(np.nanargmax(s))
    tk, vk = float(tw[k]), float(s[k])
    if 0 < k < tw.size - 1 and np.all(np.isfinite(s[k - 1 : k + 2])):
        (t0, t1, t2), (y0, y1, y2) = tw[k - 1 : k + 2], s[k - 1 : k + 2]
        denom = (t0 - t1) * (t0 - t2) * (t1 - t2)
        a = (t2 * (y1 - y0) + t1 * (y0 - y2) + t0 * (y2 - y1)) / denom
        b = (t2**2 * (y0 - y1) + t1**2 * (y2 - y0) + t0**2 * (y1 - y2)) / denom
        if a < 0:  # a true interior maximum of the parabola
            tv = min(max(-b / (2 * a), t0), t2)
            c = y1 - a * t1**2 - b * t1
            tk, vk = float(tv), float(max(a * tv**2 + b * tv + c, vk))
    return tk, (-vk if minimum else vk)
