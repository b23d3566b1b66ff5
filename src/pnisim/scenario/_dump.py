"""A small TOML writer for scenario dumps (the standard library reads TOML but does not write it).

It covers what a dumped scenario contains: strings, booleans, integers, floats (including nan/inf), lists of
scalars, nested tables, and lists of tables (``[[exposures]]`` at the top level, inline tables below).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["dumps_toml"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else _string(k)


def _string(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:  # other control characters must be escaped in TOML
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)  # shortest round-trip text; always has '.', 'e' or is 'inf'/'nan'
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_key(str(k))} = {_value(x)}" for k, x in v.items() if x is not None) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"Cannot write {type(v).__name__} to TOML.")


def _is_table_list(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, Mapping) for x in v)


def _table(data: Mapping, path: list[str], lines: list[str]) -> None:
    subtables = []
    for k, v in data.items():
        if v is None:
            continue
        if isinstance(v, Mapping) and v:
            subtables.append((k, v, False))
        elif _is_table_list(v) and not path:
            subtables.append((k, v, True))
        else:
            lines.append(f"{_key(str(k))} = {_value(v)}")
    for k, v, is_list in subtables:
        sub = [*path, _key(str(k))]
        if is_list:
            for item in v:
                lines += ["", f"[[{'.'.join(sub)}]]"]
                _table(item, sub, lines)
        else:
            lines += ["", f"[{'.'.join(sub)}]"]
            _table(v, sub, lines)


def dumps_toml(data: Mapping) -> str:
    """``data`` as TOML text that ``tomllib.loads`` reads back to an equal mapping."""
    lines: list[str] = []
    _table(data, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"
