"""Random-effects meta-analysis of simulated (or published) effect sizes.

The between-study variance is estimated by PyMARE (REML, or DerSimonian–Laird): Salo T et al. PyMARE: Python
Meta-Analysis & Regression Engine, doi:10.5281/zenodo.2561377. Around it, the quantities a reader of a
meta-analysis expects, with the usual definitions: the pooled estimate with a normal-theory CI (as metafor's
``rma`` reports by default), Cochran's Q and its p-value, I² = max(0, (Q − df)/Q) (Higgins JPT, Thompson SG.
Stat Med 2002;21:1539) and the prediction interval μ ± t_{k−2} √(τ² + SE²) (Higgins JPT, Thompson SG,
Spiegelhalter DJ. J R Stat Soc A 2009;172:137).

Set side by side with a published pooled estimate (:func:`compare_with_published`): the published standard error
is recovered from its 95 % CI as (upper - lower) / (2 x 1.96), which assumes a CI symmetric on the analysis scale
(give ratios as logs), and the two pooled estimates are compared with a z-test of their difference, as for two
independent estimates (Altman DG, Bland JM. Interaction revisited: the difference between two estimates. BMJ
2003;326:219). The forest plot (:func:`forest_with_published`) draws each study as a square sized by its
random-effects weight with its 95 % CI, the pooled estimate as a diamond over its CI (its prediction interval as
a dotted line), and the published pooled estimate as a separately marked hollow diamond.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from scipy import stats

from ..disclaimer import DISCLAIMER
from ..errors import SpecError

__all__ = ["MetaResult", "Study", "random_effects", "compare_with_published", "forest_with_published",
           "comparison_table"]


@dataclass(frozen=True)
class MetaResult:
    method: str
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    tau2: float
    q: float
    p_heterogeneity: float
    i2: float  # percent
    pi_low: float
    pi_high: float

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def random_effects(effects, variances, *, method: Literal["REML", "DL"] = "REML", alpha: float = 0.05) -> MetaResult:
    """Pool ``effects`` (one per study) with sampling ``variances`` under a random-effects model."""
    from pymare import Dataset
    from pymare.estimators import DerSimonianLaird, VarianceBasedLikelihoodEstimator

    y = np.asarray(effects, dtype=float).ravel()
    v = np.asarray(variances, dtype=float).ravel()
    if y.size != v.size or y.size < 2:
        raise SpecError(f"A meta-analysis needs at least 2 studies with one variance each. Got {y.size} effects "
                        f"and {v.size} variances instead.")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v)) and np.all(v > 0)):
        raise SpecError("Every effect of a meta-analysis must be finite and every variance finite and > 0. "
                        f"Got effects {y.tolist()} and variances {v.tolist()} instead.")
    if method not in ("REML", "DL"):
        raise SpecError(f"The 'method' of a meta-analysis must be 'REML' or 'DL'. Got {method!r} instead.")
    est = VarianceBasedLikelihoodEstimator(method="REML") if method == "REML" else DerSimonianLaird()
    est.fit_dataset(Dataset(y=y, v=v))
    tau2 = float(max(np.ravel(est.params_["tau2"])[0], 0.0))
    w = 1 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    se = math.sqrt(1 / np.sum(w))
    z = float(stats.norm.ppf(1 - alpha / 2))
    wf = 1 / v
    q = float(np.sum(wf * (y - np.sum(wf * y) / np.sum(wf)) ** 2))
    df = y.size - 1
    i2 = 100 * max(0.0, (q - df) / q) if q > 0 else 0.0
    t = float(stats.t.ppf(1 - alpha / 2, y.size - 2)) if y.size > 2 else math.nan
    half_pi = t * math.sqrt(tau2 + se**2)
    return MetaResult(method, int(y.size), mu, se, mu - z * se, mu + z * se, float(2 * stats.norm.sf(abs(mu) / se)),
                      tau2, q, float(stats.chi2.sf(q, df)), i2, mu - half_pi, mu + half_pi)


class Study(NamedTuple):
    """One study of a meta-analysis: a label, its effect and the effect's sampling variance."""

    label: str
    estimate: float
    variance: float


def _studies(studies: Iterable) -> list[Study]:
    out = []
    for i, x in enumerate(studies):
        try:
            s = (Study(str(x["label"]), float(x["estimate"]), float(x["variance"])) if isinstance(x, Mapping)
                 else Study(str(x[0]), float(x[1]), float(x[2])))
        except (KeyError, IndexError, TypeError, ValueError):
            raise SpecError(f"Study {i} of a meta-analysis must be (label, estimate, variance) or a mapping with "
                            f"those keys. Got {x!r} instead.") from None
        if not (math.isfinite(s.estimate) and math.isfinite(s.variance) and s.variance > 0):
            raise SpecError(f"The 'variance' of study {s.label!r} must be finite and > 0 and its 'estimate' finite. "
                            f"Got estimate {s.estimate} and variance {s.variance} instead.")
        out.append(s)
    return out


_PUBLISHED_KEYS = ("estimate", "ci_low", "ci_high", "k", "n", "source")


def _published(published: Mapping) -> dict:
    missing = [k for k in _PUBLISHED_KEYS if k not in published]
    if missing:
        raise SpecError(f"The published result must have the keys {', '.join(_PUBLISHED_KEYS)}. Got "
                        f"{sorted(published)} instead (missing {', '.join(missing)}).")
    est, lo, hi = (float(published[k]) for k in ("estimate", "ci_low", "ci_high"))
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < est < hi):
        raise SpecError(f"The published 'ci_low' < 'estimate' < 'ci_high' must hold with finite numbers on the "
                        f"analysis scale (e.g. log risk ratio). Got {lo} < {est} < {hi} instead.")
    return {**published, "estimate": est, "ci_low": lo, "ci_high": hi}


def compare_with_published(result: MetaResult, published: Mapping, *, alpha: float = 0.05) -> dict:
    """The simulated pooled estimate next to a published one on the same effect scale: both estimates and CIs,
    their difference with its CI and the z-test of no difference, and whether the CIs overlap and each estimate
    lies in the other's CI. ``published`` has estimate, ci_low, ci_high (95 %), k (studies), n (participants) and
    source."""
    pub = _published(published)
    se_pub = (pub["ci_high"] - pub["ci_low"]) / (2 * float(stats.norm.ppf(0.975)))
    diff = result.estimate - pub["estimate"]
    se_diff = math.sqrt(result.se**2 + se_pub**2)
    za = float(stats.norm.ppf(1 - alpha / 2))
    z = diff / se_diff
    return {
        "simulated": {"estimate": result.estimate, "se": result.se, "ci_low": result.ci_low,
                      "ci_high": result.ci_high, "k": result.k, "tau2": result.tau2, "i2": result.i2,
                      "pi_low": result.pi_low, "pi_high": result.pi_high, "method": result.method},
        "published": {"estimate": pub["estimate"], "se": se_pub, "ci_low": pub["ci_low"], "ci_high": pub["ci_high"],
                      "k": pub["k"], "n": pub["n"], "source": str(pub["source"])},
        "difference": diff, "difference_ci_low": diff - za * se_diff, "difference_ci_high": diff + za * se_diff,
        "z": z, "p_value": float(2 * stats.norm.sf(abs(z))),
        "ci_overlap": bool(result.ci_low <= pub["ci_high"] and pub["ci_low"] <= result.ci_high),
        "published_in_simulated_ci": bool(result.ci_low <= pub["estimate"] <= result.ci_high),
        "simulated_in_published_ci": bool(pub["ci_low"] <= result.estimate <= pub["ci_high"]),
        "disclaimer": DISCLAIMER,
    }


def _diamond(ax, centre: float, lo: float, hi: float, y: float, **kw):
    from matplotlib.patches import Polygon

    ax.add_patch(Polygon([(lo, y), (centre, y - 0.3), (hi, y), (centre, y + 0.3)], closed=True, **kw))


def forest_with_published(studies, pooled: MetaResult, published: Mapping | None = None, *,
                          xlabel: str = "effect (95 % CI)", null: float | None = 0.0):
    """A forest plot (matplotlib Figure): one row per study (square sized by its random-effects weight, 95 % CI),
    the pooled random-effects diamond with its prediction interval (dotted), and the published pooled estimate,
    when given, as a hollow hatched diamond on its own row. ``studies`` are (label, estimate, variance) or mappings
    with those keys, on the same scale as ``pooled`` and ``published``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = _studies(studies)
    pub = None if published is None else _published(published)
    n_rows = len(rows) + 1 + (pub is not None)
    z = float(stats.norm.ppf(0.975))
    fig, ax = plt.subplots(figsize=(9, 0.32 * n_rows + 1.6))
    w = np.array([1 / (s.variance + pooled.tau2) for s in rows])
    xs = [pooled.ci_low, pooled.ci_high]
    for i, s in enumerate(rows):
        half = z * math.sqrt(s.variance)
        ax.plot([s.estimate - half, s.estimate + half], [i, i], color="#444", linewidth=1)
        ax.plot(s.estimate, i, "s", color="#0072B2", markersize=4 + 8 * math.sqrt(w[i] / w.max()))
        xs += [s.estimate - half, s.estimate + half]
    y = len(rows)
    if math.isfinite(pooled.pi_low):
        ax.plot([pooled.pi_low, pooled.pi_high], [y, y], color="#0072B2", linewidth=1, linestyle=":")
        xs += [pooled.pi_low, pooled.pi_high]
    _diamond(ax, pooled.estimate, pooled.ci_low, pooled.ci_high, y, facecolor="#0072B2", edgecolor="#0072B2")
    ax.axvline(pooled.estimate, color="#0072B2", linewidth=0.6, linestyle="--", alpha=0.6)
    labels = [s.label for s in rows] + [f"Simulated pooled ({pooled.method}, k={pooled.k}, I²={pooled.i2:.0f} %)"]
    if pub is not None:
        y += 1
        _diamond(ax, pub["estimate"], pub["ci_low"], pub["ci_high"], y, facecolor="white", edgecolor="#D55E00",
                 hatch="////", linewidth=1.5)
        ax.axvline(pub["estimate"], color="#D55E00", linewidth=0.6, linestyle="--", alpha=0.6)
        labels.append(f"Published: {pub['source']} (k={pub['k']}, N={pub['n']})")
        xs += [pub["ci_low"], pub["ci_high"]]
    if null is not None:
        ax.axvline(null, color="#999", linewidth=0.8)
        xs.append(null)
    lo_v, hi_v = min(xs), max(xs)
    pad = 0.05 * ((hi_v - lo_v) or 1.0)
    ax.set_xlim(lo_v - pad, hi_v + pad)
    ax.set_ylim(n_rows - 0.4, -0.7)
    ax.set_yticks(range(n_rows), labels)
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", alpha=0.3)
    fig.text(0.01, 0.005, DISCLAIMER, fontsize=7, color="#666")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def comparison_table(studies, pooled: MetaResult, published: Mapping | None = None, *, digits: int = 3) -> str:
    """A plain-text table for the terminal: each study (estimate, 95 % CI, random-effects weight %), the pooled
    estimate with its heterogeneity, and, when given, the published estimate and the comparison."""
    rows = _studies(studies)
    z = float(stats.norm.ppf(0.975))
    w = np.array([1 / (s.variance + pooled.tau2) for s in rows])
    w = 100 * w / w.sum() if rows else w

    def f(x: float) -> str:
        return f"{x:.{digits}f}"

    table = [("Study", "Estimate", "95 % CI", "Weight %")]
    for s, wi in zip(rows, w):
        half = z * math.sqrt(s.variance)
        table.append((s.label, f(s.estimate), f"{f(s.estimate - half)} to {f(s.estimate + half)}", f"{wi:.1f}"))
    table.append((f"Simulated pooled ({pooled.method}, k={pooled.k})", f(pooled.estimate),
                  f"{f(pooled.ci_low)} to {f(pooled.ci_high)}", "100.0"))
    cmp = None
    if published is not None:
        cmp = compare_with_published(pooled, published)
        p = cmp["published"]
        table.append((f"Published: {p['source']} (k={p['k']}, N={p['n']})", f(p["estimate"]),
                      f"{f(p['ci_low'])} to {f(p['ci_high'])}", ""))
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    rule = "  ".join("-" * wd for wd in widths)
    out = []
    for j, r in enumerate(table):
        out.append("  ".join([r[0].ljust(widths[0])] + [c.rjust(wd) for c, wd in zip(r[1:], widths[1:])]))
        if j in (0, len(rows)):
            out.append(rule)
    pi = (f", 95 % prediction interval {f(pooled.pi_low)} to {f(pooled.pi_high)}"
          if math.isfinite(pooled.pi_low) else "")
    out.append(f"Heterogeneity: tau² = {pooled.tau2:.{digits}f}, I² = {pooled.i2:.1f} %, Q({pooled.k - 1}) = "
               f"{pooled.q:.2f} (p = {pooled.p_heterogeneity:.3g}){pi}")
    if cmp is not None:
        out.append(f"Simulated − published: {f(cmp['difference'])} (95 % CI {f(cmp['difference_ci_low'])} to "
                   f"{f(cmp['difference_ci_high'])}), z = {cmp['z']:.2f}, p = {cmp['p_value']:.3g}; the CIs "
                   f"{'overlap' if cmp['ci_overlap'] else 'do not overlap'}.")
    out.append(DISCLAIMER)
    return "\n".join(out)
