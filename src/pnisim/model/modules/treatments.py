"""Non-drug treatments that act on the body: exercise training, diet, brain stimulation, massage, vagus nerve
stimulation, mesenchymal stem cells — and the slow antidepressant action that SSRIs, TMS and massage share.

No published mechanistic model joins these to the PNI system (MODELS.md §8 item 3), so this is pnisim's
smallest honest design: each treatment is an input (0 = none, 1 = the full standard dose) acting on one or two
slow targets whose direction and rough size come from meta-analyses; every size is a parameter (fitted by
``pnisim calibrate`` where a target exists). What each piece stands on:

* Exercise training builds fitness over weeks and loses it over weeks after stopping (state ``FIT``): regular
  exercise lowers CRP (Fedewa MV et al. Br J Sports Med 2017;51:670, doi:10.1136/bjsports-2016-095999: SMD
  ≈ −0.26) and raises resting vagal HRV (Sandercock GRH et al. Med Sci Sports Exerc 2005;37:433). Grade B for the
  direction, C for the size.
* An anti-inflammatory (Mediterranean-type) diet lowers CRP and IL-6 a little (Schwingshackl L, Hoffmann G.
  Nutr Metab Cardiovasc Dis 2014;24:929, doi:10.1016/j.numecd.2014.03.003). Grade B/C.
* Antidepressant action ``AD`` (logit units subtracted from the depressive-symptom drive) builds over about two
  weeks from SERT occupancy (SSRIs), repetitive TMS and a course of massage, and fades when they stop.
  SSRIs beat placebo with SMD ≈ 0.3 (Cipriani A et al. Lancet 2018;391:1357, doi:10.1016/S0140-6736(17)32802-7);
  rTMS with SMD ≈ 0.5-0.6 in treatment-resistant depression (Brunoni AR et al. JAMA Psychiatry 2017;74:143);
  repeated massage SMD 0.73 (Hou WH et al. J Clin Psychiatry 2010;71:894; targets.csv massage_depression).
  Grades B (SSRI, TMS), C (massage).
* A pill placebo taken with the expectation of benefit adds to the same action (input ``placebo``): patients'
  self-rated depression improves on placebo by d = 0.67 (0.49-0.85) over antidepressant trials (Rief W et al.
  J Affect Disord 2009;118:1, doi:10.1016/j.jad.2009.01.029), more than the natural course and regression to
  the mean explain; expectancy engages the brain's reward and mood circuits (Benedetti F et al. J Neurosci
  2005;25:10390, doi:10.1523/JNEUROSCI.3458-05.2005). The size ``placebo_mood`` is fitted to Rief 2009; grade C.
  Every active treatment's fitted effect already contains its own expectancy, so in a blinded comparison the
  placebo goes to the placebo arm and the active arm alike.
* Vagus nerve stimulation raises efferent vagal activity, which the inflammatory reflex turns into less TNF
  release (Koopman FA et al. PNAS 2016;113:8284, doi:10.1073/pnas.1605635113: implanted VNS lowered
  LPS-stimulated TNF and DAS28 in RA). Input ``vns`` = 1 for an implanted device at the Koopman settings;
  transcutaneous auricular stimulation enters at a fraction (grade C). Its vagal effect is ``vns_vagal``.
* Mesenchymal stem cells (grade D, off unless a scenario opts in): an immunomodulatory paracrine effect
  on resting cytokine production has been reported in small trials; the size here is speculative.

States are dimensionless. Outputs the couplings read: ``FIT`` (0-1), ``AD`` (logit), and the parameters.
Time unit: hours.
"""

from __future__ import annotations

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = (
    "Fedewa MV, Hathaway ED, Ward-Ritacco CL. Effect of exercise training on C reactive protein: a systematic "
    "review and meta-analysis. Br J Sports Med 2017;51:670-676; Cipriani A et al. Lancet 2018;391:1357-1366; "
    "Koopman FA et al. Proc Natl Acad Sci USA 2016;113:8284-8289"
)
DOI = "10.1136/bjsports-2016-095999"
DESIGN = "pnisim design; size not yet calibrated"

treatments = Module(
    name="treatments",
    title="Exercise, diet, brain stimulation, massage, VNS and stem cells acting on inflammation, vagal tone and "
          "mood (pnisim design)",
    citation=CITATION,
    doi=DOI,
    changes="designed here: training adaptation state and a slow antidepressant-action state; sizes from the "
            "direction and rough magnitude of meta-analyses",
    time_unit="h",
    grade="C",
    states=(
        State("FIT", "1", 0.0, "exercise-training adaptation (0 = untrained, 1 = guideline training sustained)",
              scale=1.0),
        State("AD", "1", 0.0, "antidepressant action (logit units off the depressive-symptom drive)", scale=1.0),
    ),
    parameters=table(DESIGN, "C", [
        ("tau_fit", 504.0, "h", "training adaptation and detraining time (about three weeks)",
         {"bounds": (168.0, 2016.0)}),
        ("fit_inflammation", 0.15, "1", "fractional fall of resting TNF/IL-6 at full training (Fedewa 2017)",
         {"bounds": (0.0, 0.5), "grade": "B"}),
        ("fit_vagal", 0.15, "1", "rise of the vagal set point at full training (Sandercock 2005)",
         {"bounds": (0.0, 0.5), "grade": "B"}),
        ("diet_inflammation", 0.08, "1", "fractional fall of resting TNF/IL-6 on a full anti-inflammatory diet "
         "(Schwingshackl & Hoffmann 2014)", {"bounds": (0.0, 0.5)}),
        ("tau_ad", 336.0, "h", "onset and offset time of antidepressant action (about two weeks)",
         {"bounds": (72.0, 1344.0)}),
        ("ssri_mood", 1.0, "1", "antidepressant action at full SERT occupancy (logit; Cipriani 2018)",
         {"bounds": (0.0, 5.0), "grade": "B"}),
        ("tms_mood", 1.2, "1", "antidepressant action of a daily rTMS course (logit; Brunoni 2017)",
         {"bounds": (0.0, 5.0), "grade": "B"}),
        ("massage_mood", 0.8, "1", "antidepressant action of a course of repeated massage (logit; Hou 2010)",
         {"bounds": (0.0, 5.0)}),
        ("placebo_mood", 0.5, "1", "antidepressant action of expectancy under a pill placebo (logit; Rief 2009)",
         {"bounds": (0.0, 3.0)}),
        ("vns_vagal", 0.6, "1", "rise of the vagal set point under implanted VNS (Koopman 2016)",
         {"bounds": (0.0, 2.0)}),
        ("msc_inflammation", 0.2, "1", "fractional fall of resting TNF/IL-6 after mesenchymal stem cells "
         "(speculative)", {"bounds": (0.0, 0.8), "grade": "D"}),
        ("cox_inflammation", 0.2, "1", "fractional fall of resting TNF/IL-6 at full COX-2 inhibition "
         "(prostaglandin E2 amplifies IL-6; Köhler 2014 for the antidepressant direction)",
         {"bounds": (0.0, 0.8)}),
    ]),
    inputs=(
        Input("exercise", "1", 0.0, "exercise training, fraction of the 150 min/week guideline", bounds=(0.0, 2.0)),
        Input("diet", "1", 0.0, "adherence to an anti-inflammatory (Mediterranean-type) diet, 0-1", bounds=(0.0, 1.0)),
        Input("tms", "1", 0.0, "repetitive transcranial magnetic stimulation course active, 0-1", bounds=(0.0, 1.0)),
        Input("massage_course", "1", 0.0, "repeated-massage course active, 0-1 (a single session does not build it)",
              bounds=(0.0, 1.0)),
        Input("placebo", "1", 0.0, "pill placebo or sham taken with the expectation of benefit, 0-1",
              bounds=(0.0, 1.0)),
        Input("vns", "1", 0.0, "vagus nerve stimulation: 1 implanted (Koopman 2016 settings), auricular a fraction",
              bounds=(0.0, 1.0)),
        Input("msc", "1", 0.0, "mesenchymal stem-cell effect active, 0-1 (grade D, opt-in)", bounds=(0.0, 1.0)),
    ),
    ports=(Port("ssri_occupancy", "1", 0.0, "fraction of serotonin transporters occupied (pharmacology)"),),
    observables=(
        Observable("fitness", "1", lambda s: s.FIT, "exercise-training adaptation (0-1)"),
        Observable("antidepressant_action", "1", lambda s: s.AD, "antidepressant action (logit units)"),
    ),
    equations=lambda s: (
        Rate("FIT", (s.exercise - s.FIT) / s.tau_fit, "pnisim T1", "training and detraining"),
        Rate("AD", (s.ssri_mood * s.ssri_occupancy + s.tms_mood * s.tms + s.massage_mood * s.massage_course
                    + s.placebo_mood * s.placebo - s.AD)
             / s.tau_ad, "pnisim T2", "slow antidepressant action"),
    ),
)


def model() -> Model:
    return compose("treatments", "Non-drug treatments alone (pnisim design)", [treatments], (), time_unit="h")
