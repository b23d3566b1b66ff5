"""Gut barrier and microbiome: intestinal permeability, dysbiosis, probiotic colonisation, endotoxin leak.

No published mechanistic model links human gut permeability to endotoxin translocation and systemic IL-6
(MODELS.md §4.4), so this is pnisim's own small design, graded C/D. What each piece stands on:

* Acute psychological stress raises small-intestinal permeability, through peripheral CRH and mast cells:
  Vanuytsel T, Van Wanrooy S, Vanheel H, et al. Psychological stress and corticotropin-releasing hormone
  increase intestinal permeability in humans by a mast cell-dependent mechanism. Gut 2014;63:1293-1299,
  doi:10.1136/gutjnl-2013-305690. Lactulose/mannitol ratio 0.030 (control) -> 0.059 after public speech
  (x2.0; only in those whose cortisol rose), 0.028 -> 0.042 after CRH (x1.5), 0.071 after indomethacin
  (x2.4). pnisim maps perceived stress PS = 1 (a strong stressor) onto the public-speech doubling; that
  mapping, and its use for chronic stress, is a design choice (grade D).
* Systemic inflammation raises permeability: 2 ng/kg LPS raised urinary PEG-1500 recovery 38.8 -> 63.1 mg
  (x1.63) in 14 healthy adults (Hietbrink F et al. Shock 2009;32:374-378, doi:10.1097/SHK.0b013e3181a2bcd6);
  4 ng/kg raised the 12 h lactulose/mannitol excretion ratio by about x1.56 (O'Dwyer ST et al. Arch Surg
  1988;123:1459-1464, doi:10.1001/archsurg.1988.01400360029003). Here TNF-α (port ``TNF``) drives it, sized so
  that the Windoloski 2 ng/kg TNF transient gives a mean permeability of ~x1.6 over 2-8 h (grade C).
* Dysbiosis (0 = healthy eubiosis; ~1 = marked dysbiosis) rises with perceived stress over weeks and with a
  trait offset ``dys_set`` (diet, antibiotics, obesity), and raises permeability (grade D: animal data and
  associations). Probiotics (input ``probiotic``, 0/1 active dosing) build up a colonisation state ``PROB``
  over days and wash out over days after stopping; colonisation lowers the dysbiosis target and damps the
  excess permeability (barrier tightening; grade C/D).

Endotoxin leak. The innate block (Windoloski 2024) has no endotoxin at rest (E = 0; its resting cytokines are
the set points w6, wTNF), so the leak is defined as the EXCESS over a healthy gut and is exactly zero at rest:
``leak = L_max (P - 1) / (K_P + P - 1)``, bounded above by ``L_max`` however leaky the barrier. ``L_max`` is
sized so that the largest possible leak at most doubles resting IL-6 in the innate block (a constant
0.0069 ng/kg/h endotoxin input takes Windoloski's resting IL-6 from 0.61 to 1.22 pg/mL); we chose this bound
rather than plasma LBP/sCD14 ranges because those are not in pg/mL of cytokine and their mapping to ng/kg/h
of LPS is unknown. Half the maximal leak is reached at tripled permeability (``K_P`` = 2). The lead binds
``innate.pamp`` to this expression (:func:`endotoxin_leak`). The leak only turns (very slightly) negative if
TNF falls below its resting value; the floor is about ``-L_max * a_tnf * h(TNF_0) / K_P`` = -6e-5 ng/kg/h, negligible.

Probiotic targets for later calibration (Milajerdi A et al. Eur J Nutr 2020;59:633-649,
doi:10.1007/s00394-019-01931-8; 42 RCTs, 2258 adults; evidence/targets.csv probiotic_crp, _il6, _tnf):
hs-CRP SMD -0.46 (-0.73, -0.19), IL-6 SMD -0.37 (-0.51, -0.24), TNF-α SMD -0.21 (-0.34, -0.08). With
between-person CV of IL-6 ~0.4, SMD -0.37 is roughly a 15 % fall in IL-6. Defaults give the right sign: in a
chronically stressed person (PS 0.5) with the gut bound to the innate block, 8 weeks of probiotics lower IL-6
by ~10 %. In a healthy person at rest (no dysbiosis, no excess permeability) probiotics do nothing here —
honest, since most trials enrolled people with metabolic or inflammatory conditions.

Ports: ``PS`` (perceived stress, stressor-load units, 0 at rest), ``TNF`` (pg/mL, default Windoloski's
resting 8.79). Input: ``probiotic`` (0/1). Time unit: hours.
"""

from __future__ import annotations

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = (
    "Vanuytsel T et al. Psychological stress and corticotropin-releasing hormone increase intestinal "
    "permeability in humans by a mast cell-dependent mechanism. Gut 2014;63:1293-1299"
)
DOI = "10.1136/gutjnl-2013-305690"
DESIGN = "pnisim design; not yet calibrated"

TNF_REST = 8.79  # pg/mL, Windoloski 2024 wTNF
# constant endotoxin input (ng/kg/h) that doubles resting IL-6 in the Windoloski 2024 innate block
L_MAX = 0.0069


def endotoxin_leak(P, L_max, K_P):
    """Endotoxin-equivalent leak (ng/kg/h) in excess of a healthy gut: 0 at P = 1, saturating at L_max."""
    return L_max * (P - 1) / (K_P + P - 1)


def _tnf_hill(tnf, K):
    return tnf**2 / (K**2 + tnf**2)


gut = Module(
    name="gut",
    title="Gut barrier permeability, dysbiosis, probiotic colonisation and endotoxin leak (pnisim design)",
    citation=CITATION,
    doi=DOI,
    changes="designed here: first-order permeability and dysbiosis states driven by stress (Vanuytsel 2014), "
            "TNF-α (Hietbrink 2009) and dysbiosis; probiotic colonisation; bounded endotoxin leak in excess of rest",
    time_unit="h",
    grade="D",
    states=(
        State("GUTP", "1", 1.0, "small-intestinal permeability relative to a healthy gut (lactulose/mannitol-like)"),
        State("DYS", "1", 0.0, "dysbiosis index (0 = healthy eubiosis, ~1 = marked dysbiosis)", scale=1.0),
        State("PROB", "1", 0.0, "probiotic colonisation (0 none, 1 steady under daily dosing)", scale=1.0),
    ),
    parameters=table(DESIGN, "D", [
        ("tau_p", 2.0, "h", "permeability response time (stress effect seen within a 2 h test)",
         {"bounds": (0.5, 24.0), "grade": "C", "source": "Vanuytsel 2014 (2 h lactulose-mannitol test after stress)"}),
        ("a_ps", 1.0, "1", "excess permeability per unit perceived stress (PS 1 -> x2, public speech)",
         {"bounds": (0.0, 3.0), "source": "Vanuytsel 2014: L/M 0.030 -> 0.059 after public speech; PS mapping pnisim"}),
        ("a_tnf", 2.3, "1", "maximal excess permeability from TNF-α (2 ng/kg LPS -> ~x1.6 over 2-8 h)",
         {"bounds": (0.0, 10.0), "grade": "C",
          "source": "fitted here to Hietbrink 2009 (PEG-1500 x1.63 after 2 ng/kg LPS) and O'Dwyer 1988"}),
        ("K_tnf", 100.0, "pg/mL", "TNF-α at half-maximal barrier effect", {"bounds": (20.0, 500.0), "grade": "C"}),
        ("tnf_rest", TNF_REST, "pg/mL", "resting TNF-α (Windoloski 2024 wTNF)",
         {"grade": "B", "source": "Windoloski 2024 mean bolus fit"}),
        ("a_dys", 1.0, "1", "excess permeability per unit dysbiosis", {"bounds": (0.0, 5.0)}),
        ("tau_d", 336.0, "h", "dysbiosis time constant (two weeks)", {"bounds": (48.0, 2016.0)}),
        ("d_ps", 0.5, "1", "dysbiosis target per unit perceived stress", {"bounds": (0.0, 2.0)}),
        ("dys_set", 0.0, "1", "trait dysbiosis (diet, antibiotics, obesity; 0 = healthy)", {"bounds": (0.0, 1.0)}),
        ("tau_c", 72.0, "h", "probiotic colonisation build-up and wash-out time (days)", {"bounds": (12.0, 336.0)}),
        ("e_pro", 0.5, "1", "fractional cut of the dysbiosis target at full colonisation", {"bounds": (0.0, 1.0)}),
        ("b_pro", 0.5, "1", "fractional damping of excess permeability at full colonisation",
         {"bounds": (0.0, 1.0)}),
        ("L_max", L_MAX, "ng/kg/h", "maximal endotoxin leak (doubles resting IL-6 of the innate block)",
         {"bounds": (0.0, 0.02), "grade": "C",
          "source": "sized here on Windoloski 2024 innate block: constant 0.0069 ng/kg/h doubles resting IL-6"}),
        ("K_P", 2.0, "1", "excess permeability at half-maximal leak (tripled permeability)", {"bounds": (0.5, 10.0)}),
    ]),
    inputs=(Input("probiotic", "1", 0.0, "probiotic dosing active (0/1)", bounds=(0.0, 1.0)),),
    ports=(
        Port("PS", "1", 0.0, "perceived stress (stressor-load units; 0 at rest)"),
        Port("TNF", "pg/mL", TNF_REST, "plasma TNF-α"),
    ),
    observables=(
        Observable("gut_permeability", "1", lambda s: s.GUTP, "intestinal permeability (1 = healthy; L/M-ratio-like)"),
        Observable("dysbiosis", "1", lambda s: s.DYS, "dysbiosis index (0 = healthy)"),
        Observable("endotoxin_leak", "ng/kg/h", lambda s: endotoxin_leak(s.GUTP, s.L_max, s.K_P),
                   "gut endotoxin translocation in excess of a healthy gut (for innate.pamp)"),
    ),
    equations=lambda s: _rates(s),
)


def _rates(s):
    tnf_excess = _tnf_hill(s.TNF, s.K_tnf) - _tnf_hill(s.tnf_rest, s.K_tnf)  # 0 at resting TNF
    damp = 1 - s.b_pro * s.PROB                                                 # probiotic barrier tightening
    p_target = 1 + damp * (s.a_ps * s.PS + s.a_dys * s.DYS + s.a_tnf * tnf_excess)
    dys_target = (s.dys_set + s.d_ps * s.PS) * (1 - s.e_pro * s.PROB)
    yield Rate("GUTP", (p_target - s.GUTP) / s.tau_p, "pnisim G1", "stress (CRH/mast cells), TNF-α, dysbiosis")
    yield Rate("DYS", (dys_target - s.DYS) / s.tau_d, "pnisim G2", "stress-driven dysbiosis, cut by probiotics")
    yield Rate("PROB", (s.probiotic - s.PROB) / s.tau_c, "pnisim G3", "colonisation under dosing, wash-out after")


def model() -> Model:
    return compose("gut", "Gut barrier and microbiome alone (pnisim design)", [gut], (), time_unit="h")
