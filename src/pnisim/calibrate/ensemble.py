"""Parameter ensembles from the shipped calibration's posteriors, and predictions with a posterior band.

Each fitted parameter of ``data/calibration/whole.toml`` carries its grid posterior (chi² on the grid, flat
prior on the parameter's scale). Draws take each parameter independently from its own posterior (inverse CDF
on the interpolated grid): the fits are one parameter at a time, so correlations between parameters are not
represented — a stated limitation. A prediction with uncertainty re-runs the same scenario (same individuals,
same seeds) once per draw, so the band reflects parameter uncertainty only.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..errors import SpecError
from ..model.library import whole_calibration
from ..model.calibration import Calibration
from .problem import FitParameter

__all__ = ["posterior_draws", "band_over_draws", "MAX_DRAWS"]

MAX_DRAWS = 200


def posterior_draws(n: int, *, seed: int = 0, calibration: dict | None = None) -> list[dict[str, float]]:
    """``n`` parameter sets {name: value} (model parameters and ``phenotype:<preset>:<parameter>`` values)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_DRAWS:
        raise SpecError(f"The number of posterior draws must be an integer from 1 to {MAX_DRAWS}. Got {n!r} instead.")
    cal = calibration if calibration is not None else whole_calibration()
    if not cal.get("fits"):
        raise SpecError("Posterior draws need the shipped calibration (data/calibration/whole.toml, written by "
                        "`pnisim calibrate`). Got an uncalibrated package instead.")
    rng = np.random.default_rng(seed)
    out: list[dict[str, float]] = [{} for _ in range(n)]
    for f in cal["fits"]:
        fp = FitParameter(f["parameter"], float(f["bounds"][0]), float(f["bounds"][1]), f["scale"])
        u = np.array([fp.to_unit(x) for x in f["grid"]])
        chi2 = np.array([float(c) if c != "inf" else math.inf for c in f["chi2"]])
        w = np.exp(-0.5 * (chi2 - np.nanmin(chi2)))
        fine = np.linspace(0.0, 1.0, 401)
        cdf = np.cumsum(np.interp(fine, u, np.where(np.isfinite(w), w, 0.0)))
        cdf /= cdf[-1]
        for d, q in zip(out, rng.random(n)):
            d[fp.name] = fp.from_unit(float(np.interp(q, cdf, fine)))
    return out


def band_over_draws(run: Callable[[Calibration], dict[str, float]], draws: list[dict[str, float]], *,
                    progress: Callable[[float, str], None] | None = None) -> dict[str, dict[str, float]]:
    """Run ``run(calibration)`` (returning {quantity: value}) with each draw's calibration; per quantity the 5th, 50th and 95th
    percentiles and the number of draws that gave a finite value."""
    report = progress or (lambda f, m: None)
    values: dict[str, list[float]] = {}
    for k, d in enumerate(draws):
        report(k / len(draws), f"posterior draw {k + 1} of {len(draws)}")
        res = run(Calibration.of(d))
        for q, v in res.items():
            if isinstance(v, (int, float)) and math.isfinite(v):
                values.setdefault(q, []).append(float(v))
    report(1.0, "posterior band done")
    return {q: {"p5": float(np.percentile(v, 5)), "p50": float(np.percentile(v, 50)),
                "p95": float(np.percentile(v, 95)), "draws": len(v)} for q, v in values.items()}
