"""What every protocol uses: the comparison record and its pass rule, confidence intervals (of a mean, by
bootstrap over people), the curves the report draws for a time-course target, and populations shared by more
than one design."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..record import Record
from ..targets import Target
from .registry import KNOWN_GAPS

__all__ = ["DEPRESSION", "Z", "bootstrap_ci", "compare", "curve", "mean_ci"]

Z = 1.959963984540054
DEPRESSION = {"mdd": 0.75, "mdd_inflamed": 0.25}  # about a quarter of MDD has CRP > 3 mg/L (Osimo 2019)


def compare(t: Target, metric: str, simulated, simulated_ci, *, design: str, part: str = "", unit: str = "",
            target=None, target_ci=None, tolerance: tuple[float, float] | None = None, note: str = "",
            extra: dict | None = None) -> Record:
    """A record whose pass rule is the tolerance if given, else the target CI/range."""
    tv = t.estimate if target is None else target
    tci = t.ci if target_ci is None else target_ci
    if tolerance is not None:
        lo, hi = tolerance
        rule = f"simulated within the stated tolerance [{lo:g}, {hi:g}]" + (f" ({note})" if note else "")
    elif tci is not None:
        lo, hi = tci
        rule = f"simulated estimate within the published {'range' if t.kind in ('level', 'cost') else '95 % CI'}"
    else:
        raise ValueError(f"target {t.id} has neither a CI nor a stated tolerance")
    x = float(simulated) if simulated is not None else math.nan
    passed = bool(math.isfinite(x) and lo <= x <= hi)
    rid = f"{t.id}:{part}" if part else t.id
    return Record(rid, t.id, metric, tv, tci, x, _ci(simulated_ci), passed, "passed" if passed else "failed",
                  rule, design, "" if passed else KNOWN_GAPS.get(t.id, ""), t.source, t.grade, t.kind, unit,
                  extra or {})


def _ci(ci):
    return None if ci is None else (float(ci[0]), float(ci[1]))


def mean_ci(x) -> tuple[float, tuple[float, float]]:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    m, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))
    return m, (m - Z * se, m + Z * se)


def bootstrap_ci(stat: Callable[[np.ndarray], float], n: int, *, seed: int, draws: int = 500):
    """Percentile CI of ``stat(indices)`` over people resampled with replacement."""
    rng = np.random.default_rng(seed)
    vals = np.array([stat(rng.integers(0, n, n)) for _ in range(draws)])
    vals = vals[np.isfinite(vals)]
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def _ok(ds) -> np.ndarray:
    return ds["status"].values == 0


def curve(x, sim: np.ndarray, x_data, data, *, x_label: str, y_label: str, data_sd=None, n_data=None) -> dict:
    """What the report draws for a time-course target: the simulated individuals' 5-95 % band, quartiles and mean
    curve against the data (group means, with ±SD when given). Kept in the record (JSON-able)."""
    q = np.nanpercentile(sim, [5, 25, 50, 75, 95], axis=0)
    out = {"x": np.asarray(x, float).tolist(), "x_label": x_label, "y_label": y_label, "n_sim": int(sim.shape[0]),
           "sim_mean": np.nanmean(sim, axis=0).tolist(), **{f"sim_p{k}": v.tolist() for k, v in
                                                              zip((5, 25, 50, 75, 95), q)},
           "data_x": np.asarray(x_data, float).tolist(), "data_y": np.asarray(data, float).tolist()}
    if data_sd is not None:
        out["data_sd"] = np.asarray(data_sd, float).tolist()
    if n_data is not None:
        out["n_data"] = int(n_data)
    return out
