"""The trial report: trajectories per arm (median and 80 % band at each visit), a forest plot of the
standardised effects, power curves, and the estimates table — one self-contained HTML page."""

from __future__ import annotations

import base64
import html

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..analysis.figures import ARM_COLORS, to_png  # noqa: E402

__all__ = ["trajectories_figure", "forest_figure", "power_figure", "render_trial_report"]

DISCLAIMER = "Research use only, not medical advice."


def trajectories_figure(result):
    spec, d = result.spec, result.data
    eps = spec.endpoints
    fig, axes = plt.subplots(len(eps), 1, figsize=(8, 2.4 * len(eps)), squeeze=False)
    weeks = d["visit_time"].values / 168.0
    for ax, ep in zip(axes[:, 0], eps):
        for k, arm in enumerate(spec.arms):
            y = d[ep.observable].values[(d["arm"].values == arm.name) & (d["status"].values == 0)]
            lo, med, hi = np.nanpercentile(y, [10, 50, 90], axis=0)
            color = ARM_COLORS[k % len(ARM_COLORS)]
            ax.fill_between(weeks, lo, hi, color=color, alpha=0.2, linewidth=0)
            ax.plot(weeks, med, "o-", color=color, label=f"{arm.name} (median, 10–90 %, N={y.shape[0]})")
        ax.set_ylabel(f"{ep.label or ep.observable} ({d[ep.observable].attrs.get('units', '')})")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, frameon=False)
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
    ax.legend(fontsize=8, frameon=False)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def _img(fig) -> str:
    data = base64.b64encode(to_png(fig)).decode("ascii")
    plt.close(fig)
    return f'<img style="max-width:100%" src="data:image/png;base64,{data}">'


def _fmt(x) -> str:
    return "" if x is None else f"{x:.3g}"


def render_trial_report(result) -> str:
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
        f"<h2>Trajectories</h2>{_img(trajectories_figure(result))}"
        f"<h2>Forest plot</h2>{_img(forest_figure(result))}"
        f"<h2>Power</h2>{_img(power_figure(result))}"
        "<h2>Estimates (baseline to last visit)</h2><table><tr><th>Endpoint</th><th>Comparison</th>"
        f"<th>Statistic</th><th>Estimate</th><th>95 % CI</th><th>p</th><th>N</th></tr>{rows}</table>"
        f"<footer><p class='notice'>{DISCLAIMER}</p></footer></body></html>\n"
    )
