"""The physiological envelope: the widest range of every observable a living adult shows, and the check of a run
against it.

The table is ``pnisim/data/envelope/envelope.csv`` (one row per observable: envelope, normal reference interval,
basis, source, DOI or PMID). The model is built so that its dynamics keep every observable inside (saturating
secretion and production with cited ceilings, bounded exposure scales); nothing is clipped. A value outside is a
model failure worth knowing about: :func:`excursions` finds each one per individual and variable, and
:func:`warn_excursions` raises a :class:`~pnisim.errors.PnisimWarning` naming the individual, the time and the
variable. Run summaries and reports list them.
"""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import numpy as np
import xarray as xr

from ..errors import PnisimWarning

__all__ = ["Range", "Excursion", "load_envelope", "excursions", "warn_excursions", "ENVELOPE_FILE"]

ENVELOPE_FILE = "envelope/envelope.csv"
#: excursions named one by one in a warning; the rest are counted
WARN_LIMIT = 5


@dataclass(frozen=True)
class Range:
    """One observable's physiological envelope and normal reference interval, with its source."""

    variable: str
    unit: str
    low: float
    high: float
    normal_low: float
    normal_high: float
    basis: str
    source: str
    reference: str

    def contains(self, values: np.ndarray) -> np.ndarray:
        """True where ``values`` lie inside the envelope (NaN is outside)."""
        return (values >= self.low) & (values <= self.high)


@dataclass(frozen=True)
class Excursion:
    """An individual's observable outside its envelope: when it first left, and the furthest value it reached."""

    individual: str
    variable: str
    unit: str
    first_time_h: float
    extreme: float
    low: float
    high: float
    points: int

    def message(self) -> str:
        value = "not a number" if math.isnan(self.extreme) else f"{self.extreme:.4g} {self.unit}"
        return (f"individual {self.individual}: {self.variable} reached {value} (first outside at "
                f"{_when(self.first_time_h)}), outside its physiological range {self.low:g}-{self.high:g} "
                f"{self.unit}")

    def as_dict(self) -> dict:
        return {"individual": self.individual, "variable": self.variable, "unit": self.unit,
                "first_time_h": self.first_time_h, "first_time": _when(self.first_time_h),
                "extreme": None if math.isnan(self.extreme) else self.extreme, "range": [self.low, self.high],
                "points_outside": self.points}


def _when(t_h: float) -> str:
    day, rest = divmod(float(t_h), 24.0)
    minutes = int(round(rest * 60))
    if minutes == 24 * 60:
        day, minutes = day + 1, 0
    return f"day {int(day)} {minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=1)
def load_envelope() -> Mapping[str, Range]:
    """The shipped envelope table, read-only: {observable name: Range}."""
    path = resources.files("pnisim") / "data" / ENVELOPE_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for r in rows:
        out[r["variable"]] = Range(
            variable=r["variable"], unit=r["unit"], low=float(r["envelope_low"]), high=float(r["envelope_high"]),
            normal_low=float(r["normal_low"]), normal_high=float(r["normal_high"]), basis=r["basis"],
            source=r["source"], reference=r["reference"])
    return MappingProxyType(out)


def _ids(ds: xr.Dataset) -> list[str]:
    if "individual" not in ds.dims:
        return ["0"]
    if "individual" in ds.coords:
        return [str(i) for i in ds["individual"].values]
    return [str(i) for i in range(ds.sizes["individual"])]


def excursions(ds: xr.Dataset, envelope: Mapping[str, Range] | None = None) -> list[Excursion]:
    """Every (individual, observable) of ``ds`` that leaves its envelope, in individual then variable order.

    Individuals whose solve failed (``status`` != 0) are left out: their failure is reported on its own. A value
    that is not a number counts as outside."""
    env = load_envelope() if envelope is None else envelope
    if "time" not in ds.dims:
        return []
    ids = _ids(ds)
    n = len(ids)
    ok = np.ones(n, dtype=bool)
    if "status" in ds:
        ok = np.asarray(ds["status"].values).reshape(-1) == 0
    t = np.asarray(ds["time"].values, dtype=float)
    found: list[Excursion] = []
    for name in (v for v in ds.data_vars if v in env):
        r = env[name]
        da = ds[name]
        if "time" not in da.dims:
            continue
        values = np.asarray(da.transpose(*(("individual", "time") if "individual" in da.dims else ("time",))).values,
                            dtype=float).reshape(n, t.size)
        outside = ~r.contains(values)
        for i in np.flatnonzero(outside.any(axis=1) & ok):
            row, mask = values[i], outside[i]
            bad = row[mask]
            if np.isnan(bad).any():
                extreme = math.nan
            else:
                # the furthest value from the range, on the side it left
                extreme = float(bad.max()) if bad.max() > r.high else float(bad.min())
            found.append(Excursion(ids[i], name, r.unit, float(t[np.argmax(mask)]), extreme, r.low, r.high,
                                   int(mask.sum())))
    found.sort(key=lambda e: (ids.index(e.individual), e.variable))
    return found


def warn_excursions(ds: xr.Dataset, envelope: Mapping[str, Range] | None = None, *, where: str = "the run",
                    stacklevel: int = 2) -> list[Excursion]:
    """:func:`excursions`, and one :class:`PnisimWarning` naming the first few when there are any."""
    found = excursions(ds, envelope)
    if found:
        shown = "; ".join(e.message() for e in found[:WARN_LIMIT])
        more = f"; and {len(found) - WARN_LIMIT} more" if len(found) > WARN_LIMIT else ""
        warnings.warn(f"{len(found)} value(s) of {where} left the physiological envelope "
                      f"(pnisim/data/{ENVELOPE_FILE}): {shown}{more}. The model is outside the range it was built "
                      "for; treat these results with caution.", PnisimWarning, stacklevel=stacklevel)
    return found
