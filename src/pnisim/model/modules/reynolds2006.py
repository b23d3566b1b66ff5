"""Reynolds et al. 2006 — reduced four-variable model of the acute inflammatory response to infection.

Reynolds A, Rubin J, Clermont G, Day J, Vodovotz Y, Ermentrout GB. A reduced mathematical model of the acute
inflammatory response: I. Derivation of model and analysis of anti-inflammation. J Theor Biol
2006;242:220–236. doi:10.1016/j.jtbi.2006.02.016. Equations and Table 1 values as encoded in BioModels
BIOMD0000000714 (MODELS.md §2.2): pathogen P, activated phagocytes N*, tissue damage D and a slow
anti-inflammatory mediator C_A. Depending on the initial pathogen load the host heals, recovers after a large
transient of damage, or ends in persistent inflammation ("aseptic death") or unchecked growth ("septic death").

What pnisim changed: the states are named ``pathogen``, ``phagocytes``, ``damage``, ``anti_inflam`` (P and A
are taken by other pnisim modules); the pathogen starts at 0 and an infection is an ``add_state`` event of the
load P0 on ``pathogen``; two multiplicative ports (default 1, so the module alone is the published model):
``host_defence`` scales both pathogen-killing terms and ``inflammation_gain`` scales the phagocyte activation
R. Time unit: hours, as in the paper. Equation tags number the four ODEs in the order the paper writes them.
"""

from __future__ import annotations

from .._table import table
from ..compose import Model, compose
from ..core import Module, Port, Rate, State

CITATION = (
    "Reynolds A, Rubin J, Clermont G, Day J, Vodovotz Y, Ermentrout GB. A reduced mathematical model of the "
    "acute inflammatory response: I. Derivation of model and analysis of anti-inflammation. "
    "J Theor Biol 2006;242:220-236"
)
DOI = "10.1016/j.jtbi.2006.02.016"
SOURCE = "Reynolds 2006 Table 1 / BIOMD0000000714"

infection = Module(
    name="infection",
    title="Pathogen, activated phagocytes, tissue damage, anti-inflammatory mediator (Reynolds 2006)",
    citation=CITATION,
    doi=DOI,
    changes="pathogen load P0 enters by an add_state event; host_defence and inflammation_gain ports (default 1)",
    time_unit="h",
    states=(
        State("pathogen", "1e6 cells/cc", 0.0, "pathogen P", scale=1.0),
        State("phagocytes", "N*-units", 0.0, "activated phagocytes N*", scale=0.1),
        State("damage", "D-units", 0.0, "tissue damage D", scale=1.0),
        State("anti_inflam", "CA-units", 0.125, "slow anti-inflammatory mediator C_A (s_c/mu_c at rest)"),
    ),
    parameters=table(SOURCE, "B", [
        ("k_pg", 0.3, "1/h", "pathogen growth rate"),
        ("p_inf", 20.0, "1e6 cells/cc", "pathogen carrying capacity"),
        ("k_pm", 0.6, "1/(M-units h)", "pathogen killing by the local (non-specific) response"),
        ("s_m", 0.005, "M-units/h", "source of the local response"),
        ("mu_m", 0.002, "1/h", "decay of the local response"),
        ("k_mp", 0.01, "1/(1e6 cells/cc h)", "exhaustion of the local response by pathogen"),
        ("k_pn", 1.8, "1/(N*-units h)", "pathogen killing by activated phagocytes"),
        ("k_np", 0.1, "N*-units/(1e6 cells/cc)", "phagocyte activation by pathogen"),
        ("k_nn", 0.01, "1", "phagocyte activation by activated phagocytes"),
        ("s_nr", 0.08, "N*-units/h", "maximal phagocyte recruitment"),
        ("mu_nr", 0.12, "N*-units", "half-saturation of recruitment"),
        ("mu_n", 0.05, "1/h", "decay of activated phagocytes"),
        ("k_nd", 0.02, "N*-units/D-units", "phagocyte activation by damage"),
        ("k_dn", 0.35, "D-units/h", "maximal damage production by phagocytes"),
        ("x_dn", 0.06, "N*-units", "half-saturation of damage production"),
        ("mu_d", 0.02, "1/h", "damage repair"),
        ("c_inf", 0.28, "CA-units", "anti-inflammatory strength scale"),
        ("s_c", 0.0125, "CA-units/h", "source of C_A"),
        ("k_cn", 0.04, "CA-units/h", "maximal C_A production driven by inflammation"),
        ("k_cnd", 48.0, "N*-units/D-units", "relative effect of damage on C_A production"),
        ("mu_c", 0.1, "1/h", "decay of C_A"),
    ]),
    ports=(
        Port("host_defence", "1", 1.0, "multiplier on both pathogen-killing terms (stress, sleep loss may weaken it)"),
        Port("inflammation_gain", "1", 1.0, "multiplier on phagocyte activation R"),
    ),
    equations=lambda s: _rates(s),
)


def _rates(s):
    P, N, D, C_A = s.pathogen, s.phagocytes, s.damage, s.anti_inflam

    def f(V):
        # every pro-inflammatory signal is damped by C_A: f(V) = V / (1 + (C_A/c_inf)^2)
        return V / (1 + (C_A / s.c_inf) ** 2)

    f_N = f(N)
    R = s.inflammation_gain * f(s.k_nn * N + s.k_np * P + s.k_nd * D)
    f_s = f_N**6 / (s.x_dn**6 + f_N**6)  # steep switch: damage only once N* is well above x_dn
    X = f(N + s.k_cnd * D)
    yield Rate(
        "pathogen",
        s.k_pg * P * (1 - P / s.p_inf)
        - s.host_defence * (s.k_pm * s.s_m * P / (s.mu_m + s.k_mp * P) + s.k_pn * f_N * P),
        "Eq. 1 (dP/dt)",
    )
    yield Rate("phagocytes", s.s_nr * R / (s.mu_nr + R) - s.mu_n * N, "Eq. 2 (dN*/dt)")
    yield Rate("damage", s.k_dn * f_s - s.mu_d * D, "Eq. 3 (dD/dt)")
    yield Rate("anti_inflam", s.s_c + s.k_cn * X / (1 + X) - s.mu_c * C_A, "Eq. 4 (dC_A/dt)")


def model() -> Model:
    """The published 4-state model, time in hours; infect with ``Event(t, "add_state", "pathogen", P0)``."""
    return compose("reynolds2006", "Reynolds et al. 2006 reduced acute inflammatory response (4 states, hours)",
                   [infection], (), time_unit="h")
