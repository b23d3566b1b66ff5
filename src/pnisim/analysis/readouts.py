"""Readouts a PNI researcher takes off a run: the cortisol day curve, the acute stress response, the LPS
response, the slow course of symptom scores and markers, and which of them a scenario supports.

Every readout works on a result Dataset with dims ``(individual, time)``, ``time`` in hours since midnight of
day 0 of the recorded run, and variables named as in the core model (``cortisol_serum``, ``cortisol_saliva``
in nmol/L, ``acth``, ``tnf``, ``il6``, ``il10`` in pg/mL). Each returns a plain dict::

    {"readout": name, "at_h": t0, "units": {quantity: unit}, "notes": {quantity: text},
     "individuals": {id: {quantity: float}}}

Peaks and nadirs are refined between output samples by a parabola through the extreme sample and its two
neighbours (:mod:`.curves`), so a 30-min sampling grid does not round peak times to the grid. A value that
cannot be read (window outside the run, variable missing) is NaN. The population summary table built from these
readouts is :mod:`.summary`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import xarray as xr

from .curves import _at, refined_extreme, _ids, _series, _window, wake_times

__all__ = [
    "Exposure",
    "acute_stress_response",
    "cortisol_day",
    "course",
    "exposures_of",
    "flare_onsets",
    "has_course",
    "lps_response",
    "peak_order",
    "readouts",
    "representative_day",
]

CAR_WINDOW_H = (0.5, 0.75)  # the CAR maximum is read 30–45 min after waking (Pruessner 1997, Clow 2010)
NADIR_WINDOW_CLOCK = (20.0, 26.0)  # 20:00 of the day to 02:00 of the next
STRESS_WINDOW_H = 3.0  # peaks after a laboratory stressor fall within ~20–60 min; 3 h leaves margin
IL6_DELAY_H = 1.5  # IL-6 rises ~90 min after a psychological stressor (Marsland 2017 meta-analysis)
LPS_WINDOW_H = 12.0  # endotoxemia responses peak within ~1–6 h of the bolus
LPS_VARIABLES = ("tnf", "il6", "il10", "acth", "cortisol_serum")
LABELS = {
    "tnf": "TNF-α",
    "il6": "IL-6",
    "il10": "IL-10",
    "acth": "ACTH",
    "cortisol_serum": "serum cortisol",
    "cortisol_saliva": "salivary cortisol",
}


# ------------------------------------------------------------------------------------------------- exposures
class Exposure(NamedTuple):
    """An exposure's type and onset in run hours (``day * 24 + HH:MM``), with the scenario's own object."""

    type: str
    t: float
    source: Any = None


def _field(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _clock_hours(text) -> float:
    """'HH:MM' (or a number of hours) -> hours."""
    if isinstance(text, (int, float)):
        return float(text)
    if hasattr(text, "hour"):  # datetime.time
        return text.hour + text.minute / 60.0 + getattr(text, "second", 0) / 3600.0
    hh, mm = str(text).split(":")[:2]
    return int(hh) + int(mm) / 60.0


def exposures_of(scenario) -> list[Exposure]:
    """The scenario's exposures with their onsets in run hours, in time order (no scenario: none).

    Timed exposures start at ``day * 24 + time``; chronic stress starts at its first step with a level > 0
    (a schedule that never rises is not an exposure).
    """
    out = []
    every = list(_field(scenario, "exposures", None) or ())
    for arm in _field(scenario, "arms", None) or ():
        every += list(_field(arm, "exposures", None) or ())
    for e in every:
        kind = str(_field(e, "type", ""))
        schedule = _field(e, "schedule", None)
        if schedule is not None:
            rising = [float(_field(s, "from_day", 0.0)) for s in schedule if float(_field(s, "level", 0.0)) > 0]
            if rising:
                out.append(Exposure(kind, 24.0 * rising[0], e))
            continue
        clock = _field(e, "time", None)
        t = 24.0 * float(_field(e, "day", 0) or 0) + (_clock_hours(clock) if clock is not None else 0.0)
        out.append(Exposure(kind, t, e))
    return sorted(out, key=lambda x: x.t)


# ------------------------------------------------------------------------------------------------- readouts
def _result(name: str, at_h: float, units: dict, notes: dict, ids: Sequence[str], rows: Iterable[dict],
            **extra) -> dict:
    return {
        "readout": name,
        "at_h": float(at_h),
        **extra,
        "units": units,
        "notes": notes,
        "individuals": dict(zip(ids, rows)),
    }


def cortisol_day(ds: xr.Dataset, day: int, *, wake: float | Sequence[float] | None = None) -> dict:
    """Cortisol day curve of ``day``: serum peak and its clock time, late-evening nadir (20:00–02:00) and its
    clock time, and the cortisol awakening response (CAR) = % rise of salivary cortisol from the wake-time
    value to the maximum 30–45 min after waking. ``wake`` (clock hours) defaults to each individual's
    ``clock.wake_time`` parameter, else 07:00."""
    t, serum, u_serum = _series(ds, "cortisol_serum")
    _, saliva, u_saliva = _series(ds, "cortisol_saliva")
    n = ds.sizes["individual"]
    wakes = wake_times(ds) if wake is None else np.broadcast_to(np.asarray(wake, dtype=float), (n,))
    d0 = 24.0 * day
    rows = []
    for i in range(n):
        r = dict.fromkeys(
            ("serum_peak", "serum_peak_clock", "nadir", "nadir_clock", "wake_time", "saliva_wake",
             "saliva_car_max", "car_pct"), math.nan)
        if serum is not None:
            tp, vp = refined_extreme(*_window(t, serum[i], d0, d0 + 24.0))
            lo, hi = d0 + NADIR_WINDOW_CLOCK[0], d0 + NADIR_WINDOW_CLOCK[1]
            tn, vn = refined_extreme(*_window(t, serum[i], lo, hi), minimum=True)
            r.update(serum_peak=vp, serum_peak_clock=tp % 24.0 if math.isfinite(tp) else tp,
                     nadir=vn, nadir_clock=tn % 24.0 if math.isfinite(tn) else tn)
        tw = d0 + float(wakes[i])
        r["wake_time"] = float(wakes[i])
        if saliva is not None:
            v0 = _at(t, saliva[i], tw)
            lo, hi = tw + CAR_WINDOW_H[0], tw + CAR_WINDOW_H[1]
            vmax = refined_extreme(*_window(t, saliva[i], lo, hi))[1] if t[0] <= lo and hi <= t[-1] else math.nan
            r.update(saliva_wake=v0, saliva_car_max=vmax,
                     car_pct=100.0 * (vmax - v0) / v0 if v0 > 0 and math.isfinite(vmax) else math.nan)
        rows.append(r)
    units = {
        "serum_peak": u_serum, "serum_peak_clock": "h", "nadir": u_serum, "nadir_clock": "h", "wake_time": "h",
        "saliva_wake": u_saliva, "saliva_car_max": u_saliva, "car_pct": "%",
    }
    absent = (() if serum is not None else ("serum_peak", "serum_peak_clock", "nadir", "nadir_clock")) + (
        () if saliva is not None else ("saliva_wake", "saliva_car_max", "car_pct"))
    units = {k: v for k, v in units.items() if k not in absent}  # the table lists only what was read
    notes = {
        "serum_peak_clock": "clock time", "nadir": "minimum 20:00–02:00", "nadir_clock": "clock time",
        "wake_time": "clock time", "car_pct": "rise of salivary cortisol from waking to its maximum 30–45 min later",
    }
    return _result("cortisol_day", d0, units, notes, _ids(ds), rows, day=int(day))


def acute_stress_response(ds: xr.Dataset, onset_h: float, *, window_h: float = STRESS_WINDOW_H) -> dict:
    """Response to an acute stressor starting at ``onset_h`` (run hours): baselines at onset, peak serum and
    salivary cortisol and ACTH with their times after onset (min), and the IL-6 change at +90 min."""
    t = np.asarray(ds["time"].values, dtype=float)
    units: dict[str, str] = {}
    notes: dict[str, str] = {}
    rows = [{} for _ in range(ds.sizes["individual"])]
    for name in ("cortisol_serum", "cortisol_saliva", "acth"):
        _, y, unit = _series(ds, name)
        if y is None:
            continue
        units.update({f"{name}_baseline": unit, f"{name}_peak": unit, f"{name}_peak_min": "min",
                      f"{name}_rise": unit})
        notes.update({f"{name}_baseline": "at stressor onset", f"{name}_peak_min": "after stressor onset"})
        for i, r in enumerate(rows):
            base = _at(t, y[i], onset_h)
            tp, vp = refined_extreme(*_window(t, y[i], onset_h, onset_h + window_h))
            r.update({f"{name}_baseline": base, f"{name}_peak": vp, f"{name}_peak_min": 60.0 * (tp - onset_h),
                      f"{name}_rise": vp - base})
    _, il6, u_il6 = _series(ds, "il6")
    if il6 is not None:
        units.update(il6_baseline=u_il6, il6_90min=u_il6, il6_change_90min=u_il6)
        notes.update(il6_change_90min="IL-6 at +90 min minus IL-6 at onset")
        for i, r in enumerate(rows):
            b, v = _at(t, il6[i], onset_h), _at(t, il6[i], onset_h + IL6_DELAY_H)
            r.update(il6_baseline=b, il6_90min=v, il6_change_90min=v - b)
    return _result("acute_stress_response", onset_h, units, notes, _ids(ds), rows)


def lps_response(ds: xr.Dataset, bolus_h: float, *, window_h: float = LPS_WINDOW_H) -> dict:
    """Response to an LPS bolus at ``bolus_h``: peak TNF, IL-6, IL-10, ACTH and serum cortisol with the hours
    from the bolus to each peak, and the order of the peaks (``peak_order`` per individual)."""
    t = np.asarray(ds["time"].values, dtype=float)
    units: dict[str, str] = {}
    notes: dict[str, str] = {}
    rows = [{} for _ in range(ds.sizes["individual"])]
    present = [v for v in LPS_VARIABLES if v in ds]
    for name in present:
        _, y, unit = _series(ds, name)
        units.update({f"{name}_baseline": unit, f"{name}_peak": unit, f"{name}_peak_h": "h"})
        notes.update({f"{name}_baseline": "at the bolus", f"{name}_peak_h": "after the bolus"})
        for i, r in enumerate(rows):
            base = _at(t, y[i], bolus_h)
            tp, vp = refined_extreme(*_window(t, y[i], bolus_h, bolus_h + window_h))
            r.update({f"{name}_baseline": base, f"{name}_peak": vp, f"{name}_peak_h": tp - bolus_h})
    orders = {i: peak_order({v: r[f"{v}_peak_h"] for v in present}) for i, r in zip(_ids(ds), rows)}
    return _result("lps_response", bolus_h, units, notes, _ids(ds), rows, peak_order=orders)


def peak_order(peak_times: dict[str, float]) -> str:
    """'TNF-α → IL-6 → …' by increasing peak time (variables without a peak are left out)."""
    known = sorted((t, v) for v, t in peak_times.items() if math.isfinite(t))
    return " → ".join(LABELS.get(v, v) for _, v in known)


COURSE_VARIABLES = ("pss10", "phq9", "gad7", "pcl5", "crp", "il6", "rmssd", "sleep_hours", "psqi")
COURSE_LABELS = {"pss10": "PSS-10", "phq9": "PHQ-9", "gad7": "GAD-7", "pcl5": "PCL-5", "crp": "CRP", "il6": "IL-6",
                 "rmssd": "HRV (RMSSD)", "sleep_hours": "Sleep", "psqi": "PSQI"}
MAX_DAY_CURVE_STEP_H = 0.5  # a cortisol day curve needs outputs at least every 30 min


def has_course(ds: xr.Dataset) -> bool:
    """Whether the run has slow readouts worth a course summary (IL-6 alone is read around its exposures)."""
    return any(v in ds for v in COURSE_VARIABLES if v != "il6")


def course(ds: xr.Dataset) -> dict:
    """Slow readouts over the whole run (symptom scores, CRP, IL-6, HRV): value at the start, at the end, and
    the maximum with its day. Only the variables present in the result are read."""
    t = np.asarray(ds["time"].values, dtype=float)
    present = [v for v in COURSE_VARIABLES if v in ds]
    rows = []
    for i in range(ds.sizes["individual"]):
        r = {}
        for v in present:
            y = np.asarray(ds[v].values[i], dtype=float)
            k = int(np.nanargmax(y)) if np.any(np.isfinite(y)) else 0
            r.update({f"{v}_start": float(y[0]), f"{v}_end": float(y[-1]), f"{v}_max": float(y[k]),
                      f"{v}_max_day": float(t[k] / 24.0)})
        if "flare" in ds:
            r["flare_onsets"] = float(flare_onsets(np.asarray(ds["flare"].values[i], dtype=float)))
        rows.append(r)
    units = {}
    for v in present:
        u = ds[v].attrs.get("units", "")
        units.update({f"{v}_start": u, f"{v}_end": u, f"{v}_max": u, f"{v}_max_day": "day"})
    if "flare" in ds:
        units["flare_onsets"] = "events"
    return _result("course", t[0], units, {}, _ids(ds), rows)


def flare_onsets(flare: np.ndarray) -> int:
    """Flare events: upward crossings of the smooth flare indicator through 0.5 (a run starting in a flare
    counts it)."""
    on = np.asarray(flare) > 0.5
    return int(on[0]) + int(np.sum(on[1:] & ~on[:-1]))


def representative_day(ds: xr.Dataset, exposures: Sequence[Exposure] = ()) -> int:
    """The first full day of the run without an exposure that day or the day before (its effect may last
    into the night); day 0 when every day has one. Chronic stress counts from its start day onwards."""
    t = np.asarray(ds["time"].values, dtype=float)
    first, last = int(math.ceil(t[0] / 24.0 - 1e-9)), int(math.floor(t[-1] / 24.0 + 1e-9)) - 1
    chronic = [e.t for e in exposures if e.type == "chronic_stress"]
    points = [e.t for e in exposures if e.type != "chronic_stress"]
    for d in range(first, last + 1):
        lo, hi = 24.0 * d - 24.0, 24.0 * d + NADIR_WINDOW_CLOCK[1]
        if any(lo <= x < hi for x in points) or any(c < hi for c in chronic):
            continue
        return d
    return max(first, 0) if last >= first else int(math.floor(t[0] / 24.0))


def readouts(ds: xr.Dataset, scenario=None, *, day: int | None = None) -> list[dict]:
    """Every readout the scenario supports: the cortisol day curve, one per acute stressor, one per LPS bolus."""
    ex = exposures_of(scenario)
    t = np.asarray(ds["time"].values, dtype=float)
    fine = t.size > 1 and float(np.median(np.diff(t))) <= MAX_DAY_CURVE_STEP_H
    out = [cortisol_day(ds, representative_day(ds, ex) if day is None else day)] if fine else []
    if has_course(ds):
        out.append(course(ds))
    for e in ex:
        if not (t[0] <= e.t <= t[-1]):
            continue
        if not fine:
            continue  # acute responses need fine sampling too
        if e.type == "acute_stressor":
            out.append(acute_stress_response(ds, e.t))
        elif e.type == "lps_bolus":
            out.append(lps_response(ds, e.t))
    return out
