"""The simulated studies behind the validation targets, each run once and shared by the targets it serves.

A study mirrors the design of the source: the population (phenotype, between-person variability, N), the
protocol (clock time, dose, schedule), the sampling and the measurement (assay and questionnaire error from
:mod:`pnisim.analysis.measurement`). Runs are seeded, so a validation is reproducible number for number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from ..engine.simulate import Event, Solver, simulate
from ..model.calibration import SHIPPED, Calibration
from ..model.library import get_model
from ..scenario.build import run_scenario
from ..scenario.loading import parse_scenario
from ..trial.run import TrialResult, run_trial
from ..trial.spec import parse_trial

__all__ = ["Studies", "SOLVER"]

SOLVER = Solver(rtol=1e-6, atol=1e-8)
Progress = Callable[[str], None]


class Studies:
    """Lazily run, cached studies. ``scale`` < 1 shrinks every N (for quick checks); designs stay the same. Every
    study runs with ``calibration`` (default: the shipped one)."""

    def __init__(self, *, seed: int = 0, scale: float = 1.0, progress: Progress | None = None,
                 calibration: Calibration = SHIPPED):
        self.seed = seed
        self.scale = scale
        self.calibration = calibration
        self.report: Progress = progress or (lambda message: None)
        self._cache: dict[str, Any] = {}

    def n(self, n: int, minimum: int = 10) -> int:
        return max(minimum, int(round(n * self.scale)))

    def _once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self.report(f"study {key}")
            try:
                self._cache[key] = make()
            except Exception as exc:  # a failed study fails its targets, not the whole validation
                self._cache[key] = exc
        value = self._cache[key]
        if isinstance(value, Exception):
            raise value
        return value

    # ------------------------------------------------------------------------------------ populations
    def population(self, key: str, *, n: int, phenotype: str = "healthy", start: str = "00:00",
                   duration: str, sampling: str, outputs: list[str], exposures: list[dict] = (),
                   burn_in: str = "14 d", seed: int = 0) -> xr.Dataset:
        """A virtual population (log-normal between-person variability) through a scenario."""
        def make():
            s = parse_scenario({
                "name": key, "model": "whole", "person": {"phenotype": phenotype},
                "run": {"duration": duration, "start": start, "burn_in": burn_in, "sampling": sampling,
                        "outputs": list(outputs)},
                "population": {"size": self.n(n), "seed": self.seed + seed, "variability": True},
                "exposures": list(exposures),
            })
            return run_scenario(s, solver=SOLVER, calibration=self.calibration)
        return self._once(key, make)

    def healthy_days(self) -> xr.Dataset:
        """60 healthy adults (wake 07:00), two days at 5-min sampling after 14 days of settling."""
        return self.population("healthy_days", n=60, duration="2 d", sampling="5 min", seed=1,
                               outputs=["cortisol_serum", "cortisol_saliva", "acth"])

    TSST_ONSET_H = 14.0

    def tsst(self) -> xr.Dataset:
        """120 healthy adults, a 15-min Trier Social Stress Test at 14:00 (Kirschbaum 1993), sampled every 5 min
        from 12:00 to 17:00 (the laboratory window of the studies pooled by Marsland 2017)."""
        return self.population(
            "tsst", n=120, start="12:00", duration="5 h", sampling="5 min", seed=2,
            outputs=["il6", "tnf", "il10", "crp", "cortisol_saliva", "cortisol_serum", "acth"],
            exposures=[{"type": "acute_stressor", "day": 0, "time": "14:00", "duration": "15 min"}])

    def nelson_tsst(self) -> xr.Dataset:
        """15 healthy adults, a Trier test 30 min into 140 min of sampling (Nelson data, Parker 2022); the clock
        time is not reported, 14:00 is assumed."""
        return self.population(
            "nelson_tsst", n=15, start="13:30", duration="140 min", sampling="5 min", seed=3,
            outputs=["cortisol_serum", "acth"],
            exposures=[{"type": "acute_stressor", "day": 0, "time": "14:00", "duration": "15 min"}])

    LPS_H = 8.0

    def lps(self) -> xr.Dataset:
        """20 healthy adults, E. coli LPS 2 ng/kg IV at 08:00, sampled every 10 min for 8 h (Windoloski 2024)."""
        return self.population(
            "lps", n=20, start="08:00", duration="8 h", sampling="10 min", seed=4,
            outputs=["tnf", "il6", "il10", "acth", "cortisol_serum"],
            exposures=[{"type": "lps_bolus", "day": 0, "time": "08:00", "dose": "2 ng/kg"}])

    # ------------------------------------------------------------------------------------ one person, twin runs
    def twin(self, key: str, events: list[Event], t: np.ndarray, outputs: list[str]) -> tuple[xr.Dataset, xr.Dataset]:
        """The default healthy person with and without ``events`` (same times), from a settled state."""
        def make():
            model = get_model("whole", self.calibration)
            a = simulate(model, t, t0=0.0, events=events, solver=Solver(rtol=1e-8, atol=1e-10), keep_states=False)
            b = simulate(model, t, t0=0.0, solver=Solver(rtol=1e-8, atol=1e-10), keep_states=False)
            return a[outputs], b[outputs]
        return self._once(key, make)

    # ------------------------------------------------------------------------------------ trials and cohorts
    def trial(self, key: str, spec: dict) -> TrialResult:
        def make():
            s = dict(spec)
            pop = dict(s["population"])
            pop["per_arm"] = self.n(pop["per_arm"], minimum=8)
            pop["seed"] = self.seed + pop.get("seed", 0)
            s["population"] = pop
            return run_trial(parse_trial({"name": key, **s}, source=f"validation study {key!r}"),
                             calibration=self.calibration)
        return self._once(key, make)

    def case_control(self, key: str, **kwargs):
        from ..trial.observational import case_control

        def make():
            kw = dict(kwargs)
            kw["n_cases"], kw["n_controls"] = self.n(kw["n_cases"]), self.n(kw["n_controls"])
            kw["seed"] = self.seed + kw.get("seed", 0)
            return case_control(**kw, calibration=self.calibration)
        return self._once(key, make)

    def cohort(self, key: str, **kwargs):
        from ..trial.observational import cohort

        def make():
            kw = dict(kwargs)
            kw["n_exposed"], kw["n_unexposed"] = self.n(kw["n_exposed"]), self.n(kw["n_unexposed"])
            kw["seed"] = self.seed + kw.get("seed", 0)
            return cohort(**kw, calibration=self.calibration)
        return self._once(key, make)
