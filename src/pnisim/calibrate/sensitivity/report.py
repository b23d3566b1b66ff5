"""Figures and the HTML report of a sensitivity analysis."""

from __future__ import annotations

import base64
import html
import io
import math
from typing import Any

import numpy as np
import xarray as xr

from ...disclaimer import DISCLAIMER
from .result import SensitivityResult


def _fig(rows: int, width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, [fig.add_subplot(rows, 1, i + 1) for i in range(rows)]


def sobol_figure(indices: xr.Dataset, output: str):
    """Horizontal bars of ST and S1 with their bootstrap CIs, parameters sorted by ST."""
    ds = indices.sel(output=output)
    order = np.argsort(-np.nan_to_num(ds["ST"].values, nan=-1.0), kind="stable")
    names = [str(ds["parameter"].values[i]) for i in order]
    fig, (ax,) = _fig(1, 8.0, 0.35 * len(names) + 1.6)
    ypos = np.arange(len(names))
    for off, var, color in ((-0.2, "ST", "#1f77b4"), (0.2, "S1", "#ff7f0e")):
        ax.barh(ypos + off, ds[var].values[order], height=0.4, xerr=ds[f"{var}_conf"].values[order], color=color,
                ecolor="#333", capsize=2, label={"ST": "total ST", "S1": "first-order S1"}[var])
    ax.set_yticks(ypos, names, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.set_xlabel(f"Sobol' index ({100 * float(indices.attrs.get('sobol_conf_level', 0.95)):g} % bootstrap CI)")
    label = str(ds["label"].values) if "label" in ds.coords else output
    ax.set_title(f"{label} — Sobol' indices (N = {indices.attrs.get('sobol_n')})", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    fig.text(0.01, 0.005, DISCLAIMER, fontsize=7, color="#a60")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def morris_figure(indices: xr.Dataset, output: str):
    """Morris mu* (with bootstrap CI) against sigma; the line sigma = mu* separates mostly linear, additive
    effects (below) from non-linear or interacting ones (above)."""
    ds = indices.sel(output=output)
    fig, (ax,) = _fig(1, 7.0, 5.0)
    x, dx, y = ds["mu_star"].values, ds["mu_star_conf"].values, ds["sigma"].values
    ax.errorbar(x, y, xerr=dx, fmt="o", color="#1f77b4", ecolor="#999", capsize=2)
    top = np.argsort(-np.nan_to_num(x, nan=-1.0))[:6]  # the six largest are named; the table lists all
    for i in top:
        ax.annotate(str(ds["parameter"].values[i]), (x[i], y[i]), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")
    x_hi = float(np.nanmax(x + np.nan_to_num(dx))) if np.isfinite(x).any() else 0.0
    y_hi = float(np.nanmax(y)) if np.isfinite(y).any() else 0.0
    x_hi, y_hi = (x_hi if x_hi > 0 else 1.0) * 1.1, (y_hi if y_hi > 0 else 1.0) * 1.15
    d_hi = max(x_hi, y_hi)
    ax.plot([0, d_hi], [0, d_hi], "--", color="#999", linewidth=0.8, label="sigma = mu*")
    ax.set_xlim(0, x_hi)
    ax.set_ylim(0, y_hi)
    unit = str(ds["output_unit"].values) if "output_unit" in ds.coords else ""
    ax.set_xlabel(f"mu* ({unit} over the parameter's range)")
    ax.set_ylabel(f"sigma ({unit})")
    label = str(ds["label"].values) if "label" in ds.coords else output
    ax.set_title(f"{label} — Morris screening (r = {indices.attrs.get('morris_trajectories')})", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.text(0.01, 0.005, DISCLAIMER, fontsize=7, color="#a60")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def figures(result: SensitivityResult) -> dict[str, Any]:
    """File name -> matplotlib Figure: ``sobol_<output>.png`` and ``morris_<output>.png``."""
    out = {}
    for o in result.indices["output"].values:
        if "ST" in result.indices and np.isfinite(result.indices["ST"].sel(output=o).values).any():
            out[f"sobol_{o}.png"] = sobol_figure(result.indices, str(o))
        if "mu_star" in result.indices:
            out[f"morris_{o}.png"] = morris_figure(result.indices, str(o))
    return out


def figure_png(fig, dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _f(x: Any) -> str:
    if isinstance(x, str):
        return html.escape(x)
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.3g}"


def render_sensitivity_report(result: SensitivityResult, pngs: dict[str, bytes] | None = None) -> str:
    """One self-contained HTML page: the spec in words, per output a ranked table and the figures."""
    e = html.escape
    ds = result.indices
    pngs = pngs if pngs is not None else {k: figure_png(f) for k, f in figures(result).items()}
    spec = result.spec
    name = spec.name if spec else "sensitivity"
    params = "".join(
        f"<tr><td>{e(str(p))}</td><td>{_f(float(ds['base'].sel(parameter=p)))}</td>"
        f"<td>{_f(float(ds['low'].sel(parameter=p)))} to {_f(float(ds['high'].sel(parameter=p)))}</td>"
        f"<td>{e(str(ds['scale'].sel(parameter=p).values))}</td>"
        f"<td>{e(str(ds['parameter_unit'].sel(parameter=p).values))}</td></tr>"
        for p in ds["parameter"].values)
    methods = []
    if "morris_trajectories" in ds.attrs:
        methods.append(f"Morris screening: r = {ds.attrs['morris_trajectories']} trajectories on "
                       f"{ds.attrs['morris_levels']} levels ({ds.attrs['morris_runs']} runs; Morris 1991, mu* of "
                       f"Campolongo 2007)")
    if "sobol_n" in ds.attrs:
        methods.append(f"Sobol' indices: N = {ds.attrs['sobol_n']} base samples, Saltelli design "
                       f"({ds.attrs['sobol_runs']} runs; estimators of Saltelli 2010), "
                       f"{ds.attrs['sobol_resamples']} bootstrap resamples")
    sections = []
    for o in ds["output"].values:
        o = str(o)
        rows = result.ranking(o)
        cols = [c for c in ("ST", "ST_conf", "S1", "S1_conf", "mu_star", "mu_star_conf", "sigma") if c in rows[0]]
        head = "".join(f"<th>{c}</th>" for c in ("rank", "parameter", *cols))
        body = "".join("<tr>" + f"<td>{r['rank']}</td><td>{e(r['parameter'])}</td>"
                       + "".join(f"<td>{_f(r[c])}</td>" for c in cols) + "</tr>" for r in rows)
        vals = result.samples["output_value"].sel(output=o).values
        finite = vals[np.isfinite(vals)]
        stats = (f"mean {_f(float(finite.mean()))}, SD {_f(float(finite.std()))}, range {_f(float(finite.min()))} "
                 f"to {_f(float(finite.max()))}" if finite.size else "no finite value")
        imgs = "".join(f"<img alt='{e(k)}' src='data:image/png;base64,{base64.b64encode(v).decode()}'>"
                       for k, v in pngs.items() if k in (f"sobol_{o}.png", f"morris_{o}.png"))
        sections.append(
            f"<h2>{e(str(ds['label'].sel(output=o).values) if 'label' in ds.coords else o)}</h2>"
            f"<p>{e(str(ds['description'].sel(output=o).values) if 'description' in ds.coords else '')} "
            f"({e(str(ds['output_unit'].sel(output=o).values) if 'output_unit' in ds.coords else '')}); over the "
            f"samples: {stats}.</p><table><tr>{head}</tr>{body}</table>{imgs}")
    notes = "".join(f"<li>{e(n)}</li>" for n in result.notes)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>pnisim sensitivity — {e(name)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}.notice{background:#fff3cd;padding:6px}img{max-width:100%}"
        "</style></head><body>"
        f"<h1>pnisim sensitivity analysis — {e(name)}</h1><p class='notice'>{DISCLAIMER} Indices describe the "
        "research model's behaviour over the sampled ranges, not facts about people or treatments.</p>"
        f"<p>{e(spec.description if spec else '')}</p><ul>{''.join(f'<li>{e(m)}</li>' for m in methods)}</ul>"
        f"{f'<ul>{notes}</ul>' if notes else ''}"
        "<h2>Parameters and ranges</h2><table><tr><th>parameter</th><th>base value</th><th>range</th>"
        f"<th>scale</th><th>unit</th></tr>{params}</table>"
        "<p>ST: share of the output variance involving the parameter (alone or with others); S1: share it "
        "explains alone; mu*: mean absolute change of the output when the parameter moves across its range "
        "(Morris elementary effects); sigma large relative to mu*: non-linear or interacting.</p>"
        f"{''.join(sections)}<footer><p class='notice'>{DISCLAIMER}</p></footer></body></html>\n"
    )
