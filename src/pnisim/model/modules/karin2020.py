"""Karin et al. 2020 — HPA axis with pituitary and adrenal gland masses (weeks–months).

Karin O, Raz M, Tendler A, Bar A, Korem Kohanim Y, Milo T, Alon U. A new model for the HPA axis explains
dysregulation of stress hormones on the timescale of weeks. Mol Syst Biol 2020;16:e9510.
doi:10.15252/msb.20209510. Drug knobs as in Milo T et al. 2025, Mol Syst Biol 21:254 (code `hpa drugs.ipynb`,
functions ``HPA_full``/``DEFAULT_PARS``; transcribed in MODELS.md §1.2).

Two modules: ``karin_hpa`` (normalised CRH x1, ACTH x2, cortisol x3) and ``glands`` (corticotroph mass P,
adrenal cortex mass A). The composed core uses only ``glands``: its P and A scale ACTH and cortisol production
of the Somvanshi HPA, and its inputs are CRH and ACTH relative to their healthy daily means.

What pnisim changed: the gland growth signals (C1·x1, C2·x2) are ports so that another HPA module can drive the
glands; time unit is the paper's (days) and composition rescales it. The optional carrying capacity K (off at
1e6, as in the published code) is written as s·(K − M)/(K − 1) instead of s·(1 − M/K), so that the healthy mass
M = 1 stays the steady state at baseline signal for any K; with K = 1e6 the two agree to 1e-6. The whole model
sets K = 4 (grade C): when feedback cannot bring ACTH back to baseline (a chronic inflammatory drive on the
pituitary), Karin's unbounded growth would make cortisol rise without limit over months, while ACTH-driven
adrenal hyperplasia in people reaches a few times the normal gland mass.
"""

from __future__ import annotations

import math

from .._table import table
from ..compose import Model, compose
from ..core import Coupling, Input, Module, Port, Rate, State

CITATION = (
    "Karin O et al. A new model for the HPA axis explains dysregulation of stress hormones on the timescale "
    "of weeks. Mol Syst Biol 2020;16:e9510"
)
DOI = "10.15252/msb.20209510"
CODE = "Milo et al. 2025 code hpa drugs.ipynb DEFAULT_PARS (MODELS.md §1.2)"
LN2 = math.log(2.0)

karin_hpa = Module(
    name="karin_hpa",
    title="Normalised CRH, ACTH, cortisol with MR/GR feedback (Karin 2020)",
    citation=CITATION,
    doi=DOI,
    changes="equations unchanged; gland masses P, A are ports",
    time_unit="d",
    states=(
        State("x1", "1", 1.0, "CRH relative to baseline"),
        State("x2", "1", 1.0, "ACTH relative to baseline"),
        State("x3", "1", 1.0, "cortisol relative to baseline"),
    ),
    parameters=table(CODE, "B", [
        ("gamma1", LN2 / (4 / 1440), "1/d", "CRH removal (half-life 4 min)"),
        ("gamma2", LN2 / (20 / 1440), "1/d", "ACTH removal (half-life 20 min)"),
        ("gamma3", LN2 / (80 / 1440), "1/d", "cortisol removal (half-life 80 min)"),
        ("K_GR", 4.0, "1", "GR feedback threshold"),
        ("nGR", 3.0, "1", "GR feedback steepness"),
        ("C1", 1.0, "1", "CRH receptor activity (drug knob)"),
        ("C2", 1.0, "1", "ACTH receptor activity (drug knob)"),
        ("C3", 1.0, "1", "cortisol receptor activity (drug knob)"),
        ("I1", 1.0, "1", "CRH secretion gain"),
        ("I2", 1.0, "1", "ACTH secretion gain"),
        ("I3", 1.0, "1", "cortisol secretion gain"),
        ("A1", 1.0, "1", "CRH removal gain"),
        ("A2", 1.0, "1", "ACTH removal gain"),
        ("A3", 1.0, "1", "cortisol removal gain"),
        ("T_P", 0.0, "1/d", "external ACTH input (drug)"),
        ("T_A", 0.0, "1/d", "external cortisol input (drug)"),
    ]),
    inputs=(Input("hpa_drive", "1", 1.0, "hypothalamic drive u(t): 1 at rest, 2 under the paper's chronic stress"),),
    ports=(
        Port("P", "1", 1.0, "corticotroph mass"),
        Port("A", "1", 1.0, "adrenal cortex mass"),
    ),
    equations=lambda s: _karin_rates(s),
)


def _karin_rates(s):
    y = s.C3 * s.x3
    MR = 1 / y                                    # mineralocorticoid-receptor term
    GR = 1 / (1 + (y / s.K_GR) ** s.nGR)          # glucocorticoid-receptor feedback
    yield Rate("x1", s.gamma1 * (s.I1 * s.hpa_drive * MR * GR - s.A1 * s.x1), "Eq. 1")
    yield Rate("x2", s.gamma2 * (s.I2 * (s.C1 * s.x1) * s.P * GR - s.A2 * s.x2) + s.I2 * s.T_P, "Eq. 2")
    yield Rate("x3", s.gamma3 * (s.I3 * (s.C2 * s.x2) * s.A - s.A3 * s.x3) + s.I3 * s.T_A, "Eq. 3")


glands = Module(
    name="glands",
    title="Pituitary corticotroph and adrenal cortex functional masses (Karin 2020)",
    citation=CITATION,
    doi=DOI,
    changes="growth signals are ports (CRH and ACTH relative to the healthy daily mean in the composed core)",
    time_unit="d",
    states=(
        State("P", "1", 1.0, "corticotroph functional mass relative to healthy"),
        State("A", "1", 1.0, "adrenal cortex functional mass relative to healthy"),
    ),
    parameters=table(CODE, "B", [
        ("gammaP", LN2 / 20, "1/d", "corticotroph turnover (~20 d)", {"cv": 0.2}),
        ("gammaA", LN2 / 30, "1/d", "adrenal cortex turnover (~30 d)", {"cv": 0.2}),
        ("K_P", 1e6, "1", "corticotroph carrying capacity (off)", {"bounds": (1.5, 1e7)}),
        ("K_A", 1e6, "1", "adrenal carrying capacity (off)", {"bounds": (1.5, 1e7)}),
    ]),
    ports=(
        Port("crh_signal", "1", 1.0, "C1·x1: CRH signal relative to baseline"),
        Port("acth_signal", "1", 1.0, "C2·x2: ACTH signal relative to baseline"),
    ),
    equations=lambda s: _gland_rates(s),
)


def _gland_rates(s):
    yield Rate("P", s.gammaP * s.P * (s.crh_signal * (s.K_P - s.P) / (s.K_P - 1) - 1), "Eq. 4 (pnisim: capacity)")
    yield Rate("A", s.gammaA * s.A * (s.acth_signal * (s.K_A - s.A) / (s.K_A - 1) - 1), "Eq. 5 (pnisim: capacity)")


COUPLINGS = (
    Coupling("glands_scale_secretion", "corticotroph and adrenal masses scale ACTH and cortisol secretion",
             CITATION, "B", {"karin_hpa.P": lambda s: s.P, "karin_hpa.A": lambda s: s.A}),
    Coupling("trophic_growth", "CRH is trophic for corticotrophs, ACTH for the adrenal cortex", CITATION, "B",
             {"glands.crh_signal": lambda s: s.karin_hpa__C1 * s.x1,
              "glands.acth_signal": lambda s: s.karin_hpa__C2 * s.x2}),
)


def model() -> Model:
    """The published 5-state model, time in days."""
    return compose("karin2020", "Karin et al. 2020 HPA with gland masses (5 states, days)",
                   [karin_hpa, glands], COUPLINGS, time_unit="d")
