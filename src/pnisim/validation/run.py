"""Run every shipped target's protocol and count passes."""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .. import __version__
from ..disclaimer import DISCLAIMER
from ..errors import SpecError
from .protocols import NOT_SIMULATABLE, PROTOCOLS
from .record import Record
from .studies import Studies
from .targets import Target, load_roles, load_targets

__all__ = ["ValidationResult", "validate"]


@dataclass
class ValidationResult:
    records: list[Record]
    targets: list[Target]
    meta: dict = field(default_factory=dict)

    def counts(self) -> dict:
        out = self._counts(self.records)
        for role in ("fitted", "held-out"):
            sub = self._counts([r for r in self.records if r.role == role])
            out[role] = {k: sub[k] for k in ("records", "passed", "failed", "pass_rate", "targets",
                                              "targets_passed", "targets_judged", "target_pass_rate")}
        return out

    @staticmethod
    def _counts(records: list[Record]) -> dict:
        by = {}
        for r in records:
            by[r.status] = by.get(r.status, 0) + 1
        judged = [r for r in records if r.passed is not None]
        per_target: dict[str, bool | None] = {}
        for r in records:
            prev = per_target.get(r.target_id, True)
            per_target[r.target_id] = None if r.passed is None else (prev is not False and bool(r.passed)
                                                                     if prev is not None else None)
        judged_t = [v for v in per_target.values() if v is not None]
        return {
            "records": len(records), **{s: by.get(s, 0) for s in ("passed", "failed", "not simulatable",
                                                                         "error")},
            "pass_rate": (sum(r.passed for r in judged) / len(judged)) if judged else math.nan,
            "targets": len(per_target), "targets_passed": sum(bool(v) for v in judged_t),
            "targets_judged": len(judged_t),
            "target_pass_rate": (sum(bool(v) for v in judged_t) / len(judged_t)) if judged_t else math.nan,
        }

    def as_dict(self) -> dict:
        return {"summary": self.counts(), "meta": self.meta, "records": [r.as_dict() for r in self.records],
                "disclaimer": DISCLAIMER}


#: Seed step between replicate validations (far from the per-protocol seed offsets, so studies never coincide).
REPLICATE_SEED_STEP = 7919


def validate(ids: list[str] | None = None, *, seed: int = 0, scale: float = 1.0, replicates: int = 1,
             progress: Callable[[float, str], None] | None = None) -> ValidationResult:
    """Simulate each target (all shipped targets, or ``ids``) and compare; a target without a protocol or whose
    study fails is recorded as such, never dropped.

    ``replicates`` > 1 repeats every simulated study with independent seeds: the records are those of the first
    (seed ``seed``), and each numeric record also carries ``extra["replicates"]`` (the estimate of every
    replicate study, the simulated distribution the report draws) and ``extra["replicate_pass_fraction"]`` (how
    often a study like the source's would pass)."""
    if not (isinstance(replicates, int) and 1 <= replicates <= 50):
        raise SpecError(f"The number of validation replicates must be an integer from 1 to 50. Got {replicates!r} "
                        "instead.")
    targets = load_targets()
    known = [t.id for t in targets]
    if ids:
        from ..spec import did_you_mean

        for i in ids:
            if i not in known:
                raise SpecError(f"The target id {i!r} must be one of the shipped targets.{did_you_mean(i, known)} "
                                f"Got {i!r} instead.")
        targets = [t for t in targets if t.id in ids]
    if not (0 < scale <= 1):
        raise SpecError(f"The 'scale' of the validation must be in (0, 1]. Got {scale!r} instead.")
    report = progress or (lambda f, m: None)
    runs = []
    for rep in range(replicates):
        def sub(f, m, rep=rep):
            report((rep + f) / replicates, m if replicates == 1 else f"replicate {rep + 1}/{replicates}: {m}")
        runs.append(_run_targets(targets, Studies(seed=seed + REPLICATE_SEED_STEP * rep, scale=scale,
                                                  progress=None), sub))
    records = runs[0]
    if replicates > 1:
        for i, r in enumerate(records):
            reps = [run[i] for run in runs if i < len(run) and run[i].id == r.id]
            vals = [x.simulated for x in reps if isinstance(x.simulated, float) and math.isfinite(x.simulated)]
            if isinstance(r.simulated, float) and len(vals) == replicates:
                r.extra["replicates"] = vals
                r.extra["replicate_pass_fraction"] = sum(bool(x.passed) for x in reps) / replicates
    roles = load_roles()
    for r in records:
        r.role = "fitted" if r.target_id in roles else "held-out"
        if r.role == "fitted":
            r.extra.setdefault("fitted_by", roles[r.target_id])
    report(1.0, "done")
    meta = {"pnisim_version": __version__, "seed": seed, "scale": scale, "replicates": replicates,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "targets_file": "pnisim/data/evidence/targets.csv", "roles_file": "pnisim/data/calibration/roles.toml"}
    return ValidationResult(records, targets, meta)


def _run_targets(targets: list[Target], studies: Studies, report: Callable[[float, str], None]) -> list[Record]:
    k = [0]
    studies.report = lambda m: report(k[0] / max(len(targets), 1), m)
    records: list[Record] = []
    for k[0], t in enumerate(targets):
        report(k[0] / len(targets), f"target {t.id}")
        fn = PROTOCOLS.get(t.id)
        if fn is None or t.id in NOT_SIMULATABLE:
            why = NOT_SIMULATABLE.get(t.id, "no protocol yet: the model cannot express this design")
            records.append(Record(t.id, t.id, t.metric, t.estimate if t.estimate is not None else t.estimate_text,
                                  t.ci, None, None, None, "not simulatable", "", "", why, t.source, t.grade, t.kind))
            continue
        try:
            records.extend(fn(t, studies))
        except Exception as exc:  # a broken study is reported, not hidden
            records.append(Record(t.id, t.id, t.metric, t.estimate if t.estimate is not None else t.estimate_text,
                                  t.ci, None, None, None, "error", "", "", f"{type(exc).__name__}: {exc}",
                                  t.source, t.grade, t.kind,
                                  extra={"traceback": traceback.format_exc(limit=3)}))
    return records
