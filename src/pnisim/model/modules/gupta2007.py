"""Gupta et al. 2007 — glucocorticoid-receptor homodimer feedback makes the HPA axis bistable.

Gupta S, Aslakson E, Gurbaxani BM, Vernon SD. Inclusion of the glucocorticoid receptor in a hypothalamic
pituitary adrenal axis model reveals bistability. Theor Biol Med Model 2007;4:8. doi:10.1186/1742-4682-4-8.
Scaled equations and parameters of the paper (BioModels MODEL1006230036, Model B; MODELS.md §1.3).

A prolonged stressor switches pituitary GR (r) from a low to a high stable state that persists after the
stressor ends, with lower cortisol: a mechanism for stress-history-dependent HPA states (hypocortisolism in
PTSD/CFS). What pnisim changed: the stress pulse train f(t) is a scenario input instead of a fixed function.
Time and all quantities are dimensionless, as in the paper. Equation tags number the scaled system in
the order the paper writes it (c, a, r, o).
"""

from __future__ import annotations

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Rate, State

CITATION = (
    "Gupta S, Aslakson E, Gurbaxani BM, Vernon SD. Inclusion of the glucocorticoid receptor in a hypothalamic "
    "pituitary adrenal axis model reveals bistability. Theor Biol Med Model 2007;4:8"
)
DOI = "10.1186/1742-4682-4-8"

gupta = Module(
    name="gupta",
    title="HPA axis with pituitary GR self-induction: bistability (Gupta 2007)",
    citation=CITATION,
    doi=DOI,
    changes="stress f(t) is an input; equations and parameters unchanged",
    time_unit="dimensionless",
    states=(
        State("c", "1", 0.6, "CRH (scaled)"),
        State("a", "1", 0.055, "ACTH (scaled)"),
        State("r", "1", 0.01, "pituitary GR (scaled)"),
        State("o", "1", 0.055, "cortisol (scaled)"),
    ),
    parameters=table("Gupta 2007 Table 1 / MODEL1006230036", "B", [
        ("ki1", 0.1, "1", "cortisol inhibition of CRH"),
        ("ki2", 0.1, "1", "cortisol–GR inhibition of ACTH"),
        ("kcd", 1.0, "1", "CRH degradation"),
        ("kad", 10.0, "1", "ACTH degradation"),
        ("k", 0.001, "1", "GR dimer dissociation constant"),
        ("kcr", 0.05, "1", "basal GR synthesis"),
        ("krd", 0.9, "1", "GR degradation"),
    ]),
    inputs=(Input("gupta_stress", "1", 0.0, "stress f(t) added to the CRH drive"),),
    equations=lambda s: _rates(s),
)


def _rates(s):
    yield Rate("c", (1 + s.gupta_stress) / (1 + s.o / s.ki1) - s.kcd * s.c, "scaled eq. 1")
    yield Rate("a", s.c / (1 + s.o * s.r / s.ki2) - s.kad * s.a, "scaled eq. 2")
    yield Rate("r", (s.o * s.r) ** 2 / (s.k + (s.o * s.r) ** 2) + s.kcr - s.krd * s.r, "scaled eq. 3")
    yield Rate("o", s.a - s.o, "scaled eq. 4")


def model() -> Model:
    return compose("gupta2007", "Gupta et al. 2007 HPA–GR bistability (4 states, dimensionless)",
                   [gupta], (), time_unit="dimensionless")
