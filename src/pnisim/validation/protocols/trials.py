"""Randomised trials: psychosocial (CBT, mindfulness, massage), probiotic, anti-inflammatory and VNS designs. Most
stand for a pooled (meta-analytic) estimate and have ``POOLED_PER_ARM`` participants per arm; one mirrors a
single open-label study."""

from __future__ import annotations

import numpy as np

from ...trial import stats as S
from ..record import Record
from ..studies import Studies
from ..targets import Target
from .common import DEPRESSION, compare, mean_ci
from .registry import protocol


def _trial(duration: str, visits: list[str], mixture: dict, arms: list[dict], endpoints: list[str], *,
           per_arm: int, seed: int, inclusion: list[dict] = (), screen_factor: float = 2.0,
           burn_in_exposures: list[dict] = (), burn_in: str = "28 d") -> dict:
    return {"model": "whole", "duration": duration, "burn_in": burn_in, "visits": visits,
            "burn_in_exposures": list(burn_in_exposures),
            "population": {"per_arm": per_arm, "seed": seed, "screen_factor": screen_factor, "mixture": mixture},
            "inclusion": list(inclusion), "arms": arms, "endpoints": [{"observable": e} for e in endpoints]}


MARKERS = ("crp", "il6", "tnf")
#: Trials of depressive symptoms enrol people whose episode has reached its plateau (about eight weeks in).
EPISODE_BURN_IN = "56 d"
PLACEBO = {"type": "pill_placebo", "day": 0, "time": "08:00"}
#: Participants per arm of the simulated trial that stands for a pooled (meta-analytic) estimate. Its Monte Carlo
#: SE of Hedges g, about sqrt(2 / 300) = 0.08, is below half the published CIs' half-widths (0.1-0.15), so a pass or
#: fail reflects the model rather than the luck of one small simulated sample; smaller designs (40-100 per arm)
#: made the fitted effect sizes follow the sample's noise (one recalibration moved two of them five-fold).
POOLED_PER_ARM = 300
CBT_TRIAL = _trial("12 week", ["0 week", "12 week"], {"chronic_stress": 0.7, "mdd": 0.3},
                   [{"name": "usual_care"},
                    {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "10:00", "sessions": 10}]}],
                   list(MARKERS), per_arm=POOLED_PER_ARM, seed=40, inclusion=[{"observable": "pss10", "op": ">=", "value": 16}])
CBT_DESIGN = ("CBT (10 weekly sessions) vs usual care, 300 per arm, stressed adults (70 % chronic stress, 30 % MDD, "
              "PSS-10 >= 16 at screening), measured with assay error at baseline and 12 weeks (post-treatment)")


def _arms(res, name: str):
    data = res.data
    ok = data["status"].values == 0
    arm = data["arm"].values
    return (arm == name) & ok, (arm == res.spec.arms[0].name) & ok


def composite(res, markers=MARKERS) -> np.ndarray:
    """Per participant x visit: mean of the log markers standardised by their pooled baseline mean and SD
    (a composite 'low-grade inflammation' score, as the pooled meta-analyses combine markers)."""
    zs = []
    for m in markers:
        y = np.log(np.clip(res.data[m].values, 1e-6, None))
        base = y[:, 0][np.isfinite(y[:, 0])]
        zs.append((y - base.mean()) / base.std(ddof=1))
    return np.mean(zs, axis=0)


def _ppc(res, arm: str, y: np.ndarray) -> S.Estimate:
    t, c = _arms(res, arm)
    return S.ppc_g(y[t, 0], y[t, -1], y[c, 0], y[c, -1])


@protocol("psychosocial_immune")
def psychosocial_immune(t: Target, st: Studies) -> list[Record]:
    res = st.trial("cbt_stress", CBT_TRIAL)
    e = _ppc(res, "cbt", composite(res))
    # positive = better immune function = a fall of the pro-inflammatory composite
    return [compare(t, "pretest-posttest-control g of the inflammatory composite (sign: + = better)", -e.estimate,
                    (-e.ci_high, -e.ci_low), unit="1", design=CBT_DESIGN + "; composite of log CRP, IL-6, TNF")]


@protocol("psychosocial_harmful")
def psychosocial_harmful(t: Target, st: Studies) -> list[Record]:
    res = st.trial("cbt_stress", CBT_TRIAL)
    tr, c = _arms(res, "cbt")
    per = {m: S.percent_change_vs_control(res.data[m].values[tr, 0], res.data[m].values[tr, -1],
                                          res.data[m].values[c, 0], res.data[m].values[c, -1]) for m in MARKERS}
    value = float(np.mean(list(per.values())))
    return [compare(t, "% change vs control, mean over CRP, IL-6, TNF", value, None, unit="%",
                    tolerance=(1.5 * t.estimate, 0.5 * t.estimate), note="± 50 % of the pooled value, which has "
                    "no published CI", design=CBT_DESIGN, extra={f"pct_{m}": v for m, v in per.items()})]


@protocol("mindfulness_inflammation")
def mindfulness(t: Target, st: Studies) -> list[Record]:
    spec = _trial("8 week", ["0 week", "8 week"], {"mdd": 0.5, "mdd_inflamed": 0.3, "ptsd": 0.2},
                  [{"name": "waitlist"}, {"name": "mbsr", "exposures": [
                      {"type": "mindfulness", "day": 0, "time": "18:00", "sessions": 8}]}],
                  list(MARKERS), per_arm=POOLED_PER_ARM, seed=41)
    res = st.trial("mindfulness", spec)
    e = _ppc(res, "mbsr", composite(res))
    return [compare(t, "pretest-posttest-control g of the inflammatory composite (- = reduction)", e.estimate,
                    (e.ci_low, e.ci_high), unit="1",
                    design="8-week mindfulness course vs waitlist, 300 per arm, psychiatric patients (MDD, inflamed "
                           "MDD, PTSD presets), composite of log CRP, IL-6, TNF with assay error")]


PROBIOTIC_TRIAL = _trial("12 week", ["0 week", "12 week"], {"healthy": 0.4, "obesity": 0.4, "mdd": 0.2},
                         [{"name": "placebo"}, {"name": "probiotic",
                                                "exposures": [{"type": "probiotics", "day": 0, "time": "08:00"}]}],
                         list(MARKERS), per_arm=POOLED_PER_ARM, seed=42)


@protocol("probiotic_crp", "probiotic_il6", "probiotic_tnf")
def probiotic(t: Target, st: Studies) -> list[Record]:
    res = st.trial("probiotics", PROBIOTIC_TRIAL)
    m = t.id.split("_")[1]
    tr, c = _arms(res, "probiotic")
    y = res.data[m].values
    e = S.hedges_g(y[tr, -1] - y[tr, 0], y[c, -1] - y[c, 0])
    return [compare(t, "Hedges g of change, probiotic vs placebo", e.estimate, (e.ci_low, e.ci_high), unit="1",
                    design="daily probiotic vs placebo for 12 weeks, 300 per arm, adults (healthy, obese, MDD "
                           "presets) as in the pooled RCTs, assay error at both visits")]


@protocol("antiinflammatory_depression")
def anti_inflammatory(t: Target, st: Studies) -> list[Record]:
    spec = _trial("8 week", ["0 week", "8 week"], DEPRESSION,
                  [{"name": "placebo", "exposures": [PLACEBO]}, {"name": "celecoxib", "exposures": [
                      {"type": "celecoxib", "day": 0, "time": "08:00", "dose": "200 mg"}, PLACEBO]}],
                  ["phq9"], per_arm=POOLED_PER_ARM, seed=43, inclusion=[{"observable": "phq9", "op": ">=", "value": 10}],
                  screen_factor=3.0, burn_in=EPISODE_BURN_IN)
    res = st.trial("celecoxib_depression", spec)
    tr, c = _arms(res, "celecoxib")
    y = res.data["phq9"].values
    e = S.hedges_g(y[tr, -1] - y[tr, 0], y[c, -1] - y[c, 0])
    return [compare(t, "Hedges g of PHQ-9 change, anti-inflammatory vs placebo", e.estimate, (e.ci_low, e.ci_high),
                    unit="1", design="celecoxib 200 mg twice daily vs pill placebo for 8 weeks (both arms take the "
                                     "placebo: a blinded add-on), 300 per arm, depression (PHQ-9 >= 10 at screening "
                                     "eight weeks into an episode), PHQ-9 with questionnaire error")]


@protocol("massage_cortisol_single")
def massage_single(t: Target, st: Studies) -> list[Record]:
    spec = _trial("12 h", ["0 h", "9.75 h", "11.25 h"], {"healthy": 1.0},
                  [{"name": "rest"}, {"name": "massage", "exposures": [
                      {"type": "massage_single", "day": 0, "time": "10:00"}]}],
                  ["cortisol_saliva"], per_arm=POOLED_PER_ARM, seed=44)
    res = st.trial("massage_single", spec)
    tr, c = _arms(res, "massage")
    y = res.data["cortisol_saliva"].values
    e = S.hedges_g(y[tr, 2] - y[tr, 1], y[c, 2] - y[c, 1])
    return [compare(t, "Hedges g of the pre-post cortisol change, massage vs rest", e.estimate, (e.ci_low, e.ci_high),
                    unit="1", design="one massage session at 10:00 vs rest, 300 per arm, healthy adults, salivary "
                                     "cortisol with assay error 15 min before and 1 h 15 min after its start")]


@protocol("massage_depression")
def massage_depression(t: Target, st: Studies) -> list[Record]:
    spec = _trial("6 week", ["0 week", "6 week"], {"mdd": 1.0},
                  [{"name": "control"}, {"name": "massage", "exposures": [
                      {"type": "massage_course", "day": 0, "time": "10:00"}]}],
                  ["phq9"], per_arm=POOLED_PER_ARM, seed=45, inclusion=[{"observable": "phq9", "op": ">=", "value": 10}],
                  screen_factor=3.0, burn_in=EPISODE_BURN_IN)
    res = st.trial("massage_depression", spec)
    tr, c = _arms(res, "massage")
    y = res.data["phq9"].values
    e = S.hedges_g(y[tr, -1] - y[tr, 0], y[c, -1] - y[c, 0])
    return [compare(t, "Hedges g of PHQ-9 improvement, massage vs control (+ = better)", -e.estimate,
                    (-e.ci_high, -e.ci_low), unit="1",
                    design="twice-weekly massage for 5 weeks vs control, 300 per arm, depressed adults (PHQ-9 >= 10 "
                           "eight weeks into an episode), "
                           "PHQ-9 with questionnaire error at baseline and 6 weeks")]


@protocol("vns_ra_das28")
def vns_ra(t: Target, st: Studies) -> list[Record]:
    spec = _trial("6 week", ["0 week", "6 week"], {"ra": 1.0},
                  [{"name": "sham"}, {"name": "vns", "exposures": [
                      {"type": "vns_implanted", "day": 0, "time": "08:00"}]}],
                  ["disease_score"], per_arm=17, seed=46,
                  inclusion=[{"observable": "disease_score", "op": ">=", "value": 3.2}], screen_factor=4.0,
                  burn_in="56 d")
    res = st.trial("vns_ra", spec)
    tr, _ = _arms(res, "vns")
    y = res.data["disease_score"].values
    change = y[tr, -1] - y[tr, 0]
    m, ci = mean_ci(change)
    return [compare(t, "mean DAS28 change over 6 weeks in the VNS arm", m, ci, unit="1",
                    design="17 adults with active RA (ra preset with between-patient variability, DAS28 >= 3.2 at "
                           "screening after 8 weeks on background treatment) given implanted VNS, "
                           "open label like Koopman 2016; DAS28 with measurement error at day 0 and day 42")]
