"""Every kind of spec file pnisim reads, in one registry: load any of them by kind, and get its JSON Schema.

=============  ==========================================  ==========================================
kind           what the file describes                     read by
=============  ==========================================  ==========================================
scenario       who, for how long, what happens to them     ``pnisim run``, ``pnisim export-sbml``
trial          an in-silico randomised trial               ``pnisim trial``, ``pnisim meta``
sensitivity    a Morris / Sobol' sensitivity analysis      ``pnisim sensitivity``
=============  ==========================================  ==========================================

All kinds are read by :mod:`pnisim.spec` (TOML, YAML or JSON; clock times stay 'HH:MM'; one message shape);
the per-kind functions (:func:`~pnisim.scenario.load_scenario`, :func:`~pnisim.trial.spec.load_trial`,
:func:`~pnisim.calibrate.sensitivity.load_sensitivity`) are what :func:`load_spec` calls. ``pnisim meta`` reads a
trial file, so it has no kind of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ..calibrate.sensitivity import (
    SENSITIVITY_SCHEMA_PATH,
    load_sensitivity,
    parse_sensitivity,
    sensitivity_json_schema,
)
from ..errors import SpecError
from ..scenario.loading import SCHEMA_PATH, json_schema as scenario_json_schema, load_scenario, parse_scenario
from ..spec import did_you_mean
from ..trial.spec import TRIAL_SCHEMA_PATH, load_trial, parse_trial, trial_json_schema
from .writers import write_json

__all__ = ["SpecKind", "KINDS", "spec_kind", "load_spec", "parse_spec", "json_schema", "write_json_schema"]


@dataclass(frozen=True)
class SpecKind:
    """One kind of spec file: how to load and validate it, and its JSON Schema (generated and shipped)."""

    name: str
    description: str
    load: Callable[[str | Path], BaseModel]
    parse: Callable[..., BaseModel]
    schema: Callable[[], dict]
    schema_path: Path


KINDS: dict[str, SpecKind] = {k.name: k for k in (
    SpecKind("scenario", "who, for how long and what happens to them", load_scenario, parse_scenario,
             scenario_json_schema, SCHEMA_PATH),
    SpecKind("trial", "an in-silico randomised trial", load_trial, parse_trial, trial_json_schema,
             TRIAL_SCHEMA_PATH),
    SpecKind("sensitivity", "a global sensitivity analysis (Morris, Sobol')", load_sensitivity, parse_sensitivity,
             sensitivity_json_schema, SENSITIVITY_SCHEMA_PATH),
)}


def spec_kind(kind: str) -> SpecKind:
    """The registered kind named ``kind`` (a SpecError with a did-you-mean otherwise)."""
    if kind not in KINDS:
        raise SpecError(f"The kind of spec must be one of {', '.join(KINDS)}.{did_you_mean(kind, list(KINDS))} "
                        f"Got {kind!r} instead.")
    return KINDS[kind]


def load_spec(path: str | Path, kind: str) -> BaseModel:
    """Read and validate a spec file of ``kind`` (.toml, .yaml, .yml or .json)."""
    return spec_kind(kind).load(path)


def parse_spec(data: object, kind: str, *, source: str | None = None) -> BaseModel:
    """Validate plain data (as read from a file) as a spec of ``kind``."""
    return spec_kind(kind).parse(data, source=source)


def json_schema(kind: str) -> dict:
    """The JSON Schema (draft 2020-12) of files of ``kind``, generated from its pydantic models."""
    return spec_kind(kind).schema()


def write_json_schema(kind: str, path: str | Path | None = None) -> Path:
    """Write the JSON Schema of ``kind`` to ``path`` (default: the copy shipped in ``pnisim/schemas``)."""
    target = Path(path) if path is not None else spec_kind(kind).schema_path
    write_json(json_schema(kind), target)
    return target
