"""The library of exposures and interventions a scenario can name, as data: what each does to the model, its
schedule, its cost and its evidence grade.

Each entry becomes a scenario exposure ``type`` (``spec.py`` generates one validated class per entry). Four
kinds of schedule:

* ``course`` — sessions at a fixed interval; the effect builds session by session (k/n after session k), holds
  for ``durability`` after the last session attended, then ends (CBT-like courses);
* ``session`` — one session; its effect lasts the session (a single massage);
* ``continuous`` — an effect held from the start for ``duration`` (to the end of the run by default);
* ``drug`` — doses added to a pharmacokinetic state on the drug's standard regimen
  (:data:`pnisim.model.modules.pharmacology.REGIMENS`), with a safe dose range.

``actions`` are (model input, amount at full intensity) pairs; inputs add across exposures. Sizes are the
mechanism parameters' business (they live in the model with their sources); an action amount of 1 means "the
standard dose of this treatment". Costs are in US dollars with their source; where no source was found the cost
is an order-of-magnitude assumption and says so (grade D). Adherence scales the effect (courses, continuous)
or drops doses evenly (drugs); dropout ends attendance at a given time after the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["course", "session", "continuous", "drug"]
ASSUMED_COST = "pnisim assumption: order-of-magnitude US price, no source found (grade D)"


@dataclass(frozen=True)
class Cost:
    usd: float
    per: Literal["session", "dose", "year", "course", "device", "day"]
    source: str


@dataclass(frozen=True)
class Info:
    title: str
    kind: Kind
    mechanism: str
    grade: str
    references: tuple[str, ...]
    actions: tuple[tuple[str, float], ...] = ()
    cost: Cost | None = None
    assumptions: tuple[str, ...] = ()
    category: Literal["exposure", "psychological", "lifestyle", "device", "drug"] = "psychological"
    sessions: int = 1               # course: default number of sessions
    interval_h: float = 168.0       # course: time between sessions
    durability_h: float = 26 * 168  # course: how long the full effect holds after the last session
    session_h: float = 1.0          # session: length
    duration_h: float | None = None  # continuous / drug: default length (None = to the end of the run)
    drug: str | None = None         # drug: key of pharmacology.REGIMENS
    dose_unit: Literal["mg", "mg/kg"] = "mg"
    dose_range: tuple[float, float] = (0.0, 0.0)  # drug: allowed dose per administration, in dose_unit
    max_mg: float | None = None     # drug: absolute cap per administration (mg)
    needs: tuple[str, ...] = field(default=())   # model inputs/states this entry needs (derived if empty)

    def required(self) -> tuple[str, ...]:
        return self.needs or tuple(a for a, _ in self.actions)


SHIELDS = "Shields GS, Spahr CM, Slavich GM. JAMA Psychiatry 2020;77:1031-1043"

CATALOGUE: dict[str, Info] = {
    # ---------------------------------------------------------------- exposures
    "bereavement": Info(
        "Bereavement: loss of a close person", "continuous",
        "stress +0.6 (grief as a chronic stressor) and social support -0.2 for the duration (default 26 weeks)",
        "B", ("Buckley T et al. Psychosom Med 2012 (bereavement and cardiovascular/immune risk); "
              "Fagundes CP et al. Psychoneuroendocrinology 2019;100:190 (widowhood and inflammation)",),
        actions=(("stress", 0.6), ("social_support", -0.2)), category="exposure", duration_h=26 * 168,
        assumptions=("grief as a chronic stressor load of 0.6; size to be calibrated",)),
    "loneliness": Info(
        "Loneliness / social isolation", "continuous",
        "social support -0.35 (less stress buffering) for the duration", "B",
        ("Cohen S, Wills TA. Psychol Bull 1985;98:310-357",
         "Hawkley LC, Cacioppo JT. Ann Behav Med 2010;40:218-227"),
        actions=(("social_support", -0.35),), category="exposure"),
    "shift_work": Info(
        "Night-shift work", "continuous",
        "shift_work input 1: circadian misalignment shortens sleep (about 1.5 h a night)", "B",
        ("Åkerstedt T, Wright KP. Sleep Med Clin 2009;4:257-271",),
        actions=(("shift_work", 1.0),), category="exposure"),
    # ---------------------------------------------------------------- psychological
    "relaxation": Info(
        "Relaxation training (progressive muscle relaxation, breathing)", "course",
        "cognitive_therapy +0.5 (less rumination) and vagal_set +0.1 as sessions accrue", "B",
        (SHIELDS, "Manzoni GM et al. BMC Psychiatry 2008;8:41 (relaxation for anxiety)"),
        actions=(("cognitive_therapy", 0.5), ("vagal_set", 0.1)), sessions=8,
        cost=Cost(80.0, "session", ASSUMED_COST)),
    "supportive_therapy": Info(
        "Supportive psychotherapy", "course",
        "cognitive_therapy +0.3 and perceived social support +0.1 as sessions accrue", "B",
        (SHIELDS, "Cuijpers P et al. Clin Psychol Rev 2012;32:280-291"),
        actions=(("cognitive_therapy", 0.3), ("social_support", 0.1)), sessions=10,
        cost=Cost(120.0, "session", ASSUMED_COST)),
    "psychoeducation": Info(
        "Psychoeducation", "course", "cognitive_therapy +0.15 as sessions accrue", "C",
        ("Donker T et al. BMC Med 2009;7:79 (brief psychoeducation reduces symptoms)",),
        actions=(("cognitive_therapy", 0.15),), sessions=4, cost=Cost(50.0, "session", ASSUMED_COST)),
    "emdr": Info(
        "Eye movement desensitisation and reprocessing (EMDR)", "course",
        "trauma_therapy input as sessions accrue (faster decline of trauma load)", "B",
        ("Cusack K et al. Clin Psychol Rev 2016;43:128-141",),
        actions=(("trauma_therapy", 1.0),), sessions=8, durability_h=0.0,
        cost=Cost(150.0, "session", "priced like a CBT session (targets.csv cbt_cost)")),
    "cbt_i": Info(
        "Cognitive behavioural therapy for insomnia (CBT-I)", "course",
        "cbti input as sessions accrue (removes half of the cognitive arousal that shortens sleep)", "A",
        ("Trauer JM et al. Ann Intern Med 2015;163:191-204",
         "Irwin MR et al. Biol Psychiatry 2014;76:925 (CBT-I lowers CRP)"),
        actions=(("cbti", 1.0),), sessions=6, cost=Cost(150.0, "session", "priced like a CBT session (targets.csv "
                                                                           "cbt_cost)")),
    # ---------------------------------------------------------------- lifestyle and body
    "exercise": Info(
        "Exercise training (150 min/week moderate)", "continuous",
        "exercise input 1: fitness builds over ~3 weeks, lowering resting TNF/IL-6 and raising vagal tone", "B",
        ("Fedewa MV et al. Br J Sports Med 2017;51:670-676", "Sandercock GRH et al. Med Sci Sports Exerc "
                                                             "2005;37:433-439"),
        actions=(("exercise", 1.0),), category="lifestyle", cost=Cost(500.0, "year", ASSUMED_COST)),
    "diet": Info(
        "Anti-inflammatory (Mediterranean-type) diet", "continuous",
        "diet input 1: resting TNF/IL-6 set points -8 %", "B",
        ("Schwingshackl L, Hoffmann G. Nutr Metab Cardiovasc Dis 2014;24:929-939",
         "Jacka FN et al. BMC Med 2017;15:23 (SMILES trial, depression)"),
        actions=(("diet", 1.0),), category="lifestyle", cost=Cost(0.0, "year", "no extra cost assumed")),
    "massage_single": Info(
        "A single massage session", "session",
        "vagal_set +0.3 during the session (lower heart rate and state anxiety); no cortisol effect", "A",
        ("Moyer CA, Rounds J, Hannum JW. Psychol Bull 2004;130:3-18 (single sessions do not lower cortisol)",),
        actions=(("vagal_set", 0.3), ("massage", 1.0)), category="lifestyle",
        cost=Cost(80.0, "session", ASSUMED_COST)),
    "massage_course": Info(
        "Repeated massage (twice weekly)", "course",
        "massage_course input as sessions accrue: antidepressant action (Hou 2010 SMD 0.73); lymph flow during "
        "each session", "B",
        ("Hou WH et al. J Clin Psychiatry 2010;71:894-901", "Moyer CA et al. Psychol Bull 2004;130:3-18"),
        actions=(("massage_course", 1.0),), category="lifestyle", sessions=10, interval_h=84.0,
        durability_h=4 * 168, cost=Cost(80.0, "session", ASSUMED_COST)),
    "pill_placebo": Info(
        "Pill placebo taken with the expectation of benefit (daily)", "continuous",
        "placebo input 1: expectancy builds antidepressant action over ~2 weeks; give it to the active arm too in "
        "a blinded comparison", "B",
        ("Rief W et al. J Affect Disord 2009;118:1-8 (self-rated placebo change d 0.67)",
         "Benedetti F et al. J Neurosci 2005;25:10390-10402"),
        actions=(("placebo", 1.0),), category="drug", cost=Cost(0.05, "day", ASSUMED_COST)),
    "probiotics": Info(
        "Probiotic supplement (daily)", "continuous",
        "probiotic input 1: dysbiosis and gut permeability fall, less endotoxin leaks into blood", "A",
        ("Milajerdi A et al. Eur J Nutr 2020;59:633-649",),
        actions=(("probiotic", 1.0),), category="lifestyle", cost=Cost(1.0, "day", ASSUMED_COST)),
    # ---------------------------------------------------------------- devices
    "vns_implanted": Info(
        "Implanted vagus nerve stimulation", "continuous",
        "vns input 1: vagal set point +0.6, lowering macrophage TNF release through the inflammatory reflex", "B",
        ("Koopman FA et al. Proc Natl Acad Sci USA 2016;113:8284-8289",),
        actions=(("vns", 1.0),), category="device", cost=Cost(30000.0, "device", ASSUMED_COST),
        assumptions=("open-label n = 17 study; RESET-RA sham-controlled results smaller",)),
    "vns_auricular": Info(
        "Transcutaneous auricular vagus nerve stimulation", "continuous",
        "vns input 0.3 (a fraction of the implanted effect)", "C",
        ("Addorisio ME et al. Bioelectron Med 2019;5:4",),
        actions=(("vns", 0.3),), category="device", cost=Cost(1000.0, "year", ASSUMED_COST)),
    "tms": Info(
        "Repetitive transcranial magnetic stimulation (daily course)", "course",
        "tms input as sessions accrue: antidepressant action builds over ~2 weeks", "B",
        ("Brunoni AR et al. JAMA Psychiatry 2017;74:143-152",),
        actions=(("tms", 1.0),), category="device", sessions=30, interval_h=24.0, durability_h=12 * 168,
        cost=Cost(330.0, "session", ASSUMED_COST)),
    "stem_cells": Info(
        "Mesenchymal stem-cell infusion", "continuous",
        "msc input 1 for 26 weeks: resting TNF/IL-6 set points -20 % (speculative)", "D",
        ("no controlled evidence for psychoneuroimmune effects; small trials in autoimmune disease",),
        actions=(("msc", 1.0),), category="device", duration_h=26 * 168,
        cost=Cost(20000.0, "course", ASSUMED_COST),
        assumptions=("grade D: off unless the scenario opts in with opt_in = true",)),
    # ---------------------------------------------------------------- drugs (pharmacology.py)
    "infliximab": Info(
        "Infliximab IV (anti-TNF), weeks 0, 2, 6 then every 8 weeks", "drug",
        "two-compartment PK (Fasanmade 2011); free TNF x 1/(1 + C/K) neutralised; cuts TNF-driven disease activity",
        "A", ("Fasanmade AA et al. Clin Ther 2011;33:946-964", "Raison CL et al. JAMA Psychiatry 2013;70:31-41"),
        category="drug", drug="infliximab", dose_unit="mg/kg", dose_range=(3.0, 10.0), max_mg=1000.0,
        cost=Cost(25000.0, "year", "targets.csv biologic_cost (Addorisio 2019)")),
    "adalimumab": Info(
        "Adalimumab SC 40 mg every 2 weeks (anti-TNF)", "drug",
        "one-compartment PK with absorption (Ternant 2015; Humira label); TNF neutralisation", "A",
        ("Ternant D et al. Br J Clin Pharmacol 2015;79:286-297",),
        category="drug", drug="adalimumab", dose_range=(20.0, 80.0),
        cost=Cost(25000.0, "year", "targets.csv biologic_cost (Addorisio 2019)")),
    "tocilizumab": Info(
        "Tocilizumab IV 8 mg/kg every 4 weeks (IL-6 receptor blockade)", "drug",
        "two-compartment PK with saturable clearance (Frey 2010); IL-6 signalling to liver, brain and T cells "
        "blocked (CRP falls)", "A", ("Frey N et al. J Clin Pharmacol 2010;50:754-766",),
        category="drug", drug="tocilizumab", dose_unit="mg/kg", dose_range=(4.0, 8.0), max_mg=800.0,
        cost=Cost(25000.0, "year", "targets.csv biologic_cost (Addorisio 2019)")),
    "celecoxib": Info(
        "Celecoxib 200 mg twice daily (NSAID, COX-2 inhibitor)", "drug",
        "one-compartment PK (Davies 2000); COX-2 inhibition lowers resting TNF/IL-6 set points up to 20 %", "A",
        ("Köhler O et al. JAMA Psychiatry 2014;71:1381-1391", "Davies NM et al. Clin Pharmacokinet 2000;38:225"),
        category="drug", drug="celecoxib", dose_range=(50.0, 400.0),
        cost=Cost(0.5, "dose", ASSUMED_COST)),
    "sertraline": Info(
        "Sertraline 50 mg daily (SSRI)", "drug",
        "one-compartment PK (Zoloft label); SERT occupancy (Meyer 2004) builds antidepressant action over ~2 weeks",
        "A", ("Cipriani A et al. Lancet 2018;391:1357-1366", "Meyer JH et al. Am J Psychiatry 2004;161:826-835"),
        category="drug", drug="sertraline", dose_range=(25.0, 200.0),
        cost=Cost(0.3, "dose", ASSUMED_COST)),
}
