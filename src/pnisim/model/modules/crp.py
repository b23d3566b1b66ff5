"""Hepatic C-reactive protein driven by IL-6: a minimal acute-phase module designed here.

Pepys MB, Hirschfield GM. C-reactive protein: a critical update. J Clin Invest 2003;111:1805–1812.
doi:10.1172/JCI18921. CRP is made by hepatocytes under transcriptional control mainly by IL-6; its plasma
half-life is about 19 h and constant in health and disease, so the synthesis rate alone sets the
concentration; after a single stimulus CRP peaks around 48 h; in healthy young adult blood donors the median
CRP is 0.8 mg/L (all from Pepys & Hirschfield 2003). In cultured human hepatocytes only IL-6 (not IL-1β or
TNF-α) induces CRP mRNA and protein, acting pre-translationally, with maximal effect after ~20 h (Castell JV
et al. Hepatology 1990;12:1179–1186). Human endotoxin challenges raise CRP dose-dependently (Dillingh MR et
al. J Inflamm 2014;11:28, doi:10.1186/s12950-014-0028-1, 0.5–2 ng/kg LPS), while plasma IL-6 is down to ~3 %
of its peak by 6 h (Windoloski 2024 data, 2 ng/kg): hepatic synthesis outlasts the IL-6 signal.

Model (pnisim, not a published model):

* synthesis drive ``S = IL6 / (K6 + IL6)``, the fraction of maximal hepatic synthesis. No IL-6-independent
  term: baseline CRP is then proportional to baseline IL-6, as the IL-6 dependence of CRP implies;
* a two-step transit chain ``T1 -> T2`` (rate ``k_tr`` each) between IL-6 and CRP secretion: the hepatic
  transcriptional delay (Castell 1990), in the transit-compartment form of Sun YN, Jusko WJ, J Pharm Sci
  1998;87:732–737 (doi:10.1021/js970414z). IL-6 driving synthesis directly would put the CRP peak at the end
  of the IL-6 transient (~6 h after endotoxin) instead of a day or more later;
* ``dCRP/dt = k_syn * T2 - k_deg * CRP`` with ``k_deg = ln 2 / 19 h``.

Calibration (fitted here, grade C): ``k_syn / k_deg = 500 mg/L``, the ceiling of the acute-phase response
(values above 500 mg/L occur, Pepys & Hirschfield 2003); ``K6 = 500 pg/mL`` so that baseline CRP is 1.0 mg/L at
the default IL-6 of 1 pg/mL (the healthy median is 0.8 mg/L, see above); ``k_tr = 0.1 /h`` so that CRP peaks
~30 h after the peak of the Windoloski 2024 2 ng/kg LPS IL-6 curve (749 pg/mL at 2 h), inside 24–48 h (CRP
peaks around 48 h after a single stimulus, Pepys & Hirschfield 2003; the endotoxin IL-6 pulse is brief).
Driven by that IL-6 curve (baseline 0.61 pg/mL, so CRP 0.61 mg/L), CRP peaks at ~19 mg/L at ~32 h (the
amplitude is not fitted to CRP data); once the hepatic signal has subsided (from ~72 h) the CRP excess falls
with the 19 h half-life.

Between people (pnisim): CRP differs more between people than IL-6 alone explains; CRP concentration is heritable
and carries the effect of CRP-gene variants independent of IL-6 (Pankow JS et al. Atherosclerosis 2001;154:681-689,
doi:10.1016/s0021-9150(00)00586-4; heritability 35-40 %). The maximal synthesis ``k_syn`` therefore varies between people (log-normal CV
0.46), set so that, on top of the IL-6 spread it inherits, the ICC of ln CRP over four morning draws six weeks apart
with the within-person variation of :mod:`pnisim.analysis.measurement` is that of healthy adults aged 20-40 (0.62:
Navarro SL et al. Cancer Epidemiol Biomarkers Prev 2012;21:1167-1170, PMC3392358).

Ports and inputs: the port ``IL6`` (pg/mL) is where a cytokine module (e.g. Windoloski's ``IL6``) is bound; by
default it follows the input ``il6_plasma`` (default 1 pg/mL, a healthy baseline), so a scenario can drive the
module alone. Time unit: hours.
"""

from __future__ import annotations

import math

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = "Pepys MB, Hirschfield GM. C-reactive protein: a critical update. J Clin Invest 2003;111:1805-1812"
DOI = "10.1172/JCI18921"
FITTED = "fitted here (pnisim): see module docstring"

CRP_HALF_LIFE_H = 19.0
K_DEG = math.log(2.0) / CRP_HALF_LIFE_H
CRP_CEILING = 500.0   # mg/L, k_syn / k_deg
K6 = 500.0            # pg/mL
IL6_BASELINE = 1.0    # pg/mL
S0 = IL6_BASELINE / (K6 + IL6_BASELINE)  # baseline synthesis drive: initial transit states, CRP = ceiling * S0

crp = Module(
    name="crp",
    title="Hepatic C-reactive protein driven by IL-6 with a transit delay (designed here)",
    citation=CITATION,
    doi=DOI,
    changes="designed here: IL-6-driven hepatic synthesis with a two-step transit delay (Sun & Jusko 1998) and "
            "first-order elimination with the 19 h half-life of Pepys & Hirschfield 2003",
    time_unit="h",
    states=(
        State("crp_transit1", "1", S0, "hepatic CRP synthesis signal, step 1 (fraction of maximal)"),
        State("crp_transit2", "1", S0, "hepatic CRP synthesis signal, step 2 (fraction of maximal)"),
        State("CRP", "mg/L", CRP_CEILING * S0, "plasma C-reactive protein"),
    ),
    parameters=table(FITTED, "C", [
        ("k_deg", K_DEG, "1/h", "CRP elimination (plasma half-life 19 h)",
         {"source": "Pepys & Hirschfield 2003 (targets.csv crp_halflife: 19 h, 17-21)", "grade": "B",
          "bounds": (math.log(2.0) / 21.0, math.log(2.0) / 17.0)}),
        ("k_syn", CRP_CEILING * K_DEG, "mg/L/h", "maximal hepatic synthesis (ceiling k_syn/k_deg = 500 mg/L)",
         {"cv": 0.46, "source": FITTED + "; between-person CV set from the CRP ICC of Navarro 2012 (target crp_icc)"}),
        ("K6", K6, "pg/mL", "IL-6 at half-maximal synthesis (baseline CRP 1 mg/L at IL-6 1 pg/mL)"),
        ("k_tr", 0.1, "1/h", "transit rate of the hepatic signal (CRP peak ~30 h after an LPS IL-6 transient)"),
    ]),
    inputs=(Input("il6_plasma", "pg/mL", IL6_BASELINE,
                  "plasma IL-6 set by the scenario (used only while no module is bound to the IL6 port)"),),
    ports=(Port("IL6", "pg/mL", lambda s: s.il6_plasma, "plasma IL-6 driving hepatic CRP synthesis"),),
    observables=(Observable("crp", "mg/L", lambda s: s.CRP, "plasma C-reactive protein"),),
    grade="C",
    equations=lambda s: _rates(s),
)


def _rates(s):
    S = s.IL6 / (s.K6 + s.IL6)  # fraction of maximal hepatic synthesis
    yield Rate("crp_transit1", s.k_tr * (S - s.crp_transit1), "pnisim (transit step 1)")
    yield Rate("crp_transit2", s.k_tr * (s.crp_transit1 - s.crp_transit2), "pnisim (transit step 2)")
    yield Rate("CRP", s.k_syn * s.crp_transit2 - s.k_deg * s.CRP, "pnisim (synthesis - elimination)")


def model() -> Model:
    return compose("crp", "Hepatic CRP driven by IL-6 (3 states, hours)", [crp], (), time_unit="h")
