"""Cost-effectiveness of a simulated trial: costs from the intervention library, QALYs from a utility mapping,
the incremental cost-effectiveness ratio, a probabilistic sensitivity analysis and the acceptability curve.

* Utilities from depression severity (EQ-5D): remission 0.70, mild 0.57, moderate 0.52, severe 0.39
  (Kolovos S et al. Qual Life Res 2017;26:1649, doi:10.1007/s11136-017-1536-2; targets.csv utility_depression),
  with PHQ-9 bands 0–4 remission, 5–9 mild, 10–14 moderate, ≥ 15 severe (Kroenke K et al. J Gen Intern Med
  2001;16:606). QALYs are the area under utility over the visits (trapezoid, years).
* Costs per participant from each exposure's library cost: per session × sessions delivered (times adherence),
  per dose × doses, per year × years of exposure, per day × days, per course or device once.
* PSA: participants are resampled with replacement within each arm (non-parametric bootstrap; Briggs AH,
  Wonderling DE, Mooney CZ. Health Econ 1997;6:327) giving draws of (Δcost, ΔQALY); the cost-effectiveness
  acceptability curve is the share of draws with positive net monetary benefit λ·ΔQALY − Δcost at each
  willingness to pay λ (Fenwick E et al. Health Econ 2001;10:779).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import SpecError

__all__ = ["PHQ9_UTILITY", "utility_from_phq9", "qalys", "exposure_cost", "CEAResult", "cost_effectiveness"]

#: (upper PHQ-9 bound exclusive, EQ-5D utility) — Kolovos 2017
PHQ9_UTILITY = ((5.0, 0.70), (10.0, 0.57), (15.0, 0.52), (math.inf, 0.39))


def utility_from_phq9(phq9) -> np.ndarray:
    x = np.asarray(phq9, dtype=float)
    out = np.full(x.shape, np.nan)
    lower = -math.inf
    for upper, u in PHQ9_UTILITY:
        out[(x >= lower) & (x < upper)] = u
        lower = upper
    return out


def qalys(utility: np.ndarray, t_hours: np.ndarray) -> np.ndarray:
    """Area under utility (participant × visit) over time, in years."""
    years = np.asarray(t_hours, dtype=float) / (24 * 365.25)
    return np.trapezoid(np.asarray(utility, dtype=float), years, axis=-1)


def exposure_cost(exposure, run_hours: float) -> float:
    """US dollars of one exposure over a run of ``run_hours`` (0 when the library has no cost for it)."""
    meta = getattr(type(exposure), "METADATA", {}) or {}
    cost = meta.get("cost")
    if not cost:
        return 0.0
    per = next((k for k in cost if k.startswith("usd_per_")), None)
    usd, unit = float(cost[per]), per.removeprefix("usd_per_")
    adherence = float(getattr(exposure, "adherence", 1.0))
    info = getattr(type(exposure), "INFO", None)
    if unit == "session":
        n = getattr(exposure, "sessions", None) or (info.sessions if info else 1)
        return usd * n * adherence
    if unit == "dose":
        from ..scenario.spec import Bolus, RunWindow

        doses = [e for e in exposure.effects(RunWindow(0.0, run_hours)) if isinstance(e, Bolus)]
        return usd * len(doses)
    active = max(0.0, run_hours - exposure.start_h)
    if unit == "year":
        return usd * adherence * active / (24 * 365.25)
    if unit == "day":
        return usd * adherence * active / 24
    return usd  # course, device: once


@dataclass(frozen=True)
class CEAResult:
    arm: str
    control: str
    delta_cost: float
    delta_qaly: float
    icer: float  # USD per QALY (inf when ΔQALY <= 0 and Δcost > 0: dominated)
    psa_delta_cost: np.ndarray
    psa_delta_qaly: np.ndarray
    wtp: np.ndarray
    ceac: np.ndarray

    def as_dict(self) -> dict:
        return {"arm": self.arm, "control": self.control, "delta_cost_usd": self.delta_cost,
                "delta_qaly": self.delta_qaly, "icer_usd_per_qaly": self.icer,
                "wtp_usd_per_qaly": self.wtp.tolist(), "prob_cost_effective": self.ceac.tolist()}


def cost_effectiveness(cost_t, qaly_t, cost_c, qaly_c, *, arm: str = "treated", control: str = "control",
                       n_draws: int = 1000, seed: int = 0, wtp=None) -> CEAResult:
    ct, qt, cc, qc = (np.asarray(v, dtype=float) for v in (cost_t, qaly_t, cost_c, qaly_c))
    okt, okc = np.isfinite(ct) & np.isfinite(qt), np.isfinite(cc) & np.isfinite(qc)
    ct, qt, cc, qc = ct[okt], qt[okt], cc[okc], qc[okc]
    if ct.size < 2 or cc.size < 2:
        raise SpecError(f"A cost-effectiveness analysis needs at least 2 participants with costs and QALYs per arm. "
                        f"Got {ct.size} and {cc.size} instead.")
    dc, dq = float(ct.mean() - cc.mean()), float(qt.mean() - qc.mean())
    icer = dc / dq if dq > 0 else (math.inf if dc > 0 else -math.inf)
    rng = np.random.default_rng(seed)
    it = rng.integers(0, ct.size, size=(n_draws, ct.size))
    ic = rng.integers(0, cc.size, size=(n_draws, cc.size))
    pdc = ct[it].mean(axis=1) - cc[ic].mean(axis=1)
    pdq = qt[it].mean(axis=1) - qc[ic].mean(axis=1)
    lam = np.asarray(wtp if wtp is not None else np.linspace(0, 200_000, 41), dtype=float)
    ceac = np.array([float(np.mean(l * pdq - pdc > 0)) for l in lam])
    return CEAResult(arm, control, dc, dq, icer, pdc, pdq, lam, ceac)
