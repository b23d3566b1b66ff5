"""What a sensitivity file says — base scenario, parameter ranges, outputs, method — validated at the boundary:
every parameter in the model, every output inside the run, memory within bounds."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, PrivateAttr, model_validator

from ...analysis.readouts import NADIR_WINDOW_CLOCK
from ...errors import ResourceLimitError, SpecError
from ...scenario import units as U
from ...scenario.build import plan
from ...scenario.clock import format_when
from ...scenario.loading import parse_scenario, validate_spec
from ...scenario.quantity import Quantity
from ...scenario.run_spec import MEMORY_LIMIT
from ...scenario.scenario import Scenario
from ...spec import SpecModel, did_you_mean, read_file, schema_document, write_schema


#: Engine arrays of one chunk of samples stay below this (the engine keeps every state while integrating).
ENGINE_CHUNK_BYTES = 256 * 2**20
#: Largest Sobol' base sample accepted at all (memory is checked as well, see :func:`estimate_bytes`).
MAX_SOBOL_N = 2**20
#: Output grids longer than this many times per arm are refused (a nadir needs ~40, a 6-month rate ~730).
MAX_OUTPUT_TIMES = 20_000
#: Where the published JSON Schema of sensitivity files lives (regenerate with write_sensitivity_json_schema()).
SENSITIVITY_SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "sensitivity.schema.json"

Progress = Callable[[float, str], None]
OUTPUT_KINDS = ("value", "difference", "mean", "cortisol_day", "flare_rate")
CORTISOL_QUANTITIES = ("nadir", "nadir_clock", "serum_peak", "serum_peak_clock")
DEFAULT_EVERY = {"cortisol_day": "10 min", "mean": "6 h", "flare_rate": "6 h"}


class ParameterRange(SpecModel):
    """One uncertain parameter: an explicit ``range = [low, high]`` or a relative ``factor`` (×/÷ around the
    base person's value). Relative ranges are sampled log-uniformly, explicit ones uniformly unless
    ``scale = "log"``."""

    name: str = Field(description="model parameter (module.name)")
    range: tuple[float, float] | None = Field(None, description="[low, high] in the parameter's own unit")
    factor: float | None = Field(None, description="> 1: the range is [value / factor, value * factor]")
    scale: Literal["linear", "log"] | None = Field(None, description="sampling scale (default: log for a factor, "
                                                                     "linear for a range)")


class OutputSpec(SpecModel):
    """A named endpoint read off each run. Kinds:

    * ``value``: ``observable`` at time ``at`` (of ``arm`` when the base has arms);
    * ``difference``: ``observable`` at ``at`` in ``arm`` minus in ``control`` (the same settled person);
    * ``mean``: time average of ``observable`` over [``start``, ``end``] (trapezoids on a grid ``every``);
    * ``cortisol_day``: ``quantity`` of serum cortisol on ``day`` (nadir 20:00–02:00, peak over the day, or
      their clock times; grid ``every``);
    * ``flare_rate``: fraction of the grid times in [``start``, ``end``] with ``flare`` >= ``threshold``.

    Times are model time, counted like exposures from midnight of day 0 (``at = "12 week"`` is day 84 00:00).
    """

    name: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")] = Field(
        description="short name: a letter, then letters, digits or '_' (at most 40)")
    kind: Literal["value", "difference", "mean", "cortisol_day", "flare_rate"]
    label: str = Field("", description="free text for tables and plots")
    observable: str | None = Field(None, description="observable or state (value, difference, mean; flare_rate "
                                                     "defaults to 'flare')")
    arm: str | None = Field(None, description="arm whose run is read (required when the base has arms)")
    control: str | None = Field(None, description="difference: the arm subtracted")
    at: Quantity | None = Field(None, description="value, difference: model time")
    start: Quantity | None = Field(None, description="mean, flare_rate: window start (model time)")
    end: Quantity | None = Field(None, description="mean, flare_rate: window end (model time)")
    every: Quantity | None = Field(None, description="grid of mean, flare_rate (default 6 h) and cortisol_day "
                                                     "(default 10 min)")
    day: Annotated[int, Field(strict=True, ge=0)] | None = Field(None, description="cortisol_day: day of the run")
    quantity: Literal["nadir", "nadir_clock", "serum_peak", "serum_peak_clock"] = Field(
        "nadir", description="cortisol_day: what is read")
    threshold: float = Field(0.5, description="flare_rate: flare index at or above which a time counts as a flare")

    def text(self) -> str:
        return self.label or self.name


class MorrisSpec(SpecModel):
    trajectories: Annotated[int, Field(strict=True)] = Field(10, description="Morris trajectories r (2-10000)")
    levels: Annotated[int, Field(strict=True)] = Field(4, description="grid levels p (even, 2-20)")
    num_resamples: Annotated[int, Field(strict=True, ge=10, le=10_000)] = Field(
        1000, description="bootstrap resamples of the mu* confidence interval")


class SobolSpec(SpecModel):
    n: Annotated[int, Field(strict=True)] = Field(description="base samples N (a power of 2, >= 16)")
    calc_second_order: Annotated[bool, Field(strict=True)] = Field(False, description="also second-order S2")
    num_resamples: Annotated[int, Field(strict=True, ge=10, le=10_000)] = Field(
        100, description="bootstrap resamples of the confidence intervals")
    conf_level: float = Field(0.95, gt=0, lt=1, description="confidence level of the intervals")


class MethodSpec(SpecModel):
    seed: Annotated[int, Field(strict=True, ge=0, le=2**32 - 1)] = Field(0, description="seed of the samples and "
                                                                                         "the bootstraps")
    morris: MorrisSpec | None = None
    sobol: SobolSpec | None = None


class SensitivitySpec(SpecModel):
    name: str = "sensitivity"
    description: str = ""
    base: dict[str, Any] = Field(description="a scenario: the same keys as a scenario file (person, run, "
                                             "exposures, optional arms); its population must be one person")
    parameters: list[ParameterRange] = Field(min_length=1)
    outputs: list[OutputSpec] = Field(min_length=1)
    method: MethodSpec

    _scenario: Scenario | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _semantics(self) -> SensitivitySpec:
        self._scenario = check_sensitivity(self)
        return self

    def scenario(self) -> Scenario:
        """The validated base scenario."""
        assert self._scenario is not None
        return self._scenario

    def factors(self) -> list[Factor]:
        """The parameters as sampled ranges (low, high, scale) around the base person."""
        return _factors(self, self.scenario())


@dataclass(frozen=True)
class Factor:
    """A sampled input: ``[low, high]`` on a linear or log scale (unit samples u in [0, 1] map to values)."""

    name: str
    low: float
    high: float
    scale: str = "linear"
    base: float = math.nan
    unit: str = ""

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if self.scale == "log":
            return self.low * (self.high / self.low) ** u
        return self.low + u * (self.high - self.low)


def _factors(spec: SensitivitySpec, scenario: Scenario) -> list[Factor]:
    model = scenario.get_model()
    person = plan(scenario).parameters[0]
    out = []
    for r in spec.parameters:
        i = model.parameter_names.index(r.name)
        value = float(person[i])
        if r.factor is not None:
            lo, hi = value / r.factor, value * r.factor
        else:
            lo, hi = r.range  # type: ignore[misc]
        scale = r.scale or ("log" if r.factor is not None else "linear")
        out.append(Factor(r.name, float(lo), float(hi), scale, value, model.parameters[i].parameter.unit))
    return out


# ---------------------------------------------------------------------------------------------------- checks
def _n_runs(spec: SensitivitySpec) -> dict[str, int]:
    d = len(spec.parameters)
    out = {}
    if spec.method.morris is not None:
        out["morris"] = spec.method.morris.trajectories * (d + 1)
    if spec.method.sobol is not None:
        s = spec.method.sobol
        out["sobol"] = s.n * ((2 * d + 2) if s.calc_second_order else (d + 2))
    return out


def estimate_bytes(spec: SensitivitySpec, n_arms: int) -> int:
    """Memory the analysis holds at once: the unit and physical samples and the readouts of every run, plus
    SALib's Sobol' bootstrap (about six N × resamples arrays per parameter in turn)."""
    d, k = len(spec.parameters), len(spec.outputs)
    runs = sum(_n_runs(spec).values())
    total = 8 * runs * (2 * d + k * (n_arms + 1))
    if spec.method.sobol is not None:
        total += 6 * 8 * spec.method.sobol.n * spec.method.sobol.num_resamples
    return int(total)


def _gib(n: float) -> str:
    return f"{n / 2**30:.3g} GiB"


def _output_times(o: OutputSpec) -> tuple[float, float]:
    """(first, last) model hours an output reads."""
    if o.kind in ("value", "difference"):
        t = o.at.to(U.TIME, f"The 'at' of output {o.name!r}")  # type: ignore[union-attr]
        return t, t
    if o.kind == "cortisol_day":
        return 24.0 * o.day, 24.0 * o.day + NADIR_WINDOW_CLOCK[1]  # type: ignore[operator]
    return (o.start.to(U.TIME, f"The 'start' of output {o.name!r}"),  # type: ignore[union-attr]
            o.end.to(U.TIME, f"The 'end' of output {o.name!r}"))  # type: ignore[union-attr]


def _every_h(o: OutputSpec) -> float:
    q = o.every if o.every is not None else Quantity.model_validate(DEFAULT_EVERY.get(o.kind, "1 h"))
    return q.to(U.TIME, f"The 'every' of output {o.name!r}")


def _check_output(k: int, o: OutputSpec, scenario: Scenario) -> None:
    model = scenario.get_model()
    who = f"output {o.name!r} (outputs[{k}])"
    arms = [a.name for a in scenario.arms]
    need = {"value": ("observable", "at"), "difference": ("observable", "at", "arm", "control"),
            "mean": ("observable", "start", "end"), "cortisol_day": ("day",), "flare_rate": ("start", "end")}
    allowed = {"value": {"observable", "at", "arm"}, "difference": {"observable", "at", "arm", "control"},
               "mean": {"observable", "start", "end", "every", "arm"},
               "cortisol_day": {"day", "every", "arm", "quantity"},
               "flare_rate": {"observable", "start", "end", "every", "arm", "threshold"}}[o.kind]
    for name in need[o.kind]:
        if getattr(o, name) is None:
            raise SpecError(f"The {name!r} of {who} is required for kind {o.kind!r}.")
    for name in ("observable", "arm", "control", "at", "start", "end", "every", "day"):
        if getattr(o, name) is not None and name not in allowed:
            raise SpecError(f"{who[0].upper() + who[1:]} of kind {o.kind!r} takes no {name!r} (it takes "
                            f"{', '.join(sorted(allowed))}). Got {name} = {getattr(o, name)!s} instead.")
    variables = [*model.observable_names, *model.state_names]
    observable = o.observable or ("flare" if o.kind == "flare_rate" else None)
    if o.kind == "cortisol_day":
        observable = "cortisol_serum"
    if observable is not None and observable not in variables:
        if o.observable is not None:
            raise SpecError(f"The 'observable' of {who} must be an observable or state of model {scenario.model!r}."
                            f"{did_you_mean(observable, variables)} Got {observable!r} instead.")
        raise SpecError(f"The 'kind' of {who} needs observable {observable!r}, which model {scenario.model!r} does "
                        f"not have (use model 'whole'). Got {o.kind!r} instead.")
    if o.kind == "difference" and not arms:
        raise SpecError(f"The 'kind' of {who} is 'difference', which needs a base with [[arms]]. Got "
                        f"{o.kind!r} instead.")
    for name in ("arm", "control"):
        value = getattr(o, name)
        if value is not None and value not in arms:
            allowed_arms = ", ".join(arms) if arms else "none: the base has no [[arms]]"
            raise SpecError(f"The {name!r} of {who} must name an arm of the base ({allowed_arms})."
                            f"{did_you_mean(value, arms)} Got {value!r} instead.")
    if arms and o.arm is None:
        raise SpecError(f"The 'arm' of {who} is required: the base compares arms ({', '.join(arms)}).")
    if o.kind == "difference":
        if o.arm == o.control:
            raise SpecError(f"The 'control' of {who} must differ from its 'arm'. Got {o.control!r} for both "
                            f"instead.")
    if o.kind == "flare_rate" and not math.isfinite(o.threshold):
        raise SpecError(f"The 'threshold' of {who} must be a finite number. Got {o.threshold!r} instead.")
    win = scenario.run.window()
    lo, hi = _output_times(o)
    if o.kind in ("mean", "flare_rate") and not lo < hi:
        raise SpecError(f"The 'start' of {who} must come before its 'end'. Got start {o.start!s}, end {o.end!s} "
                        f"instead.")
    if not (win.t0 - 1e-9 <= lo and hi <= win.t_end + 1e-9):
        what = {"value": "'at'", "difference": "'at'", "cortisol_day": "'day' (00:00 to 02:00 of the next day)",
                "mean": "'start' and 'end'", "flare_rate": "'start' and 'end'"}[o.kind]
        got = {"value": f"{o.at!s}", "difference": f"{o.at!s}", "cortisol_day": f"day {o.day}"}.get(
            o.kind, f"{o.start!s} to {o.end!s}")
        raise SpecError(f"The {what} of {who} must lie inside the base run, {win.text()}. Got {got} = "
                        f"{format_when(lo)}{'' if lo == hi else ' to ' + format_when(hi)} instead.")
    if o.kind in ("mean", "flare_rate", "cortisol_day"):
        step = _every_h(o)
        if not (math.isfinite(step) and step > 0):
            raise SpecError(f"The 'every' of {who} must be a time > 0. Got {o.every!s} instead.")
        if (hi - lo) / step + 1 > MAX_OUTPUT_TIMES:
            raise ResourceLimitError(f"The 'every' of {who} gives {math.floor((hi - lo) / step) + 1} output times; "
                                     f"at most {MAX_OUTPUT_TIMES} are allowed. Got {o.every!s} instead.")


def _check_parameter(k: int, r: ParameterRange, scenario: Scenario, person: np.ndarray) -> None:
    model = scenario.get_model()
    names = model.parameter_names
    who = f"parameters[{k}]"
    if r.name not in names:
        raise SpecError(f"The 'name' of {who} must be a parameter (module.name) of model {scenario.model!r}."
                        f"{did_you_mean(r.name, names)} Got {r.name!r} instead.")
    who = f"parameter {r.name!r} ({who})"
    if (r.range is None) == (r.factor is None):
        raise SpecError(f"{who[0].upper() + who[1:]} must give either a 'range' [low, high] or a 'factor' > 1, "
                        f"not {'both' if r.range is not None else 'neither'}.")
    p = model.parameters[names.index(r.name)].parameter
    value = float(person[names.index(r.name)])
    lo_b, hi_b = p.resolved_bounds
    declared = "declared bounds" if p.bounds is not None else "default bounds (its value ×/÷ 10)"
    if r.factor is not None:
        if not (math.isfinite(r.factor) and r.factor > 1):
            raise SpecError(f"The 'factor' of {who} must be a number > 1. Got {r.factor!r} instead.")
        if not value > 0:
            raise SpecError(f"The 'factor' of {who} needs a base value > 0 to scale; the value is {value:g} "
                            f"{p.unit}. Give an explicit 'range' instead. Got factor {r.factor:g} instead.")
        lo, hi, got = value / r.factor, value * r.factor, f"factor {r.factor:g} (range [{value / r.factor:.6g}, " \
                                                         f"{value * r.factor:.6g}] around {value:.6g})"
    else:
        lo, hi = r.range  # type: ignore[misc]
        got = f"[{lo:g}, {hi:g}]"
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise SpecError(f"The 'range' of {who} must be two finite numbers. Got {got} instead.")
        if not lo < hi:
            raise SpecError(f"The 'range' of {who} must have low < high. Got {got} instead.")
    if (r.scale == "log" or r.factor is not None) and not lo > 0:
        raise SpecError(f"The 'range' of {who} must have low > 0 to be sampled on a log scale. Got {got} instead.")
    field = "factor" if r.factor is not None else "range"
    broken = []
    if lo < lo_b - 1e-12 * abs(lo_b):
        broken.append(f"its low {lo:.6g} is below the lower bound {lo_b:.6g}")
    if hi > hi_b + 1e-12 * abs(hi_b):
        broken.append(f"its high {hi:.6g} is above the upper bound {hi_b:.6g}")
    if broken:
        raise SpecError(f"The {field!r} of {who} must stay within the parameter's {declared} [{lo_b:.6g}, "
                        f"{hi_b:.6g}] {p.unit}: {' and '.join(broken)}. Got {got} instead.")


def check_sensitivity(s: SensitivitySpec) -> Scenario:
    """Every semantic check of a sensitivity spec; returns the validated base scenario."""
    scenario = parse_scenario(s.base, source="the [base] scenario of the sensitivity analysis")
    pop = scenario.population
    if pop.size != 1:
        raise SpecError(f"The 'size' of [base.population] must be 1: every SALib sample is one person, without "
                        f"between-person variability. Got {pop.size} instead.")
    person = plan(scenario).parameters[0]
    seen: set[str] = set()
    for k, r in enumerate(s.parameters):
        _check_parameter(k, r, scenario, person)
        if r.name in seen:
            raise SpecError(f"The 'name' of parameters[{k}] must not repeat a parameter. Got {r.name!r} twice "
                            f"instead.")
        seen.add(r.name)
    names: set[str] = set()
    for k, o in enumerate(s.outputs):
        if o.name in names:
            raise SpecError(f"The 'name' of outputs[{k}] must be unique among the outputs. Got {o.name!r} twice "
                            f"instead.")
        names.add(o.name)
        _check_output(k, o, scenario)
    m = s.method
    if m.morris is None and m.sobol is None:
        raise SpecError("The [method] of the sensitivity analysis must ask for morris and/or sobol, e.g. "
                        "morris = { trajectories = 10 } or sobol = { n = 256 }. Got neither instead.")
    if m.morris is not None:
        if not 2 <= m.morris.trajectories <= 10_000:
            raise SpecError(f"The 'trajectories' of [method.morris] must be an integer from 2 to 10000. Got "
                            f"{m.morris.trajectories} instead.")
        if not (2 <= m.morris.levels <= 20 and m.morris.levels % 2 == 0):
            raise SpecError(f"The 'levels' of [method.morris] must be an even integer from 2 to 20 (Morris 1991). "
                            f"Got {m.morris.levels} instead.")
    if m.sobol is not None:
        n = m.sobol.n
        if n < 16 or n & (n - 1):
            raise SpecError(f"The 'n' of [method.sobol] must be a power of 2 >= 16 (the Sobol' sequence keeps its "
                            f"balance only at powers of 2), e.g. 256 or 1024. Got {n} instead.")
        if n > MAX_SOBOL_N:
            raise ResourceLimitError(f"The 'n' of [method.sobol] must be at most {MAX_SOBOL_N} base samples "
                                     f"({n * (len(s.parameters) + 2)} runs would not fit in memory or time). Got "
                                     f"{n} instead.")
    n_arms = max(1, len({a for o in s.outputs for a in (o.arm, o.control) if a is not None}))
    need = estimate_bytes(s, n_arms)
    if need > MEMORY_LIMIT:
        runs = _n_runs(s)
        raise ResourceLimitError(
            f"The [method] of the sensitivity analysis needs about {_gib(need)} for "
            f"{' + '.join(f'{v} {k}' for k, v in runs.items())} runs x {len(s.parameters)} parameters x "
            f"{len(s.outputs)} outputs; the limit is {_gib(MEMORY_LIMIT)}. Use fewer samples. Got "
            f"{', '.join(f'{k} {v}' for k, v in _method_sizes(s).items())} instead.")
    return scenario


def _method_sizes(s: SensitivitySpec) -> dict[str, int]:
    out = {}
    if s.method.morris is not None:
        out["trajectories"] = s.method.morris.trajectories
    if s.method.sobol is not None:
        out["n"] = s.method.sobol.n
    return out


def parse_sensitivity(data, *, source: str | None = None) -> SensitivitySpec:
    """Validate a mapping into a SensitivitySpec; every problem is a SpecError naming the field and the value."""
    return validate_spec(SensitivitySpec, data, noun="sensitivity analysis", source=source,
                         keys="name, description, base, parameters, outputs, method")


def load_sensitivity(path: str | Path) -> SensitivitySpec:
    """Read and validate a sensitivity file (.toml, .yaml, .yml or .json), like every other spec file
    (pnisim.spec)."""
    return parse_sensitivity(read_file(path, noun="sensitivity analysis"), source=str(Path(path)))


def sensitivity_json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of sensitivity files, generated from the pydantic models (``base`` is a
    scenario: see the scenario schema)."""
    return schema_document(
        SensitivitySpec.model_json_schema(mode="validation"), kind="sensitivity", title="pnisim sensitivity analysis",
        description="A pnisim global sensitivity analysis (TOML, YAML or JSON): a base scenario, the uncertain "
                    "parameters, the outputs read off each run and the method (Morris and/or Sobol').")


def write_sensitivity_json_schema(path: str | Path = SENSITIVITY_SCHEMA_PATH) -> Path:
    """Write :func:`sensitivity_json_schema` to ``path`` (default: the published copy in ``pnisim/schemas``)."""
    return write_schema(sensitivity_json_schema(), path)
