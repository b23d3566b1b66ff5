"""Who is simulated: a person's parameter values, phenotype presets and between-person variability.

* **A person** is the model's parameter vector with a phenotype preset's values written over it
  (:func:`person_values`).
* **Variability.** Each parameter with a coefficient of variation ``cv`` varies log-normally around the person's
  value (median = value, σ = √log(1 + cv²)); each additive trait with a standard deviation ``sd`` (a logit shift,
  a set-point offset) varies normally around it; both are clipped to the parameter's bounds. Named pairs may be correlated on the log
  scale (a Gaussian copula: the standard-normal draws are multiplied by the Cholesky factor of the correlation
  matrix before scaling).
* **A mixture** of phenotypes gives each candidate a seeded phenotype, then that phenotype's person with
  variability (:func:`draw_mixture`).
* :class:`People` holds what the runner needs per individual: parameters, events, baseline inputs, the state at
  the start and an id.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..engine.simulate import Event
from ..errors import SpecError
from ..model.compose import Model

__all__ = ["People", "person_values", "draw_parameters", "draw_correlated", "draw_mixture"]


@dataclass(frozen=True, eq=False)
class People:
    """One row per individual: ``parameters`` (N × P), ``events`` (one list per individual, applied during the
    recorded run), baseline ``inputs`` (N × I; None = the model's defaults), ``initial_state`` (N × S at the start
    of the run or of its burn-in; None = the model's initial state) and ``ids`` (None = the engine's default)."""

    parameters: np.ndarray
    events: Sequence[Sequence[Event]]
    inputs: np.ndarray | None = None
    initial_state: np.ndarray | None = None
    ids: Sequence[str] | None = None

    def __post_init__(self) -> None:
        n = self.parameters.shape[0]
        for name in ("events", "inputs", "initial_state", "ids"):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise SpecError(f"The '{name}' of People must have one row per individual ({n}). Got {len(value)} "
                                f"rows instead.")

    def __len__(self) -> int:
        return self.parameters.shape[0]

    def take(self, rows: slice) -> People:
        """The individuals in ``rows`` (a slice)."""
        def cut(a):
            return None if a is None else a[rows]
        return People(self.parameters[rows], self.events[rows], cut(self.inputs), cut(self.initial_state),
                      cut(self.ids))


def person_values(model: Model, preset: Mapping[str, float] | None = None) -> np.ndarray:
    """The model's parameter vector with ``preset`` ({qualified parameter name: value}) written over it."""
    person = model.parameter_values()
    for name, value in (preset or {}).items():
        person[model.parameter_index(name)] = value
    return person


def draw_correlated(model: Model, person: np.ndarray, size: int, rng: np.random.Generator,
                    correlations: dict[tuple[str, str], float] | None = None) -> np.ndarray:
    """N×P parameters: log-normal variability (each parameter's cv) and normal variability of additive traits
    (each parameter's sd), with optional correlations of the standard-normal draws."""
    person = np.asarray(person, dtype=float)
    cv = np.array([p.parameter.cv for p in model.parameters], dtype=float)
    sd = np.array([p.parameter.sd for p in model.parameters], dtype=float)
    idx = np.flatnonzero((cv > 0) | (sd > 0))
    z = rng.standard_normal((size, idx.size))
    if correlations:
        pos = {int(i): k for k, i in enumerate(idx)}
        corr = np.eye(idx.size)
        for (a, b), r in correlations.items():
            ia, ib = model.parameter_index(a), model.parameter_index(b)
            if ia not in pos or ib not in pos:
                name = a if ia not in pos else b
                raise SpecError(f"The correlation ({a}, {b}) must be between parameters that vary between people "
                                f"(cv or sd > 0). Got {name!r}, whose cv and sd are 0, instead.")
            if not (math.isfinite(r) and -1 < r < 1):
                raise SpecError(f"The correlation ({a}, {b}) must lie strictly between -1 and 1. Got {r!r} instead.")
            corr[pos[ia], pos[ib]] = corr[pos[ib], pos[ia]] = r
        try:
            chol = np.linalg.cholesky(corr)
        except np.linalg.LinAlgError:
            raise SpecError("The correlations must form a positive-definite matrix. Got a set that does not "
                            "instead.") from None
        z = z @ chol.T
    out = np.tile(person, (size, 1))
    ratio = cv[idx] > 0
    log_normal, normal = idx[ratio], idx[~ratio]
    out[:, log_normal] = person[log_normal] * np.exp(z[:, ratio] * np.sqrt(np.log1p(cv[log_normal] ** 2)))
    out[:, normal] = person[normal] + z[:, ~ratio] * sd[normal]
    bounds = np.array([p.parameter.resolved_bounds for p in model.parameters], dtype=float)
    has = bounds[:, 0] < bounds[:, 1]
    out[:, has] = np.clip(out[:, has], bounds[has, 0], bounds[has, 1])
    return out


def draw_parameters(model: Model, person: np.ndarray, size: int, seed: int, variability: bool) -> np.ndarray:
    """N×P parameters: the person's values, or with ``variability`` uncorrelated log-normal draws seeded by
    ``seed`` (:func:`draw_correlated`)."""
    if not variability:
        return np.tile(np.asarray(person, dtype=float), (size, 1))
    return draw_correlated(model, person, size, np.random.default_rng(seed))


def draw_mixture(model: Model, mixture: Mapping[str, float], size: int, rng: np.random.Generator, *,
                 presets: Mapping[str, Mapping[str, float]], variability: bool,
                 correlations: dict[tuple[str, str], float] | None = None,
                 before: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``size`` candidates from a phenotype ``mixture`` ({preset: weight}): a seeded phenotype each, then that
    preset's person with between-person variability.

    Returns (parameters, parameters_before, phenotype names). ``before`` is a preset the same people had before
    their phenotype began (same standard-normal draws, hence the same individual deviations); without it
    ``parameters_before`` is ``parameters``."""
    names = list(mixture)
    weights = np.array([mixture[k] for k in names]) / sum(mixture.values())
    phenotype = rng.choice(len(names), size=size, p=weights)
    params = np.empty((size, len(model.parameters)))
    pre = np.empty_like(params) if before is not None else params
    for k, name in enumerate(names):
        sel = np.flatnonzero(phenotype == k)
        person = person_values(model, presets[name])
        if variability:
            twin = copy.deepcopy(rng) if before is not None else None  # replays the same draws
            params[sel] = draw_correlated(model, person, sel.size, rng, correlations)
            if twin is not None:
                pre[sel] = draw_correlated(model, person_values(model, before), sel.size, twin, correlations)
        else:
            params[sel] = draw_parameters(model, person, sel.size, 0, False)
            if before is not None:
                pre[sel] = draw_parameters(model, person_values(model, before), sel.size, 0, False)
    return params, pre, np.array(names, dtype=object)[phenotype]
