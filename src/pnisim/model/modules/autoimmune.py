"""Adaptive immunity and autoimmune disease activity: Th17/Treg balance and an hours-scale flare switch.

Two modules, both in hours.

``tcell`` — Th17/Treg balance, reduced from Carbo A et al. Systems modeling of molecular mechanisms
controlling cytokine-driven CD4+ T cell differentiation and phenotype plasticity. PLoS Comput Biol
2013;9:e1003027, doi:10.1371/journal.pcbi.1003027 (BIOMD0000000451, 94 species). Kept: IL-6 with TGF-β
polarises naive CD4+ cells towards Th17 (RORγt) while TGF-β with IL-2 and without IL-6 gives induced Treg
(FoxP3); IL-6/STAT3 blocks FoxP3 induction (the reciprocal axis, Bettelli E et al. Nature 2006;441:235,
doi:10.1038/nature04753); cells convert between the two lineages (plasticity; Carbo 2013 predicts and shows
Th17 -> iTreg conversion under PPARγ, here IL-6-driven Treg -> Th17 conversion is kept as the net flux).
pnisim reduced the intracellular network to two populations (per cent of CD4+ T cells) whose production is
a power-law or saturating function of plasma IL-6 relative to rest (TGF-β and IL-2 are held at rest: no
module supplies them yet), added a glucocorticoid port (glucocorticoids raise FOXP3 and Treg: Karagiannidis
C et al. J Allergy Clin Immunol 2004;114:1425, doi:10.1016/j.jaci.2004.07.024; human Th17 cells are partly
glucocorticoid-refractory: Ramesh R et al. J Exp Med 2014;211:89, doi:10.1084/jem.20130301, hence a weaker
effect on Th17), a small direct perceived-stress term (animal data only: grade D), Treg suppression of Th17
production, and an autoantibody / autoreactive load that follows the Th17/Treg ratio with the IgG half-life
(~21 days: Morell A, Terry WD, Waldmann TA. J Clin Invest 1970;49:673, doi:10.1172/JCI106279). Production
terms are written so that the resting values are a steady state for any parameter values. Resting
fractions (Th17 ~1 %, Treg ~6 % of CD4+) are the order of magnitude of healthy-control arms (e.g. the Treg
meta-analysis of Morita T et al. PLoS One 2016;11:e0162306, doi:10.1371/journal.pone.0162306); assays
differ widely, so they are grade C.

``autoimmune`` — disease activity on the Baker 2013 cytokine equations (a bistable switch, or a graded course) (Baker M et al. Math Med Biol
2013;30:311, doi:10.1093/imammb/dqs026; BIOMD0000000550, MODELS.md §3), the same two equations as
:mod:`.baker2013` divided by a time scale ``tau`` (hours per dimensionless Baker time unit). Default
parameters are the RA-prone setting α2 = 10 (bistable; remission (0.0087, 0.0250), flare (1.328, 0.391)).
Ports (MODELS.md §3 "Recommended composition") multiply the basal pro-inflammatory production α1:
``th17`` (Th17/Treg ratio relative to rest) raises it, ``GR`` (nuclear glucocorticoid signal relative to rest,
times the GR sensitivity ``gr_sens``) is a brake — less cortisol or GR resistance removes it — and ``PS``
(perceived stress) raises it. Raising α1 moves the saddle towards remission, so the trigger needed to flip
into a flare shrinks, and past ~1.6 x α1 remission disappears (spontaneous flare). Input ``ai_treatment``
(0-1) cuts all pro-inflammatory production (anti-inflammatory treatment; the lead binds drug PD here).

Onset of a new autoimmune disease is a graded hazard, not a switch (``H_onset``): a person's hazard is a
registry's baseline incidence ``onset_rate`` (per 100,000 person-years, by disease and sex: ``INCIDENCE``) times
the basal pro-inflammatory production drive relative to a healthy resting person, ``(ai_drive / drive_ref) **
k_onset`` with ``k_onset`` = 1: the same drive that moves Baker's saddle towards remission (a larger drive means a
smaller trigger suffices) scales the rate of onset in proportion (grade D; nothing is fitted: the hazard ratios
of depression, PTSD and stress-related disorders in registry cohorts are held-out tests). ``autoimmune_risk`` =
1 - exp(-H_onset) is the probability of onset since the start of the run; cohort studies draw each person's onset
at the time the cumulative hazard crosses an exponential variate (the inverse-cumulative-hazard method: Bender R,
Augustin T, Blettner M. Stat Med 2005;24:1713-1723, doi:10.1002/sim.2059). Age is not a parameter: the rates are
all-adult averages.

Flares (relapses) of an established disease are a graded hazard too (``H_flare``): the disease's published flare
rate on standard care (``flare_rate``, per patient-year: ``FLARE_RATE``, sources in ``FLARE_SOURCE``) times the
same relative drive, ``(ai_drive / drive_ref) ** k_flare`` with ``k_flare`` = 1 (grade D; the effect of stress on
flares in cohorts is a held-out test). Cohort studies draw flare times from it as they draw onsets; ``flare_risk``
is the probability of at least one flare since the start of the run.

Patients differ (``severity_z`` and ``tnf_z``, standard-normal traits): the basal production alpha1 is the preset's
median times ``exp(severity_spread * severity_z)``, and the share of pro-inflammatory production that depends on
TNF-alpha (the part an anti-TNF antibody can cut; the rest runs through IL-6, B cells, GM-CSF and other pathways, so
patients who fail anti-TNF respond to other mechanisms) is logit-normal around ``tnf_share`` with SD ``tnf_spread``.
Both spreads and the median share are fitted to RA trials (``pnisim calibrate``: baseline DAS28 and its SD in RAPID
2, the DAS28 change on an anti-TNF antibody and its SD in RAPID 1 and 2); ACR and EULAR responses are held out.

Stochastic triggers are NOT in the ODE. Infections and stressors arrive as scenario events that set the
input ``flare_trigger`` for their duration; a trigger that is large and long enough carries the state past the
saddle. It has the name of :mod:`.baker2013`'s input but is a rate in p per day (unit "1/d"), so compose
refuses a model holding both modules. Flare counting uses the smooth 0/1 observable ``flare``.

Time scale and disease presets (``DISEASES``, grade D unless stated). Baker's time is dimensionless; in the
bistable setting a treatment that cuts production by 50-80 % brings remission in ~2-3 units, and a
monostable excursion lasts ~3.5 units. The trigger is a rate in p per day, independent of ``tau``: a 48 h
trigger of 0.1/d carries a patient of the bistable presets from remission into a flare by the trigger's end.
RA (established): a graded course, not a switch. Self-induction alpha2 = 3 lies below Baker's bistable window, so
each patient has one steady activity set by their own basal production (severity) and treatment, and a drug that
cuts part of the production gives a partial response in proportion (trials report ACR20/50/70 and EULAR
moderate/good responses, not all-or-nothing remission); τ = 168 h puts most of an anti-TNF response within 1-3
weeks, as in ARMADA and DE011. SLE, IBD: bistable, τ = 168 h, so a treated flare remits over 2-3 weeks
(patients report RA flares lasting < 1 week (57 %) to >= 2 weeks (30 %): Bykerk VP et al. J Rheumatol
2014;41:227-234; more than half of the flares in the OMERACT flare studies lasted > 14 days: Bartlett SJ et al.
J Rheumatol 2015;42:2185, doi:10.3899/jrheum.141169); short flares are sub-threshold excursions, long ones
switches that need a treatment change. MS (relapsing-remitting): α2 = 7.0, just below the bistable window, so a
trigger gives a self-limited relapse; τ = 160 h makes it last about a month (Vélez de Mendizábal N et al. BMC
Syst Biol 2011;5:114, doi:10.1186/1752-0509-5-114: relapses ~1 month, about a third preceded by infection or
stress). How often flares come is the flare hazard above; the trigger events of a scenario shape a flare.
Readouts: activity x = p²/(p² + K_act²) mapped linearly to the disease's score. RA: DAS28 (range 0.96-9.4;
remission < 2.6, high activity > 5.1: Prevoo MLL et al. Arthritis Rheum 1995;38:44, doi:10.1002/art.1780380107,
and the EULAR cut-offs). SLE: SLEDAI-2K (0 remission, 1-4 low, 5-10 moderate, > 10 high: Gordon C et al. BSR
guideline, Rheumatology 2018;57:e1, doi:10.1093/rheumatology/kex286; LLDAS <= 4: Franklyn K et al. Ann Rheum
Dis 2016;75:1615, doi:10.1136/annrheumdis-2015-207726). MS: EDSS-like (Kurtzke JF. Neurology 1983;33:1444,
doi:10.1212/WNL.33.11.1444), baseline 2.0, relapse = rise >= 1 point. IBD (ulcerative colitis): total Mayo
score 0-12 (remission <= 2, moderate-to-severe active 6-12: Schroeder KW et al. N Engl J Med 1987;317:1625,
doi:10.1056/NEJM198712243172603). Score floors/spans are pnisim choices, not fits (grade D).

Well supported: the Th17/Treg axis and its IL-6 and glucocorticoid control (B/C); the clinical score cut-offs
(A/B); the registry incidences and published flare rates (A/B); RA's baseline activity and anti-TNF response
(fitted to trials, B). Speculative: every coupling size here, the stress terms, Baker's bistable switch as a model
of human flares (C), the time scales (D) and the scaling of onset and flare hazards by the drive (D).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import sympy as sp

from ...errors import SpecError
from .._table import table
from ..compose import Model, ParameterOverride, compose
from ..core import Coupling, Input, Module, Observable, Port, Rate, State
from . import baker2013

CARBO = (
    "Carbo A, Hontecillas R, Kronsteiner B, et al. Systems modeling of molecular mechanisms controlling "
    "cytokine-driven CD4+ T cell differentiation and phenotype plasticity. PLoS Comput Biol 2013;9:e1003027"
)
CARBO_DOI = "10.1371/journal.pcbi.1003027"
DESIGN = "pnisim design; not yet calibrated"
VELEZ = "Vélez de Mendizábal N et al. BMC Syst Biol 2011;5:114 (doi:10.1186/1752-0509-5-114)"

# resting state of the T-cell module (per cent of CD4+ T cells; see docstring)
TH17_REST, TREG_REST, IL6_REST = 1.0, 6.0, 0.6097  # IL-6: Windoloski 2024 resting w6, pg/mL

tcell = Module(
    name="tcell",
    title="Th17/Treg balance and autoreactive load (reduced from Carbo 2013)",
    citation=CARBO,
    doi=CARBO_DOI,
    changes="94-species CD4+ network reduced to Th17 and Treg populations with IL-6-driven polarisation and "
            "Treg->Th17 plasticity, glucocorticoid and perceived-stress ports, Treg suppression, and an "
            "autoantibody load following the Th17/Treg ratio; production normalised so rest is a steady state",
    time_unit="h",
    grade="C",
    states=(
        State("Th17", "%", TH17_REST, "Th17 (RORγt+ IL-17+) cells, per cent of CD4+ T cells"),
        State("Treg", "%", TREG_REST, "regulatory T cells (FoxP3+), per cent of CD4+ T cells"),
        State("AAb", "1", 1.0, "autoantibody / autoreactive load relative to the person's resting level"),
    ),
    parameters=table(DESIGN, "D", [
        ("th17_rest", TH17_REST, "%", "resting Th17 fraction of CD4+ T cells",
         {"source": "healthy-control order of magnitude (flow cytometry; see module docstring)", "grade": "C",
          "bounds": (0.2, 5.0), "cv": 0.4}),
        ("treg_rest", TREG_REST, "%", "resting Treg fraction of CD4+ T cells",
         {"source": "healthy-control order of magnitude (Morita 2016 PLoS One meta-analysis)", "grade": "C",
          "bounds": (2.0, 12.0), "cv": 0.25}),
        ("il6_rest", IL6_REST, "pg/mL", "resting plasma IL-6",
         {"source": "Windoloski 2024 mean bolus fit (w6)", "grade": "B"}),
        ("tau_th17", 168.0, "h", "Th17 turnover time (a week)", {"grade": "C", "bounds": (48.0, 720.0)}),
        ("tau_treg", 192.0, "h", "Treg turnover time (human Treg doubling ~8 days)",
         {"source": "Vukmanovic-Stejic M et al. J Clin Invest 2006;116:2423 (doi:10.1172/JCI28941)", "grade": "B",
          "bounds": (48.0, 720.0)}),
        ("e_il6", 0.5, "1", "Th17 polarisation exponent on IL-6 relative to rest (Carbo 2013: IL-6 drives Th17)",
         {"grade": "C", "bounds": (0.0, 2.0)}),
        ("c_il6_treg", 0.1, "1", "IL-6/STAT3 block of FoxP3 induction per resting IL-6 (Bettelli 2006)",
         {"grade": "C", "bounds": (0.0, 1.0)}),
        ("k_conv", 0.0002, "1/h", "IL-6-driven Treg -> Th17 conversion at rest (plasticity; Carbo 2013)",
         {"bounds": (0.0, 0.0009)}),  # must stay below th17_rest / (tau_th17 * treg_rest) ~ 0.001/h
        ("c_gc17", 0.3, "1", "glucocorticoid suppression of Th17 production (partly GC-refractory, Ramesh 2014)",
         {"grade": "C", "bounds": (0.0, 3.0)}),
        ("c_gc_treg", 0.3, "1", "glucocorticoid promotion of Treg production (FOXP3 up, Karagiannidis 2004)",
         {"grade": "C", "bounds": (0.0, 3.0)}),
        ("w_ps17", 0.2, "1", "Th17 production rise per unit perceived stress (rodent chronic-stress data)",
         {"bounds": (0.0, 2.0)}),
        ("K_sup", TREG_REST, "%", "Treg fraction at which suppression halves Th17 production",
         {"grade": "C", "bounds": (1.0, 30.0)}),
        ("tau_aab", 21.0 * 24.0 / math.log(2.0), "h", "autoantibody relaxation time (IgG half-life 21 days)",
         {"source": "Morell, Terry & Waldmann 1970 J Clin Invest 49:673 (IgG half-life ~21 d)", "grade": "B",
          "bounds": (240.0, 2160.0)}),
        ("n_aab", 1.0, "1", "autoantibody load exponent on the relative Th17/Treg ratio", {"bounds": (0.0, 3.0)}),
    ]),
    ports=(
        Port("IL6", "pg/mL", IL6_REST, "plasma IL-6 (polarises towards Th17, blocks Treg induction)"),
        Port("GR", "1", 1.0, "nuclear glucocorticoid-receptor signal relative to rest (includes GR sensitivity)"),
        Port("PS", "1", 0.0, "perceived stress (stressor-load units, 0 at rest)"),
    ),
    observables=(
        Observable("th17_treg_ratio", "1", lambda s: s.Th17 / s.Treg, "Th17/Treg ratio"),
        Observable("th17_treg_rel", "1", lambda s: (s.Th17 / s.Treg) / (s.th17_rest / s.treg_rest),
                   "Th17/Treg ratio relative to rest"),
        Observable("autoantibody", "1", lambda s: s.AAb, "autoantibody / autoreactive load relative to rest"),
    ),
    equations=lambda s: _tcell_rates(s),
)


def _tcell_rates(s):
    il6 = s.IL6 / s.il6_rest
    p6 = il6**s.e_il6                                               # IL-6 polarising drive, 1 at rest
    gc17 = (1 + s.c_gc17) / (1 + s.c_gc17 * s.GR)                   # glucocorticoid brake on Th17, 1 at rest
    suppression = (1 + s.treg_rest / s.K_sup) / (1 + s.Treg / s.K_sup)  # Treg suppression, 1 at rest
    s17 = p6 * gc17 * (1 + s.w_ps17 * s.PS) * suppression
    sreg = (1 + s.c_gc_treg * s.GR) / (1 + s.c_gc_treg) * (1 + s.c_il6_treg) / (1 + s.c_il6_treg * il6)
    conv = s.k_conv * p6 * s.Treg                                   # Treg -> Th17 plasticity flux
    ratio = (s.Th17 / s.Treg) / (s.th17_rest / s.treg_rest)
    yield Rate("Th17", (s.th17_rest / s.tau_th17 - s.k_conv * s.treg_rest) * s17 + conv - s.Th17 / s.tau_th17,
               "pnisim T1 (Carbo 2013 reduced)", "polarisation by IL-6, GC brake, stress, Treg suppression")
    yield Rate("Treg", (s.treg_rest / s.tau_treg + s.k_conv * s.treg_rest) * sreg - conv - s.Treg / s.tau_treg,
               "pnisim T2 (Carbo 2013 reduced)", "FoxP3 induction favoured by GC, blocked by IL-6")
    yield Rate("AAb", (ratio**s.n_aab - s.AAb) / s.tau_aab, "pnisim T3",
               "autoreactive load follows the Th17/Treg imbalance with IgG turnover")


def baker_steady_state(alpha1: float, alpha2: float, alpha3: float = 0.5, alpha4: float = 3.5,
                       gamma: float = 1.25) -> tuple[float, float]:
    """The lowest steady state (a, p) of the Baker equations: remission while it exists."""

    def h(p):
        a = alpha4 * p**2 / (alpha3**2 + p**2)
        return gamma * p * (1 + a**2) - alpha1 - alpha2 * p**2 / (1 + p**2)

    grid = np.linspace(0.0, 10.0, 20001)
    vals = h(grid)
    i = int(np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))[0])
    lo, hi = grid[i], grid[i + 1]
    for _ in range(200):  # bisection to machine precision
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.sign(h(mid)) == np.sign(h(lo)) else (lo, mid)
    p = 0.5 * (lo + hi)
    return alpha4 * p**2 / (alpha3**2 + p**2), p


# ---- disease activity ------------------------------------------------------------------------------
BAKER = baker2013.SBML
FLARE_STATE = (1.328, 0.391)  # MODELS.md §3, alpha2 = 10
HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 365.25 * 24.0

#: Adult incidence per 100,000 person-years by disease and sex (registries; ``onset_rate``).
INCIDENCE = {
    ("ra", "female"): 53.1, ("ra", "male"): 27.7,
    ("sle", "female"): 9.3, ("sle", "male"): 1.7,
    ("ms", "female"): 2.8, ("ms", "male"): 1.4,
    ("ibd", "female"): 17.3, ("ibd", "male"): 17.3,
}
INCIDENCE_ALL = {"ra": 40.9, "sle": 5.5, "ms": 2.1, "ibd": 17.3}
INCIDENCE_SOURCE = {
    "ra": "Myasoedova E et al. Arthritis Rheum 2010;62:1576 (doi:10.1002/art.27425; Olmsted County 1995-2007, "
          "age/sex-adjusted: all 40.9, women 53.1, men 27.7)",
    "sle": "Somers EC et al. Arthritis Rheumatol 2014;66:369 (doi:10.1002/art.38238; MILES: all 5.5, women 9.3; men "
           "1.7 derived as 2 x all - women, equal sexes assumed)",
    "ms": "Walton C et al. Mult Scler 2020;26:1816 (doi:10.1177/1352458520970841; Atlas of MS: pooled 2.1, "
          "female:male 2:1)",
    "ibd": "Burisch J et al. Gut 2014;63:588 (doi:10.1136/gutjnl-2013-304636; Western Europe 2010: ulcerative colitis "
           "10.8 + Crohn's disease 6.5, no marked sex difference)",
}
#: Flare (relapse) rate per patient-year on standard care, as a constant hazard (``flare_rate``).
FLARE_RATE = {"ra": 0.36, "sle": 0.65, "ms": 0.40, "ibd": 0.11}
FLARE_SOURCE = {
    "ra": "Bechman K et al. J Rheumatol 2018 (doi:10.3899/jrheum.171375, PMID 30173149): 46 of 152 patients in low "
          "disease activity (DAS28 < 3.2) flared within 12 months, a hazard of -ln(1 - 0.30) = 0.36 per year",
    "sle": "Petri M, Genovese M, Engle E, Hochberg M. Arthritis Rheum 1991;34:937-944 (Hopkins Lupus Cohort, 185 "
           "patients): 0.65 flares per patient-year",
    "ms": "Kappos L et al. N Engl J Med 2010;362:387-401 (doi:10.1056/NEJMoa0909494, FREEDOMS): annualised relapse rate "
          "0.40 on placebo",
    "ibd": "Hoie O et al. Am J Gastroenterol 2007;102:1692-1701 (PMID 17555460, IBSEN ulcerative colitis cohort, "
           "n = 771): 67 % relapsed at least once within 10 years, a hazard of -ln(0.33) / 10 = 0.11 per year",
}
REMISSION_STATE = baker_steady_state(0.025, 10.0)  # (0.0087, 0.0250), MODELS.md §3

autoimmune = Module(
    name="autoimmune",
    title="Autoimmune disease activity: Baker 2013 flare switch in hours with T-cell, glucocorticoid and stress ports",
    citation=baker2013.CITATION,
    doi=baker2013.DOI,
    changes="Baker equations divided by a time scale tau (h per dimensionless unit); alpha1 multiplied by a drive "
            "from ports th17, GR (brake, with GR sensitivity) and PS; inputs flare_trigger and ai_treatment; "
            "disease-score and flare readouts; defaults are the RA-prone setting alpha2 = 10",
    time_unit="h",
    grade="C",
    states=(
        State("ai_anti", "1", REMISSION_STATE[0], "anti-inflammatory cytokine a of Baker 2013 (scaled)"),
        State("ai_pro", "1", REMISSION_STATE[1], "pro-inflammatory cytokine p of Baker 2013 (scaled)"),
        State("H_onset", "1", 0.0, "cumulative hazard of the onset of a new autoimmune disease since the start of "
                                    "the run", scale=1.0),
        State("H_flare", "1", 0.0, "cumulative hazard of a flare (relapse) of the person's autoimmune disease since "
                                    "the start of the run", scale=1.0),
    ),
    parameters=(
        *table(BAKER, "C", [
            ("alpha1", 0.025, "1", "basal pro-inflammatory production (healthy 0.025; established RA about 0.1)",
             {"bounds": (0.0025, 5.0)}),
            ("alpha2", 10.0, "1", "maximal pro-inflammatory self-induction (RA-prone, bistable)",
             {"source": baker2013.RA_PRONE["ra.alpha2"].source, "bounds": (0.1, 20.0)}),
            ("alpha3", 0.5, "1", "pro-cytokine level for half-maximal anti-inflammatory induction"),
            ("alpha4", 3.5, "1", "maximal anti-inflammatory production"),
            ("gamma", 1.25, "1", "pro-inflammatory decay relative to anti-inflammatory decay"),
        ]),
        *table(DESIGN, "D", [
            ("tau", 168.0, "h", "hours per Baker time unit (RA: a treated flare remits over 2-3 weeks; Bykerk 2014, "
             "Bartlett 2015 flare durations)",
             {"bounds": (6.0, 720.0)}),
            ("w_th17", 0.5, "1", "drive exponent on the relative Th17/Treg ratio", {"bounds": (0.0, 2.0)}),
            ("c_gc", 1.0, "1", "glucocorticoid brake on pro-inflammatory production (drive x2 with no GC signal)",
             {"grade": "C", "bounds": (0.0, 5.0)}),
            ("gr_sens", 1.0, "1", "GR sensitivity (1 normal, < 1 glucocorticoid resistance)",
             {"grade": "C", "bounds": (0.05, 3.0), "cv": 0.2}),
            ("w_ps", 0.4, "1", "drive rise per unit perceived stress (direction: Mohr 2004 BMJ stress -> MS "
             "exacerbation; Bernstein 2010 stress -> IBD flare)", {"bounds": (0.0, 3.0)}),
            ("K_act", 0.15, "1", "pro-cytokine level at half-maximal activity readout", {"bounds": (0.02, 1.0)}),
            ("score_floor", 1.9, "score", "clinical score at zero activity (RA: DAS28)", {"bounds": (0.0, 10.0)}),
            ("score_span", 5.5, "score", "clinical score range covered by activity 0-1", {"bounds": (0.1, 105.0)}),
            ("score_flare", 5.1, "score", "flare threshold on the clinical score (RA: DAS28 high activity > 5.1)",
             {"source": "Prevoo 1995 Arthritis Rheum 38:44 (DAS28) and EULAR cut-off 5.1", "grade": "A",
              "bounds": (0.0, 105.0)}),
            ("flare_width", 0.1, "score", "width of the smooth flare indicator", {"bounds": (0.01, 5.0)}),
            ("onset_rate", INCIDENCE_ALL["ra"], "1/(100000 person-years)", "baseline incidence of the disease in "
             "adults (registry; by disease and sex in INCIDENCE), the onset hazard of a person at the healthy "
             "resting drive", {"source": INCIDENCE_SOURCE["ra"], "grade": "A", "bounds": (0.0, 2000.0)}),
            ("k_onset", 1.0, "1", "exponent of the onset hazard on the relative pro-inflammatory drive (1: hazard "
             "in proportion to the drive)", {"bounds": (0.0, 4.0)}),
            ("drive_ref", 1.0, "1", "pro-inflammatory drive of a healthy person at rest (24-h mean)",
             {"bounds": (0.1, 10.0)}),
            ("flare_rate", 0.0, "1/person-year", "flare (relapse) rate of the disease in patients on standard "
             "care, at the healthy resting drive (by disease in FLARE_RATE; 0 without an autoimmune disease)",
             {"bounds": (0.0, 10.0), "grade": "B"}),
            ("k_flare", 1.0, "1", "exponent of the flare hazard on the relative pro-inflammatory drive (1: hazard in "
             "proportion to the drive, as for onset)", {"bounds": (0.0, 4.0)}),
            ("severity_spread", 0.0, "1", "between-patient SD of the log basal pro-inflammatory production alpha1 "
             "(disease severity); 0 = every patient the preset's median", {"bounds": (0.0, 3.0)}),
            ("severity_z", 0.0, "1", "the patient's standard-normal position in the distribution of disease "
             "severity (0 = the median)", {"bounds": (-4.0, 4.0), "sd": 1.0}),
            ("tnf_share", 0.85, "1", "median share of the disease's pro-inflammatory production that depends on "
             "TNF-alpha, the part anti-TNF antibodies can cut (the rest runs through IL-6, B cells, GM-CSF, ...)",
             {"bounds": (0.01, 0.999), "grade": "C"}),
            ("tnf_spread", 1.0, "1", "between-patient SD of the logit of the TNF-dependent share",
             {"bounds": (0.0, 4.0), "grade": "C"}),
            ("tnf_z", 0.0, "1", "the patient's standard-normal position in the distribution of TNF-dependent shares "
             "(0 = the median)", {"bounds": (-4.0, 4.0), "sd": 1.0}),
        ]),
    ),
    inputs=(
        Input("flare_trigger", "1/d", 0.0, "transient pro-inflammatory trigger (infection, stressor) in Baker p "
                                           "per day, inhibited by a like production; set by scenario events"),
        Input("ai_treatment", "1", 0.0, "fractional cut of pro-inflammatory production by treatment (0-1)",
              bounds=(0.0, 1.0)),
    ),
    ports=(
        Port("th17", "1", 1.0, "Th17/Treg ratio relative to rest"),
        Port("GR", "1", 1.0, "nuclear glucocorticoid-receptor signal relative to rest"),
        Port("PS", "1", 0.0, "perceived stress (stressor-load units, 0 at rest)"),
        Port("drug_block", "1", 0.0, "fractional cut of pro-inflammatory production by cytokine-blocking drugs "
             "and the vagal reflex, bound in the whole model (0-1)"),
    ),
    observables=(
        Observable("ai_drive", "1", lambda s: _drive(s), "multiplier on basal pro-inflammatory production"),
        Observable("ai_activity", "1", lambda s: _activity(s), "disease activity 0-1, p^2/(p^2 + K_act^2)"),
        Observable("disease_score", "score", lambda s: s.score_floor + s.score_span * _activity(s),
                   "clinical disease score of the preset (DAS28, SLEDAI-2K, EDSS-like, Mayo)"),
        Observable("flare", "1", lambda s: _flare(s.score_floor + s.score_span * _activity(s), s),
                   "smooth flare indicator: 1 when the score is above the flare threshold"),
        Observable("autoimmune_hazard", "1/(1000 person-years)", lambda s: 1000.0 * _onset_hazard(s),
                   "hazard of the onset of a new autoimmune disease"),
        Observable("autoimmune_risk", "1", lambda s: 1 - sp.exp(-s.H_onset),
                   "probability of the onset of a new autoimmune disease since the start of the run"),
        Observable("flare_hazard", "1/person-year", lambda s: _flare_hazard(s),
                   "hazard of a flare (relapse) of the person's autoimmune disease"),
        Observable("flare_risk", "1", lambda s: 1 - sp.exp(-s.H_flare),
                   "probability of at least one flare (relapse) since the start of the run"),
    ),
    equations=lambda s: _disease_rates(s),
)


def tnf_dependent_share(s):
    """The patient's share of pro-inflammatory production that depends on TNF-alpha (logit-normal between patients)."""
    return 1 / (1 + sp.exp(-(sp.log(s.tnf_share / (1 - s.tnf_share)) + s.tnf_spread * s.tnf_z)))


def _drive(s):
    brake = (1 + s.c_gc) / (1 + s.c_gc * s.gr_sens * s.GR)  # 1 at rest; 1 + c_gc with no GC signal
    return s.th17**s.w_th17 * brake * (1 + s.w_ps * s.PS)


def _onset_hazard(s):
    """Onset hazard per person-year: the registry rate scaled by the relative pro-inflammatory drive."""
    return s.onset_rate / 1e5 * (_drive(s) / s.drive_ref) ** s.k_onset


def _flare_hazard(s):
    """Flare hazard per patient-year: the disease's published rate scaled by the relative pro-inflammatory drive."""
    return s.flare_rate * (_drive(s) / s.drive_ref) ** s.k_flare


def _activity(s):
    return s.ai_pro**2 / (s.ai_pro**2 + s.K_act**2)


def _flare(score, s):
    return 1 / (1 + sp.exp(-(score - s.score_flare) / s.flare_width))


def _disease_rates(s):
    a, p = s.ai_anti, s.ai_pro
    alpha1 = s.alpha1 * sp.exp(s.severity_spread * s.severity_z)  # the patient's own basal production (severity)
    production = (1 - s.ai_treatment) * (1 - s.drug_block) * (_drive(s) * alpha1 + s.alpha2 * p**2 / (1 + p**2))
    # the trigger is a rate in p per day, independent of tau, so one infection means the same push in every disease
    trigger = s.flare_trigger / HOURS_PER_DAY / (1 + a**2)
    yield Rate("H_onset", _onset_hazard(s) / HOURS_PER_YEAR, "pnisim: onset hazard",
               "registry incidence x relative pro-inflammatory drive (graded; Bender 2005 for event times)")
    yield Rate("H_flare", _flare_hazard(s) / HOURS_PER_YEAR, "pnisim: flare hazard",
               "published flare rate of the disease x relative pro-inflammatory drive (Bender 2005 for event times)")
    yield Rate("ai_anti", (-a + s.alpha4 * p**2 / (s.alpha3**2 + p**2)) / s.tau,
               "Baker 2013 da/dt (BIOMD0000000550) / tau")
    yield Rate("ai_pro", (-s.gamma * p + production / (1 + a**2)) / s.tau + trigger,
               "Baker 2013 dp/dt (BIOMD0000000550) / tau",
               "pnisim: drive multiplies alpha1; treatment cuts production; trigger adds p per day (inhibited by a)")


# ---- disease presets -----------------------------------------------------------------------------------
def _o(value: float, source: str, grade: str = "D") -> ParameterOverride:
    return ParameterOverride(value, source, grade)


_READOUT = "pnisim readout map (floor/span chosen to place remission and flare states); not a fit"

#: Parameter overrides per disease ("autoimmune.<name>" -> ParameterOverride), each with source and grade.
DISEASES: dict[str, dict[str, ParameterOverride]] = {
    "ra": {
        "autoimmune.flare_rate": _o(FLARE_RATE["ra"], FLARE_SOURCE["ra"], "B"),
        "autoimmune.alpha2": _o(3.0, "pnisim: established RA as a graded course, self-induction below Baker's "
                                     "bistable window (7.4-15.6), so activity follows the patient's severity and "
                                     "treatment continuously", "C"),
        "autoimmune.alpha1": _o(0.4, "pnisim: median basal production of established active RA (placeholder until "
                                     "calibrated to trial baselines)"),
        "autoimmune.severity_spread": _o(1.0, "pnisim: between-patient spread of RA severity (placeholder until "
                                              "calibrated to the SD of trial baselines)"),
        "autoimmune.K_act": _o(0.2, _READOUT + "; graded course: half-maximal activity at Baker p 0.2"),
        "autoimmune.tau": _o(168.0, "pnisim: anti-TNF responses develop over 1-3 weeks (most ACR20 responses by "
                                    "week 1-2: Weinblatt 2003 ARMADA, van de Putte 2004 DE011)"),
        "autoimmune.score_floor": _o(1.9, _READOUT + "; DAS28 ~2 in remission/low activity (mean DAS28-CRP 1.9 "
                                          "in a Danish flare cohort)"),
        "autoimmune.score_span": _o(7.0, _READOUT + "; DAS28 up to 8.9, the top of active-RA trial populations"),
        "autoimmune.score_flare": _o(5.1, "Prevoo 1995 Arthritis Rheum 38:44; DAS28 > 5.1 = high activity", "A"),
        "autoimmune.flare_width": _o(0.1, "pnisim: smooth step width, DAS28 units"),
    },
    "sle": {
        "autoimmune.flare_rate": _o(FLARE_RATE["sle"], FLARE_SOURCE["sle"], "B"),
        "autoimmune.alpha2": _o(10.0, "pnisim: bistable flare switch as for RA (Baker 2013 window 7.4-15.6)", "C"),
        "autoimmune.tau": _o(168.0, "pnisim: a treated flare remits over 2-3 weeks, as for RA"),
        "autoimmune.score_floor": _o(2.0, _READOUT + "; remission readout within LLDAS (SLEDAI-2K <= 4, "
                                          "Franklyn 2016)"),
        "autoimmune.score_span": _o(14.0, _READOUT + "; flare state SLEDAI-2K ~14"),
        "autoimmune.score_flare": _o(10.0, "Gordon 2018 BSR guideline: SLEDAI-2K > 10 = high activity", "B"),
        "autoimmune.flare_width": _o(0.3, "pnisim: smooth step width, SLEDAI-2K units"),
    },
    "ms": {
        "autoimmune.flare_rate": _o(FLARE_RATE["ms"], FLARE_SOURCE["ms"], "B"),
        "autoimmune.alpha2": _o(7.0, "pnisim: just below the bistable window (7.4-15.6) so relapses remit "
                                     "spontaneously (relapsing-remitting MS, " + VELEZ + ")", "C"),
        "autoimmune.tau": _o(160.0, "pnisim: relapse lasts ~1 month (" + VELEZ + ")", "C"),
        "autoimmune.score_floor": _o(2.0, _READOUT + "; EDSS-like baseline 2.0 (Kurtzke 1983)"),
        "autoimmune.score_span": _o(2.5, _READOUT + "; relapse raises the EDSS-like score by ~2 points"),
        "autoimmune.score_flare": _o(3.0, "relapse = EDSS rise >= 1.0 from baseline 2.0 (Kurtzke 1983 scale)", "B"),
        "autoimmune.flare_width": _o(0.05, "pnisim: smooth step width, EDSS units"),
    },
    "ibd": {
        "autoimmune.flare_rate": _o(FLARE_RATE["ibd"], FLARE_SOURCE["ibd"], "B"),
        "autoimmune.alpha2": _o(10.0, "pnisim: bistable flare switch as for RA (Baker 2013 window 7.4-15.6)", "C"),
        "autoimmune.tau": _o(168.0, "pnisim: a treated flare remits over 2-3 weeks, as for RA"),
        "autoimmune.score_floor": _o(1.0, _READOUT + "; remission readout Mayo <= 2 (Schroeder 1987)"),
        "autoimmune.score_span": _o(9.0, _READOUT + "; flare state Mayo ~9"),
        "autoimmune.score_flare": _o(6.0, "Schroeder 1987 NEJM 317:1625: Mayo 6-12 = moderate-to-severe active", "B"),
        "autoimmune.flare_width": _o(0.2, "pnisim: smooth step width, Mayo units"),
    },
}

#: Disease-specific readout: (observable name, unit, description).
READOUTS = {
    "ra": ("das28", "DAS28 0.96-9.4", "Disease Activity Score in 28 joints (Prevoo 1995)"),
    "sle": ("sledai2k", "SLEDAI-2K 0-105", "SLE Disease Activity Index 2000"),
    "ms": ("edss", "EDSS-like 0-10", "EDSS-like disability readout (baseline + relapse; Kurtzke 1983)"),
    "ibd": ("mayo", "Mayo 0-12", "total Mayo score for ulcerative colitis (Schroeder 1987)"),
}


def _check_disease(disease: str) -> None:
    if disease not in DISEASES:
        raise SpecError(f"The 'disease' must be one of {', '.join(DISEASES)}. Got {disease!r} instead.")


def module(disease: str = "ra") -> Module:
    """The ``autoimmune`` module starting at the lowest steady state of ``disease``'s preset (remission of a switch,
    the median patient's activity for RA's graded course)."""
    _check_disease(disease)
    par = {p.name: p.value for p in autoimmune.parameters}
    par.update({k.split(".", 1)[1]: o.value for k, o in DISEASES[disease].items()})
    a0, p0 = baker_steady_state(par["alpha1"], par["alpha2"], par["alpha3"], par["alpha4"], par["gamma"])
    states = (replace(autoimmune.states[0], initial=a0), replace(autoimmune.states[1], initial=p0),
              *autoimmune.states[2:])
    return replace(autoimmune, states=states)


#: The T-cell module's Th17/Treg imbalance drives disease activity.
th17_drives_disease = Coupling(
    "th17_drives_disease",
    "Th17/Treg ratio relative to rest multiplies basal pro-inflammatory production in the disease switch",
    CARBO,
    "C",
    {"autoimmune.th17": lambda s: (s.Th17 / s.Treg) / (s.tcell__th17_rest / s.tcell__treg_rest)},
)


def model(disease: str = "ra") -> Model:
    """Stand-alone T cells + disease activity for ``disease`` (ra, sle, ms, ibd), in hours, at the preset's lowest
    steady state."""
    _check_disease(disease)
    name, unit, description = READOUTS[disease]
    readout = Observable(
        name, unit,
        lambda s: s.autoimmune__score_floor + s.autoimmune__score_span
        * s.ai_pro**2 / (s.ai_pro**2 + s.autoimmune__K_act**2),
        description,
    )
    return compose(
        f"autoimmune_{disease}",
        f"Th17/Treg balance (Carbo 2013 reduced) + {disease.upper()} activity (Baker 2013 switch, hours)",
        [tcell, module(disease)],
        [th17_drives_disease],
        time_unit="h",
        overrides=dict(DISEASES[disease]),
        observables=[readout],
    )
