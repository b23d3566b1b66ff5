"""One self-contained HTML page per run: what was run, the summary, the figures, the mechanisms with their
evidence grades, the references and any failed individuals. CSS is inline and figures are embedded as
base64 PNGs, so the file can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import math
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from .. import __version__
from ..disclaimer import DISCLAIMER
from ..population.envelope import excursions
from ..model.core import GRADES
from ..evidence.graph import pathways
from .curves import ok_individuals
from .summary import Row, summary_table

__all__ = ["render_report"]

STATUS_MEANING = {0: "success", 1: "maximum number of steps exceeded", 2: "step size underflow",
                  3: "non-finite values", 4: "singular linear system"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:1100px;
margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.notice{background:#fff4e5;border:2px solid #e67e22;padding:.6em 1em;font-weight:bold;border-radius:4px}
.grade{display:inline-block;min-width:1.4em;text-align:center;border-radius:3px;font-weight:bold;color:#fff}
.gA{background:#1e8449}.gB{background:#2e86c1}.gC{background:#d68910}.gD{background:#c0392b}
tr.uncertain td{background:#fdf2e9}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dl.meta dt{font-weight:bold}
dl.meta dd{margin:0}code{font-size:.9em}footer{margin-top:2em;color:#555;font-size:.9em}
"""

_CAPTIONS = {
    "cortisol_run": "Serum and salivary cortisol over the whole run; dashed lines mark exposures.",
    "cortisol_day": "Cortisol over one representative day in clock time.",
    "stress_response": "Response to the acute stressor, minutes from onset.",
    "lps_cytokines": "Cytokine storm after the LPS bolus (TNF-α, IL-6, IL-10).",
    "lps_hpa": "ACTH and serum cortisol after the LPS bolus.",
}


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _field(obj, name, default=None):
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _grade(g: str) -> str:
    return f'<span class="grade g{_e(g)}" title="{_e(GRADES.get(g, ""))}">{_e(g)}</span>'


def _value(v) -> str:
    if isinstance(v, str):
        return _e(v)
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    if abs(v) < 1e-9:
        return "0"  # solver round-off around an exact zero is not a finding
    return _e(f"{v:.4g}")


def _meta(ds: xr.Dataset, scenario, model) -> str:
    a = ds.attrs
    rtol, atol = a.get("rtol"), a.get("atol")
    items = [
        ("Scenario", _field(scenario, "name", None) or a.get("scenario", "—")),
        ("Description", _field(scenario, "description", None) or a.get("scenario_description") or "—"),
        ("Spec hash", a.get("spec_hash", "—")),
        ("Model", f"{a.get('model', '—')}" + (f" — {model.title}" if model is not None else "")),
        ("Model spec hash", a.get("model_spec_hash", "—")),
        ("Burn-in", f"{a['burn_in_h']} h before the recorded run (not recorded)" if "burn_in_h" in a else "—"),
        ("Solver", a.get("solver", "—")),
        ("Tolerances", f"rtol = {rtol}, atol = {atol}" if rtol is not None else "—"),
        ("Package version", a.get("package_version", f"pnisim {__version__}")),
        ("Seed", a.get("seed", "—")),
        ("Individuals", f"{ds.sizes.get('individual', 1)}"),
        ("Run times", f"{float(ds['time'].values[0]):g}–{float(ds['time'].values[-1]):g} h since midnight of day 0"),
        ("Date", a.get("created", _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))),
    ]
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return f'<dl class="meta">{body}</dl>'


def _summary(rows: Sequence[Row]) -> str:
    if not rows:
        return "<p>No summary quantities could be read from this run.</p>"
    arms = next((list(r.arms) for r in rows if r.arms), None)
    if arms:  # arms side by side
        head = "".join(f"<th>{_e(a)}</th>" for a in arms)
        body = "".join(
            f"<tr><td>{_e(r.quantity)}</td>"
            + "".join(f'<td class="num">{_value((r.arms or {}).get(a, r.value))}</td>' for a in arms)
            + f"<td>{_e(r.unit)}</td><td>{_e(r.note)}</td></tr>"
            for r in rows
        )
        return f"<table><tr><th>Quantity</th>{head}<th>Unit</th><th>Note</th></tr>{body}</table>"
    body = "".join(
        f"<tr><td>{_e(r.quantity)}</td><td class=\"num\">{_value(r.value)}</td><td>{_e(r.unit)}</td>"
        f"<td>{_e(r.note)}</td></tr>"
        for r in rows
    )
    return f"<table><tr><th>Quantity</th><th>Value</th><th>Unit</th><th>Note</th></tr>{body}</table>"


def _figures(figures: Mapping[str, bytes]) -> str:
    out = []
    for name, png in figures.items():
        stem = name.rsplit(".", 1)[0]
        caption = _CAPTIONS.get(stem.rstrip("_0123456789"), stem)
        data = base64.b64encode(png).decode("ascii")
        out.append(f'<figure><img alt="{_e(stem)}" src="data:image/png;base64,{data}">'
                   f"<figcaption>{_e(caption)}</figcaption></figure>")
    return "".join(out) or "<p>No figures.</p>"


def _mechanisms(model) -> str:
    if model is None:
        return "<p>The model definition was not available to list its mechanisms.</p>"
    mods = "".join(
        f"<tr><td><code>{_e(m.name)}</code></td><td>{_e(m.title)}</td><td>{_e(m.citation)}"
        + (f' (doi:<a href="https://doi.org/{_e(m.doi)}">{_e(m.doi)}</a>)' if m.doi else "")
        + f"</td><td>{_grade(m.grade)}</td><td>{_e(m.changes)}</td></tr>"
        for m in model.modules
    )
    couplings = "".join(
        f'<tr class="{"uncertain" if c.grade in "CD" else ""}"><td><code>{_e(c.name)}</code></td>'
        f"<td>{_e(c.description)}</td><td>{_e(c.citation)}</td><td>{_grade(c.grade)}</td></tr>"
        for c in model.couplings
    )
    weak = [c for c in model.couplings if c.grade in ("C", "D")] + [m for m in model.modules if m.grade in ("C", "D")]
    if weak:
        names = ", ".join(f"{x.name} (grade {x.grade})" for x in weak)
        caution = (f"<p><strong>Less certain:</strong> {_e(names)} rest on grade C (mechanistic, animal or small "
                   f"human studies) or D (speculative) evidence; treat what depends on them with caution.</p>")
    else:
        caution = "<p>No module or coupling in this model is graded C or D.</p>"
    legend = "; ".join(f"{_grade(g)} {_e(text)}" for g, text in GRADES.items())
    return (
        f"<p>Evidence grades: {legend}.</p>{caution}"
        "<h3>Modules (published models adapted)</h3>"
        "<table><tr><th>Module</th><th>What</th><th>Citation</th><th>Grade</th><th>Changes made by pnisim</th></tr>"
        f"{mods}</table>"
        "<h3>Couplings (links between modules)</h3>"
        "<table><tr><th>Coupling</th><th>Mechanism</th><th>Citation</th><th>Grade</th></tr>"
        f"{couplings}</table>"
    )


def _exposures(scenario) -> str:
    """The scenario's exposures and interventions with mechanism, evidence grade and cost (from their metadata)."""
    exposures = [("all", e) for e in (_field(scenario, "exposures", None) or [])]
    for arm in _field(scenario, "arms", None) or []:
        exposures += [(arm.name, e) for e in arm.exposures]
    if not exposures:
        return "<p>No exposures or interventions: the person is at rest.</p>"
    rows = []
    for arm, e in exposures:
        meta = getattr(type(e), "METADATA", {}) or {}
        cost = meta.get("cost")
        per = next((k for k in (cost or {}) if k.startswith("usd_per_")), None)
        cost_text = (f"{cost[per]:g} USD per {per.removeprefix('usd_per_')} ({cost['source']})" if per
                     else "not in the evidence table")
        when = f"day {e.day} {e.time}" if hasattr(e, "day") else "schedule"
        rows.append(
            f'<tr class="{"uncertain" if meta.get("evidence_grade") in ("C", "D") else ""}"><td>{_e(arm)}</td>'
            f"<td><code>{_e(e.type)}</code>{(' — ' + _e(e.label)) if getattr(e, 'label', None) else ''}</td>"
            f"<td>{_e(when)}</td><td>{_e(meta.get('mechanism', '—'))}</td>"
            f"<td>{_grade(meta.get('evidence_grade', '—'))}</td><td>{_e(cost_text)}</td>"
            f"<td>{_e('; '.join(meta.get('assumptions', [])))}</td></tr>"
        )
    return ("<table><tr><th>Arm</th><th>Exposure / intervention</th><th>When</th><th>Mechanism in the model</th><th>Grade</th>"
            "<th>Cost</th><th>Assumptions</th></tr>" + "".join(rows) + "</table>")


def _references(model) -> str:
    if model is None:
        return "<p>—</p>"
    items = "".join(
        f"<li>{_e(c)}" + (f' doi:<a href="https://doi.org/{_e(d)}">{_e(d)}</a>' if d else "")
        + (f" — <em>{_e(use)}</em>" if use else "") + "</li>"
        for c, d, use in model.references()
    )
    return f"<ol>{items}</ol>"


def _envelope(ds: xr.Dataset) -> str:
    """Values outside the physiological envelope, per individual and variable (a warning, never clipped)."""
    found = excursions(ds)
    if not found:
        return ("<p>Every output stayed inside its physiological envelope (the widest range a living adult shows; "
                "table and sources in pnisim/data/envelope/envelope.csv).</p>")
    rows = "".join(
        f"<tr><td>{_e(x.individual)}</td><td>{_e(x.variable)}</td><td>{_e(d['first_time'])}</td>"
        f"<td>{_value(x.extreme)} {_e(x.unit)}</td><td>{x.low:g}-{x.high:g} {_e(x.unit)}</td><td>{x.points}</td></tr>"
        for x, d in ((x, x.as_dict()) for x in found))
    return (f'<p class="notice">Warning: {len(found)} output(s) left the physiological envelope (the widest range '
            "a living adult shows; pnisim/data/envelope/envelope.csv). The model is outside the range it was built "
            "for; treat these results with caution.</p><table><tr><th>Individual</th><th>Variable</th>"
            "<th>First outside</th><th>Furthest value</th><th>Envelope</th><th>Samples outside</th></tr>"
            f"{rows}</table>")


def _failed(ds: xr.Dataset) -> str:
    ok = ok_individuals(ds)
    if ok.all():
        return "<p>All individuals were solved successfully.</p>"
    ids = [str(i) for i in ds["individual"].values] if "individual" in ds.coords else [str(i) for i in range(ok.size)]
    status = np.asarray(ds["status"].values)
    rows = "".join(
        f"<tr><td>{_e(i)}</td><td>{int(s)}</td><td>{_e(STATUS_MEANING.get(int(s), 'unknown'))}</td></tr>"
        for i, s, good in zip(ids, status, ok) if not good
    )
    return (f"<p>{int((~ok).sum())} of {ok.size} individuals failed to solve; they are left out of the summary "
            f"and the bands.</p><table><tr><th>Individual</th><th>Status</th><th>Meaning</th></tr>{rows}</table>")


#: readouts the driver table traces, in this order, when the run has them
DRIVER_READOUTS = ("cortisol_serum", "il6", "crp", "tnf", "phq9", "pss10", "sleep_hours", "rmssd", "pcl5",
                   "disease_score")


def _exposure_targets(scenario) -> dict[str, list[tuple[str, str]]]:
    """label -> the model inputs and states each exposure acts on (from its effects)."""
    if scenario is None or not hasattr(scenario, "exposures_of_arm"):
        return {}
    win = scenario.run.window()
    out: dict[str, list[tuple[str, str]]] = {}
    every = [("", e) for e in scenario.exposures] + [(a.name, e) for a in scenario.arms for e in a.exposures]
    for arm, e in every:
        label = f"{e.name()}" + (f" [{arm}]" if arm else "")
        targets = {("state" if type(eff).__name__ == "Bolus" else "input", eff.target) for eff in e.effects(win)}
        out[label] = sorted(targets)
    return out


def _drivers(ds: xr.Dataset, scenario, model) -> str:
    """The mechanisms through which each exposure reaches each reported readout, with the weakest grade."""
    if model is None:
        return "<p>—</p>"
    readouts = [r for r in DRIVER_READOUTS if r in ds and r in model.observable_names]
    paths = pathways(model, _exposure_targets(scenario), readouts)
    if not paths:
        return "<p>No exposure in this run reaches a reported readout (the person is at rest).</p>"
    rows = "".join(
        f'<tr class="{"uncertain" if p.weakest in "CD" else ""}"><td>{_e(p.exposure)}</td><td>{_e(p.readout)}</td>'
        f"<td>{_e(p.text())}</td><td>{_grade(p.weakest)}</td></tr>"
        for p in paths
    )
    return ("<p>For each exposure and readout: the shortest chain of graded couplings through which the exposure "
            "acts on the readout in this model, and the weakest evidence grade along it (modules included). A "
            "result is only as well supported as its weakest link.</p><table><tr><th>Exposure</th><th>Readout</th>"
            f"<th>Pathway (module —coupling (grade)→ module)</th><th>Weakest grade</th></tr>{rows}</table>")


def _scenario_json(scenario) -> str:
    if scenario is None or not hasattr(scenario, "model_dump"):
        return ""
    text = json.dumps(scenario.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return f"<details><summary>Scenario specification (validated)</summary><pre>{_e(text)}</pre></details>"


def _uncertainty(band) -> str:
    """The 90 % posterior band of each summary quantity over draws of the calibrated parameters."""
    if not band:
        return ""
    n = max(v["draws"] for v in band.values())
    rows = "".join(f"<tr><td>{_e(q)}</td><td>{_value(v['p50'])}</td><td>{_value(v['p5'])} to {_value(v['p95'])}"
                   f"</td></tr>" for q, v in band.items())
    return (f"<h3>Parameter uncertainty ({n} posterior draws of the calibrated parameters)</h3>"
            "<p>Each draw re-runs the same scenario (same individuals) with parameter values drawn from the shipped "
            "calibration's posteriors (data/calibration/whole.toml); parameters are drawn independently.</p>"
            f"<table><tr><th>quantity</th><th>median</th><th>90 % band</th></tr>{rows}</table>")


def render_report(
    ds: xr.Dataset,
    scenario=None,
    *,
    model=None,
    rows: Sequence[Row] | None = None,
    figures: Mapping[str, bytes] | None = None,
    uncertainty: Mapping[str, Mapping[str, float]] | None = None,
) -> str:
    """The report as one HTML string. ``rows`` and ``figures`` are computed when not given; ``model`` (for
    the mechanisms and references) defaults to the shipped model named in ``ds.attrs['model']``."""
    if rows is None:
        rows = summary_table(ds, scenario)
    if figures is None:
        from .figures import figure_pngs

        figures = figure_pngs(ds, scenario)
    if model is None:
        model = _model_of(ds)
    name = _field(scenario, "name", None) or ds.attrs.get("scenario", "run")
    notice = f'<p class="notice">{_e(DISCLAIMER)} Outputs are simulations of a research model, not ' \
             f"predictions for any person.</p>"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>pnisim report — {_e(name)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head><body>'
        f"<h1>pnisim report — {_e(name)}</h1>{notice}"
        f"<h2>What was run</h2>{_meta(ds, scenario, model)}{_scenario_json(scenario)}"
        f"<h2>Exposures and interventions</h2>{_exposures(scenario)}"
        f"<h2>Summary</h2>{_summary(rows)}{_uncertainty(uncertainty)}"
        f"<h2>Physiological plausibility</h2>{_envelope(ds)}"
        f"<h2>Figures</h2>{_figures(figures)}"
        f"<h2>Mechanisms that drove this result</h2>{_drivers(ds, scenario, model)}"
        f"<h2>Mechanisms and evidence grades</h2>{_mechanisms(model)}"
        f"<h2>References</h2>{_references(model)}"
        f"<h2>Failed individuals</h2>{_failed(ds)}"
        f'<footer><p class="notice">{_e(DISCLAIMER)}</p>'
        f"<p>Generated by pnisim {_e(__version__)}.</p></footer>"
        "</body></html>\n"
    )


def _model_of(ds: xr.Dataset):
    from ..errors import SpecError
    from ..model.library import get_model

    try:
        return get_model(str(ds.attrs.get("model", "core")))
    except SpecError:
        return None
