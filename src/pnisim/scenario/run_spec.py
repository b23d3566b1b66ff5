"""How long a scenario runs, from when, how often it is recorded, and how much memory its results may take."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from ..spec import SpecModel
from . import units as U
from .clock import ClockTime, RunWindow, clock_hours
from .quantity import Quantity, quantity

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["RunSpec", "MEMORY_LIMIT", "MAX_DURATION_H", "MAX_BURN_IN_H", "result_bytes", "gib"]

#: Result arrays larger than this are refused before anything runs (same default as the engine).
MEMORY_LIMIT = 4 * 2**30
#: Longest recorded run and burn-in (hours): beyond these a run would take days of solver time for nothing.
MAX_DURATION_H = 100 * 365.25 * 24
MAX_BURN_IN_H = 365 * 24


class RunSpec(SpecModel):
    """How long, from when, and how often the run is recorded."""

    duration: Quantity = Field(quantity("14 d"), description="recorded length (> 0, <= 100 years)")
    start: ClockTime = Field("00:00", description="clock time of t0 on day 0")
    burn_in: Quantity = Field(quantity("7 d"), description="settling time before t0 without exposures (>= 0, <= 365 d, "
                                                     "not recorded)")
    sampling: Quantity = Field(quantity("10 min"), description="output interval (> 0, <= duration)")
    outputs: list[str] | None = Field(None, description="observables and/or states to keep; default: all observables")
    keep_states: Annotated[bool, Field(strict=True)] = Field(False, description="also keep every state variable")
    fast_states: Literal["integrate", "quasi-steady"] = Field(
        "integrate", description="'quasi-steady' holds the model's minutes-scale relaxations (autonomic tone, "
                                 "peripheral cortisol, StARp) at their quasi-steady state: 2-3x faster over weeks, "
                                 "but the cortisol day curve is not faithful (pnisim.model.reduce)")

    # Magnitudes in hours (valid once the scenario validated; the 'what' text only matters for bad units).
    @property
    def duration_h(self) -> float:
        return self.duration.to(U.TIME, "The 'duration' of [run]")

    @property
    def burn_in_h(self) -> float:
        return self.burn_in.to(U.TIME, "The 'burn_in' of [run]")

    @property
    def sampling_h(self) -> float:
        return self.sampling.to(U.TIME, "The 'sampling' of [run]")

    @property
    def start_h(self) -> float:
        return clock_hours(self.start)

    def window(self) -> RunWindow:
        return RunWindow(self.start_h, self.start_h + self.duration_h)

    def n_times(self) -> int:
        """Number of output times: t0, t0 + sampling, ... up to t0 + duration."""
        return int(math.floor(self.duration_h / self.sampling_h + 1e-9)) + 1


def result_bytes(s: Scenario) -> float:
    """Bytes of a scenario's results held in memory at once (engine.simulate.estimate_bytes over everyone)."""
    model = s.get_model()
    r = s.run
    n_out = len(r.outputs) if r.outputs is not None else len(model.observable_names)
    n_vars = n_out + (len(model.state_names) if r.keep_states else 0)
    return 16.0 * s.population.size * len(s.arm_names()) * r.n_times() * n_vars


def gib(n_bytes: float) -> str:
    """Bytes as GiB for messages."""
    return f"{n_bytes / 2**30:.3g} GiB" if math.isfinite(n_bytes) else "unboundedly many GiB"
