"""Scenario files (TOML, YAML or JSON) -> one validated :class:`~pnisim.scenario.scenario.Scenario`, and the
JSON Schema of those files.

Files are read by :mod:`pnisim.spec` like every other kind of spec (clock times stay 'HH:MM', a size limit);
problems are reported in pnisim's one message shape, located in the scenario's own terms — "The 'dose' of
exposure 'lps_bolus' (exposures[0]) must be a number > 0 ng/kg. Got -5 instead." Trials and sensitivity analyses
embed scenario parts (arms, exposures), so they validate through :func:`validate_spec` too.

Nothing read from a file is ever evaluated as code: quantities go through pint's own parser
(:mod:`pnisim.scenario.units`).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from .. import spec
from .registry import EXPOSURE_CLASSES, EXPOSURE_TYPES
from .scenario import Scenario

__all__ = ["locate_field", "validate_spec", "parse_scenario", "loads_scenario", "load_scenario",
           "load_default_text", "require_exposure_types", "json_schema", "write_json_schema", "SCHEMA_PATH"]

#: Where the published JSON Schema lives. Regenerate it after changing a scenario model with
#: ``python -c "from pnisim.scenario.loading import write_json_schema; write_json_schema()"``.
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "scenario.schema.json"
M = TypeVar("M", bound=BaseModel)


def locate_field(loc: tuple, raw: Any, noun: str = "scenario") -> tuple[str | None, str]:
    """(field, owner) for a pydantic error location, e.g. ('dose', "exposure 'lps_bolus' (exposures[1])")."""
    parts = list(loc)
    owner = f"the {noun}"
    arm = ""
    if len(parts) >= 4 and parts[0] == "arms" and isinstance(parts[1], int) and parts[2] == "exposures":
        # an arm's exposure: locate it inside that arm
        j = parts[1]
        arms = raw.get("arms") if isinstance(raw, Mapping) else None
        arm_raw = arms[j] if isinstance(arms, list) and j < len(arms) and isinstance(arms[j], Mapping) else {}
        arm = f" of arm {arm_raw.get('name')!r} (arms[{j}])"
        parts, raw = parts[2:], arm_raw
    if len(parts) >= 2 and parts[0] == "exposures" and isinstance(parts[1], int):
        i = parts[1]
        item = raw.get("exposures")[i] if isinstance(raw, Mapping) and isinstance(raw.get("exposures"), list) \
            and i < len(raw["exposures"]) else None
        name = None
        if isinstance(item, Mapping):
            name = item.get("label") if isinstance(item.get("label"), str) and item.get("label") else item.get("type")
        owner = (f"exposure {name!r} (exposures[{i}])" if name is not None else f"exposures[{i}]") + arm
        parts = parts[2:]
        if parts and parts[0] in EXPOSURE_TYPES:  # pydantic puts the union tag in the location
            parts = parts[1:]
        if len(parts) >= 2 and parts[0] == "schedule" and isinstance(parts[1], int):
            owner = f"step {parts[1]} of the schedule of {owner}"
            parts = parts[2:]
    elif len(parts) >= 3 and parts[:2] == ["person", "parameters"]:
        return None, f"the override of parameter {parts[2]!r} in [person.parameters]"
    elif parts and parts[0] in ("person", "run", "population"):
        owner = f"[{parts[0]}]"
        parts = parts[1:]
    field = ".".join(str(p) for p in parts) or None
    return field, owner


def validate_spec(cls: type[M], data: Any, *, noun: str, keys: str, source: str | None = None) -> M:
    """Validate a mapping into the spec class ``cls`` (a scenario, or a spec holding scenario parts); every
    problem becomes one SpecError (or UnitError / ResourceLimitError) naming the field, the owner, what is
    allowed and the value. Shared by scenarios, trials and sensitivity analyses so all report errors alike."""
    return spec.validate(cls, data, noun=noun, keys=keys, source=source, locate=locate_field, tags=EXPOSURE_TYPES)


def parse_scenario(data: Any, *, source: str | None = None) -> Scenario:
    """Validate a mapping (as read from TOML/YAML/JSON) into a :class:`Scenario`; every problem is a SpecError."""
    return validate_spec(Scenario, data, noun="scenario",
                         keys="name, model, person, run, population, exposures", source=source)


def loads_scenario(text: str, fmt: Literal["toml", "yaml", "json"], *, source: str | None = None) -> Scenario:
    """Parse scenario text in ``fmt`` ('toml', 'yaml' or 'json')."""
    return parse_scenario(spec.parse_text(text, fmt, noun="scenario", source=source), source=source)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; the format follows the extension (.toml, .yaml, .yml, .json)."""
    return parse_scenario(spec.read_file(path, noun="scenario"), source=str(Path(path)))


def load_default_text() -> str:
    """The text of the embedded default scenario (package data ``scenario/defaults/default.toml``)."""
    return (resources.files("pnisim.scenario") / "defaults" / "default.toml").read_text(encoding="utf-8")


# ==================================================================================================== schema
def require_exposure_types(schema: dict) -> dict:
    """Mark every exposure's 'type' as required in ``schema`` (it has a Python default but files must give it)."""
    for cls in EXPOSURE_CLASSES.values():
        definition = schema["$defs"].get(cls.__name__)
        if definition is not None:
            definition["required"] = ["type", *[r for r in definition.get("required", []) if r != "type"]]
    return schema


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of scenario files, generated from the pydantic models."""
    return spec.schema_document(
        require_exposure_types(Scenario.model_json_schema(mode="validation")), kind="scenario",
        title="pnisim scenario",
        description="A pnisim scenario file (TOML or YAML): person, population, run and exposures. Times are hours "
                    "since midnight at the start of day 0.")


def write_json_schema(path: str | Path = SCHEMA_PATH) -> Path:
    """Write :func:`json_schema` to ``path`` (default: the published copy in ``pnisim/schemas``)."""
    return spec.write_schema(json_schema(), path)
