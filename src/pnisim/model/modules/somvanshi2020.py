"""Somvanshi et al. 2020 — circadian HPA axis, glucocorticoid receptor and LPS-driven inflammation.

Somvanshi PR, Mellon SH, Yehuda R, Flory JD, Makotkine I, Bierer L, Marmar C, Jett M, Doyle FJ III. Role of
enhanced glucocorticoid receptor sensitivity in inflammation in PTSD: insights from computational model for
circadian-neuroendocrine-immune interactions. Am J Physiol Endocrinol Metab 2020;319:E48–E66.
doi:10.1152/ajpendo.00398.2019. Equations and parameter values as in the authors' MATLAB code
(`HPA_INFLAM.m`, validation parameter set 2 for the inflammatory block), transcribed in MODELS.md §1.1.

The 18-state model is split into three modules joined by named couplings, so the composed core can reuse
the HPA and GR parts with another innate block:

* ``hpa``   — CRH, ACTH, adrenal StAR protein, plasma cortisol, dexamethasone PK, tissue cortisol;
* ``gr``    — GR mRNA, free cytosolic GR, cortisol–GR complex, nuclear GR;
* ``sv_innate`` — LPS, phagocytes, delayed phagocyte signal, TGF-β, TNF-α, IL-10, IL-6.

What pnisim changed: nothing in the equations. The LPS pulse (``It = p·1e8`` for 0.1 h) and the
dexamethasone infusion are scenario inputs instead of hard-coded time windows; the circadian drive is a port
(default: the paper's ``2(1 + cos ωt)``) so the composed core can map it to clock time; two multiplicative
ports (``pituitary_gain``, ``adrenal_gain``, default 1) and additive adrenal and pituitary drives (``adrenal_boost``, ``acth_boost``, default 0) let the Karin gland masses scale ACTH and cortisol
production. GR sensitivity ``r`` and the GR inhibition constant ``Ki`` are parameters of ``gr`` shared with
the other two modules through a coupling. Time unit: hours. "Equation numbers" are the order of the ODEs in
``HPA_INFLAM.m`` (dy(1)…dy(18)), since the paper lists the equations in its appendix in that order.
"""

from __future__ import annotations

import sympy as sp

from .._table import table
from ..compose import Model, compose
from ..core import Coupling, Input, Module, Port, Rate, State

CITATION = (
    "Somvanshi PR et al. Role of enhanced glucocorticoid receptor sensitivity in inflammation in PTSD: "
    "insights from computational model for circadian-neuroendocrine-immune interactions. "
    "Am J Physiol Endocrinol Metab 2020;319:E48-E66"
)
DOI = "10.1152/ajpendo.00398.2019"
CODE = "authors' code HPA_INFLAM.m (MODELS.md §1.1)"


def hill(x, k, n):
    """x^n / (k^n + x^n)."""
    return x**n / (k**n + x**n)


# ---------------------------------------------------------------------------------------------------------
# HPA axis
# ---------------------------------------------------------------------------------------------------------
HPA_PARAMETERS = table(CODE, "B", [
    ("K_strs", 10, "a.u./h", "CRH drive under the circadian input", {"cv": 0.2}),
    ("k_crh", 0.096, "1/h", "CRH clearance"),
    ("V_crh", 0.0667, "1/(pg/mL)", "TNF stimulation of CRH (paper: 0.0667/R, R = 1)"),
    ("V_acth1", 1.4634, "1/h", "ACTH production per CRH", {"cv": 0.2}),
    ("V_acth2", 11.2, "1", "TNF stimulation of ACTH (max fold)"),
    ("Km_tnf3", 40, "pg/mL", "TNF half-effect on ACTH/StAR (paper: 40·R, R = 1)"),
    ("k_acth", 0.4312, "1/h", "ACTH clearance"),
    ("V_starp1", 0.0225, "1/h", "StAR production per ACTH", {"cv": 0.2}),
    ("V_starp2", 15, "1", "TNF stimulation of StAR (max fold)"),
    ("Kil6", 100, "pg/mL", "IL-6 inhibition of the TNF effect on StAR"),
    ("k_starp", 0.45, "1/h", "StAR turnover"),
    ("Ki_GR", 50, "a.u.", "GR gating of the adrenal peripheral clock (not scaled by Ki)"),
    ("V_cort", 5.67, "ug/dL/h", "cortisol synthesis per StAR"),
    ("k_cort", 0.99, "1/h", "cortisol clearance (t1/2 ~ 42 min)", {"cv": 0.15}),
    ("k_dex1", 1.95, "1/h", "dexamethasone absorption"),
    ("V_dex2", 1.15, "1", "dexamethasone transfer"),
    ("k_dex2", 0.25, "1/h", "dexamethasone elimination"),
    ("fac", 16.65, "1", "dexamethasone potency relative to cortisol"),
    ("tc", 0.1401, "h", "plasma -> tissue cortisol equilibration time"),
    ("period", 24, "h", "circadian period", {"bounds": (23.0, 25.0), "grade": "A", "source": "human circadian period"}),
])

hpa = Module(
    name="hpa",
    title="HPA axis: CRH, ACTH, adrenal StAR, cortisol, dexamethasone (Somvanshi 2020)",
    citation=CITATION,
    doi=DOI,
    changes="equations unchanged; circadian drive, gland masses, GR, cytokines and dexamethasone infusion are ports/inputs",
    time_unit="h",
    states=(
        State("CRH", "a.u.", 17.49, "corticotropin-releasing hormone"),
        State("ACTH", "a.u.", 4.8235, "adrenocorticotropic hormone (model scale; the core's acth observable is in pg/mL)"),
        State("StARp", "a.u.", 0.79456, "adrenal StAR protein"),
        State("CORT", "ug/dL", 10.894, "plasma (total) cortisol"),
        State("Dex1", "a.u.", 0.0, "dexamethasone, absorption compartment", scale=1.0),
        State("Dex2", "a.u.", 0.0, "dexamethasone, central compartment", scale=1.0),
        State("CORTp", "ug/dL", 11.148, "tissue (peripheral) glucocorticoid, cortisol-equivalent"),
    ),
    parameters=HPA_PARAMETERS,
    inputs=(
        Input("stress", "1", 0.0, "psychological stress: CRH drive multiplier K_strs·(1 + stress)"),
        Input("dex_infusion", "a.u./h", 0.0, "dexamethasone input rate (paper: 10·dx for 0.25 h)"),
        Input("acute_stress", "1", 0.0, "acute psychosocial stressor intensity (used through the acth_boost port by the core)"),
    ),
    ports=(
        Port("GR", "a.u.", 31.33, "nuclear GR (negative feedback)"),
        Port("TNF", "pg/mL", 1.0, "plasma TNF-α"),
        Port("IL6", "pg/mL", 1.1, "plasma IL-6"),
        Port("r", "1", 0.0, "GR sensitivity (Hill exponent n1 = 1 + r)"),
        Port("Ki", "1", 1.0, "GR inhibition scale (Ki_GR1 = 1.2·Ki)"),
        Port("cir", "1", lambda s: 2 * (1 + sp.cos(2 * sp.pi * s.t / s.period)), "SCN circadian drive"),
        Port("crh_extra", "1", 0.0, "additional hypothalamic drive added to cir (e.g. awakening)"),
        Port("pituitary_gain", "1", 1.0, "relative corticotroph mass scaling ACTH production"),
        Port("adrenal_gain", "1", 1.0, "relative adrenal cortex mass scaling StAR production"),
        Port("adrenal_boost", "1", 0.0, "extra adrenal drive, StAR production x (1 + boost) (e.g. awakening)"),
        Port("acth_boost", "1", 0.0, "extra pituitary drive, ACTH secretion x (1 + boost) (acute stressors)"),
        Port("stress_level", "1", lambda s: s.stress, "stress acting on the CRH drive (default: the stress input; "
             "a psyche layer binds its perceived stress here)"),
        Port("crh_tnf_saturation", "1", 0.0, "1 / ceiling of the TNF-α drive of CRH, V_crh·TNF (0: the paper's "
             "linear drive)"),
        Port("acth_saturation", "h/a.u.", 0.0, "1 / maximal pituitary ACTH secretion rate (0: no ceiling, as published)"),
        Port("starp_saturation", "h/a.u.", 0.0, "1 / maximal adrenal StAR production rate (0: no ceiling, as published)"),
    ),
    equations=lambda s: _hpa_rates(s),
)


#: Steepness of the secretory ceilings (:func:`capped`): 4 keeps a rate within 0.2 % of its uncapped value up to a
#: third of the ceiling, so the published dynamics are unchanged in the range the model was fitted in.
CEILING_STEEPNESS = 4


def capped(rate, saturation):
    """``rate`` under a smooth ceiling ``1 / saturation``: rate / (1 + (saturation * rate)^n)^(1/n), n = 4.

    Equal to ``rate`` when ``saturation`` is 0 (the published model); never above the ceiling however strong the
    drive (a gland's finite secretory capacity)."""
    n = CEILING_STEEPNESS
    # saturation^n apart from rate^n: a zero saturation (the port's default) is then a constant factor, where
    # (0 * rate)^n would put 0/0 into the derivative sympy takes for the Jacobian
    return rate / (1 + saturation**n * rate**n) ** sp.Rational(1, n)


def _hpa_rates(s):
    n1 = 1 + s.r                                   # GR sensitivity raises feedback cooperativity
    Ki_GR1 = 1.2 * s.Ki
    drive = s.cir + s.crh_extra
    cir2 = (4 - s.cir) * s.Ki_GR / (s.Ki_GR + s.GR)  # adrenal peripheral clock, GR-gated
    inh = Ki_GR1**n1 / (Ki_GR1**n1 + s.GR**n1)     # GR negative feedback on CRH and ACTH
    hT = hill(s.TNF, s.Km_tnf3, 2)                 # n2 = 2
    tnf_crh = capped(s.V_crh * s.TNF, s.crh_tnf_saturation)
    yield Rate("CRH", s.K_strs * (1 + s.stress_level) * inh * drive * (1 + tnf_crh) - s.k_crh * s.CRH, "dy(1)",
               "pnisim: the TNF drive may saturate (crh_tnf_saturation; 0 = published)")
    acth_secretion = s.pituitary_gain * (1 + s.acth_boost) * s.V_acth1 * s.CRH * inh * (1 + s.V_acth2 * hT)
    yield Rate("ACTH", capped(acth_secretion, s.acth_saturation) - s.k_acth * s.ACTH, "dy(2)",
               "pnisim: secretion under a ceiling (acth_saturation; 0 = published)")
    starp_production = (s.adrenal_gain * (1 + s.adrenal_boost) * s.V_starp1 * s.ACTH * cir2
                        * (1 + s.V_starp2 * hT * s.Kil6 / (s.Kil6 + s.IL6)))
    yield Rate(
        "StARp",
        capped(starp_production, s.starp_saturation) - s.k_starp * s.StARp,
        "dy(3)",
        "s0 = 1 (adrenal connected); pnisim: production under a ceiling (starp_saturation; 0 = published)",
    )
    yield Rate("CORT", s.V_cort * s.StARp - s.k_cort * s.CORT, "dy(4)")
    yield Rate("Dex1", s.dex_infusion - s.k_dex1 * s.Dex1, "dy(5)")
    yield Rate("Dex2", s.V_dex2 * s.Dex1 - s.k_dex2 * s.Dex2, "dy(6)")
    yield Rate("CORTp", (s.CORT + s.fac * s.Dex2 - s.CORTp) / s.tc, "dy(7)")


# ---------------------------------------------------------------------------------------------------------
# Glucocorticoid receptor
# ---------------------------------------------------------------------------------------------------------
gr = Module(
    name="gr",
    title="Glucocorticoid receptor: mRNA, cytosolic, cortisol-bound and nuclear GR (Somvanshi 2020)",
    citation=CITATION,
    doi=DOI,
    changes="equations unchanged; tissue cortisol and TNF are ports",
    time_unit="h",
    states=(
        State("GRm", "a.u.", 20.116, "GR mRNA"),
        State("GRp", "a.u.", 342.79, "free cytosolic GR protein"),
        State("GRc", "a.u.", 24.880, "cytosolic cortisol–GR complex"),
        State("GR", "a.u.", 31.330, "nuclear (active) GR"),
    ),
    parameters=table(CODE, "B", [
        ("r", 0.0, "1", "GR sensitivity (0 = normal; 0.5 = PTSD-like)",
         {"bounds": (-0.5, 2.0), "source": "MODELS.md §1.1 (r = 0 chosen as normal)", "cv": 0.0}),
        ("Ki", 1.0, "1", "GR inhibition scale", {"bounds": (0.2, 5.0)}),
        ("V_GRmrna", 3.4, "a.u./h", "GR mRNA synthesis"),
        ("k_GRmrna", 0.1124, "1/h", "GR mRNA degradation"),
        ("V_GRprot", 1.2, "1/h", "GR protein translation"),
        ("k_GRprot", 0.0572, "1/h", "GR protein degradation"),
        ("kon", 0.00329, "1/(ug/dL)/h", "cortisol–GR binding"),
        ("krt", 0.63, "1/h", "nuclear translocation"),
        ("kre", 0.57, "1/h", "nuclear export"),
        ("fr", 0.49, "1", "recycled fraction"),
        ("ki_tnf", 1000, "pg/mL", "TNF inhibition of GR translocation"),
    ]),
    ports=(
        Port("CORTp", "ug/dL", 11.148, "tissue glucocorticoid"),
        Port("TNF", "pg/mL", 1.0, "plasma TNF-α"),
    ),
    equations=lambda s: _gr_rates(s),
)


def _gr_rates(s):
    n3 = 2 * (1 + s.r)
    km_GR1 = 25 * s.Ki
    translocation = s.krt * s.GRc * s.ki_tnf**2 / (s.TNF**2 + s.ki_tnf**2)  # n4 = 2
    yield Rate("GRm", s.V_GRmrna * (1 - hill(s.GR, km_GR1, n3)) - s.k_GRmrna * s.GRm, "dy(8)")
    yield Rate("GRp", s.V_GRprot * s.GRm + s.fr * s.kre * s.GR - s.kon * s.CORTp * s.GRp - s.k_GRprot * s.GRp, "dy(9)")
    yield Rate("GRc", s.kon * s.CORTp * s.GRp - translocation, "dy(10)")
    yield Rate("GR", translocation - s.kre * s.GR, "dy(11)")


# ---------------------------------------------------------------------------------------------------------
# Innate block (LPS, phagocytes, cytokines)
# ---------------------------------------------------------------------------------------------------------
sv_innate = Module(
    name="sv_innate",
    title="LPS, phagocytes, TGF-β, TNF-α, IL-10, IL-6 (Somvanshi 2020, validation set 2)",
    citation=CITATION,
    doi=DOI,
    changes="equations unchanged; the LPS pulse multiplier It is an input; GR, r, Ki are ports",
    time_unit="h",
    states=(
        State("LPS", "a.u.", 1.2968e-4, "endotoxin"),
        State("Phg", "a.u.", 5897.5, "activated phagocytes"),
        State("Phg1", "a.u.", 25.0, "delayed phagocyte signal"),
        State("TGF", "a.u.", 0.44631, "TGF-β"),
        State("TNF", "pg/mL", 1.0016, "TNF-α"),
        State("IL10", "pg/mL", 22.809, "IL-10"),
        State("IL6", "pg/mL", 1.0956, "IL-6"),
    ),
    parameters=table(CODE, "B", [
        ("k_lps", 2.7e-5, "1/h/a.u.", "LPS clearance by phagocytes"),
        ("V_phg1", 4.9956e7, "1/h", "phagocyte activation by LPS"),
        ("V_phg2", 12.949, "1", "TNF amplification of activation"),
        ("Km_tnf1", 1693.95, "pg/mL", "TNF half-effect on activation"),
        ("Ki_tgf1", 0.00721, "a.u.", "TGF-β inhibition of activation"),
        ("Ki_IL10", 7.384, "pg/mL", "IL-10 inhibition of activation"),
        ("k_phg", 1.439, "1/h", "phagocyte deactivation"),
        ("tp", 1.5, "h", "phagocyte signal delay"),
        ("V_tgf1", 1.5625e-9, "a.u./h", "TGF-β from phagocytes"),
        ("V_tgf2", 0.5, "a.u./h", "TGF-β from nuclear GR"),
        ("k_tgf", 0.0635, "1/h", "TGF-β clearance"),
        ("tnf_b", 1.25, "pg/mL/h", "basal TNF production"),
        ("V_tnf1", 25.5194, "pg/mL/h", "TNF production by phagocytes"),
        ("V_tnf2", 106542, "pg/mL/h", "TNF autocrine amplification"),
        ("Km_phg1", 412500, "a.u.", "phagocyte half-effect on TNF"),
        ("Km_tnf2", 123.96, "pg/mL", "TNF half-effect (autocrine)"),
        ("Ki_tgf2", 0.143, "a.u.", "TGF-β inhibition of TNF"),
        ("Km_il61", 80, "pg/mL", "IL-6 inhibition of TNF"),
        ("k_tnf", 1.25, "1/h", "TNF clearance"),
        ("V_il101", 1337.4, "pg/mL/h", "IL-10 from phagocytes"),
        ("Km_phg2", 161012, "a.u.", "phagocyte half-effect on IL-10"),
        ("V_il102", 2193.8, "pg/mL/h", "IL-10 from TGF-β"),
        ("Km_tgf3", 0.76, "a.u.", "TGF-β half-effect on IL-10"),
        ("k_il10", 1.6, "1/h", "IL-10 clearance"),
        ("il6_b", 1.5, "pg/mL/h", "basal IL-6 production"),
        ("V_il61", 5.5e4, "pg/mL/h", "IL-6 from phagocytes"),
        ("V_il62", 5.0e5, "pg/mL/h", "IL-6 amplification by TNF + IL-6"),
        ("Km_phg3", 1.1e7, "a.u.", "phagocyte half-effect on IL-6"),
        ("Km_il6tnf", 339.164, "pg/mL", "TNF + IL-6 half-effect"),
        ("Ki_il102", 23.636, "pg/mL", "IL-10 inhibition of IL-6"),
        ("k_il6", 1.625, "1/h", "IL-6 clearance"),
    ]),
    inputs=(Input("lps_pulse", "1", 0.0, "LPS pulse multiplier It (paper: p·1e8 for 0.1 h for a dose of p ng/kg)"),),
    ports=(
        Port("GR", "a.u.", 31.33, "nuclear GR (drives TGF-β)"),
        Port("r", "1", 0.0, "GR sensitivity (n5 = 1 + r)"),
        Port("Ki", "1", 1.0, "GR inhibition scale (Km_GR2 = 500·Ki)"),
    ),
    equations=lambda s: _innate_rates(s),
)


def _innate_rates(s):
    n5 = 1 + s.r
    Km_GR2 = 500 * s.Ki
    activation = (
        s.V_phg1 * (1 + s.V_phg2 * s.TNF / (s.Km_tnf1 + s.TNF))
        * s.Ki_tgf1 / (s.Ki_tgf1 + s.TGF) * s.Ki_IL10 / (s.Ki_IL10 + s.IL10) * s.LPS
    )
    tnf_release = (
        s.Phg / (s.Km_phg1 + s.Phg) * (s.V_tnf1 + s.V_tnf2 * s.TNF / (s.Km_tnf2 + s.TNF))
        * s.Ki_tgf2**4 / (s.Ki_tgf2**4 + s.TGF**4)   # n6 = 4
        * (1 - hill(s.IL6, s.Km_il61, 2))            # n7 = 2
    )
    il6_release = (
        s.Phg1 / (s.Km_phg3 + s.Phg1)
        * (s.V_il61 + s.V_il62 * hill(s.TNF + s.IL6, s.Km_il6tnf, 2))  # n10 = 2
        * s.Ki_il102 / (s.Ki_il102 + s.IL10)
    )
    yield Rate("LPS", sp.Float(1e-7) * (1 + s.lps_pulse) - s.k_lps * s.LPS * s.Phg, "dy(12)")
    yield Rate("Phg", activation - s.k_phg * s.Phg, "dy(13)")
    yield Rate("Phg1", (s.Phg - s.Phg1) / s.tp, "dy(14)")
    yield Rate("TGF", s.V_tgf1 * s.Phg + s.V_tgf2 * hill(s.GR, Km_GR2, n5) - s.k_tgf * s.TGF, "dy(15)")
    yield Rate("TNF", s.tnf_b + tnf_release - s.k_tnf * s.TNF, "dy(16)")
    yield Rate(
        "IL10",
        s.V_il101 * hill(s.Phg1, s.Km_phg2, 2) + s.V_il102 * hill(s.TGF, s.Km_tgf3, 6) - s.k_il10 * s.IL10,
        "dy(17)",
    )
    yield Rate("IL6", s.il6_b + il6_release - s.k_il6 * s.IL6, "dy(18)")


# ---------------------------------------------------------------------------------------------------------
# Couplings of the published model
# ---------------------------------------------------------------------------------------------------------
COUPLINGS = (
    Coupling("gr_feedback", "nuclear GR inhibits CRH and ACTH, gates the adrenal clock", CITATION, "B",
             {"hpa.GR": lambda s: s.GR}),
    Coupling("cortisol_binds_gr", "tissue cortisol binds cytosolic GR", CITATION, "B",
             {"gr.CORTp": lambda s: s.CORTp}),
    Coupling("gr_sensitivity", "one GR sensitivity (r, Ki) acts in hypothalamus, pituitary and immune cells",
             CITATION, "B",
             {"hpa.r": lambda s: s.gr__r, "hpa.Ki": lambda s: s.gr__Ki,
              "sv_innate.r": lambda s: s.gr__r, "sv_innate.Ki": lambda s: s.gr__Ki}),
    Coupling("tnf_to_hpa", "TNF-α stimulates CRH, ACTH and adrenal StAR", CITATION, "C",
             {"hpa.TNF": lambda s: s.TNF}),
    Coupling("il6_to_adrenal", "IL-6 damps the TNF effect on adrenal StAR", CITATION, "C",
             {"hpa.IL6": lambda s: s.IL6}),
    Coupling("tnf_blocks_gr", "TNF-α impairs GR nuclear translocation (GR resistance)", CITATION, "C",
             {"gr.TNF": lambda s: s.TNF}),
    Coupling("gr_to_tgf", "nuclear GR induces TGF-β (anti-inflammatory arm)", CITATION, "C",
             {"sv_innate.GR": lambda s: s.GR}),
)


def model() -> Model:
    """The published 18-state model (hours), as used by the reference tests."""
    return compose(
        "somvanshi2020",
        "Somvanshi et al. 2020 circadian HPA–GR–inflammation model (18 states)",
        [hpa, gr, sv_innate],
        COUPLINGS,
        time_unit="h",
    )
