"""Which parameter values are in force: the shipped calibration, or explicit replacements of it.

A :class:`Calibration` is a value, passed to whatever builds a model or a person (``get_model(name,
calibration=...)``, a scenario run, a trial, a simulated study), never installed globally: the same call with the
same inputs gives the same result whatever ran before it. Keys name a model parameter (``module.parameter``) or
a phenotype preset's value of one (``phenotype:<preset>:<module.parameter>``). ``Calibration()`` is the shipped
calibration itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from ..errors import SpecError
from .phenotypes import PHENOTYPES, frozen_presets

__all__ = ["Calibration", "SHIPPED", "PHENOTYPE_PREFIX"]

PHENOTYPE_PREFIX = "phenotype:"


@dataclass(frozen=True)
class Calibration:
    """Replacements of shipped values, sorted by name (so equal calibrations compare and hash equal)."""

    values: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, float] | None = None) -> Calibration:
        """A calibration replacing the shipped values named in ``values``."""
        out = []
        for key, v in sorted((values or {}).items()):
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise SpecError(f"The calibrated value of {key!r} must be a finite number. Got {v!r} instead.") from None
            if not math.isfinite(v):
                raise SpecError(f"The calibrated value of {key!r} must be a finite number. Got {v!r} instead.")
            if key.startswith(PHENOTYPE_PREFIX):
                parts = key.split(":", 2)
                if len(parts) != 3 or parts[1] not in PHENOTYPES:
                    raise SpecError(f"The phenotype of calibrated value {key!r} must be a preset "
                                    f"({', '.join(PHENOTYPES)}). Got {parts[1] if len(parts) > 1 else key!r} instead.")
            out.append((key, v))
        return cls(tuple(out))

    def with_values(self, values: Mapping[str, float]) -> Calibration:
        """This calibration with ``values`` replacing (or adding to) its own."""
        return Calibration.of({**dict(self.values), **values})

    @cached_property
    def parameters(self) -> dict[str, float]:
        """Model parameter values replaced: {module.parameter: value}."""
        return {k: v for k, v in self.values if not k.startswith(PHENOTYPE_PREFIX)}

    @cached_property
    def presets(self) -> Mapping[str, Mapping[str, float]]:
        """Every phenotype preset with this calibration's preset values (read-only)."""
        changed = {k: v for k, v in self.values if k.startswith(PHENOTYPE_PREFIX)}
        if not changed:
            return PHENOTYPES
        out = {name: dict(values) for name, values in PHENOTYPES.items()}
        for key, v in changed.items():
            _, preset, name = key.split(":", 2)
            out[preset][name] = v
        return frozen_presets(out)


#: The shipped calibration.
SHIPPED = Calibration()
