"""Units of scenario files: one pint registry, set up once; quantities are converted here, at the boundary.

Scenario quantities are written ``"2 ng/kg"`` or ``{value = 2, unit = "ng/kg"}``. pint parses unit text with
its own tokenizer (nothing is ever ``eval``'d). Everything past this module works on plain floats in the
model's units (hours, ng/kg, mg).

pint treats ``ng/kg`` as dimensionless (mass / mass), so a bare number or ``"2 percent"`` would pass a plain
dimensionality check; doses *per body mass* therefore also require a mass unit above and below the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pint

from ..errors import UnitError
from ..spec import format_number

__all__ = ["ureg", "Dimension", "TIME", "DOSE_PER_KG", "RATE_PER_KG", "MASS", "split_quantity", "to_magnitude",
           "convert_to_model_unit", "format_number"]



def _registry() -> pint.UnitRegistry:
    """pint's registry, with its parsed definition files cached beside pnisim's kernels (start-up: 0.04 s instead
    of 0.25 s from the second process on); without a writable cache it is built from scratch."""
    import os

    from ..engine.cache import default_cache_dir

    folder = default_cache_dir().parent / "pint"
    try:
        os.makedirs(folder, exist_ok=True)
        return pint.UnitRegistry(on_redefinition="raise", cache_folder=folder)
    except Exception:  # noqa: BLE001 - a read-only or broken cache only costs start-up time
        return pint.UnitRegistry(on_redefinition="raise")


# 'd' (day), 'h' (hour), 'min' and 'week' are pint built-ins.
ureg = _registry()
# Model-only units, so parameter units such as "a.u." or "cells/uL" can be converted (to themselves).
ureg.define("arbitrary_unit = [arbitrary]")
ureg.define("cell = [cell_count] = cells")

# A leading number, then the unit text. Only digits, sign, point, exponent, nan/inf: nothing else is parsed.
_QUANTITY = re.compile(
    r"^\s*(?P<num>[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\d.])|(?:nan|inf(?:inity)?)(?![a-z])))"
    r"\s*(?P<unit>.*?)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Dimension:
    """What a quantity field accepts: canonical unit, a description for messages, an example."""

    unit: str
    description: str
    example: str
    per_body_mass: bool = False  # require mass / body mass (see module docstring)


TIME = Dimension("h", "a time (min, h, d or week)", "15 min")
DOSE_PER_KG = Dimension("ng/kg", "a dose per body mass (ng/kg)", "2 ng/kg", per_body_mass=True)
RATE_PER_KG = Dimension("ng/kg/h", "a dose rate per body mass (ng/kg/h)", "1 ng/kg/h", per_body_mass=True)
MASS = Dimension("mg", "a mass (mg)", "1 mg")
MASS_PER_KG = Dimension("mg/kg", "a dose per body mass (mg/kg)", "5 mg/kg", per_body_mass=True)
BODY_MASS = Dimension("kg", "a body mass (kg)", "70 kg")


def split_quantity(text: str) -> tuple[float, str] | None:
    """'2 ng/kg' -> (2.0, 'ng/kg'); '14d' -> (14.0, 'd'); '5' -> (5.0, ''); no leading number -> None."""
    m = _QUANTITY.match(text)
    if m is None:
        return None
    return float(m.group("num")), m.group("unit")


def _parse_unit(unit: str) -> pint.Unit | None:
    """The pint unit of ``unit`` text, or None when the text is not a pure unit expression."""
    try:
        q = ureg.parse_expression(unit)
    except Exception:  # pint raises many types (UndefinedUnitError, DefinitionSyntaxError, TokenError, ...)
        return None
    if not isinstance(q, pint.Quantity) or q.magnitude != 1:
        return None  # e.g. "2 h" as unit text: a number hiding in the unit
    return q.units


def _mass_above_and_below(units: pint.Unit) -> bool:
    above = below = False
    for name, power in units._units.items():
        mass = ureg.get_dimensionality(name).get("[mass]", 0) * power
        above |= mass > 0
        below |= mass < 0
    return above and below


def to_magnitude(value: float, unit: str, dim: Dimension, what: str) -> float:
    """``value unit`` as a float in ``dim.unit``; :class:`UnitError` naming ``what`` if the unit is wrong.

    ``what`` is the message subject, e.g. "The 'dose' of exposure 'lps_bolus' (exposures[1])".
    """
    shown = f"{format_number(value)} {unit}".strip()
    if not unit:
        raise UnitError(
            f"{what} must be {dim.description} with a unit, e.g. '{dim.example}'. Got {shown} without a unit instead."
        )
    units = _parse_unit(unit)
    if units is None:
        raise UnitError(
            f"{what} must be {dim.description}, e.g. '{dim.example}'; {unit!r} is not a known unit. "
            f"Got {shown!r} instead."
        )
    target = ureg.parse_units(dim.unit)
    if units.dimensionality != target.dimensionality or (dim.per_body_mass and not _mass_above_and_below(units)):
        raise UnitError(
            f"{what} must be {dim.description}, e.g. '{dim.example}'; {unit!r} cannot be converted to "
            f"{dim.unit}. Got {shown!r} instead."
        )
    return float(ureg.Quantity(value, units).to(target).magnitude)


def _model_unit_text(unit: str) -> str:
    """A model parameter's unit string in pint syntax: 'a.u.' -> arbitrary_unit, 'x per y' -> (x)/(y)."""
    text = unit.replace("a.u.", "arbitrary_unit")
    if " per " in text:
        num, den = text.split(" per ", 1)
        text = f"({num})/({den})"
    return "dimensionless" if text.strip() == "1" else text


def convert_to_model_unit(value: float, unit: str, model_unit: str, what: str) -> float:
    """Convert an override ``value unit`` to a parameter's own ``model_unit`` (identical text: no conversion)."""
    if " ".join(unit.split()) == " ".join(model_unit.split()):
        return float(value)
    shown = f"{format_number(value)} {unit}".strip()
    units = _parse_unit(_model_unit_text(unit))
    target = _parse_unit(_model_unit_text(model_unit))
    if units is None:
        raise UnitError(
            f"{what} must be a number in {model_unit!r} or a value with a unit convertible to it; {unit!r} is "
            f"not a known unit. Got {shown!r} instead."
        )
    if target is None or units.dimensionality != target.dimensionality:
        raise UnitError(
            f"{what} must be a number in {model_unit!r} or a value with a unit convertible to it; {unit!r} cannot "
            f"be converted to {model_unit!r}. Got {shown!r} instead."
        )
    return float(ureg.Quantity(value, units).to(target).magnitude)
