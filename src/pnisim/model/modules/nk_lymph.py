"""Natural-killer cell activity (``nk``) and lymphatic flow under massage (``lymph``): two small modules.

``nk`` — NK cell cytotoxic activity relative to rest (grade C). Lost sleep lowers it within a night: after
late-night partial sleep deprivation (awake 03:00-07:00, ~4 h of sleep lost) NK lytic activity fell to 72 %
of baseline in 23 healthy men and returned to baseline after a night of recovery sleep (Irwin M, Mascovich A,
Gillin JC, Willoughby R, Pike J, Smith TL. Partial sleep deprivation reduces natural killer cell activity in
humans. Psychosom Med 1994;56:493-498, doi:10.1097/00006842-199411000-00004); early-night partial sleep
deprivation (awake 22:00-03:00) likewise lowered NK activity in 42 men, again restored by recovery sleep
(Irwin M et al. Partial night sleep deprivation reduces natural killer and cellular immune responses in
humans. FASEB J 1996;10:643-653, doi:10.1096/fasebj.10.5.8621064). Chronic stressors are associated with lower
NK cytotoxicity, whereas brief laboratory stressors mobilise NK cells into blood and raise activity per mL
(Segerstrom SC, Miller GE. Psychological stress and the human immune system: a meta-analytic study of 30 years
of inquiry. Psychol Bull 2004;130:601-630, doi:10.1037/0033-2909.130.4.601). So stress acts here through a
slow ``nk_load`` state (a week) that integrates sympathetic and cortisol excess: a 15-minute stressor barely
moves it (the acute mobilisation is not modelled), weeks of stress lower NK activity. Model:

    d nk_load/dt = (w_sns (SNS - 1) + w_cort (cortisol / cort_ref - 1) - nk_load) / tau_load
    d NK/dt      = (exp(-k_load nk_load - k_sleep sleep_debt) - NK) / tau_nk

``k_sleep`` = -ln(0.72) / 4 h from Irwin 1994 (grade B for that number); ``k_load`` is a placeholder (grade D)
giving -20 % NK activity under sustained moderate stress (SNS 1.15 and cortisol +15 %, what stress 0.5 gives
the autonomic module), not yet calibrated against Segerstrom & Miller's chronic-stressor effect sizes.
Ports: ``cortisol`` (serum nmol/L; default ``cort_ref``, the resting daily mean — the lead should set it to
the core's 24 h mean so the circadian swing averages out in the slow load), ``SNS`` (1 at rest),
``sleep_debt`` (hours of sleep lost recently, 0 at rest). Observable ``nk_activity`` (relative, 1 = rest).

``lymph`` — lymph flow relative to rest, raised by massage: EVIDENCE IS WEAK (grade D). The only direct human
measurement we use: after manual lymphatic drainage, apparent lymph velocity in the limbs of 12 healthy
controls rose by 28 % and the propulsion period fell by 23 % (near-infrared fluorescence imaging; Tan IC et al.
Assessment of lymphatic contractile function after manual lymphatic drainage using near-infrared fluorescence
imaging. Arch Phys Med Rehabil 2011;92:756-764, doi:10.1016/j.apmr.2010.12.027) — a local, immediate, pilot
measurement; how long it lasts and whether whole-body lymph flow or cytokine clearance changes is unknown.
Default effect therefore small: during a session (input ``massage`` = 1) flow approaches +28 % with a 30 min
time constant and decays as fast afterwards; the observable ``cytokine_clearance_gain`` = 1 + k_clear (LYM - 1)
(default k_clear 0.05, i.e. about +1.4 % cytokine clearance during a session) is what the lead may multiply
into cytokine clearance. Both numbers are grade D placeholders, not findings. Time unit: hours.
"""

from __future__ import annotations

import math

import sympy as sp

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

NK_CITATION = (
    "Irwin M, Mascovich A, Gillin JC, Willoughby R, Pike J, Smith TL. Partial sleep deprivation reduces "
    "natural killer cell activity in humans. Psychosom Med 1994;56:493-498; Segerstrom SC, Miller GE. "
    "Psychol Bull 2004;130:601-630"
)
NK_DOI = "10.1097/00006842-199411000-00004"
LYMPH_CITATION = (
    "Tan IC et al. Assessment of lymphatic contractile function after manual lymphatic drainage using "
    "near-infrared fluorescence imaging. Arch Phys Med Rehabil 2011;92:756-764"
)
LYMPH_DOI = "10.1016/j.apmr.2010.12.027"
DESIGN = "pnisim design; not yet calibrated"

CORT_REF = 200.0          # nmol/L, resting daily-mean serum cortisol (placeholder for the core's)
NK_SLEEP_FRACTION = 0.72  # Irwin 1994: NK activity after ~4 h of lost sleep, fraction of baseline
SLEEP_LOST_H = 4.0        # Irwin 1994: awake 03:00-07:00

nk = Module(
    name="nk",
    title="Natural-killer cell activity lowered by lost sleep and chronic stress (pnisim design)",
    citation=NK_CITATION,
    doi=NK_DOI,
    changes="designed here: first-order NK activity with an exponential sleep-debt effect sized to Irwin 1994 "
            "and a slow (weekly) stress-load state from sympathetic and cortisol excess (Segerstrom & Miller 2004)",
    time_unit="h",
    grade="C",
    states=(
        State("nk_load", "1", 0.0, "chronic stress load on NK function (0 at rest)", nonnegative=False, scale=1.0),
        State("NK", "1", 1.0, "NK cell cytotoxic activity relative to rest"),
    ),
    parameters=table(DESIGN, "C", [
        ("k_sleep", -math.log(NK_SLEEP_FRACTION) / SLEEP_LOST_H, "1/h", "fall of ln NK activity per hour of lost sleep",
         {"bounds": (0.02, 0.2), "grade": "B",
          "source": "Irwin 1994 Psychosom Med: NK activity 72 % of baseline after 4 h of lost sleep"}),
        ("tau_nk", 2.0, "h", "NK activity response time (recovers within one night of sleep)",
         {"bounds": (0.5, 12.0), "source": "pnisim design; Irwin 1994/1996: baseline after one recovery night"}),
        ("tau_load", 168.0, "h", "time over which stress load accumulates (a week)", {"bounds": (24.0, 1344.0)}),
        ("w_sns", 1.0, "1", "stress load per unit sympathetic excess", {"bounds": (0.0, 5.0), "grade": "D"}),
        ("w_cort", 1.0, "1", "stress load per unit fractional cortisol excess", {"bounds": (0.0, 5.0), "grade": "D"}),
        ("k_load", 0.75, "1", "fall of ln NK activity per unit stress load (-20 % under moderate stress)",
         {"bounds": (0.0, 5.0), "grade": "D"}),
        ("cort_ref", CORT_REF, "nmol/L", "resting daily-mean serum cortisol (set to the core's 24 h mean)",
         {"bounds": (100.0, 400.0)}),
    ]),
    ports=(
        Port("cortisol", "nmol/L", lambda s: s.cort_ref, "serum total cortisol"),
        Port("SNS", "1", 1.0, "sympathetic activity relative to rest"),
        Port("sleep_debt", "h", 0.0, "hours of sleep lost recently (0 at rest)"),
    ),
    observables=(Observable("nk_activity", "1", lambda s: s.NK, "NK cell cytotoxic activity relative to rest"),),
    equations=lambda s: _nk_rates(s),
)


def _nk_rates(s):
    load_drive = s.w_sns * (s.SNS - 1) + s.w_cort * (s.cortisol / s.cort_ref - 1)
    nk_target = sp.exp(-s.k_load * s.nk_load - s.k_sleep * s.sleep_debt)
    yield Rate("nk_load", (load_drive - s.nk_load) / s.tau_load, "pnisim N1", "slow sympathetic + cortisol load")
    yield Rate("NK", (nk_target - s.NK) / s.tau_nk, "pnisim N2", "sleep loss (Irwin 1994) and chronic stress load")


lymph = Module(
    name="lymph",
    title="Lymph flow raised transiently by massage (grade D; small default effect)",
    citation=LYMPH_CITATION,
    doi=LYMPH_DOI,
    changes="designed here: first-order lymph flow relative to rest with a massage input sized to the +28 % lymph "
            "velocity after manual lymphatic drainage in healthy limbs (Tan 2011); clearance gain is a placeholder",
    time_unit="h",
    grade="D",
    states=(State("LYM", "1", 1.0, "lymph flow relative to rest"),),
    parameters=table(DESIGN, "D", [
        ("m_massage", 0.28, "1", "fractional rise of lymph flow during massage",
         {"bounds": (0.0, 1.0), "source": "Tan 2011: +28 % apparent lymph velocity after MLD, healthy limbs (local)"}),
        ("tau_lym", 0.5, "h", "rise and decay time of the massage effect", {"bounds": (0.1, 6.0)}),
        ("k_clear", 0.05, "1", "fractional rise of cytokine clearance per unit rise of lymph flow",
         {"bounds": (0.0, 1.0)}),
    ]),
    inputs=(Input("massage", "1", 0.0, "massage session in progress (0/1)", bounds=(0.0, 1.0)),),
    observables=(
        Observable("lymph_flow", "1", lambda s: s.LYM, "lymph flow relative to rest"),
        Observable("cytokine_clearance_gain", "1", lambda s: 1 + s.k_clear * (s.LYM - 1),
                   "multiplier on cytokine clearance (grade D; 1 at rest)"),
    ),
    equations=lambda s: _lymph_rates(s),
)


def _lymph_rates(s):
    yield Rate("LYM", (1 + s.m_massage * s.massage - s.LYM) / s.tau_lym, "pnisim L1", "massage raises lymph flow")


def nk_model() -> Model:
    return compose("nk", "NK cell activity alone (pnisim design)", [nk], (), time_unit="h")


def lymph_model() -> Model:
    return compose("lymph", "Lymph flow under massage alone (pnisim design, grade D)", [lymph], (), time_unit="h")


def model() -> Model:
    return compose("nk_lymph", "NK cell activity and lymph flow (pnisim design)", [nk, lymph], (), time_unit="h")
