"""Simulation-based power: how often a trial of N per arm would detect the simulated effect.

Participants of a simulated trial are resampled with replacement to trials of N per arm (a parametric-free
bootstrap of the virtual population; Efron B, Tibshirani RJ. An Introduction to the Bootstrap. 1993), each
resampled trial is tested (Welch's t-test on change from baseline, or ANCOVA), and the power at N is the
share with p < alpha. The N for 80 % power is the smallest N on the grid that reaches it. The analytic
two-sample t-test power (statsmodels) is the textbook check of this machinery.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..errors import SpecError

__all__ = ["PowerCurve", "power_curve"]


@dataclass(frozen=True)
class PowerCurve:
    n_per_arm: tuple[int, ...]
    power: tuple[float, ...]
    n_for_80: int | None  # smallest N on the grid with power >= 0.8 (None: not reached)
    n_resamples: int

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def power_curve(change_treated, change_control, ns, *, n_resamples: int = 500, alpha: float = 0.05,
                seed: int = 0) -> PowerCurve:
    """Power of Welch's t-test on change from baseline at each N per arm, by resampling the simulated
    participants' changes (NaN = dropped out, left out)."""
    t = np.asarray(change_treated, float)
    c = np.asarray(change_control, float)
    t, c = t[np.isfinite(t)], c[np.isfinite(c)]
    if t.size < 2 or c.size < 2:
        raise SpecError(f"A power curve needs at least 2 participants with a change per arm. Got {t.size} treated "
                        f"and {c.size} control instead.")
    ns = sorted({int(n) for n in ns})
    if not ns or ns[0] < 2:
        raise SpecError(f"The N per arm of a power curve must be integers >= 2. Got {ns} instead.")
    rng = np.random.default_rng(seed)
    power = []
    for n in ns:
        a = t[rng.integers(0, t.size, size=(n_resamples, n))]
        b = c[rng.integers(0, c.size, size=(n_resamples, n))]
        p = stats.ttest_ind(a, b, axis=1, equal_var=False).pvalue
        power.append(float(np.mean(p < alpha)))
    n80 = next((n for n, pw in zip(ns, power) if pw >= 0.8), None)
    return PowerCurve(tuple(ns), tuple(power), n80, n_resamples)
