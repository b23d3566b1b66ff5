"""A compact way to write a module's parameter table as data, one row per parameter."""

from __future__ import annotations

from collections.abc import Iterable

from .core import Parameter

Row = tuple  # (name, value, unit, description) or (name, value, unit, description, {extra fields})


def table(source: str, grade: str, rows: Iterable[Row]) -> tuple[Parameter, ...]:
    """Parameters that share one source and grade; a row may override either in its optional dict."""
    out = []
    for row in rows:
        name, value, unit, description, *rest = row
        extra = dict(rest[0]) if rest else {}
        out.append(
            Parameter(
                name=name,
                value=float(value),
                unit=unit,
                description=description,
                source=extra.pop("source", source),
                grade=extra.pop("grade", grade),
                **extra,
            )
        )
    return tuple(out)
