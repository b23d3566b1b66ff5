"""The LPS bolus problem: Windoloski KA et al., Exp Physiol 2024, doi:10.1113/EP091552 -- mean and SD of TNF-α,
IL-6, IL-8, IL-10 of 20 healthy adults after 2 ng/kg E. coli LPS (``data/human/lps_bolus_2ngkg_*.csv``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...data import load_lps_bolus_mean
from ...engine.simulate import Event, Solver
from ...errors import SpecError
from ...model.compose import Model
from ..problem import FitParameter
from .base import DEFAULT_SOLVER, SETTLE_DAYS, TimecourseProblem
from .data import TimecourseData

__all__ = ["LPS_OBSERVABLES", "LpsProblem"]

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
    (data at 0, 1, 1.5, 2, 3, 4, 5, 6 h). Error model: see :mod:`pnisim.calibrate.timecourse` (log-normal by default).
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
