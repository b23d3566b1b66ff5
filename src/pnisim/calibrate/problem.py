"""Calibration problems: a parameter vector -> standardised residuals against published targets or data.

Every problem shares one interface, so fitting (multi-start optimisation), posterior sampling and profile
likelihoods work on any of them and on sums of them:

* ``parameters``: the estimated model parameters (:class:`FitParameter`: name, bounds, scale, prior);
* ``residuals(theta)``: (simulated - observed) / sigma for every datum, with sigma the measurement SD (time
  courses) or the SE recovered from a published 95 % CI (effect sizes: (upper - lower) / (2 x 1.96)), so
  ``log_likelihood = -0.5 * sum(residuals**2)`` up to a constant (independent Gaussian errors);
* ``targets``: the target ids (targets.csv) the problem uses — used by ``pnisim validate`` to mark each target
  ``fitted`` or ``held-out``.

``theta`` is on the parameters' natural scale (the model's units); optimisers work on the transformed scale
(:meth:`FitParameter.to_unit` maps to [0, 1], log-uniform for ``scale = "log"``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..errors import SpecError

__all__ = ["FitParameter", "Problem", "SumProblem", "se_from_ci", "log_likelihood", "Z95"]

Z95 = 1.959963984540054


def se_from_ci(low: float, high: float) -> float:
    """Standard error from a symmetric 95 % CI."""
    return (high - low) / (2 * Z95)


@dataclass(frozen=True)
class FitParameter:
    name: str                     # model parameter "module.name"
    lower: float
    upper: float
    scale: str = "log"            # "log" (log-uniform prior, optimised in log space) or "lin"
    nominal: float | None = None  # starting value (default: the model's value)
    unit: str = ""
    note: str = ""

    def __post_init__(self):
        if not (math.isfinite(self.lower) and math.isfinite(self.upper) and self.lower < self.upper):
            raise SpecError(f"The bounds of fit parameter {self.name!r} must be finite with lower < upper. Got "
                            f"[{self.lower}, {self.upper}] instead.")
        if self.scale not in ("log", "lin"):
            raise SpecError(f"The 'scale' of fit parameter {self.name!r} must be 'log' or 'lin'. Got {self.scale!r} "
                            f"instead.")
        if self.scale == "log" and self.lower <= 0:
            raise SpecError(f"A log-scale fit parameter {self.name!r} needs a lower bound > 0. Got {self.lower} "
                            f"instead.")

    def to_unit(self, x: float) -> float:
        if self.scale == "log":
            return (math.log(x) - math.log(self.lower)) / (math.log(self.upper) - math.log(self.lower))
        return (x - self.lower) / (self.upper - self.lower)

    def from_unit(self, u: float) -> float:
        u = min(max(float(u), 0.0), 1.0)
        if self.scale == "log":
            x = math.exp(math.log(self.lower) + u * (math.log(self.upper) - math.log(self.lower)))
        else:
            x = self.lower + u * (self.upper - self.lower)
        return min(max(x, self.lower), self.upper)  # round-off must not step outside the bounds


class Problem(Protocol):
    id: str
    parameters: Sequence[FitParameter]
    targets: Sequence[str]

    def residuals(self, theta: np.ndarray) -> np.ndarray: ...


@dataclass
class SumProblem:
    """Several problems over the union of their parameters (shared names are one parameter)."""

    id: str
    problems: Sequence[Problem]
    parameters: list[FitParameter] = field(init=False)
    targets: list[str] = field(init=False)

    def __post_init__(self):
        seen: dict[str, FitParameter] = {}
        for p in self.problems:
            for fp in p.parameters:
                seen.setdefault(fp.name, fp)
        self.parameters = list(seen.values())
        self.targets = [t for p in self.problems for t in p.targets]

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        index = {fp.name: i for i, fp in enumerate(self.parameters)}
        parts = [p.residuals(np.array([theta[index[fp.name]] for fp in p.parameters])) for p in self.problems]
        return np.concatenate(parts) if parts else np.empty(0)


def log_likelihood(problem: Problem, theta: np.ndarray) -> float:
    r = np.asarray(problem.residuals(np.asarray(theta, float)), float)
    return -0.5 * float(np.sum(r**2)) if np.all(np.isfinite(r)) else -math.inf
