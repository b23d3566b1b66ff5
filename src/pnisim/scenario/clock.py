"""Time in scenarios: clock times 'HH:MM', model hours, the recorded run window and what exposures do over time.

Model time ``t`` is hours since midnight at the start of day 0: an exposure at ``day = 7, time = "14:00"``
happens at t = 7·24 + 14 h. Exposures turn into three schedule primitives the engine understands — a
:class:`Pulse` on an input, a :class:`Level` of an input, a :class:`Bolus` into a state.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Union

from pydantic import BeforeValidator, WithJsonSchema

from ..errors import WrongFormError
from . import units as U

__all__ = ["ClockTime", "clock_hours", "parse_clock", "format_when", "RunWindow", "Pulse", "Level", "Bolus",
           "Effect"]

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_CLOCK_ALLOWED = "a clock time 'HH:MM' from 00:00 to 23:59"


def format_when(t_h: float) -> str:
    """Model time (h since midnight of day 0) as 'day D HH:MM'."""
    minutes = round(t_h * 60)
    day, rem = divmod(minutes, 1440)
    return f"day {day} {rem // 60:02d}:{rem % 60:02d}"


def parse_clock(value: Any) -> Any:
    """'7:00', '07:00' or a TOML time literal -> '07:00'."""
    if isinstance(value, _dt.time) and value.second == 0 and value.microsecond == 0 and value.tzinfo is None:
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, str) and (m := _CLOCK.match(value.strip())):
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    raise WrongFormError(_CLOCK_ALLOWED)


def clock_hours(text: str) -> float:
    """'14:30' -> 14.5."""
    h, m = text.split(":")
    return int(h) + int(m) / 60.0


ClockTime = Annotated[
    str,
    BeforeValidator(parse_clock),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$", "examples": ["07:00"],
                    "description": "clock time HH:MM (24-hour)"}),
]


@dataclass(frozen=True)
class RunWindow:
    """The recorded run in model hours: [t0, t_end]."""

    t0: float
    t_end: float

    def text(self) -> str:
        return f"from {format_when(self.t0)} to {format_when(self.t_end)} " \
               f"(t = {U.format_number(round(self.t0, 6))} to {U.format_number(round(self.t_end, 6))} h)"


# -------------------------------------------------------------------------------- what exposures do (data)
@dataclass(frozen=True)
class Pulse:
    """Add ``amount`` to input ``target`` on [start, end) (model hours); pulses on one input add up."""

    target: str
    start: float
    end: float
    amount: float
    label: str


@dataclass(frozen=True)
class Level:
    """From ``time`` on, this exposure's contribution to input ``target`` is ``level`` (replaces its previous)."""

    target: str
    time: float
    level: float
    label: str


@dataclass(frozen=True)
class Bolus:
    """Add ``amount`` to state ``target`` at ``time`` (model hours)."""

    target: str
    time: float
    amount: float
    label: str


Effect = Union[Pulse, Level, Bolus]
