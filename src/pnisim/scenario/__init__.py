"""Scenarios: who, for how long, and what happens to them — as data (TOML/YAML), validated once.

Public API::

    load_scenario(path) -> Scenario          # .toml / .yaml / .yml
    loads_scenario(text, fmt) -> Scenario
    parse_scenario(mapping) -> Scenario
    default_scenario() -> Scenario
    plan(scenario) -> RunPlan                # arrays and events for the engine, no simulation
    run_scenario(scenario, *, progress=None) -> xarray.Dataset
    json_schema() -> dict
"""

from .build import RunPlan as RunPlan, default_scenario as default_scenario, plan as plan
from .build import run_scenario as run_scenario
from .spec import EXPOSURE_TYPES as EXPOSURE_TYPES, PHENOTYPES as PHENOTYPES, Scenario as Scenario
from .spec import json_schema as json_schema, load_scenario as load_scenario, loads_scenario as loads_scenario
from .spec import parse_scenario as parse_scenario

__all__ = [
    "EXPOSURE_TYPES", "PHENOTYPES", "RunPlan", "Scenario", "default_scenario", "json_schema", "load_scenario",
    "loads_scenario", "parse_scenario", "plan", "run_scenario",
]
