"""The validation report: each target against its simulated counterpart on one scale, and the full table.

The figure puts every numeric record on a common axis on which the target's CI (or stated tolerance) spans 0 to
1: a simulated estimate inside [0, 1] passes. Its own CI is drawn as a bar, so the reader sees both how far off
a failing target is and how sure the simulation is.
"""

from __future__ import annotations

import base64
import html
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..analysis.figures import to_png  # noqa: E402
from .record import Record  # noqa: E402

__all__ = ["target_figure", "render_validation_report", "interval"]

DISCLAIMER = "Research use only, not medical advice."
COLORS = {"passed": "#2a9d8f", "failed": "#d62828"}


def interval(r: Record) -> tuple[float, float] | None:
    """The pass interval of a record: its stated tolerance if any, else the target CI."""
    if r.rule.startswith("simulated within the stated tolerance"):
        inside = r.rule.split("[", 1)[1].split("]", 1)[0]
        lo, hi = (float(x) for x in inside.split(","))
        return lo, hi
    return r.target_ci


def target_figure(records: list[Record]):
    rows = [r for r in records if isinstance(r.simulated, float) and math.isfinite(r.simulated) and interval(r)]
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(rows) + 1.4))
    for i, r in enumerate(rows):
        lo, hi = interval(r)
        w = (hi - lo) or 1.0

        def u(x):
            return float(np.clip((x - lo) / w, -3.0, 4.0))  # far misses are drawn at the edge
        if r.simulated_ci is not None:
            ax.plot([u(r.simulated_ci[0]), u(r.simulated_ci[1])], [i, i], color="#888", lw=1.2)
        ax.plot(u(r.simulated), i, "o", color=COLORS.get(r.status, "#444"), ms=5)
    ax.axvspan(0.0, 1.0, color="#e9f5f3", zorder=0)
    ax.set_yticks(range(len(rows)), [r.id for r in rows], fontsize=7)
    ax.set_ylim(-0.8, len(rows) - 0.2)
    ax.invert_yaxis()
    ax.set_xlim(-3.1, 4.1)
    ax.set_xlabel("simulated estimate on the target's scale: 0 = lower, 1 = upper limit of the published CI / "
                  "tolerance (clipped at -3 and 4)", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def _fmt(x) -> str:
    if x is None:
        return ""
    if isinstance(x, str):
        return html.escape(x)
    if isinstance(x, (tuple, list)):
        return f"{_fmt(x[0])} to {_fmt(x[1])}"
    return "" if not math.isfinite(x) else f"{x:.3g}"


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.0f} %"


def render_validation_report(result) -> str:
    c = result.counts()
    e = html.escape
    rows = "".join(
        f"<tr class='{e(r.status.replace(' ', '-'))}'><td>{e(r.id)}</td><td>{e(r.role)}</td><td>{e(r.metric)}</td>"
        f"<td>{_fmt(r.target)}</td><td>{_fmt(r.target_ci)}</td><td>{_fmt(r.simulated)}</td>"
        f"<td>{_fmt(r.simulated_ci)}</td><td>{e(r.status)}</td><td>{e(r.rule)}</td><td>{e(r.design)}</td>"
        f"<td>{e(r.reason)}</td><td>{e(r.grade)}</td><td>{e(r.source)}</td></tr>"
        for r in result.records)
    fig = target_figure(result.records)
    png = base64.b64encode(to_png(fig)).decode("ascii")
    plt.close(fig)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>pnisim validation</title>"
        "<style>body{font-family:sans-serif;max-width:90em;margin:auto}table{border-collapse:collapse;font-size:"
        "12px}td,th{border:1px solid #ccc;padding:2px 5px;vertical-align:top}.notice{background:#fff3cd;padding:"
        "6px}tr.failed td:nth-child(8){color:#d62828}tr.passed td:nth-child(8){color:#2a9d8f}</style></head><body>"
        f"<h1>pnisim validation against the shipped evidence targets</h1><p class='notice'>{DISCLAIMER}</p>"
        f"<p>pnisim {e(str(result.meta.get('pnisim_version', '')))}, seed {result.meta.get('seed')}, scale "
        f"{result.meta.get('scale')}, {e(str(result.meta.get('date', '')))}. Records: {c['records']} — passed "
        f"{c['passed']}, failed {c['failed']}, not simulatable {c['not simulatable']}, error {c['error']}; "
        f"pass rate {100 * c['pass_rate']:.0f} % of judged records; targets passing in every part: "
        f"{c['targets_passed']} of {c['targets_judged']} judged ({100 * c['target_pass_rate']:.0f} %).</p>"
        + "".join(f"<p>{role}: {c[role]['targets_passed']} of {c[role]['targets_judged']} targets pass "
                  f"({_pct(c[role]['target_pass_rate'])}), {c[role]['passed']} of "
                  f"{c[role]['passed'] + c[role]['failed']} records.</p>" for role in ("fitted", "held-out"))
        + "<p>Each target is simulated with a design that mirrors its source (population, N, timing, metric, "
        "measurement error). Most coupling sizes are grade C placeholders until calibration (issue 5); failures "
        "are listed with the known reason.</p>"
        f"<h2>Targets against simulation</h2><img style='max-width:100%' src='data:image/png;base64,{png}'>"
        "<h2>All records</h2><table><tr><th>id</th><th>role</th><th>metric</th><th>target</th><th>target CI / range</th>"
        "<th>simulated</th><th>simulated 95 % CI</th><th>status</th><th>rule</th><th>design</th><th>reason</th>"
        f"<th>grade</th><th>source</th></tr>{rows}</table>"
        f"<footer><p class='notice'>{DISCLAIMER}</p></footer></body></html>\n"
    )
