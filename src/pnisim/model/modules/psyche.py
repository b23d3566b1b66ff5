"""Psyche layer: appraisal into perceived stress, rumination, depressive and anxious symptoms, trauma load.

No published mechanistic model covers these (SYSTEM.md; MODELS.md §4.1, §8), so this is pnisim's smallest
honest design, graded C/D, whose sizes are parameters to be calibrated against meta-analytic effect sizes
(Shields 2020 and the rest of evidence/targets.csv) in later work. What each piece stands on:

* Transactional appraisal (Lazarus & Folkman 1984): perceived stress follows the objective stressor load,
  amplified by rumination and buffered by social support (stress-buffering hypothesis: Cohen S, Wills TA.
  Stress, social support, and the buffering hypothesis. Psychol Bull 1985;98:310-357,
  doi:10.1037/0033-2909.98.2.310) and by resilience (a trait parameter).
* Perseverative cognition prolongs the physiological stress response (Brosschot JF, Gerin W, Thayer JF.
  J Psychosom Res 2006;60:113-124, doi:10.1016/j.jpsychores.2005.06.074): rumination rises with perceived
  stress and depressive symptoms and decays slowly; cognitive therapy (CBT, mindfulness) lowers its gain.
* Cognitive restructuring (Beck 1976): cognitive therapy also lowers the threat appraised from a given load
  (``cbt_appraisal``, 0 by default; its size is fitted with the rumination cut to Shields 2020's pooled immune
  effect by ``pnisim calibrate``, data/calibration/whole.toml).
* Depressive symptoms rise over weeks with perceived stress, rumination, trauma load and inflammation
  (cytokine -> kynurenine -> mood: Dantzer R et al. 2008 Nat Rev Neurosci 9:46, doi:10.1038/nrn2297; here a
  log IL-6 term, to be replaced by the brain <- immune module); anxiety follows perceived stress and trauma.
* Trauma memory load (PTSD symptoms) is added by traumatic events (a bolus), declines slowly by natural
  recovery and faster under trauma-focused therapy.
* A depressive episode is a shift of the depressive-symptom set point (``dep_episode``, logit) that resolves
  on its own: its weight ``EPI`` starts at 1 when the run starts and decays with the person's own time constant,
  log-normal between people (median ``tau_episode``, log-SD ``episode_spread``; the person's position is the
  standard-normal trait ``episode_z``). Median and spread are fitted to the remission of untreated prevalent
  episodes (Whiteford HA et al. Psychol Med 2013;43:1569, doi:10.1017/S0033291712001717: 23 % at 3 months, 32 %
  at 6, 53 % at 12). Episodes counted from their onset in the general population are more spread out (NEMESIS:
  50 % recovered by 3 months, 76 % by 12, about a fifth not at 2 years; Spijker J et al. Br J Psychiatry
  2002;181:208, doi:10.1192/bjp.181.3.208), as expected when short episodes rarely reach care. Remission is then a
  property of each person, not a forced event: ongoing stress, rumination, inflammation and lost sleep still hold
  symptoms up after the episode's own shift has gone, and a person's trait set point stays.
* New episodes (first onset, or recurrence after recovery) are a graded hazard, not a switch (``H_episode``): a
  person's hazard is a cohort's incidence ``episode_rate`` (first onset in the general population: 1.58 per 100
  person-years, NEMESIS-2, de Graaf R et al. Soc Psychiatry Psychiatr Epidemiol 2013;48:1465,
  doi:10.1007/s00127-013-0657-z; recurrence after recovery: 13.2 % within 5 years, i.e. 2.83 per 100 person-years,
  NEMESIS, Hardeveld F et al. Psychol Med 2013;43:39-48, doi:10.1017/S0033291712002395) times the odds by which
  the precipitants raise depressive symptoms, ``exp(k_episode * precipitants)`` with ``k_episode`` = 1 (grade D;
  nothing is fitted: the hazard ratio of depression in family caregivers is a held-out test). The precipitants
  are the logit drives of the symptom target from perceived stress, trauma load, inflammation, lost sleep and
  the other mood drives (sickness behaviour, antidepressants); traits and the rumination feedback are left out,
  so a population at rest has the cohort's incidence. The hazard counts outside an episode only: a person who
  starts in one (``dep_episode`` > 0) is at risk as the episode resolves. ``depression_risk`` = 1 - exp(-H_episode)
  is the probability of a new episode since the start of the run; cohort studies draw episode times from it (the
  inverse-cumulative-hazard method, as for autoimmune onset). Age and sex are not parameters: the rates are
  all-adult averages.

Default sizes are set so that eight weeks of a moderate chronic stressor (load 0.5, as a caregiver) move a
population-average person from PHQ-9 3 to ≈ 7 and PSS-10 13 to ≈ 20 (caregivers score higher than
non-caregivers on depression by about half a standard deviation: Pinquart M, Sörensen S. Psychol Aging
2003;18:250-267, doi:10.1037/0882-7974.18.2.250) — placeholders until calibration.

State scales are 0–1 fractions of the maximum of each questionnaire, so the readouts are the scales people
use: PSS-10 (0–40; Cohen S, Williamson G 1988, general-population mean ≈ 13), PHQ-9 (0–27; Kocalevent RD et al.
2013 Gen Hosp Psychiatry 35:551, general-population mean ≈ 3), GAD-7 (0–21; Löwe B et al. 2008 Med Care 46:266,
mean ≈ 3), PCL-5 (0–80). The resting values are set to those population means. Perceived stress ``PS`` is in
the units of the stressor load (0 at rest) so that it can replace the exogenous stress input of the HPA axis
and autonomic modules in the whole model; the PSS-10 readout maps it onto the questionnaire.
Time unit: hours; symptom dynamics take days to weeks.
"""

from __future__ import annotations

import math

import sympy as sp

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = (
    "Cohen S, Wills TA. Stress, social support, and the buffering hypothesis. Psychol Bull 1985;98:310-357; "
    "Brosschot JF, Gerin W, Thayer JF. J Psychosom Res 2006;60:113-124; Dantzer R et al. Nat Rev Neurosci 2008;9:46-56"
)
DOI = "10.1037/0033-2909.98.2.310"
DESIGN = "pnisim design (no published mechanistic model); size not yet calibrated"


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


# resting levels = general-population means of the questionnaires (see docstring)
PHQ9_REST, GAD7_REST, PSS10_REST = 3.0, 3.0, 13.0
DEP_REST, ANX_REST = PHQ9_REST / 27, GAD7_REST / 21
RUM_REST = 0.2
HOURS_PER_YEAR = 365.25 * 24

psyche = Module(
    name="psyche",
    title="Perceived stress, rumination, depressive and anxious symptoms, trauma load (pnisim design)",
    citation=CITATION,
    doi=DOI,
    changes="designed here: first-order symptom states with logistic targets; questionnaire readouts",
    time_unit="h",
    grade="C",
    states=(
        State("PS", "1", 0.0, "perceived stress (stressor-load units; 0 at rest)", scale=1.0),
        State("RUM", "1", RUM_REST, "rumination / negative cognition (0-1)"),
        State("DEP", "1", DEP_REST, "depressive symptoms (fraction of the PHQ-9 maximum)"),
        State("ANX", "1", ANX_REST, "anxiety symptoms (fraction of the GAD-7 maximum)"),
        State("TRA", "1", 0.0, "trauma memory load (fraction of the PCL-5 maximum)", scale=1.0),
        State("EPI", "1", 1.0, "weight of the current depressive episode's set-point shift (1 at the start of the "
                               "run, resolving with the person's tau_episode)"),
        State("H_episode", "1", 0.0, "cumulative hazard of a new depressive episode (onset or recurrence) since "
                                     "the start of the run"),
        State("TRC", "1", 1.0, "fraction of the chronic trauma-symptom load (tra_chronic) not yet processed by "
                               "trauma-focused therapy"),
    ),
    parameters=table(DESIGN, "D", [
        ("tau_ps", 72.0, "h", "time for perceived stress to follow the stressor load (days)", {"bounds": (6.0, 336.0)}),
        ("tau_rum", 168.0, "h", "rumination time constant (a week)", {"bounds": (24.0, 1344.0)}),
        ("tau_dep", 336.0, "h", "depressive-symptom time constant (two weeks)", {"bounds": (72.0, 2016.0)}),
        ("tau_anx", 168.0, "h", "anxiety time constant (a week)", {"bounds": (24.0, 1344.0)}),
        ("tau_tra", 4380.0, "h", "natural decline of trauma load (half a year)", {"bounds": (720.0, 43800.0)}),
        ("stress_load", 0.0, "1", "ongoing stressor load the person carries (caregiving: about 0.5), added to the "
         "stress input", {"bounds": (0.0, 2.0)}),
        ("support_offset", 0.0, "1", "trait shift of perceived social support (loneliness: about -0.35)",
         {"bounds": (-0.5, 0.5)}),
        ("tra_chronic", 0.0, "1", "chronic trauma-symptom load (PTSD: about 0.5 = PCL-5 40, above the 31-33 "
         "cut-off of Blevins 2015)", {"bounds": (0.0, 1.0)}),
        ("tra_arousal", 0.5, "1", "perceived stress per unit trauma load (intrusions and hyperarousal keep the "
         "threat appraisal on; DSM-5 PTSD criteria B and E)", {"bounds": (0.0, 3.0), "grade": "C"}),
        ("resilience", 0.0, "1", "trait resilience / coping (0 = population average)", {"bounds": (-0.5, 2.0), "cv": 0.5}),
        ("b_support", 0.4, "1", "stress buffering by full social support (Cohen & Wills 1985)",
         {"bounds": (0.0, 1.0), "grade": "C"}),
        ("g_rum", 0.5, "1", "amplification of appraisal by rumination above rest", {"bounds": (0.0, 5.0)}),
        ("a_rum_ps", 2.0, "1", "rumination drive per unit perceived stress (logit)", {"bounds": (0.0, 10.0)}),
        ("a_rum_dep", 1.0, "1", "rumination drive per unit depressive symptoms above rest (logit)", {"bounds": (0.0, 10.0)}),
        ("cbt_rum", 0.5, "1", "fractional cut of the rumination drive under cognitive therapy", {"bounds": (0.0, 1.0)}),
        ("cbt_appraisal", 0.0, "1", "fractional cut of the threat appraisal of a given load under cognitive therapy "
         "(cognitive restructuring: Beck AT. Cognitive therapy and the emotional disorders, 1976; CBT lowers "
         "PSS-10 in stressed adults)", {"bounds": (0.0, 0.9)}),
        ("dep_set", 0.0, "1", "shift of the depressive-symptom set point (logit; 0 = the typical person, "
         "about 1.35 = PHQ-9 12 with rumination feedback); varies between people with SD 0.72 on the logit "
         "scale, which with rumination feedback, the between-person spread of the cytokine drive of mood and the "
         "PHQ-9's test-retest error gives the general population's SD of 3.5 points", {"bounds": (-4.0, 4.0), "sd": 0.72, "grade": "B",
          "source": "sd matched to Kocalevent RD et al. Gen Hosp Psychiatry 2013;35:551 (PHQ-9 SD 3.52, n = 5,018)"}),
        ("dep_episode", 0.0, "1", "shift of the depressive-symptom set point during a depressive episode (logit; "
         "0 = no episode; about 1.35 = PHQ-9 12 at the episode's start); it resolves as the episode weight EPI "
         "decays", {"bounds": (0.0, 4.0), "grade": "C"}),
        ("tau_episode", 6000.0, "h", "median time constant of the resolution of a depressive episode; fitted to "
         "the remission of untreated prevalent episodes (Whiteford 2013) by pnisim calibrate",
         {"bounds": (168.0, 87600.0), "grade": "B",
          "source": "fitted to Whiteford HA et al. Psychol Med 2013;43:1569 (doi:10.1017/S0033291712001717)"}),
        ("episode_spread", 1.0, "1", "between-person SD of the log time constant of an episode's resolution; fitted "
         "with the median to Whiteford 2013's remission at 3, 6 and 12 months", {"bounds": (0.0, 3.0), "grade": "C",
          "source": "fitted to Whiteford HA et al. Psychol Med 2013;43:1569 (doi:10.1017/S0033291712001717)"}),
        ("episode_z", 0.0, "1", "the person's standard-normal position in the distribution of episode time "
         "constants (0 = the median)", {"bounds": (-4.0, 4.0), "sd": 1.0, "grade": "C"}),
        ("pss_set", 0.0, "1", "shift of the person's PSS-10 reading at a given perceived stress (logit; 0 = the "
         "typical person): the between-person spread of perceived stress at rest that no stressor load carries "
         "(appraisal style), so it moves the questionnaire and not the stress drive of the body; SD 0.69 on the "
         "logit scale gives, with the PSS's test-retest error, the population's SD of 6.35 points",
         {"bounds": (-4.0, 4.0), "sd": 0.69, "grade": "C",
          "source": "sd matched to Cohen S, Williamson G 1988 (PSS-10 SD 6.35, n = 2,387 US adults)"}),
        ("anx_set", 0.0, "1", "shift of the anxiety set point (logit; 0 = the typical person); varies between "
         "people with SD 1.1 on the logit scale, which with the GAD-7's test-retest error gives the general "
         "population's SD of 3.4 points", {"bounds": (-4.0, 4.0), "sd": 1.1, "grade": "B",
          "source": "sd matched to Löwe B et al. Med Care 2008;46:266 (GAD-7 SD 3.41, n = 5,030)"}),
        ("w_ps", 1.2, "1", "depression drive per unit perceived stress (logit)", {"bounds": (0.0, 10.0), "cv": 0.3}),
        ("w_rum", 1.5, "1", "depression drive per unit rumination above rest (logit)", {"bounds": (0.0, 10.0)}),
        ("w_tra", 3.0, "1", "depression drive per unit trauma load (logit)", {"bounds": (0.0, 10.0)}),
        ("w_inf", 0.3, "1", "depression drive per doubling of IL-6 over rest (logit; Dantzer 2008)",
         {"bounds": (0.0, 2.0), "grade": "C"}),
        ("w_sleep", 0.25, "1", "depression drive per h/night of weekly sleep deficit (logit; insomnia doubles the "
         "risk of depression: Baglioni C et al. J Affect Disord 2011;135:10, OR 2.6)", {"bounds": (0.0, 3.0), "grade": "C"}),
        ("v_ps", 1.5, "1", "anxiety drive per unit perceived stress (logit)", {"bounds": (0.0, 10.0)}),
        ("v_tra", 3.0, "1", "anxiety drive per unit trauma load (logit)", {"bounds": (0.0, 10.0)}),
        ("k_trauma_therapy", 0.004, "1/h", "extra decline of trauma load under trauma-focused therapy",
         {"bounds": (0.0, 0.1)}),
        ("k_chronic_therapy", 0.0008, "1/h", "processing of chronic PTSD symptoms under trauma-focused therapy "
         "(a 12-session course takes PCL-5 40 to about 20; Cusack 2016: large pre-post effects)",
         {"bounds": (0.0, 0.01), "grade": "C"}),
        ("episode_rate", 1.58, "1/(100 person-years)", "incidence of a new depressive episode in people not in "
         "one, with no precipitant (first onset in the general population; recurrence after recovery in the "
         "depression presets)", {"bounds": (0.0, 100.0), "grade": "B", "source": "NEMESIS-2: de Graaf R et al. "
         "Soc Psychiatry Psychiatr Epidemiol 2013;48:1465 (doi:10.1007/s00127-013-0657-z), DSM-IV major depression, "
         "CIDI 3.0"}),
        ("k_episode", 1.0, "1", "exponent of the episode hazard on the odds by which precipitants raise "
         "depressive symptoms (1: hazard in proportion to those odds)", {"bounds": (0.0, 4.0)}),
        ("il6_rest", 0.6097, "pg/mL", "resting IL-6 (Windoloski 2024 w6)", {"grade": "B",
         "source": "Windoloski 2024 mean bolus fit"}),
    ]),
    inputs=(
        Input("stress", "1", 0.0, "objective chronic stressor load (caregiving, work, bereavement)"),
        Input("social_support", "1", 0.5, "perceived social support, 0 = isolated, 1 = fully supported",
              bounds=(0.0, 1.0)),
        Input("cognitive_therapy", "1", 0.0, "cognitive therapy active (CBT/mindfulness), 0-1", bounds=(0.0, 1.0)),
        Input("trauma_therapy", "1", 0.0, "trauma-focused therapy active (e.g. EMDR), 0-1", bounds=(0.0, 1.0)),
    ),
    ports=(
        Port("IL6", "pg/mL", 0.6097, "plasma IL-6 (inflammation -> mood)"),
        Port("sleep_deficit", "h/night", 0.0, "weekly sleep deficit (sleep -> mood)"),
        Port("mood_drive", "1", 0.0, "other drives of depressive symptoms, logit: sickness behaviour (+), "
             "antidepressant action (-)"),
    ),
    observables=(
        Observable("pss10", "score 0-40", lambda s: 40 * _pss_fraction(s.PS, s.pss_set),
                   "Perceived Stress Scale (PSS-10)"),
        Observable("phq9", "score 0-27", lambda s: 27 * s.DEP, "depressive symptoms (PHQ-9)"),
        Observable("gad7", "score 0-21", lambda s: 21 * s.ANX, "anxiety symptoms (GAD-7)"),
        Observable("pcl5", "score 0-80",
                   lambda s: 80 * (s.TRA + s.tra_chronic * s.TRC) / (1 + s.TRA * s.tra_chronic * s.TRC),
                   "PTSD symptoms (PCL-5)"),
        Observable("rumination", "1", lambda s: s.RUM, "rumination (0-1)"),
        Observable("episode_hazard", "1/person-year", lambda s: _episode_hazard(s),
                   "hazard of a new depressive episode (onset or recurrence)"),
        Observable("depression_risk", "1", lambda s: 1 - sp.exp(-s.H_episode),
                   "probability of a new depressive episode since the start of the run"),
    ),
    equations=lambda s: _rates(s),
)

_PS0 = (PSS10_REST / 40) / (1 - PSS10_REST / 40)  # PS offset that puts PSS-10 at its population mean at rest


def _pss_fraction(ps, shift=0.0):
    """PSS-10 / 40: odds (ps + _PS0), times the person's own reading shift exp(pss_set)."""
    odds = (ps + _PS0) * sp.exp(shift)
    return odds / (1 + odds)


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


#: Recurrence of major depression after recovery in the general population (NEMESIS): 13.2 % within 5 years.
RECURRENCE_RATE = -100 * math.log(1 - 0.132) / 5  # per 100 person-years, a constant hazard
RECURRENCE_SOURCE = ("13.2 % recurrence within 5 years of recovery in the general population (NEMESIS; Hardeveld F "
                     "et al. Psychol Med 2013;43:39-48, doi:10.1017/S0033291712002395) as a constant hazard; specialised "
                     "care samples recur faster (60 % in 5 years: Hardeveld F et al. Acta Psychiatr Scand "
                     "2010;122:184-191)")


def _trauma(s):
    return s.TRA + s.tra_chronic * s.TRC


def _precipitants(s):
    """Logit drives of the depressive-symptom target from outside the person's traits and rumination feedback."""
    inflammation = sp.log(s.IL6 / s.il6_rest) / sp.log(2)
    return (s.w_ps * s.PS + s.w_tra * _trauma(s) + s.w_inf * inflammation + s.w_sleep * s.sleep_deficit
            + s.mood_drive)


def _episode_hazard(s):
    """Hazard of a new episode per person-year, outside an ongoing episode (the ratio is 0 without an episode shift
    and ~1 with one, a smooth switch on dep_episode)."""
    outside = 1 - s.EPI * s.dep_episode / (s.dep_episode + 0.001)
    return s.episode_rate / 100 * sp.exp(s.k_episode * _precipitants(s)) * outside


def _rates(s):
    support = s.social_support + s.support_offset
    trauma = _trauma(s)
    appraisal = ((s.stress + s.stress_load) * (1 - s.b_support * support) + s.tra_arousal * trauma) \
        * (1 + s.g_rum * (s.RUM - RUM_REST)) * (1 - s.cbt_appraisal * s.cognitive_therapy) / (1 + s.resilience)
    rum_target = _sigmoid(
        _logit(RUM_REST) + (1 - s.cbt_rum * s.cognitive_therapy) * (s.a_rum_ps * s.PS + s.a_rum_dep * (s.DEP - DEP_REST))
    )
    inflammation = sp.log(s.IL6 / s.il6_rest) / sp.log(2)
    dep_target = _sigmoid(
        _logit(DEP_REST) + s.dep_set + s.dep_episode * s.EPI + s.w_ps * s.PS + s.w_rum * (s.RUM - RUM_REST)
        + s.w_tra * trauma + s.w_inf * inflammation
        + s.w_sleep * s.sleep_deficit + s.mood_drive - s.resilience
    )
    anx_target = _sigmoid(_logit(ANX_REST) + s.anx_set + s.v_ps * s.PS + s.v_tra * trauma - s.resilience)
    yield Rate("PS", (appraisal - s.PS) / s.tau_ps, "pnisim P1", "appraisal: load x (1 - support buffer) x rumination")
    yield Rate("RUM", (rum_target - s.RUM) / s.tau_rum, "pnisim P2", "perseverative cognition")
    yield Rate("DEP", (dep_target - s.DEP) / s.tau_dep, "pnisim P3", "stress, rumination, trauma, inflammation, sleep")
    yield Rate("ANX", (anx_target - s.ANX) / s.tau_anx, "pnisim P4")
    yield Rate("TRA", -s.TRA / s.tau_tra - s.k_trauma_therapy * s.trauma_therapy * s.TRA, "pnisim P5",
               "natural recovery plus trauma-focused therapy; traumatic events add to TRA")
    yield Rate("EPI", -s.EPI / (s.tau_episode * sp.exp(s.episode_spread * s.episode_z)), "pnisim P7",
               "a depressive episode resolves with the person's own time constant (log-normal between people)")
    yield Rate("H_episode", _episode_hazard(s) / HOURS_PER_YEAR, "pnisim: episode hazard",
               "cohort incidence x odds raised by precipitants (Bender 2005 for event times)")
    yield Rate("TRC", -s.k_chronic_therapy * s.trauma_therapy * s.TRC, "pnisim P6",
               "chronic PTSD symptoms persist without treatment and are processed by trauma-focused therapy")


def model() -> Model:
    return compose("psyche", "Psyche layer alone (pnisim design)", [psyche], (), time_unit="h")
