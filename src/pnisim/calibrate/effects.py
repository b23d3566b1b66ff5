"""Effect-size calibration: model parameters (and phenotype preset values) fitted so that the simulated studies of
``pnisim validate`` reproduce published effect sizes.

Each problem reuses the validation protocol of its targets (the same mirrored design, N and seed), so what is
fitted is exactly what is later validated; the residual of a target is (simulated − published) / SE with the SE
recovered from the published 95 % CI (or from the stated tolerance when there is none). Studies are re-run with
the same seeds at every evaluation (common random numbers), so the objective is smooth in the parameters.

The problems here have one or two parameters each, chosen so that one mechanism carries one finding; a
posterior on a grid (flat prior on the parameter's scale, Gaussian likelihood) then gives the parameter's
uncertainty honestly, with no sampler to tune. Parameters named ``phenotype:<preset>:<module.parameter>`` set the
value a phenotype preset gives that parameter (:mod:`pnisim.model.phenotypes`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import SpecError
from ..model.calibration import SHIPPED, Calibration
from ..validation.protocols import PROTOCOLS
from ..validation.studies import Studies
from ..validation.targets import load_targets
from .problem import FitParameter, Z95

__all__ = ["EffectProblem", "GridFit", "grid_fit"]


@dataclass
class EffectProblem:
    """Targets (ids) whose simulated values depend on ``parameters``; residuals through the validation protocols.
    Every other value is ``calibration``'s (default: the shipped one)."""

    id: str
    parameters: Sequence[FitParameter]
    targets: Sequence[str]
    seed: int = 0
    scale: float = 1.0
    calibration: Calibration = SHIPPED

    def __post_init__(self):
        known = {t.id: t for t in load_targets()}
        for tid in self.targets:
            if tid not in known or tid not in PROTOCOLS:
                raise SpecError(f"The target {tid!r} of calibration problem {self.id!r} must be a shipped target with "
                                f"a validation protocol. Got {tid!r} instead.")
        self._targets = [known[t] for t in self.targets]

    def records(self, theta) -> list:
        values = {p.name: float(x) for p, x in zip(self.parameters, theta)}
        st = Studies(seed=self.seed, scale=self.scale, calibration=self.calibration.with_values(values))
        return [r for t in self._targets for r in PROTOCOLS[t.id](t, st)]

    def residuals(self, theta) -> np.ndarray:
        out = []
        for r in self.records(theta):
            if not isinstance(r.simulated, float) or r.target is None or isinstance(r.target, str):
                continue
            lo, hi = _interval(r)
            se = (hi - lo) / (2 * Z95)
            out.append((r.simulated - float(r.target)) / se if math.isfinite(r.simulated) else math.inf)
        return np.asarray(out, float)


def _interval(r) -> tuple[float, float]:
    from ..validation.report import interval

    iv = interval(r)
    if iv is None:
        raise SpecError(f"The target {r.id!r} has neither a CI nor a tolerance to weigh its residual.")
    return iv


@dataclass
class GridFit:
    """A one-parameter fit on a grid: the best value (parabolic refinement of the grid minimum), the posterior on
    the grid (flat prior on the parameter's scale) with mean and 95 % credible interval, and every evaluation."""

    parameter: FitParameter
    grid: np.ndarray
    chi2: np.ndarray
    best: float
    posterior_mean: float
    credible: tuple[float, float]
    evaluations: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"parameter": self.parameter.name, "best": self.best, "posterior_mean": self.posterior_mean,
                "credible_95": list(self.credible), "grid": self.grid.tolist(), "chi2": self.chi2.tolist(),
                "scale": self.parameter.scale, "bounds": [self.parameter.lower, self.parameter.upper]}


def grid_fit(problem: EffectProblem, n: int = 7, progress=None) -> GridFit:
    """Evaluate chi² = sum of squared residuals on ``n`` points of the parameter's (log or linear) scale."""
    if len(problem.parameters) != 1:
        raise SpecError(f"grid_fit needs a problem with one parameter. Got {len(problem.parameters)} instead.")
    fp = problem.parameters[0]
    if not 3 <= n <= 41:
        raise SpecError(f"The grid size of a fit must be between 3 and 41 points. Got {n} instead.")
    u = np.linspace(0.0, 1.0, n)
    grid = np.array([fp.from_unit(x) for x in u])
    chi2, evals = np.empty(n), []
    for i, x in enumerate(grid):
        if progress:
            progress(i / n, f"{problem.id}: {fp.name} = {x:.4g}")
        try:
            r = problem.residuals([x])
        except SpecError as exc:  # the study cannot be run here (e.g. too few pass its inclusion): not a fit
            chi2[i] = math.inf
            evals.append({"value": float(x), "chi2": chi2[i], "residuals": [], "error": str(exc)})
            continue
        chi2[i] = float(np.sum(r**2)) if np.all(np.isfinite(r)) else math.inf
        evals.append({"value": float(x), "chi2": chi2[i], "residuals": r.tolist()})
    k = int(np.argmin(chi2))
    ub = u[k]
    if 0 < k < n - 1 and np.all(np.isfinite(chi2[k - 1:k + 2])):  # vertex of the parabola through 3 points
        a, b, c = chi2[k - 1], chi2[k], chi2[k + 1]
        den = a - 2 * b + c
        if den > 0:
            ub = u[k] + 0.5 * (u[1] - u[0]) * (a - c) / den
    w = np.exp(-0.5 * (chi2 - chi2[k]))
    w = np.where(np.isfinite(w), w, 0.0)
    fine = np.linspace(0.0, 1.0, 401)
    wf = np.interp(fine, u, w)
    wf /= wf.sum()
    cdf = np.cumsum(wf)
    lo_u, hi_u = fine[np.searchsorted(cdf, 0.025)], fine[min(np.searchsorted(cdf, 0.975), fine.size - 1)]
    mean_u = float(np.sum(fine * wf))
    return GridFit(fp, grid, chi2, fp.from_unit(ub), fp.from_unit(mean_u), (fp.from_unit(lo_u), fp.from_unit(hi_u)),
                   evals)
