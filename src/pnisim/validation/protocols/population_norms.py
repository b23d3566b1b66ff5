"""Variance components of the general population: the between-person spread of the PHQ-9, the GAD-7 and the PSS-10,
and the repeatability of inflammatory markers.

One study serves them all: 2,000 adults without a current depressive episode, with between-person variability,
settled at rest for 120 days (the slow symptom states reach each person's own level), blood drawn and
questionnaires filled at 08:00 four times six weeks apart, each value seen through its assay or questionnaire and,
for biomarkers, its documented within-person day-to-day variation (:mod:`pnisim.analysis.measurement`).
:func:`variance_components` and :func:`icc` split repeated draws into between- and within-person variance
(one-way random effects) for the biomarker targets to come.

A survey of the general population also meets people in a depressive episode: 3.9 % have a current major
depressive syndrome (CIDI, DEGS1-MH, n = 4,483; Maske UE et al. BMC Psychiatry 2015;15:77,
doi:10.1186/s12888-015-0463-4). The questionnaire spread is read from the 2,000 plus that share of people with
depression (the depression case mixture) eight weeks into an episode, when symptoms have reached their plateau.
"""

from __future__ import annotations


import numpy as np

from ...analysis.measurement import measure
from ..studies import Studies
from ..targets import Target
from .common import DEPRESSION, compare
from .registry import protocol

N, DRAWS, WEEKS_APART = 2000, 4, 6
EPISODE_PREVALENCE = 0.039  # current major depressive syndrome, Maske 2015 (DEGS1-MH, CIDI)
DESIGN = (f"{N} healthy adults with between-person variability, settled 120 days at rest, 08:00 draws {DRAWS} times "
          f"{WEEKS_APART} weeks apart, assay and questionnaire error and within-person day-to-day variation")


def _study(st: Studies):
    ds = st.population("healthy_norms", n=N, start="08:00", duration=f"{7 * WEEKS_APART * (DRAWS - 1)} d",
                       sampling=f"{7 * WEEKS_APART} d", outputs=["crp", "il6", "tnf", "phq9", "gad7", "pss10"], seed=40,
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


def _in_episode(st: Studies):
    """People eight weeks into a depressive episode, as many as the survey's point prevalence implies."""
    n = round(N * EPISODE_PREVALENCE / (1 - EPISODE_PREVALENCE))
    parts = [st.population(f"episode_norms_{ph}", n=max(1, round(n * w)), phenotype=ph, start="08:00",
                           duration="1 d", sampling="1 d", outputs=["phq9", "gad7", "pss10"], seed=41,
                           burn_in="56 d")
             for ph, w in DEPRESSION.items()]
    return [measure(ds.isel(individual=np.flatnonzero(np.asarray(ds["status"].values) == 0)),
                    np.random.default_rng(st.seed + 41)) for ds in parts]


@protocol("phq9_population_sd", "gad7_population_sd", "pss10_population_sd")
def questionnaire_sd(t: Target, st: Studies):
    name = t.id.split("_")[0]
    first = np.concatenate([ds[name].values[:, 0] for ds in (_study(st), *_in_episode(st))])
    first = first[np.isfinite(first)]
    return [compare(t, f"SD of {name} in the general population", float(np.std(first, ddof=1)),
                    _boot(lambda x: float(np.std(x, ddof=1)), first[:, None], st.seed + 43), unit="score points",
                    design=DESIGN + f"; with {100 * EPISODE_PREVALENCE:.1f} % in a depressive episode (Maske 2015); "
                                    "first administration")]


def _log(x: np.ndarray) -> np.ndarray:
    """Natural log of positive measured values; values at or below zero (none after measurement) become NaN."""
    x = np.asarray(x, dtype=float)
    return np.log(np.where(x > 0, x, np.nan))


#: target id -> (observable, number of draws used): ICCs of ln(marker) over repeated morning draws.
ICC_TARGETS = {"crp_icc": ("crp", 4), "il6_icc": ("il6", 4), "tnf_icc": ("tnf", 4),
               "il6_icc_2y": ("il6", 3), "tnf_icc_2y": ("tnf", 3)}


@protocol(*ICC_TARGETS)
def biomarker_icc(t: Target, st: Studies):
    name, draws = ICC_TARGETS[t.id]
    x = _log(_study(st)[name].values[:, :draws])
    x = x[np.isfinite(x).all(axis=1)]
    return [compare(t, f"ICC(1) of ln {name} over {draws} draws", icc(x), _boot(icc, x, st.seed + 44), unit="1",
                    design=DESIGN + f"; first {draws} draws; one-way random-effects ICC on the log scale")]


#: target id -> (threshold in mg/L, side): the share of healthy adults on one side of a published percentile.
CRP_SHARES = {"crp_healthy_below_median": (0.64, "below"), "crp_healthy_above_p97_5": (3.11, "above")}


@protocol(*CRP_SHARES)
def crp_percentile(t: Target, st: Studies):
    cut, side = CRP_SHARES[t.id]
    first = _study(st)["crp"].values[:, 0]
    first = first[np.isfinite(first)]
    share = (lambda v: float(np.mean(v[:, 0] < cut))) if side == "below" else (lambda v: float(np.mean(v[:, 0] > cut)))
    return [compare(t, f"share of healthy adults with hs-CRP {side} {cut:g} mg/L", share(first[:, None]),
                    _boot(share, first[:, None], st.seed + 45), unit="1",
                    design=DESIGN + "; first draw (one measurement per person, as in a reference-interval study)")]
