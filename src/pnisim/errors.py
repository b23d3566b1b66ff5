"""Every exception and warning pnisim raises, in one place.

Each subclasses the built-in a caller would expect (bad user input is a ``ValueError``), so callers can catch
either the specific class or the built-in. Messages follow one shape: what field, which value, what is allowed
("The 'dose' of exposure 'lps_bolus' must be a number > 0 ng/kg. Got -5 instead.").
"""

from __future__ import annotations

__all__ = [
    "PnisimError",
    "SpecError",
    "UnitError",
    "ModelDefinitionError",
    "SolverError",
    "ResourceLimitError",
    "PnisimWarning",
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


class PnisimWarning(UserWarning):
    """Something worth knowing that does not stop the run."""
