"""Scenarios: who, for how long, and what happens to them — as data (TOML/YAML/JSON), validated once.

Public API::

    load_scenario(path) -> Scenario          # .toml / .yaml / .yml / .json
    loads_scenario(text, fmt) -> Scenario
    parse_scenario(mapping) -> Scenario
    default_scenario() -> Scenario
    plan(scenario) -> RunPlan                # arrays and events for the engine, no simulation
    run_scenario(scenario, *, progress=None) -> xarray.Dataset
    json_schema() -> dict

Where each concept lives: ``clock`` (clock times, the run window, Pulse/Level/Bolus), ``quantity`` (numbers with
units), ``exposures`` and ``interventions`` (what can happen to a person), ``registry`` (every exposure type),
``phenotypes`` (presets), ``person`` (who), ``run_spec`` (how long, how often, memory), ``scenario`` (the whole
and its cross-field checks), ``loading`` (files and the JSON Schema), ``build`` (scenario -> engine run).
"""

from .build import RunPlan as RunPlan, default_scenario as default_scenario, plan as plan
from .build import run_scenario as run_scenario
from .loading import json_schema as json_schema, load_scenario as load_scenario, loads_scenario as loads_scenario
from .loading import parse_scenario as parse_scenario
from ..model.phenotypes import PHENOTYPES as PHENOTYPES
from .registry import EXPOSURE_TYPES as EXPOSURE_TYPES
from .scenario import Scenario as Scenario

__all__ = [
    "EXPOSURE_TYPES", "PHENOTYPES", "RunPlan", "Scenario", "default_scenario", "json_schema", "load_scenario",
    "loads_scenario", "parse_scenario", "plan", "run_scenario",
]
