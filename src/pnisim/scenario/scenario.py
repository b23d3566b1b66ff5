"""A scenario: who (``[person]``, ``[population]``), for how long and how often (``[run]``), what happens to
them (``[[exposures]]``) and optional arms compared side by side — one validated, immutable :class:`Scenario`.

Validation happens once, at the boundary: field by field (pydantic), then every check that needs more than one
field (units, ranges, names in the model, windows inside the run, memory) in :func:`check_scenario`. Every problem
is a :class:`~pnisim.errors.SpecError` (or :class:`~pnisim.errors.UnitError`,
:class:`~pnisim.errors.ResourceLimitError`) naming the field, the owner, what is allowed and the value given.
Files are read by :mod:`pnisim.scenario.loading`.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Annotated, Any

import yaml
from pydantic import Field, model_validator

from ..errors import ResourceLimitError, SpecError
from ..model.calibration import Calibration
from ..model.compose import Model
from ..model.library import get_model as _get_model
from ..model.phenotypes import PHENOTYPES
from ..spec import SpecModel, did_you_mean, show_value
from . import units as U
from .clock import Effect, RunWindow, format_when
from .interventions import CatalogueExposure
from .person import PersonSpec, PopulationSpec, person_parameters
from .quantity import in_range
from .registry import NEEDS, Exposure
from .run_spec import MAX_BURN_IN_H, MAX_DURATION_H, MEMORY_LIMIT, RunSpec, gib

__all__ = ["ArmSpec", "Scenario", "check_scenario"]


class ArmSpec(SpecModel):
    """One arm of a comparison: the scenario's own exposures plus these. Every arm gets the same individuals
    (the same parameter draws), so arms differ only by what is done to them."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")] = Field(
        description="short name: a letter, then letters, digits, '_' or '-' (at most 40)")
    description: str = Field("", description="free text")
    exposures: list[Exposure] = Field(default_factory=list, description="exposures of this arm only")


class Scenario(SpecModel):
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
        check_scenario(self)
        return self

    # ---- derived values (no side effects)
    def canonical_json(self) -> str:
        """The validated spec as canonical JSON (sorted keys, no spaces): what :meth:`spec_hash` hashes."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                          allow_nan=False)

    def spec_hash(self) -> str:
        """sha256 of :meth:`canonical_json`."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def get_model(self, calibration: Calibration | None = None) -> Model:
        """The model this scenario runs, with ``calibration``'s values (default: the shipped calibration)."""
        model = _get_model(self.model, calibration)
        if self.run.fast_states == "quasi-steady":
            from ..model.library import for_long_runs

            model = for_long_runs(model)
        return model

    def person_parameters(self, calibration: Calibration | None = None) -> dict[str, float]:
        """The person's parameter values that differ from the model's (qualified name -> value in its unit):
        phenotype preset (with ``calibration``'s preset values), then wake time, then explicit overrides."""
        presets = PHENOTYPES if calibration is None else calibration.presets
        return person_parameters(self, self.get_model(calibration), presets)

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


def check_scenario(s: Scenario) -> None:
    """Every check that needs more than one field: units, ranges, names in the model, windows, memory."""
    model = s.get_model()  # SpecError with did-you-mean for an unknown model

    # -- run
    r = s.run
    duration = in_range(r.duration, U.TIME, "The 'duration' of [run]", 0.0, MAX_DURATION_H, above_hi="100 years")
    sampling = in_range(r.sampling, U.TIME, "The 'sampling' of [run]", 0.0, None)
    in_range(r.burn_in, U.TIME, "The 'burn_in' of [run]", 0.0, MAX_BURN_IN_H, lo_open=False, above_hi="365 d")
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
                    f"(observables: {', '.join(model.observable_names)}).{did_you_mean(out, known)} "
                    f"Got {out!r} (outputs[{k}]) instead."
                )
            if out in seen:
                raise SpecError(f"The 'outputs' of [run] must not repeat a name. Got {out!r} twice instead.")
            seen.add(out)

    # -- person
    person_parameters(s, model)

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
        needs = [NEEDS[e.type]]
        if isinstance(e, CatalogueExposure):
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
        times = show_value(math.floor(n_times) if math.isfinite(n_times) else n_times)
        raise ResourceLimitError(
            f"The [run] sampling needs about {gib(per_person_engine)} per individual ({times} output times x "
            f"{len(model.observable_names) + len(model.state_names)} variables while integrating); the limit is "
            f"{gib(MEMORY_LIMIT)}. Sample less often or shorten the run. Got sampling {str(r.sampling)!r} and "
            f"duration {str(r.duration)!r} instead."
        )
    if not plan_bytes <= MEMORY_LIMIT / 2:
        raise ResourceLimitError(
            f"The 'size' of [population] needs about {gib(plan_bytes)} for the per-individual parameters alone "
            f"({n_people} individuals, {len(s.arm_names())} arm(s), x {len(model.parameter_names)} parameters); "
            f"the limit is {gib(MEMORY_LIMIT / 2)} (half of {gib(MEMORY_LIMIT)}). Split the population into "
            f"several runs with different seeds. Got size {s.population.size} instead."
        )


def _check_no_overlap(exposures: list, win: RunWindow) -> None:
    """Two courses or regimens of the same library intervention must not run at the same time."""
    spans: dict[str, list[tuple[float, float, int]]] = {}
    for i, e in enumerate(exposures):
        if isinstance(e, CatalogueExposure):
            a, b = e.active_interval(win)
            spans.setdefault(e.type, []).append((a, b, i))
    for kind, items in spans.items():
        items.sort()
        for (a0, b0, i0), (a1, _, i1) in zip(items, items[1:]):
            if a1 < b0 - 1e-9:
                first, second = exposures[i0], exposures[i1]
                raise SpecError(
                    f"The 'day' and 'time' of exposure {second.name()!r} must not fall while exposure "
                    f"{first.name()!r} of the same type {kind!r} is still active (until {format_when(b0)}): "
                    f"overlapping schedules of one intervention are not allowed. Got day {second.day} {second.time} "
                    f"instead."
                )

