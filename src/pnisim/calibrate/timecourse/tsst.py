"""The Trier Social Stress Test problem: the "Nelson" data of 15 healthy controls (stressor at 30 min), in Parker
C et al. Entropy 2022;24:1747, doi:10.3390/e24121747 (``data/human/nelson_tsst_healthy_*.csv``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...data import load_csv
from ...engine.simulate import Event, Solver
from ...errors import SpecError
from ...model.compose import Model
from ..problem import FitParameter
from .base import DEFAULT_SOLVER, SETTLE_DAYS, TimecourseProblem
from .data import UG_DL_TO_NMOL_L, TimecourseData

__all__ = ["TSST_KINDS", "TsstProblem"]

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
