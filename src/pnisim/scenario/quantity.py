"""Numbers with units as scenario files write them: ``"2 ng/kg"`` or ``{value = 2, unit = "ng/kg"}``.

A :class:`Quantity` keeps the unit as written; it is checked against what its field allows (a
:class:`~pnisim.scenario.units.Dimension`) when the scenario is validated, with :func:`in_range`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, model_serializer

from ..errors import SpecError, WrongFormError
from ..spec import SpecModel
from . import units as U

__all__ = ["Quantity", "Number", "quantity", "in_range"]

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]  # ints accepted; bools and strings not


class Quantity(SpecModel):
    """A number with a unit: ``"2 ng/kg"`` or ``{value = 2, unit = "ng/kg"}``. The unit is kept as written and
    checked against what its field allows when the scenario is validated; a bare number has ``unit = ""``."""

    value: Annotated[float, Field(strict=True)]
    unit: str = ""

    @classmethod
    def coerce_input(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise WrongFormError("a quantity such as '2 ng/kg' or a table {value = 2, unit = 'ng/kg'}")
        if isinstance(data, (int, float)):
            try:
                return {"value": float(data), "unit": ""}
            except OverflowError:  # a huge integer: report it as out of range, not as a crash
                return {"value": math.copysign(math.inf, data), "unit": ""}
        if isinstance(data, str):
            parsed = U.split_quantity(data)
            if parsed is None:
                raise WrongFormError("a number followed by a unit, e.g. '15 min' or '2 ng/kg'")
            return {"value": parsed[0], "unit": parsed[1]}
        if isinstance(data, Mapping) and isinstance(data.get("unit"), str):
            return {**data, "unit": data["unit"].strip()}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):  # noqa: ANN001 - pydantic hook
        return {
            "title": "Quantity",
            "description": "a number with a unit, e.g. '2 ng/kg', '15 min', '14 d', or {value, unit}",
            "anyOf": [
                {"type": "string", "examples": ["2 ng/kg", "15 min", "14 d"]},
                {"type": "object", "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
                 "required": ["value", "unit"], "additionalProperties": False},
                {"type": "number", "description": "only for parameter overrides (in the parameter's own unit)"},
            ],
        }

    @model_serializer(mode="plain")
    def _serialise(self) -> str | float:
        return f"{U.format_number(self.value)} {self.unit}" if self.unit else self.value

    def __str__(self) -> str:
        return f"{U.format_number(self.value)} {self.unit}".strip()

    def to(self, dim: U.Dimension, what: str) -> float:
        """The magnitude in ``dim.unit`` (raises :class:`UnitError` naming ``what`` for a wrong unit)."""
        return U.to_magnitude(self.value, self.unit, dim, what)


def quantity(text: str) -> Quantity:
    """A Quantity from trusted text such as '14 d' (defaults in this package)."""
    value, unit = U.split_quantity(text)  # type: ignore[misc]
    return Quantity(value=value, unit=unit)


def in_range(q: Quantity, dim: U.Dimension, what: str, lo: float, hi: float | None, *, lo_open: bool = True,
             above_hi: str = "") -> float:
    """Convert, then require a finite value in (lo, hi] (or [lo, hi] when not ``lo_open``)."""
    x = q.to(dim, what)
    ok = math.isfinite(x) and (x > lo if lo_open else x >= lo) and (hi is None or x <= hi + 1e-12 * abs(hi))
    if not ok:
        rule = f"{'>' if lo_open else '>='} {U.format_number(lo)} {dim.unit}"
        if hi is not None:
            rule += f" and <= {U.format_number(hi)} {dim.unit}"
        why = f" ({above_hi})" if above_hi and math.isfinite(x) and hi is not None and x > hi else ""
        raise SpecError(f"{what} must be a number {rule}{why}. Got {str(q)!r} instead.")
    return x
