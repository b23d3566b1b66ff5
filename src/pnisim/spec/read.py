"""Spec text and files (TOML, YAML, JSON) -> plain data, the same way for every kind of spec.

Clock times stay 'HH:MM' strings in every format: YAML 1.1 would read ``time: 14:00`` as the sexagesimal integer
840, so YAML is read without sexagesimal numbers, and a TOML time literal ``14:00:00`` becomes '14:00'. Files
larger than :data:`MAX_FILE_BYTES` are refused (a spec is a few kB; this guards against YAML bombs). Nothing read
is evaluated: YAML goes through a SafeLoader.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from ..errors import ResourceLimitError, SpecError

__all__ = ["FORMATS", "MAX_FILE_BYTES", "format_of", "parse_text", "read_file"]

#: File suffix -> format.
FORMATS = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
#: Spec files larger than this are refused.
MAX_FILE_BYTES = 1 * 2**20


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML 1.1 loader without sexagesimal numbers, so ``time: 14:00`` stays the string '14:00'."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$""", re.X),
    list("-+0123456789"),
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?
                |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."),
)


def _clock_times_as_text(data: Any) -> Any:
    """TOML time literals on the minute -> 'HH:MM', as YAML and JSON give them (others are left to be refused)."""
    if isinstance(data, dict):
        return {k: _clock_times_as_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_clock_times_as_text(v) for v in data]
    if isinstance(data, _dt.time) and data.second == 0 and data.microsecond == 0 and data.tzinfo is None:
        return f"{data.hour:02d}:{data.minute:02d}"
    return data


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's problem on one line with its line and column (its own text spans lines and names no file)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or not problem:
        return str(exc)
    context = getattr(exc, "context", None)
    return f"{context + ', ' if context else ''}{problem} (line {mark.line + 1}, column {mark.column + 1})."


def parse_text(text: str, fmt: str, *, noun: str, source: str | None = None) -> Any:
    """Spec text in ``fmt`` ('toml', 'yaml' or 'json') -> plain data (an empty YAML document is an empty table).
    Syntax errors are SpecErrors naming ``source`` and, as the parsers report it, the line."""
    prefix = f"{source}: " if source else ""
    if fmt == "toml":
        try:
            return _clock_times_as_text(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(f"{prefix}The {noun} is not valid TOML: {exc}.") from None
    if fmt == "yaml":
        try:
            data = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise SpecError(f"{prefix}The {noun} is not valid YAML: {_yaml_problem(exc)}") from None
        return {} if data is None else data
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"{prefix}The {noun} is not valid JSON: {exc}.") from None
    raise SpecError(f"The {noun} format must be 'toml', 'yaml' or 'json'. Got {fmt!r} instead.")


def format_of(path: str | Path, *, noun: str) -> str:
    """The format of a spec file from its suffix (.toml, .yaml, .yml, .json)."""
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise SpecError(
            f"The {noun} file {str(p)!r} must end in .toml, .yaml, .yml or .json. "
            f"Got {p.suffix or 'no extension'!r} instead."
        )
    return fmt


def read_file(path: str | Path, *, noun: str) -> Any:
    """Read a spec file to plain data: format from the suffix, at most :data:`MAX_FILE_BYTES`, UTF-8."""
    p = Path(path)
    fmt = format_of(p, noun=noun)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ResourceLimitError(
                f"The {noun} file {str(p)!r} must be at most {MAX_FILE_BYTES // 1024} KiB. Got {size} bytes instead."
            )
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"The {noun} file {str(p)!r} does not exist.") from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"The {noun} file {str(p)!r} must be UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    except IsADirectoryError:
        raise SpecError(f"The {noun} file {str(p)!r} is a directory, not a file.") from None
    return parse_text(text, fmt, noun=noun, source=str(p))
