"""The shared time-course problem: one experiment on a settled day of a model against a data table.

The state is settled once per process (:func:`settled_state`); each evaluation starts from it at midnight,
``run_in_days`` before the experiment day (see the package docstring). Residuals are standardised on the data's
error-model scale; a failed simulation gives NaN residuals.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

import numpy as np
import xarray as xr

from ...engine.simulate import Event, Solver, simulate
from ...errors import SpecError
from ...model.compose import Model
from ...model.library import get_model
from ..problem import FitParameter
from .data import TimecourseData

__all__ = ["DEFAULT_SOLVER", "SETTLE_DAYS", "TimecourseProblem", "settled_state"]

#: tolerances of every residual evaluation: 1e-7 keeps the finite-difference Jacobian (step 1e-3 on the unit
#: scale) accurate to ~1e-4 while one 14-h run of the whole model stays near 30 ms
DEFAULT_SOLVER = Solver(rtol=1e-7, atol=1e-9)
SETTLE_DAYS = 10
#: residual of a failed simulation handed to optimisers (residuals() itself returns NaN, so log_likelihood
#: is -inf and a sampler rejects the point)
FAILED = float("nan")

_SETTLED: dict[tuple, np.ndarray] = {}


def settled_state(
    model: Model, parameters: np.ndarray, *, settle_days: int = SETTLE_DAYS, solver: Solver = DEFAULT_SOLVER
) -> np.ndarray:
    """The state at midnight after ``settle_days`` days from the model's initial state (cached per process)."""
    p = np.asarray(parameters, float)
    key = (model.spec_hash(), int(settle_days), solver, p.tobytes())
    if key not in _SETTLED:
        ds = simulate(model, [24.0 * settle_days], t0=0.0, parameters=p[None, :], solver=solver)
        _SETTLED[key] = np.array([ds[s].values[0, -1] for s in model.state_names])
    return _SETTLED[key].copy()


@dataclass
class TimecourseProblem:
    """Base: one experiment on a settled day of ``model`` against a :class:`TimecourseData` table.

    Subclasses set the data, the events (clock hours on the experiment day) and the default parameters.
    """

    id: str
    parameters: list[FitParameter]
    targets: list[str]
    data: TimecourseData
    events: list[Event] = field(default_factory=list)  # times = clock hours on the experiment day
    model: Model | str = "whole"
    solver: Solver = DEFAULT_SOLVER
    settle_days: int = SETTLE_DAYS
    run_in_days: int = 0
    description: str = ""

    def __post_init__(self):
        if isinstance(self.model, str):
            self.model = get_model(self.model)
        if not self.parameters:
            raise SpecError(f"The 'parameters' of problem {self.id!r} must name at least one FitParameter. Got none.")
        names = [fp.name for fp in self.parameters]
        if len(set(names)) != len(names):
            raise SpecError(f"The 'parameters' of problem {self.id!r} must be distinct. Got {names} instead.")
        if self.run_in_days < 0 or self.settle_days < 1:
            raise SpecError(
                f"The 'run_in_days' (>= 0) and 'settle_days' (>= 1) of problem {self.id!r} are invalid. "
                f"Got {self.run_in_days}, {self.settle_days} instead."
            )
        m = self.model
        for o in set(np.asarray(self.data.observable).tolist()):
            m.observable_index(o)  # raises a SpecError naming the observable
        self._index = np.array([m.parameter_index(fp.name) for fp in self.parameters])
        p0 = m.parameter_values().copy()
        for i, fp in zip(self._index, self.parameters):
            if fp.nominal is not None:
                p0[i] = fp.nominal
            if not (fp.lower <= p0[i] <= fp.upper):
                raise SpecError(
                    f"The nominal value of fit parameter {fp.name!r} must lie within its bounds "
                    f"[{fp.lower}, {fp.upper}]. Got {p0[i]} instead."
                )
        self._p0 = p0
        self._obs_index = {o: m.observable_index(o) for o in set(np.asarray(self.data.observable).tolist())}
        self._t_unique, self._row_t = np.unique(np.asarray(self.data.clock, float), return_inverse=True)
        self._y_start: np.ndarray | None = None

    # ---- time axis ------------------------------------------------------------------------------------
    @property
    def t_start(self) -> float:
        """Model time (h) at which each evaluation starts: midnight, ``run_in_days`` before the experiment day."""
        return 24.0 * self.settle_days

    @property
    def day0(self) -> float:
        """Model time (h) of midnight of the experiment day."""
        return 24.0 * (self.settle_days + self.run_in_days)

    def absolute_events(self) -> list[Event]:
        return [replace(e, time=self.day0 + e.time) for e in self.events]

    @property
    def initial_state(self) -> np.ndarray:
        """The settled state (nominal parameters) at :attr:`t_start`; computed once."""
        if self._y_start is None:
            self._y_start = settled_state(self.model, self._p0, settle_days=self.settle_days, solver=self.solver)
        return self._y_start.copy()

    # ---- parameters -----------------------------------------------------------------------------------
    @property
    def parameter_names(self) -> list[str]:
        return [fp.name for fp in self.parameters]

    @property
    def nominal(self) -> np.ndarray:
        """The nominal theta (natural scale): each FitParameter's ``nominal`` or the model's value."""
        return self._p0[self._index].copy()

    def parameter_vector(self, theta: np.ndarray) -> np.ndarray:
        theta = self._check_theta(theta)
        p = self._p0.copy()
        p[self._index] = theta
        return p

    def _check_theta(self, theta) -> np.ndarray:
        theta = np.asarray(theta, float)
        if theta.shape != (len(self.parameters),):
            raise SpecError(
                f"The parameter vector of problem {self.id!r} must have {len(self.parameters)} values "
                f"({', '.join(self.parameter_names)}). Got shape {theta.shape} instead."
            )
        return theta

    # ---- simulation -----------------------------------------------------------------------------------
    def simulate(self, theta: np.ndarray | None = None, t_clock: np.ndarray | None = None) -> xr.Dataset:
        """The typical individual's run at ``theta`` (default nominal), sampled at clock hours of the experiment
        day (default: the data times); observables only."""
        theta = self.nominal if theta is None else theta
        t = self._t_unique if t_clock is None else np.asarray(t_clock, float)
        return simulate(
            self.model,
            self.day0 + t,
            t0=self.t_start,
            parameters=self.parameter_vector(theta)[None, :],
            initial_state=self.initial_state,
            events=self.absolute_events(),
            solver=self.solver,
            keep_states=False,
            raise_on_failure=False,
            provenance={"problem": self.id},
        )

    def predict_batch(self, thetas: np.ndarray) -> np.ndarray:
        """Simulated values at the data rows for each row of ``thetas`` (k x n_data; NaN where the solve failed)."""
        thetas = np.atleast_2d(np.asarray(thetas, float))
        p = np.stack([self.parameter_vector(th) for th in thetas])
        ds = simulate(
            self.model,
            self.day0 + self._t_unique,
            t0=self.t_start,
            parameters=p,
            initial_state=self.initial_state,
            events=self.absolute_events(),
            solver=self.solver,
            keep_states=False,
            raise_on_failure=False,
        )
        out = np.empty((len(thetas), len(self.data.observable)))
        obs = np.asarray(self.data.observable)
        for name in self._obs_index:
            rows = obs == name
            out[:, rows] = ds[name].values[:, self._row_t[rows]]
        out[ds.status.values != 0] = np.nan
        return out

    def predict(self, theta: np.ndarray | None = None) -> np.ndarray:
        """Simulated values at the data rows (absolute, model units)."""
        return self.predict_batch((self.nominal if theta is None else self._check_theta(theta))[None, :])[0]

    def residuals_batch(self, thetas: np.ndarray) -> np.ndarray:
        """:meth:`residuals` for each row of ``thetas`` in one batched simulation (used by the sampler)."""
        return np.stack([self._standardise(s) for s in self.predict_batch(thetas)])

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        return self._standardise(self.predict(self._check_theta(theta)))

    def _standardise(self, sim: np.ndarray) -> np.ndarray:
        d = self.data
        value, sigma = np.asarray(d.value, float), np.asarray(d.sigma, float)
        if d.relative:
            ref = np.asarray(d.relative_to)
            sim = np.where(ref >= 0, sim / sim[np.maximum(ref, 0)], sim)
        if not np.all(np.isfinite(sim)):
            return np.full(sim.shape, FAILED)
        if d.error_model == "log":
            with np.errstate(divide="ignore", invalid="ignore"):
                r = (np.log(sim) - np.log(value)) / sigma
            return np.where(np.isfinite(r), r, FAILED)
        return (sim - value) / sigma

    # ---- synthetic data ---------------------------------------------------------------------------------
    def with_data(self, values: np.ndarray, *, id: str | None = None) -> TimecourseProblem:
        """A copy whose observed values are ``values`` (same rows, sigma and error model): for synthetic tests."""
        values = np.asarray(values, float)
        if values.shape != np.shape(self.data.value):
            raise SpecError(
                f"The synthetic values of problem {self.id!r} must have shape {np.shape(self.data.value)}. "
                f"Got {values.shape} instead."
            )
        new = copy.copy(self)
        new.id = id or f"{self.id}_synthetic"
        new.data = replace(self.data, value=values, source=f"synthetic ({self.data.source})")
        return new

    def simulate_data(self, theta: np.ndarray, seed: int | np.random.Generator) -> np.ndarray:
        """Values drawn from the error model around the prediction at ``theta`` (absolute rows only)."""
        if self.data.relative:
            raise SpecError(f"Problem {self.id!r} has relative data; synthetic data need absolute rows.")
        rng = np.random.default_rng(seed)
        sim = self.predict(theta)
        z = rng.standard_normal(sim.shape) * np.asarray(self.data.sigma, float)
        return sim * np.exp(z) if self.data.error_model == "log" else sim + z
