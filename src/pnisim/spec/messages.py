"""The pieces of pnisim's one message shape: numbers and values as shown in messages, and did-you-mean hints."""

from __future__ import annotations

import difflib
import math
from typing import Any

__all__ = ["did_you_mean", "format_number", "show_value"]


def format_number(x: float) -> str:
    """Shortest faithful text of a number: 14.0 -> '14', 0.25 -> '0.25' (round-trips through float())."""
    if math.isfinite(x) and float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def show_value(value: Any) -> str:
    """A value for a message: repr, shortened (a population of 10**9 or a long list stays readable)."""
    text = format_number(value) if isinstance(value, float) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def did_you_mean(name: Any, options: list[str]) -> str:
    """" Did you mean 'x'?" for the closest of ``options`` to ``name``, or "" when none is close."""
    close = difflib.get_close_matches(str(name), options, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""
