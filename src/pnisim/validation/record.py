"""One comparison of a published target with its simulated counterpart, and the pass rule."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

__all__ = ["Record", "STATUSES"]

STATUSES = ("passed", "failed", "not simulatable", "error")


@dataclass
class Record:
    id: str                                   # target id, or "target_id:part" when a target has several parts
    target_id: str
    metric: str
    target: float | str | None
    target_ci: tuple[float, float] | None
    simulated: float | str | None
    simulated_ci: tuple[float, float] | None
    passed: bool | None                       # None: not simulatable (or the study failed)
    status: str
    rule: str = ""                            # how pass/fail was decided
    design: str = ""                          # the simulated design that mirrors the source
    reason: str = ""                          # why it fails / cannot be simulated (known model gaps)
    source: str = ""
    grade: str = ""
    kind: str = ""
    unit: str = ""
    extra: dict = field(default_factory=dict)
    role: str = "held-out"                    # "fitted" (used to set parameters) or "held-out"

    def as_dict(self) -> dict:
        d = asdict(self)
        for k in ("target_ci", "simulated_ci"):
            d[k] = None if d[k] is None else [float(x) for x in d[k]]
        for k in ("target", "simulated"):
            if isinstance(d[k], float) and not math.isfinite(d[k]):
                d[k] = None
        return d
