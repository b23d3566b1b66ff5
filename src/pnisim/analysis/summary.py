"""Readouts a PNI researcher takes off a run: the cortisol day curve, the acute stress response, the LPS
response, and a summary table over the population.

Every readout works on a result Dataset with dims ``(individual, time)``, ``time`` in hours since midnight of
day 0 of the recorded run, and variables named as in the core model (``cortisol_serum``, ``cortisol_saliva``
in nmol/L, ``acth``, ``tnf``, ``il6``, ``il10`` in pg/mL). Each returns a plain dict::

    {"readout": name, "at_h": t0, "units": {quantity: unit}, "notes": {quantity: text},
     "individuals": {id: {quantity: float}}}

Peaks and nadirs are refined between output samples by a parabola through the extreme sample and its two
neighbours, so a 30-min sampling grid does not round peak times to the grid. A value that cannot be read
(window outside the run, variable missing) is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import xarray as xr

__all__ = [
    "Exposure",
    "Row",
    "acute_stress_response",
    "cortisol_day",
    "exposures_of",
    "lps_response",
    "ok_individuals",
    "course",
    "readouts",
    "representative_day",
    "summary_dict",
    "summary_quantities",
    "summary_table",
    "wake_times",
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
DEFAULT_WAKE_H = 7.0


class Row(NamedTuple):
    """One line of the summary table."""

    quantity: str
    value: float | str
    unit: str
    note: str
    arms: dict | None = None  # {arm: value} when the run compares arms (then ``value`` is the first arm's)


class Exposure(NamedTuple):
    """An exposure's type and onset in run hours (``day * 24 + HH:MM``), with the scenario's own object."""

    type: str
    t: float
    source: Any = None


# ------------------------------------------------------------------------------------------------- helpers
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


def _ids(ds: xr.Dataset) -> list[str]:
    if "individual" in ds.coords:
        return [str(i) for i in ds["individual"].values]
    return [str(i) for i in range(ds.sizes["individual"])]


def ok_individuals(ds: xr.Dataset) -> np.ndarray:
    """Boolean mask of individuals whose solve succeeded (all, when the Dataset has no ``status``)."""
    if "status" in ds:
        return np.asarray(ds["status"].values) == 0
    return np.ones(ds.sizes["individual"], dtype=bool)


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


def _extreme(tw: np.ndarray, yw: np.ndarray, *, minimum: bool = False) -> tuple[float, float]:
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


# ------------------------------------------------------------------------------------------------- readouts
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
            tp, vp = _extreme(*_window(t, serum[i], d0, d0 + 24.0))
            lo, hi = d0 + NADIR_WINDOW_CLOCK[0], d0 + NADIR_WINDOW_CLOCK[1]
            tn, vn = _extreme(*_window(t, serum[i], lo, hi), minimum=True)
            r.update(serum_peak=vp, serum_peak_clock=tp % 24.0 if math.isfinite(tp) else tp,
                     nadir=vn, nadir_clock=tn % 24.0 if math.isfinite(tn) else tn)
        tw = d0 + float(wakes[i])
        r["wake_time"] = float(wakes[i])
        if saliva is not None:
            v0 = _at(t, saliva[i], tw)
            lo, hi = tw + CAR_WINDOW_H[0], tw + CAR_WINDOW_H[1]
            vmax = _extreme(*_window(t, saliva[i], lo, hi))[1] if t[0] <= lo and hi <= t[-1] else math.nan
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
            tp, vp = _extreme(*_window(t, y[i], onset_h, onset_h + window_h))
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
            tp, vp = _extreme(*_window(t, y[i], bolus_h, bolus_h + window_h))
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


# ------------------------------------------------------------------------------------------------- summary table
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


def arm_names(ds: xr.Dataset) -> list[str]:
    """The arms of a run in their order ([] without arms)."""
    if "arm" not in ds.coords:
        return []
    return list(dict.fromkeys(str(a) for a in ds["arm"].values))


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
        "rows": [r._asdict() for r in summary_table(ds, scenario, day=day)],
        "readouts": readouts(ds, scenario, day=day),
        "disclaimer": a.get("disclaimer", "Research use only, not medical advice."),
    }
