"""Baker et al. 2013 — pro- and anti-inflammatory cytokines in rheumatoid arthritis: a flare/remission switch.

Baker M, Denman-Johnson S, Brook BS, Gaywood I, Owen MR. Mathematical modelling of cytokine-mediated
inflammation in rheumatoid arthritis. Math Med Biol 2013;30:311–337. doi:10.1093/imammb/dqs026.
Equations and parameter values of the curated BioModels encoding BIOMD0000000550 (the age-dependent variant is
BIOMD0000000549), transcribed in MODELS.md §3. Two dimensionless variables: the anti-inflammatory cytokine a
and the pro-inflammatory cytokine p. p stimulates its own production (positive feedback, Hill n = 2) and
induces a; a inhibits all production of p.

Bistability. With the BioModels defaults (α2 = 1) the model has one steady state, the healthy
(a, p) = (0.00578, 0.0203), which is also its initial condition. With γ = 1.25 and α1 = 0.025 a second,
inflamed stable state appears for α2 ≈ 7.4–15.6 (MODELS.md §3). The paper's own bistable parameter values
could not be found (the paper text and the SBML files were not accessible; the Biosimulant mirror holds only
wrappers), so the published default stays the BioModels one and ``RA_PRONE`` sets α2 = 10, near the middle
of the bistable window, as pnisim's "RA-prone" setting (grade C). There the stable states are
(0.0087, 0.0250) (remission) and (1.328, 0.391) (flare), separated by a saddle at (0.148, 0.105).

What pnisim changed: a multiplicative port ``pro_drive`` (default 1) on the basal pro-inflammatory
production α1, where later work binds stress / glucocorticoid resistance (MODELS.md §3 recommends it); an
input ``flare_trigger`` (default 0) added to pro-inflammatory production, for a transient trigger such as an
infection or a stressor; an observable ``ra_activity``. The equation numbers of the paper could not be
checked, so each rate is tagged with the BioModels rate rule it reproduces. Time is the paper's
dimensionless time; composing this module into an hours model needs a time scale (later work).
"""

from __future__ import annotations

from .._table import table
from ..compose import Model, ParameterOverride, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = (
    "Baker M, Denman-Johnson S, Brook BS, Gaywood I, Owen MR. Mathematical modelling of cytokine-mediated "
    "inflammation in rheumatoid arthritis. Math Med Biol 2013;30:311-337"
)
DOI = "10.1093/imammb/dqs026"
SBML = "BIOMD0000000550 (MODELS.md §3)"

#: pnisim's bistable "RA-prone" setting: the paper's own bistable values were not found (see module docstring).
RA_PRONE = {
    "ra.alpha2": ParameterOverride(
        10.0,
        "pnisim: bistable 'RA-prone' setting, middle of the bistable window alpha2 7.4-15.6 at gamma 1.25, "
        "alpha1 0.025 (MODELS.md §3); the paper's own bistable values were not found",
        "C",
    ),
}

ra = Module(
    name="ra",
    title="Anti- and pro-inflammatory cytokines in RA: bistable flare/remission switch (Baker 2013)",
    citation=CITATION,
    doi=DOI,
    changes="port pro_drive multiplies alpha1; input flare_trigger adds to pro-inflammatory production; "
            "activity readout added; equations and BioModels parameters otherwise unchanged",
    time_unit="dimensionless",
    states=(
        State("ra_anti", "1", 0.00578, "anti-inflammatory cytokine a (scaled)"),
        State("ra_pro", "1", 0.0203, "pro-inflammatory cytokine p (scaled)"),
    ),
    # Illustrative nondimensional values of a conceptual model, not fitted to human data: grade C.
    parameters=table(SBML, "C", [
        ("alpha1", 0.025, "1", "basal pro-inflammatory production"),
        ("alpha2", 1.0, "1", "maximal pro-inflammatory self-induction",
         {"bounds": (0.1, 20.0)}),  # wide enough for the bistable window 7.4-15.6
        ("alpha3", 0.5, "1", "pro-cytokine level for half-maximal anti-inflammatory induction"),
        ("alpha4", 3.5, "1", "maximal anti-inflammatory production"),
        ("gamma", 1.25, "1", "pro-inflammatory decay relative to anti-inflammatory decay"),
        ("K_act", 0.1, "1", "pro-cytokine level at half-maximal activity readout",
         {"source": "pnisim readout scale (remission ~0.2, flare ~0.8 at alpha2 = 10); not evidence",
          "grade": "D"}),
    ]),
    inputs=(Input("flare_trigger", "1", 0.0, "transient pro-inflammatory trigger (infection, stressor), "
                                             "added to pro-inflammatory production"),),
    ports=(Port("pro_drive", "1", 1.0, "multiplier on basal pro-inflammatory production alpha1 "
                                       "(stress, glucocorticoid resistance)"),),
    observables=(
        # A bounded 0-1 proxy, monotone in p. It is not DAS28: later work maps it to a clinical score.
        Observable("ra_activity", "1", lambda s: s.ra_pro / (s.ra_pro + s.K_act),
                   "RA disease-activity proxy p/(p + K_act) (not DAS28)"),
    ),
    grade="C",
    equations=lambda s: _rates(s),
)


def _rates(s):
    a, p = s.ra_anti, s.ra_pro
    yield Rate("ra_anti", -a + s.alpha4 * p**2 / (s.alpha3**2 + p**2), "da/dt (BIOMD0000000550 rate rule)")
    yield Rate(
        "ra_pro",
        -s.gamma * p + (s.pro_drive * s.alpha1 + s.flare_trigger + s.alpha2 * p**2 / (1 + p**2)) / (1 + a**2),
        "dp/dt (BIOMD0000000550 rate rule)",
        "pnisim: pro_drive multiplies alpha1; flare_trigger adds to production (also inhibited by a)",
    )


def model(ra_prone: bool = False) -> Model:
    """The published model alone (BioModels defaults, monostable); ``ra_prone=True`` sets alpha2 = 10 (bistable)."""
    if ra_prone:
        return compose("baker2013_ra_prone", "Baker et al. 2013 RA cytokines, RA-prone alpha2 = 10 (bistable)",
                       [ra], (), time_unit="dimensionless", overrides=dict(RA_PRONE))
    return compose("baker2013", "Baker et al. 2013 RA cytokine model (2 states, dimensionless)",
                   [ra], (), time_unit="dimensionless")
