"""Posterior bands of what a scenario run or a trial reports, over draws of the calibrated parameters.

Each band re-runs the same scenario or trial (same individuals, same seeds) once per draw of
:func:`.ensemble.posterior_draws`, so it reflects parameter uncertainty only; see :mod:`.ensemble` for how the
draws are made and what they leave out.
"""

from __future__ import annotations

from collections.abc import Callable

from ..analysis.summary import summary_quantities
from ..scenario.build import run_scenario
from ..trial.run import run_trial
from .ensemble import band_over_draws, posterior_draws

__all__ = ["scenario_band", "trial_band", "estimate_key"]

Progress = Callable[[float, str], None]


def scenario_band(scenario, n_draws: int, *, seed: int = 0, progress: Progress | None = None) -> dict:
    """{quantity: {p5, p50, p95, draws}} of every numeric summary quantity of ``scenario`` (as in
    ``summary.json``) over ``n_draws`` posterior draws, the draws seeded by ``seed`` (the run's seed)."""
    draws = posterior_draws(n_draws, seed=seed)
    return band_over_draws(lambda cal: summary_quantities(run_scenario(scenario, calibration=cal), scenario), draws,
                           progress=progress)


def estimate_key(estimate: dict) -> str:
    """How a trial estimate is named in its band: ``"<endpoint> | <arm> vs <control> | <statistic>"``."""
    return f"{estimate['endpoint']} | {estimate['arm']} vs {estimate['control']} | {estimate['name']}"


def trial_band(trial, n_draws: int, *, progress: Progress | None = None) -> dict:
    """{:func:`estimate_key`: {p5, p50, p95, draws}} of every estimate of ``trial`` over ``n_draws`` posterior
    draws, the draws seeded by the trial population's seed."""
    def estimates(cal) -> dict:
        return {estimate_key(e): e["estimate"] for e in run_trial(trial, calibration=cal).estimates}

    return band_over_draws(estimates, posterior_draws(n_draws, seed=trial.population.seed), progress=progress)
