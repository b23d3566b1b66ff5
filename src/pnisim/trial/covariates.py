"""Demographic covariates of a virtual population: age, sex and BMI, drawn per candidate and, where a published
association exists, mapped onto the parameter that carries it.

Effects (each multiplies one parameter by ``exp(beta * (x - reference))``; CRP at steady state is proportional to
hepatic synthesis, ``crp.k_syn``, so beta is the published difference in ln CRP):

* BMI: ln CRP +0.078 per kg/m² (Kao et al. 2009, S Afr Med J 99:326; n = 8,453 adults, adjusted for demographics,
  chronic disease and health behaviour), reference 25 kg/m². Association grade B; carrying it by hepatic synthesis
  rather than by adipose IL-6 (about a third of circulating IL-6, Mohamed-Ali 1997) is a simplification, grade C:
  IL-6 and TNF-α do not follow BMI here.
* Sex: median CRP 3.3 mg/L in women vs 1.8 mg/L in men (Khera et al. 2005, J Am Coll Cardiol 46:464, Dallas Heart
  Study): ln ratio 0.61, centred on a 50:50 population (the model's calibrated person). Grade B for the
  difference, C for adding it to BMI's (part of it is adiposity).
* Age is drawn and reported (baseline table, strata) but changes no parameter: no age slope has been calibrated
  yet (the rise of IL-6 and CRP with age, Ferrucci et al. 2005 Blood 105:2294, is largely explained by
  cardiovascular risk factors and disease in that cohort). Speculative effects are left out rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["COVARIATE_EFFECTS", "CovariateEffect", "apply_covariates", "draw_demographics"]


@dataclass(frozen=True)
class CovariateEffect:
    covariate: str  # "bmi", "female" or "age"
    parameter: str  # qualified model parameter it scales
    beta: float  # change in ln(parameter) per unit of the covariate
    reference: float  # covariate value at which the parameter keeps its model value
    unit: str
    source: str
    grade: str


COVARIATE_EFFECTS: tuple[CovariateEffect, ...] = (
    CovariateEffect("bmi", "crp.k_syn", 0.078, 25.0, "kg/m2",
                    "Kao et al. 2009, S Afr Med J 99:326 (ln CRP per kg/m2, adjusted, n = 8,453)", "B"),
    CovariateEffect("female", "crp.k_syn", float(np.log(3.3 / 1.8)), 0.5, "1 = female",
                    "Khera et al. 2005, J Am Coll Cardiol 46:464 (median CRP 3.3 vs 1.8 mg/L)", "B"),
)


def _truncated_normal(rng: np.random.Generator, mean: float, sd: float, low: float, high: float, n: int) -> np.ndarray:
    if sd == 0:
        return np.full(n, float(mean))
    a, b = (low - mean) / sd, (high - mean) / sd
    return stats.truncnorm.rvs(a, b, loc=mean, scale=sd, size=n, random_state=rng)


def draw_demographics(demographics, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Per candidate: ``age`` (years), ``female`` (0/1) and ``bmi`` (kg/m²), for the ones the spec names."""
    out: dict[str, np.ndarray] = {}
    if demographics.age is not None:
        d = demographics.age
        out["age"] = _truncated_normal(rng, d.mean, d.sd, d.low, d.high, n)
    if demographics.female is not None:
        out["female"] = (rng.random(n) < demographics.female).astype(float)
    if demographics.bmi is not None:
        d = demographics.bmi
        out["bmi"] = _truncated_normal(rng, d.mean, d.sd, d.low, d.high, n)
    return out


def apply_covariates(model, params: np.ndarray, demo: dict[str, np.ndarray]) -> np.ndarray:
    """``params`` (candidates x parameters) with every :data:`COVARIATE_EFFECTS` entry whose covariate was drawn
    applied; parameters the model lacks are skipped (a model without CRP has nothing to scale)."""
    out = params.copy()
    for e in COVARIATE_EFFECTS:
        if e.covariate not in demo or e.parameter not in model.parameter_names:
            continue
        j = model.parameter_index(e.parameter)
        out[:, j] *= np.exp(e.beta * (demo[e.covariate] - e.reference))
    return out
