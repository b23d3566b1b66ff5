"""Which candidates a virtual population keeps: plausibility filters, and selection that makes a simulated
baseline distribution match a target one.

* **Plausibility.** Candidates whose baseline observables fall outside physiological ranges are discarded
  (Allen RJ, Rieger TR, Musante CJ. Efficient generation and selection of virtual populations in quantitative
  systems pharmacology models. CPT Pharmacometrics Syst Pharmacol 2016;5:140–146, doi:10.1002/psp4.12063:
  "plausible patients").
* **Selection to a target distribution** (Allen 2016's acceptance–rejection): candidate i with baseline x_i is
  kept with probability p_i = f_target(x_i) / (c · f_plausible(x_i)), where f_plausible is a Gaussian kernel
  density estimate of the plausible candidates' baselines (scipy) and c = max_i f_target/f_plausible, so the
  kept candidates' baselines follow the target (log-normal or normal) distribution as far as the plausible
  population covers it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..errors import SpecError

__all__ = ["Target", "select_to_target", "plausible"]


def plausible(values: dict[str, np.ndarray], ranges: dict[str, tuple[float, float]]) -> np.ndarray:
    """Mask of candidates whose every named baseline lies within its (low, high) range."""
    n = len(next(iter(values.values()))) if values else 0
    mask = np.ones(n, dtype=bool)
    for name, (lo, hi) in ranges.items():
        x = np.asarray(values[name], dtype=float)
        mask &= np.isfinite(x) & (x >= lo) & (x <= hi)
    return mask


@dataclass(frozen=True)
class Target:
    """A target baseline distribution: ``lognormal`` (median, gsd) or ``normal`` (mean, sd)."""

    kind: str
    a: float
    b: float

    def pdf(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "lognormal":
            return stats.lognorm.pdf(x, s=math.log(self.b), scale=self.a)
        if self.kind == "normal":
            return stats.norm.pdf(x, loc=self.a, scale=self.b)
        raise SpecError(f"The 'kind' of a target distribution must be 'lognormal' or 'normal'. Got {self.kind!r}.")


def select_to_target(x: np.ndarray, target: Target, rng: np.random.Generator) -> np.ndarray:
    """Allen 2016 acceptance–rejection: a mask of candidates kept so that x follows ``target``. For a log-normal
    target the densities are compared on log x (the Jacobian cancels in the ratio; the kernel estimate is far
    better behaved there for skewed markers such as CRP)."""
    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x) & ((x > 0) if target.kind == "lognormal" else True)
    if ok.sum() < 10:
        raise SpecError(f"Selection to a target distribution needs at least 10 plausible candidates. Got "
                        f"{int(ok.sum())} instead.")
    if target.kind == "lognormal":
        u, pdf = np.log(x[ok]), stats.norm(math.log(target.a), math.log(target.b)).pdf
    else:
        u, pdf = x[ok], target.pdf
    kde = stats.gaussian_kde(u)
    ratio = np.zeros_like(x)
    ratio[ok] = pdf(u) / np.maximum(kde(u), 1e-300)
    c = ratio.max()
    if not c > 0:
        raise SpecError("The target distribution does not overlap the plausible candidates' baselines.")
    return ok & (rng.uniform(size=x.size) < ratio / c)
