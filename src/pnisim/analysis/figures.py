"""PNG figures of a run's key observables (matplotlib, Agg canvas, no pyplot global state).

Each figure shows one individual as a line, or, with more than one successfully solved individual, the
median with a shaded 10–90 % band. Every figure has a title, axis labels with units and the footer
"pnisim — research use only, not medical advice".
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from .curves import arm_names, ok_individuals, wake_times
from .readouts import (
    COURSE_LABELS,
    COURSE_VARIABLES,
    LABELS,
    MAX_DAY_CURVE_STEP_H,
    Exposure,
    exposures_of,
    has_course,
    representative_day,
)

__all__ = [
    "FOOTER",
    "cortisol_day_figure",
    "cortisol_run_figure",
    "figure_pngs",
    "figures",
    "lps_cytokine_figure",
    "lps_hpa_figure",
    "stress_figure",
    "to_png",
]

FOOTER = "pnisim — research use only, not medical advice"
#: one colour per arm (colour-blind-safe Okabe-Ito order)
ARM_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")

COLORS = {
    "cortisol_serum": "#1f5fa8",
    "cortisol_saliva": "#2a9d8f",
    "acth": "#8e44ad",
    "tnf": "#c0392b",
    "il6": "#e67e22",
    "il10": "#27ae60",
}
_EXPOSURE_STYLE = {"acute_stressor": "#7f8c8d", "lps_bolus": "#c0392b", "lps_infusion": "#c0392b",
                   "dexamethasone": "#34495e", "chronic_stress": "#95a5a6"}


def _new(rows: int, cols: int, width: float = 10.0, height: float = 3.2) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(width, height * rows + 0.9), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    return fig, axes


def _finish(fig: Figure, title: str) -> Figure:
    fig.suptitle(title, fontsize=12, fontweight="bold")
    fig.text(0.5, 0.002, FOOTER, ha="center", va="bottom", fontsize=8, color="#555555")
    fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # keep the footer clear of the axes
    return fig


def _label(ds: xr.Dataset, name: str) -> str:
    unit = ds[name].attrs.get("units", "")
    text = LABELS.get(name, ds[name].attrs.get("long_name", name))
    return f"{text} ({unit})" if unit else text


def _plot(ax, ds: xr.Dataset, name: str, x: np.ndarray, sel: np.ndarray, label: str | None = None) -> None:
    """Median line and 10–90 % band over successfully solved individuals (one line when N = 1); with arms,
    one line (and band) per arm."""
    arms = arm_names(ds)
    if len(arms) > 1 and label is None:
        for k, arm in enumerate(arms):
            sub = ds.isel(individual=np.flatnonzero(ds["arm"].values == arm))
            y = np.asarray(sub[name].transpose("individual", "time").values, dtype=float)[:, sel]
            color = ARM_COLORS[k % len(ARM_COLORS)]
            if y.shape[0] > 1:
                with np.errstate(all="ignore"):
                    lo, med, hi = np.nanpercentile(y, [10, 50, 90], axis=0)
                ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)
                ax.plot(x, med, color=color, linewidth=1.4, label=f"{arm} (median, N={y.shape[0]})")
            else:
                ax.plot(x, y[0], color=color, linewidth=1.4, label=arm)
        ax.set_ylabel(_label(ds, name))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize=8, frameon=False)
        return
    y = np.asarray(ds[name].transpose("individual", "time").values, dtype=float)[:, sel]
    ok = ok_individuals(ds)
    y = y[ok] if ok.any() else y
    color = COLORS.get(name)
    if y.shape[0] > 1:
        with np.errstate(all="ignore"):
            lo, med, hi = np.nanpercentile(y, [10, 50, 90], axis=0)
        ax.fill_between(x, lo, hi, color=color, alpha=0.25, linewidth=0, label="10–90 %")
        ax.plot(x, med, color=color, linewidth=1.6, label=f"median (N={y.shape[0]})" if label is None else label)
    else:
        ax.plot(x, y[0], color=color, linewidth=1.6, label=label)
    ax.set_ylabel(_label(ds, name))
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(loc="best", fontsize=8, frameon=False)


def _time(ds: xr.Dataset) -> np.ndarray:
    return np.asarray(ds["time"].values, dtype=float)


def _mark_exposures(ax, exposures: Sequence[Exposure], scale: float = 1.0, offset: float = 0.0) -> None:
    for e in exposures:
        ax.axvline((e.t - offset) / scale, color=_EXPOSURE_STYLE.get(e.type, "#7f8c8d"), linestyle="--",
                   linewidth=0.9, alpha=0.8)


# ------------------------------------------------------------------------------------------------- figures
def cortisol_run_figure(ds: xr.Dataset, exposures: Sequence[Exposure] = ()) -> Figure:
    """Serum and salivary cortisol over the whole run (days), exposures marked by dashed lines."""
    names = [n for n in ("cortisol_serum", "cortisol_saliva") if n in ds]
    fig, axes = _new(len(names), 1, height=2.6)
    t = _time(ds)
    for ax, name in zip(axes, names):
        _plot(ax, ds, name, t / 24.0, np.ones(t.size, dtype=bool))
        _mark_exposures(ax, exposures, scale=24.0)
        if t[-1] - t[0] >= 72.0:
            ax.xaxis.set_major_locator(MultipleLocator(1.0))  # one tick per day
        ax.set_xlabel("time since midnight of day 0 (days)")
    kinds = sorted({e.type.replace("_", " ") for e in exposures})
    return _finish(fig, "Cortisol over the run" + (f" (dashed: {', '.join(kinds)})" if kinds else ""))


def course_figure(ds: xr.Dataset, names: Sequence[str], exposures: Sequence[Exposure] = ()) -> Figure:
    """Slow readouts (symptom scores, CRP, IL-6, HRV) over the whole run in days, exposures marked."""
    fig, axes = _new(len(names), 1, height=2.2)
    t = _time(ds)
    for ax, name in zip(axes, names):
        _plot(ax, ds, name, t / 24.0, np.ones(t.size, dtype=bool))
        _mark_exposures(ax, exposures, scale=24.0)
        ax.set_ylabel(f"{COURSE_LABELS[name]} ({ds[name].attrs.get('units', '')})")  # long names overlap here
        ax.set_xlabel("time since midnight of day 0 (days)")
    return _finish(fig, "Symptoms, inflammation and HRV over the run")


def cortisol_day_figure(ds: xr.Dataset, day: int) -> Figure:
    """Serum and salivary cortisol over one day in clock time, with the (median) wake time marked."""
    names = [n for n in ("cortisol_serum", "cortisol_saliva") if n in ds]
    fig, axes = _new(1, len(names), height=3.4)
    t = _time(ds)
    sel = (t >= 24.0 * day) & (t <= 24.0 * day + 24.0)
    wake = float(np.median(wake_times(ds)))
    for ax, name in zip(axes, names):
        _plot(ax, ds, name, t[sel] - 24.0 * day, sel)
        ax.axvline(wake, color="#f1c40f", linewidth=1.2, label="wake")
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 3))
        ax.set_xlabel("clock time (h)")
        ax.set_title(LABELS[name], fontsize=10)
    return _finish(fig, f"Cortisol day curve, day {day} (yellow line: waking)")


def stress_figure(ds: xr.Dataset, onset_h: float, *, before_h: float = 1.0, after_h: float = 3.0) -> Figure:
    """Cortisol (serum, saliva), ACTH and IL-6 around an acute stressor, in minutes from its onset."""
    names = [n for n in ("cortisol_serum", "cortisol_saliva", "acth", "il6") if n in ds]
    fig, axes = _new(math.ceil(len(names) / 2), 2, height=2.8)
    t = _time(ds)
    sel = (t >= onset_h - before_h) & (t <= onset_h + after_h)
    for ax, name in zip(axes, names):
        _plot(ax, ds, name, 60.0 * (t[sel] - onset_h), sel)
        ax.axvline(0.0, color="#7f8c8d", linestyle="--", linewidth=0.9)
        ax.set_xlabel("time from stressor onset (min)")
        ax.set_title(LABELS.get(name, name), fontsize=10)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    return _finish(fig, f"Acute stress response (onset day {int(onset_h // 24)}, {_hhmm(onset_h)})")


def lps_cytokine_figure(ds: xr.Dataset, bolus_h: float, *, before_h: float = 1.0, after_h: float = 12.0) -> Figure:
    """TNF-α, IL-6 and IL-10 after an LPS bolus, in hours from the bolus."""
    names = [n for n in ("tnf", "il6", "il10") if n in ds]
    return _after_bolus(ds, names, bolus_h, before_h, after_h, "Cytokine response to LPS")


def lps_hpa_figure(ds: xr.Dataset, bolus_h: float, *, before_h: float = 1.0, after_h: float = 12.0) -> Figure:
    """ACTH and serum cortisol after an LPS bolus."""
    names = [n for n in ("acth", "cortisol_serum") if n in ds]
    return _after_bolus(ds, names, bolus_h, before_h, after_h, "HPA response to LPS")


def _after_bolus(ds, names, bolus_h, before_h, after_h, title) -> Figure:
    fig, axes = _new(1, max(len(names), 1), height=3.4, width=4.0 * max(len(names), 1))
    t = _time(ds)
    sel = (t >= bolus_h - before_h) & (t <= bolus_h + after_h)
    for ax, name in zip(axes, names):
        _plot(ax, ds, name, t[sel] - bolus_h, sel)
        ax.axvline(0.0, color="#c0392b", linestyle="--", linewidth=0.9)
        ax.set_xlabel("time from LPS bolus (h)")
        ax.set_title(LABELS.get(name, name), fontsize=10)
    return _finish(fig, f"{title} (bolus day {int(bolus_h // 24)}, {_hhmm(bolus_h)})")


def _hhmm(h: float) -> str:
    m = int(round((h % 24.0) * 60.0)) % 1440
    return f"{m // 60:02d}:{m % 60:02d}"


# ------------------------------------------------------------------------------------------------- all of them
def figures(ds: xr.Dataset, scenario=None, *, day: int | None = None) -> dict[str, Figure]:
    """Every figure the run supports, by file name (``cortisol_run.png``, ``lps_cytokines.png``, ...)."""
    ex = exposures_of(scenario)
    t = _time(ds)
    out: dict[str, Figure] = {}
    fine = t.size > 1 and float(np.median(np.diff(t))) <= MAX_DAY_CURVE_STEP_H
    if any(n in ds for n in ("cortisol_serum", "cortisol_saliva")):
        out["cortisol_run.png"] = cortisol_run_figure(ds, ex)
        if fine:
            out["cortisol_day.png"] = cortisol_day_figure(ds, representative_day(ds, ex) if day is None else day)
    if has_course(ds):
        out["course.png"] = course_figure(ds, [n for n in COURSE_VARIABLES if n in ds], ex)
    inside = [e for e in ex if t[0] <= e.t <= t[-1]]
    for k, e in enumerate(x for x in inside if x.type == "acute_stressor"):
        out[f"stress_response{'' if k == 0 else f'_{k + 1}'}.png"] = stress_figure(ds, e.t)
    for k, e in enumerate(x for x in inside if x.type == "lps_bolus"):
        suffix = "" if k == 0 else f"_{k + 1}"
        if any(n in ds for n in ("tnf", "il6", "il10")):
            out[f"lps_cytokines{suffix}.png"] = lps_cytokine_figure(ds, e.t)
        if any(n in ds for n in ("acth", "cortisol_serum")):
            out[f"lps_hpa{suffix}.png"] = lps_hpa_figure(ds, e.t)
    return out


def to_png(fig: Figure, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def figure_pngs(ds: xr.Dataset, scenario=None, *, day: int | None = None, dpi: int = 110) -> dict[str, bytes]:
    """:func:`figures` rendered to PNG bytes (for files and for embedding in the report)."""
    return {name: to_png(fig, dpi=dpi) for name, fig in figures(ds, scenario, day=day).items()}
