"""Observational studies: case-control designs (depression, disturbed sleep; Hedges g of one blood draw) and a
cohort (stress-related disorder and autoimmune onset; Cox hazard ratio)."""

from __future__ import annotations

import math

from ..record import Record
from ..studies import Studies
from ..targets import Target
from .common import DEPRESSION, compare
from .registry import protocol


@protocol("mdd_crp", "mdd_il6", "mdd_tnf")
def depression_case_control(t: Target, st: Studies) -> list[Record]:
    res = st.case_control("mdd_case_control", cases=DEPRESSION, controls={"healthy": 1.0}, n_cases=300,
                          n_controls=300, observables=["crp", "il6", "tnf"], seed=30)
    return [_g_record(t, res, t.id.split("_")[1],
                      "300 adults with depression (75 % mdd, 25 % mdd_inflamed presets) vs 300 healthy controls, "
                      "between-person variability, one 08:00 blood draw with assay error; Hedges g")]


@protocol("sleep_crp", "sleep_il6")
def sleep_case_control(t: Target, st: Studies) -> list[Record]:
    res = st.case_control("sleep_case_control", cases={"insomnia": 1.0}, controls={"healthy": 1.0}, n_cases=300,
                          n_controls=300, observables=["crp", "il6"], seed=31)
    return [_g_record(t, res, t.id.split("_")[1],
                      "300 adults with disturbed sleep (insomnia preset) vs 300 good sleepers, between-person "
                      "variability, one 08:00 blood draw with assay error; Hedges g")]


def _g_record(t: Target, res, observable: str, design: str) -> Record:
    row = next(r for r in res.as_records() if r["observable"] == observable and r.get("scale", "raw") == "raw")
    return compare(t, "Hedges g, cases vs controls", row["estimate"], (row["ci_low"], row["ci_high"]), unit="1",
                   design=design, extra={k: row[k] for k in row if k in ("case_mean", "control_mean",
                                                                          "case_sd", "control_sd")})


@protocol("stress_disorder_autoimmune")
def autoimmune_cohort(t: Target, st: Studies) -> list[Record]:
    res = st.cohort("stress_autoimmune_cohort", exposed={"ptsd": 1.0}, unexposed={"healthy": 1.0},
                    n_exposed=100, n_unexposed=100, years=1.0, seed=32,
                    susceptibility={"autoimmune.alpha2": (10.0, 0.2)})
    rows = {(r["statistic"], r["group"]): r for r in res.as_records()}
    hr = rows[("hazard ratio", "exposed vs unexposed")]
    inc = {g: rows[("incidence per 1000 person-years", g)]["estimate"] for g in ("exposed", "unexposed")}
    design = ("100 adults entering with a stress-related disorder (ptsd preset from entry) vs 100 unexposed, all "
              "in Baker 2013's bistable setting (alpha2 ~ lognormal, median 10, sd of log 0.2; the shipped healthy "
              "model is monostable and has no onsets), followed 1 year with daily checks for disease onset; Cox "
              "model (lifelines)")
    if not math.isfinite(hr["estimate"]):
        return [Record(t.id, t.id, t.metric, t.estimate, t.ci, None, None, None, "not simulatable", "", design,
                       f"hazard ratio not estimable: {hr['note']}", t.source, t.grade, t.kind, "1",
                       {f"incidence_{g}": v for g, v in inc.items()})]
    return [compare(t, "Cox hazard ratio, exposed vs unexposed", hr["estimate"], (hr["ci_low"], hr["ci_high"]),
                    unit="1", design=design, extra={f"incidence_per_1000py_{g}": v for g, v in inc.items()})]
