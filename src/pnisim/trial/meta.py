"""Random-effects meta-analysis of simulated (or published) effect sizes.

The between-study variance is estimated by PyMARE (REML, or DerSimonian–Laird): Salo T et al. PyMARE: Python
Meta-Analysis & Regression Engine, doi:10.5281/zenodo.2561377. Around it, the quantities a reader of a
meta-analysis expects, with the usual definitions: the pooled estimate with a normal-theory CI (as metafor's
``rma`` reports by default), Cochran's Q and its p-value, I² = max(0, (Q − df)/Q) (Higgins JPT, Thompson SG.
Stat Med 2002;21:1539) and the prediction interval μ ± t_{k−2} √(τ² + SE²) (Higgins JPT, Thompson SG,
Spiegelhalter DJ. J R Stat Soc A 2009;172:137).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from ..errors import SpecError

__all__ = ["MetaResult", "random_effects"]


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
