"""`pnisim validate` over every shipped target at full size: nothing errors, nothing is dropped, and
the targets that pass today keep passing. The pass rate is printed; calibration is what raises it.

The guarded passes, each a published number from src/pnisim/data/evidence/targets.csv:
Carroll 2007 cortisol day curve (peak 378, nadir 45 nmol/L, 24-h curve), Pruessner 1997 awakening response (50 %),
Marsland 2017 (no CRP change within 2 h; IL-6 largest 60-120 min after a stressor), Kirschbaum 1993 / Dickerson &
Kemeny 2004 (cortisol peak 20-45 min after stressor onset), Nelson TSST data (Parker 2022: peak ratio and time),
Windoloski 2024 (TNF and IL-6 peaks after 2 ng/kg LPS), Pepys & Hirschfield 2003 (CRP half-life 19 h),
Moyer 2004 (a single massage leaves cortisol unchanged), and the calibrated effect sizes (Irwin 2016 sleep CRP,
held-out IL-6; Osimo 2020 depression CRP, TNF, held-out IL-6; Marsland 2017 TNF and IL-6; Hou 2010 massage;
Köhler 2014;
Milajerdi 2020 probiotic CRP, held-out IL-6 and TNF; Shields 2020 pooled g, held-out harmful-marker change;
Sanada 2020 mindfulness, held out),
the library costs (Radhakrishnan 2013 CBT, Addorisio 2019 biologics) and the utility mappings (Kolovos 2017,
Value Health 2011 HUI-3 from HAQ).
"""

import math

import pytest

from pnisim.validation.run import validate
from pnisim.validation.targets import load_targets

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

GUARDED = {
    "cortisol_diurnal_peak", "cortisol_diurnal_nadir", "cortisol_awakening_response",
    "cortisol_24h_healthy:carroll2007", "tsst_crp", "tsst_il6_timing", "tsst_cortisol_timing",
    "tsst_cortisol_individual:peak_ratio", "crp_halflife", "massage_cortisol_single", "cbt_cost", "biologic_cost:infliximab",
    "biologic_cost:adalimumab", "utility_depression:moderate", "utility_ra:haq_1",
    # fitted by `pnisim calibrate` (data/calibration/whole.toml) and held out (mdd_il6, sleep_il6). The LPS TNF-alpha
    # peak and Marsland's IL-6 fail since the cytokines' between-person spreads were matched to published ICCs:
    # reported, not guarded
    "sleep_crp", "sleep_il6", "mdd_crp", "mdd_il6", "mdd_tnf", "tsst_tnf", "massage_depression",
    "antiinflammatory_depression", "probiotic_crp", "lps_bolus_timecourse:il6_peak",
    # held out, passing since the pooled-evidence trials have 300 per arm: Milajerdi 2020 IL-6 (its TNF-α effect
    # is marginal, g -0.06 against a CI edge of -0.08, and passed 1 of 5 replicate seeds: reported, not guarded)
    "probiotic_il6",
    # the between-person spreads of the PHQ-9, GAD-7 and PSS-10 (Kocalevent 2013, Löwe 2008, Cohen & Williamson 1988)
    # and the week-to-week ICCs of CRP, IL-6 and TNF-alpha (fitted: Navarro 2012; held out: IL-6 over two years) and
    # the blood donors' CRP tail (held out: Macy 1997)
    "phq9_population_sd", "gad7_population_sd", "pss10_population_sd", "crp_icc", "il6_icc", "tnf_icc",
    "il6_icc_2y", "crp_healthy_above_p97_5",
    # the LPS IL-10 peak (fitted: IL-10 clearance) and, held out, the HPA peak order after LPS (hypothalamic relay)
    # and IL-10 after a stressor (beta-adrenergic IL-10 set point)
    "lps_bolus_timecourse:il10_peak", "lps_hpa_order", "tsst_il10",
    # Shields 2020 pooled g (fitted: CBT's rumination and appraisal cuts) and, held out, its % change of harmful
    # markers (Sanada 2020's mindfulness effect passed at the CI's edge, g -0.011 against -0.01: reported, not
    # guarded)
    "psychosocial_immune", "psychosocial_harmful",
    # natural history: untreated remission (fitted: the episode time constants), the pill-placebo change (fitted:
    # expectancy); autoimmune onset after depression and new depressive episodes in caregivers (held out: Andersson
    # 2015, Joling 2010). The waiting-list change (held out) passes near its CI's lower edge (0.31 against 0.27) and
    # autoimmune onset after PTSD in veterans (held out) misses at 2.12 against 1.91-2.09: reported, not guarded
    "mdd_remission_3mo", "mdd_remission_6mo", "mdd_remission_12mo", "placebo_change_depression",
    "depression_autoimmune", "caregiver_depression_onset",
    # rheumatoid arthritis in trials (fitted: RAPID 2 baseline and its SD, RAPID 1+2 change on anti-TNF and its SD;
    # held out: ARMADA ACR20/50/70 through the SDAI criteria) and flares of inflammatory bowel disease under stress
    # (held out: Bernstein 2010)
    "ra_baseline_das28", "ra_baseline_das28_sd", "ra_antitnf_das28_change", "ra_antitnf_das28_change_sd",
    "ra_antitnf_acr20", "ra_antitnf_acr50", "ra_antitnf_acr70", "stress_ibd_flare",
}


@pytest.fixture(scope="module")
def result():
    return validate()


def test_every_shipped_target_is_simulated_or_listed_and_none_errors(result):
    ids = {t.id for t in load_targets()}
    assert {r.target_id for r in result.records} == ids
    errors = [(r.id, r.reason) for r in result.records if r.status == "error"]
    assert errors == []
    for r in result.records:
        if r.status == "failed":
            assert r.design and r.rule  # a failure says what was simulated and how it was judged


def test_targets_that_pass_today_keep_passing(result):
    c = result.counts()
    print(f"\nvalidation: {c['passed']} of {c['passed'] + c['failed']} records pass "
          f"({100 * c['pass_rate']:.0f} %), {c['targets_passed']} of {c['targets_judged']} targets")
    for r in result.records:
        print(f"  {r.status:8s} {r.id}: target {r.target} {r.target_ci}, simulated {r.simulated} {r.simulated_ci}")
    passing = {r.id for r in result.records if r.passed}
    assert GUARDED <= passing, sorted(GUARDED - passing)
    assert math.isfinite(c["pass_rate"]) and c["targets_judged"] == len(load_targets())
    for role in ("fitted", "held-out"):
        rc = c[role]
        print(f"  {role}: {rc['targets_passed']} of {rc['targets_judged']} targets")
    # the project's bar is 90 % of fitted and 75 % of held-out targets; the held-out one is not met
    # (docs/validation.md). These floors are today's rates (30 of 33 and 22 of 30)
    assert c["fitted"]["target_pass_rate"] >= 30 / 33
    assert c["held-out"]["target_pass_rate"] >= 22 / 30
