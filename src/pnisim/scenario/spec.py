"""Scenario files (TOML or YAML) -> one validated, immutable :class:`Scenario`.

A scenario is data: who (``[person]``, ``[population]``), for how long and how often (``[run]``) and what
happens to them (``[[exposures]]``). Validation happens here, once, at the boundary; every problem is reported
as a :class:`~pnisim.errors.SpecError` (or its subclasses :class:`~pnisim.errors.UnitError`,
:class:`~pnisim.errors.ResourceLimitError`) in one shape — the field, the owner, what is allowed and the value
given: "The 'dose' of exposure 'lps_bolus' (exposures[0]) must be a number > 0 ng/kg. Got -5 instead."

Clock conventions: times are hours since midnight at the start of day 0 (the model's ``t``). An exposure at
``day = 7, time = "14:00"`` happens at t = 7·24 + 14 h. The recorded run covers ``[t0, t0 + duration]`` with
``t0`` the ``run.start`` clock time on day 0; the burn-in precedes ``t0`` and is not recorded.

Nothing read from a file is ever evaluated as code: quantities go through pint's own parser
(:mod:`pnisim.scenario.units`).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from ..errors import ResourceLimitError, SpecError, UnknownKeyError, WrongFormError
from ..model.compose import Model
from ..model.library import get_model as _get_model
from ..model.modules import autoimmune, pharmacology
from . import catalogue
from . import units as U

__all__ = [
    "Scenario",
    "PersonSpec",
    "RunSpec",
    "PopulationSpec",
    "Quantity",
    "AcuteStressor",
    "FlareTrigger",
    "LpsBolus",
    "LpsInfusion",
    "Dexamethasone",
    "ChronicStress",
    "StressStep",
    "Exposure",
    "ArmSpec",
    "EXPOSURE_TYPES",
    "PHENOTYPES",
    "MEMORY_LIMIT",
    "result_bytes",
    "Pulse",
    "Level",
    "Bolus",
    "RunWindow",
    "parse_scenario",
    "load_scenario",
    "loads_scenario",
    "json_schema",
    "write_json_schema",
    "SCHEMA_PATH",
]

#: Result arrays larger than this are refused before anything runs (same default as the engine).
MEMORY_LIMIT = 4 * 2**30
#: Longest recorded run and burn-in (hours): beyond these a run would take days of solver time for nothing.
MAX_DURATION_H = 100 * 365.25 * 24
MAX_BURN_IN_H = 365 * 24
#: Scenario files larger than this are refused (a scenario is a few kB; this guards against YAML bombs).
MAX_FILE_BYTES = 1 * 2**20
#: Where the published JSON Schema lives. Regenerate it after changing a model here with
#: ``python -c "from pnisim.scenario.spec import write_json_schema; write_json_schema()"``.
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "scenario.schema.json"

#: Phenotype presets: parameter values applied before the person's own overrides.
PHENOTYPES: dict[str, dict[str, float]] = {
    "healthy": {},
    # Somvanshi PR et al. 2020 (Am J Physiol Endocrinol Metab 319:E48): raising GR sensitivity r reproduces
    # the PTSD-like profile (lower cortisol, stronger feedback, larger cytokine response).
    "high_gr_sensitivity": {"gr.r": 0.5},
    # Weaker GR-mediated inhibition of the HPA axis (Ki halved): a glucocorticoid-resistance-like variant.
    "low_gr_inhibition": {"gr.Ki": 0.5},
    # The presets below need model "whole" (they set psyche parameters); sizes are grade C placeholders until
    # calibration to the case-control targets (Osimo 2020: CRP g = 0.71, IL-6 g = 0.61 in depression).
    # Major depression: a depressive-symptom set point at PHQ-9 ~12 (moderate; with rumination feedback) and
    # lower resilience.
    "mdd": {"psyche.dep_set": 1.35, "psyche.resilience": -0.3},
    # Major depression with inflammation: resting IL-6 x2.5 and TNF x1.5 (CRP ~2.5 mg/L, above the 'high' 3 mg/L
    # threshold for some individuals once between-person variability is added).
    "mdd_inflamed": {"psyche.dep_set": 1.35, "psyche.resilience": -0.3, "innate.w6": 0.6097 * 2.5,
                     "innate.wTNF": 8.79 * 1.5},
    # Early adversity (ACE >= 4): persistent lower GR expression (NR3C1 methylation: McGowan PO et al. 2009 Nat
    # Neurosci 12:342), lower resilience, and higher resting inflammation (Baumeister D et al. 2016 Mol Psychiatry
    # 21:642: childhood trauma and CRP/IL-6/TNF).
    "early_adversity": {"gr.V_GRmrna": 3.4 * 0.8, "psyche.resilience": -0.3, "innate.w6": 0.6097 * 1.3},
    # Obesity / sedentary life: adipose tissue adds to resting IL-6 (Mohamed-Ali V et al. 1997 J Clin Endocrinol
    # Metab 82:4196) — resting IL-6 x2, TNF x1.2.
    "obesity": {"innate.w6": 0.6097 * 2.0, "innate.wTNF": 8.79 * 1.2},
    # Chronic stress (family caregiver): an ongoing stressor load of 0.5 carried by the person (Pinquart M,
    # Sörensen S 2003 Psychol Aging 18:250; Kiecolt-Glaser JK et al. 2003 PNAS 100:9090: caregivers' IL-6 rises).
    "chronic_stress": {"psyche.stress_load": 0.5},
    # PTSD: higher GR sensitivity (Yehuda 2009; Somvanshi 2020 r = 0.5: low nadir, strong feedback) and a chronic
    # trauma-symptom load (PCL-5 ~40) whose hyperarousal keeps perceived stress and sympathetic tone up.
    "ptsd": {"gr.r": 0.5, "psyche.tra_chronic": 0.5, "psyche.resilience": -0.2},
    # Insomnia disorder: trait hyperarousal of 2 mV in the sleep switch (about 6 h of sleep; Riemann 2010).
    "insomnia": {"sleep.insomnia": 2.0},
    # Loneliness: perceived support 0.35 lower (Hawkley & Cacioppo 2010).
    "loneliness": {"psyche.support_offset": -0.35},
    # Autoimmune diseases: the disease switch's presets (pnisim.model.modules.autoimmune.DISEASES; grade C/D).
    **{name: {k: o.value for k, o in autoimmune.DISEASES[key].items()}
       for name, key in (("ra", "ra"), ("sle", "sle"), ("ms", "ms"), ("ibd", "ibd"))},
}


#: The presets as written above, before the calibration replaces fitted values (``pnisim calibrate --from-scratch``).
UNCALIBRATED_PHENOTYPES = {k: dict(v) for k, v in PHENOTYPES.items()}


def _calibrated_presets() -> None:
    """Preset values fitted by ``pnisim calibrate`` (data/calibration/whole.toml [phenotypes]) replace the
    placeholders above."""
    from ..model.library import whole_calibration

    for key, value in whole_calibration()["phenotypes"].items():
        preset, name = key.split(":", 1)
        PHENOTYPES[preset][name] = float(value)


_calibrated_presets()
#: Presets that need model "whole" (they set parameters only it has).
WHOLE_ONLY_PHENOTYPES = ("mdd", "mdd_inflamed", "early_adversity", "obesity", "chronic_stress", "ptsd", "insomnia",
                         "loneliness", "ra", "sle", "ms", "ibd")


# ==================================================================================================== helpers
def _did_you_mean(name: Any, options: list[str]) -> str:
    close = difflib.get_close_matches(str(name), options, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def _show(value: Any) -> str:
    """A value for a message: repr, shortened (a population of 10**9 or a long list stays readable)."""
    text = U.format_number(value) if isinstance(value, float) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _when(t_h: float) -> str:
    """Model time (h since midnight of day 0) as 'day D HH:MM'."""
    minutes = round(t_h * 60)
    day, rem = divmod(minutes, 1440)
    return f"day {day} {rem // 60:02d}:{rem % 60:02d}"


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_CLOCK_ALLOWED = "a clock time 'HH:MM' from 00:00 to 23:59"


def _clock(value: Any) -> Any:
    """'7:00', '07:00' or a TOML time literal -> '07:00'."""
    if isinstance(value, _dt.time) and value.second == 0 and value.microsecond == 0 and value.tzinfo is None:
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, str) and (m := _CLOCK.match(value.strip())):
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    raise WrongFormError(_CLOCK_ALLOWED)


def clock_hours(text: str) -> float:
    """'14:30' -> 14.5."""
    h, m = text.split(":")
    return int(h) + int(m) / 60.0


ClockTime = Annotated[
    str,
    BeforeValidator(_clock),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$", "examples": ["07:00"],
                    "description": "clock time HH:MM (24-hour)"}),
]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]  # ints accepted; bools and strings not


# ==================================================================================================== base
class _Spec(BaseModel):
    """Immutable, closed record: unknown keys are errors (reported with a did-you-mean by parse_scenario)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        data = cls._coerce(data)
        if isinstance(data, Mapping):
            allowed = list(cls.model_fields)
            for key in data:
                if key not in allowed:
                    raise UnknownKeyError(key, allowed)
        return data

    @classmethod
    def _coerce(cls, data: Any) -> Any:
        return data


class Quantity(_Spec):
    """A number with a unit: ``"2 ng/kg"`` or ``{value = 2, unit = "ng/kg"}``. The unit is kept as written and
    checked against what its field allows when the scenario is validated; a bare number has ``unit = ""``."""

    value: Annotated[float, Field(strict=True)]
    unit: str = ""

    @classmethod
    def _coerce(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise WrongFormError("a quantity such as '2 ng/kg' or a table {value = 2, unit = 'ng/kg'}")
        if isinstance(data, (int, float)):
            try:
                return {"value": float(data), "unit": ""}
            except OverflowError:  # a huge integer: report it as out of range, not as a crash
                return {"value": math.copysign(math.inf, data), "unit": ""}
        if isinstance(data, str):
            parsed = U.split_quantity(data)
            if parsed is None:
                raise WrongFormError("a number followed by a unit, e.g. '15 min' or '2 ng/kg'")
            return {"value": parsed[0], "unit": parsed[1]}
        if isinstance(data, Mapping) and isinstance(data.get("unit"), str):
            return {**data, "unit": data["unit"].strip()}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):  # noqa: ANN001 - pydantic hook
        return {
            "title": "Quantity",
            "description": "a number with a unit, e.g. '2 ng/kg', '15 min', '14 d', or {value, unit}",
            "anyOf": [
                {"type": "string", "examples": ["2 ng/kg", "15 min", "14 d"]},
                {"type": "object", "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
                 "required": ["value", "unit"], "additionalProperties": False},
                {"type": "number", "description": "only for parameter overrides (in the parameter's own unit)"},
            ],
        }

    @model_serializer(mode="plain")
    def _serialise(self) -> str | float:
        return f"{U.format_number(self.value)} {self.unit}" if self.unit else self.value

    def __str__(self) -> str:
        return f"{U.format_number(self.value)} {self.unit}".strip()

    def to(self, dim: U.Dimension, what: str) -> float:
        """The magnitude in ``dim.unit`` (raises :class:`UnitError` naming ``what`` for a wrong unit)."""
        return U.to_magnitude(self.value, self.unit, dim, what)


def _q(text: str) -> Quantity:
    value, unit = U.split_quantity(text)  # type: ignore[misc]
    return Quantity(value=value, unit=unit)


@dataclass(frozen=True)
class RunWindow:
    """The recorded run in model hours: [t0, t_end]."""

    t0: float
    t_end: float

    def text(self) -> str:
        return f"from {_when(self.t0)} to {_when(self.t_end)} (t = {U.format_number(round(self.t0, 6))} to " \
               f"{U.format_number(round(self.t_end, 6))} h)"


# -------------------------------------------------------------------------------- what exposures do (data)
@dataclass(frozen=True)
class Pulse:
    """Add ``amount`` to input ``target`` on [start, end) (model hours); pulses on one input add up."""

    target: str
    start: float
    end: float
    amount: float
    label: str


@dataclass(frozen=True)
class Level:
    """From ``time`` on, this exposure's contribution to input ``target`` is ``level`` (replaces its previous)."""

    target: str
    time: float
    level: float
    label: str


@dataclass(frozen=True)
class Bolus:
    """Add ``amount`` to state ``target`` at ``time`` (model hours)."""

    target: str
    time: float
    amount: float
    label: str


Effect = Union[Pulse, Level, Bolus]


# ==================================================================================================== sections
class PersonSpec(_Spec):
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


class RunSpec(_Spec):
    """How long, from when, and how often the run is recorded."""

    duration: Quantity = Field(_q("14 d"), description="recorded length (> 0, <= 100 years)")
    start: ClockTime = Field("00:00", description="clock time of t0 on day 0")
    burn_in: Quantity = Field(_q("7 d"), description="settling time before t0 without exposures (>= 0, <= 365 d, "
                                                     "not recorded)")
    sampling: Quantity = Field(_q("10 min"), description="output interval (> 0, <= duration)")
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


class PopulationSpec(_Spec):
    """How many people and how they differ. Absent from a scenario: one person, no variability."""

    size: Annotated[int, Field(strict=True, gt=0, le=10**12)] = Field(1, description="number of individuals")
    seed: Annotated[int, Field(strict=True, ge=0, le=2**63 - 1)] = Field(
        0, description="random seed (0 is a seed like any other)")
    variability: Annotated[bool, Field(strict=True)] = Field(
        True, description="draw each parameter with cv > 0 log-normally around the person's value (median = "
                          "value, sd of log = sqrt(log(1 + cv^2))), clipped to its bounds")


# ==================================================================================================== exposures
class _Timed(_Spec):
    type: str  # narrowed to a Literal by each exposure; declared here so it comes first in dumps
    label: str | None = Field(None, description="free text; defaults to the type in messages and events")
    day: Annotated[int, Field(strict=True, ge=0, le=100_000)] = Field(description="day of the run (0 = first)")
    time: ClockTime = Field(description="clock time HH:MM")

    METADATA: ClassVar[dict[str, Any]] = {}

    @property
    def start_h(self) -> float:
        return self.day * 24 + clock_hours(self.time)

    def name(self) -> str:
        return self.label or self.type  # type: ignore[attr-defined]

    def _check_inside(self, who: str, win: RunWindow, end_h: float | None = None) -> None:
        t = self.start_h
        if not win.t0 <= t <= win.t_end:
            raise SpecError(
                f"The 'day' and 'time' of {who} must lie inside the run, {win.text()}. "
                f"Got day {self.day} {self.time} instead."
            )
        if end_h is not None and end_h > win.t_end + 1e-9:
            raise SpecError(
                f"The end of {who} must lie inside the run, {win.text()}. Got day {self.day} {self.time} + "
                f"its duration = {_when(end_h)} instead."
            )

    def check(self, who: str, win: RunWindow) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def effects(self, win: RunWindow) -> list[Effect]:  # pragma: no cover
        raise NotImplementedError


def _range(q: Quantity, dim: U.Dimension, what: str, lo: float, hi: float | None, *, lo_open: bool = True,
           above_hi: str = "") -> float:
    """Convert, then require a finite value in (lo, hi] (or [lo, hi] when not ``lo_open``)."""
    x = q.to(dim, what)
    ok = math.isfinite(x) and (x > lo if lo_open else x >= lo) and (hi is None or x <= hi + 1e-12 * abs(hi))
    if not ok:
        rule = f"{'>' if lo_open else '>='} {U.format_number(lo)} {dim.unit}"
        if hi is not None:
            rule += f" and <= {U.format_number(hi)} {dim.unit}"
        why = f" ({above_hi})" if above_hi and math.isfinite(x) and hi is not None and x > hi else ""
        raise SpecError(f"{what} must be a number {rule}{why}. Got {str(q)!r} instead.")
    return x


class AcuteStressor(_Timed):
    """A Trier-type psychosocial stressor: the acute-stress input rises by ``intensity`` for ``duration``.

    Mechanism: the core's ``acute_stress`` coupling boosts pituitary ACTH secretion, ×(1 + gain·intensity)
    (grade C; chronic stress instead raises the slow CRH drive of Somvanshi 2020). ``intensity = 1`` is pnisim's
    nominal Trier Social Stress Test (Kirschbaum C et al. 1993 Neuropsychobiology 28:76); its size in cortisol
    is calibrated, the step shape is an assumption. Overlapping stressors add.
    """

    type: Literal["acute_stressor"] = "acute_stressor"
    duration: Quantity = Field(description="length (> 0, <= 12 h)")
    intensity: Number = Field(1.0, ge=0, description="added to the acute_stress input while active (dimensionless)")

    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "acute_stress input += intensity for the duration (ACTH secretion x (1 + gain*acute_stress))",
        "evidence_grade": "C",
        "assumptions": ["a rectangular stress pulse; intensity 1 = a Trier Social Stress Test"],
        "references": ["Kirschbaum C, Pirke KM, Hellhammer DH. Neuropsychobiology 1993;28:76-81"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        d = _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, 12.0)
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        d = self.duration.to(U.TIME, "duration")
        return [Pulse("acute_stress", self.start_h, self.start_h + d, self.intensity, self.name())]


class LpsBolus(_Timed):
    """An intravenous endotoxin (LPS) bolus: ``dose`` ng/kg is added to circulating endotoxin ``E``.

    Human experimental endotoxemia uses 0.4–4 ng/kg; the innate block is fitted to 2 ng/kg (Windoloski KA et
    al. 2024). Doses above 10 ng/kg exceed the human challenge range and are refused.
    """

    type: Literal["lps_bolus"] = "lps_bolus"
    dose: Quantity = Field(description="dose per body mass (> 0, <= 10 ng/kg)")

    TARGET: ClassVar[str] = "E"
    MAX_NG_KG: ClassVar[float] = 10.0
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "E += dose (ng/kg) at the given time",
        "evidence_grade": "B",
        "assumptions": ["instantaneous IV bolus"],
        "references": ["Windoloski KA et al. 2024 (human LPS challenge, 2 ng/kg)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        _range(self.dose, U.DOSE_PER_KG, f"The 'dose' of {who}", 0.0, self.MAX_NG_KG,
               above_hi="it exceeds the human endotoxin challenge range")
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Bolus(self.TARGET, self.start_h, self.dose.to(U.DOSE_PER_KG, "dose"), self.name())]


class LpsInfusion(_Timed):
    """A continuous endotoxin infusion: input ``lps_infusion`` = ``rate`` ng/kg/h for ``duration``.

    Graded C: the model's LPS response is fitted to bolus data; infusion responses are extrapolated.
    """

    type: Literal["lps_infusion"] = "lps_infusion"
    rate: Quantity = Field(description="infusion rate (> 0, <= 5 ng/kg/h)")
    duration: Quantity = Field(description="length (> 0)")

    TARGET: ClassVar[str] = "lps_infusion"
    MAX_RATE: ClassVar[float] = 5.0
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "lps_infusion input = rate (ng/kg/h) for the duration; infusions add",
        "evidence_grade": "C",
        "assumptions": ["response to a continuous infusion extrapolated from bolus-fitted kinetics"],
        "references": ["Windoloski KA et al. 2024 (endotoxin kinetics)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        _range(self.rate, U.RATE_PER_KG, f"The 'rate' of {who}", 0.0, self.MAX_RATE,
               above_hi="it exceeds the human endotoxin challenge range")
        d = _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        d = self.duration.to(U.TIME, "duration")
        rate = self.rate.to(U.RATE_PER_KG, "rate")
        return [Pulse(self.TARGET, self.start_h, self.start_h + d, rate, self.name())]


class Dexamethasone(_Timed):
    """An oral dexamethasone dose (as in the overnight dexamethasone suppression test).

    Assumption (evidence grade C): Somvanshi 2020 gave dexamethasone as an input of 10·dx a.u./h for 0.25 h,
    i.e. 2.5·dx a.u. into the absorption compartment ``Dex1``. pnisim maps X mg to dx = X (1 mg ↔ dx = 1) and
    gives it as an instantaneous bolus of 2.5·X a.u. into ``Dex1``. The mg ↔ a.u. scale is not calibrated.
    """

    type: Literal["dexamethasone"] = "dexamethasone"
    dose: Quantity = Field(description="oral dose (> 0, <= 20 mg)")

    TARGET: ClassVar[str] = "Dex1"
    AU_PER_MG: ClassVar[float] = 2.5
    MAX_MG: ClassVar[float] = 20.0
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "Dex1 += 2.5 * dose_mg (a.u.) at the given time",
        "evidence_grade": "C",
        "assumptions": [
            "1 mg oral dexamethasone = Somvanshi 2020's dx = 1 (input 10*dx a.u./h for 0.25 h = 2.5 a.u.), "
            "given as an instantaneous bolus into Dex1; the mg <-> a.u. scale is not calibrated",
        ],
        "references": ["Somvanshi PR et al. Am J Physiol Endocrinol Metab 2020;319:E48-E66"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        _range(self.dose, U.MASS, f"The 'dose' of {who}", 0.0, self.MAX_MG)
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        mg = self.dose.to(U.MASS, "dose")
        return [Bolus(self.TARGET, self.start_h, self.AU_PER_MG * mg, self.name())]


class StressStep(_Spec):
    """From ``from_day`` on, the chronic stress level is ``level``."""

    from_day: Number = Field(ge=0, le=100_000, description="day (may be fractional) the level starts")
    level: Number = Field(ge=0, description="stress input level (dimensionless, >= 0)")


class ChronicStress(_Spec):
    """Chronic stress (caregiving, work): the stress input follows a piecewise-constant schedule.

    ``from_day`` counts days since midnight of day 0, like every other time; ``from_day = 0`` always means the
    start of the run. The level is 0 before the first step. Acute stressors act on top of it through their own
    input (``acute_stress``).
    """

    type: Literal["chronic_stress"] = "chronic_stress"
    label: str | None = Field(None, description="free text")
    schedule: list[StressStep] = Field(min_length=1, description="steps with strictly increasing from_day")

    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "stress input (CRH drive K*(1 + stress)) = level from each from_day",
        "evidence_grade": "C",
        "assumptions": ["chronic stress as a constant raise of the CRH drive between change points"],
        "references": ["Karin O et al. Mol Syst Biol 2020;16:e9510 (gland masses under chronic drive)"],
    }

    def name(self) -> str:
        return self.label or self.type

    def check(self, who: str, win: RunWindow) -> None:
        prev: float | None = None
        for j, step in enumerate(self.schedule):
            where = f"The 'from_day' of step {j} of the schedule of {who}"
            if prev is not None and not step.from_day > prev:
                raise SpecError(
                    f"{where} must be > {U.format_number(prev)} (from_day must be strictly increasing). "
                    f"Got {U.format_number(step.from_day)} instead."
                )
            t = step.from_day * 24
            if step.from_day != 0 and not (win.t0 <= t < win.t_end):
                raise SpecError(
                    f"{where} must lie inside the run, {win.text()} (or be 0 for the start of the run). "
                    f"Got {U.format_number(step.from_day)} ({_when(t)}) instead."
                )
            prev = step.from_day

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Level("stress", max(win.t0, s.from_day * 24), s.level, self.name()) for s in self.schedule]


# ------------------------------------------------------------------------- psychosocial exposures (model "whole")
class TraumaticEvent(_Timed):
    """A traumatic event: trauma memory load (PTSD symptoms, PCL-5) rises by 0.6 x ``severity``.

    Severity 1 adds 48 PCL-5 points (above the probable-PTSD cut-off of 31-33; Blevins CA et al. 2015 J Trauma
    Stress 28:489); the mapping is pnisim's design (grade C).
    """

    type: Literal["traumatic_event"] = "traumatic_event"
    severity: Number = Field(ge=0, le=1, description="0 (none) to 1 (most severe)")

    TARGET: ClassVar[str] = "TRA"
    PER_SEVERITY: ClassVar[float] = 0.6
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "TRA += 0.6 x severity (PCL-5 = 80 x TRA)",
        "evidence_grade": "C",
        "cost": None,
        "assumptions": ["an instantaneous rise in trauma memory load that declines over months"],
        "references": ["Blevins CA et al. J Trauma Stress 2015;28:489-498 (PCL-5)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Bolus(self.TARGET, self.start_h, self.PER_SEVERITY * self.severity, self.name())]


class SocialSupportChange(_Timed):
    """Social support rises (support group, community) or falls (loneliness, bereavement) by ``change`` for
    ``duration`` (to the end of the run when omitted). Perceived support buffers appraisal (Cohen & Wills 1985).
    """

    type: Literal["social_support"] = "social_support"
    change: Number = Field(ge=-0.5, le=0.5, description="change of perceived support on its 0-1 scale")
    duration: Quantity | None = Field(None, description="length (> 0); omitted = to the end of the run")

    TARGET: ClassVar[str] = "social_support"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "social_support input += change (appraisal x (1 - 0.4 x support))",
        "evidence_grade": "B",
        "cost": None,
        "assumptions": ["support acts only by buffering appraisal; size to be calibrated"],
        "references": ["Cohen S, Wills TA. Psychol Bull 1985;98:310-357",
                       "Uchino BN et al. Psychol Bull 1996;119:488-531"],
    }

    def _end(self, win: RunWindow) -> float:
        return win.t_end if self.duration is None else self.start_h + self.duration.to(U.TIME, "duration")

    def check(self, who: str, win: RunWindow) -> None:
        if self.duration is not None:
            _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
        self._check_inside(who, win, self._end(win))

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Pulse(self.TARGET, self.start_h, self._end(win), self.change, self.name())]


class Infection(_Timed):
    """An infection: an initial pathogen load P0 (Reynolds 2006 units) at the given time.

    Reynolds et al. 2006 (J Theor Biol 242:220): P0 = 0.5 is cleared with little damage, P0 = 1.0 recovers
    after large transient damage, P0 = 1.5 leaves persistent inflammation. The pathogen's molecular patterns
    activate monocytes like endotoxin in the whole model (size grade D).
    """

    type: Literal["infection"] = "infection"
    load: Number = Field(gt=0, le=3, description="initial pathogen load P0 (> 0, <= 3)")

    TARGET: ClassVar[str] = "pathogen"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "pathogen += load (Reynolds 2006); host defence weakened by perceived stress",
        "evidence_grade": "B",
        "cost": None,
        "assumptions": ["one local infection; pathogen units of the Reynolds model"],
        "references": ["Reynolds A et al. J Theor Biol 2006;242:220-236",
                       "Cohen S, Tyrrell DA, Smith AP. N Engl J Med 1991;325:606-612"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Bolus(self.TARGET, self.start_h, self.load, self.name())]


class FlareTrigger(_Timed):
    """A transient trigger of autoimmune disease activity (an infection, a stressful life event, stopping a drug):
    the Baker 2013 ``flare_trigger`` input rises by ``intensity`` for ``duration``.

    In a person with a bistable disease setting (the RA, SLE, MS and IBD presets) a large enough trigger moves the
    disease switch into its active (flare) state, where it stays until treated; in a healthy person it passes.
    Trials use it during the settling period to enrol people with active disease.
    """

    type: Literal["flare_trigger"] = "flare_trigger"
    duration: Quantity = Field(_q("2 d"), description="length (> 0, <= 30 d)")
    intensity: Number = Field(0.1, gt=0, le=1, description="added to the flare_trigger input (Baker 2013 units of "
                                                           "pro-inflammatory production; 0.1 starts an RA flare)")

    TARGET: ClassVar[str] = "flare_trigger"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "flare_trigger input += intensity for the duration (pro-inflammatory production of the "
                     "Baker 2013 disease switch)",
        "evidence_grade": "C",
        "cost": None,
        "assumptions": ["a rectangular trigger; its size in Baker 2013 units is a pnisim choice"],
        "references": ["Baker M et al. Proc Natl Acad Sci USA 2013;110:E3413 (bistable autoimmune switch)"],
    }

    def check(self, who: str, win: RunWindow) -> None:
        d = _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, 30 * 24.0)
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        d = self.duration.to(U.TIME, "duration")
        return [Pulse(self.TARGET, self.start_h, self.start_h + d, self.intensity, self.name())]


class _Course(_Timed):
    """A course of weekly sessions whose effect builds session by session and lasts ``durability`` after."""

    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(description="number of weekly sessions")
    durability: Quantity = Field(_q("26 week"), description="how long the full effect lasts after the last "
                                                            "session (>= 0)")

    TARGET: ClassVar[str] = ""
    INTERVAL_H: ClassVar[float] = 24 * 7

    def _last(self) -> float:
        return self.start_h + (self.sessions - 1) * self.INTERVAL_H

    def check(self, who: str, win: RunWindow) -> None:
        _range(self.durability, U.TIME, f"The 'durability' of {who}", 0.0, None, lo_open=False)
        self._check_inside(who, win, self._last())

    def effects(self, win: RunWindow) -> list[Effect]:
        # after session k of n the active level is k/n; it stays at 1 for `durability`, then ends
        end = min(win.t_end, self._last() + self.durability.to(U.TIME, "durability"))
        levels = [Level(self.TARGET, self.start_h + k * self.INTERVAL_H, (k + 1) / self.sessions, self.name())
                  for k in range(self.sessions)]
        if end < win.t_end:
            levels.append(Level(self.TARGET, end, 0.0, self.name()))
        return levels


class CognitiveBehaviouralTherapy(_Course):
    """CBT (about 10 weekly sessions): lowers the rumination drive of perceived stress and of mood.

    Evidence: psychosocial interventions improve immune function, most reliably CBT (Shields GS, Spahr CM,
    Slavich GM 2020 JAMA Psychiatry 77:1031: pretest-posttest-control g = 0.30); durability is contested
    (O'Toole 2018). Cost: ≈ $1,500 per 10-session course (targets.csv cbt_cost) = $150 per session.
    """

    type: Literal["cbt"] = "cbt"
    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(10, description="number of weekly sessions")

    TARGET: ClassVar[str] = "cognitive_therapy"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "cognitive_therapy input = sessions done / sessions (rumination drive x (1 - 0.5 x input))",
        "evidence_grade": "A",
        "cost": {"usd_per_session": 150.0, "source": "targets.csv cbt_cost ($1,500 per ~10-session course)"},
        "assumptions": ["effect size is a placeholder until calibration to Shields 2020"],
        "references": ["Shields GS, Spahr CM, Slavich GM. JAMA Psychiatry 2020;77:1031-1043"],
    }


class Mindfulness(_Course):
    """Mindfulness-based stress reduction (8 weekly sessions): lowers the rumination drive like cognitive therapy
    and raises the vagal set point (slower breathing, higher HRV) while practised.

    Evidence: mindfulness-based interventions lower low-grade inflammation in psychiatric patients (Sanada K et
    al. 2020 Int J Mol Sci 21:2484: Hedges g = -0.21, targets.csv mindfulness_inflammation); Black DS, Slavich GM
    2016 Ann N Y Acad Sci 1373:13 (NF-kB, CRP). Sizes are placeholders until calibration; no cost in the evidence
    table yet.
    """

    type: Literal["mindfulness"] = "mindfulness"
    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(8, description="number of weekly sessions")

    TARGET: ClassVar[str] = "cognitive_therapy"
    VAGAL_SHIFT: ClassVar[float] = 0.2
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "cognitive_therapy input = sessions done / sessions; vagal_set += 0.2 x the same fraction",
        "evidence_grade": "A",
        "cost": {"usd_per_session": 75.0, "source": "pnisim assumption: an 8-session MBSR course at about $600 (grade D)"},
        "assumptions": ["shares CBT's rumination mechanism; the vagal shift (+20 % tone) is a placeholder"],
        "references": ["Sanada K et al. Int J Mol Sci 2020;21:2484",
                       "Black DS, Slavich GM. Ann N Y Acad Sci 2016;1373:13-24"],
    }

    def effects(self, win: RunWindow) -> list[Effect]:
        levels = super().effects(win)
        return levels + [Level("vagal_set", lv.time, self.VAGAL_SHIFT * lv.level, self.name()) for lv in levels]


class TraumaFocusedTherapy(_Course):
    """Trauma-focused therapy (TF-CBT, EMDR; about 12 weekly sessions): faster decline of trauma load."""

    type: Literal["trauma_therapy"] = "trauma_therapy"
    sessions: Annotated[int, Field(strict=True, ge=1, le=52)] = Field(12, description="number of weekly sessions")
    durability: Quantity = Field(_q("0 week"), description="how long the effect lasts after the last session")

    TARGET: ClassVar[str] = "trauma_therapy"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "trauma_therapy input = sessions done / sessions (extra decline of trauma load)",
        "evidence_grade": "B",
        "cost": {"usd_per_session": 150.0, "source": "priced like a CBT session (targets.csv cbt_cost)"},
        "assumptions": ["immune effects of trauma-focused therapy are thin (grade C); the symptom effect is a "
                        "placeholder until calibration"],
        "references": ["Cusack K et al. Clin Psychol Rev 2016;43:128-141 (psychological treatments for PTSD)"],
    }


# ------------------------------------------------------------------ the intervention and exposure library (data)
class _FromCatalogue(_Timed):
    """An entry of :data:`pnisim.scenario.catalogue.CATALOGUE`; one class per entry is generated below."""

    adherence: Number = Field(1.0, ge=0, le=1, description="fraction of the effect delivered (courses, continuous) "
                                                           "or of doses taken (drugs), 0-1")
    dropout_after: Quantity | None = Field(None, description="time after the start at which the person stops "
                                                             "(omitted = completes)")
    opt_in: bool = Field(False, description="must be true to use a grade-D (speculative) mechanism")

    INFO: ClassVar[catalogue.Info]

    def _stop(self, end: float) -> float:
        if self.dropout_after is None:
            return end
        return min(end, self.start_h + self.dropout_after.to(U.TIME, "dropout_after"))

    def _check_common(self, who: str) -> None:
        if self.INFO.grade == "D" and not self.opt_in:
            raise SpecError(
                f"The 'opt_in' of {who} must be true: {self.type!r} rests on a grade-D (speculative) mechanism "
                f"({self.INFO.mechanism}). Got false instead."
            )
        if self.dropout_after is not None:
            _range(self.dropout_after, U.TIME, f"The 'dropout_after' of {who}", 0.0, None, lo_open=False)

    def active_interval(self, win: RunWindow) -> tuple[float, float]:
        """[start, end) in model hours over which this exposure acts (for overlap checks)."""
        return self.start_h, self._end(win)

    def _end(self, win: RunWindow) -> float:  # pragma: no cover - every kind overrides
        raise NotImplementedError


class _CatalogueCourse(_FromCatalogue):
    sessions: Annotated[int, Field(strict=True, ge=1, le=200)] | None = Field(
        None, description="number of sessions (omitted = the library's standard course)")
    durability: Quantity | None = Field(None, description="how long the full effect holds after the last session "
                                                          "(omitted = the library's value)")

    def _n(self) -> int:
        return self.sessions if self.sessions is not None else self.INFO.sessions

    def _last(self) -> float:
        return self.start_h + (self._n() - 1) * self.INFO.interval_h

    def _hold(self) -> float:
        return self.INFO.durability_h if self.durability is None else self.durability.to(U.TIME, "durability")

    def _end(self, win: RunWindow) -> float:
        return min(win.t_end, self._stop(self._last()) + self._hold())

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        if self.durability is not None:
            _range(self.durability, U.TIME, f"The 'durability' of {who}", 0.0, None, lo_open=False)
        self._check_inside(who, win, self._last())

    def effects(self, win: RunWindow) -> list[Effect]:
        n, out = self._n(), []
        attended = [k for k in range(n) if self.start_h + k * self.INFO.interval_h <= self._stop(self._last()) + 1e-9]
        end = self._end(win)
        for target, amount in self.INFO.actions:
            for k in attended:
                out.append(Level(target, self.start_h + k * self.INFO.interval_h,
                                 amount * self.adherence * (k + 1) / n, self.name()))
            if end < win.t_end:
                out.append(Level(target, end, 0.0, self.name()))
        return out


class _CatalogueSession(_FromCatalogue):
    duration: Quantity | None = Field(None, description="session length (omitted = the library's value)")

    def _length(self) -> float:
        return self.INFO.session_h if self.duration is None else self.duration.to(U.TIME, "duration")

    def _end(self, win: RunWindow) -> float:
        return self.start_h + self._length()

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        if self.duration is not None:
            _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, 24.0)
        self._check_inside(who, win, self._end(win))

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Pulse(t, self.start_h, self._end(win), a * self.adherence, self.name()) for t, a in self.INFO.actions]


class _CatalogueContinuous(_FromCatalogue):
    duration: Quantity | None = Field(None, description="how long (omitted = the library's value, or to the end "
                                                        "of the run)")

    def _end(self, win: RunWindow) -> float:
        if self.duration is not None:
            end = self.start_h + self.duration.to(U.TIME, "duration")
        elif self.INFO.duration_h is not None:
            end = self.start_h + self.INFO.duration_h
        else:
            end = win.t_end
        return self._stop(min(end, win.t_end))

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        if self.duration is not None:
            d = _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
            self._check_inside(who, win, self.start_h + d)
        else:
            self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        return [Pulse(t, self.start_h, self._end(win), a * self.adherence, self.name()) for t, a in self.INFO.actions]


class _CatalogueDrug(_FromCatalogue):
    dose: Quantity | None = Field(None, description="dose per administration (omitted = the standard dose)")
    body_weight: Quantity = Field(_q("70 kg"), description="body weight for mg/kg doses (30-250 kg)")
    duration: Quantity | None = Field(None, description="how long the regimen runs (omitted = to the end of the run)")

    def _per_dose(self) -> float:
        """The dose per administration in the drug's dose unit."""
        if self.dose is None:
            return pharmacology.REGIMENS[self.INFO.drug][1]
        dim = U.MASS_PER_KG if self.INFO.dose_unit == "mg/kg" else U.MASS
        return self.dose.to(dim, "dose")

    def _mg(self) -> float:
        per = self._per_dose()
        return per * self.body_weight.to(U.BODY_MASS, "body_weight") if self.INFO.dose_unit == "mg/kg" else per

    def _end(self, win: RunWindow) -> float:
        end = win.t_end if self.duration is None else min(win.t_end, self.start_h + self.duration.to(U.TIME, "duration"))
        return self._stop(end)

    def check(self, who: str, win: RunWindow) -> None:
        self._check_common(who)
        lo, hi = self.INFO.dose_range
        dim = U.MASS_PER_KG if self.INFO.dose_unit == "mg/kg" else U.MASS
        if self.dose is not None:
            _range(self.dose, dim, f"The 'dose' of {who}", 0.0, None)
            x = self.dose.to(dim, "dose")
            if not lo <= x <= hi:
                raise SpecError(
                    f"The 'dose' of {who} must lie in the safe range {U.format_number(lo)}-{U.format_number(hi)} "
                    f"{dim.unit} per administration for {self.type}. Got {str(self.dose)!r} instead."
                )
        _range(self.body_weight, U.BODY_MASS, f"The 'body_weight' of {who}", 30.0, 250.0, lo_open=False)
        if self.INFO.max_mg is not None and self._mg() > self.INFO.max_mg + 1e-9:
            raise SpecError(
                f"The 'dose' of {who} must not exceed {U.format_number(self.INFO.max_mg)} mg per administration for "
                f"{self.type}. Got {U.format_number(round(self._mg(), 3))} mg ({self.dose or 'standard dose'} x "
                f"{self.body_weight}) instead."
            )
        if self.duration is not None:
            _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
        self._check_inside(who, win)

    def effects(self, win: RunWindow) -> list[Effect]:
        doses = pharmacology.regimen(self.INFO.drug, self._end(win), dose=self._mg(), body_weight=1.0,
                                     start_h=self.start_h)
        taken = []  # (dose already in mg: regimen() is given a 1-kg body weight so it does not rescale)
        for k, (t, state, mg) in enumerate(doses):
            # adherence drops doses evenly: dose k is taken when the running count of due doses crosses an integer
            if math.floor((k + 1) * self.adherence + 1e-9) > math.floor(k * self.adherence + 1e-9):
                taken.append(Bolus(state, t, mg, self.name()))
        return taken


_KIND_BASE = {"course": _CatalogueCourse, "session": _CatalogueSession, "continuous": _CatalogueContinuous,
              "drug": _CatalogueDrug}


def _catalogue_class(name: str, info: catalogue.Info) -> type:
    doc = f"{info.title} ({info.kind}). Mechanism: {info.mechanism}. Evidence grade {info.grade}."
    metadata = {
        "mechanism": info.mechanism,
        "evidence_grade": info.grade,
        "category": info.category,
        "cost": None if info.cost is None else {f"usd_per_{info.cost.per}": info.cost.usd, "source": info.cost.source},
        "assumptions": list(info.assumptions) + (["size is a placeholder until calibration (issue 5)"]
                                                 if info.kind != "drug" else []),
        "references": list(info.references),
    }
    ns = {"__annotations__": {"type": Literal[name]}, "type": name, "INFO": info, "METADATA": metadata,
          "__doc__": doc, "__module__": __name__}
    return type("Exposure_" + name, (_KIND_BASE[info.kind],), ns)


CATALOGUE_CLASSES = {name: _catalogue_class(name, info) for name, info in catalogue.CATALOGUE.items()}


class SleepRestriction(_Timed):
    """Sleep restriction: time in bed is cut to ``hours_in_bed`` a night for ``duration``.

    Acts on the sleep module's time-in-bed cap; a week of 6-h nights raises IL-6 (Vgontzas AN et al. 2004 J Clin
    Endocrinol Metab 89:2119) and experimental restriction lowers NK activity (Irwin 1994).
    """

    type: Literal["sleep_restriction"] = "sleep_restriction"
    hours_in_bed: Quantity = Field(description="time in bed per night (>= 2 h, <= 12 h)")
    duration: Quantity = Field(description="how long (> 0)")

    TARGET: ClassVar[str] = "time_in_bed"
    METADATA: ClassVar[dict[str, Any]] = {
        "mechanism": "time_in_bed input = hours_in_bed for the duration (nightly sleep capped)",
        "evidence_grade": "A",
        "cost": None,
        "assumptions": ["the cap acts on nightly sleep duration; timing within the night is not modelled"],
        "references": ["Vgontzas AN et al. J Clin Endocrinol Metab 2004;89:2119-2126",
                       "Irwin MR, Olmstead R, Carroll JE. Biol Psychiatry 2016;80:40-52"],
    }

    def _end(self) -> float:
        return self.start_h + self.duration.to(U.TIME, "duration")

    def check(self, who: str, win: RunWindow) -> None:
        _range(self.hours_in_bed, U.TIME, f"The 'hours_in_bed' of {who}", 2.0, 12.0, lo_open=False)
        d = _range(self.duration, U.TIME, f"The 'duration' of {who}", 0.0, None)
        self._check_inside(who, win, self.start_h + d)

    def effects(self, win: RunWindow) -> list[Effect]:
        # the input's baseline is 24 h (unrestricted); the pulse brings it down to hours_in_bed
        return [Pulse(self.TARGET, self.start_h, self._end(), self.hours_in_bed.to(U.TIME, "hours_in_bed") - 24.0,
                      self.name())]



Exposure = Annotated[
    Union[(AcuteStressor, LpsBolus, LpsInfusion, Dexamethasone, ChronicStress, TraumaticEvent, SocialSupportChange,
           CognitiveBehaviouralTherapy, TraumaFocusedTherapy, Infection, Mindfulness, SleepRestriction,
           FlareTrigger, *CATALOGUE_CLASSES.values())],
    Field(discriminator="type"),
]
EXPOSURE_CLASSES = {c.model_fields["type"].default: c for c in (
    AcuteStressor, LpsBolus, LpsInfusion, Dexamethasone, ChronicStress, TraumaticEvent, SocialSupportChange,
    CognitiveBehaviouralTherapy, TraumaFocusedTherapy, Infection, Mindfulness, SleepRestriction,
    FlareTrigger, *CATALOGUE_CLASSES.values())}
EXPOSURE_TYPES = tuple(EXPOSURE_CLASSES)

# Model names each exposure needs (checked against the scenario's model).
_NEEDS: dict[str, tuple[str, str]] = {
    "acute_stressor": ("input", "acute_stress"),
    "chronic_stress": ("input", "stress"),
    "lps_bolus": ("state", "E"),
    "lps_infusion": ("input", "lps_infusion"),
    "dexamethasone": ("state", "Dex1"),
    "traumatic_event": ("state", "TRA"),
    "social_support": ("input", "social_support"),
    "cbt": ("input", "cognitive_therapy"),
    "trauma_therapy": ("input", "trauma_therapy"),
    "infection": ("state", "pathogen"),
    "mindfulness": ("input", "cognitive_therapy"),
    "sleep_restriction": ("input", "time_in_bed"),
    "flare_trigger": ("input", "flare_trigger"),
    **{name: ("state", pharmacology.REGIMENS[info.drug][0]) if info.drug else ("input", info.actions[0][0])
       for name, info in catalogue.CATALOGUE.items()},
}


class ArmSpec(_Spec):
    """One arm of a comparison: the scenario's own exposures plus these. Every arm gets the same individuals
    (the same parameter draws), so arms differ only by what is done to them."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")] = Field(
        description="short name: a letter, then letters, digits, '_' or '-' (at most 40)")
    description: str = Field("", description="free text")
    exposures: list[Exposure] = Field(default_factory=list, description="exposures of this arm only")


# ==================================================================================================== scenario
class Scenario(_Spec):
    """A validated scenario. Construct with :func:`load_scenario` / :func:`parse_scenario` (which turn every
    problem into a :class:`SpecError`), or directly (which raises pydantic's ValidationError)."""

    name: str = Field("scenario", description="free text")
    model: str = Field("core", description="model name (pnisim.model.library)")
    description: str = Field("", description="free text")
    person: PersonSpec = Field(PersonSpec())
    run: RunSpec = Field(RunSpec())
    population: PopulationSpec = Field(
        PopulationSpec(size=1, seed=0, variability=False),
        description="optional; default: one person, no variability",
    )
    exposures: list[Exposure] = Field(default_factory=list, description="exposures; each has a 'type'")
    arms: list[ArmSpec] = Field(default_factory=list, description="optional arms compared side by side (each adds "
                                                                  "its own exposures to the shared ones)")

    @model_validator(mode="after")
    def _semantics(self) -> Scenario:
        _check_scenario(self)
        return self

    # ---- derived values (no side effects)
    def canonical_json(self) -> str:
        """The validated spec as canonical JSON (sorted keys, no spaces): what :meth:`spec_hash` hashes."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                          allow_nan=False)

    def spec_hash(self) -> str:
        """sha256 of :meth:`canonical_json`."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def get_model(self) -> Model:
        """The model this scenario runs (cached by the library)."""
        model = _get_model(self.model)
        if self.run.fast_states == "quasi-steady":
            from ..model.library import for_long_runs

            model = for_long_runs(model)
        return model

    def person_parameters(self) -> dict[str, float]:
        """The person's parameter values that differ from the model's (qualified name -> value in its unit):
        phenotype preset, then wake time, then explicit overrides."""
        return _person_parameters(self, self.get_model())

    def output_names(self) -> list[str]:
        """Variables of the result: the requested outputs (default all observables), then states if kept."""
        model = self.get_model()
        names = list(self.run.outputs) if self.run.outputs is not None else list(model.observable_names)
        if self.run.keep_states:
            names += [s for s in model.state_names if s not in names]
        return names

    def arm_names(self) -> list[str]:
        """The arms' names; one unnamed arm ("") when the scenario has none."""
        return [a.name for a in self.arms] or [""]

    def exposures_of_arm(self, arm: str = "") -> list:
        """The shared exposures plus those of ``arm``."""
        extra = next((a.exposures for a in self.arms if a.name == arm), [])
        return [*self.exposures, *extra]

    def effects(self, arm: str = "") -> list[Effect]:
        win = self.run.window()
        return [eff for e in self.exposures_of_arm(arm) for eff in e.effects(win)]

    def to_toml(self) -> str:
        from ._dump import dumps_toml

        return dumps_toml(self.model_dump(mode="json", exclude_none=True))

    def to_yaml(self) -> str:
        # allow_unicode=False: non-ASCII is escaped, so NEL or U+2028 in a label cannot turn into a line break
        return yaml.safe_dump(self.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=False)


def _exposure_who(i: int, e: Any) -> str:
    return f"exposure {e.name()!r} (exposures[{i}])"


def _person_parameters(s: Scenario, model: Model) -> dict[str, float]:
    values: dict[str, float] = {}
    origin: dict[str, str] = {}
    names = model.parameter_names
    for name, v in PHENOTYPES[s.person.phenotype].items():
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
                f"{_did_you_mean(key, names + plain)} Got {key!r} instead."
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
                f"The 'wake_time' of [person] must be a clock time from {_when(lo)[6:]} to {_when(hi)[6:]}. "
                f"Got {s.person.wake_time!r} instead."
            )
    return values


def _check_scenario(s: Scenario) -> None:
    """Every check that needs more than one field: units, ranges, names in the model, windows, memory."""
    model = s.get_model()  # SpecError with did-you-mean for an unknown model

    # -- run
    r = s.run
    duration = _range(r.duration, U.TIME, "The 'duration' of [run]", 0.0, MAX_DURATION_H, above_hi="100 years")
    sampling = _range(r.sampling, U.TIME, "The 'sampling' of [run]", 0.0, None)
    _range(r.burn_in, U.TIME, "The 'burn_in' of [run]", 0.0, MAX_BURN_IN_H, lo_open=False, above_hi="365 d")
    if sampling > duration:
        raise SpecError(
            f"The 'sampling' of [run] must be <= the run's 'duration' ({r.duration}). Got {str(r.sampling)!r} instead."
        )
    known = model.observable_names + model.state_names + model.algebraic_names
    if r.outputs is not None:
        seen: set[str] = set()
        for k, out in enumerate(r.outputs):
            if out not in known:
                raise SpecError(
                    f"The 'outputs' of [run] must name observables or states of model {s.model!r} "
                    f"(observables: {', '.join(model.observable_names)}).{_did_you_mean(out, known)} "
                    f"Got {out!r} (outputs[{k}]) instead."
                )
            if out in seen:
                raise SpecError(f"The 'outputs' of [run] must not repeat a name. Got {out!r} twice instead.")
            seen.add(out)

    # -- person
    _person_parameters(s, model)

    # -- exposures (shared, then each arm's)
    win = r.window()
    names = [a.name for a in s.arms]
    for j, name in enumerate(names):
        if name in names[:j]:
            raise SpecError(f"The 'name' of arms[{j}] must be unique among the arms. Got {name!r} twice instead.")
    located = [(_exposure_who(i, e), e) for i, e in enumerate(s.exposures)]
    for j, arm in enumerate(s.arms):
        located += [(f"exposure {e.name()!r} of arm {arm.name!r} (arms[{j}].exposures[{i}])", e)
                    for i, e in enumerate(arm.exposures)]
    for who, e in located:
        needs = [_NEEDS[e.type]]
        if isinstance(e, _FromCatalogue):
            needs += [("input", a) for a, _ in e.INFO.actions]
        for kind, target in needs:
            have = model.input_names if kind == "input" else model.state_names
            if target not in have:
                raise SpecError(
                    f"The 'type' of {who} needs {kind} {target!r}, which model {s.model!r} does not have "
                    f"(use model 'whole'). Got {e.type!r} instead."
                )
        e.check(who, win)
    for arm in s.arm_names():
        _check_no_overlap(s.exposures_of_arm(arm), win)

    # -- memory, before anything runs. What any run holds at once: one person's engine arrays (the engine keeps
    # every state while integrating) and the N x P parameter matrix of the whole population. Holding every
    # result in memory as well is checked by run_scenario (a streamed run keeps one chunk at a time).
    n_times = duration / sampling + 1
    per_person_engine = 16.0 * n_times * (len(model.observable_names) + 2 * len(model.state_names))
    n_people = s.population.size * len(s.arm_names())
    plan_bytes = 8.0 * n_people * (len(model.parameter_names) + len(model.input_names))
    if not per_person_engine <= MEMORY_LIMIT:
        times = _show(math.floor(n_times) if math.isfinite(n_times) else n_times)
        raise ResourceLimitError(
            f"The [run] sampling needs about {_gib(per_person_engine)} per individual ({times} output times x "
            f"{len(model.observable_names) + len(model.state_names)} variables while integrating); the limit is "
            f"{_gib(MEMORY_LIMIT)}. Sample less often or shorten the run. Got sampling {str(r.sampling)!r} and "
            f"duration {str(r.duration)!r} instead."
        )
    if not plan_bytes <= MEMORY_LIMIT / 2:
        raise ResourceLimitError(
            f"The 'size' of [population] needs about {_gib(plan_bytes)} for the per-individual parameters alone "
            f"({n_people} individuals, {len(s.arm_names())} arm(s), x {len(model.parameter_names)} parameters); "
            f"the limit is {_gib(MEMORY_LIMIT / 2)} (half of {_gib(MEMORY_LIMIT)}). Split the population into "
            f"several runs with different seeds. Got size {s.population.size} instead."
        )


def result_bytes(s: Scenario) -> float:
    """Bytes of a scenario's results held in memory at once (engine.simulate.estimate_bytes over everyone)."""
    model = s.get_model()
    r = s.run
    n_out = len(r.outputs) if r.outputs is not None else len(model.observable_names)
    n_vars = n_out + (len(model.state_names) if r.keep_states else 0)
    return 16.0 * s.population.size * len(s.arm_names()) * r.n_times() * n_vars


def _check_no_overlap(exposures: list, win: RunWindow) -> None:
    """Two courses or regimens of the same library intervention must not run at the same time."""
    spans: dict[str, list[tuple[float, float, int]]] = {}
    for i, e in enumerate(exposures):
        if isinstance(e, _FromCatalogue):
            a, b = e.active_interval(win)
            spans.setdefault(e.type, []).append((a, b, i))
    for kind, items in spans.items():
        items.sort()
        for (a0, b0, i0), (a1, _, i1) in zip(items, items[1:]):
            if a1 < b0 - 1e-9:
                first, second = exposures[i0], exposures[i1]
                raise SpecError(
                    f"The 'day' and 'time' of exposure {second.name()!r} must not fall while exposure "
                    f"{first.name()!r} of the same type {kind!r} is still active (until {_when(b0)}): overlapping "
                    f"schedules of one intervention are not allowed. Got day {second.day} {second.time} instead."
                )


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.3g} GiB" if math.isfinite(n_bytes) else "unboundedly many GiB"


# ==================================================================================================== parsing
def _locate(loc: tuple, raw: Any, noun: str = "scenario") -> tuple[str | None, str]:
    """(field, owner) for a pydantic error location, e.g. ('dose', "exposure 'lps_bolus' (exposures[1])")."""
    parts = list(loc)
    owner = f"the {noun}"
    arm = ""
    if len(parts) >= 4 and parts[0] == "arms" and isinstance(parts[1], int) and parts[2] == "exposures":
        # an arm's exposure: locate it inside that arm
        j = parts[1]
        arms = raw.get("arms") if isinstance(raw, Mapping) else None
        arm_raw = arms[j] if isinstance(arms, list) and j < len(arms) and isinstance(arms[j], Mapping) else {}
        arm = f" of arm {arm_raw.get('name')!r} (arms[{j}])"
        parts, raw = parts[2:], arm_raw
    if len(parts) >= 2 and parts[0] == "exposures" and isinstance(parts[1], int):
        i = parts[1]
        item = raw.get("exposures")[i] if isinstance(raw, Mapping) and isinstance(raw.get("exposures"), list) \
            and i < len(raw["exposures"]) else None
        name = None
        if isinstance(item, Mapping):
            name = item.get("label") if isinstance(item.get("label"), str) and item.get("label") else item.get("type")
        owner = (f"exposure {name!r} (exposures[{i}])" if name is not None else f"exposures[{i}]") + arm
        parts = parts[2:]
        if parts and parts[0] in EXPOSURE_TYPES:  # pydantic puts the union tag in the location
            parts = parts[1:]
        if len(parts) >= 2 and parts[0] == "schedule" and isinstance(parts[1], int):
            owner = f"step {parts[1]} of the schedule of {owner}"
            parts = parts[2:]
    elif len(parts) >= 3 and parts[:2] == ["person", "parameters"]:
        return None, f"the override of parameter {parts[2]!r} in [person.parameters]"
    elif parts and parts[0] in ("person", "run", "population"):
        owner = f"[{parts[0]}]"
        parts = parts[1:]
    field = ".".join(str(p) for p in parts) or None
    return field, owner


_REQUIREMENT = {
    "int_type": "an integer", "int_parsing": "an integer", "int_from_float": "an integer",
    "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number",
    "string_type": "a text string", "bool_type": "true or false", "bool_parsing": "true or false",
    "list_type": "a list", "dict_type": "a table (mapping)", "model_type": "a table (mapping)",
    "model_attributes_type": "a table (mapping)",
}


def _message(err: dict, raw: Any, noun: str = "scenario") -> tuple[type[SpecError], str, BaseException | None]:
    """(exception class, message, original exception to re-raise as is) for one pydantic error."""
    orig = (err.get("ctx") or {}).get("error")
    if isinstance(orig, SpecError):
        return type(orig), str(orig), orig
    field, owner = _locate(err["loc"], raw, noun)
    subject = f"The {field!r} of {owner}" if field else owner[0].upper() + owner[1:]
    got = f"Got {_show(err.get('input'))} instead."
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if isinstance(orig, UnknownKeyError):
        where = f"at the top level of the {noun}" if owner == f"the {noun}" and not field else f"in {owner}"
        if field:
            where = f"in the {field!r} of {owner}"
        return SpecError, (f"Unknown key {_show(orig.key)} {where}.{_did_you_mean(orig.key, orig.allowed)} "
                           f"Allowed keys: {', '.join(orig.allowed)}."), None
    if isinstance(orig, WrongFormError):
        return SpecError, f"{subject} must be {orig.allowed}. {got}", None
    if kind == "missing":
        return SpecError, f"{subject} is required but missing.", None
    if kind == "union_tag_invalid":
        tag = ctx.get("tag")
        return SpecError, (f"The 'type' of {owner} must be one of {', '.join(EXPOSURE_TYPES)}. Got {tag!r} instead."
                           f"{_did_you_mean(tag, list(EXPOSURE_TYPES))}"), None
    if kind == "union_tag_not_found":
        return SpecError, f"The 'type' of {owner} is required: one of {', '.join(EXPOSURE_TYPES)}. {got}", None
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = _did_you_mean(err.get("input"), options) if isinstance(err.get("input"), str) else ""
        return SpecError, f"{subject} must be one of {', '.join(options)}. {got}{hint}", None
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds:
        limit = next(iter(ctx.values()))
        what = "an integer" if isinstance(limit, int) and isinstance(err.get("input"), int) else "a number"
        return SpecError, f"{subject} must be {what} {bounds[kind]} {_show(limit)}. {got}", None
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length", ctx.get("max_length"))
        word = "at least" if kind == "too_short" else "at most"
        return SpecError, f"{subject} must have {word} {n} item(s). {got}", None
    if kind in _REQUIREMENT:
        return SpecError, f"{subject} must be {_REQUIREMENT[kind]}. {got}", None
    return SpecError, f"{subject} is invalid ({err.get('msg')}). {got}", None


def validate_spec(cls: type[BaseModel], data: Any, *, noun: str, keys: str, source: str | None = None):
    """Validate a mapping into the spec class ``cls``; every problem becomes one SpecError (or UnitError /
    ResourceLimitError) naming the field, the owner, what is allowed and the value. Shared by scenarios and
    trials so both report errors the same way."""
    prefix = f"{source}: " if source else ""
    if not isinstance(data, Mapping):
        raise SpecError(f"{prefix}A {noun} must be a table of keys ({keys}). Got {type(data).__name__} instead.")
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        found = [_message(err, data, noun) for err in exc.errors(include_url=False)]
    if len(found) == 1:
        err_cls, msg, orig = found[0]
        if orig is not None and not prefix:
            raise orig from None
        raise err_cls(prefix + msg) from None
    classes = {c for c, _, _ in found}
    err_cls = classes.pop() if len(classes) == 1 else SpecError
    lines = "\n".join(f"  - {m}" for _, m, _ in found[:20])
    raise err_cls(f"{prefix}The {noun} has {len(found)} problems:\n{lines}") from None


def parse_scenario(data: Any, *, source: str | None = None) -> Scenario:
    """Validate a mapping (as read from TOML/YAML) into a :class:`Scenario`; every problem is a SpecError."""
    return validate_spec(Scenario, data, noun="scenario",
                         keys="name, model, person, run, population, exposures", source=source)


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML 1.1 loader without sexagesimal numbers, so ``time: 14:00`` stays the string '14:00'."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$""", re.X),
    list("-+0123456789"),
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?
                |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."),
)


def loads_scenario(text: str, fmt: Literal["toml", "yaml"], *, source: str | None = None) -> Scenario:
    """Parse scenario text in ``fmt`` ('toml' or 'yaml')."""
    import tomllib

    prefix = f"{source}: " if source else ""
    if fmt == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(f"{prefix}The scenario is not valid TOML: {exc}.") from None
    elif fmt == "yaml":
        try:
            data = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise SpecError(f"{prefix}The scenario is not valid YAML: {exc}") from None
        data = {} if data is None else data
    else:
        raise SpecError(f"The scenario format must be 'toml' or 'yaml'. Got {fmt!r} instead.")
    return parse_scenario(data, source=source)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; the format follows the extension (.toml, .yaml, .yml)."""
    p = Path(path)
    fmt = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}.get(p.suffix.lower())
    if fmt is None:
        raise SpecError(
            f"The scenario file {str(p)!r} must end in .toml, .yaml or .yml. "
            f"Got {p.suffix or 'no extension'!r} instead."
        )
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ResourceLimitError(
                f"The scenario file {str(p)!r} must be at most {MAX_FILE_BYTES // 1024} KiB. Got {size} bytes instead."
            )
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"The scenario file {str(p)!r} does not exist.") from None
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"The scenario file {str(p)!r} must be UTF-8 text ({exc.reason} at byte {exc.start})."
        ) from None
    except IsADirectoryError:
        raise SpecError(f"The scenario file {str(p)!r} is a directory, not a file.") from None
    return loads_scenario(text, fmt, source=str(p))  # type: ignore[arg-type]


def load_default_text() -> str:
    """The text of the embedded default scenario (package data ``scenario/defaults/default.toml``)."""
    return (resources.files("pnisim.scenario") / "defaults" / "default.toml").read_text(encoding="utf-8")


# ==================================================================================================== schema
def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of scenario files, generated from the pydantic models."""
    schema = Scenario.model_json_schema(mode="validation")
    for cls in EXPOSURE_CLASSES.values():  # 'type' has a Python default but is required in files
        spec = schema["$defs"][cls.__name__]
        spec["required"] = ["type", *[r for r in spec.get("required", []) if r != "type"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pnisim.org/schemas/scenario.schema.json",
        **schema,
        "title": "pnisim scenario",
        "description": "A pnisim scenario file (TOML or YAML): person, population, run and exposures. "
                       "Times are hours since midnight at the start of day 0.",
    }


def write_json_schema(path: str | Path = SCHEMA_PATH) -> Path:
    """Write :func:`json_schema` to ``path`` (default: the published copy in ``pnisim/schemas``)."""
    p = Path(path)
    p.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return p

