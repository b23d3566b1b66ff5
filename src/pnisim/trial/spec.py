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

Exposures are the scenario library's (``pnisim.scenario.spec``), timed from randomisation (day 0). The first
arm is the control arm. Validation reuses the scenario checks, so every problem is a SpecError naming the field,
the value and what is allowed; nothing is evaluated from the file.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, model_validator

from ..errors import SpecError
from ..scenario import units as U
from ..scenario.spec import (
    PHENOTYPES,
    ArmSpec,
    Quantity,
    Scenario,
    _did_you_mean,
    _Spec,
    parse_scenario,
    validate_spec,
)

__all__ = ["TrialSpec", "Criterion", "Endpoint", "TrialPopulation", "load_trial", "parse_trial", "MAX_PARTICIPANTS"]

#: Screened candidates are capped so a trial never exceeds memory (visits only are kept).
MAX_PARTICIPANTS = 200_000


class Correlation(_Spec):
    a: str = Field(description="parameter name (module.name)")
    b: str = Field(description="parameter name (module.name)")
    r: float = Field(gt=-1, lt=1, description="correlation of the log values")


class BaselineTarget(_Spec):
    observable: str
    kind: Literal["lognormal", "normal"]
    a: float = Field(description="median (lognormal) or mean (normal), in the observable's unit")
    b: float = Field(gt=0, description="geometric SD (> 1, lognormal) or SD (normal)")


class TrialPopulation(_Spec):
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


class Criterion(_Spec):
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


class Endpoint(_Spec):
    observable: str
    label: str | None = None


class Randomisation(_Spec):
    """Simple (permuted blocks over everyone) or stratified (permuted blocks within the strata of a measured
    baseline observable split at its median)."""

    kind: Literal["simple", "stratified"] = "simple"
    by: str | None = Field(None, description="baseline observable defining two strata (below / at or above the "
                                             "median of the included); required when stratified")


class TrialSpec(_Spec):
    name: str = "trial"
    description: str = ""
    model: str = "whole"
    duration: Quantity = Field(description="follow-up from randomisation (> 0, <= 10 years)")
    burn_in: Quantity = Field(Quantity(value=28, unit="d"), description="settling before baseline (>= 0, <= 1 year)")
    visits: list[Quantity] = Field(min_length=2, description="visit times from randomisation; the first is "
                                                             "baseline (0)")
    population: TrialPopulation
    inclusion: list[Criterion] = Field(default_factory=list)
    arms: list[ArmSpec] = Field(min_length=2, description="the first arm is the control arm")
    endpoints: list[Endpoint] = Field(min_length=1)
    randomisation: Randomisation = Field(Randomisation())
    measurement_error: bool = Field(True, description="apply assay / questionnaire error at every visit")

    @model_validator(mode="after")
    def _semantics(self) -> "TrialSpec":
        check_trial(self)
        return self

    # ---- derived
    def visit_hours(self) -> list[float]:
        return [v.to(U.TIME, "visits") for v in self.visits]

    def scenario(self) -> Scenario:
        """The validated scenario whose arms carry the exposures (time from randomisation)."""
        return _scenario_of(self)


def _scenario_of(t: TrialSpec) -> Scenario:
    return parse_scenario({
        "name": t.name, "model": t.model,
        "run": {"duration": str(t.duration), "burn_in": "0 d", "sampling": str(t.duration)},
        "arms": [a.model_dump(mode="json", exclude_none=True) for a in t.arms],
    })


def check_trial(t: TrialSpec) -> None:
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
                            f"{_did_you_mean(name, list(PHENOTYPES))} Got {name!r} instead.")
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
    scenario = _scenario_of(t)  # validates arm names and every exposure (units, ranges, doses, overlaps)
    model = scenario.get_model()
    names = model.observable_names
    for what, items in (("inclusion", [c.observable for c in t.inclusion]),
                        ("endpoints", [e.observable for e in t.endpoints])):
        for k, obs in enumerate(items):
            if obs not in names:
                raise SpecError(f"The 'observable' of {what}[{k}] must be an observable of model {t.model!r}."
                                f"{_did_you_mean(obs, names)} Got {obs!r} instead.")
    for k, c in enumerate(p.correlations):
        for which in (c.a, c.b):
            if which not in model.parameter_names:
                raise SpecError(f"The parameter of correlations[{k}] of [population] must be a parameter of model "
                                f"{t.model!r}.{_did_you_mean(which, model.parameter_names)} Got {which!r} instead.")
    for obs, (lo, hi) in p.plausible.items():
        if obs not in names:
            raise SpecError(f"The 'plausible' ranges of [population] must name observables of model {t.model!r}."
                            f"{_did_you_mean(obs, names)} Got {obs!r} instead.")
        if not lo < hi:
            raise SpecError(f"The plausible range of {obs!r} in [population] must have low < high. Got [{lo}, {hi}] "
                            f"instead.")
    if p.target is not None:
        if p.target.observable not in names:
            raise SpecError(f"The 'observable' of [population.target] must be an observable of model {t.model!r}."
                            f"{_did_you_mean(p.target.observable, names)} Got {p.target.observable!r} instead.")
        if p.target.kind == "lognormal" and not (p.target.a > 0 and p.target.b > 1):
            raise SpecError(f"A lognormal [population.target] needs a median a > 0 and a geometric SD b > 1. Got "
                            f"a = {p.target.a}, b = {p.target.b} instead.")
    r = t.randomisation
    if r.kind == "stratified" and (r.by is None or r.by not in names):
        raise SpecError(f"The 'by' of [randomisation] must name an observable of model {t.model!r} when kind is "
                        f"'stratified'.{_did_you_mean(r.by or '', names)} Got {r.by!r} instead.")
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
    path = Path(path)
    if path.suffix.lower() not in (".toml", ".yaml", ".yml"):
        raise SpecError(f"The trial file {str(path)!r} must end in .toml, .yaml or .yml. Got {path.suffix!r} instead.")
    if not path.is_file():
        raise SpecError(f"The trial file {str(path)!r} must exist. Got a path that does not exist instead.")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"The trial file {str(path)!r} must be valid {path.suffix[1:].upper()}. Got: {exc}") from None
    return parse_trial(data, source=str(path))
