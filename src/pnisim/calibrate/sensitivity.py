"""Global sensitivity analysis of model endpoints: Morris screening and Sobol' variance decomposition (SALib).

Which parameters move a key endpoint — the CBT effect on CRP at 6 months, the cortisol nadir, PHQ-9 at 12 weeks
under chronic stress, the RA flare rate — and how much of its variance each one explains, alone or with others.

Methods (both through SALib; Herman J, Usher W. SALib. J Open Source Softw 2017;2:97, doi:10.21105/joss.00097,
and Iwanaga T, Usher W, Herman J. Socio-Environ Syst Model 2022;4:18155, doi:10.18174/sesmo.18155):

* **Morris screening** (Morris MD. Technometrics 1991;33:161, doi:10.1080/00401706.1991.10484804) with the
  absolute-mean measure mu* of Campolongo F, Cariboni J, Saltelli A. Environ Model Softw 2007;22:1509
  (doi:10.1016/j.envsoft.2006.10.004): ``trajectories`` one-at-a-time paths on a grid of ``levels``; mu* is the
  mean absolute elementary effect (importance), sigma their SD (non-linearity or interactions). Elementary
  effects are taken in the unit space of each parameter's range (on the log scale for relative ranges), so mu*
  is "change of the endpoint over the whole range" and comparable across parameters.
* **Sobol' indices** (Sobol IM. Math Comput Simul 2001;55:271) from Saltelli's cross-sampling design on a
  scrambled Sobol' sequence (Saltelli A et al. Global Sensitivity Analysis: The Primer. Wiley 2008, ch. 4;
  Saltelli A et al. Comput Phys Commun 2010;181:259, doi:10.1016/j.cpc.2009.09.018): first-order S1 (share of
  the variance explained by a parameter alone) and total ST (alone and through all its interactions), with
  bootstrap confidence intervals; N base samples cost N·(D+2) runs (N·(2D+2) with second-order indices).

A sensitivity file (TOML or YAML) is data, validated like a trial file (:func:`pnisim.scenario.loading.validate_spec`)::

    name = "phq9_chronic_stress"
    [base]                                  # a scenario: the same keys as a scenario file (optional [[arms]])
    model = "whole"
    person = { phenotype = "chronic_stress" }
    run = { duration = "12 week", burn_in = "14 d" }

    [[parameters]]
    name = "psyche.w_ps"                    # module.name
    factor = 2                              # x/÷ 2 around the person's value, sampled log-uniformly
    [[parameters]]
    name = "psyche.stress_load"
    range = [0.3, 0.7]                      # explicit range, sampled uniformly (scale = "log" for log-uniform)

    [[outputs]]
    name = "phq9_12w"
    kind = "value"                          # value | difference | mean | cortisol_day | flare_rate
    observable = "phq9"
    at = "12 week"                          # model time: from midnight of day 0, like exposures

    [method]
    seed = 1
    morris = { trajectories = 10, levels = 4 }
    sobol = { n = 256 }

Every SALib sample is one "individual" of a batched engine run (no between-person variability): it settles
through the base scenario's burn-in with its own parameters, then lives through the scenario (each arm an
outputs needs, all from the same settled state). Runs go in chunks whose engine arrays stay within a fixed
budget, and only the output times the endpoints need are kept. The cortisol day readout follows
:func:`pnisim.analysis.summary.cortisol_day` (nadir 20:00–02:00, extremes refined by a parabola); it is
re-implemented here because ``calibrate`` sits below ``analysis`` in the import layers, and a test checks that
both agree. Research use only, not medical advice.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import xarray as xr
from pydantic import Field, PrivateAttr, model_validator

from .. import __version__
from ..disclaimer import DISCLAIMER
from ..engine.simulate import Solver
from ..population import Design, People, run_batch, settle
from ..errors import PnisimWarning, ResourceLimitError, SpecError
from ..scenario import units as U
from ..scenario.build import CHUNK_SIZE, plan, scenario_events
from ..scenario.clock import format_when
from ..scenario.loading import parse_scenario, validate_spec
from ..scenario.quantity import Quantity
from ..scenario.run_spec import MEMORY_LIMIT
from ..scenario.scenario import Scenario
from ..spec import SpecModel, did_you_mean, read_file

__all__ = [
    "Factor",
    "MethodSpec",
    "MorrisSpec",
    "OutputSpec",
    "ParameterRange",
    "SensitivityResult",
    "SensitivitySpec",
    "SobolSpec",
    "analyse",
    "load_sensitivity",
    "sensitivity_json_schema",
    "write_sensitivity_json_schema",
    "SENSITIVITY_SCHEMA_PATH",
    "morris_figure",
    "parse_sensitivity",
    "render_sensitivity_report",
    "run_sensitivity",
    "sobol_figure",
    "MAX_SOBOL_N",
    "ENGINE_CHUNK_BYTES",
]

#: Engine arrays of one chunk of samples stay below this (the engine keeps every state while integrating).
ENGINE_CHUNK_BYTES = 256 * 2**20
#: Largest Sobol' base sample accepted at all (memory is checked as well, see :func:`estimate_bytes`).
MAX_SOBOL_N = 2**20
#: Output grids longer than this many times per arm are refused (a nadir needs ~40, a 6-month rate ~730).
MAX_OUTPUT_TIMES = 20_000
#: Where the published JSON Schema of sensitivity files lives (regenerate with write_sensitivity_json_schema()).
SENSITIVITY_SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "sensitivity.schema.json"

Progress = Callable[[float, str], None]
OUTPUT_KINDS = ("value", "difference", "mean", "cortisol_day", "flare_rate")
CORTISOL_QUANTITIES = ("nadir", "nadir_clock", "serum_peak", "serum_peak_clock")
NADIR_WINDOW_CLOCK = (20.0, 26.0)  # as pnisim.analysis.summary: 20:00 of the day to 02:00 of the next
DEFAULT_EVERY = {"cortisol_day": "10 min", "mean": "6 h", "flare_rate": "6 h"}


# ==================================================================================================== spec
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
    schema = SensitivitySpec.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pnisim.org/schemas/sensitivity.schema.json",
        **schema,
        "title": "pnisim sensitivity analysis",
        "description": "A pnisim global sensitivity analysis (TOML, YAML or JSON): a base scenario, the uncertain "
                       "parameters, the outputs read off each run and the method (Morris and/or Sobol').",
    }


def write_sensitivity_json_schema(path: str | Path = SENSITIVITY_SCHEMA_PATH) -> Path:
    """Write :func:`sensitivity_json_schema` to ``path`` (default: the published copy in ``pnisim/schemas``)."""
    p = Path(path)
    p.write_text(json.dumps(sensitivity_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return p


# ==================================================================================================== SALib layer
def _salib_seed(seed: int, salt: int) -> int:
    """A positive seed for SALib (its Sobol' analysis treats 0 as 'no seed', i.e. global random state)."""
    return int(np.random.default_rng([seed, salt]).integers(1, 2**31 - 1))


def _unit_problem(factors: Sequence[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def _clean(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Non-finite outputs (failed runs) replaced by the mean of the finite ones, and how many there were."""
    bad = ~np.isfinite(y)
    if not bad.any():
        return y, 0
    y = y.copy()
    y[bad] = np.mean(y[~bad]) if (~bad).any() else 0.0
    return y, int(bad.sum())


def analyse(
    factors: Sequence[Factor],
    evaluate: Callable[[np.ndarray, Progress], np.ndarray],
    output_names: Sequence[str],
    *,
    morris: MorrisSpec | None = None,
    sobol: SobolSpec | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Sample, evaluate and analyse: the index-computing layer, independent of the model.

    ``evaluate(X, progress)`` maps an R × D matrix of parameter values (one row per run, columns in the order of
    ``factors``) to an R × K matrix of outputs (NaN for a failed run). Morris and Sobol' samples go to one call.
    Returns ``(indices, samples)``: indices with dims ``output × parameter`` (``mu_star``, ``mu_star_conf``,
    ``mu``, ``sigma``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` and their ranks; ``S2`` over ``parameter ×
    parameter_2`` when asked) and the samples with dims ``run × parameter`` / ``run × output``.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    report: Progress = progress or (lambda fraction, message: None)
    problem = _unit_problem(factors)
    d, k = len(factors), len(output_names)
    blocks: dict[str, np.ndarray] = {}
    if morris is not None:
        blocks["morris"] = morris_sample.sample(problem, morris.trajectories, num_levels=morris.levels,
                                                seed=_salib_seed(seed, 1))
    if sobol is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n is checked to be a power of 2 at the boundary
            blocks["sobol"] = sobol_sample.sample(problem, sobol.n, calc_second_order=sobol.calc_second_order,
                                                  scramble=True, seed=_salib_seed(seed, 2))
    if not blocks:
        raise SpecError("analyse() needs morris and/or sobol settings. Got neither instead.")
    u = np.concatenate(list(blocks.values()), axis=0)
    x = np.column_stack([f.from_unit(u[:, j]) for j, f in enumerate(factors)]) if d else u
    report(0.0, f"Evaluating {u.shape[0]} samples")
    y = np.asarray(evaluate(x, lambda f, m="": report(0.95 * f, m)), dtype=float).reshape(u.shape[0], k)
    report(0.95, "Computing indices")

    coords = {"output": ("output", list(output_names)), "parameter": ("parameter", [f.name for f in factors])}
    nan = np.full((k, d), np.nan)
    data: dict[str, tuple] = {}
    failed: dict[str, np.ndarray] = {}
    offsets, lo = {}, 0
    for name, block in blocks.items():
        offsets[name] = slice(lo, lo + block.shape[0])
        lo += block.shape[0]
    if morris is not None:
        sl = offsets["morris"]
        mu_star, mu_star_conf, mu, sigma = (nan.copy() for _ in range(4))
        failed["morris"] = np.zeros(k, dtype=np.int64)
        for j in range(k):
            yj, failed["morris"][j] = _clean(y[sl, j])
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = morris_analyze.analyze(problem, u[sl], yj, num_resamples=morris.num_resamples,
                                             num_levels=morris.levels, seed=_salib_seed(seed, 3))
            mu_star[j], mu_star_conf[j] = res["mu_star"], res["mu_star_conf"]
            mu[j], sigma[j] = res["mu"], res["sigma"]
        unit = "output unit per full parameter range (elementary effect in the unit space of each range)"
        data.update({
            "mu_star": (("output", "parameter"), mu_star, {"long_name": "Morris mu* (mean absolute elementary "
                                                                        "effect)", "units": unit}),
            "mu_star_conf": (("output", "parameter"), mu_star_conf,
                             {"long_name": "half-width of the 95 % bootstrap CI of mu*", "units": unit}),
            "mu": (("output", "parameter"), mu, {"long_name": "Morris mu (mean elementary effect)", "units": unit}),
            "sigma": (("output", "parameter"), sigma, {"long_name": "Morris sigma (SD of the elementary effects)",
                                                       "units": unit}),
            "mu_star_rank": (("output", "parameter"), _ranks(mu_star), {"long_name": "rank by mu* (1 = largest)",
                                                                        "units": "1"}),
        })
    if sobol is not None:
        sl = offsets["sobol"]
        s1, s1c, st, stc = (nan.copy() for _ in range(4))
        s2 = np.full((k, d, d), np.nan)
        s2c = s2.copy()
        failed["sobol"] = np.zeros(k, dtype=np.int64)
        for j in range(k):
            yj, failed["sobol"][j] = _clean(y[sl, j])
            if not np.std(yj) > 0:
                continue  # a constant output has no variance to share out: indices stay NaN
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = sobol_analyze.analyze(problem, yj, calc_second_order=sobol.calc_second_order,
                                            num_resamples=sobol.num_resamples, conf_level=sobol.conf_level,
                                            seed=_salib_seed(seed, 4))
            s1[j], s1c[j], st[j], stc[j] = res["S1"], res["S1_conf"], res["ST"], res["ST_conf"]
            if sobol.calc_second_order:
                s2[j], s2c[j] = res["S2"], res["S2_conf"]
        ci = f"half-width of the {100 * sobol.conf_level:g} % bootstrap CI"
        data.update({
            "S1": (("output", "parameter"), s1, {"long_name": "first-order Sobol' index", "units": "1"}),
            "S1_conf": (("output", "parameter"), s1c, {"long_name": f"{ci} of S1", "units": "1"}),
            "ST": (("output", "parameter"), st, {"long_name": "total Sobol' index", "units": "1"}),
            "ST_conf": (("output", "parameter"), stc, {"long_name": f"{ci} of ST", "units": "1"}),
            "ST_rank": (("output", "parameter"), _ranks(st), {"long_name": "rank by ST (1 = largest)",
                                                              "units": "1"}),
        })
        if sobol.calc_second_order:
            data["S2"] = (("output", "parameter", "parameter_2"), s2,
                          {"long_name": "second-order Sobol' index (upper triangle)", "units": "1"})
            data["S2_conf"] = (("output", "parameter", "parameter_2"), s2c, {"long_name": f"{ci} of S2",
                                                                              "units": "1"})
            coords["parameter_2"] = ("parameter_2", [f.name for f in factors])
    for name, counts in failed.items():
        data[f"{name}_failed_runs"] = (("output",), counts, {"long_name": f"{name} runs whose output was not "
                                                                          "finite (replaced by the mean)",
                                                             "units": "1"})
    indices = xr.Dataset(data, coords=coords)
    indices = indices.assign_coords(
        low=("parameter", [f.low for f in factors], {"long_name": "lower end of the sampled range"}),
        high=("parameter", [f.high for f in factors], {"long_name": "upper end of the sampled range"}),
        base=("parameter", [f.base for f in factors], {"long_name": "the base person's value"}),
        scale=("parameter", [f.scale for f in factors], {"long_name": "sampling scale"}),
        parameter_unit=("parameter", [f.unit for f in factors]),
    )
    indices.attrs.update({
        "title": "pnisim global sensitivity analysis",
        "methods": ", ".join(blocks),
        "seed": int(seed),
        "n_runs": int(u.shape[0]),
        "package_version": f"pnisim {__version__}",
        "disclaimer": DISCLAIMER,
    })
    if morris is not None:
        indices.attrs.update(morris_trajectories=morris.trajectories, morris_levels=morris.levels,
                             morris_runs=int(blocks["morris"].shape[0]),
                             morris_reference="Morris 1991 Technometrics 33:161; mu*: Campolongo 2007 Environ "
                                              "Model Softw 22:1509")
    if sobol is not None:
        indices.attrs.update(sobol_n=sobol.n, sobol_runs=int(blocks["sobol"].shape[0]),
                             sobol_second_order="true" if sobol.calc_second_order else "false",
                             sobol_conf_level=sobol.conf_level, sobol_resamples=sobol.num_resamples,
                             sobol_reference="Saltelli 2010 Comput Phys Commun 181:259 (S1, ST estimators); "
                                             "Sobol 2001 Math Comput Simul 55:271")
    method = np.concatenate([np.full(b.shape[0], name, dtype=object) for name, b in blocks.items()])
    samples = xr.Dataset(
        {"value": (("run", "parameter"), x, {"long_name": "sampled parameter value"}),
         "unit_value": (("run", "parameter"), u, {"long_name": "sample in the unit space of the range",
                                                  "units": "1"}),
         "output_value": (("run", "output"), y, {"long_name": "endpoint of the run (NaN: the run failed)"})},
        coords={"run": np.arange(u.shape[0]), "method": ("run", method), "parameter": [f.name for f in factors],
                "output": list(output_names)},
        attrs={"disclaimer": DISCLAIMER},
    )
    report(1.0, "Done")
    return indices, samples


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 = largest per row; NaN ranks last."""
    out = np.zeros(values.shape, dtype=np.int64)
    for j, row in enumerate(values):
        order = np.argsort(-np.where(np.isfinite(row), row, -np.inf), kind="stable")
        out[j, order] = np.arange(1, row.size + 1)
    return out


# ==================================================================================================== model runs
@dataclass(frozen=True)
class _ArmRun:
    arm: str
    events: list
    t_out: np.ndarray


def _grid(lo: float, hi: float, step: float) -> np.ndarray:
    n = int(math.floor((hi - lo) / step + 1e-9))
    g = lo + np.arange(n + 1) * step
    return np.unique(np.round(np.append(g, hi), 9))


def _needed_times(o: OutputSpec) -> np.ndarray:
    lo, hi = _output_times(o)
    if o.kind in ("value", "difference"):
        return np.array([round(lo, 9)])
    return _grid(lo, hi, _every_h(o))


def _arm_runs(spec: SensitivitySpec, scenario: Scenario) -> list[_ArmRun]:
    model = scenario.get_model()
    t0 = scenario.run.start_h
    times: dict[str, list[np.ndarray]] = {}
    for o in spec.outputs:
        for arm in (o.arm or "", *((o.control,) if o.control else ())):
            times.setdefault(arm, [np.array([round(t0, 9)])]).append(_needed_times(o))
    runs = []
    for arm, parts in times.items():
        t_out = np.unique(np.concatenate(parts))
        events = scenario_events(scenario, model, arm, until=t_out[-1])
        runs.append(_ArmRun(arm, events, t_out))
    return runs


def _extreme(tw: np.ndarray, yw: np.ndarray, minimum: bool) -> tuple[float, float]:
    """(time, value) of the max (min) sample, refined by a parabola through its neighbours — the rule of
    pnisim.analysis.summary._extreme."""
    if tw.size == 0 or not np.any(np.isfinite(yw)):
        return math.nan, math.nan
    s = -yw if minimum else yw
    k = int(np.nanargmax(s))
    tk, vk = float(tw[k]), float(s[k])
    if 0 < k < tw.size - 1 and np.all(np.isfinite(s[k - 1:k + 2])):
        (a0, a1, a2), (b0, b1, b2) = tw[k - 1:k + 2], s[k - 1:k + 2]
        denom = (a0 - a1) * (a0 - a2) * (a1 - a2)
        a = (a2 * (b1 - b0) + a1 * (b0 - b2) + a0 * (b2 - b1)) / denom
        b = (a2**2 * (b0 - b1) + a1**2 * (b2 - b0) + a0**2 * (b1 - b2)) / denom
        if a < 0:
            tv = min(max(-b / (2 * a), a0), a2)
            c = b1 - a * a1**2 - b * a1
            tk, vk = float(tv), float(max(a * tv**2 + b * tv + c, vk))
    return tk, (-vk if minimum else vk)


def _readout(o: OutputSpec, t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The output of each run (rows of ``y``, sampled at ``t``) for one arm."""
    lo, hi = _output_times(o)
    if o.kind in ("value", "difference"):
        return y[:, int(np.searchsorted(t, round(lo, 9)))]
    inside = (t >= round(lo, 9) - 1e-9) & (t <= round(hi, 9) + 1e-9)
    tw, yw = t[inside], y[:, inside]
    if o.kind == "mean":
        return np.trapezoid(yw, tw, axis=1) / (tw[-1] - tw[0])
    if o.kind == "flare_rate":
        return np.mean(yw >= o.threshold, axis=1) + np.where(np.all(np.isfinite(yw), axis=1), 0.0, np.nan)
    # cortisol_day: nadir in 20:00-02:00, peak over the day (00:00-24:00), as analysis.summary.cortisol_day
    d0 = 24.0 * o.day  # type: ignore[operator]
    if o.quantity.startswith("nadir"):
        sel = (tw >= d0 + NADIR_WINDOW_CLOCK[0] - 1e-9) & (tw <= d0 + NADIR_WINDOW_CLOCK[1] + 1e-9)
        minimum = True
    else:
        sel = (tw >= d0 - 1e-9) & (tw <= d0 + 24.0 + 1e-9)
        minimum = False
    out = np.empty(y.shape[0])
    for i in range(y.shape[0]):
        tk, vk = _extreme(tw[sel], yw[i, sel], minimum)
        out[i] = (tk % 24.0 if math.isfinite(tk) else tk) if o.quantity.endswith("_clock") else vk
    return out


def _chunk_size(model, n_times: int, n: int) -> int:
    per = 16 * n_times * (len(model.observables) + 2 * len(model.states))  # engine.simulate.estimate_bytes
    return max(1, min(CHUNK_SIZE, ENGINE_CHUNK_BYTES // per, max(16, math.ceil(n / 20))))


def _model_evaluator(spec: SensitivitySpec, scenario: Scenario, solver: Solver):
    p = plan(scenario)
    model = p.model
    person, inputs = p.parameters[0], p.inputs[0]
    columns = [model.parameter_names.index(r.name) for r in spec.parameters]
    runs = _arm_runs(spec, scenario)
    variables = {o.observable or ("flare" if o.kind == "flare_rate" else "cortisol_serum") for o in spec.outputs}
    keep_states = any(v in model.state_names for v in variables)
    t0, burn_h = p.t0, p.burn_in_h

    def evaluate(x: np.ndarray, progress: Progress) -> np.ndarray:
        n = x.shape[0]
        out = np.full((n, len(spec.outputs)), np.nan)
        chunk = _chunk_size(model, max(r.t_out.size for r in runs), n)
        steps = len(runs) + (1 if burn_h > 0 else 0)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            m = hi - lo
            params = np.tile(person, (m, 1))
            params[:, columns] = x[lo:hi]
            people = People(params, [[] for _ in range(m)], inputs=np.tile(inputs, (m, 1)))
            done = 0
            ok = np.ones(m, dtype=bool)
            if burn_h > 0:
                progress(lo / n, f"Burn-in of {U.format_number(burn_h)} h for runs {lo + 1}-{hi} of {n}")
                y0, burn_status = settle(model, people, burn_h, t0, solver=solver)
                ok &= burn_status == 0
                people = People(people.parameters, people.events, people.inputs, initial_state=y0)
                done += 1
            per_arm: dict[str, dict[str, np.ndarray]] = {}
            for run in runs:
                progress((lo + m * done / steps) / n,
                         f"Runs {lo + 1}-{hi} of {n}{f' ({run.arm})' if run.arm else ''}")
                arm_people = People(people.parameters, [run.events] * m, people.inputs, people.initial_state)
                ds = run_batch(model, arm_people, Design(t_out=run.t_out, t0=t0, keep_states=keep_states),
                               solver=solver)
                good = ok & (ds["status"].values == 0)
                per_arm[run.arm] = {v: np.where(good[:, None], ds[v].values, np.nan) for v in variables}
                del ds
                done += 1
            for j, o in enumerate(spec.outputs):
                var = o.observable or ("flare" if o.kind == "flare_rate" else "cortisol_serum")
                t = next(r.t_out for r in runs if r.arm == (o.arm or ""))
                value = _readout(o, t, per_arm[o.arm or ""][var])
                if o.kind == "difference":
                    tc = next(r.t_out for r in runs if r.arm == o.control)
                    value = value - _readout(o, tc, per_arm[o.control][var])  # type: ignore[index]
                out[lo:hi, j] = value
            progress(hi / n, f"Simulated {hi} of {n} runs")
        return out

    return evaluate


def _output_unit(o: OutputSpec, model) -> str:
    if o.kind == "flare_rate":
        return "1"
    if o.kind == "cortisol_day":
        return "h" if o.quantity.endswith("_clock") else _unit_of(model, "cortisol_serum")
    return _unit_of(model, o.observable)  # type: ignore[arg-type]


def _unit_of(model, name: str) -> str:
    for o in model.observables:
        if o.name == name:
            return o.observable.unit
    for s in model.states:
        if s.name == name:
            return s.state.unit
    return ""


def _output_description(o: OutputSpec) -> str:
    def when(q: Quantity | None) -> str:
        return format_when(q.to(U.TIME, "time")) if q is not None else ""

    arm = f" in {o.arm}" if o.arm else ""
    if o.kind == "value":
        return f"{o.observable} at {when(o.at)}{arm}"
    if o.kind == "difference":
        return f"{o.observable}[{o.arm}] - {o.observable}[{o.control}] at {when(o.at)}"
    if o.kind == "mean":
        return f"mean {o.observable} from {when(o.start)} to {when(o.end)}{arm}"
    if o.kind == "flare_rate":
        return f"fraction of time with {o.observable or 'flare'} >= {o.threshold:g} from {when(o.start)} to " \
               f"{when(o.end)}{arm}"
    return f"serum cortisol {o.quantity.replace('_', ' ')} on day {o.day}{arm}"


# ==================================================================================================== result
@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Indices (``output × parameter``), the samples and their outputs, and the spec that made them."""

    indices: xr.Dataset
    samples: xr.Dataset
    spec: SensitivitySpec | None = None
    notes: list[str] = field(default_factory=list)

    def ranking(self, output: str) -> list[dict]:
        """Parameters of ``output`` ranked by ST (Sobol'), else by mu* (Morris), most influential first."""
        ds = self.indices.sel(output=output)
        key = "ST" if "ST" in ds else "mu_star"
        rows = []
        for p in ds["parameter"].values:
            r = {"parameter": str(p)}
            for v in ("ST", "ST_conf", "S1", "S1_conf", "mu_star", "mu_star_conf", "mu", "sigma"):
                if v in ds:
                    r[v] = float(ds[v].sel(parameter=p))
            r.update(low=float(ds["low"].sel(parameter=p)), high=float(ds["high"].sel(parameter=p)),
                     scale=str(ds["scale"].sel(parameter=p).values),
                     unit=str(ds["parameter_unit"].sel(parameter=p).values))
            rows.append(r)
        rows.sort(key=lambda r: -r[key] if math.isfinite(r[key]) else math.inf)
        for i, r in enumerate(rows, 1):
            r["rank"] = i
        return rows

    def rankings(self) -> dict[str, list[dict]]:
        return {str(o): self.ranking(str(o)) for o in self.indices["output"].values}

    def as_dict(self) -> dict:
        ds = self.indices
        outputs = []
        for o in ds["output"].values:
            sel = self.samples["output_value"].sel(output=o)
            outputs.append({
                "output": str(o),
                "description": str(ds["description"].sel(output=o).values) if "description" in ds.coords else "",
                "unit": str(ds["output_unit"].sel(output=o).values) if "output_unit" in ds.coords else "",
                "mean": float(np.nanmean(sel.values)) if np.isfinite(sel.values).any() else None,
                "sd": float(np.nanstd(sel.values)) if np.isfinite(sel.values).any() else None,
                "failed_runs": int((~np.isfinite(sel.values)).sum()),
                "ranking": self.ranking(str(o)),
            })
        return {"name": self.spec.name if self.spec else "sensitivity", "methods": ds.attrs.get("methods", ""),
                "n_runs": int(ds.attrs.get("n_runs", 0)), "seed": ds.attrs.get("seed"), "outputs": outputs,
                "notes": list(self.notes), "disclaimer": DISCLAIMER}


def run_sensitivity(spec: SensitivitySpec | str | Path, *, progress: Progress | None = None,
                    solver: Solver = Solver()) -> SensitivityResult:
    """Run the analysis a sensitivity spec (or file) describes: sample, simulate every sample as one settled
    person through the base scenario (each arm the outputs need), and compute Morris and/or Sobol' indices."""
    s = spec if isinstance(spec, SensitivitySpec) else load_sensitivity(spec)
    scenario = s.scenario()
    model = scenario.get_model()
    factors = s.factors()
    evaluate = _model_evaluator(s, scenario, solver)
    indices, samples = analyse(factors, evaluate, [o.name for o in s.outputs], morris=s.method.morris,
                               sobol=s.method.sobol, seed=s.method.seed, progress=progress)
    meta = {"output_unit": [_output_unit(o, model) for o in s.outputs],
            "description": [_output_description(o) for o in s.outputs],
            "label": [o.text() for o in s.outputs]}
    indices = indices.assign_coords({k: ("output", v) for k, v in meta.items()})
    samples = samples.assign_coords({k: ("output", v) for k, v in meta.items()})
    samples["output_value"].attrs["units"] = "see output_unit"
    indices.attrs.update({"name": s.name, "description": s.description, "model": model.name,
                          "base_scenario_spec_hash": scenario.spec_hash(),
                          "sensitivity_spec": s.model_dump_json(), "burn_in_h": scenario.run.burn_in_h})
    notes = []
    for v in ("morris_failed_runs", "sobol_failed_runs"):
        if v in indices:
            for o, c in zip(s.outputs, indices[v].values):
                if c:
                    notes.append(f"{int(c)} {v.split('_')[0]} run(s) of output {o.name!r} failed to solve; their "
                                 f"value was replaced by the mean of the others.")
    for n in notes:
        warnings.warn(n, PnisimWarning, stacklevel=2)
    return SensitivityResult(indices, samples, s, notes)


# ==================================================================================================== figures
def _fig(rows: int, width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, [fig.add_subplot(rows, 1, i + 1) for i in range(rows)]


def sobol_figure(indices: xr.Dataset, output: str):
    """Horizontal bars of ST and S1 with their bootstrap CIs, parameters sorted by ST."""
    ds = indices.sel(output=output)
    order = np.argsort(-np.nan_to_num(ds["ST"].values, nan=-1.0), kind="stable")
    names = [str(ds["parameter"].values[i]) for i in order]
    fig, (ax,) = _fig(1, 8.0, 0.35 * len(names) + 1.6)
    ypos = np.arange(len(names))
    for off, var, color in ((-0.2, "ST", "#1f77b4"), (0.2, "S1", "#ff7f0e")):
        ax.barh(ypos + off, ds[var].values[order], height=0.4, xerr=ds[f"{var}_conf"].values[order], color=color,
                ecolor="#333", capsize=2, label={"ST": "total ST", "S1": "first-order S1"}[var])
    ax.set_yticks(ypos, names, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.set_xlabel(f"Sobol' index ({100 * float(indices.attrs.get('sobol_conf_level', 0.95)):g} % bootstrap CI)")
    label = str(ds["label"].values) if "label" in ds.coords else output
    ax.set_title(f"{label} — Sobol' indices (N = {indices.attrs.get('sobol_n')})", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    fig.text(0.01, 0.005, DISCLAIMER, fontsize=7, color="#a60")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def morris_figure(indices: xr.Dataset, output: str):
    """Morris mu* (with bootstrap CI) against sigma; the line sigma = mu* separates mostly linear, additive
    effects (below) from non-linear or interacting ones (above)."""
    ds = indices.sel(output=output)
    fig, (ax,) = _fig(1, 7.0, 5.0)
    x, dx, y = ds["mu_star"].values, ds["mu_star_conf"].values, ds["sigma"].values
    ax.errorbar(x, y, xerr=dx, fmt="o", color="#1f77b4", ecolor="#999", capsize=2)
    top = np.argsort(-np.nan_to_num(x, nan=-1.0))[:6]  # the six largest are named; the table lists all
    for i in top:
        ax.annotate(str(ds["parameter"].values[i]), (x[i], y[i]), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")
    x_hi = float(np.nanmax(x + np.nan_to_num(dx))) if np.isfinite(x).any() else 0.0
    y_hi = float(np.nanmax(y)) if np.isfinite(y).any() else 0.0
    x_hi, y_hi = (x_hi if x_hi > 0 else 1.0) * 1.1, (y_hi if y_hi > 0 else 1.0) * 1.15
    d_hi = max(x_hi, y_hi)
    ax.plot([0, d_hi], [0, d_hi], "--", color="#999", linewidth=0.8, label="sigma = mu*")
    ax.set_xlim(0, x_hi)
    ax.set_ylim(0, y_hi)
    unit = str(ds["output_unit"].values) if "output_unit" in ds.coords else ""
    ax.set_xlabel(f"mu* ({unit} over the parameter's range)")
    ax.set_ylabel(f"sigma ({unit})")
    label = str(ds["label"].values) if "label" in ds.coords else output
    ax.set_title(f"{label} — Morris screening (r = {indices.attrs.get('morris_trajectories')})", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.text(0.01, 0.005, DISCLAIMER, fontsize=7, color="#a60")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def figures(result: SensitivityResult) -> dict[str, Any]:
    """File name -> matplotlib Figure: ``sobol_<output>.png`` and ``morris_<output>.png``."""
    out = {}
    for o in result.indices["output"].values:
        if "ST" in result.indices and np.isfinite(result.indices["ST"].sel(output=o).values).any():
            out[f"sobol_{o}.png"] = sobol_figure(result.indices, str(o))
        if "mu_star" in result.indices:
            out[f"morris_{o}.png"] = morris_figure(result.indices, str(o))
    return out


def figure_png(fig, dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _f(x: Any) -> str:
    if isinstance(x, str):
        return html.escape(x)
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.3g}"


def render_sensitivity_report(result: SensitivityResult, pngs: dict[str, bytes] | None = None) -> str:
    """One self-contained HTML page: the spec in words, per output a ranked table and the figures."""
    e = html.escape
    ds = result.indices
    pngs = pngs if pngs is not None else {k: figure_png(f) for k, f in figures(result).items()}
    spec = result.spec
    name = spec.name if spec else "sensitivity"
    params = "".join(
        f"<tr><td>{e(str(p))}</td><td>{_f(float(ds['base'].sel(parameter=p)))}</td>"
        f"<td>{_f(float(ds['low'].sel(parameter=p)))} to {_f(float(ds['high'].sel(parameter=p)))}</td>"
        f"<td>{e(str(ds['scale'].sel(parameter=p).values))}</td>"
        f"<td>{e(str(ds['parameter_unit'].sel(parameter=p).values))}</td></tr>"
        for p in ds["parameter"].values)
    methods = []
    if "morris_trajectories" in ds.attrs:
        methods.append(f"Morris screening: r = {ds.attrs['morris_trajectories']} trajectories on "
                       f"{ds.attrs['morris_levels']} levels ({ds.attrs['morris_runs']} runs; Morris 1991, mu* of "
                       f"Campolongo 2007)")
    if "sobol_n" in ds.attrs:
        methods.append(f"Sobol' indices: N = {ds.attrs['sobol_n']} base samples, Saltelli design "
                       f"({ds.attrs['sobol_runs']} runs; estimators of Saltelli 2010), "
                       f"{ds.attrs['sobol_resamples']} bootstrap resamples")
    sections = []
    for o in ds["output"].values:
        o = str(o)
        rows = result.ranking(o)
        cols = [c for c in ("ST", "ST_conf", "S1", "S1_conf", "mu_star", "mu_star_conf", "sigma") if c in rows[0]]
        head = "".join(f"<th>{c}</th>" for c in ("rank", "parameter", *cols))
        body = "".join("<tr>" + f"<td>{r['rank']}</td><td>{e(r['parameter'])}</td>"
                       + "".join(f"<td>{_f(r[c])}</td>" for c in cols) + "</tr>" for r in rows)
        vals = result.samples["output_value"].sel(output=o).values
        finite = vals[np.isfinite(vals)]
        stats = (f"mean {_f(float(finite.mean()))}, SD {_f(float(finite.std()))}, range {_f(float(finite.min()))} "
                 f"to {_f(float(finite.max()))}" if finite.size else "no finite value")
        imgs = "".join(f"<img alt='{e(k)}' src='data:image/png;base64,{base64.b64encode(v).decode()}'>"
                       for k, v in pngs.items() if k in (f"sobol_{o}.png", f"morris_{o}.png"))
        sections.append(
            f"<h2>{e(str(ds['label'].sel(output=o).values) if 'label' in ds.coords else o)}</h2>"
            f"<p>{e(str(ds['description'].sel(output=o).values) if 'description' in ds.coords else '')} "
            f"({e(str(ds['output_unit'].sel(output=o).values) if 'output_unit' in ds.coords else '')}); over the "
            f"samples: {stats}.</p><table><tr>{head}</tr>{body}</table>{imgs}")
    notes = "".join(f"<li>{e(n)}</li>" for n in result.notes)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>pnisim sensitivity — {e(name)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}.notice{background:#fff3cd;padding:6px}img{max-width:100%}"
        "</style></head><body>"
        f"<h1>pnisim sensitivity analysis — {e(name)}</h1><p class='notice'>{DISCLAIMER} Indices describe the "
        "research model's behaviour over the sampled ranges, not facts about people or treatments.</p>"
        f"<p>{e(spec.description if spec else '')}</p><ul>{''.join(f'<li>{e(m)}</li>' for m in methods)}</ul>"
        f"{f'<ul>{notes}</ul>' if notes else ''}"
        "<h2>Parameters and ranges</h2><table><tr><th>parameter</th><th>base value</th><th>range</th>"
        f"<th>scale</th><th>unit</th></tr>{params}</table>"
        "<p>ST: share of the output variance involving the parameter (alone or with others); S1: share it "
        "explains alone; mu*: mean absolute change of the output when the parameter moves across its range "
        "(Morris elementary effects); sigma large relative to mu*: non-linear or interacting.</p>"
        f"{''.join(sections)}<footer><p class='notice'>{DISCLAIMER}</p></footer></body></html>\n"
    )
