"""Couplings of the whole-system model: the layers around the core joined to it and to each other.

Each coupling names the evidence for the mechanism it encodes and carries its grade; sizes designed here are
parameters; those not fitted by ``pnisim calibrate`` are placeholders. The loops (SYSTEM.md): appraisal -> HPA and sympathetic drive ->
inflammation -> mood and sleep -> back to appraisal; TNF -> HPA through the hypothalamic relay (1-h lag, replacing
the core's instantaneous coupling); the vagal reflex damping TNF; IL-6 -> liver CRP; infection
(Reynolds 2006) through host defence weakened by stress; drugs and treatments acting on their targets.
"""

from __future__ import annotations

import sympy as sp

from .._table import table
from ..core import Coupling
from ...errors import ModelDefinitionError
from . import autoimmune, brain_immune, gut, pharmacology
from .core_links import UG_DL_TO_NMOL_L

TRACEY = "Tracey KJ. The inflammatory reflex. Nature 2002;420:853-859"
PEPYS = "Pepys MB, Hirschfield GM. C-reactive protein: a critical update. J Clin Invest 2003;111:1805-1812"

vagal_reflex = Coupling(
    name="vagal_reflex",
    description="efferent vagus -> acetylcholine -> α7nAChR on macrophages lowers TNF release; TNF lowers vagal tone",
    citation=TRACEY,
    grade="C",
    binds={
        "innate.tnf_gain": lambda s: (1 + s.autonomic__k_vag) / (1 + s.autonomic__k_vag * s.VAG),
        "autonomic.TNF": lambda s: s.TNF,
    },
)

il6_to_liver = Coupling(
    name="il6_to_liver",
    description="plasma IL-6 drives hepatic CRP synthesis through the IL-6 receptor (blocked by tocilizumab)",
    citation=PEPYS,
    grade="A",
    binds={"crp.IL6": lambda s: il6_signal(s)},
)

BIERHAUS = ("Bierhaus A et al. A mechanism converting psychosocial stress into mononuclear cell activation. "
            "Proc Natl Acad Sci USA 2003;100:1920-1925")

appraisal_drives_physiology = Coupling(
    name="appraisal",
    description="perceived stress (not the objective load) drives the CRH drive and sympathetic activity; "
                "inflammation feeds back on mood",
    citation="Lazarus RS, Folkman S. Stress, Appraisal, and Coping. Springer 1984; Dantzer R et al. Nat Rev Neurosci 2008;9:46-56",
    grade="C",
    parameters=table("pnisim design; not yet calibrated (target: Miller GE, Chen E, Zhou ES 2007 Psychol Bull "
                     "133:25, chronic stress and the HPA axis)", "D", [
        ("hpa_gain", 0.3, "1", "CRH drive per unit perceived stress", {"bounds": (0.0, 3.0), "cv": 0.4}),
    ]),
    binds={
        "hpa.stress_level": lambda s: s.hpa_gain * s.PS,
        "autonomic.stress_level": lambda s: s.PS,
        "psyche.IL6": lambda s: il6_signal(s),
    },
)

VGONTZAS = ("Vgontzas AN et al. Adverse effects of modest sleep restriction on sleepiness, performance, and "
            "inflammatory cytokines. J Clin Endocrinol Metab 2004;89:2119-2126")

low_grade_inflammation = Coupling(
    name="low_grade_inflammation",
    description="sustained sympathetic (noradrenergic) activity raises resting TNF-α/IL-6 via NF-κB in "
                "mononuclear cells (Bierhaus 2003), and resting IL-10 by β-adrenergic induction (van der Poll 1996); "
                "adrenaline from an acute stressor adds adipocyte IL-6 (autonomic BIL6; Mohamed-Ali 2000); "
                "a weekly sleep deficit raises them too (Vgontzas 2004: a week "
                "of 6-h nights raised IL-6; Irwin 2016 meta-analysis: sleep disturbance goes with higher IL-6 and CRP)",
    citation=BIERHAUS + "; " + VGONTZAS,
    grade="C",
    parameters=table("pnisim design; not yet calibrated", "D", [
        ("gain", 2.0, "1", "fractional rise of the resting cytokine set points per unit sympathetic excess "
         "(8 weeks of moderate chronic stress raise resting IL-6 about 30 %)", {"bounds": (0.0, 10.0), "cv": 0.4}),
        ("sleep_gain", 0.15, "1 per h/night", "fractional rise of the resting cytokine set points per h/night of "
         "weekly sleep deficit (two hours short a night: about +30 %, Vgontzas 2004)",
         {"bounds": (0.0, 1.0), "cv": 0.4, "grade": "C"}),
        ("excess_max", 1.0, "1", "ceiling of the fractional rise of the resting cytokine set points from "
         "sympathetic drive and lost sleep together (at most a doubling): the largest such effects measured are "
         "five nights of 4 h sleep (CRP 145 % of baseline, van Leeuwen 2009) and a week of 6-h nights (IL-6 "
         "+0.8 pg/mL, Vgontzas 2004); without an acute illness CRP stays in the low-grade range below 10 mg/L "
         "(Pearson 2003)", {"bounds": (0.25, 10.0), "grade": "C",
          "source": "van Leeuwen WM et al. PLoS One 2009;4:e4589 (doi:10.1371/journal.pone.0004589); Pearson TA et "
                    "al. Circulation 2003;107:499-511; size pnisim's"}),
        ("autoimmune_gain", 6.0, "1", "fractional rise of the resting cytokine set points at full autoimmune disease "
         "activity (an RA flare: CRP in the tens of mg/L)", {"bounds": (0.0, 20.0), "grade": "C"}),
        ("K_flare", 0.2, "1", "Baker p at half of that rise (between remission 0.025 and flare 0.39)",
         {"bounds": (0.05, 0.4), "grade": "C"}),
        ("gain_il10", 2.0, "1", "fractional rise of the resting IL-10 set point per unit sympathetic excess: "
         "β-adrenergic stimulation raises monocyte IL-10 (adrenaline infusion potentiated IL-10 in human "
         "endotoxaemia, van der Poll 1996); taken equal to the TNF-α/IL-6 gain, not fitted",
         {"bounds": (0.0, 10.0), "grade": "D",
          "source": "van der Poll T et al. J Clin Invest 1996;97:713-719 (direction); size "
                    "assumed equal to the pro-inflammatory gain"}),
    ]),
    binds={"innate.basal_gain": lambda s: (1 + _low_grade_excess(s)) * (1 + s.autoimmune_gain * _activity_excess(s))
           * treatment_factor(s),
           "innate.il10_gain": lambda s: 1 + s.gain_il10 * (s.SNSi - 1),
           # adrenaline from an acute stressor: adipocyte IL-6, TNF-α unchanged (autonomic.py, Mohamed-Ali 2000)
           "innate.il6_set_gain": lambda s: 1 + s.BIL6},
)

sleep_links = Coupling(
    name="sleep_links",
    description="perceived stress, rumination and inflammation keep the brain aroused and shorten sleep; a sleep "
                "deficit feeds depressive symptoms",
    citation="Riemann D et al. The hyperarousal model of insomnia. Sleep Med Rev 2010;14:19-31; "
             "Baglioni C et al. J Affect Disord 2011;135:10-19",
    grade="C",
    binds={
        "sleep.PS": lambda s: s.PS,
        "sleep.RUM": lambda s: s.RUM,
        "sleep.IL6": lambda s: s.IL6,
        "psyche.sleep_deficit": lambda s: s.SD,
    },
)


def _low_grade_excess(s):
    """Fractional rise of the resting cytokine set points from sympathetic drive and a sleep deficit, under the
    smooth ceiling ``excess_max`` (unchanged within 0.2 % up to a third of it)."""
    from .somvanshi2020 import capped

    raw = (1 + s.gain * (s.SNSi - 1)) * (1 + s.sleep_gain * _softplus(s.SD, 0.1)) - 1
    return capped(raw, 1 / s.excess_max)


def _softplus(x, w):
    """Smooth max(x, 0) of width w, shifted to 0 at x = 0 so that the rest state is unchanged."""
    return w * sp.log((1 + sp.exp(x / w)) / 2)


COHEN_1991 = ("Cohen S, Tyrrell DA, Smith AP. Psychological stress and susceptibility to the common cold. "
              "N Engl J Med 1991;325:606-612")

infection_links = Coupling(
    name="infection_links",
    description="perceived stress and short sleep weaken host defence against a pathogen (Cohen 1991: "
                "susceptibility rises with stress; Prather 2015: with short sleep); the pathogen's molecular patterns activate monocytes like endotoxin",
    citation=COHEN_1991,
    grade="C",
    parameters=table("pnisim design; sizes not yet calibrated", "D", [
        ("k_defence", 0.45, "1", "loss of host defence per unit perceived stress: defence = 1/(1 + k*PS)",
         {"bounds": (0.0, 5.0), "cv": 0.4}),
        ("k_sleep_defence", 0.3, "1 per h/night", "loss of host defence per h/night of weekly sleep deficit "
         "(Prather 2015)", {"bounds": (0.0, 5.0), "cv": 0.4}),
        ("k_pamp", 0.2, "ng/kg/h per pathogen unit", "endotoxin-equivalent input per pathogen unit",
         {"bounds": (0.0, 1.0)}),
    ]),
    binds={
        # a weekly sleep deficit weakens defence too (Prather AA et al. Sleep 2015;38:1353: < 6 h a night, 4.2x
        # the odds of a cold after viral challenge)
        "infection.host_defence": lambda s: 1 / (1 + s.k_defence * s.PS + s.k_sleep_defence * _softplus(s.SD, 0.1)),
        # pathogen molecular patterns plus endotoxin leaking through the gut barrier (gut.py)
        "innate.pamp": lambda s: s.k_pamp * s.pathogen + gut.endotoxin_leak(s.GUTP, s.gut__L_max, s.gut__K_P),
    },
)


# ---------------------------------------------------------------------------------------------------------
# Drugs and non-drug treatments (pharmacology.py, treatments.py)
# ---------------------------------------------------------------------------------------------------------
class _Within:
    """The coupling namespace as one module's own equations see it (its parameters without the prefix), so a
    coupling can reuse that module's expression for an output rather than restate it."""

    def __init__(self, s, module: str):
        self._s, self._module = s, module

    def __getattr__(self, name: str):
        try:
            return getattr(self._s, f"{self._module}__{name}")
        except ModelDefinitionError:
            return getattr(self._s, name)


def il6_signal(s):
    """IL-6 as its receptor sees it: plasma IL-6 times the fraction of IL-6 receptors tocilizumab leaves free."""
    c = s.tcz_central / s.tocilizumab__V1
    return s.IL6 * s.tocilizumab__ic50 / (c + s.tocilizumab__ic50)


def cox_block(s):
    c = s.cxb_central / s.celecoxib__V_F
    return c / (c + s.celecoxib__ic50)


def ssri_occupancy(s):
    c = 1000 * s.sert_central / s.sertraline__V_F
    return s.sertraline__emax * c / (c + s.sertraline__ec50)


def treatment_factor(s):
    """Resting TNF-α/IL-6 set points x this: exercise training, diet, COX-2 inhibition, stem cells."""
    t = "treatments__"
    return ((1 - getattr(s, t + "fit_inflammation") * s.FIT) * (1 - getattr(s, t + "diet_inflammation") * s.diet)
            * (1 - getattr(s, t + "cox_inflammation") * cox_block(s)) * (1 - getattr(s, t + "msc_inflammation") * s.msc))


drug_actions = Coupling(
    name="drug_actions",
    description="anti-TNF antibodies neutralise plasma TNF-α (an extra sink); SERT occupancy by sertraline feeds "
                "the slow antidepressant action; (tocilizumab blocks IL-6 signalling to liver and brain and "
                "celecoxib lowers resting cytokines: in il6_to_liver, appraisal and low_grade_inflammation)",
    citation="Fasanmade AA et al. Clin Ther 2011;33:946-964; Frey N et al. J Clin Pharmacol 2010;50:754-766; "
             "Meyer JH et al. Am J Psychiatry 2004;161:826-835",
    grade="B",
    binds={
        # free TNF fraction 1/(1 + load) at steady state, load = sum of C/K over the antibodies
        # plus the (small, grade D) faster clearance while lymph flow is raised by massage (nk_lymph.py)
        "innate.tnf_sink": lambda s: _tnf_load(s) + s.lymph__k_clear * (s.LYM - 1),
        "treatments.ssri_occupancy": lambda s: ssri_occupancy(s),
    },
)


def _tnf_load(s):
    block = pharmacology._combined_tnf_block(s)
    return block / (1 - block)


treatment_actions = Coupling(
    name="treatment_actions",
    description="exercise training and vagus nerve stimulation raise the vagal set point; antidepressant action "
                "(SSRI, TMS, massage course) lowers the depressive-symptom drive",
    citation="Sandercock GRH et al. Med Sci Sports Exerc 2005;37:433-439; Koopman FA et al. PNAS 2016;113:8284; "
             "Cipriani A et al. Lancet 2018;391:1357",
    grade="C",
    binds={
        "autonomic.vagal_boost": lambda s: s.treatments__fit_vagal * s.FIT + s.treatments__vns_vagal * s.vns,
        "psyche.mood_drive": lambda s: brain_immune._mood_drive(_Within(s, "brain_immune")) - s.AD,
    },
)


#: Baker 2013 healthy steady state (BIOMD0000000550 defaults, alpha2 = 1): pro-inflammatory p (0.0203)
HEALTHY_PRO = float(autoimmune.baker_steady_state(0.025, 1.0, 0.5, 3.5, 1.25)[1])


def _activity_excess(s):
    """Autoimmune disease activity as systemic inflammation sees it: a steep Hill function of Baker's p with its
    half-effect between remission (p ≈ 0.025) and flare (p ≈ 0.39), minus its healthy-rest value, so that the
    small daily wobble of p at rest leaves resting cytokines alone."""
    k = s.K_flare
    return s.ai_pro**4 / (s.ai_pro**4 + k**4) - HEALTHY_PRO**4 / (HEALTHY_PRO**4 + k**4)


def _tnf_share(s):
    """The patient's TNF-dependent share of disease production (autoimmune.tnf_dependent_share, read across)."""
    return autoimmune.tnf_dependent_share(_Within(s, "autoimmune"))


def _vagal_release(s):
    k = s.autonomic__k_vag
    return (1 + k) / (1 + k * s.VAG)


autoimmunity_links = Coupling(
    name="autoimmunity_links",
    description="IL-6 (through its receptor) polarises CD4 T cells to Th17; glucocorticoid signalling (nuclear GR) "
                "restrains Th17 and disease activity, GR resistance removes the brake; perceived stress raises "
                "both; anti-TNF, IL-6 blockade and the vagal reflex (VNS) cut pro-inflammatory production",
    citation="Carbo A et al. PLoS Comput Biol 2013;9:e1003027; Baker M et al. Math Med Biol 2013;30:311-337; "
             "Koopman FA et al. PNAS 2016;113:8284",
    grade="C",
    parameters=table("24-h mean of the calibrated core waking at 07:00 (tests/reference/test_whole.py)", "B", [
        ("GR_mean", 13.29, "a.u.", "daily mean nuclear GR: the resting glucocorticoid signal of T cells and the "
         "disease switch", {"bounds": (1.0, 500.0)}),
    ]),
    binds={
        "tcell.IL6": lambda s: il6_signal(s),
        "tcell.GR": lambda s: s.GR / s.GR_mean,
        "tcell.PS": lambda s: s.PS,
        "autoimmune.GR": lambda s: s.GR / s.GR_mean,
        "autoimmune.PS": lambda s: s.PS,
        "autoimmune.th17": lambda s: (s.Th17 / s.Treg) / (s.tcell__th17_rest / s.tcell__treg_rest),
        # TNF-driven production falls with free TNF; IL-6-driven with free IL-6 receptors; the vagal reflex
        # scales macrophage TNF release (Koopman 2016: VNS lowered TNF production and DAS28)
        "autoimmune.drug_block": lambda s: 1 - (1 - _tnf_share(s) * pharmacology._combined_tnf_block(s))
        * (il6_signal(s) / s.IL6) * _vagal_release(s),
    },
)


gut_brain_links = Coupling(
    name="gut_brain_links",
    description="perceived stress and TNF-α loosen the gut barrier (endotoxin leak in infection_links); TNF-α and "
                "IL-6 induce IDO and cortisol induces TDO, shifting tryptophan to kynurenine and driving sickness "
                "behaviour and mood (the brain_immune mood drive replaces psyche's direct IL-6 term); cortisol, "
                "sympathetic activity and lost sleep lower NK-cell activity",
    citation="Vanuytsel T et al. Gut 2014;63:1293-1299; Dantzer R et al. Nat Rev Neurosci 2008;9:46-56; "
             "Irwin M et al. Psychosom Med 1994;56:493-498",
    grade="C",
    binds={
        "gut.PS": lambda s: s.PS,
        "gut.TNF": lambda s: s.TNF,
        "brain_immune.TNF": lambda s: s.TNF,
        "brain_immune.IL6": lambda s: il6_signal(s),
        "brain_immune.cortisol": lambda s: s.CORT * UG_DL_TO_NMOL_L,
        "nk.cortisol": lambda s: s.CORT * UG_DL_TO_NMOL_L,
        "nk.SNS": lambda s: s.SNS,
        "nk.sleep_debt": lambda s: s.sleep__b0 - s.SLP,
    },
)


monocyte_tolerance = Coupling(
    name="monocyte_tolerance",
    description="monocytes exposed to TNF-α for a day or more become tolerant (cross-tolerance to endotoxin), so "
                "the TNF amplification of their activation follows a rise of TNF-α over hours, not a level "
                "sustained for days: a chronically raised TNF-α cannot tip a small endotoxin leak into a septic-like "
                "runaway",
    citation="Park SH, Park-Min KH, Chen J, Hu X, Ivashkiv LB. Tumor necrosis factor induces GSK3 kinase-mediated "
             "cross-tolerance to endotoxin in macrophages. Nat Immunol 2011;12:607-615",
    grade="C",
    parameters=table("pnisim choice; direction: Park 2011 (doi:10.1038/ni.2043)", "C", [
        ("f_tol", 0.9, "1", "fraction (log scale) of a sustained TNF-α rise the monocytes have become tolerant to, "
         "over the adapted level of brain_immune.TNFa (days)", {"bounds": (0.0, 1.0)}),
    ]),
    binds={"innate.tnf_activation": lambda s: brain_immune.adapted(s.TNF, s.brain_immune__tnf_rest, s.TNFa, s.f_tol)},
)

cytokines_to_hpa_central = Coupling(
    name="cytokines_to_hpa_central",
    description="TNF-α drives CRH, ACTH and adrenal StAR through the hypothalamic relay (1-h lag), relative to the "
                "level the axis has adapted to over days (a sustained rise loses most of its drive), and impairs GR "
                "translocation directly; IL-6 damps the adrenal effect. Replaces the core's instantaneous "
                "cytokines_to_hpa: with ACTH's measured 20-min half-life, the instantaneous drive made ACTH peak "
                "20 min after TNF after LPS instead of about an hour after IL-6 (Somvanshi 2020 reference order)",
    citation="Somvanshi 2020 couplings; lag after Rivest S. Psychoneuroendocrinology 2001;26:761; adaptation after "
             "Straub RH et al. Arthritis Rheum 2002;46:654",
    grade="C",
    binds={
        "hpa.TNF": lambda s: brain_immune.hpa_tnf_signal(_Within(s, "brain_immune")),
        "hpa.IL6": lambda s: s.IL6,
        "gr.TNF": lambda s: s.TNF,
    },
)
