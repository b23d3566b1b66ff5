"""The data table of a time-course problem: one row per datum (observable, clock hour, value, sigma, unit) with
its error model, checked on construction and written as an xarray Dataset."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ...disclaimer import DISCLAIMER
from ...errors import SpecError

__all__ = ["DISCLAIMER", "UG_DL_TO_NMOL_L", "TimecourseData"]

UG_DL_TO_NMOL_L = 27.59


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
