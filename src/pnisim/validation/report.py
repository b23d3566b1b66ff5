"""The validation report: each target against its simulated counterpart on one scale, and the full table.

The first figure puts every numeric record on a common axis on which the target's CI (or stated tolerance) spans
0 to 1: a simulated estimate inside [0, 1] passes. The distribution of the simulated estimate is drawn as a violin
(over replicate studies with independent seeds when run with ``--replicates``, else the normal approximation to its
CI), so the reader sees both how far off a failing target is and how sure the simulation is. The second figure
draws each time-course target's data against the simulated population's bands.
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
from ..disclaimer import DISCLAIMER  # noqa: E402
from .record import Record  # noqa: E402

__all__ = ["target_figure", "curve_figure", "render_validation_report", "interval"]

COLORS = {"passed": "#2a9d8f", "failed": "#d62828"}


def interval(r: Record) -> tuple[float, float] | None:
    """The pass interval of a record: its stated tolerance if any, else the target CI."""
    if r.rule.startswith("simulated within the stated tolerance"):
        inside = r.rule.split("[", 1)[1].split("]", 1)[0]
        lo, hi = (float(x) for x in inside.split(","))
        return lo, hi
    return r.target_ci


def _distribution(r: Record) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The simulated estimate's distribution as (x, density, kind): a kernel density over the replicate studies'
    estimates when the validation ran with replicates, else the normal distribution implied by its 95 % CI."""
    reps = np.asarray(r.extra.get("replicates", []), float)
    reps = reps[np.isfinite(reps)]
    if reps.size >= 3 and np.ptp(reps) > 0:
        from scipy.stats import gaussian_kde

        pad = 0.5 * np.ptp(reps)
        x = np.linspace(reps.min() - pad, reps.max() + pad, 200)
        return x, gaussian_kde(reps)(x), "replicates"
    if r.simulated_ci is not None and r.simulated_ci[1] > r.simulated_ci[0]:
        se = (r.simulated_ci[1] - r.simulated_ci[0]) / (2 * 1.959963984540054)
        mid = 0.5 * (r.simulated_ci[0] + r.simulated_ci[1])
        x = np.linspace(mid - 3.5 * se, mid + 3.5 * se, 200)
        return x, np.exp(-0.5 * ((x - mid) / se) ** 2), "normal"
    return None


def target_figure(records: list[Record]):
    """Every numeric record on its target's scale (0-1 = the published CI or tolerance): the simulated estimate's
    distribution as a violin, the estimate as a dot (green: passes, red: fails)."""
    rows = [r for r in records if isinstance(r.simulated, float) and math.isfinite(r.simulated) and interval(r)]
    fig, ax = plt.subplots(figsize=(8, 0.34 * len(rows) + 1.6))
    kinds = set()
    for i, r in enumerate(rows):
        lo, hi = interval(r)
        w = (hi - lo) or 1.0

        def u(x):
            return np.clip((np.asarray(x, float) - lo) / w, -3.0, 4.0)  # far misses are drawn at the edge
        dist = _distribution(r)
        if dist is not None:
            x, dens, kind = dist
            kinds.add(kind)
            half = 0.4 * dens / dens.max()
            ax.fill_between(u(x), i - half, i + half, color=COLORS.get(r.status, "#444"), alpha=0.25, lw=0)
            if kind == "replicates":
                reps = np.asarray(r.extra["replicates"], float)
                ax.plot(u(reps), np.full(reps.size, i), "|", color="#333", ms=5, alpha=0.6)
        ax.plot(float(u(r.simulated)), i, "o", color=COLORS.get(r.status, "#444"), ms=5)
    ax.axvspan(0.0, 1.0, color="#e9f5f3", zorder=0)
    ax.set_yticks(range(len(rows)), [r.id for r in rows], fontsize=7)
    ax.set_ylim(-0.8, len(rows) - 0.2)
    ax.invert_yaxis()
    ax.set_xlim(-3.1, 4.1)
    source = ("kernel density over the replicate studies' estimates (ticks)" if "replicates" in kinds else
              "normal approximation to the simulated 95 % CI (run with --replicates R for the replicate studies)")
    ax.set_xlabel("simulated estimate on the target's scale: 0 = lower, 1 = upper limit of the published CI or "
                  "tolerance (clipped at -3 and 4)\nshaded: distribution of the simulated estimate,\n" + source,
                  fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def curve_figure(records: list[Record]):
    """Time-course targets against the simulated population: the individuals' 5-95 % and 25-75 % bands, the
    simulated mean, and the data (group means, ±SD when published). None when no record carries a curve."""
    rows = [r for r in records if isinstance(r.extra.get("curve"), dict)]
    if not rows:
        return None
    ncol = 3
    nrow = math.ceil(len(rows) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(11, 3.0 * nrow), squeeze=False)
    for ax, r in zip(axes.flat, rows):
        c = r.extra["curve"]
        x = np.asarray(c["x"], float)
        ax.fill_between(x, c["sim_p5"], c["sim_p95"], color="#9ecae1", alpha=0.5, lw=0, label="simulated 5-95 %")
        ax.fill_between(x, c["sim_p25"], c["sim_p75"], color="#4292c6", alpha=0.5, lw=0, label="simulated 25-75 %")
        ax.plot(x, c["sim_mean"], color="#08519c", lw=1.5, label=f"simulated mean (n = {c['n_sim']})")
        dx, dy = np.asarray(c["data_x"], float), np.asarray(c["data_y"], float)
        if "data_sd" in c:
            ax.errorbar(dx, dy, yerr=c["data_sd"], fmt="o", color=COLORS.get(r.status, "#444"), ms=4, capsize=2,
                        label="data mean ± SD" + (f" (n = {c['n_data']})" if "n_data" in c else ""))
        else:
            ax.plot(dx, dy, "o", color=COLORS.get(r.status, "#444"), ms=4, label="data (digitised group means)")
        ax.set_title(f"{r.id} ({r.status}, {r.role})", fontsize=8)
        ax.set_xlabel(c["x_label"], fontsize=7)
        ax.set_ylabel(c["y_label"], fontsize=7)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(rows):]:
        ax.axis("off")
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


def _rep(r: Record) -> str:
    f = r.extra.get("replicate_pass_fraction")
    return "" if f is None else f"{100 * f:.0f} % of {len(r.extra['replicates'])}"


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.0f} %"


def render_validation_report(result) -> str:
    c = result.counts()
    e = html.escape
    rows = "".join(
        f"<tr class='{e(r.status.replace(' ', '-'))}'><td>{e(r.id)}</td><td>{e(r.role)}</td><td>{e(r.metric)}</td>"
        f"<td>{_fmt(r.target)}</td><td>{_fmt(r.target_ci)}</td><td>{_fmt(r.simulated)}</td>"
        f"<td>{_fmt(r.simulated_ci)}</td><td>{e(r.status)}</td><td>{_rep(r)}</td><td>{e(r.rule)}</td><td>{e(r.design)}</td>"
        f"<td>{e(r.reason)}</td><td>{e(r.grade)}</td><td>{e(r.source)}</td></tr>"
        for r in result.records)
    fig = target_figure(result.records)
    png = base64.b64encode(to_png(fig)).decode("ascii")
    plt.close(fig)
    cfig = curve_figure(result.records)
    curves = ""
    if cfig is not None:
        curves = ("<h2>Time courses against the simulated population</h2><img style='max-width:100%' "
                  f"src='data:image/png;base64,{base64.b64encode(to_png(cfig)).decode('ascii')}'>")
        plt.close(cfig)
    reps = result.meta.get("replicates", 1)
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
        "measurement error). Targets marked fitted set parameters through <code>pnisim calibrate</code>; held-out "
        "targets were never used for fitting. Failures are listed with the known reason.</p>"
        "<h2>Targets against simulation</h2><p>Shaded: the distribution of the simulated estimate "
        + (f"over {reps} replicate studies with independent seeds (ticks: each study's estimate); the table gives "
           "the fraction of replicate studies that pass." if reps > 1 else "implied by its 95 % CI (normal "
           "approximation); <code>pnisim validate --replicates R</code> draws R independent replicate studies "
           "instead.")
        + f"</p><img style='max-width:100%' src='data:image/png;base64,{png}'>{curves}"
        "<h2>All records</h2><table><tr><th>id</th><th>role</th><th>metric</th><th>target</th><th>target CI / range</th>"
        "<th>simulated</th><th>simulated 95 % CI</th><th>status</th><th>replicate studies passing</th><th>rule</th><th>design</th><th>reason</th>"
        f"<th>grade</th><th>source</th></tr>{rows}</table>"
        f"<footer><p class='notice'>{DISCLAIMER}</p></footer></body></html>\n"
    )
