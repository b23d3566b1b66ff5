"""Trial specifications as data: who is screened, who is included, how they are randomised, what each arm gets,
when they are seen and what is measured.

A trial file (TOML or YAML) reads like a protocol::

    name = "shields2020_cbt_immune"
    model = "whole"
    duration = "24 week"
    visits = ["0 week", "12 week", "24 week"]

    [population]
    per_arm = 100
    seed = 1
    mixture = { chronic_stress = 0.7, mdd = 0.3 }

    [[inclusion]]
    observable = "pss10"
    op = ">="
    value = 16

    [[arms]]
    name = "control"

    [[arms]]
    name = "cbt"
    exposures = [{ type = "cbt", day = 0, time = "10:00" }]

    [[endpoints]]
    observable = "crp"

Exposures are the scenario library's (``pnisim.scenario.exposures``, ``pnisim.scenario.interventions``), timed
from randomisation (day 0). The first arm is the control arm. Validation reuses the scenario checks, so every
problem is a SpecError naming the field, the value and what is allowed; nothing is evaluated from the file.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..errors import SpecError
from ..model.library import FAST_SENSITIVE
from ..scenario import units as U
from ..scenario.loading import parse_scenario, require_exposure_types, validate_spec
from ..model.phenotypes import PHENOTYPES
from ..scenario.quantity import Quantity
from ..scenario.registry import Exposure
from ..scenario.scenario import ArmSpec, Scenario
from ..spec import SpecModel, did_you_mean, read_file, schema_document, write_schema

__all__ = ["TrialSpec", "Criterion", "Endpoint", "TrialPopulation", "load_trial", "parse_trial", "MAX_PARTICIPANTS",
           "TRIAL_SCHEMA_PATH", "trial_json_schema", "write_trial_json_schema"]

#: Screened candidates are capped so a trial never exceeds memory (visits only are kept).
MAX_PARTICIPANTS = 200_000


class Correlation(SpecModel):
    a: str = Field(description="parameter name (module.name)")
    b: str = Field(description="parameter name (module.name)")
    r: float = Field(gt=-1, lt=1, description="correlation of the log values")


class BaselineTarget(SpecModel):
    observable: str
    kind: Literal["lognormal", "normal"]
    a: float = Field(description="median (lognormal) or mean (normal), in the observable's unit")
    b: float = Field(gt=0, description="geometric SD (> 1, lognormal) or SD (normal)")


class Spread(SpecModel):
    """A truncated normal distribution of a covariate: mean, sd, and the range [low, high] it is cut to."""

    mean: float
    sd: float = Field(ge=0)
    low: float
    high: float


class Demographics(SpecModel):
    """Covariates drawn per candidate (``pnisim.trial.covariates``): BMI and sex scale CRP synthesis by their
    published associations; age is recorded and reported only."""

    age: Spread | None = Field(None, description="years (truncated normal)")
    female: float | None = Field(None, ge=0.0, le=1.0, description="fraction of women")
    bmi: Spread | None = Field(None, description="kg/m^2 (truncated normal)")


class TrialPopulation(SpecModel):
    per_arm: Annotated[int, Field(strict=True)] = Field(description="participants randomised to each arm (>= 2)")
    seed: Annotated[int, Field(strict=True, ge=0)] = Field(0, description="seed of draws, screening noise and "
                                                                          "randomisation")
    mixture: dict[str, float] = Field(default_factory=lambda: {"healthy": 1.0},
                                      description="phenotype -> fraction of the screened population (sums to 1)")
    variability: bool = Field(True, description="draw between-person parameters (log-normal, each parameter's cv)")
    screen_factor: float = Field(3.0, ge=1.0, le=100.0, description="candidates screened per place in the trial")
    correlations: list[Correlation] = Field(default_factory=list, description="log-scale correlations between "
                                                                             "parameters that vary between people")
    plausible: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="observable -> [low, high]: candidates outside are not plausible")
    target: BaselineTarget | None = Field(None, description="select candidates so that a baseline observable "
                                                            "follows this distribution (Allen 2016)")
    demographics: Demographics | None = Field(None, description="age, sex and BMI of the candidates")


class Criterion(SpecModel):
    """An inclusion criterion on a baseline measurement (with assay noise when the trial measures with it)."""

    observable: str
    op: Literal[">=", ">", "<=", "<"]
    value: float

    def passes(self, x):
        import numpy as np

        x = np.asarray(x, dtype=float)
        return {">=": x >= self.value, ">": x > self.value, "<=": x <= self.value, "<": x < self.value}[self.op]

    def text(self) -> str:
        return f"{self.observable} {self.op} {self.value:g}"


class Endpoint(SpecModel):
    """What is compared between arms, from the measured values at the visits (or, for time_to_event, the true
    course on a daily grid):

    * ``change`` (default): baseline to last visit — mean difference, Hedges g, pretest–posttest–control g,
      ANCOVA and % change vs control;
    * ``value``: the last visit — mean difference, Hedges g, ANCOVA adjusted for baseline;
    * ``auc``: the time-averaged area under the visit curve (trapezoids, in the observable's unit) — mean
      difference and Hedges g;
    * ``event``: ``observable op threshold`` at any visit after baseline — risk ratio;
    * ``time_to_event``: first day after randomisation on which ``observable op threshold`` holds — Cox hazard
      ratio (censored at dropout and at the end); e.g. time to first flare with ``flare >= 0.5``.
    """

    observable: str
    label: str | None = None
    kind: Literal["change", "value", "auc", "event", "time_to_event"] = "change"
    op: Literal[">=", ">", "<=", "<"] | None = Field(None, description="event definition (event, time_to_event)")
    threshold: float | None = Field(None, description="event threshold in the observable's unit")

    def holds(self, x):
        return Criterion(observable=self.observable, op=self.op, value=self.threshold).passes(x)

    def name(self) -> str:
        if self.label:
            return self.label
        base = self.observable
        if self.kind in ("event", "time_to_event"):
            return f"{base} ({'time to ' if self.kind == 'time_to_event' else ''}{self.observable} {self.op} " \
                   f"{self.threshold:g})"
        return base if self.kind == "change" else f"{base} ({self.kind})"


class Dropout(SpecModel):
    """Loss to follow-up: each participant leaves at an exponential time such that ``fraction`` have left by the
    end of the trial (non-informative); visits after that are missing and analyses are complete-case."""

    fraction: float = Field(ge=0, lt=1, description="fraction lost by the end of the trial")


class Adherence(SpecModel):
    """Each participant's adherence to their arm's exposures: a Beta draw with this mean and SD (0 = nothing
    taken, 1 = all), scaling each exposure's effect on its inputs and every dose."""

    mean: float = Field(gt=0, le=1)
    sd: float = Field(0.0, ge=0, lt=0.5)


class Randomisation(SpecModel):
    """Simple (permuted blocks over everyone) or stratified (permuted blocks within the strata of a measured
    baseline observable split at its median)."""

    kind: Literal["simple", "stratified"] = "simple"
    by: str | None = Field(None, description="baseline observable defining two strata (below / at or above the "
                                             "median of the included); required when stratified")


class TrialSpec(SpecModel):
    name: str = "trial"
    description: str = ""
    model: str = "whole"
    duration: Quantity = Field(description="follow-up from randomisation (> 0, <= 10 years)")
    burn_in: Quantity = Field(Quantity(value=28, unit="d"), description="settling before baseline (>= 0, <= 1 year)")
    burn_in_exposures: list[Exposure] = Field(
        default_factory=list, description="exposures of every candidate during the settling period (day 0 = its "
                                          "start), e.g. a flare_trigger so that people enter with active disease")
    visits: list[Quantity] = Field(min_length=2, description="visit times from randomisation; the first is "
                                                             "baseline (0)")
    population: TrialPopulation
    inclusion: list[Criterion] = Field(default_factory=list)
    arms: list[ArmSpec] = Field(min_length=2, description="the first arm is the control arm")
    endpoints: list[Endpoint] = Field(min_length=1)
    randomisation: Randomisation = Field(Randomisation())
    dropout: Dropout | None = Field(None, description="loss to follow-up (default none)")
    adherence: Adherence | None = Field(None, description="per-participant adherence (default full)")
    event_sampling: Quantity = Field(Quantity(value=1, unit="d"), description="grid on which time_to_event "
                                                                              "endpoints are checked")
    measurement_error: bool = Field(True, description="apply assay / questionnaire error at every visit")
    biological_variation: bool = Field(True, description="add each biomarker's documented within-person "
                                                          "day-to-day variation at every visit (with "
                                                          "measurement_error)")
    fast_states: Literal["auto", "quasi-steady", "integrate"] = Field(
        "auto", description="'quasi-steady' holds the model's minutes-scale relaxations (autonomic tone, peripheral "
                            "cortisol, StARp) at their quasi-steady state, 2-3x faster over weeks; 'integrate' "
                            "solves the full model; 'auto' integrates only when the trial reads an observable the "
                            "reduction changes (HPA readouts such as cortisol)")

    @model_validator(mode="after")
    def _semantics(self) -> "TrialSpec":
        check_trial(self)
        return self

    # ---- derived
    def observables_read(self) -> set[str]:
        """Every observable the trial reads: endpoints, inclusion, plausibility, baseline target, strata."""
        names = {e.observable for e in self.endpoints} | {c.observable for c in self.inclusion}
        names |= set(self.population.plausible)
        if self.population.target is not None:
            names.add(self.population.target.observable)
        if self.randomisation.by:
            names.add(self.randomisation.by)
        return names

    def quasi_steady(self) -> bool:
        """Whether the run holds the model's fast states in quasi-steady state (see ``fast_states``)."""
        if self.fast_states != "auto":
            return self.fast_states == "quasi-steady"
        return not (self.observables_read() & set(FAST_SENSITIVE.get(self.model, ())))

    # ---- derived
    def visit_hours(self) -> list[float]:
        return [v.to(U.TIME, "visits") for v in self.visits]

    def scenario(self) -> Scenario:
        """The validated scenario whose arms carry the exposures (time from randomisation)."""
        return _scenario_of(self)

    def burn_in_scenario(self) -> Scenario | None:
        """The settling period as a scenario (its day 0 = start of the burn-in), when it has exposures."""
        return _burn_in_scenario_of(self) if self.burn_in_exposures else None


def _scenario_of(t: TrialSpec) -> Scenario:
    return parse_scenario({
        "name": t.name, "model": t.model,
        "run": {"duration": str(t.duration), "burn_in": "0 d", "sampling": str(t.duration)},
        "arms": [a.model_dump(mode="json", exclude_none=True) for a in t.arms],
    })


def _burn_in_scenario_of(t: TrialSpec) -> Scenario:
    return parse_scenario({
        "name": f"{t.name}_burn_in", "model": t.model,
        "run": {"duration": str(t.burn_in), "burn_in": "0 d", "sampling": str(t.burn_in)},
        "exposures": [e.model_dump(mode="json", exclude_none=True) for e in t.burn_in_exposures],
    }, source="the 'burn_in_exposures' of the trial")


def check_trial(t: TrialSpec) -> None:
    demo = t.population.demographics
    if demo is not None:
        for name, lo, hi, unit in (("age", 0.0, 120.0, "years"), ("bmi", 10.0, 80.0, "kg/m^2")):
            d = getattr(demo, name)
            if d is None:
                continue
            if not (all(math.isfinite(v) for v in (d.mean, d.sd, d.low, d.high)) and lo <= d.low < d.high <= hi):
                raise SpecError(f"The '{name}' of [population.demographics] must have finite values and "
                                f"{lo:g} <= low < high <= {hi:g} ({unit}). Got low={d.low!r}, high={d.high!r} instead.")
            if not d.low <= d.mean <= d.high:
                raise SpecError(f"The 'mean' of '{name}' in [population.demographics] must lie in [low, high] = "
                                f"[{d.low:g}, {d.high:g}]. Got {d.mean!r} instead.")
    duration = t.duration.to(U.TIME, "The 'duration' of the trial")
    if not (math.isfinite(duration) and 0 < duration <= 10 * 365.25 * 24):
        raise SpecError(f"The 'duration' of the trial must be > 0 and <= 10 years. Got {str(t.duration)!r} instead.")
    burn = t.burn_in.to(U.TIME, "The 'burn_in' of the trial")
    if not (math.isfinite(burn) and 0 <= burn <= 365 * 24):
        raise SpecError(f"The 'burn_in' of the trial must be >= 0 and <= 365 d. Got {str(t.burn_in)!r} instead.")
    hours = [v.to(U.TIME, f"visits[{k}] of the trial") for k, v in enumerate(t.visits)]
    if hours[0] != 0:
        raise SpecError(f"The first of the 'visits' of the trial must be 0 (baseline, at randomisation). "
                        f"Got {str(t.visits[0])!r} instead.")
    for k, (a, b) in enumerate(zip(hours, hours[1:]), start=1):
        if not b > a:
            raise SpecError(f"The 'visits' of the trial must be strictly increasing. Got {str(t.visits[k])!r} "
                            f"after {str(t.visits[k - 1])!r} instead.")
    for k, h in enumerate(hours):
        if h > duration + 1e-9:
            raise SpecError(f"visits[{k}] of the trial must lie within its duration ({t.duration}). "
                            f"Got {str(t.visits[k])!r} instead.")
    p = t.population
    if p.per_arm < 2:
        raise SpecError(f"The 'per_arm' of [population] must be an integer >= 2. Got {p.per_arm} instead.")
    for name, frac in p.mixture.items():
        if name not in PHENOTYPES:
            raise SpecError(f"The 'mixture' of [population] must name phenotypes ({', '.join(PHENOTYPES)})."
                            f"{did_you_mean(name, list(PHENOTYPES))} Got {name!r} instead.")
        if not (math.isfinite(frac) and 0 <= frac <= 1):
            raise SpecError(f"The fraction of {name!r} in the 'mixture' of [population] must be in [0, 1]. "
                            f"Got {frac!r} instead.")
    total = sum(p.mixture.values())
    if abs(total - 1) > 1e-6:
        raise SpecError(f"The fractions of the 'mixture' of [population] must sum to 1. Got {total:g} instead.")
    n_screen = math.ceil(p.per_arm * len(t.arms) * p.screen_factor)
    if n_screen > MAX_PARTICIPANTS:
        raise SpecError(f"The 'per_arm' of [population] x arms x screen_factor must stay <= {MAX_PARTICIPANTS} "
                        f"screened candidates. Got {n_screen} ({p.per_arm} x {len(t.arms)} x {p.screen_factor:g}) "
                        f"instead.")
    if t.burn_in_exposures:
        if burn <= 0:
            raise SpecError(f"The 'burn_in_exposures' of the trial need a burn_in > 0 to happen in. Got "
                            f"{str(t.burn_in)!r} instead.")
        _burn_in_scenario_of(t)  # every exposure inside the settling period, with valid units and ranges
    scenario = _scenario_of(t)  # validates arm names and every exposure (units, ranges, doses, overlaps)
    model = scenario.get_model()
    names = model.observable_names
    for what, items in (("inclusion", [c.observable for c in t.inclusion]),
                        ("endpoints", [e.observable for e in t.endpoints])):
        for k, obs in enumerate(items):
            if obs not in names:
                raise SpecError(f"The 'observable' of {what}[{k}] must be an observable of model {t.model!r}."
                                f"{did_you_mean(obs, names)} Got {obs!r} instead.")
    for k, e in enumerate(t.endpoints):
        needs = e.kind in ("event", "time_to_event")
        if needs and (e.op is None or e.threshold is None or not math.isfinite(e.threshold)):
            raise SpecError(f"endpoints[{k}] of kind {e.kind!r} must define the event with 'op' (>=, >, <=, <) and a "
                            f"finite 'threshold'. Got op = {e.op!r}, threshold = {e.threshold!r} instead.")
        if not needs and (e.op is not None or e.threshold is not None):
            raise SpecError(f"endpoints[{k}] of kind {e.kind!r} takes no 'op' or 'threshold' (only event and "
                            f"time_to_event endpoints do). Got op = {e.op!r}, threshold = {e.threshold!r} instead.")
    step = t.event_sampling.to(U.TIME, "The 'event_sampling' of the trial")
    if not (math.isfinite(step) and 0.25 <= step <= 28 * 24):
        raise SpecError(f"The 'event_sampling' of the trial must be between 15 min and 28 d. Got "
                        f"{str(t.event_sampling)!r} instead.")
    if t.adherence is not None:
        a = t.adherence
        if a.sd > 0 and a.sd**2 >= a.mean * (1 - a.mean):
            raise SpecError(f"The 'sd' of [adherence] must be below sqrt(mean (1 - mean)) = "
                            f"{math.sqrt(a.mean * (1 - a.mean)):.3g} for a Beta distribution with mean {a.mean:g}. "
                            f"Got {a.sd:g} instead.")
    for k, c in enumerate(p.correlations):
        for which in (c.a, c.b):
            if which not in model.parameter_names:
                raise SpecError(f"The parameter of correlations[{k}] of [population] must be a parameter of model "
                                f"{t.model!r}.{did_you_mean(which, model.parameter_names)} Got {which!r} instead.")
    for obs, (lo, hi) in p.plausible.items():
        if obs not in names:
            raise SpecError(f"The 'plausible' ranges of [population] must name observables of model {t.model!r}."
                            f"{did_you_mean(obs, names)} Got {obs!r} instead.")
        if not lo < hi:
            raise SpecError(f"The plausible range of {obs!r} in [population] must have low < high. Got [{lo}, {hi}] "
                            f"instead.")
    if p.target is not None:
        if p.target.observable not in names:
            raise SpecError(f"The 'observable' of [population.target] must be an observable of model {t.model!r}."
                            f"{did_you_mean(p.target.observable, names)} Got {p.target.observable!r} instead.")
        if p.target.kind == "lognormal" and not (p.target.a > 0 and p.target.b > 1):
            raise SpecError(f"A lognormal [population.target] needs a median a > 0 and a geometric SD b > 1. Got "
                            f"a = {p.target.a}, b = {p.target.b} instead.")
    r = t.randomisation
    if r.kind == "stratified" and (r.by is None or r.by not in names):
        raise SpecError(f"The 'by' of [randomisation] must name an observable of model {t.model!r} when kind is "
                        f"'stratified'.{did_you_mean(r.by or '', names)} Got {r.by!r} instead.")
    for name in p.mixture:
        bad = [k for k in PHENOTYPES[name] if k not in model.parameter_names]
        if bad:
            raise SpecError(f"The 'mixture' of [population] names phenotype {name!r}, which sets {bad[0]!r}: model "
                            f"{t.model!r} does not have it. Got {name!r} instead.")


def parse_trial(data, *, source: str | None = None) -> TrialSpec:
    """Validate a mapping into a TrialSpec; every problem is a SpecError naming the field and the value."""
    return validate_spec(TrialSpec, data, noun="trial", source=source,
                         keys="name, model, duration, visits, population, inclusion, arms, endpoints")


def load_trial(path: str | Path) -> TrialSpec:
    """Read and validate a trial file (.toml, .yaml, .yml or .json), like every other spec file (pnisim.spec)."""
    return parse_trial(read_file(path, noun="trial"), source=str(Path(path)))


TRIAL_SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "trial.schema.json"


def trial_json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of trial files, generated from the pydantic models."""
    return schema_document(
        require_exposure_types(TrialSpec.model_json_schema(mode="validation")), kind="trial", title="pnisim trial",
        description="A pnisim in-silico randomised trial (TOML or YAML): population, inclusion, arms, visits, "
                    "endpoints, randomisation, adherence and dropout. Exposure times count from randomisation.")


def write_trial_json_schema(path: str | Path = TRIAL_SCHEMA_PATH) -> Path:
    """Write :func:`trial_json_schema` to ``path`` (default: the published copy in ``pnisim/schemas``)."""
    return write_schema(trial_json_schema(), path)
