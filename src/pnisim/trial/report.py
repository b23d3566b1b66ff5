"""The trial report: trajectories per arm (median and 80 % band, 10th–90th percentile, at each visit), a forest
plot of the standardised effects, power curves, the estimates table and, when the trial has a cost-effectiveness
analysis, the cost-effectiveness plane (bootstrap PSA draws of incremental QALYs and costs per active arm with
willingness-to-pay lines and the point estimate; Black WC. Med Decis Making 1990;10:212) and the acceptability
curve (Fenwick E et al. Health Econ 2001;10:779) — one self-contained HTML page (PNG figures, the two
cost-effectiveness figures as inline SVG)."""

from __future__ import annotations

import base64
import html
import io
import math
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..analysis.figures import ARM_COLORS, to_png  # noqa: E402
from ..disclaimer import DISCLAIMER  # noqa: E402

__all__ = ["trajectories_figure", "forest_figure", "power_figure", "ce_plane_figure", "ceac_figure",
           "render_trial_report", "WTP_LINES"]

#: willingness-to-pay thresholds drawn on the cost-effectiveness plane and acceptability curve (USD per QALY)
WTP_LINES = (50_000.0, 100_000.0)


def trajectories_figure(result):
    spec, d = result.spec, result.data
    first: dict = {}
    for e in spec.endpoints:
        first.setdefault(e.observable, e)  # one panel per observable, in the order of the endpoints
    eps = list(first.values())
    fig, axes = plt.subplots(len(eps), 1, figsize=(8, 2.4 * len(eps)), squeeze=False)
    weeks = d["visit_time"].values / 168.0
    for ax, ep in zip(axes[:, 0], eps):
        for k, arm in enumerate(spec.arms):
            y = d[ep.observable].values[(d["arm"].values == arm.name) & (d["status"].values == 0)]
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an arm with no participant left: no band
                lo, med, hi = np.nanpercentile(y, [10, 50, 90], axis=0)
            color = ARM_COLORS[k % len(ARM_COLORS)]
            ax.fill_between(weeks, lo, hi, color=color, alpha=0.2, linewidth=0)
            ax.plot(weeks, med, "o-", color=color,
                    label=f"{arm.name}: median and 80 % band (10th–90th percentile), N={y.shape[0]}")
        ax.set_ylabel(f"{ep.observable} ({d[ep.observable].attrs.get('units', '')})")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, framealpha=0.8, edgecolor="none")
    axes[-1, 0].set_xlabel("weeks since randomisation")
    fig.tight_layout()
    return fig


def forest_figure(result, statistic: str = "pretest-posttest-control g"):
    rows = [e for e in result.estimates if e["name"] == statistic]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 1.2))
    for i, e in enumerate(rows):
        ax.plot([e["ci_low"], e["ci_high"]], [i, i], color="#444")
        ax.plot(e["estimate"], i, "s", color=ARM_COLORS[0])
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.set_yticks(range(len(rows)), [f"{e['endpoint']} ({e['arm']} vs {e['control']})" for e in rows])
    ax.invert_yaxis()
    ax.set_xlabel(f"{statistic} (95 % CI); negative = lower in the active arm")
    fig.tight_layout()
    return fig


def power_figure(result):
    fig, ax = plt.subplots(figsize=(7, 3))
    for k, p in enumerate(result.power):
        ax.plot(p["n_per_arm"], p["power"], "o-", color=ARM_COLORS[k % len(ARM_COLORS)],
                label=f"{p['endpoint']} ({p['arm']})")
    ax.axhline(0.8, color="#999", linestyle="--", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("participants per arm")
    ax.set_ylabel("power (Welch, change from baseline)")
    if result.power:
        ax.legend(fontsize=8, frameon=False)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def _arm_color(result, name: str) -> str:
    names = [a.name for a in result.spec.arms]
    k = names.index(name) if name in names else 1
    return ARM_COLORS[k % len(ARM_COLORS)]


def _usd(x: float) -> str:
    return f"${x / 1000:g}k" if abs(x) >= 1000 else f"${x:g}"


def ce_plane_figure(result, wtp_lines=WTP_LINES):
    """The cost-effectiveness plane: each active arm's PSA draws (incremental QALYs, incremental cost) against the
    control, its point estimate, and the willingness-to-pay lines through the origin (points below a line are cost
    effective at that threshold). None when the trial has no cost-effectiveness analysis."""
    rows = list(getattr(result, "cea", None) or [])
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 4.4))
    xs, ys = [0.0], [0.0]
    for c in rows:
        color = _arm_color(result, c["arm"])
        dq, dc = np.asarray(c.get("psa_delta_qaly", []), float), np.asarray(c.get("psa_delta_cost_usd", []), float)
        if dq.size:
            ax.scatter(dq, dc, s=7, alpha=0.3, color=color, linewidths=0, rasterized=True,
                       label=f"{c['arm']} vs {c['control']}: {dq.size} bootstrap draws")
            xs += list(np.percentile(dq, [0.5, 99.5]))
            ys += list(np.percentile(dc, [0.5, 99.5]))
        ax.plot(c["delta_qaly"], c["delta_cost_usd"], "D", color=color, markeredgecolor="black", markersize=8,
                label=f"{c['arm']} vs {c['control']}: point estimate")
        xs.append(c["delta_qaly"])
        ys.append(c["delta_cost_usd"])
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    px, py = 0.08 * ((x1 - x0) or 1e-3), 0.08 * ((y1 - y0) or 1.0)
    x0, x1, y0, y1 = x0 - px, x1 + px, y0 - py, y1 + py
    line = np.array([x0, x1])
    for lam, style in zip(wtp_lines, ("--", ":", "-.")):
        ax.plot(line, lam * line, style, color="#555", linewidth=1, label=f"{_usd(lam)} per QALY")
    ax.axhline(0, color="#999", linewidth=0.8)
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("incremental QALYs per participant (active − control)")
    ax.set_ylabel("incremental cost per participant (USD)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="best")
    fig.tight_layout()
    return fig


def ceac_figure(result, wtp_lines=WTP_LINES):
    """The cost-effectiveness acceptability curve of each active arm (share of PSA draws with a positive net
    monetary benefit at each willingness to pay). None when no cost-effectiveness row carries the curve."""
    rows = [c for c in (getattr(result, "cea", None) or []) if c.get("wtp_usd_per_qaly") and
            c.get("prob_cost_effective")]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 3))
    for c in rows:
        ax.plot(np.asarray(c["wtp_usd_per_qaly"]) / 1000, c["prob_cost_effective"], "-",
                color=_arm_color(result, c["arm"]), label=f"{c['arm']} vs {c['control']}")
    for lam in wtp_lines:
        ax.axvline(lam / 1000, color="#555", linewidth=0.8, linestyle="--")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("willingness to pay (thousand USD per QALY)")
    ax.set_ylabel("probability cost effective")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def _svg(fig, label: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", dpi=110)
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return f'<figure role="img" aria-label="{html.escape(label)}" style="margin:0">{text}</figure>'


def _prob_ce(c: dict, lam: float) -> float | None:
    dq, dc = c.get("psa_delta_qaly"), c.get("psa_delta_cost_usd")
    if not dq:
        return None
    return float(np.mean(lam * np.asarray(dq, float) - np.asarray(dc, float) > 0))


def _icer(x: float) -> str:
    if x == math.inf:
        return "dominated (costs more, no QALY gain)"
    if x == -math.inf:
        return "no QALY gain, not more costly"
    return f"{x:,.0f} USD/QALY"


def _cea_section(result) -> str:
    rows = list(getattr(result, "cea", None) or [])
    if not rows:
        return ""
    e = html.escape
    heads = "".join(f"<th>P(cost effective) at {_usd(lam)}/QALY</th>" for lam in WTP_LINES)
    body = ""
    for c in rows:
        probs = "".join(f"<td>{'' if (p := _prob_ce(c, lam)) is None else f'{p:.2f}'}</td>" for lam in WTP_LINES)
        body += (f"<tr><td>{e(c['arm'])} vs {e(c['control'])}</td><td>{c['delta_cost_usd']:,.0f}</td>"
                 f"<td>{c['delta_qaly']:+.4f}</td><td>{e(_icer(c['icer_usd_per_qaly']))}</td>{probs}</tr>")
    mappings = sorted({c.get("utility_source") or c.get("utility") or "PHQ-9 → EQ-5D (Kolovos 2017)" for c in rows})
    plane = ce_plane_figure(result)
    ceac = ceac_figure(result)
    return (
        "<h2 id='cost-effectiveness'>Cost-effectiveness</h2>"
        f"<p>Utilities: {e('; '.join(mappings))}. Costs: the intervention library's cost of each arm's exposures over "
        "the follow-up. Uncertainty: participants resampled within each arm (bootstrap).</p>"
        "<table><tr><th>Comparison</th><th>Δ cost (USD)</th><th>Δ QALY</th><th>ICER</th>"
        f"{heads}</tr>{body}</table>"
        "<h3>Cost-effectiveness plane</h3>"
        f"{_svg(plane, 'cost-effectiveness plane')}"
        + (f"<h3>Acceptability curve</h3>{_svg(ceac, 'cost-effectiveness acceptability curve')}" if ceac else "")
    )


def _img(fig) -> str:
    data = base64.b64encode(to_png(fig)).decode("ascii")
    plt.close(fig)
    return f'<img style="max-width:100%" src="data:image/png;base64,{data}">'


def _fmt(x) -> str:
    return "" if x is None else f"{x:.3g}"


def _uncertainty_section(band) -> str:
    if not band:
        return ""
    e = html.escape
    n = max(v["draws"] for v in band.values())
    rows = "".join(f"<tr><td>{e(k)}</td><td>{_fmt(v['p50'])}</td><td>{_fmt(v['p5'])} to {_fmt(v['p95'])}</td></tr>"
                   for k, v in band.items())
    return (f"<h2>Parameter uncertainty ({n} posterior draws)</h2><p>The same trial (same participants and seeds) "
            "re-run with calibrated parameters drawn from their posteriors (data/calibration/whole.toml).</p>"
            f"<table><tr><th>estimate</th><th>median</th><th>90 % band</th></tr>{rows}</table>")


def baseline_table(result) -> list[dict]:
    """Table 1 of a trial: per arm, N, the demographics drawn (mean (SD) or %), and each endpoint's baseline
    mean (SD) as measured."""
    d = result.data
    arm = d["arm"].values
    rows = []
    for a in result.spec.arms:
        sel = arm == a.name
        row = {"arm": a.name, "N": int(sel.sum())}
        for k, label in (("age", "age, years"), ("bmi", "BMI, kg/m2")):
            if k in d.coords:
                v = d[k].values[sel]
                row[label] = f"{v.mean():.1f} ({v.std(ddof=1):.1f})" if v.size > 1 else f"{v.mean():.1f}"
        if "female" in d.coords:
            row["female, %"] = f"{100 * d['female'].values[sel].mean():.0f}"
        for obs in dict.fromkeys(ep.observable for ep in result.spec.endpoints):
            v = d[obs].values[sel, 0]
            v = v[np.isfinite(v)]
            unit = d[obs].attrs.get("units", "")
            row[f"{obs} at baseline, {unit}"] = f"{v.mean():.3g} ({v.std(ddof=1):.2g})" if v.size > 1 else "n/a"
        rows.append(row)
    return rows


def _baseline_section(result) -> str:
    rows = baseline_table(result)
    e = html.escape
    cols = list(rows[0])
    head = "".join(f"<th>{e(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{e(str(r.get(c, '')))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<h2>Baseline characteristics</h2><table><tr>{head}</tr>{body}</table>"


def render_trial_report(result, uncertainty=None) -> str:
    spec, sc = result.spec, result.screening
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(x['endpoint'])}</td><td>{e(x['arm'])} vs {e(x['control'])}</td><td>{e(x['name'])}</td>"
        f"<td>{_fmt(x['estimate'])}</td><td>{_fmt(x['ci_low'])} to {_fmt(x['ci_high'])}</td>"
        f"<td>{_fmt(x['p_value'])}</td><td>{x['n_treated']} / {x['n_control']}</td></tr>"
        for x in result.estimates
    )
    arms = "".join(f"<li><b>{e(a.name)}</b>: {e(a.description or '')} "
                   f"({', '.join(e(x.type) for x in a.exposures) or 'no intervention'})</li>" for a in spec.arms)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>pnisim trial — {e(spec.name)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}.notice{background:#fff3cd;padding:6px}</style></head><body>"
        f"<h1>pnisim trial — {e(spec.name)}</h1><p class='notice'>{DISCLAIMER} Simulated participants from a "
        "research model; effect sizes are those of the model, not evidence about any treatment.</p>"
        f"<p>{e(spec.description)}</p><ul>{arms}</ul>"
        f"<p>Screened {sc['screened']}, plausible {sc.get('plausible', sc['screened'])}, passed inclusion "
        f"{sc['passed']} ({100 * sc['pass_rate']:.1f} %), randomised {sc['randomised']} "
        f"({spec.population.per_arm} per arm); inclusion: "
        f"{e(' and '.join(c.text() for c in spec.inclusion) or 'none')}.</p>"
        f"{_baseline_section(result)}"
        f"<h2>Trajectories</h2>{_img(trajectories_figure(result))}"
        f"<h2>Forest plot</h2>{_img(forest_figure(result))}"
        f"<h2>Power</h2>{_img(power_figure(result))}"
        "<h2>Estimates (baseline to last visit)</h2><table><tr><th>Endpoint</th><th>Comparison</th>"
        f"<th>Statistic</th><th>Estimate</th><th>95 % CI</th><th>p</th><th>N</th></tr>{rows}</table>"
        f"{_cea_section(result)}{_uncertainty_section(uncertainty)}"
        f"<footer><p class='notice'>{DISCLAIMER}</p></footer></body></html>\n"
    )
