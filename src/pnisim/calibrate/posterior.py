"""Posterior sampling, convergence diagnostics and profile likelihoods for any calibration Problem.

* Sampler: the affine-invariant ensemble sampler of Goodman J & Weare J 2010 (Commun Appl Math Comput Sci
  5:65), as implemented by ``emcee`` (Foreman-Mackey D et al. 2013, PASP 125:306), run on the unit scale of the
  parameters. The prior is uniform on that scale, i.e. uniform for ``scale = "lin"`` and log-uniform for
  ``scale = "log"`` parameters, within their bounds; the likelihood is
  :func:`pnisim.calibrate.problem.log_likelihood` (independent Gaussian standardised residuals).
* Diagnostics: acceptance fraction per walker; the integrated autocorrelation time tau per parameter
  (``emcee.autocorr.integrated_time``, Sokal's automatic window) with the rule that a chain should be at least
  50 tau long; the split-R-hat of Gelman A et al., Bayesian Data Analysis 3rd ed. (2013) §11.4, computed here
  with each walker as a chain (walkers of an ensemble are not independent, so R-hat near 1 is necessary, not
  sufficient); the effective sample size n_walkers x n_draws / tau. A run that fails any check is reported
  in the result (``attrs["converged"] = 0`` and ``attrs["convergence_report"]``) and by a
  :class:`ConvergenceWarning` — or an error with ``on_fail="raise"`` — never silently accepted.
* Practical identifiability: posterior correlations (unit scale) and the profile likelihood of one parameter
  with the others re-optimised (Raue A et al. 2009, Bioinformatics 25:1923), with the 95 % likelihood-based
  interval where Delta chi2 crosses the chi2(1) quantile 3.84; an interval open on a side within the bounds
  marks the parameter as practically non-identifiable.

Research use only, not medical advice.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import emcee
import numpy as np
import xarray as xr
from scipy.stats import chi2 as _chi2

from ..disclaimer import DISCLAIMER
from ..errors import ConvergenceError, ConvergenceWarning, SpecError
from .fit import FitResult, FixedProblem, fit, least_squares_unit
from .problem import FitParameter, Problem, log_likelihood

__all__ = [
    "CHI2_95_1DF",
    "profile_likelihood",
    "sample_posterior",
    "split_rhat",
]

CHI2_95_1DF = float(_chi2.ppf(0.95, 1))  # 3.841


def split_rhat(chains: np.ndarray) -> np.ndarray:
    """Split-R-hat per parameter of ``chains`` (n_chain, n_draw, n_param) (Gelman et al. BDA3 §11.4).

    Each chain is cut into halves (an odd middle draw is dropped); with m half-chains of length n,
    W = mean within-half variance, B = n x variance of the half means, var+ = (n-1)/n W + B/n and
    R-hat = sqrt(var+ / W).
    """
    x = np.asarray(chains, float)
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3 or x.shape[1] < 4:
        raise SpecError(f"split_rhat needs chains of shape (n_chain, n_draw >= 4, n_param). Got {np.shape(chains)}.")
    n = x.shape[1] // 2
    halves = np.concatenate([x[:, :n], x[:, x.shape[1] - n :]], axis=0)
    w = halves.var(axis=1, ddof=1).mean(axis=0)
    b = n * halves.mean(axis=1).var(axis=0, ddof=1)
    var_plus = (n - 1) / n * w + b / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w > 0, np.sqrt(var_plus / w), np.where(b > 0, np.inf, 1.0))


def _to_natural(params: Sequence[FitParameter], u: np.ndarray) -> np.ndarray:
    out = np.empty_like(u)
    for j, fp in enumerate(params):
        if fp.scale == "log":
            out[..., j] = np.exp(np.log(fp.lower) + u[..., j] * (np.log(fp.upper) - np.log(fp.lower)))
        else:
            out[..., j] = fp.lower + u[..., j] * (fp.upper - fp.lower)
    return out


def _log_prob_factory(problem: Problem, params: Sequence[FitParameter]):
    batch = getattr(problem, "residuals_batch", None)

    def one(u):
        if np.any(u < 0.0) or np.any(u > 1.0):
            return -math.inf
        return log_likelihood(problem, _to_natural(params, u))

    def many(us):
        us = np.atleast_2d(us)
        out = np.full(len(us), -math.inf)
        inside = np.all((us >= 0.0) & (us <= 1.0), axis=1)
        if inside.any():
            r = np.asarray(batch(_to_natural(params, us[inside])), float)
            ll = -0.5 * np.sum(r**2, axis=1)
            out[inside] = np.where(np.all(np.isfinite(r), axis=1), ll, -math.inf)
        return out

    return (many, True) if callable(batch) else (one, False)


def _reflect(u: np.ndarray) -> np.ndarray:
    u = np.abs(u)
    return 1.0 - np.abs(1.0 - u)


def sample_posterior(
    problem: Problem,
    *,
    start: FitResult | np.ndarray | str | None = None,
    n_walkers: int | None = None,
    n_steps: int = 2000,
    burn: int | None = None,
    ball: float = 1e-3,
    seed: int | np.random.Generator | None = 0,
    on_fail: str = "warn",
    min_acceptance: float = 0.1,
    tau_factor: float = 50.0,
    max_rhat: float = 1.1,
    progress: bool = False,
) -> xr.Dataset:
    """MCMC draws of ``problem``'s parameters: an ``xarray.Dataset`` over (chain, draw, parameter).

    ``start``: a :class:`FitResult` (its best optimum), a natural-scale theta, ``"prior"`` (walkers spread
    uniformly over the unit cube) or None (a 4-start :func:`fit` first). Walkers start in a Gaussian ball of SD
    ``ball`` (unit scale) around it, reflected into the bounds. ``burn`` (default ``n_steps // 2``) steps are
    discarded. ``on_fail``: "warn" (a :class:`ConvergenceWarning`) or "raise" (:class:`ConvergenceError`).

    Variables: ``theta`` (natural scale), ``unit`` (unit scale), ``log_posterior``, ``acceptance`` (per
    chain), ``tau``, ``rhat``, ``ess``, ``posterior_mean``, ``posterior_sd``, ``q2_5``, ``q50``, ``q97_5``
    (per parameter) and
    ``correlation`` (parameter x parameter_b, unit scale). ``attrs["converged"]`` is 1 or 0 and
    ``attrs["convergence_report"]`` says why.
    """
    params = list(problem.parameters)
    d = len(params)
    names = [fp.name for fp in params]
    if on_fail not in ("warn", "raise"):
        raise SpecError(f"The 'on_fail' of sample_posterior must be 'warn' or 'raise'. Got {on_fail!r} instead.")
    n_walkers = int(n_walkers if n_walkers is not None else max(8, 4 * d))
    if n_walkers < 2 * d or n_walkers % 2:
        raise SpecError(f"The 'n_walkers' must be an even number >= 2 x {d} parameters. Got {n_walkers} instead.")
    if isinstance(n_steps, bool) or int(n_steps) != n_steps or n_steps < 8:
        raise SpecError(f"The 'n_steps' must be an integer >= 8. Got {n_steps!r} instead.")
    n_steps = int(n_steps)
    burn = n_steps // 2 if burn is None else int(burn)
    if not (0 <= burn <= n_steps - 8):
        raise SpecError(f"The 'burn' must be in [0, n_steps - 8 = {n_steps - 8}]. Got {burn} instead.")
    rng = np.random.default_rng(seed)

    if isinstance(start, str):
        if start != "prior":
            raise SpecError(
                f"The 'start' of sample_posterior must be a FitResult, a parameter vector, 'prior' or None. "
                f"Got {start!r} instead."
            )
        p0 = rng.uniform(0.0, 1.0, size=(n_walkers, d))
        centre = None
    else:
        if start is None:
            start = fit(problem, n_starts=4, seed=int(rng.integers(2**31)))
        if isinstance(start, FitResult):
            centre = np.asarray(start.unit, float)
        else:
            theta = np.asarray(start, float)
            if theta.shape != (d,):
                raise SpecError(
                    f"The 'start' vector must have {d} values ({', '.join(names)}). Got shape {theta.shape}."
                )
            centre = np.array([fp.to_unit(v) for fp, v in zip(params, theta)])
        p0 = _reflect(centre + ball * rng.standard_normal((n_walkers, d)))

    log_prob, vectorize = _log_prob_factory(problem, params)
    sampler = emcee.EnsembleSampler(n_walkers, d, log_prob, vectorize=vectorize)
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()
    with np.errstate(over="ignore", invalid="ignore"):
        sampler.run_mcmc(p0, n_steps, progress=progress)

    chain = sampler.get_chain(discard=burn)  # (draw, walker, param)
    logp = sampler.get_log_prob(discard=burn)
    u = np.transpose(chain, (1, 0, 2))  # (chain, draw, param)
    lp = logp.T
    theta = _to_natural(params, u)
    acc = np.asarray(sampler.acceptance_fraction, float)
    n_draw = u.shape[1]

    tau = np.asarray(emcee.autocorr.integrated_time(chain, c=5, tol=0, quiet=True), float)
    rhat = split_rhat(u)
    ess = np.where(np.isfinite(tau) & (tau > 0), n_walkers * n_draw / tau, np.nan)
    flat_u = u.reshape(-1, d)
    flat = theta.reshape(-1, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.atleast_2d(np.corrcoef(flat_u, rowvar=False)) if d > 1 else np.ones((1, 1))

    problems: list[str] = []
    if acc.mean() < min_acceptance:
        problems.append(f"mean acceptance fraction {acc.mean():.3f} < {min_acceptance}")
    stuck = int(np.sum(acc < 0.02))
    if stuck > 0.1 * n_walkers:
        problems.append(f"{stuck} of {n_walkers} walkers accepted < 2 % of their moves (stuck)")
    for n, t in zip(names, tau):
        if not np.isfinite(t):
            problems.append(f"tau of {n} not estimable")
        elif n_draw < tau_factor * t:
            problems.append(f"tau of {n} = {t:.1f} steps > kept chain length {n_draw} / {tau_factor:g}")
    for n, r in zip(names, rhat):
        if not (r <= max_rhat):
            problems.append(f"split-R-hat of {n} = {r:.3f} > {max_rhat}")
    if not np.all(np.isfinite(lp[:, -1])):
        problems.append("some walkers end at a non-finite log posterior")
    converged = not problems
    report = "converged: " + ("all checks passed" if converged else "NO — " + "; ".join(problems))

    coords = {
        "chain": np.arange(n_walkers),
        "draw": np.arange(burn, n_steps),
        "parameter": np.array(names, dtype=object),
        "parameter_b": np.array(names, dtype=object),
        "parameter_unit": ("parameter", np.array([fp.unit for fp in params], dtype=object)),
        "scale": ("parameter", np.array([fp.scale for fp in params], dtype=object)),
    }
    q = np.quantile(flat, [0.025, 0.5, 0.975], axis=0)
    ds = xr.Dataset(
        {
            "theta": (
                ("chain", "draw", "parameter"),
                theta,
                {"long_name": "posterior draw (natural scale)", "units": "see parameter_unit"},
            ),
            "unit": (("chain", "draw", "parameter"), u, {"long_name": "posterior draw (unit scale)", "units": "1"}),
            "log_posterior": (("chain", "draw"), lp, {"long_name": "log posterior (up to a constant)", "units": "1"}),
            "acceptance": (("chain",), acc, {"long_name": "acceptance fraction per walker", "units": "1"}),
            "tau": (("parameter",), tau, {"long_name": "integrated autocorrelation time", "units": "steps"}),
            "rhat": (("parameter",), rhat, {"long_name": "split-R-hat across walkers", "units": "1"}),
            "ess": (
                ("parameter",),
                ess,
                {"long_name": "effective sample size n_walkers x n_draws / tau", "units": "1"},
            ),
            "posterior_mean": (
                ("parameter",),
                flat.mean(axis=0),
                {"long_name": "posterior mean", "units": "see parameter_unit"},
            ),
            "posterior_sd": (
                ("parameter",),
                flat.std(axis=0, ddof=1),
                {"long_name": "posterior SD", "units": "see parameter_unit"},
            ),
            "q2_5": (("parameter",), q[0], {"long_name": "posterior 2.5 % quantile", "units": "see parameter_unit"}),
            "q50": (("parameter",), q[1], {"long_name": "posterior median", "units": "see parameter_unit"}),
            "q97_5": (("parameter",), q[2], {"long_name": "posterior 97.5 % quantile", "units": "see parameter_unit"}),
            "correlation": (
                ("parameter", "parameter_b"),
                corr,
                {"long_name": "posterior correlation (unit scale)", "units": "1"},
            ),
        },
        coords=coords,
        attrs={
            "title": f"posterior of {problem.id}",
            "problem": problem.id,
            "targets": ", ".join(getattr(problem, "targets", [])),
            "sampler": f"emcee {emcee.__version__} EnsembleSampler (stretch move; Goodman & Weare 2010)",
            "prior": "uniform on the unit scale (log-uniform for log-scale parameters) within the bounds",
            "n_walkers": n_walkers,
            "n_steps": n_steps,
            "burn": burn,
            "ball": ball,
            "seed": "none" if seed is None else str(seed),
            "start": "prior" if centre is None else "best fit",
            "acceptance_mean": float(acc.mean()),
            "converged": int(converged),
            "convergence_report": report,
            "disclaimer": DISCLAIMER,
        },
    )
    if not converged:
        message = (
            f"MCMC for {problem.id!r} did not converge: "
            + "; ".join(problems)
            + ". Run longer, re-parametrise, or fix the parameters the data do not identify."
        )
        if on_fail == "raise":
            raise ConvergenceError(message)
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return ds


def profile_likelihood(
    problem: Problem,
    name: str,
    *,
    best: FitResult | None = None,
    n_points: int = 15,
    span: tuple[float, float] = (0.0, 1.0),
    seed: int = 0,
    diff_step: float = 1e-3,
) -> xr.Dataset:
    """The profile likelihood of parameter ``name``: Delta chi2 = 2 (cost - best cost) over a unit-scale grid.

    At each grid value the other parameters are re-optimised (bounded least squares warm-started from the
    neighbouring grid point, moving outward from the best fit). ``span``: the unit-scale range profiled
    (default the whole bounds). ``attrs``: ``ci95_low``/``ci95_high`` (natural scale; NaN where Delta chi2
    never reaches 3.84 inside the span: the interval is open on that side) and ``identifiable`` ("yes" only
    when the interval is closed on both sides).
    """
    params = list(problem.parameters)
    names = [fp.name for fp in params]
    if name not in names:
        raise SpecError(f"The profiled parameter must be one of {names}. Got {name!r} instead.")
    if isinstance(n_points, bool) or int(n_points) != n_points or n_points < 3:
        raise SpecError(f"The 'n_points' of a profile must be an integer >= 3. Got {n_points!r} instead.")
    lo_u, hi_u = float(span[0]), float(span[1])
    if not (0.0 <= lo_u < hi_u <= 1.0):
        raise SpecError(f"The 'span' of a profile must satisfy 0 <= low < high <= 1 (unit scale). Got {span} instead.")
    if best is None:
        best = fit(problem, n_starts=4, seed=seed)
    j = names.index(name)
    fp = params[j]
    grid = np.linspace(lo_u, hi_u, int(n_points))
    others = [k for k in range(len(params)) if k != j]
    cost = np.full(grid.size, np.nan)
    other_u = np.full((grid.size, len(others)), np.nan)
    centre = int(np.argmin(np.abs(grid - best.unit[j])))
    for direction in (range(centre, grid.size), range(centre - 1, -1, -1)):
        warm = best.unit[others]
        for i in direction:
            inner = FixedProblem(problem, name, fp.from_unit(grid[i]))
            if others:
                res = least_squares_unit(inner, warm, diff_step=diff_step)
                cost[i], other_u[i], warm = res.cost, res.x, res.x
            else:
                r = np.asarray(inner.residuals(np.empty(0)), float)
                cost[i] = 0.5 * float(r @ r) if np.all(np.isfinite(r)) else np.inf
    delta = 2.0 * (cost - best.cost)
    values = np.array([fp.from_unit(g) for g in grid])

    def crossing(idx):
        # walk outward from the minimum until delta crosses the threshold; interpolate linearly on the unit scale
        prev = imin
        for i in idx:
            if delta[i] >= CHI2_95_1DF:
                a, b = delta[prev], delta[i]
                g = grid[prev] + (CHI2_95_1DF - a) / (b - a) * (grid[i] - grid[prev]) if b != a else grid[i]
                return fp.from_unit(g)
            prev = i
        return math.nan

    imin = int(np.nanargmin(delta))
    low = crossing(range(imin - 1, -1, -1))
    high = crossing(range(imin + 1, grid.size))
    closed = math.isfinite(low) and math.isfinite(high)
    other_names = [names[k] for k in others]
    other_theta = (
        np.array(
            [[params[k].from_unit(x) if np.isfinite(x) else np.nan for k, x in zip(others, row)] for row in other_u]
        )
        if others
        else np.empty((grid.size, 0))
    )
    return xr.Dataset(
        {
            "value": ("point", values, {"long_name": f"{name} (natural scale)", "units": fp.unit}),
            "unit": ("point", grid, {"long_name": f"{name} (unit scale)", "units": "1"}),
            "delta_chi2": ("point", delta, {"long_name": "2 x (profile cost - best cost)", "units": "1"}),
            "others": (("point", "other"), other_theta, {"long_name": "re-optimised other parameters (natural scale)"}),
        },
        coords={"point": np.arange(grid.size), "other": np.array(other_names, dtype=object)},
        attrs={
            "problem": problem.id,
            "parameter": name,
            "best": float(best.theta[j]),
            "threshold": CHI2_95_1DF,
            "ci95_low": low,
            "ci95_high": high,
            "identifiable": "yes"
            if closed
            else (
                "no (open on both sides)"
                if not (math.isfinite(low) or math.isfinite(high))
                else "no (open on one side)"
            ),
            "better_optimum_found": int(np.nanmin(delta) < -1e-6),
            "method": "profile likelihood (Raue et al. 2009), others re-optimised by least_squares trf",
            "disclaimer": DISCLAIMER,
        },
    )
