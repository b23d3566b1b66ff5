"""The evidence targets shipped in ``pnisim/data/evidence/targets.csv`` (provenance in that folder's README) and the
roles (fitted / held-out) the calibrations gave them (``pnisim/data/calibration/roles.toml``)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources

__all__ = ["Target", "load_targets", "load_roles", "ROLES"]

ROLES = ("fitted", "held-out")


@dataclass(frozen=True)
class Target:
    id: str
    kind: str
    source: str
    doi: str
    population: str
    exposure: str
    outcome: str
    metric: str
    estimate: float | None     # None when the estimate is not a number (a curve, an order, a mapping)
    estimate_text: str
    ci_low: float | None
    ci_high: float | None
    k: int | None
    n: int | None
    grade: str
    note: str

    @property
    def ci(self) -> tuple[float, float] | None:
        return None if self.ci_low is None or self.ci_high is None else (self.ci_low, self.ci_high)


def _num(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _int(text: str) -> int | None:
    x = _num(text)
    return None if x is None else int(x)


def load_targets() -> list[Target]:
    """Every row of the shipped targets.csv, in file order."""
    path = resources.files("pnisim") / "data" / "evidence" / "targets.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Target(r["id"], r["kind"], r["source"], r["doi"], r["population"], r["exposure_or_intervention"],
                   r["outcome"], r["metric"], _num(r["estimate"]), r["estimate"], _num(r["ci_low"]),
                   _num(r["ci_high"]), _int(r["k"]), _int(r["n"]), r["grade"], r["note"]) for r in rows]


def load_roles() -> dict[str, str]:
    """Target id -> the calibration that used it (data/calibration/roles.toml); absent ids are held out."""
    import tomllib

    path = resources.files("pnisim") / "data" / "calibration" / "roles.toml"
    with path.open("rb") as fh:
        return dict(tomllib.load(fh).get("fitted", {}))
