"""Calibration problems for the shipped human time courses, each with an explicit measurement-error model.

Adapted from the data and designs of:

* Windoloski KA, Bangsgaard EO, Dobreva A, Ottesen JT, Olufsen MS. Characterization of differences in immune
  responses during bolus and continuous infusion endotoxin challenges using mathematical modeling. Exp Physiol
  2024, doi:10.1113/EP091552 — mean and SD of TNF-α, IL-6, IL-8, IL-10 of 20 healthy adults after 2 ng/kg
  E. coli LPS (``data/human/lps_bolus_2ngkg_*.csv``);
* Carroll BJ, Cassidy F, Naftolowitz D et al. Pathophysiology of hypercortisolism in depression. Acta Psychiatr
  Scand Suppl 2007;433:90-103, doi:10.1111/j.1600-0447.2007.00967.x — 24-h mean serum cortisol of healthy
  controls every 10 min (digitised; ``data/human/carroll2007_control_cortisol.csv``);
* the "Nelson" Trier Social Stress Test data of 15 healthy controls (stressor at 30 min), in Parker C et al.
  Entropy 2022;24:1747, doi:10.3390/e24121747 (``data/human/nelson_tsst_healthy_*.csv``).

Each problem satisfies :class:`pnisim.calibrate.problem.Problem`: ``residuals(theta)`` are standardised
(simulated - observed) / sigma, so ``log_likelihood = -0.5 * sum(r**2)`` up to a constant.

**Error models.** Cytokines and hormones are right-skewed and their errors grow with the level, so every problem
here uses a log-normal (proportional) error model: the residual is (ln sim - ln obs) / sigma with sigma the SD on
the natural-log scale. For a group mean with coefficient of variation CV over n people the log-scale SD of the
mean is about sqrt(ln(1 + CV^2) / n) (delta method on a log-normal population); a floor (``cv_floor``, default
0.10, the order of an immunoassay's inter-assay CV) is added in quadrature so that near-constant points (the LPS
baseline, SD 2 % of the mean) do not dominate the fit. ``error_model="linear"`` gives instead the classical
sigma = SD / sqrt(n) on the natural scale (the SE of the mean), as the issue allows.

**Settling.** The model is simulated as the typical individual on a settled day. The state is settled once, for
the nominal parameters, from the model's initial state over ``settle_days`` (default 10, as in
``tests/reference/test_whole.py``) and stored. Every residual evaluation then starts from that stored state at
midnight, ``run_in_days`` whole days before the experiment day, with the trial parameters. This run-in is the
"short re-settling": the HPA and innate states relax within hours (ACTH half-life 20 min, cortisol about 1 h,
cytokines under 1 h), so after a run-in of 8-24 h they have forgotten the nominal parameters, while the
slow states (adrenal and pituitary masses, weeks; Karin et al. 2020) keep their nominal values, which is how
the core clock was fitted (gland masses frozen, ``core_clock.py``). At the nominal parameters the run equals
one continuous settled run exactly. Starting at a midnight keeps the clock phase (the model clock is ``t mod
24``), and makes the same set-up exportable to PEtab (:mod:`.petab_export`): simulated time 0 = that midnight,
initial values = the stored settled state, the bolus or stressor = time-triggered SBML events.

Research use only, not medical advice.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import xarray as xr

from ..data import load_csv, load_lps_bolus_mean
from ..disclaimer import DISCLAIMER
from ..engine.simulate import Event, Solver, simulate
from ..errors import SpecError
from ..model.compose import Model
from ..model.library import get_model
from .problem import FitParameter

__all__ = [
    "DEFAULT_SOLVER",
    "UG_DL_TO_NMOL_L",
    "CortisolDayProblem",
    "LpsProblem",
    "TimecourseData",
    "TimecourseProblem",
    "TsstProblem",
    "settled_state",
]

UG_DL_TO_NMOL_L = 27.59
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


@dataclass(frozen=True)
class TimecourseData:
    """One row per datum: pnisim observable, clock hour on the experiment day, value (model units), sigma.

    ``sigma`` is on the scale of ``error_model``: natural-log SD for "log", the observable's unit for "linear".
    ``relative_to`` >= 0 marks a row whose value is a ratio to the (simulated and observed) row of that index
    (TSST responses relative to stressor onset); -1 for an absolute value.
    """

    observable: np.ndarray
    clock: np.ndarray
    value: np.ndarray
    sigma: np.ndarray
    unit: np.ndarray
    error_model: str = "log"
    relative_to: np.ndarray | None = None
    source: str = ""

    def __post_init__(self):
        n = len(self.observable)
        for name in ("clock", "value", "sigma", "unit"):
            if len(getattr(self, name)) != n:
                raise SpecError(f"The {name!r} column of the data must have {n} rows. Got {len(getattr(self, name))}.")
        if self.error_model not in ("log", "linear"):
            raise SpecError(f"The 'error_model' must be 'log' or 'linear'. Got {self.error_model!r} instead.")
        if not np.all(np.asarray(self.sigma) > 0):
            raise SpecError("Every 'sigma' of the data must be > 0.")
        if self.error_model == "log" and not np.all(np.asarray(self.value) > 0):
            raise SpecError("A log-scale error model needs every data value > 0.")

    @property
    def relative(self) -> bool:
        return self.relative_to is not None and bool(np.any(np.asarray(self.relative_to) >= 0))

    def to_dataset(self) -> xr.Dataset:
        ds = xr.Dataset(
            {
                "observable": ("datum", np.asarray(self.observable, dtype=object), {"long_name": "pnisim observable"}),
                "clock": (
                    "datum",
                    np.asarray(self.clock, float),
                    {"units": "h", "long_name": "clock hour on the experiment day"},
                ),
                "value": ("datum", np.asarray(self.value, float), {"units": "see unit", "long_name": "observed value"}),
                "sigma": (
                    "datum",
                    np.asarray(self.sigma, float),
                    {
                        "units": "1 (natural log)" if self.error_model == "log" else "see unit",
                        "long_name": "measurement SD on the error-model scale",
                    },
                ),
                "unit": ("datum", np.asarray(self.unit, dtype=object)),
            },
            attrs={"error_model": self.error_model, "source": self.source, "disclaimer": DISCLAIMER},
        )
        return ds


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


# ============================================================================================= LPS bolus
LPS_OBSERVABLES = {"tnf": "tnf", "il6": "il6", "il8": "il8", "il10": "il10"}


def _lps_default_parameters() -> list[FitParameter]:
    """TNF-α release and clearance, IL-6 release and IL-10 release per activated monocyte (Windoloski 2024
    Table / mean fit ``MeanBolusOptPars.mat``), each within a factor of ~5 of the published value."""
    return [
        FitParameter(
            "innate.kTNFM", 0.2, 5.0, "log", unit="pg/mL/h per cell/uL", note="TNF release per activated monocyte"
        ),
        FitParameter("innate.kTNF", 0.3, 7.0, "log", unit="1/h", note="TNF clearance"),
        FitParameter(
            "innate.k6M", 0.03, 4.0, "log", unit="pg/mL/h per cell/uL", note="IL-6 release per activated monocyte"
        ),
        FitParameter(
            "innate.k10M", 0.003, 0.075, "log", unit="pg/mL/h per cell/uL", note="IL-10 release per activated monocyte"
        ),
    ]


class LpsProblem(TimecourseProblem):
    """Windoloski 2024: cytokine means (n = 20) after 2 ng/kg LPS IV given at ``bolus_clock`` on a settled day.

    ``observables``: any of tnf, il6, il8, il10 (default TNF, IL-6, IL-10). ``window``: hours after the bolus
    (data at 0, 1, 1.5, 2, 3, 4, 5, 6 h). Error model: see the module docstring (log-normal by default).
    """

    def __init__(
        self,
        parameters: Sequence[FitParameter] | None = None,
        *,
        observables: Sequence[str] = ("tnf", "il6", "il10"),
        window: tuple[float, float] = (0.0, 6.0),
        error_model: str = "log",
        cv_floor: float = 0.10,
        n: int = 20,
        bolus_clock: float = 8.0,
        dose: float = 2.0,
        model: Model | str = "whole",
        solver: Solver = DEFAULT_SOLVER,
        settle_days: int = SETTLE_DAYS,
        run_in_days: int = 0,
    ):
        bad = [o for o in observables if o not in LPS_OBSERVABLES]
        if bad or not observables:
            raise SpecError(
                f"The 'observables' of the LPS problem must be among {sorted(LPS_OBSERVABLES)}. "
                f"Got {list(observables)} instead."
            )
        if not (0 <= bolus_clock < 24):
            raise SpecError(
                f"The 'bolus_clock' of the LPS problem must be a clock hour in [0, 24). Got {bolus_clock} instead."
            )
        if not (0 < dose <= 10):
            raise SpecError(f"The 'dose' of the LPS problem must be a number in (0, 10] ng/kg. Got {dose} instead.")
        d = load_lps_bolus_mean()
        keep = (d["time_h"] >= window[0]) & (d["time_h"] <= window[1])
        if not np.any(keep):
            raise SpecError(
                f"The 'window' of the LPS problem must contain data times {d['time_h'].tolist()}. Got {window} instead."
            )
        rows = {k: [] for k in ("observable", "clock", "value", "sigma", "unit")}
        for o in observables:
            mean, sd = d[f"{o}_mean_pg_mL"][keep], d[f"{o}_sd"][keep]
            rows["observable"] += [LPS_OBSERVABLES[o]] * int(keep.sum())
            rows["clock"] += list(bolus_clock + d["time_h"][keep])
            rows["value"] += list(mean)
            rows["sigma"] += list(_sigma(mean, sd, n, error_model, cv_floor))
            rows["unit"] += ["pg/mL"] * int(keep.sum())
        data = TimecourseData(
            **{k: np.array(v, dtype=object if k in ("observable", "unit") else float) for k, v in rows.items()},
            error_model=error_model,
            source="Windoloski 2024 (doi:10.1113/EP091552) mean of n=20, data/human/lps_bolus_2ngkg_mean.csv",
        )
        super().__init__(
            id="lps_bolus_2ngkg",
            parameters=list(parameters or _lps_default_parameters()),
            targets=["lps_bolus_timecourse"],
            data=data,
            events=[Event(bolus_clock, "add_state", "E", float(dose), "LPS bolus")],
            model=model,
            solver=solver,
            settle_days=settle_days,
            run_in_days=run_in_days,
            description=(
                f"E. coli LPS {dose:g} ng/kg IV at {bolus_clock:05.2f} h on a settled day; {', '.join(observables)}"
            ),
        )


def _sigma(mean, sd, n, error_model, cv_floor):
    mean, sd = np.asarray(mean, float), np.asarray(sd, float)
    if error_model == "log":
        cv = sd / mean
        return np.sqrt(np.log1p(cv**2) / n + cv_floor**2)
    if error_model == "linear":
        return np.sqrt((sd / math.sqrt(n)) ** 2 + (cv_floor * mean) ** 2)
    raise SpecError(f"The 'error_model' must be 'log' or 'linear'. Got {error_model!r} instead.")


# ============================================================================================= 24-h cortisol
def _cortisol_default_parameters() -> list[FitParameter]:
    """The clock parameters of ``core_clock.FREE`` that the 24-h curve identifies, with the same bounds."""
    return [
        FitParameter("clock.drive_lag", 5.0, 13.0, "lin", unit="h", note="circadian drive maximum before waking"),
        FitParameter("clock.depth", 0.1, 1.0, "lin", unit="1", note="depth of the circadian drive"),
        FitParameter("hpa.V_cort", 0.5, 300.0, "log", note="adrenal cortisol synthesis"),
        FitParameter(
            "adrenal_drive.car_amp", 0.05, 40.0, "log", unit="1", note="cortisol awakening response amplitude"
        ),
    ]


class CortisolDayProblem(TimecourseProblem):
    """Carroll 2007 control 24-h serum cortisol (every 10 min; t = 0 midnight), log-normal error with a stated CV.

    ``cv`` (default 0.2): the natural-log SD of each point. The points are digitised group means whose SE is not
    reported; 0.2 is the size of the core's own residual (rms 0.21 in ``data/calibration/core.toml``), i.e. a
    structural plus digitising error, so the reduced chi-square is ~1 at the calibration. ``run_in_days = 1``:
    one full day with the trial parameters before the scored day.
    """

    def __init__(
        self,
        parameters: Sequence[FitParameter] | None = None,
        *,
        cv: float = 0.2,
        model: Model | str = "whole",
        solver: Solver = DEFAULT_SOLVER,
        settle_days: int = SETTLE_DAYS,
        run_in_days: int = 1,
    ):
        if not (0 < cv < 5):
            raise SpecError(f"The 'cv' of the cortisol-day problem must be a number in (0, 5). Got {cv} instead.")
        d = load_csv("human/carroll2007_control_cortisol.csv")
        n = d["time_min"].size
        data = TimecourseData(
            observable=np.array(["cortisol_serum"] * n, dtype=object),
            clock=d["time_min"] / 60.0,
            value=d["cortisol_ug_dL"] * UG_DL_TO_NMOL_L,
            sigma=np.full(n, float(cv)),
            unit=np.array(["nmol/L"] * n, dtype=object),
            error_model="log",
            source="Carroll 2007 (doi:10.1111/j.1600-0447.2007.00967.x) controls, digitised; "
            "data/human/carroll2007_control_cortisol.csv; ug/dL x 27.59 = nmol/L",
        )
        super().__init__(
            id="cortisol_24h_carroll2007",
            parameters=list(parameters or _cortisol_default_parameters()),
            targets=["cortisol_24h_healthy", "cortisol_diurnal_peak", "cortisol_diurnal_nadir"],
            data=data,
            model=model,
            solver=solver,
            settle_days=settle_days,
            run_in_days=run_in_days,
            description="healthy 24-h serum cortisol (wake 07:00), log-normal error",
        )

    def rms_log_residual(self, theta: np.ndarray | None = None) -> float:
        """Root-mean-square of ln(sim) - ln(obs): the figure of merit of ``core.toml`` (``rms_log_residual``)."""
        r = self.residuals(self.nominal if theta is None else theta) * np.asarray(self.data.sigma)
        return float(np.sqrt(np.mean(r**2)))


# ============================================================================================= TSST
TSST_ONSET_MIN = 30.0  # Nelson data: stressor at 30 min
TSST_INTERPOLATED_MIN = (80.0, 125.0)  # values look interpolated in the source (data/human/README.md)
TSST_KINDS = {
    "cortisol": ("cortisol_serum", "cortisol_ug_dL", UG_DL_TO_NMOL_L, "nmol/L"),
    "acth": ("acth", "acth_pg_mL", 1.0, "pg/mL"),
}


class TsstProblem(TimecourseProblem):
    """Nelson TSST, 15 healthy controls: serum cortisol (and ACTH) around a 15-min stressor at 30 min.

    The clock time of the test is not reported; ``onset_clock`` (default 14:00, as the validation study) is
    assumed. ``relative=True`` (default): each datum is the mean over subjects of ln(c(t) / c(onset)), the
    response relative to each person's own value at stressor onset, with sigma the SE of that mean (SD over
    the 15 subjects / sqrt(15)) and a floor ``se_floor`` in quadrature; the model is scored the same way
    (ln of its ratio to its own onset value), so the level difference between these subjects and the typical
    individual does not enter. ``relative=False``: the mean of ln c(t) with its SE (absolute levels). Points at
    80-125 min look interpolated in the source: their sigma is doubled.
    """

    def __init__(
        self,
        parameters: Sequence[FitParameter] | None = None,
        *,
        observables: Sequence[str] = ("cortisol", "acth"),
        relative: bool = True,
        onset_clock: float = 14.0,
        duration_min: float = 15.0,
        intensity: float = 1.0,
        se_floor: float = 0.05,
        model: Model | str = "whole",
        solver: Solver = DEFAULT_SOLVER,
        settle_days: int = SETTLE_DAYS,
        run_in_days: int = 0,
    ):
        bad = [o for o in observables if o not in TSST_KINDS]
        if bad or not observables:
            raise SpecError(
                f"The 'observables' of the TSST problem must be among {sorted(TSST_KINDS)}. "
                f"Got {list(observables)} instead."
            )
        if not (1.0 <= onset_clock <= 22.0):
            raise SpecError(
                f"The 'onset_clock' of the TSST problem must be a clock hour in [1, 22]. Got {onset_clock} instead."
            )
        if not (0 < duration_min <= 120):
            raise SpecError(
                f"The 'duration_min' of the TSST problem must be in (0, 120] min. Got {duration_min} instead."
            )
        rows = {k: [] for k in ("observable", "clock", "value", "sigma", "unit", "relative_to")}
        for kind in observables:
            name, col, factor, unit = TSST_KINDS[kind]
            d = load_csv(f"human/nelson_tsst_healthy_{kind}.csv")
            times = np.unique(d["time_min"])
            subjects = np.unique(d["patient_id"])
            table = np.full((subjects.size, times.size), np.nan)
            for i, s in enumerate(subjects):
                for j, t in enumerate(times):
                    v = d[col][(d["patient_id"] == s) & (d["time_min"] == t)]
                    table[i, j] = v[0] * factor if v.size else np.nan
            logs = np.log(table)
            onset = int(np.flatnonzero(times == TSST_ONSET_MIN)[0])
            if relative:
                logs = logs - logs[:, [onset]]
            mean = np.nanmean(logs, axis=0)
            n = np.sum(np.isfinite(logs), axis=0)
            se = np.nanstd(logs, axis=0, ddof=1) / np.sqrt(n)
            sigma = np.sqrt(se**2 + se_floor**2)
            sigma = np.where(
                (times >= TSST_INTERPOLATED_MIN[0]) & (times <= TSST_INTERPOLATED_MIN[1]), 2 * sigma, sigma
            )
            first = len(rows["observable"])
            for j, t in enumerate(times):
                if relative and j == onset:
                    continue  # the ratio of onset to itself is 1 by construction
                rows["observable"].append(name)
                rows["clock"].append(onset_clock + (t - TSST_ONSET_MIN) / 60.0)
                rows["value"].append(float(np.exp(mean[j])))
                rows["sigma"].append(float(sigma[j]))
                rows["unit"].append("1" if relative else unit)
                rows["relative_to"].append(-1)
            if relative:  # the onset row itself (absolute, weight ~0) anchors the ratios
                ref = len(rows["observable"])
                rows["observable"].append(name)
                rows["clock"].append(onset_clock)
                rows["value"].append(1.0)
                rows["sigma"].append(1.0)
                rows["unit"].append("1")
                rows["relative_to"].append(-2)
                for k in range(first, ref):
                    rows["relative_to"][k] = ref
        arr = {k: np.array(v, dtype=object if k in ("observable", "unit") else float) for k, v in rows.items()}
        relative_to = np.array(rows["relative_to"], dtype=int)
        data = TimecourseData(
            observable=arr["observable"],
            clock=arr["clock"],
            value=arr["value"],
            sigma=arr["sigma"],
            unit=arr["unit"],
            error_model="log",
            relative_to=relative_to if relative else None,
            source="Nelson TSST data, 15 healthy controls (Parker 2022, doi:10.3390/e24121747); "
            "data/human/nelson_tsst_healthy_*.csv",
        )
        start, stop = onset_clock, onset_clock + duration_min / 60.0
        super().__init__(
            id="tsst_nelson",
            parameters=list(
                parameters
                or [
                    FitParameter(
                        "acute_stress.gain",
                        0.1,
                        50.0,
                        "log",
                        unit="1",
                        note="ACTH secretion x (1 + gain x acute_stress)",
                    )
                ]
            ),
            targets=["tsst_cortisol_individual", "tsst_cortisol_timing"],
            data=data,
            events=[
                Event(start, "set_input", "acute_stress", float(intensity), "TSST start"),
                Event(stop, "set_input", "acute_stress", 0.0, "TSST end"),
            ],
            model=model,
            solver=solver,
            settle_days=settle_days,
            run_in_days=run_in_days,
            description=f"Trier Social Stress Test {duration_min:g} min at {onset_clock:05.2f} h; "
            f"{'relative to onset' if relative else 'absolute'}",
        )
        self.relative = bool(relative)

    def _standardise(self, sim: np.ndarray) -> np.ndarray:
        """Relative data: the anchor rows (``relative_to == -2``, the simulated onset values) are not scored."""
        r = super()._standardise(sim)
        if self.data.relative:
            return r[np.asarray(self.data.relative_to) != -2]
        return r
