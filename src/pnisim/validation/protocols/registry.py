"""The protocol registry: target id -> the function that simulates and compares it, and the stated reasons for
targets that cannot be simulated yet or are known to fail today."""

from __future__ import annotations

from collections.abc import Callable

from ..record import Record
from ..studies import Studies
from ..targets import Target

__all__ = ["PROTOCOLS", "NOT_SIMULATABLE", "KNOWN_GAPS", "protocol"]

Protocol = Callable[[Target, Studies], list[Record]]
PROTOCOLS: dict[str, Protocol] = {}

#: Targets the model cannot express yet, with the reason (listed as such, never dropped).
NOT_SIMULATABLE: dict[str, str] = {}

def _fitted_by(parameter: str) -> str:
    return f"fitted by pnisim calibrate ({parameter}); a failure means the calibration did not reach it"


#: Known reasons a target fails today (shown with a failing record).
KNOWN_GAPS: dict[str, str] = {
    "lps_hpa_order": "ACTH peaks before IL-10 after LPS (the ACTH drive of the innate block "
                     "acts through TNF, which peaks first)",
    "cortisol_halflife": "Somvanshi 2020's cortisol clearance k_cort = 0.99/h (t1/2 42 min) is faster than measured, "
                         "and a cortisol excess also quickly cuts adrenal output through the fast feedback",
    "stress_disorder_autoimmune": "the ptsd preset (chronic PTSD, PCL-5 about 40) roughly doubles the pro-inflammatory "
                                  "drive and with it the onset hazard; Song's exposure is mostly acute stress "
                                  "reactions and adjustment disorders, milder than the preset",
    "mindfulness_inflammation": "mindfulness acts on rumination, which raises perceived stress only in people carrying "
                                "a stressor or a trauma load; in the MDD participants it moves sleep a little and "
                                "the sympathetic drive not at all, so the composite hardly falls (g about 0 against "
                                "Sanada's -0.21)",
    "vns_ra_das28": "the vagal reflex trims only macrophage TNF release, a small part of the pro-inflammatory "
                    "production of active RA; Koopman's open-label patients improved by 1.6 within 6 weeks",
    "mdd_tnf": "the inflamed-depression TNF-alpha set point is capped at 20 pg/mL (about 2.3x healthy); with "
               "TNF-alpha's wide between-person spread a quarter of depressed people would need 4-5x healthy TNF-alpha "
               "to reach Osimo's pooled g",
    "tnf_icc_2y": "the TNF-alpha set point's spread is set from Navarro 2012's six-weekly ICC (0.92), which is higher "
                  "than this two-year study's 0.73; the sources disagree",
    "crp_healthy_below_median": "healthy resting CRP here has median about 0.9 mg/L, above the blood donors' 0.64 "
                                "(the level follows the IL-6 of the endotoxin studies the innate model was fitted to)",
    "ra_placebo_acr20": "the placebo arm improves only by regression to the mean of DAS28 readings (measurement "
                        "error and fluctuation over months); expectancy and changes of background treatment in RA "
                        "are not modelled",
    "ra_antitnf_acr20": "ACR responses are read from DAS28 through two population-level equivalences (DAS28-ESR -> "
                        "SDAI; a 50/70/85 % fall of the SDAI ~ ACR20/50/70), not from joint counts",
    "ra_antitnf_acr50": "as for ACR20: read from DAS28 through the SDAI criteria",
    "ra_antitnf_acr70": "as for ACR20: read from DAS28 through the SDAI criteria",
    "ra_antitnf_eular_none": "fitted anti-TNF responses from trials (RAPID); BSRBR is clinical practice after several "
                             "DMARD failures, where more patients do not respond",
    "tsst_il10": "IL-10 rises after a stressor only through the β-adrenergic IL-10 gain, which is taken equal to "
                 "the chronic pro-inflammatory gain, not fitted",
    "tsst_tnf": _fitted_by("autonomic.g_acute"),
    "tsst_il6": _fitted_by("autonomic.adr_il6, adrenaline-driven adipocyte IL-6"),
    "sleep_crp": _fitted_by("low_grade_inflammation.sleep_gain"),
    "sleep_il6": "the sleep-deficit gain is fitted to Irwin's CRP gap and raises the IL-6 and TNF set points alike; "
                 "Irwin's IL-6 gap (g 0.20) is larger than the CRP gap (0.12), more than one shared gain gives",
    "probiotic_crp": _fitted_by("phenotype:obesity:gut.dys_set"),
    "probiotic_il6": "probiotics act only by closing the gut endotoxin leak, fitted to Milajerdi's CRP through "
                     "obesity's trait dysbiosis; the healthy and MDD participants have little leak to close",
    "probiotic_tnf": "probiotics act only by closing the gut endotoxin leak; an endotoxin input that small adds little "
                     "TNF-α to Windoloski's high resting TNF-α (8.8 pg/mL), so the TNF effect is a fraction of the "
                     "IL-6 one (Milajerdi: TNF g about 0.6 of IL-6's)",
    "massage_depression": _fitted_by("treatments.massage_mood"),
    "mdd_crp": _fitted_by("phenotype:mdd_inflamed:innate.w6"),
    "cortisol_24h_healthy": "the simulated day curve departs from the digitised group means by more than 30 % RMS",
    "lps_bolus_timecourse": "IL-10 peaks lower and earlier than in Windoloski's data",
    "psychosocial_harmful": "the model's % change per unit g is about half the pooled one: at the fitted Shields g "
                            "(0.30) the harmful markers fall about 10 %, at the edge of the +-50 % tolerance",
}


def protocol(*ids: str):
    def register(fn: Protocol) -> Protocol:
        for i in ids:
            PROTOCOLS[i] = fn
        return fn
    return register
