"""Reduce Phillips & Robinson 2007 to the nightly-sleep law used by the whole model's ``sleep`` module.

The sleep–wake flip-flop of Phillips & Robinson (2007, J Biol Rhythms 22:167, doi:10.1177/0748730406297512)
switches in seconds, so a composed model that carried it would take several hundred solver steps per simulated
day (measured: ≈ 375 with Rodas5P at rtol 1e-6, against ≈ 55 for the whole core), which a 36-week trial of a
thousand people cannot afford. Over weeks the quantity the rest of the system sees is how long one sleeps
each night, so the whole model uses that, as a function of the extra wake drive (arousal, mV, added to the
monoaminergic group as in the sleep-deprivation version, Phillips & Robinson 2008 J Theor Biol 255:413).

This script

1. sets the circadian offset ``c0`` so that the published model sleeps 8.0 h a night at zero arousal (the
   BioModels value c0 = 1 gives 4.9 h; adults sleep 7–9 h: Hirshkowitz M et al. Sleep Health 2015;1:40,
   doi:10.1016/j.sleh.2014.12.010);
2. simulates the published model to a settled daily cycle at arousal −0.6 … 2.2 mV (beyond ≈ 2.3 mV it no longer
   falls asleep) and measures the nightly sleep duration;
3. fits ``hours = Σ b_k x^k`` (cubic) with ``x = A tanh(a / A)``, ``A = AROUSAL_CAP`` — the tanh keeps the law
   bounded for arousal beyond the fitted range.

Run ``python -m pnisim.calibrate.sleep_reduction`` to print the coefficients that
:mod:`pnisim.model.modules.sleep` carries; ``tests/reference/test_sleep.py`` re-runs it and checks both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..engine.simulate import Solver, simulate
from ..model.compose import ParameterOverride, compose
from ..model.modules import phillips_robinson2007 as pr
from ..model.modules.sleep import AROUSAL_CAP

__all__ = ["ReductionFit", "sleep_hours", "fit"]

AROUSALS = np.round(np.arange(-0.6, 2.21, 0.2), 2)
SOLVER = Solver(rtol=1e-7, atol=1e-9, method="rodas5p")
SETTLE_H, RUN_H, DT_H = 120.0, 240.0, 0.005


@dataclass(frozen=True)
class ReductionFit:
    c0: float                 # circadian offset giving 8.0 h at zero arousal
    arousal: np.ndarray       # mV
    hours: np.ndarray         # nightly sleep of the published model, h
    coefficients: np.ndarray  # b0..b3 of the cubic in x = A tanh(a/A)
    max_error_h: float


def _model(c0: float):
    return compose("pr_sleep", "Phillips & Robinson 2007 with fitted c0", [pr.sleep], (), time_unit="h",
                   overrides={"sleep.c0": ParameterOverride(c0, "fitted: 8.0 h sleep", "C", (0.0, 2.0))})


def sleep_hours(c0: float, arousal: np.ndarray) -> np.ndarray:
    """Mean nightly sleep (h) of the published model, settled, at each constant arousal (mV)."""
    model = _model(c0)
    arousal = np.atleast_1d(np.asarray(arousal, float))
    u = np.tile(model.input_defaults(), (arousal.size, 1))
    u[:, model.input_index("sleep_deprivation")] = arousal
    t = np.arange(0.0, RUN_H + DT_H / 2, DT_H)
    ds = simulate(model, t, inputs=u, solver=SOLVER)
    asleep = ds.awake.values[:, t >= SETTLE_H] < 0.5
    return 24.0 * asleep.mean(axis=1)


def fit() -> ReductionFit:
    c0 = brentq(lambda c: sleep_hours(c, [0.0])[0] - 8.0, 0.55, 0.75, xtol=1e-3)
    hours = sleep_hours(c0, AROUSALS)
    x = AROUSAL_CAP * np.tanh(AROUSALS / AROUSAL_CAP)
    coef = np.polynomial.polynomial.polyfit(x, hours, 3)
    err = np.max(np.abs(np.polynomial.polynomial.polyval(x, coef) - hours))
    return ReductionFit(c0, AROUSALS, hours, coef, float(err))


if __name__ == "__main__":  # pragma: no cover - manual reproduction
    f = fit()
    print(f"c0 = {f.c0:.4f}")
    for a, h in zip(f.arousal, f.hours):
        print(f"  arousal {a:+.1f} mV: {h:.3f} h")
    print("coefficients", ", ".join(f"{c:.5f}" for c in f.coefficients), f"max error {60 * f.max_error_h:.1f} min")
