"""Multi-start bounded least squares on any :class:`pnisim.calibrate.problem.Problem`.

The optimiser is ``scipy.optimize.least_squares`` (trust-region reflective, Branch, Coleman & Li 1999, SIAM J
Sci Comput 21:1), run on the unit scale of the parameters (:meth:`FitParameter.to_unit`: log-uniform for
``scale = "log"``), from a scrambled Sobol' or Latin-hypercube design of starts (``scipy.stats.qmc``), as in
the multi-start practice of Raue A et al. 2013, PLoS One 8:e74335 ("Lessons learned from quantitative dynamical
modeling in systems biology"). The result reports the best optimum, every start, convergence flags and how many
distinct optima were found, plus Wald standard errors from the Gauss-Newton Hessian J'J of the standardised
residuals (sigma known, so no rescaling by the residual variance).

Research use only, not medical advice.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.optimize import least_squares
from scipy.stats import qmc

from ..disclaimer import DISCLAIMER
from ..errors import SpecError
from .problem import Z95, FitParameter, Problem

__all__ = ["PENALTY", "FitResult", "FixedProblem", "fit", "least_squares_unit"]

#: residual given to the optimiser where a problem returns NaN (failed solve): large but finite
PENALTY = 1e3


def _unit_residuals(problem: Problem, params: Sequence[FitParameter]):
    def f(u):
        theta = np.array([fp.from_unit(x) for fp, x in zip(params, u)])
        r = np.asarray(problem.residuals(theta), float)
        return np.where(np.isfinite(r), r, PENALTY)

    return f


def least_squares_unit(
    problem: Problem,
    u0: np.ndarray,
    *,
    diff_step: float = 1e-3,
    max_nfev: int | None = None,
    xtol: float = 1e-8,
    ftol: float = 1e-8,
):
    """One bounded ``least_squares`` (trf) run from ``u0`` on the unit scale; returns scipy's OptimizeResult."""
    params = list(problem.parameters)
    f = _unit_residuals(problem, params)
    u0 = np.clip(np.asarray(u0, float), 0.0, 1.0)
    return least_squares(
        f,
        u0,
        bounds=(np.zeros(len(params)), np.ones(len(params))),
        method="trf",
        diff_step=diff_step,
        x_scale=1.0,
        xtol=xtol,
        ftol=ftol,
        gtol=1e-10,
        max_nfev=max_nfev,
    )


@dataclass
class FitResult:
    """Best optimum, all starts and the Gauss-Newton uncertainty of a multi-start fit.

    ``theta``: best parameters (natural scale); ``unit``: the same on the unit scale; ``cost`` = 0.5 * sum r^2
    (= -log-likelihood up to a constant); ``se_unit``: Wald SE on the unit scale; ``ci95``: (n_param, 2) Wald
    95 % intervals mapped back to the natural scale (asymmetric for log parameters, clipped to the bounds);
    ``starts``: an ``xarray.Dataset`` over (start, parameter); ``n_distinct``: distinct optima among the
    converged starts; ``at_bound``: parameters within 1e-3 (unit scale) of a bound.
    """

    problem_id: str
    parameter_names: list[str]
    theta: np.ndarray
    unit: np.ndarray
    cost: float
    n_data: int
    success: bool
    message: str
    se_unit: np.ndarray
    covariance_unit: np.ndarray
    ci95: np.ndarray
    starts: xr.Dataset
    n_distinct: int
    n_at_best: int
    at_bound: list[str]
    seconds: float

    @property
    def values(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.parameter_names, self.theta)}

    @property
    def chi2(self) -> float:
        return 2.0 * self.cost

    @property
    def dof(self) -> int:
        return self.n_data - len(self.parameter_names)

    def summary(self) -> str:
        head = (
            f"fit of {self.problem_id}: chi2 = {self.chi2:.4g} on {self.dof} dof; {self.n_at_best}/"
            f"{self.starts.sizes['start']} starts at the best optimum, {self.n_distinct} distinct optima; "
            f"{'converged' if self.success else 'NOT converged: ' + self.message}"
        )
        lines = [head]
        for n, v, (lo, hi) in zip(self.parameter_names, self.theta, self.ci95):
            lines.append(
                f"  {n} = {v:.4g}  (Wald 95 % CI {lo:.4g} - {hi:.4g})" + (" [at bound]" if n in self.at_bound else "")
            )
        lines.append(DISCLAIMER)
        return "\n".join(lines)


def _design(n: int, d: int, seed, design: str) -> np.ndarray:
    if design == "sobol":
        with warnings.catch_warnings():  # n need not be a power of 2 for a start design
            warnings.simplefilter("ignore", UserWarning)
            return qmc.Sobol(d, scramble=True, seed=seed).random(n)
    if design == "lhs":
        return qmc.LatinHypercube(d, seed=seed).random(n)
    raise SpecError(f"The 'design' of a multi-start fit must be 'sobol' or 'lhs'. Got {design!r} instead.")


def fit(
    problem: Problem,
    n_starts: int = 8,
    seed: int | np.random.Generator | None = 0,
    *,
    design: str = "sobol",
    include_nominal: bool = True,
    diff_step: float = 1e-3,
    max_nfev: int | None = None,
    distinct_tol: float = 1e-2,
    cost_tol: float = 1e-3,
) -> FitResult:
    """Multi-start ``least_squares`` (trf, bounded) on the unit scale of ``problem.parameters``.

    Starts: a scrambled Sobol' (``design="sobol"``) or Latin-hypercube (``"lhs"``) design of ``n_starts`` points
    in [0, 1]^d, seeded by ``seed``; with ``include_nominal`` the first start is replaced by the problem's nominal
    values (``problem.nominal`` if it has one). Two converged optima are the same when their unit-scale
    parameters differ by < ``distinct_tol`` in every coordinate; a start is "at the best" when its cost is within
    ``cost_tol`` (absolute, in units of -log-likelihood) of the best.
    """
    if isinstance(n_starts, bool) or not isinstance(n_starts, (int, np.integer)) or n_starts < 1:
        raise SpecError(f"The 'n_starts' of a fit must be an integer >= 1. Got {n_starts!r} instead.")
    params = list(problem.parameters)
    d = len(params)
    names = [fp.name for fp in params]
    u_starts = _design(int(n_starts), d, seed, design)
    nominal = getattr(problem, "nominal", None)
    if include_nominal and nominal is not None:
        u_starts[0] = [fp.to_unit(v) for fp, v in zip(params, np.asarray(nominal, float))]
    t0 = time.perf_counter()
    runs = [least_squares_unit(problem, u, diff_step=diff_step, max_nfev=max_nfev) for u in u_starts]
    seconds = time.perf_counter() - t0
    cost = np.array([r.cost for r in runs])
    ok = np.array([r.success and r.status > 0 for r in runs])
    order = np.argsort(np.where(ok, cost, np.inf) if ok.any() else cost)
    best = runs[order[0]]
    # distinct optima by greedy clustering of converged starts, best first
    label = np.full(len(runs), -1)
    centres: list[np.ndarray] = []
    for i in order:
        if not ok[i]:
            continue
        for k, c in enumerate(centres):
            if np.all(np.abs(runs[i].x - c) < distinct_tol):
                label[i] = k
                break
        else:
            centres.append(runs[i].x)
            label[i] = len(centres) - 1
    n_at_best = int(np.sum(ok & (cost - best.cost <= cost_tol)))

    jac = np.asarray(best.jac, float)
    jtj = jac.T @ jac
    cov = np.linalg.pinv(jtj)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    if np.linalg.matrix_rank(jtj) < d:
        se = np.where(np.diag(jtj) > 0, se, np.inf)
    theta = np.array([fp.from_unit(x) for fp, x in zip(params, best.x)])
    ci = np.array(
        [
            [fp.from_unit(x - Z95 * s), fp.from_unit(x + Z95 * s)] if math.isfinite(s) else [fp.lower, fp.upper]
            for fp, x, s in zip(params, best.x, se)
        ]
    )
    at_bound = [n for n, x in zip(names, best.x) if x < 1e-3 or x > 1 - 1e-3]

    starts = xr.Dataset(
        {
            "u_start": (("start", "parameter"), u_starts, {"long_name": "start on the unit scale", "units": "1"}),
            "u_end": (
                ("start", "parameter"),
                np.stack([r.x for r in runs]),
                {"long_name": "optimum on the unit scale", "units": "1"},
            ),
            "theta": (
                ("start", "parameter"),
                np.array([[fp.from_unit(x) for fp, x in zip(params, r.x)] for r in runs]),
                {"long_name": "optimum on the natural scale", "units": "see parameter_unit"},
            ),
            "cost": ("start", cost, {"long_name": "0.5 x sum of squared standardised residuals", "units": "1"}),
            "converged": ("start", ok, {"long_name": "least_squares success with status > 0"}),
            "status": ("start", np.array([r.status for r in runs]), {"long_name": "scipy least_squares status"}),
            "nfev": ("start", np.array([r.nfev for r in runs]), {"long_name": "residual evaluations", "units": "1"}),
            "optimum": ("start", label, {"long_name": "distinct-optimum label (-1: not converged)"}),
        },
        coords={
            "start": np.arange(len(runs)),
            "parameter": np.array(names, dtype=object),
            "parameter_unit": ("parameter", np.array([fp.unit for fp in params], dtype=object)),
        },
        attrs={
            "problem": problem.id,
            "design": design,
            "seed": "none" if seed is None else str(seed),
            "method": "scipy.optimize.least_squares trf, bounded, unit scale",
            "disclaimer": DISCLAIMER,
        },
    )
    return FitResult(
        problem_id=problem.id,
        parameter_names=names,
        theta=theta,
        unit=np.asarray(best.x, float),
        cost=float(best.cost),
        n_data=int(np.asarray(best.fun).size),
        success=bool(ok.any()),
        message=str(best.message),
        se_unit=se,
        covariance_unit=cov,
        ci95=ci,
        starts=starts,
        n_distinct=len(centres),
        n_at_best=n_at_best,
        at_bound=at_bound,
        seconds=seconds,
    )


class FixedProblem:
    """``problem`` with one parameter held at ``value`` (natural scale): the inner problem of a profile."""

    def __init__(self, problem: Problem, name: str, value: float):
        names = [fp.name for fp in problem.parameters]
        if name not in names:
            raise SpecError(f"The profiled parameter must be one of {names}. Got {name!r} instead.")
        self.problem, self.position, self.value = problem, names.index(name), float(value)
        self.id = f"{problem.id}|{name}={value:g}"
        self.parameters = [fp for fp in problem.parameters if fp.name != name]
        self.targets = list(problem.targets)

    def full(self, theta: np.ndarray) -> np.ndarray:
        return np.insert(np.asarray(theta, float), self.position, self.value)

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        return self.problem.residuals(self.full(theta))
