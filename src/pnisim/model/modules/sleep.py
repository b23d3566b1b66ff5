"""Nightly sleep: a reduction of Phillips & Robinson 2007, with hyperarousal, restriction, shift work and CBT-I.

Phillips AJK, Robinson PA. A quantitative model of sleep-wake dynamics based on the physiology of the brainstem
ascending arousal system. J Biol Rhythms 2007;22:167-179. doi:10.1177/0748730406297512 (the full 3-state model
is :mod:`.phillips_robinson2007`).

What pnisim changed, and why. The published flip-flop switches in seconds; carried inside the whole model it
would cost ≈ 7× the solver steps of everything else together. Over the weeks that matter here the rest of the
system sees how long one sleeps each night, so this module keeps that as an algebraic law of the extra wake
drive ("arousal", mV added to the monoaminergic group, as the sleep-deprivation version of the model adds
forced wake: Phillips & Robinson 2008 J Theor Biol 255:413). The law is fitted to the published model's own
simulations by :mod:`pnisim.calibrate.sleep_reduction` (cubic in ``A tanh(a/A)``; error < 10 min over
−0.6…2.2 mV, bounded at ≈ 3 h for any arousal; the circadian offset c0 re-set from 1 to 0.64 so that zero
arousal gives 8.0 h — adults sleep 7–9 h: Hirshkowitz M et al. Sleep Health 2015;1:40). Sleep timing within
the night is not modelled: the clock coupling of the core places waking at the scenario's wake time.

What raises arousal (pnisim design, sizes not yet calibrated, grades C/D):

* perceived stress and rumination — the hyperarousal model of insomnia (Riemann D et al. Sleep Med Rev
  2010;14:19, doi:10.1016/j.smrv.2009.04.002) and perseverative cognition (Brosschot 2006);
* a trait ``insomnia`` offset (the insomnia preset);
* plasma IL-6 above rest, small and grade D: cytokines promote NREM sleep acutely (Krueger JM. Curr Pharm Des
  2008;14:3408) but chronic inflammation goes with fragmented, shorter sleep (Irwin MR. Annu Rev Psychol
  2015;66:143, doi:10.1146/annurev-psych-010213-115205); only the second is kept here.

Cognitive behavioural therapy for insomnia (input ``cbti``) removes part of the cognitive arousal (Trauer JM et
al. Ann Intern Med 2015;163:191, doi:10.7326/M14-2841: CBT-I shortens sleep-onset latency by 19 min and raises
sleep efficiency by 10 %). Time in bed (``time_in_bed``, h) caps sleep, smoothly (sleep restriction). Shift
work (``shift_work``, 0-1) shortens sleep by circadian misalignment, expressed as an equivalent arousal (day
sleep after a night shift is 1-4 h shorter: Åkerstedt T, Wright KP. Sleep Med Clin 2009;4:257,
doi:10.1016/j.jsmc.2009.03.001).

States: ``SLP``, tonight's sleep (follows the law within about a night), and ``SD``, the sleep deficit in h/night averaged over about a week (need minus sleep; negative = extra
sleep). It is what the couplings read (IL-6, mood, NK cells). Readouts: ``sleep_hours`` (tonight's sleep),
``sleep_deficit``, and ``psqi``, a Pittsburgh Sleep Quality Index (0-21; Buysse DJ et al. Psychiatry Res
1989;28:193, doi:10.1016/0165-1781(89)90047-4: > 5 = poor sleeper) mapped from tonight's shortfall and the deficit —
a grade-D readout, not a validated conversion.
"""

from __future__ import annotations

import sympy as sp

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = (
    "Phillips AJK, Robinson PA. A quantitative model of sleep-wake dynamics based on the physiology of the "
    "brainstem ascending arousal system. J Biol Rhythms 2007;22:167-179"
)
DOI = "10.1177/0748730406297512"
REDUCTION = "reduction of Phillips & Robinson 2007 (pnisim.calibrate.sleep_reduction; c0 = 0.64 for 8.0 h)"
DESIGN = "pnisim design; size not yet calibrated"

#: arousal (mV) at which the tanh cap of the reduced law bends; the published model stops sleeping at ≈ 2.3 mV
AROUSAL_CAP = 2.3
#: cubic coefficients of nightly sleep (h) in x = AROUSAL_CAP tanh(arousal / AROUSAL_CAP), from
#: ``python -m pnisim.calibrate.sleep_reduction`` (tests/reference/test_sleep.py re-fits and compares)
COEFFICIENTS = (7.95429, -0.33883, 0.11750, -0.38563)
RUM_REST = 0.2
IL6_REST = 0.6097

sleep = Module(
    name="sleep",
    title="Nightly sleep from arousal: reduced Phillips & Robinson 2007 with restriction, shift work and CBT-I",
    citation=CITATION,
    doi=DOI,
    changes="flip-flop reduced to nightly sleep hours as a fitted function of wake drive; hyperarousal from "
            "stress, rumination and inflammation, time in bed, shift work and CBT-I added (pnisim design); "
            "weekly sleep-deficit state and PSQI readout added",
    time_unit="h",
    grade="C",
    states=(
        State("SLP", "h/night", COEFFICIENTS[0], "tonight's sleep duration (follows the law within a night)"),
        State("SD", "h/night", 0.0, "sleep deficit, need minus sleep averaged over about a week",
              nonnegative=False, scale=1.0),
    ),
    parameters=table(REDUCTION, "B", [
        ("b0", COEFFICIENTS[0], "h", "nightly sleep at zero arousal (sleep need)", {"bounds": (6.0, 10.0), "cv": 0.08}),
        ("b1", COEFFICIENTS[1], "h/mV", "linear coefficient of the reduced law", {"bounds": (-5.0, 5.0)}),
        ("b2", COEFFICIENTS[2], "h/mV^2", "quadratic coefficient of the reduced law", {"bounds": (-5.0, 5.0)}),
        ("b3", COEFFICIENTS[3], "h/mV^3", "cubic coefficient of the reduced law", {"bounds": (-5.0, 5.0)}),
        ("tau_night", 12.0, "h", "time for nightly sleep to follow a change of arousal (about a night)",
         {"source": DESIGN, "grade": "C", "bounds": (1.0, 72.0)}),
        ("tau_sd", 168.0, "h", "averaging time of the sleep deficit (a week)",
         {"source": DESIGN, "grade": "C", "bounds": (24.0, 672.0)}),
        ("k_ps", 1.0, "mV", "arousal per unit perceived stress (hyperarousal; Riemann 2010)",
         {"source": DESIGN, "grade": "C", "bounds": (0.0, 5.0), "cv": 0.4}),
        ("k_rum", 2.0, "mV", "arousal per unit rumination above rest (perseverative cognition)",
         {"source": DESIGN, "grade": "C", "bounds": (0.0, 10.0)}),
        ("k_il6", 0.1, "mV", "arousal per doubling of IL-6 above rest (fragmented sleep in inflammation)",
         {"source": DESIGN, "grade": "D", "bounds": (0.0, 1.0)}),
        ("insomnia", 0.0, "mV", "trait hyperarousal (0 = population average; insomnia preset about 2)",
         {"source": DESIGN, "grade": "C", "bounds": (-0.6, 2.3), "cv": 0.0}),
        ("cbti_cut", 0.5, "1", "fraction of cognitive arousal removed while CBT-I acts (Trauer 2015)",
         {"source": DESIGN + "; Trauer JM et al. Ann Intern Med 2015;163:191", "grade": "C", "bounds": (0.0, 1.0)}),
        ("a_shift", 1.9, "mV", "arousal equivalent of full night-shift work (about 1.5 h less sleep; "
         "Åkerstedt & Wright 2009)", {"source": DESIGN, "grade": "C", "bounds": (0.0, 2.3)}),
        ("soft", 0.05, "h", "smoothness of the time-in-bed cap", {"source": "pnisim numerical choice", "grade": "C",
                                                                  "bounds": (0.01, 0.5)}),
        ("psqi_rest", 4.0, "score", "PSQI at zero deficit and arousal (general-population mean about 4-5)",
         {"source": "Buysse 1989 (controls 2.7); Hinz A et al. Sleep Med 2017;30:57 (population mean 5.0)",
          "grade": "C", "bounds": (0.0, 10.0)}),
        ("psqi_per_h", 2.5, "score per h/night", "PSQI rise per hour of nightly deficit (pnisim readout)",
         {"source": DESIGN, "grade": "D", "bounds": (0.0, 10.0)}),
        ("psqi_night", 1.5, "score per h", "PSQI rise per hour tonight's sleep falls short of need (pnisim readout)",
         {"source": DESIGN, "grade": "D", "bounds": (0.0, 10.0)}),
    ]),
    inputs=(
        Input("time_in_bed", "h", 24.0, "time allowed in bed per night (sleep restriction; 24 = unrestricted)",
              bounds=(0.0, 24.0)),
        Input("shift_work", "1", 0.0, "night-shift work, 0-1 (fraction of full rotating night shifts)",
              bounds=(0.0, 1.0)),
        Input("cbti", "1", 0.0, "CBT for insomnia active, 0-1", bounds=(0.0, 1.0)),
    ),
    ports=(
        Port("PS", "1", 0.0, "perceived stress (psyche)"),
        Port("RUM", "1", RUM_REST, "rumination (psyche)"),
        Port("IL6", "pg/mL", IL6_REST, "plasma IL-6"),
    ),
    observables=(
        Observable("sleep_hours", "h", lambda s: s.SLP, "tonight's sleep duration"),
        Observable("sleep_deficit", "h/night", lambda s: s.SD, "sleep deficit, weekly average"),
        Observable("psqi", "score 0-21", lambda s: _psqi(s), "sleep quality, Pittsburgh Sleep Quality Index "
                                                              "(grade-D mapping)"),
    ),
    equations=lambda s: _rates(s),
)


def _softplus(x, w=0.05):
    return w * sp.log(1 + sp.exp(x / w))


def _arousal(s):
    cognitive = (s.k_ps * s.PS + s.k_rum * (s.RUM - RUM_REST)) * (1 - s.cbti_cut * s.cbti)
    # softplus shifted to 0 at rest so that resting IL-6 costs no sleep
    inflammatory = s.k_il6 * (_softplus(sp.log(s.IL6 / IL6_REST) / sp.log(2)) - 0.05 * sp.log(2))
    return s.insomnia + cognitive + inflammatory + s.a_shift * s.shift_work


def _free_hours(s):
    x = AROUSAL_CAP * sp.tanh(_arousal(s) / AROUSAL_CAP)
    return s.b0 + x * (s.b1 + x * (s.b2 + x * s.b3))


def _hours(s):
    """Free sleep, capped by time in bed with a smooth minimum."""
    h = _free_hours(s)
    return h - _softplus(h - s.time_in_bed, s.soft)  # = min(h, time in bed), exact when bed time is ample


def _psqi(s):
    raw = s.psqi_rest + s.psqi_per_h * _softplus(s.SD, 0.1) + s.psqi_night * _softplus(s.b0 - s.SLP, 0.1)
    return 21 * sp.tanh(raw / 21)  # about psqi_rest at rest; saturates at the scale maximum 21


def _rates(s):
    yield Rate("SLP", (_hours(s) - s.SLP) / s.tau_night, "pnisim S1", "nightly sleep follows the reduced law")
    yield Rate("SD", ((s.b0 - s.SLP) - s.SD) / s.tau_sd, "pnisim S2",
               "weekly running average of need minus tonight's sleep")


def model() -> Model:
    return compose("sleep", "Nightly sleep, reduced from Phillips & Robinson 2007 (2 states, hours)", [sleep], (),
                   time_unit="h")
