"""Every exception and warning pnisim raises, in one place.

Each subclasses the built-in a caller would expect (bad user input is a ``ValueError``), so callers can catch
either the specific class or the built-in. Messages follow one shape: what field, which value, what is allowed
("The 'dose' of exposure 'lps_bolus' must be a number > 0 ng/kg. Got -5 instead.").
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "PnisimError",
    "SpecError",
    "UnitError",
    "ModelDefinitionError",
    "SolverError",
    "ResourceLimitError",
    "UnknownKeyError",
    "WrongFormError",
    "ConvergenceError",
    "PnisimWarning",
    "ConvergenceWarning",
]


class PnisimError(Exception):
    """Base class of every pnisim error."""


class SpecError(PnisimError, ValueError):
    """A scenario or model specification is invalid (unknown key, bad value, impossible schedule)."""


class UnitError(SpecError):
    """A quantity carries a missing, unknown or incompatible unit."""


class ModelDefinitionError(PnisimError, ValueError):
    """A module or composition is inconsistent (duplicate state, unbound port, unknown symbol)."""


class SolverError(PnisimError, RuntimeError):
    """A single simulation failed to integrate (populations record a per-individual status instead)."""


class ResourceLimitError(SpecError):
    """The requested run would not fit in memory or on disk; it is refused before it starts."""


class UnknownKeyError(PnisimError, ValueError):
    """A spec table has a key its record does not declare. Raised inside pydantic validation, where the spec
    loader turns it into a :class:`SpecError` with a did-you-mean (not a SpecError itself, so that it is located)."""

    def __init__(self, key: Any, allowed: list[str]):
        super().__init__(f"unknown key {key!r}")
        self.key, self.allowed = key, allowed


class WrongFormError(PnisimError, ValueError):
    """A spec value has the wrong form (not a clock time, not a quantity); ``allowed`` says what would do. Raised
    inside pydantic validation, where the spec loader turns it into a :class:`SpecError` naming the field."""

    def __init__(self, allowed: str):
        super().__init__(allowed)
        self.allowed = allowed


class ConvergenceError(PnisimError, RuntimeError):
    """An MCMC run failed a convergence check and ``on_fail="raise"`` asked for an error instead of a warning."""


class PnisimWarning(PnisimError, UserWarning):
    """Something worth knowing that does not stop the run."""


class ConvergenceWarning(PnisimWarning):
    """An MCMC run failed a convergence check (low acceptance, chain shorter than 50 tau, split-R-hat > 1.1)."""
