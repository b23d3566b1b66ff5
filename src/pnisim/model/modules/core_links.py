"""Links that join the published modules into pnisim's composed core, and the core's readouts.

Each coupling names the evidence for the mechanism it encodes. Values marked "fitted here" are re-fitted by
:mod:`pnisim.calibrate.core_clock` to human data shipped in the package (Carroll et al. 2007 24-h cortisol,
cortisol awakening response) and stored, with provenance, in ``pnisim/data/calibration/core.toml``.

* ``clock`` — maps the Somvanshi circadian drive to clock time (drive maximum ``drive_lag`` hours before
  waking, as the authors' plots put it 9 h before the 07:41 cortisol peak), adds a constant basal
  hypothalamic drive; the cortisol awakening response (CAR) is a brief adrenal drive after waking
  (``adrenal_drive``).
  CAR: Clow A et al. 2010, Neurosci Biobehav Rev 35:97 (doi:10.1016/j.neubiorev.2009.12.011) — the CAR is
  shaped by ACTH and by direct (splanchnic/SCN) input to the adrenal; Pruessner JC et al. 1997 Life Sci
  61:2539 (+50 % within 30–45 min of waking). The bump shape (a periodic von Mises pulse) is pnisim's.
* ``gland_masses`` — Karin et al. 2020: corticotroph mass P scales ACTH secretion, adrenal mass A scales
  StAR (cortisol) production; CRH and ACTH relative to their healthy daily means drive growth.
* ``cytokines_to_hpa`` — Somvanshi 2020 couplings (TNF → CRH/ACTH/StAR, IL-6 → adrenal, TNF → GR
  translocation) fed by the Windoloski innate block in pg/mL.
* ``acute_stress`` — a Trier-type stressor boosts pituitary ACTH secretion while it lasts (Dickerson &
  Kemeny 2004, Psychol Bull 130:355: cortisol peaks 20–40 min after stressor onset). Size graded C, fitted
  to the Nelson TSST data.
* ``adrenal_drive`` — autonomic (splanchnic) input to the adrenal cortex raises cortisol output per ACTH
  (Ulrich-Lai & Herman 2009, Nat Rev Neurosci 10:397): carries the awakening pulse and the acute stressor's
  sympathetic component. Without it, a 2-fold ACTH rise cannot give the 2.6-fold cortisol rise seen
  35 min after a Trier stressor.
* ``glucocorticoid_suppression`` — nuclear GR lowers monocyte activation, normalised to 1 at the healthy
  morning GR level at which the Windoloski subjects were challenged (Barber AE et al. 1993 J Immunol
  150:1999: cortisol pre-treatment blunts the LPS TNF response; Franchimont D 2004 Ann N Y Acad Sci
  1024:124). Size graded C; re-calibrated in later work.
* Observables: serum cortisol (nmol/L), salivary cortisol from free cortisol by the Coolens et al. 1987
  CBG-binding equation (J Steroid Biochem 26:197, doi:10.1016/0022-4731(87)90071-9), ACTH in pg/mL.
"""

from __future__ import annotations

import sympy as sp

from .._table import table
from ..core import Coupling, Observable

UG_DL_TO_NMOL_L = 27.59  # cortisol molar mass 362.46 g/mol

ULRICH_LAI = "Ulrich-Lai YM, Herman JP. Neural regulation of endocrine and autonomic stress responses. Nat Rev Neurosci 2009;10:397-409"
CLOCK_CITATION = "Clow A, Hucklebridge F, Stalder T, Evans P, Thorn L. The cortisol awakening response: more than a measure of HPA axis function. Neurosci Biobehav Rev 2010;35:97-103"
KARIN = "Karin O et al. Mol Syst Biol 2020;16:e9510"
SOMVANSHI = "Somvanshi PR et al. Am J Physiol Endocrinol Metab 2020;319:E48-E66"
BARBER = "Barber AE et al. Glucocorticoid therapy alters hormonal and cytokine responses to endotoxin in man. J Immunol 1993;150:1999-2006"
COOLENS = "Coolens JL, Van Baelen H, Heyns W. Clinical use of unbound plasma cortisol as calculated from total cortisol and corticosteroid-binding globulin. J Steroid Biochem 1987;26:197-202"
FIT = "fitted here to Carroll 2007 24-h cortisol, the CAR and the Nelson TSST data (pnisim.calibrate.core_clock)"


def _von_mises_bump(t, centre, width, period=24.0):
    """A smooth daily pulse peaking at ``centre`` (h), about ``width`` h wide (1 SD), height 1."""
    kappa = (period / (2 * sp.pi * width)) ** 2
    return sp.exp(kappa * (sp.cos(2 * sp.pi * (t - centre) / period) - 1))


clock = Coupling(
    name="clock",
    description="circadian drive mapped to clock time (wake time), basal hypothalamic drive, awakening response",
    citation=CLOCK_CITATION,
    grade="B",
    parameters=table(FIT, "B", [
        ("wake_time", 7.0, "h", "habitual wake time (clock hour)",
         {"bounds": (3.0, 13.0), "source": "scenario (default 07:00)", "cv": 0.0}),
        ("drive_lag", 9.0, "h", "hours from the circadian drive maximum to waking", {"bounds": (4.0, 14.0)}),
        ("depth", 1.0, "1", "circadian modulation depth of the CRH and adrenal-clock drives (Somvanshi: 1)",
         {"bounds": (0.0, 1.0)}),
        ("basal", 0.0, "1", "constant hypothalamic drive added to the circadian drive", {"bounds": (0.0, 50.0)}),
    ]),
    binds={
        "hpa.cir": lambda s: 2 * (1 + s.depth * sp.cos(2 * sp.pi * (s.t - (s.wake_time - s.drive_lag)) / 24)),
        "hpa.crh_extra": lambda s: s.basal,
    },
)

adrenal_drive = Coupling(
    name="adrenal_drive",
    description="autonomic (splanchnic) drive to the adrenal cortex: the awakening pulse and acute stressors "
                "raise cortisol output per ACTH",
    citation=ULRICH_LAI,
    grade="B",
    parameters=table(FIT, "B", [
        ("car_amp", 0.0, "1", "awakening adrenal drive (fold increase of StAR production at the pulse peak)",
         {"bounds": (0.0, 50.0), "cv": 0.3}),
        ("car_delay", 0.25, "h", "time from waking to the peak of the awakening drive", {"bounds": (0.0, 1.5)}),
        ("car_width", 0.3, "h", "width (SD) of the awakening drive", {"bounds": (0.05, 1.0)}),
        ("stress_gain", 0.0, "1", "fold increase of StAR production per unit acute-stressor intensity",
         {"bounds": (0.0, 200.0), "grade": "C", "cv": 0.4}),
    ]),
    binds={
        "hpa.adrenal_boost": lambda s: (
            s.car_amp * _von_mises_bump(s.t, s.clock__wake_time + s.car_delay, s.car_width)
            + s.stress_gain * s.acute_stress
        ),
    },
)

gland_masses = Coupling(
    name="gland_masses",
    description="corticotroph and adrenal masses scale ACTH and cortisol secretion; CRH and ACTH are trophic",
    citation=KARIN,
    grade="B",
    parameters=table("healthy daily mean of the calibrated core (pnisim.calibrate.core_clock)", "B", [
        ("CRH_ref", 20.0, "a.u.", "healthy daily mean CRH (growth signal = CRH / CRH_ref)", {"bounds": (0.1, 1000.0)}),
        ("ACTH_ref", 5.0, "a.u.", "healthy daily mean ACTH (growth signal = ACTH / ACTH_ref)", {"bounds": (0.01, 1000.0)}),
    ]),
    binds={
        "hpa.pituitary_gain": lambda s: s.P,
        "hpa.adrenal_gain": lambda s: s.A,
        "glands.crh_signal": lambda s: s.CRH / s.CRH_ref,
        "glands.acth_signal": lambda s: s.ACTH / s.ACTH_ref,
    },
)

DORIN = ("Dorin RI, Qiao Z, Qualls CR, Urban FK. Estimation of maximal cortisol secretion rate in healthy humans. "
         "J Clin Endocrinol Metab 2012;97:1285-1293 (PMID 22337905)")

secretory_capacity = Coupling(
    name="secretory_capacity",
    description="the glands' finite secretory capacity: adrenal cortisol secretion approaches a maximal rate "
                "proportional to adrenal mass (ACTH drives secretion along a saturating dose-response, Keenan 2004), "
                "pituitary ACTH secretion a maximum proportional to corticotroph mass, and the cytokine drive of CRH "
                "a ceiling, so that no drive, however strong, takes cortisol or ACTH beyond what a human adrenal and "
                "pituitary can make",
    citation=DORIN + "; Keenan DM, Roelfsema F, Veldhuis JD. Am J Physiol Endocrinol Metab 2004;287:E652-E661",
    grade="B",
    parameters=table(DORIN, "B", [
        ("csr_max", 1584.0, "nmol/L/h", "maximal cortisol secretion rate of a normal adrenal (0.44 ± 0.13 nmol/L/s "
         "under 250 µg cosyntropin, 21 healthy adults); sustained serum cortisol cannot exceed adrenal mass x "
         "csr_max / k_cort (about 1,600 nmol/L at normal mass)", {"bounds": (500.0, 5000.0)}),
        ("acth_max", 2000.0, "pg/mL", "plasma ACTH a corticotroph mass of normal size sustains without feedback "
         "(untreated primary adrenal insufficiency: above 500, at most about 2,000 pg/mL)",
         {"bounds": (200.0, 10000.0), "grade": "C",
          "source": "Bornstein SR et al. J Clin Endocrinol Metab 2016;101:364-389 (adrenal insufficiency guideline)"}),
        ("K_crh_tnf", 40.0, "pg/mL", "TNF-α above which its drive of CRH stops rising (the drive's ceiling is the "
         "linear drive at this TNF-α), taken equal to TNF's half-effect on ACTH and StAR (Somvanshi 2020 Km_tnf3)",
         {"bounds": (5.0, 1000.0), "grade": "C", "source": SOMVANSHI}),
    ]),
    binds={
        # cortisol secretion is V_cort x StARp and StARp follows production / k_starp, so a production ceiling of
        # A x csr_max x k_starp / V_cort caps the secretion rate at A x csr_max
        "hpa.starp_saturation": lambda s: s.hpa__V_cort * UG_DL_TO_NMOL_L / (s.A * s.csr_max * s.hpa__k_starp),
        "hpa.acth_saturation": lambda s: s.readouts__acth_scale / (s.P * s.acth_max * s.hpa__k_acth),
        "hpa.crh_tnf_saturation": lambda s: 1 / (s.hpa__V_crh * s.K_crh_tnf),
    },
)

cytokines_to_hpa = Coupling(
    name="cytokines_to_hpa",
    description="TNF-α drives CRH, ACTH and adrenal StAR and impairs GR translocation; IL-6 damps the adrenal effect",
    citation=SOMVANSHI,
    grade="C",
    binds={
        "hpa.TNF": lambda s: s.TNF,
        "hpa.IL6": lambda s: s.IL6,
        "gr.TNF": lambda s: s.TNF,
    },
)

hpa_gr_links = Coupling(
    name="hpa_gr_links",
    description="nuclear GR feeds back on CRH/ACTH and gates the adrenal clock; tissue cortisol binds GR; one GR sensitivity",
    citation=SOMVANSHI,
    grade="B",
    binds={
        "hpa.GR": lambda s: s.GR,
        "gr.CORTp": lambda s: s.CORTp,
        "hpa.r": lambda s: s.gr__r,
        "hpa.Ki": lambda s: s.gr__Ki,
    },
)

acute_stress_response = Coupling(
    name="acute_stress",
    description="an acute psychosocial stressor (Trier-type) boosts pituitary ACTH secretion while it lasts",
    citation="Dickerson SS, Kemeny ME. Acute stressors and cortisol responses: a theoretical integration and synthesis of laboratory research. Psychol Bull 2004;130:355-391",
    grade="B",
    parameters=table(FIT, "C", [
        ("gain", 3.0, "1", "fold increase of ACTH secretion per unit stressor intensity", {"bounds": (0.0, 500.0), "cv": 0.4}),
    ]),
    binds={"hpa.acth_boost": lambda s: s.gain * s.acute_stress},
)

glucocorticoid_suppression = Coupling(
    name="gc_suppression",
    description="nuclear GR suppresses monocyte activation by endotoxin (1 at the healthy morning GR level)",
    citation=BARBER,
    grade="C",
    parameters=table("pnisim design; normalisation from the calibrated core at 08:00", "C", [
        ("GR_ref", 31.0, "a.u.", "healthy nuclear GR at 08:00 (suppression = 1)", {"bounds": (1.0, 500.0), "grade": "B"}),
        ("K_gc", 31.0, "a.u.", "nuclear GR giving half-maximal suppression", {"bounds": (1.0, 1000.0)}),
    ]),
    binds={"innate.activation_gain": lambda s: (s.K_gc + s.GR_ref) / (s.K_gc + s.GR)},
)


def _free_cortisol_nmol(total_nmol, cbg_umol):
    """Coolens 1987: U = sqrt(Q^2 + 0.0122 T) - Q, Q = 0.0167 + 0.182 (CBG - T); T, U, CBG in µmol/L."""
    T = total_nmol / 1000
    Q = 0.0167 + 0.182 * (cbg_umol - T)
    return 1000 * (sp.sqrt(Q**2 + 0.0122 * T) - Q)


readout_parameters = table("see description", "B", [
    ("cbg", 0.7, "umol/L", "corticosteroid-binding globulin (Coolens 1987 reference ~0.7)",
     {"bounds": (0.2, 2.0), "cv": 0.2, "source": COOLENS}),
    ("saliva_ratio", 1.0, "1", "salivary / plasma free cortisol", {"bounds": (0.3, 2.0), "grade": "C",
     "source": "Perogamvros I et al. 2010 Clin Endocrinol 72:17 (salivary ~ free cortisol)"}),
    ("acth_scale", 4.0, "pg/mL per a.u.", "ACTH model units -> pg/mL", {"bounds": (0.1, 100.0), "source": FIT}),
])

readouts = Coupling(
    name="readouts",
    description="measurement models: serum and salivary cortisol, ACTH in pg/mL",
    citation=COOLENS,
    grade="B",
    parameters=readout_parameters,
    binds={},
)


def observables() -> tuple[Observable, ...]:
    return (
        Observable("cortisol_serum", "nmol/L", lambda s: s.CORT * UG_DL_TO_NMOL_L, "serum total cortisol"),
        Observable(
            "cortisol_saliva", "nmol/L",
            lambda s: s.readouts__saliva_ratio * _free_cortisol_nmol(s.CORT * UG_DL_TO_NMOL_L, s.readouts__cbg),
            "salivary cortisol (free cortisol by Coolens 1987)",
        ),
        Observable("acth", "pg/mL", lambda s: s.ACTH * s.readouts__acth_scale, "plasma ACTH"),
        Observable("tnf", "pg/mL", lambda s: s.TNF, "plasma TNF-α"),
        Observable("il6", "pg/mL", lambda s: s.IL6, "plasma IL-6"),
        Observable("il8", "pg/mL", lambda s: s.IL8, "plasma IL-8"),
        Observable("il10", "pg/mL", lambda s: s.IL10, "plasma IL-10"),
        Observable("gr_nuclear", "a.u.", lambda s: s.GR, "nuclear glucocorticoid receptor"),
        Observable("pituitary_mass", "1", lambda s: s.P, "corticotroph mass relative to healthy"),
        Observable("adrenal_mass", "1", lambda s: s.A, "adrenal cortex mass relative to healthy"),
    )
