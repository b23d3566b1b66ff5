"""The summary table of a run: one row per readout quantity (median over the solved individuals with the
10–90 % range, or each arm side by side), as rows, as numbers, or as a machine-readable dict with provenance.

The readouts the rows come from are :mod:`.readouts`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import xarray as xr

from ..disclaimer import DISCLAIMER
from ..population.envelope import excursions
from .curves import _ids, arm_names, ok_individuals
from .readouts import COURSE_LABELS, COURSE_VARIABLES, LABELS, LPS_VARIABLES, _field, peak_order, readouts

__all__ = ["Row", "summary_dict", "summary_quantities", "summary_table"]


class Row(NamedTuple):
    """One line of the summary table."""

    quantity: str
    value: float | str
    unit: str
    note: str
    arms: dict | None = None  # {arm: value} when the run compares arms (then ``value`` is the first arm's)


def _clock(h: float) -> str:
    if not math.isfinite(h):
        return "n/a"
    m = int(round((h % 24.0) * 60.0)) % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def _stat(values: np.ndarray) -> tuple[float, float, float, int]:
    v = values[np.isfinite(values)]
    if v.size == 0:
        return math.nan, math.nan, math.nan, 0
    return float(np.median(v)), float(np.percentile(v, 10)), float(np.percentile(v, 90)), int(v.size)


def _fmt(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.3g}"


def _when(e_t: float) -> str:
    return f"day {int(e_t // 24)} {_clock(e_t)}"


# (readout, quantity key, label, how to show a time: "clock", or "")
_TABLE = {
    "cortisol_day": [
        ("serum_peak", "Serum cortisol peak", ""),
        ("serum_peak_clock", "Serum cortisol peak time", "clock"),
        ("nadir", "Serum cortisol late-evening nadir (20:00–02:00)", ""),
        ("nadir_clock", "Serum cortisol nadir time", "clock"),
        ("saliva_wake", "Salivary cortisol at waking", ""),
        ("car_pct", "Cortisol awakening response (rise within 30–45 min)", ""),
    ],
    "acute_stress_response": [
        ("cortisol_serum_baseline", "Serum cortisol at stressor onset", ""),
        ("cortisol_serum_peak", "Serum cortisol peak after stressor", ""),
        ("cortisol_serum_peak_min", "Serum cortisol peak, time after onset", ""),
        ("cortisol_saliva_peak", "Salivary cortisol peak after stressor", ""),
        ("cortisol_saliva_peak_min", "Salivary cortisol peak, time after onset", ""),
        ("acth_peak", "ACTH peak after stressor", ""),
        ("acth_peak_min", "ACTH peak, time after onset", ""),
        ("il6_change_90min", "IL-6 change at +90 min", ""),
    ],
    "course": [
        (f"{v}_{k}", COURSE_LABELS[v] + suffix, "")
        for v in COURSE_VARIABLES
        for k, suffix in (("start", " at the start"), ("end", " at the end"), ("max", " maximum"),
                          ("max_day", " maximum, day"))
    ] + [("flare_onsets", "Autoimmune flare onsets", "")],
    "lps_response": [
        (f"{v}_{k}", LABELS[v][0].upper() + LABELS[v][1:] + suffix, "")
        for v in LPS_VARIABLES for k, suffix in (("peak", " peak after LPS"), ("peak_h", " peak, hours after LPS"))
    ],
}


def _context(res: dict) -> str:
    if res["readout"] == "cortisol_day":
        return f"day {res['day']}"
    if res["readout"] == "course":
        return "over the run"
    what = "stressor" if res["readout"] == "acute_stress_response" else "LPS bolus"
    return f"{what} {_when(res['at_h'])}"


def _no_rise(res: dict, key: str, per: list[dict], ok: np.ndarray) -> bool:
    """Whether a peak (or peak-time) quantity sits at the window start for the median individual: then the
    'peak' is just the onset value of a falling curve, which the note should say."""
    for suffix in ("_min", "_h"):
        base = key.removesuffix(suffix)
        tkey = base + suffix
        if base.endswith("_peak") and tkey in res["units"]:
            med = _stat(np.array([r.get(tkey, math.nan) for r in per], dtype=float)[ok])[0]
            return math.isfinite(med) and abs(med) < 1e-9
    return False


def summary_table(ds: xr.Dataset, scenario=None, *, day: int | None = None) -> list[Row]:
    """The summary as rows (quantity, value, unit, note). With more than one individual the value is the
    median over the successfully solved individuals and the note gives the 10–90 % range. A run with arms
    gives each arm's value side by side (``Row.arms``)."""
    arms = arm_names(ds)
    if len(arms) > 1:
        per = [_summary_rows(ds.isel(individual=np.flatnonzero(ds["arm"].values == a)), scenario, day)
               for a in arms]
        return [Row(rs[0].quantity, rs[0].value, rs[0].unit, rs[0].note.split("; 10–90 %")[0],
                    {a: r.value for a, r in zip(arms, rs)}) for rs in zip(*per)]
    return _summary_rows(ds, scenario, day)


def _summary_rows(ds: xr.Dataset, scenario=None, day: int | None = None) -> list[Row]:
    ok = ok_individuals(ds)
    n_ok = int(ok.sum())
    rows: list[Row] = []
    if ok.size > 1:
        rows.append(Row("Individuals solved", float(n_ok), "", f"of {ok.size}; values are medians over them"))
    for res in readouts(ds, scenario, day=day):
        context = _context(res)
        per = list(res["individuals"].values())
        for key, label, kind in _TABLE[res["readout"]]:
            if key not in res["units"]:
                continue  # the variable is not in this model's output
            values = np.array([r.get(key, math.nan) for r in per], dtype=float)[ok]
            med, p10, p90, n = _stat(values)
            unit = res["units"].get(key, "")
            if kind == "clock":
                # clock times are reported as HH:MM; the numeric value stays in hours
                unit = "clock h"
                note = f"{context}; {_clock(med)}"
                if ok.size > 1:
                    note += f"; 10–90 %: {_clock(p10)}–{_clock(p90)}"
            else:
                note = context + (f"; 10–90 %: {_fmt(p10)}–{_fmt(p90)} (N={n})" if ok.size > 1 else "")
            if _no_rise(res, key, per, ok):
                note += "; the maximum is at onset: no rise in the window"
            rows.append(Row(label, med, unit, note))
        if res["readout"] == "lps_response":
            med_times = {}
            for v in LPS_VARIABLES:
                if f"{v}_peak_h" in res["units"]:
                    med_times[v] = _stat(np.array([r[f"{v}_peak_h"] for r in per], dtype=float)[ok])[0]
            rows.append(Row("Peak order after LPS", peak_order(med_times), "", context + "; by (median) peak time"))
    return rows


def summary_quantities(ds: xr.Dataset, scenario=None, *, day: int | None = None) -> dict[str, float]:
    """The numeric summary rows as {quantity: value}; with arms, one entry per arm ("quantity [arm]")."""
    out: dict[str, float] = {}
    for r in summary_table(ds, scenario, day=day):
        if r.arms:
            for arm, v in r.arms.items():
                if isinstance(v, (int, float)):
                    out[f"{r.quantity} [{arm}]"] = float(v)
        elif isinstance(r.value, (int, float)):
            out[r.quantity] = float(r.value)
    return out


def summary_dict(ds: xr.Dataset, scenario=None, *, day: int | None = None) -> dict:
    """Machine-readable summary: run provenance, the table rows, and every readout per individual."""
    ok = ok_individuals(ds)
    ids = _ids(ds)
    a = ds.attrs
    return {
        "scenario": _field(scenario, "name", None) or a.get("scenario"),
        "model": a.get("model"),
        "spec_hash": a.get("spec_hash"),
        "seed": a.get("seed"),
        "n_individuals": len(ids),
        "failed_individuals": [
            {"individual": i, "status": int(s)}
            for i, s, good in zip(ids, np.asarray(ds["status"].values) if "status" in ds else [0] * len(ids), ok)
            if not good
        ],
        "outside_physiological_range": [e.as_dict() for e in excursions(ds)],
        "rows": [r._asdict() for r in summary_table(ds, scenario, day=day)],
        "readouts": readouts(ds, scenario, day=day),
        "disclaimer": a.get("disclaimer", DISCLAIMER),
    }
