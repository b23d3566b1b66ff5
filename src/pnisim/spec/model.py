"""The base record every spec model (scenario, trial, sensitivity) is built from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from ..errors import UnknownKeyError

__all__ = ["SpecModel"]


class SpecModel(BaseModel):
    """Immutable, closed record: unknown keys are errors (reported with a did-you-mean by
    :func:`pnisim.spec.validate`). A subclass reshapes its raw input in :meth:`coerce_input`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        data = cls.coerce_input(data)
        if isinstance(data, Mapping):
            allowed = list(cls.model_fields)
            for key in data:
                if key not in allowed:
                    raise UnknownKeyError(key, allowed)
        return data

    @classmethod
    def coerce_input(cls, data: Any) -> Any:
        """The raw value as this record reads it (e.g. '2 ng/kg' -> {value, unit}); by default unchanged."""
        return data
