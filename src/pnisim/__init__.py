"""pnisim — an open, evidence-graded simulator of the psychoneuroimmune system.

Research use only, not medical advice.

The public API, by task (each name is documented where it lives; ``help(pnisim.run_trial)``):

* **Spec files** — ``load_spec(path, kind)`` reads a scenario, trial or sensitivity file (TOML, YAML or JSON) to
  its validated model; ``json_schema(kind)`` is that kind's JSON Schema. Per kind: ``load_scenario``,
  ``loads_scenario``, ``default_scenario``, ``load_trial``, ``load_sensitivity``.
* **Models** — ``get_model(name, calibration=None)`` returns an immutable composed model; ``Calibration`` holds
  replacements of calibrated parameter and phenotype values; ``describe_model`` lists modules, states,
  parameters (unit, source, grade) and couplings; ``MODEL_NAMES``; ``PHENOTYPES``.
* **Simulating** — ``run_scenario`` (a scenario file or object -> an ``xarray.Dataset``); the population runner
  ``run_population(model, People, Design)``; the engine's ``simulate`` with ``Solver`` and ``Event``.
* **Studies** — ``run_trial``, ``case_control``, ``cohort``, ``simulate_meta``, ``random_effects``,
  ``run_sensitivity``.
* **Validation** — ``validate`` simulates every shipped target and reports fitted and held-out pass rates.
* **Errors** — ``PnisimError`` (base of all), ``SpecError``, ``UnitError``, ``ResourceLimitError``,
  ``SolverError``, ``ModelDefinitionError``, ``PnisimWarning``; ``DISCLAIMER``.

Names are imported on first use, so ``import pnisim`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .disclaimer import DISCLAIMER
from .errors import (ModelDefinitionError, PnisimError, PnisimWarning, ResourceLimitError, SolverError, SpecError,
                     UnitError)

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_HOME = {
    "load_spec": "pnisim.io.specs",
    "json_schema": "pnisim.io.specs",
    "load_scenario": "pnisim.scenario.loading",
    "loads_scenario": "pnisim.scenario.loading",
    "default_scenario": "pnisim.scenario.build",
    "load_trial": "pnisim.trial.spec",
    "load_sensitivity": "pnisim.calibrate.sensitivity",
    "get_model": "pnisim.model.library",
    "MODEL_NAMES": "pnisim.model.library",
    "Calibration": "pnisim.model.calibration",
    "PHENOTYPES": "pnisim.model.phenotypes",
    "describe_model": "pnisim.model.describe",
    "run_scenario": "pnisim.scenario.build",
    "People": "pnisim.population",
    "Design": "pnisim.population",
    "run_population": "pnisim.population",
    "simulate": "pnisim.engine.simulate",
    "Solver": "pnisim.engine.simulate",
    "Event": "pnisim.engine.simulate",
    "run_trial": "pnisim.trial.run",
    "case_control": "pnisim.trial.observational",
    "cohort": "pnisim.trial.observational",
    "simulate_meta": "pnisim.trial.meta_sim",
    "random_effects": "pnisim.trial.meta",
    "run_sensitivity": "pnisim.calibrate.sensitivity",
    "validate": "pnisim.validation.run",
}

__all__ = ["__version__", "DISCLAIMER", "PnisimError", "SpecError", "UnitError", "ResourceLimitError", "SolverError",
           "ModelDefinitionError", "PnisimWarning", *_HOME]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'pnisim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and IDEs; at run time each name is imported on first use
    from .calibrate.sensitivity import load_sensitivity, run_sensitivity
    from .engine.simulate import Event, Solver, simulate
    from .io.specs import json_schema, load_spec
    from .model.calibration import Calibration
    from .model.describe import describe_model
    from .model.library import MODEL_NAMES, get_model
    from .model.phenotypes import PHENOTYPES
    from .population import Design, People, run_population
    from .scenario.build import default_scenario, run_scenario
    from .scenario.loading import load_scenario, loads_scenario
    from .trial.meta import random_effects
    from .trial.meta_sim import simulate_meta
    from .trial.observational import case_control, cohort
    from .trial.run import run_trial
    from .trial.spec import load_trial
    from .validation.run import validate
