"""Windoloski et al. 2024 — human endotoxin (LPS) challenge: monocytes, TNF-α, IL-6, IL-8, IL-10.

Windoloski KA, Bangsgaard EO, Dobreva A, Ottesen JT, Olufsen MS. Characterization of differences in immune
responses during bolus and continuous infusion endotoxin challenges using mathematical modeling.
Exp Physiol 2024. doi:10.1113/EP091552. Equations from ``bolus_model_RHS.m`` and the mean-subject bolus fit
(``MeanBolusOptPars.mat``) of repository KristenWindoloski/InflammationModel_BolusContinuous (MODELS.md §2.1),
fitted to 20 healthy adults given 2 ng/kg E. coli LPS.

What pnisim changed: endotoxin enters as a scenario event (bolus added to E, ng/kg) or as an infusion input
(ng/kg/h) instead of the initial condition E0 = 2; three multiplicative ports (default 1) let the composed core
apply glucocorticoid suppression to monocyte activation and cytokine release, and a ``basal_gain`` port
(default 1) scales the resting TNF-α/IL-6 set points for chronic low-grade inflammation, and an ``il10_gain`` port
(default 1) the resting IL-10 set point (β-adrenergic IL-10 induction in the whole model), and an
``il6_set_gain`` port (default 1) the resting IL-6 set point alone (adrenaline-driven IL-6 release from adipose
tissue, which leaves TNF-α unchanged, in the whole model). Time unit: hours.
"""

from __future__ import annotations

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Port, Rate, State

CITATION = (
    "Windoloski KA, Bangsgaard EO, Dobreva A, Ottesen JT, Olufsen MS. Characterization of differences in "
    "immune responses during bolus and continuous infusion endotoxin challenges using mathematical modeling. "
    "Exp Physiol 2024"
)
DOI = "10.1113/EP091552"
FIT = "Windoloski 2024 mean bolus fit (MeanBolusOptPars.mat)"
# The source model is a mean-subject fit; how much people's resting set points differ is pnisim's. Each CV is set so
# that the ICC of ln(marker) over four morning draws six weeks apart, seen through the within-person day-to-day and
# assay variation of pnisim.analysis.measurement, is the ICC of healthy adults aged 20-40 (IL-6 0.48, TNF-alpha 0.92:
# Navarro SL et al. Cancer Epidemiol Biomarkers Prev 2012;21:1167-1170, PMC3392358; ICC = sb^2 / (sb^2 + sw^2)).
SPREAD = FIT + " (value); between-person CV set from the ICC of Navarro 2012 (PMC3392358), target {}"


def up(s, x, h):
    """Activating Hill function s^h / (s^h + x^h)."""
    return s**h / (s**h + x**h)


def dn(s, x, h):
    """Inhibiting Hill function x^h / (s^h + x^h)."""
    return x**h / (s**h + x**h)


innate = Module(
    name="innate",
    title="Endotoxin, resting/activated monocytes, TNF-α, IL-6, IL-8, IL-10 (Windoloski 2024)",
    citation=CITATION,
    doi=DOI,
    changes="LPS enters by event or infusion; glucocorticoid-suppression, basal-gain and IL-10-gain ports (default 1)",
    time_unit="h",
    states=(
        State("E", "ng/kg", 0.0, "endotoxin (LPS) in blood, as dose per body weight", scale=1.0),
        State("MR", "cells/uL", 28200.0, "resting monocytes"),
        State("MA", "cells/uL", 0.0, "activated monocytes", scale=100.0),
        State("TNF", "pg/mL", 8.79, "plasma TNF-α"),
        State("IL6", "pg/mL", 0.6097, "plasma IL-6"),
        State("IL8", "pg/mL", 4.175, "plasma IL-8"),
        State("IL10", "pg/mL", 3.747, "plasma IL-10"),
    ),
    parameters=table(FIT, "B", [
        ("kE", 1.01, "1/h", "endotoxin elimination"),
        ("kMR", 0.006, "1/h", "resting monocyte replenishment"),
        ("Mmax", 30000, "cells/uL", "monocyte carrying capacity"),
        ("kMA", 2.674, "1/h", "activated monocyte decay"),
        ("kM", 0.0414, "1/h", "LPS activation of monocytes", {"cv": 0.3}),
        ("kMTNF", 8.65, "1/h", "TNF-amplified activation"),
        ("xME", 3.3, "ng/kg", "LPS half-activation"),
        ("hME", 1.0, "1", "Hill exponent"),
        ("xMTNF", 140.8, "pg/mL", "TNF half-effect on activation"),
        ("hMTNF", 3.16, "1", "Hill exponent"),
        ("xM10", 3.884, "pg/mL", "IL-10 inhibition of activation"),
        ("hM10", 0.3, "1", "Hill exponent"),
        ("kTNFM", 0.998, "pg/mL/h per cell/uL", "TNF release per activated monocyte", {"cv": 0.3}),
        ("kTNF", 1.395, "1/h", "TNF clearance"),
        ("wTNF", 8.79, "pg/mL", "TNF baseline", {"cv": 0.73, "source": SPREAD.format("tnf_icc")}),
        ("xTNF6", 560, "pg/mL", "IL-6 inhibition of TNF"),
        ("hTNF6", 2.0, "1", "Hill exponent"),
        ("xTNF10", 15.54, "pg/mL", "IL-10 inhibition of TNF"),
        ("hTNF10", 3.0, "1", "Hill exponent"),
        ("k6", 0.66, "1/h", "IL-6 clearance"),
        ("k6M", 0.81, "pg/mL/h per cell/uL", "IL-6 release per activated monocyte", {"cv": 0.3}),
        ("k6TNF", 0.81, "pg/mL/h per cell/uL", "TNF-driven IL-6 release"),
        ("x6TNF", 260.6, "pg/mL", "TNF half-effect on IL-6"),
        ("h6TNF", 2.0, "1", "Hill exponent"),
        ("x66", 560, "pg/mL", "IL-6 self-inhibition"),
        ("h66", 1.0, "1", "Hill exponent"),
        ("x610", 31.07, "pg/mL", "IL-10 inhibition of IL-6"),
        ("h610", 4.0, "1", "Hill exponent"),
        ("w6", 0.6097, "pg/mL", "IL-6 baseline", {"cv": 0.28, "source": SPREAD.format("il6_icc")}),
        ("k8", 0.686, "1/h", "IL-8 clearance"),
        ("k8M", 0.746, "pg/mL/h per cell/uL", "IL-8 release per activated monocyte"),
        ("k8TNF", 0.789, "pg/mL/h per cell/uL", "TNF-driven IL-8 release"),
        ("x8TNF", 260.6, "pg/mL", "TNF half-effect on IL-8"),
        ("h8TNF", 3.0, "1", "Hill exponent"),
        ("x810", 15.54, "pg/mL", "IL-10 inhibition of IL-8"),
        ("h810", 1.5, "1", "Hill exponent"),
        ("w8", 4.175, "pg/mL", "IL-8 baseline"),
        ("k10", 0.8, "1/h", "IL-10 clearance"),
        ("k10M", 0.01504, "pg/mL/h per cell/uL", "IL-10 release per activated monocyte"),
        ("k106", 0.01705, "pg/mL/h per cell/uL", "IL-6-driven IL-10 release"),
        ("x106", 560, "pg/mL", "IL-6 half-effect on IL-10"),
        ("h106", 3.68, "1", "Hill exponent"),
        ("w10", 3.747, "pg/mL", "IL-10 baseline"),
    ]),
    inputs=(Input("lps_infusion", "ng/kg/h", 0.0, "continuous endotoxin infusion rate"),),
    ports=(
        Port("activation_gain", "1", 1.0, "multiplier on monocyte activation (glucocorticoids, vagal tone)"),
        Port("tnf_gain", "1", 1.0, "multiplier on TNF release per activated monocyte"),
        Port("il6_gain", "1", 1.0, "multiplier on IL-6 release per activated monocyte"),
        Port("pamp", "ng/kg/h", 0.0, "endotoxin-equivalent input from an infection's pathogen-associated molecular "
             "patterns (0 alone)"),
        Port("tnf_sink", "1", 0.0, "extra TNF-α removal relative to its clearance: neutralising antibodies "
             "(free TNF x 1/(1 + sink) at steady state)"),
        Port("basal_gain", "1", 1.0, "multiplier on the resting TNF-α and IL-6 set points (chronic low-grade "
             "inflammation: sympathetic drive, adiposity, GR resistance)"),
        Port("il10_gain", "1", 1.0, "multiplier on the resting IL-10 set point (β-adrenergic IL-10 induction)"),
        Port("il6_set_gain", "1", 1.0, "multiplier on the resting IL-6 set point alone (IL-6 released by tissues "
             "other than monocytes, e.g. adipocytes under adrenaline)"),
        Port("tnf_activation", "pg/mL", lambda s: s.TNF, "TNF-α as the TNF amplification of monocyte activation "
             "sees it (default: plasma TNF-α, as published)"),
    ),
    equations=lambda s: _rates(s),
)


def _rates(s):
    act = (
        s.activation_gain * up(s.E, s.xME, s.hME) * (s.kM + s.kMTNF * up(s.tnf_activation, s.xMTNF, s.hMTNF))
        * dn(s.IL10, s.xM10, s.hM10) * s.MR
    )
    yield Rate("E", s.lps_infusion + s.pamp - s.kE * s.E, "dE/dt")
    yield Rate("MR", s.kMR * s.MR * (1 - s.MR / s.Mmax) - act, "dMR/dt")
    yield Rate("MA", act - s.kMA * s.MA, "dMA/dt")
    yield Rate(
        "TNF",
        s.tnf_gain * s.kTNFM * dn(s.IL6, s.xTNF6, s.hTNF6) * dn(s.IL10, s.xTNF10, s.hTNF10) * s.MA
        - s.kTNF * (s.TNF - s.basal_gain * s.wTNF) - s.tnf_sink * s.kTNF * s.TNF,
        "dTNF/dt",
    )
    yield Rate(
        "IL6",
        s.il6_gain * (s.k6M + s.k6TNF * up(s.TNF, s.x6TNF, s.h6TNF)) * dn(s.IL6, s.x66, s.h66)
        * dn(s.IL10, s.x610, s.h610) * s.MA - s.k6 * (s.IL6 - s.basal_gain * s.il6_set_gain * s.w6),
        "dIL6/dt",
    )
    yield Rate(
        "IL8",
        s.MA * (s.k8M + s.k8TNF * up(s.TNF, s.x8TNF, s.h8TNF)) * dn(s.IL10, s.x810, s.h810) - s.k8 * (s.IL8 - s.w8),
        "dIL8/dt",
    )
    yield Rate("IL10", (s.k10M + s.k106 * up(s.IL6, s.x106, s.h106)) * s.MA
               - s.k10 * (s.IL10 - s.il10_gain * s.w10), "dIL10/dt")


def model() -> Model:
    return compose("windoloski2024", "Windoloski et al. 2024 human LPS innate response (7 states, hours)",
                   [innate], (), time_unit="h")
