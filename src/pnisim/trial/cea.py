"""Cost-effectiveness of a simulated trial: costs from the intervention library, QALYs from a utility mapping,
the incremental cost-effectiveness ratio, a probabilistic sensitivity analysis and the acceptability curve.

* Utilities from depression severity (EQ-5D): remission 0.70, mild 0.57, moderate 0.52, severe 0.39
  (Kolovos S et al. Qual Life Res 2017;26:1649, doi:10.1007/s11136-017-1536-2; targets.csv utility_depression),
  with PHQ-9 bands 0–4 remission, 5–9 mild, 10–14 moderate, ≥ 15 severe (Kroenke K et al. J Gen Intern Med
  2001;16:606).
* Utilities in rheumatoid arthritis (HUI-3) from the HAQ disability index: HUI3 = 0.9527 − 0.2018 × HAQ-DI
  (Value Health 2011;14:192, PMID 21211502; targets.csv utility_ra; grade B). The model gives DAS28, not HAQ-DI,
  so HAQ-DI comes from DAS28 by the activity-band coefficients of a published cross-sectional multiple linear
  regression of HAQ-DI in 2,776 DANBIO patients (Linde L, Sørensen J, Østergaard M et al. What factors influence
  the health status of patients with rheumatoid arthritis measured by the SF-12v2 Health Survey and the Health
  Assessment Questionnaire? J Rheumatol 2009;36:2183, doi:10.3899/jrheum.090134, final regression table, HAQ
  column): relative to DAS28 remission (< 2.6), low activity (2.6–3.19) +0.19, moderate (3.2–5.1) +0.43, high
  (> 5.1) +0.87 (grade B). The remission level, 0.44, is an assumption (grade C): it makes the cohort's median
  DAS28 (2.97) map to its median HAQ-DI (0.63). HAQ-DI is clamped to its scale, [0, 3]. As a check, the
  Canadian early-arthritis cohort's means (Boyd TA et al. Open Rheumatol J 2013;7:58: DAS28 4.54 with HAQ 0.94
  at entry, 2.29 with 0.40 at 24 months) are matched within 0.1.
* QALYs are the area under utility over the visits (trapezoid, years; no discounting within a trial).
* Costs per participant from each exposure's library cost: per session × sessions delivered (times adherence),
  per dose × doses, per year × years of exposure, per day × days, per course or device once.
* PSA: participants are resampled with replacement within each arm (non-parametric bootstrap; Briggs AH,
  Wonderling DE, Mooney CZ. Health Econ 1997;6:327) giving draws of (Δcost, ΔQALY); the cost-effectiveness
  acceptability curve is the share of draws with positive net monetary benefit λ·ΔQALY − Δcost at each
  willingness to pay λ (Fenwick E et al. Health Econ 2001;10:779).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import SpecError

__all__ = ["PHQ9_UTILITY", "DAS28_HAQ_BANDS", "HAQ_REMISSION", "HUI3_FROM_HAQ", "UTILITY_MAPPINGS",
           "utility_from_phq9", "haq_from_das28", "utility_from_haq", "utility_from_das28", "qalys",
           "exposure_cost", "CEAResult", "cost_effectiveness", "trial_cea", "PSA_MAX_DRAWS"]

#: (upper PHQ-9 bound exclusive, EQ-5D utility) — Kolovos 2017
PHQ9_UTILITY = ((5.0, 0.70), (10.0, 0.57), (15.0, 0.52), (math.inf, 0.39))

#: (DAS28 upper bound, HAQ-DI above remission) — Linde 2009, HAQ model: remission < 2.6, low 2.60–3.19,
#: moderate 3.20–5.10, high > 5.10 (upper bounds exclusive, except that a DAS28 of exactly 5.1 is moderate)
DAS28_HAQ_BANDS = ((2.6, 0.0), (3.2, 0.19), (5.1, 0.43), (math.inf, 0.87))
#: HAQ-DI in DAS28 remission: cohort median HAQ 0.63 at median DAS28 2.97 (low band, +0.19) — grade C
HAQ_REMISSION = 0.63 - 0.19
#: HUI-3 = a + b × HAQ-DI (Value Health 2011;14:192, PMID 21211502)
HUI3_FROM_HAQ = (0.9527, -0.2018)

#: which utility mapping a trial's cost-effectiveness used, with its sources
UTILITY_MAPPINGS = {
    "phq9_eq5d": "PHQ-9 severity bands → EQ-5D (Kolovos 2017, grade A)",
    "das28_haq_hui3": "DAS28 activity bands → HAQ-DI (Linde 2009, grade B; remission level grade C) → HUI-3 "
                      "(Value Health 2011;14:192, grade B)",
}

#: at most this many PSA draws are kept in :meth:`CEAResult.as_dict` (JSON stays small)
PSA_MAX_DRAWS = 1000


def utility_from_phq9(phq9) -> np.ndarray:
    x = np.asarray(phq9, dtype=float)
    out = np.full(x.shape, np.nan)
    lower = -math.inf
    for upper, u in PHQ9_UTILITY:
        out[(x >= lower) & (x < upper)] = u
        lower = upper
    return out


def haq_from_das28(das28) -> np.ndarray:
    """HAQ-DI (0–3) from DAS28 by its activity band (Linde 2009); NaN stays NaN."""
    x = np.asarray(das28, dtype=float)
    (b1, d1), (b2, d2), (b3, d3), (_, d4) = DAS28_HAQ_BANDS
    with np.errstate(invalid="ignore"):
        diff = np.select([x < b1, x < b2, x <= b3, x > b3], [d1, d2, d3, d4], default=np.nan)
    return np.clip(HAQ_REMISSION + diff, 0.0, 3.0)


def utility_from_haq(haq) -> np.ndarray:
    """HUI-3 utility from HAQ-DI (clamped to 0–3): 0.9527 − 0.2018 × HAQ-DI."""
    a, b = HUI3_FROM_HAQ
    return a + b * np.clip(np.asarray(haq, dtype=float), 0.0, 3.0)


def utility_from_das28(das28) -> np.ndarray:
    """HUI-3 utility from DAS28 through HAQ-DI."""
    return utility_from_haq(haq_from_das28(das28))


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
        from ..scenario.clock import Bolus, RunWindow

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

    def as_dict(self, max_draws: int = PSA_MAX_DRAWS) -> dict:
        """JSON-ready summary with at most ``max_draws`` PSA draws (the first ones: draws are independent), each
        rounded to 6 significant digits."""
        k = min(int(max_draws), self.psa_delta_cost.size)
        return {"arm": self.arm, "control": self.control, "delta_cost_usd": self.delta_cost,
                "delta_qaly": self.delta_qaly, "icer_usd_per_qaly": self.icer,
                "wtp_usd_per_qaly": self.wtp.tolist(), "prob_cost_effective": self.ceac.tolist(),
                "psa_delta_cost_usd": [float(f"{x:.6g}") for x in self.psa_delta_cost[:k]],
                "psa_delta_qaly": [float(f"{x:.6g}") for x in self.psa_delta_qaly[:k]]}


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


def trial_cea(data, arms: Sequence, exposures_of_arm: Callable[[str], list], *, seed: int = 0,
              n_draws: int = 1000, wtp=None) -> list[dict]:
    """Cost per QALY of each active arm against the control (first) arm of a trial dataset.

    ``data`` has dims participant × visit_time (hours since randomisation), a coordinate ``arm`` and, when present,
    a per-participant solve ``status`` (0 = ok; others are left out). QALYs come from the true PHQ-9 trajectory
    (``phq9_true``, Kolovos 2017) when there is one, else from the true DAS28 (``das28_true``, through HAQ-DI to
    HUI-3; or ``disease_score_true`` when every participant has the RA preset); with neither, or with fewer than two arms, the result is empty. Each arm's cost per participant is the
    library cost of ``exposures_of_arm(name)`` over the follow-up (last visit). ``arms`` holds arm names or
    objects with a ``name``. Each row says which utility mapping was used (``utility``, ``utility_source``).
    """
    names = [a if isinstance(a, str) else a.name for a in arms]
    if len(names) < 2:
        return []
    if "phq9_true" in data:
        kind, u = "phq9_eq5d", utility_from_phq9(data["phq9_true"].values)
    elif "das28_true" in data:
        kind, u = "das28_haq_hui3", utility_from_das28(data["das28_true"].values)
    elif "disease_score_true" in data and "phenotype" in data.coords and set(data["phenotype"].values) == {"ra"}:
        # the autoimmune block's disease score reads as DAS28 in an all-RA trial (autoimmune.READOUTS)
        kind, u = "das28_haq_hui3", utility_from_das28(data["disease_score_true"].values)
    else:
        return []
    t = np.asarray(data["visit_time"].values, dtype=float)
    horizon = float(t[-1])
    q = qalys(u, t)
    arm = np.asarray(data["arm"].values).astype(str)
    ok = data["status"].values == 0 if "status" in data else np.ones(arm.size, dtype=bool)
    cost = {n: float(sum(exposure_cost(e, horizon) for e in exposures_of_arm(n))) for n in names}
    control = names[0]
    c = (arm == control) & ok
    out = []
    for name in names[1:]:
        tr = (arm == name) & ok
        res = cost_effectiveness(np.full(tr.sum(), cost[name]), q[tr], np.full(c.sum(), cost[control]), q[c],
                                 arm=name, control=control, n_draws=n_draws, seed=seed, wtp=wtp)
        out.append({**res.as_dict(), "utility": kind, "utility_source": UTILITY_MAPPINGS[kind],
                    "cost_treated_usd": cost[name], "cost_control_usd": cost[control],
                    "horizon_weeks": horizon / 168.0, "n_treated": int(tr.sum()), "n_control": int(c.sum())})
    return out
