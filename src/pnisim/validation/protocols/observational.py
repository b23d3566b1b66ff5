"""Observational studies: case-control designs (depression, disturbed sleep; Hedges g of one blood draw) and cohorts
(stress-related disorders, PTSD and depression before autoimmune onset; perceived stress before a flare of
inflammatory bowel disease; caring for a spouse with dementia before a new depressive episode), compared through
the model's own hazard ratio."""

from __future__ import annotations


from ...model.modules.autoimmune import DISEASES
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


#: Exposed groups of the autoimmune cohorts and the registry populations they stand for.
COHORTS = {
    "stress_disorder_autoimmune": ({"ptsd": 1.0}, "a stress-related disorder (ptsd preset)", 60),
    "ptsd_autoimmune_veterans": ({"ptsd": 1.0}, "PTSD (ptsd preset)", 61),
    "depression_autoimmune": (DEPRESSION, "depression (75 % mdd, 25 % mdd_inflamed presets)", 62),
}
COHORT_N, COHORT_YEARS = 300, 1.0


def _rows(res) -> dict:
    """The cohort's report rows keyed by (statistic, group)."""
    return {(r["statistic"], r["group"]): r for r in res.as_records()}


def _hazard_ratio_record(t: Target, res, metric: str, design: str, extra: dict | None = None) -> list[Record]:
    """The groups' model hazard ratio (exposed vs unexposed) compared with the target."""
    hr = _rows(res)[("model hazard ratio", "exposed vs unexposed")]
    return [compare(t, metric, hr["estimate"], (hr["ci_low"], hr["ci_high"]), unit="1", design=design,
                    extra=extra)]


@protocol(*COHORTS)
def autoimmune_cohort(t: Target, st: Studies) -> list[Record]:
    exposed, what, seed = COHORTS[t.id]
    res = st.cohort(f"autoimmune_cohort_{seed}", exposed=exposed, unexposed={"healthy": 1.0},
                    n_exposed=COHORT_N, n_unexposed=COHORT_N, years=COHORT_YEARS, seed=seed)
    rows = _rows(res)
    inc = {g: rows[("model incidence per 1000 person-years", g)]["estimate"] for g in ("exposed", "unexposed")}
    design = (f"{COHORT_N} adults entering with {what} vs {COHORT_N} unexposed, between-person variability, "
              f"followed {COHORT_YEARS:g} years; onset hazard = registry incidence x relative pro-inflammatory drive "
              "(no forced susceptibility); ratio of the groups' expected incidence from the model's hazard, CI by "
              "resampling people")
    return _hazard_ratio_record(t, res, "hazard ratio of autoimmune onset, exposed vs unexposed", design,
                                extra={f"incidence_per_1000py_{g}": v for g, v in inc.items()})


@protocol("stress_ibd_flare")
def stress_flare(t: Target, st: Studies) -> list[Record]:
    ibd = {name: (o.value, 0.0) for name, o in DISEASES["ibd"].items()}
    res = st.cohort("stress_ibd_flare", exposed={"chronic_stress": 1.0}, unexposed={"healthy": 1.0},
                    n_exposed=COHORT_N, n_unexposed=COHORT_N, years=0.25, event="disease_flare", susceptibility=ibd,
                    seed=63)
    design = (f"{COHORT_N} adults with ulcerative colitis (ibd preset) under an ongoing stressor load of 0.5 (the "
              f"chronic_stress preset, a family caregiver's load) from entry vs {COHORT_N} without, between-person "
              "variability, followed 3 months; flare hazard = published flare rate x relative pro-inflammatory "
              "drive; ratio of the groups' expected flare rates from the model's hazard (against an odds ratio of "
              "a flare within 3 months, close to the rate ratio for events this rare)")
    return _hazard_ratio_record(t, res, "hazard ratio of a flare, stressed vs not", design)


@protocol("caregiver_depression_onset")
def caregiver_depression(t: Target, st: Studies) -> list[Record]:
    res = st.cohort("caregiver_depression", exposed={"chronic_stress": 1.0}, unexposed={"healthy": 1.0},
                    n_exposed=COHORT_N, n_unexposed=COHORT_N, years=COHORT_YEARS, event="depressive_episode",
                    seed=64)
    design = (f"{COHORT_N} adults carrying an ongoing stressor load of 0.5 from entry (the chronic_stress preset, a "
              f"family caregiver's load) vs {COHORT_N} without, between-person variability, followed a year; "
              "episode hazard = first-onset incidence x odds raised by precipitants; ratio of the groups' expected "
              "rates of a new depressive episode from the model's hazard")
    return _hazard_ratio_record(t, res, "hazard ratio of a new depressive episode, caregivers vs not", design)
