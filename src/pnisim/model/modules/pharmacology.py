"""Drug pharmacokinetics and pharmacodynamics: anti-TNF antibodies, IL-6 receptor blockade, a COX-2 inhibitor and
an SSRI, one module per drug, all in hours.

Each module holds drug *amounts* (mg) only. Doses are scenario events that add an amount to a state
(``Event(t, "add_state", "ifx_central", 350.0)``), so no module has dosing logic and every state rests at 0
without a dose. Concentrations and the pharmacodynamic effects are observables for the lead to bind into
cytokine-production and mood ports. Day-based published rates are divided by 24 in the parameter table, never
inside an equation.

Sources (population PK from human data, grade B unless a parameter row says otherwise):

* Infliximab IV, two compartments, body-weight covariates: Fasanmade AA, Adedokun OJ, Blank M, Zhou H, Davis HM.
  Pharmacokinetic properties of infliximab in children and adults with Crohn's disease: a retrospective analysis
  of data from 2 phase III clinical trials. Clin Ther 2011;33:946-964, doi:10.1016/j.clinthera.2011.06.002; final
  combined-population estimates as reproduced in Frymoyer A et al. J Pediatr Gastroenterol Nutr 2017;65:639-645,
  doi:10.1097/MPG.0000000000001620 (Methods): CL 5.42 mL/kg/day x (WT/65)^0.313, V1 52.4 mL/kg x (WT/65)^0.233,
  V2 19.6 mL/kg x (WT/65)^0.588, Q 2.26 mL/kg/day; reference: albumin 4.1 g/dL, no antibodies to infliximab,
  no immunomodulator. At 70 kg: CL 0.39 L/day, V1 3.7 L, V2 1.4 L, terminal half-life ~12 days.
  PD: TNF neutralisation ``C/(C + K)`` with K = 15.4 nM = 2.3 µg/mL, the central quasi-steady-state
  infliximab-TNF dissociation constant of Ternant D et al. Pharmaceutics 2021;13:1821,
  doi:10.3390/pharmaceutics13111821 (free-target fraction K/(K + C) when drug greatly exceeds target).
* Adalimumab SC, one compartment with first-order absorption: ka 0.28 /day from Ternant D et al. Br J Clin
  Pharmacol 2015;79:286-297, doi:10.1111/bcp.12509 (abstract); CL 12 mL/h (0.29 L/day), F 0.64 and half-life
  ~2 weeks from the Humira prescribing information (section 12.3), V = CL t½ / ln 2 = 5.8 L (label Vss
  4.7-6.0 L). PD as infliximab with IC50 1.1 µg/mL, the middle of the 0.8-1.4 µg/mL concentrations giving 50 %
  of the maximal RA response (Granneman 2003, quoted in the Humira label literature; grade C).
* Tocilizumab IV, two compartments with parallel linear and Michaelis-Menten elimination: Frey N, Grange S,
  Woodworth T. Population pharmacokinetic analysis of tocilizumab in patients with rheumatoid arthritis.
  J Clin Pharmacol 2010;50:754-766, doi:10.1177/0091270009350623, Table II: CL 0.3 L/day, V1 3.5 L, Q 0.2 L/day,
  V2 2.9 L, Vmax 7.5 mg/day, Km 2.7 µg/mL (reference subject BSA 1.8 m2). PD: IL-6 receptor blockade
  ``C/(C + Km)``, taking the Km of the target-mediated (IL-6R) elimination as the half-occupancy
  concentration (Frey 2010 interpret the nonlinear pathway as IL-6R binding; grade C).
* Celecoxib oral, one compartment with absorption: Davies NM, McLachlan AJ, Day RO, Williams KM. Clinical
  pharmacokinetics and pharmacodynamics of celecoxib. Clin Pharmacokinet 2000;38:225-242,
  doi:10.2165/00003088-200038030-00003, and the Celebrex label (200 mg: Cmax 705 ng/mL at 2.8 h, t½ 11.2 h).
  PD: COX-2 inhibition ``C/(C + IC50)``; IC50 fitted here so that a 200 mg peak gives the 83 % inhibition of
  ex vivo endotoxin-induced whole-blood PGE2 (the COX-2 index) measured after celecoxib by McAdam BF et al.
  Proc Natl Acad Sci USA 1999;96:272-277, doi:10.1073/pnas.96.1.272.
* Sertraline oral, one compartment with absorption: Zoloft label (200 mg/day for 14 days: Cmax 0.19 µg/mL at
  4.5-8.4 h; t½ 26 h; linear 50-200 mg). SERT occupancy ``Emax C/(C + EC50)`` fitted here to Meyer JH et al.
  Am J Psychiatry 2004;161:826-835, doi:10.1176/appi.ajp.161.5.826 (about 80 % at the minimum therapeutic dose,
  50 mg/day) and the [11C]DASB PET study of high-dose SSRIs in major depressive disorder from the same group
  (Psychopharmacology 2007, PMID 17497139; about 85 % at high doses).

What pnisim changed: time in hours; typical (reference-covariate) values only, except body weight for
infliximab; doses as bolus events (a 2-h infusion is treated as a bolus: the error is < 1 % after a few hours);
one-compartment celecoxib and sertraline are fitted here to the label peak, peak time and half-life.
Well supported: the PK of the antibodies and of tocilizumab (large phase III populations), celecoxib and
sertraline peaks and half-lives. Less so: every PD constant (grade C): the link from plasma concentration to
tissue cytokine neutralisation is indirect. Known gaps: no anti-drug antibodies, albumin or inflammation effects
on clearance (each raises antibody clearance), no TNF-mediated disposition, no brain-plasma delay for SERT
occupancy, and the one-compartment celecoxib overstates the label AUC (CL/F 27.7 L/h) about twofold in order to
match Cmax and t½.
"""

from __future__ import annotations

import math

from .._table import table
from ..compose import Model, compose
from ..core import Module, Observable, Rate, State

H_PER_DAY = 24.0
BODY_WEIGHT = 70.0  # kg, default patient

# ---- infliximab: Fasanmade 2011 combined CD model (Frymoyer 2017 Methods), per-kg values at 65 kg ----------
IFX_CITATION = (
    "Fasanmade AA, Adedokun OJ, Blank M, Zhou H, Davis HM. Pharmacokinetic properties of infliximab in children and "
    "adults with Crohn's disease. Clin Ther 2011;33:946-964"
)
IFX_DOI = "10.1016/j.clinthera.2011.06.002"
IFX_SRC = ("Fasanmade 2011 final combined model, as reproduced in Frymoyer 2017 Methods "
           "(doi:10.1097/MPG.0000000000001620)")
IFX_KSS_UG_ML = 15.4e-9 * 149.1e3 * 1e3  # 15.4 nM x 149.1 kDa -> 2.30 µg/mL

infliximab = Module(
    name="infliximab",
    title="Infliximab IV: two-compartment population PK (Fasanmade 2011) and TNF neutralisation",
    citation=IFX_CITATION,
    doi=IFX_DOI,
    changes="hours; reference covariates (albumin 4.1 g/dL, no anti-drug antibodies, no immunomodulator) except "
            "body weight; infusion as a bolus event into the central amount; PD C/(C+K) from Ternant 2021",
    time_unit="h",
    grade="B",
    states=(
        State("ifx_central", "mg", 0.0, "infliximab amount in the central (serum) compartment", scale=100.0),
        State("ifx_peripheral", "mg", 0.0, "infliximab amount in the peripheral compartment", scale=100.0),
    ),
    parameters=table(IFX_SRC, "B", [
        ("body_weight", BODY_WEIGHT, "kg", "body weight (covariate of CL, V1, V2, Q)",
         {"bounds": (30.0, 200.0), "source": "pnisim default patient", "grade": "C"}),
        ("cl_kg", 5.42e-3 / H_PER_DAY, "L/h/kg", "clearance per kg at 65 kg (5.42 mL/kg/day)",
         {"bounds": (2.0e-3 / H_PER_DAY, 15.0e-3 / H_PER_DAY), "cv": 0.307}),
        ("v1_kg", 52.4e-3, "L/kg", "central volume per kg at 65 kg (52.4 mL/kg)",
         {"bounds": (30e-3, 90e-3), "cv": 0.126}),
        ("v2_kg", 19.6e-3, "L/kg", "peripheral volume per kg at 65 kg (19.6 mL/kg)",
         {"bounds": (5e-3, 80e-3), "cv": 0.553}),
        ("q_kg", 2.26e-3 / H_PER_DAY, "L/h/kg", "intercompartmental clearance per kg (2.26 mL/kg/day)",
         {"bounds": (0.5e-3 / H_PER_DAY, 10e-3 / H_PER_DAY)}),
        ("e_cl", 0.313, "1", "weight exponent on per-kg clearance", {"bounds": (0.0, 1.0)}),
        ("e_v1", 0.233, "1", "weight exponent on per-kg central volume", {"bounds": (0.0, 1.0)}),
        ("e_v2", 0.588, "1", "weight exponent on per-kg peripheral volume", {"bounds": (0.0, 1.5)}),
        ("k_tnf", IFX_KSS_UG_ML, "µg/mL", "concentration for half TNF neutralisation (central K_SS 15.4 nM, "
         "Ternant 2021 doi:10.3390/pharmaceutics13111821; trough 3-7 µg/mL is the clinical target)",
         {"bounds": (0.3, 7.0), "source": "Ternant 2021 Pharmaceutics 13:1821, double-TMDD model", "grade": "C"}),
    ]),
    observables=(
        Observable("ifx_conc", "µg/mL", lambda s: s.ifx_central / _ifx_v1(s), "serum infliximab"),
        Observable("ifx_tnf_block", "1", lambda s: _ifx_c(s) / (_ifx_c(s) + s.k_tnf),
                   "fraction of TNF neutralised by infliximab"),
    ),
    equations=lambda s: _ifx_rates(s),
)


def _ifx_v1(s):
    return s.v1_kg * s.body_weight * (s.body_weight / 65) ** s.e_v1


def _ifx_c(s):
    return s.ifx_central / _ifx_v1(s)


def _ifx_rates(s):
    wt = s.body_weight
    CL = s.cl_kg * wt * (wt / 65) ** s.e_cl
    V1 = _ifx_v1(s)
    V2 = s.v2_kg * wt * (wt / 65) ** s.e_v2
    Q = s.q_kg * wt
    yield Rate("ifx_central", -CL / V1 * s.ifx_central - Q / V1 * s.ifx_central + Q / V2 * s.ifx_peripheral,
               "Fasanmade 2011 two-compartment model (central)")
    yield Rate("ifx_peripheral", Q / V1 * s.ifx_central - Q / V2 * s.ifx_peripheral,
               "Fasanmade 2011 two-compartment model (peripheral)")


# ---- adalimumab: Humira label disposition, Ternant 2015 absorption ------------------------------------------
ADA_LABEL = "Humira (adalimumab) US prescribing information, section 12.3"
ADA_CL = 12e-3  # L/h (12 mL/h)
ADA_HALF_LIFE_H = 14 * H_PER_DAY

adalimumab = Module(
    name="adalimumab",
    title="Adalimumab SC: one-compartment PK with first-order absorption and TNF neutralisation",
    citation="Ternant D et al. Pharmacokinetics and concentration-effect relationship of adalimumab in rheumatoid "
             "arthritis. Br J Clin Pharmacol 2015;79:286-297",
    doi="10.1111/bcp.12509",
    changes="hours; CL, F and half-life from the Humira label, V = CL t½/ln2, ka from Ternant 2015; "
            "subcutaneous dose as a bolus event into the depot amount (bioavailability applied on absorption)",
    time_unit="h",
    grade="B",
    states=(
        State("ada_depot", "mg", 0.0, "adalimumab amount at the subcutaneous injection site", scale=10.0),
        State("ada_central", "mg", 0.0, "adalimumab amount in the body (serum-equivalent compartment)", scale=10.0),
    ),
    parameters=table(ADA_LABEL, "B", [
        ("ka", 0.28 / H_PER_DAY, "1/h", "first-order SC absorption (0.28 /day)",
         {"bounds": (0.1 / H_PER_DAY, 1.0 / H_PER_DAY), "source": "Ternant 2015 (abstract), RA, n = 30"}),
        ("F", 0.64, "1", "absolute SC bioavailability (mean of three studies)", {"bounds": (0.4, 0.9)}),
        ("CL", ADA_CL, "L/h", "systemic clearance after IV dosing (~12 mL/h)",
         {"bounds": (6e-3, 24e-3), "cv": 0.17}),
        ("V", ADA_CL * ADA_HALF_LIFE_H / math.log(2), "L", "distribution volume, CL x t½ / ln 2 with t½ 2 weeks "
         "(label Vss 4.7-6.0 L)", {"bounds": (3.0, 12.0), "source": "derived here from the Humira label CL and t½"}),
        ("ic50", 1.1, "µg/mL", "concentration for half-maximal TNF block (EC50 of RA response 0.8-1.4 µg/mL)",
         {"bounds": (0.3, 5.0), "source": "Granneman 2003 (congress abstract) as summarised in adalimumab "
          "reviews; pnisim reading as TNF block", "grade": "C"}),
    ]),
    observables=(
        Observable("ada_conc", "µg/mL", lambda s: s.ada_central / s.V, "serum adalimumab"),
        Observable("ada_tnf_block", "1", lambda s: (s.ada_central / s.V) / (s.ada_central / s.V + s.ic50),
                   "fraction of TNF neutralised by adalimumab"),
    ),
    equations=lambda s: (
        Rate("ada_depot", -s.ka * s.ada_depot, "first-order absorption (Ternant 2015)"),
        Rate("ada_central", s.F * s.ka * s.ada_depot - s.CL / s.V * s.ada_central, "one-compartment elimination"),
    ),
)


# ---- tocilizumab: Frey 2010 Table II ---------------------------------------------------------------------------
tocilizumab = Module(
    name="tocilizumab",
    title="Tocilizumab IV: two-compartment PK with linear and Michaelis-Menten elimination; IL-6R blockade",
    citation="Frey N, Grange S, Woodworth T. Population pharmacokinetic analysis of tocilizumab in patients with "
             "rheumatoid arthritis. J Clin Pharmacol 2010;50:754-766",
    doi="10.1177/0091270009350623",
    changes="hours; typical values of Table II for the reference subject (BSA 1.8 m2, male, reference albumin, "
            "protein, HDL, creatinine clearance; non-smoker), no covariates; infusion as a bolus event",
    time_unit="h",
    grade="B",
    states=(
        State("tcz_central", "mg", 0.0, "tocilizumab amount in the central compartment", scale=100.0),
        State("tcz_peripheral", "mg", 0.0, "tocilizumab amount in the peripheral compartment", scale=100.0),
    ),
    parameters=table("Frey 2010 Table II (final model)", "B", [
        ("CL", 0.3 / H_PER_DAY, "L/h", "linear clearance (0.3 L/day)", {"bounds": (0.1 / 24, 0.9 / 24), "cv": 0.39}),
        ("V1", 3.5, "L", "central volume", {"bounds": (1.5, 7.0), "cv": 0.37}),
        ("Q", 0.2 / H_PER_DAY, "L/h", "intercompartmental clearance (0.2 L/day)", {"bounds": (0.05 / 24, 1.0 / 24)}),
        ("V2", 2.9, "L", "peripheral volume", {"bounds": (0.5, 10.0), "cv": 0.66}),
        ("Vmax", 7.5 / H_PER_DAY, "mg/h", "maximal target-mediated elimination rate (7.5 mg/day)",
         {"bounds": (2.0 / 24, 20.0 / 24), "cv": 0.54}),
        ("Km", 2.7, "µg/mL", "concentration at half-maximal nonlinear elimination", {"bounds": (0.5, 10.0)}),
        ("ic50", 2.7, "µg/mL", "concentration for half IL-6 receptor blockade (taken equal to Km: the nonlinear "
         "pathway is IL-6R binding)", {"bounds": (0.3, 10.0), "source": "pnisim reading of Frey 2010 Km",
                                        "grade": "C"}),
    ]),
    observables=(
        Observable("tcz_conc", "µg/mL", lambda s: s.tcz_central / s.V1, "serum tocilizumab"),
        Observable("tcz_il6_block", "1", lambda s: (s.tcz_central / s.V1) / (s.tcz_central / s.V1 + s.ic50),
                   "fraction of IL-6 receptor signalling blocked by tocilizumab"),
    ),
    equations=lambda s: _tcz_rates(s),
)


def _tcz_rates(s):
    C = s.tcz_central / s.V1
    yield Rate("tcz_central", -s.CL * C - s.Vmax * C / (s.Km + C) - s.Q * C + s.Q / s.V2 * s.tcz_peripheral,
               "Frey 2010 two-compartment model with parallel MM elimination (central)")
    yield Rate("tcz_peripheral", s.Q * C - s.Q / s.V2 * s.tcz_peripheral, "Frey 2010 (peripheral)")


# ---- celecoxib ---------------------------------------------------------------------------------------------
CXB_FIT = "fitted here to the Celebrex label single 200 mg dose: Cmax 705 ng/mL, tmax 2.8 h, t½ 11.2 h"
CXB_HALF_LIFE_H = 11.2
CXB_KA = 1.07          # 1/h, puts tmax at 2.8 h for t½ 11.2 h
CXB_V_F = 237.6        # L, puts Cmax at 0.705 µg/mL for 200 mg
CXB_CMAX_200 = 0.705   # µg/mL
CXB_COX2_AT_PEAK = 0.83  # McAdam 1999: inhibition of ex vivo LPS-induced whole-blood PGE2

celecoxib = Module(
    name="celecoxib",
    title="Celecoxib oral: one-compartment PK with first-order absorption and COX-2 inhibition",
    citation="Davies NM, McLachlan AJ, Day RO, Williams KM. Clinical pharmacokinetics and pharmacodynamics of "
             "celecoxib: a selective cyclo-oxygenase-2 inhibitor. Clin Pharmacokinet 2000;38:225-242",
    doi="10.2165/00003088-200038030-00003",
    changes="one compartment fitted here to the label Cmax, tmax and t½ (overstates AUC ~2x); apparent (V/F, "
            "CL/F) parameters, so the oral dose goes whole into the gut amount; COX-2 IC50 fitted to McAdam 1999",
    time_unit="h",
    grade="B",
    states=(
        State("cxb_gut", "mg", 0.0, "celecoxib amount awaiting absorption", scale=100.0),
        State("cxb_central", "mg", 0.0, "celecoxib amount in the body (apparent, per V/F)", scale=100.0),
    ),
    parameters=table(CXB_FIT, "B", [
        ("ka", CXB_KA, "1/h", "first-order absorption", {"bounds": (0.3, 3.0)}),
        ("V_F", CXB_V_F, "L", "apparent volume (label Vss/F 429 L is the two-compartment value)",
         {"bounds": (100.0, 600.0)}),
        ("CL_F", CXB_V_F * math.log(2) / CXB_HALF_LIFE_H, "L/h", "apparent clearance giving t½ 11.2 h",
         {"bounds": (5.0, 60.0)}),
        ("ic50", CXB_CMAX_200 * (1 - CXB_COX2_AT_PEAK) / CXB_COX2_AT_PEAK, "µg/mL",
         "plasma concentration for half COX-2 inhibition (83 % at the 200 mg peak)",
         {"bounds": (0.02, 1.0), "source": "fitted here to McAdam 1999 PNAS 96:272 (ex vivo whole-blood COX-2 "
          "index -83 ± 6 % after celecoxib)", "grade": "C"}),
    ]),
    observables=(
        Observable("cxb_conc", "µg/mL", lambda s: s.cxb_central / s.V_F, "plasma celecoxib"),
        Observable("cox_block", "1", lambda s: (s.cxb_central / s.V_F) / (s.cxb_central / s.V_F + s.ic50),
                   "fraction of COX-2 activity inhibited by celecoxib"),
    ),
    equations=lambda s: (
        Rate("cxb_gut", -s.ka * s.cxb_gut, "first-order absorption"),
        Rate("cxb_central", s.ka * s.cxb_gut - s.CL_F / s.V_F * s.cxb_central, "one-compartment elimination"),
    ),
)


# ---- sertraline ----------------------------------------------------------------------------------------------
SERT_FIT = "fitted here to the Zoloft label: 200 mg/day steady-state Cmax 0.19 µg/mL at 4.5-8.4 h, t½ 26 h"
SERT_HALF_LIFE_H = 26.0
SERT_V_F = 1975.0   # L (28 L/kg at 70 kg; label: Vd > 20 L/kg)
# SERT occupancy Emax model through (Css,avg at 50 mg/day, 0.80) and (Css,avg at 200 mg/day, 0.85):
SERT_CL_F = SERT_V_F * math.log(2) / SERT_HALF_LIFE_H           # L/h
_C50, _C200 = 50e3 / (SERT_CL_F * 24), 200e3 / (SERT_CL_F * 24)  # ng/mL, average steady-state concentrations
_r = 0.85 / 0.80
SERT_EC50 = (_C200 * _C50 - _r * _C200 * _C50) / (_r * _C50 - _C200)  # solves 0.85/0.80 = occ(C200)/occ(C50)
SERT_EMAX = 0.80 * (_C50 + SERT_EC50) / _C50

sertraline = Module(
    name="sertraline",
    title="Sertraline oral: one-compartment PK with absorption and SERT occupancy",
    citation="Meyer JH et al. Serotonin transporter occupancy of five selective serotonin reuptake inhibitors at "
             "different doses: an [11C]DASB positron emission tomography study. Am J Psychiatry 2004;161:826-835",
    doi="10.1176/appi.ajp.161.5.826",
    changes="one-compartment PK fitted here to the Zoloft label; occupancy Emax model fitted here to two summary "
            "points (80 % at 50 mg/day, Meyer 2004; 85 % at high dose, PMID 17497139), no brain-plasma delay",
    time_unit="h",
    grade="B",
    states=(
        State("sert_gut", "mg", 0.0, "sertraline amount awaiting absorption", scale=50.0),
        State("sert_central", "mg", 0.0, "sertraline amount in the body (apparent, per V/F)", scale=50.0),
    ),
    parameters=table(SERT_FIT, "B", [
        ("ka", 0.52, "1/h", "first-order absorption (single-dose tmax ~6 h)", {"bounds": (0.1, 2.0)}),
        ("V_F", SERT_V_F, "L", "apparent volume", {"bounds": (800.0, 5000.0)}),
        ("CL_F", SERT_CL_F, "L/h", "apparent clearance giving t½ 26 h", {"bounds": (15.0, 150.0)}),
        ("emax", SERT_EMAX, "1", "maximal striatal SERT occupancy",
         {"bounds": (0.7, 1.0), "source": "fitted here to Meyer 2004 (80 % at 50 mg/day) and the 2007 "
          "high-dose [11C]DASB study (85 %, PMID 17497139)", "grade": "B"}),
        ("ec50", SERT_EC50, "ng/mL", "plasma sertraline at half-maximal occupancy",
         {"bounds": (0.3, 30.0), "source": "fitted here to Meyer 2004 and PMID 17497139", "grade": "C"}),
    ]),
    observables=(
        Observable("sert_conc", "ng/mL", lambda s: 1000 * s.sert_central / s.V_F, "plasma sertraline"),
        Observable("ssri_occupancy", "1",
                   lambda s: s.emax * (1000 * s.sert_central / s.V_F) / (1000 * s.sert_central / s.V_F + s.ec50),
                   "fraction of serotonin transporters occupied by sertraline"),
    ),
    equations=lambda s: (
        Rate("sert_gut", -s.ka * s.sert_gut, "first-order absorption"),
        Rate("sert_central", s.ka * s.sert_gut - s.CL_F / s.V_F * s.sert_central, "one-compartment elimination"),
    ),
)

MODULES = (infliximab, adalimumab, tocilizumab, celecoxib, sertraline)

#: Standard regimens as data: (dose target state, dose, dose unit, first dose times in weeks, then interval in weeks).
REGIMENS = {
    "infliximab": ("ifx_central", 5.0, "mg/kg", (0.0, 2.0, 6.0), 8.0),
    "adalimumab": ("ada_depot", 40.0, "mg", (0.0,), 2.0),
    "tocilizumab": ("tcz_central", 8.0, "mg/kg", (0.0,), 4.0),
    "celecoxib": ("cxb_gut", 200.0, "mg", (0.0,), 0.5 / 7.0),  # twice daily
    "sertraline": ("sert_gut", 50.0, "mg", (0.0,), 1.0 / 7.0),  # once daily
}


def regimen(drug: str, until_h: float, *, dose: float | None = None, body_weight: float = BODY_WEIGHT,
            start_h: float = 0.0) -> list[tuple[float, str, float]]:
    """Dose times (h), target state and amount (mg) of a standard regimen up to ``until_h`` (inclusive).

    Plain tuples, so the model layer does not import the engine; wrap each in ``Event(t, "add_state", s, mg)``.
    """
    state, default, unit, first, every = REGIMENS[drug]
    per = default if dose is None else dose
    mg = per * body_weight if unit == "mg/kg" else per
    weeks = list(first)
    while True:
        nxt = weeks[-1] + every
        if start_h + nxt * 168.0 > until_h + 1e-9:
            break
        weeks.append(nxt)
    return [(start_h + w * 168.0, state, mg) for w in weeks if start_h + w * 168.0 <= until_h + 1e-9]


def model() -> Model:
    """All five drugs, independent, plus a model-level ``tnf_block`` for infliximab and adalimumab together."""
    return compose(
        "pharmacology",
        "Drug PK/PD: infliximab, adalimumab, tocilizumab, celecoxib, sertraline (10 states, hours)",
        MODULES,
        (),
        time_unit="h",
        observables=(Observable("tnf_block", "1", _combined_tnf_block,
                                "fraction of TNF neutralised by all anti-TNF antibodies (competitive binding)"),),
    )


def _combined_tnf_block(s):
    """Both antibodies bind the same soluble TNF: free fraction 1 / (1 + C_ifx/K_ifx + C_ada/K_ada)."""
    wt = s.infliximab__body_weight
    c_ifx = s.ifx_central / (s.infliximab__v1_kg * wt * (wt / 65) ** s.infliximab__e_v1)
    c_ada = s.ada_central / s.adalimumab__V
    load = c_ifx / s.infliximab__k_tnf + c_ada / s.adalimumab__ic50
    return load / (1 + load)
