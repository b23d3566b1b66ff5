"""The 24-h cortisol problem: Carroll BJ et al., Acta Psychiatr Scand Suppl 2007;433:90-103,
doi:10.1111/j.1600-0447.2007.00967.x -- 24-h mean serum cortisol of healthy controls every 10 min (digitised;
``data/human/carroll2007_control_cortisol.csv``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...data import load_csv
from ...engine.simulate import Solver
from ...errors import SpecError
from ...model.compose import Model
from ..problem import FitParameter
from .base import DEFAULT_SOLVER, SETTLE_DAYS, TimecourseProblem
from .data import UG_DL_TO_NMOL_L, TimecourseData

__all__ = ["CortisolDayProblem"]

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
