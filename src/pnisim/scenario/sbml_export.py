"""What an SBML file of a scenario holds: the model, the first individual's parameters, inputs and initial state,
and that individual's scenario events, as keyword arguments of :func:`pnisim.engine.sbml.write_sbml`.

SBML describes one system, so a population is exported through one member: the first individual of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model.compose import Model
from ..model.library import get_model
from .build import plan
from .loading import parse_scenario
from .scenario import Scenario

__all__ = ["SbmlExport", "model_sbml", "scenario_sbml", "with_model", "first_individual"]


@dataclass(frozen=True)
class SbmlExport:
    """``write_sbml(model, path, **arguments)`` writes it; ``description`` says what it holds, for messages."""

    model: Model
    description: str
    arguments: dict = field(default_factory=dict)


def model_sbml(model: str) -> SbmlExport:
    """A shipped model alone, with its published parameter values and no events (the default scenario is
    written for the core model, so another model keeps its own values)."""
    return SbmlExport(get_model(model), "its published parameter values, no events")


def scenario_sbml(scenario: Scenario, *, model: str | None = None) -> SbmlExport:
    """``scenario`` (with its model replaced by ``model`` when given) as its first individual sees it."""
    if model is not None:
        scenario = with_model(scenario, model)
    p = plan(scenario)
    arguments = {"events": list(first_individual(p.events))}
    for name in ("parameters", "inputs", "initial_state"):
        value = getattr(p, name, None)
        if value is not None:
            arguments[name] = first_individual(value)
    return SbmlExport(p.model, f"scenario {scenario.name!r}, individual {p.individual_ids[0]}", arguments)


def first_individual(per_individual):
    """The first individual's entry of a per-individual array or list (a shared 1-D value stays as is)."""
    if isinstance(per_individual, np.ndarray):
        return per_individual[0] if per_individual.ndim == 2 else per_individual
    seq = list(per_individual)
    if seq and isinstance(seq[0], (list, tuple)):
        return seq[0]
    return seq


def with_model(scenario: Scenario, model: str) -> Scenario:
    """The scenario with its model replaced, validated again (an exposure the model cannot take is a SpecError)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["model"] = model
    return parse_scenario(data)
