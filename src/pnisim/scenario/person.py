"""Who is simulated: one person (phenotype preset, wake time, parameter overrides) or a population of them, and
the parameter values that person ends up with."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from ..errors import SpecError
from ..spec import SpecModel, did_you_mean
from . import units as U
from .clock import ClockTime, clock_hours, format_when
from ..model.phenotypes import PHENOTYPES
from .quantity import Quantity

if TYPE_CHECKING:
    from ..model.compose import Model
    from .scenario import Scenario

__all__ = ["PersonSpec", "PopulationSpec", "person_parameters"]


class PersonSpec(SpecModel):
    """One person, or the template of a population."""

    phenotype: Literal["healthy", "high_gr_sensitivity", "low_gr_inhibition", "mdd", "mdd_inflamed",
                       "early_adversity", "obesity", "chronic_stress", "ptsd", "insomnia", "loneliness", "ra", "sle",
                       "ms", "ibd"] = Field(
        "healthy", description="preset: healthy; high_gr_sensitivity (gr.r = 0.5, Somvanshi 2020 PTSD-like); "
                               "low_gr_inhibition (gr.Ki = 0.5); with model 'whole' also mdd, mdd_inflamed, "
                               "early_adversity, obesity, chronic_stress (caregiver), ptsd, insomnia, loneliness, "
                               "ra, sle, ms, ibd (grade C/D placeholders, see PHENOTYPES)")
    wake_time: ClockTime | None = Field(None, description="habitual wake time HH:MM (sets clock.wake_time)")
    parameters: dict[str, Quantity] = Field(
        default_factory=dict,
        description="overrides by parameter name (module.name, or name when unambiguous): a number in the "
                    "parameter's own unit or {value, unit}",
    )


class PopulationSpec(SpecModel):
    """How many people and how they differ. Absent from a scenario: one person, no variability."""

    size: Annotated[int, Field(strict=True, gt=0, le=10**12)] = Field(1, description="number of individuals")
    seed: Annotated[int, Field(strict=True, ge=0, le=2**63 - 1)] = Field(
        0, description="random seed (0 is a seed like any other)")
    variability: Annotated[bool, Field(strict=True)] = Field(
        True, description="draw each parameter with cv > 0 log-normally around the person's value (median = "
                          "value, sd of log = sqrt(log(1 + cv^2))), clipped to its bounds")


def person_parameters(s: Scenario, model: Model, presets: Mapping[str, Mapping[str, float]] = PHENOTYPES
                      ) -> dict[str, float]:
    """The parameter values of scenario ``s``'s person that differ from ``model``'s (qualified name -> value in
    its unit): phenotype preset (from ``presets``), then wake time, then explicit overrides; every conflict is a
    SpecError."""
    values: dict[str, float] = {}
    origin: dict[str, str] = {}
    names = model.parameter_names
    for name, v in presets[s.person.phenotype].items():
        if name not in names:
            raise SpecError(
                f"The 'phenotype' of [person] must be one that model {s.model!r} supports: {s.person.phenotype!r} "
                f"sets parameter {name!r}, which the model does not have. Got {s.person.phenotype!r} instead."
            )
        values[name] = v
    if s.person.wake_time is not None:
        if "clock.wake_time" not in names:
            raise SpecError(
                f"The 'wake_time' of [person] needs parameter 'clock.wake_time', which model {s.model!r} does not "
                f"have. Got {s.person.wake_time!r} instead."
            )
        values["clock.wake_time"] = clock_hours(s.person.wake_time)
        origin["clock.wake_time"] = "[person] wake_time"
    plain = sorted({n.split(".", 1)[1] for n in names})
    for key, q in s.person.parameters.items():
        what = f"The override of parameter {key!r} in [person.parameters]"
        try:
            qualified = model.resolve_parameter(key)
        except SpecError:
            matches = [n for n in names if n.split(".", 1)[1] == key]
            if len(matches) > 1:
                raise SpecError(
                    f"{what} is ambiguous: the name {key!r} must be qualified as one of {matches}. "
                    f"Got {key!r} instead."
                ) from None
            raise SpecError(
                f"{what} must name a parameter of model {s.model!r} ('module.name', or 'name' when unambiguous)."
                f"{did_you_mean(key, names + plain)} Got {key!r} instead."
            ) from None
        if qualified in origin:
            raise SpecError(
                f"{what} sets {qualified!r}, which is already set by {origin[qualified]}: set it once. "
                f"Got {key!r} instead."
            )
        par = model.parameters[names.index(qualified)].parameter
        value = q.value if not q.unit else U.convert_to_model_unit(q.value, q.unit, par.unit, what)
        lo, hi = par.resolved_bounds
        if not math.isfinite(value) or (lo < hi and not lo <= value <= hi):
            unit = "(dimensionless)" if par.unit == "1" else par.unit
            raise SpecError(
                f"{what} must be a number in [{U.format_number(lo)}, {U.format_number(hi)}] {unit} (the "
                f"parameter's plausible bounds). Got {str(q)!r} instead."
            )
        values[qualified] = value
        origin[qualified] = f"[person.parameters] {key!r}"
    wt = values.get("clock.wake_time")
    if wt is not None and s.person.wake_time is not None:
        par = model.parameters[names.index("clock.wake_time")].parameter
        lo, hi = par.resolved_bounds
        if not lo <= wt <= hi:
            raise SpecError(
                f"The 'wake_time' of [person] must be a clock time from {format_when(lo)[6:]} to "
                f"{format_when(hi)[6:]}. Got {s.person.wake_time!r} instead."
            )
    return values
