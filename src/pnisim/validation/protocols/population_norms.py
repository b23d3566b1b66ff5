"""Variance components of healthy adults: the between-person spread of the PHQ-9 and the GAD-7.

One study serves them all: 2,000 healthy adults with between-person variability, settled at rest for 120 days
(the slow symptom states reach each person's own level), blood drawn and questionnaires filled at 08:00 four times
six weeks apart, each value seen through its assay or questionnaire and, for biomarkers, its documented
within-person day-to-day variation (:mod:`pnisim.analysis.measurement`). :func:`variance_components` and
:func:`icc` split repeated draws into between- and within-person variance (one-way random effects) for the
biomarker targets to come.
"""

from __future__ import annotations


import numpy as np

from ...analysis.measurement import measure
from ..studies import Studies
from ..targets import Target
from .common import compare
from .registry import protocol

N, DRAWS, WEEKS_APART = 2000, 4, 6
DESIGN = (f"{N} healthy adults with between-person variability, settled 120 days at rest, 08:00 draws {DRAWS} times "
          f"{WEEKS_APART} weeks apart, assay and questionnaire error and within-person day-to-day variation")


def _study(st: Studies):
    ds = st.population("healthy_norms", n=N, start="08:00", duration=f"{7 * WEEKS_APART * (DRAWS - 1)} d",
                       sampling=f"{7 * WEEKS_APART} d", outputs=["crp", "il6", "tnf", "phq9", "gad7"], seed=40,
                       burn_in="120 d")
    ok = np.asarray(ds["status"].values) == 0
    ds = ds.isel(individual=np.flatnonzero(ok))
    return measure(ds, np.random.default_rng(st.seed + 40), biological=True)


def variance_components(x: np.ndarray) -> tuple[float, float]:
    """One-way random-effects (people × repeated draws) variances of ``x``: (between, within)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x).all(axis=1)]
    n, k = x.shape
    grand = x.mean()
    msb = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msw = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum() / (n * (k - 1))
    return max((msb - msw) / k, 0.0), msw


def icc(x: np.ndarray) -> float:
    """ICC(1): the share of the variance that lies between people."""
    b, w = variance_components(x)
    return b / (b + w)


def _boot(stat, x: np.ndarray, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    vals = [stat(x[rng.integers(0, x.shape[0], x.shape[0])]) for _ in range(300)]
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


@protocol("phq9_population_sd", "gad7_population_sd")
def questionnaire_sd(t: Target, st: Studies):
    name = t.id.split("_")[0]
    first = _study(st)[name].values[:, 0]
    first = first[np.isfinite(first)]
    return [compare(t, f"SD of {name} in the general population", float(np.std(first, ddof=1)),
                    _boot(lambda x: float(np.std(x, ddof=1)), first[:, None], st.seed + 43), unit="score points",
                    design=DESIGN + "; first administration")]
