"""Brain <- immune: cytokines -> IDO -> kynurenine/tryptophan -> serotonin; dopamine; sickness behaviour.

Based on Dantzer R, O'Connor JC, Freund GG, Johnson RW, Kelley KW. From inflammation to sickness and
depression: when the immune system subjugates the brain. Nat Rev Neurosci 2008;9:46-56, doi:10.1038/nrn2297
(cytokines induce indoleamine 2,3-dioxygenase, IDO, which shifts tryptophan, TRP, from serotonin synthesis to
kynurenine, KYN; sickness behaviour is the adaptive, transient response; depression when it persists), and on
the cortisol -> hepatic tryptophan 2,3-dioxygenase (TDO) arm of Dalvi-Garcia F, Fonseca LL, Vasconcelos ATR,
Hedin-Pereira C, Voit EO. A model of dopamine and serotonin-kynurenine metabolism in cortisolemia:
implications for depression. PLoS Comput Biol 2021;17:e1008956, doi:10.1371/journal.pcbi.1008956 (MODELS.md
§4.1). No validated ODE model of cytokine-induced sickness or mood exists (MODELS.md §4.1 gap), so pnisim
keeps Dantzer's causal chain and Dalvi-Garcia's cortisol -> TDO direction but replaces their power-law
network by five first-order states, all relative to rest except the KYN/TRP ratio (grade C):

* ``IDO`` (1 at rest): follows a saturating function of the cytokine signal ``c`` (a weighted mean of the
  TNF-α and IL-6 folds over rest, 1 at rest; hours, IDO is transcriptionally induced).
* ``KTR``, plasma KYN/TRP in µmol/mmol, 30 at rest (healthy plasma 25-35; 29.4 ± 6.8 at baseline in Padberg
  2012): its target is ``KTR_0 (phi IDO + (1 - phi) TDO)``, where at rest most TRP goes down the kynurenine
  pathway through hepatic TDO (share ``1 - phi``) and TDO follows cortisol, linearised around the resting
  daily mean (Dalvi-Garcia's cortisol -> TDO arm; the kinetic order ``g_cort`` is a pnisim choice).
* ``SER`` (relative serotonin availability): follows TRP availability, ``(KTR_0 / KTR)^a_trp`` — half of a
  KYN/TRP rise is taken to be a fall of TRP (Capuron L et al. Biol Psychiatry 2003;54:906,
  doi:10.1016/S0006-3223(03)00173-2: IFN-α raised KYN and KYN/TRP and lowered TRP; falling TRP correlated with
  depressive symptoms). Caveat: CSF TRP did not fall under IFN-α (Raison CL et al. Mol Psychiatry
  2010;15:393, doi:10.1038/mp.2009.116), so central serotonin loss is the speculative link (grade C/D).
* ``DA`` (relative dopamine): lowered by inflammation (cytokines deplete tetrahydrobiopterin and reduce
  striatal dopamine release: Felger JC, Miller AH. Front Neuroendocrinol 2012;33:315-327,
  doi:10.1016/j.yfrne.2012.09.003); size a placeholder.
* ``SICK`` (0-1 sickness behaviour: fatigue, anhedonia, social withdrawal): a logistic target driven by the
  log cytokine signal and by the KYN/TRP excess, with a time constant of hours. After low-dose endotoxin,
  humans report anxiety, depressed mood and memory loss that track the cytokines (Reichenberg A et al. Arch
  Gen Psychiatry 2001;58:445-452, doi:10.1001/archpsyc.58.5.445, 0.8 ng/kg) and depressed mood and social
  disconnection (Eisenberger NI et al. Biol Psychiatry 2010;68:748-754, doi:10.1016/j.biopsych.2010.06.010).
  Here, after the Windoloski 2024 2 ng/kg cytokine transient, sickness peaks within hours and its tail
  follows the kynurenine excess back to rest over 1-2 days.
* ``TNFh`` (pg/mL): the TNF-α signal as the hypothalamus receives it, plasma TNF-α through a first-order lag of
  ``tau_h`` = 1 h. Circulating cytokines reach CRH neurons mainly through COX-2 induction in brain endothelium
  and PGE2 (Rivest S. Psychoneuroendocrinology 2001;26:761, doi:10.1016/S0306-4530(01)00064-6: endothelial
  COX-2 and PVN activation rise over 1-3 h after LPS). In the whole model it replaces plasma TNF in Somvanshi
  2020's TNF -> CRH/ACTH/StAR terms (whole_links.cytokines_to_hpa_central), so ACTH peaks after IL-10 and
  before cortisol after LPS (Somvanshi's reference order); grade C, the lag chosen from Rivest, not fitted.

Reference number for size and timing: 4 ng/kg LPS in 6 healthy men raised plasma KYN/TRP from 29.4 ± 6.8 to a
peak of 44.0 ± 15.2 µmol/mmol at 8 h (x1.50; Padberg JS et al. Exp Transl Stroke Med 2012;4:24,
doi:10.1186/2040-7378-4-24). The IDO share ``phi`` and the time constants are set so that the 2 ng/kg transient
gives a peak of ~x1.3 at ~8 h (half the dose: a smaller rise). Chronic IL-6 x3 raises KYN/TRP by ~3 % and
lowers serotonin availability by ~2 % (small: mild chronic inflammation is far from an IFN-α course).

Observable ``mood_drive`` (logit units, 0 at rest) =
``w_mood_sick (logit SICK - logit SICK_0) - w_5ht ln SER - w_da ln DA``: persisting sickness behaviour turns into
depression (Dantzer 2008), plus the serotonin and dopamine arms. The lead adds it to the depressive-symptom
drive of the psyche module in place of psyche's direct IL-6 term. The weights are sized so that chronic IL-6
x3 gives about the same drive (~0.45 logit) as psyche's present ``w_inf`` term (0.3 per doubling of IL-6,
0.48 logit), so the swap keeps psyche's calibration (grade D). After the 2 ng/kg transient it peaks at ~2.4
logit for a few hours, which moves the slow (two-week) depressive state only a little.

Cortisol: the TDO arm is linear in the cortisol ratio with a small gain (``g_cort`` 0.2), so the circadian
cortisol swing moves KYN/TRP by up to ±15 % and a doubling of cortisol raises it by ~18 % (grade D).

Ports: ``TNF`` (pg/mL), ``IL6`` (pg/mL), ``cortisol`` (serum total, nmol/L; default the parameter
``cort_ref``, the resting daily mean, which the lead should set to the core's 24 h mean). Time unit: hours.
"""

from __future__ import annotations

import sympy as sp

from .._table import table
from ..compose import Model, compose
from ..core import Module, Observable, Port, Rate, State

CITATION = (
    "Dantzer R, O'Connor JC, Freund GG, Johnson RW, Kelley KW. From inflammation to sickness and depression: "
    "when the immune system subjugates the brain. Nat Rev Neurosci 2008;9:46-56"
)
DOI = "10.1038/nrn2297"
DESIGN = "pnisim design; not yet calibrated"
MOOD = "pnisim design: IL-6 x3 -> ~0.5 logit, as psyche's w_inf; not yet calibrated"

TNF_REST, IL6_REST = 8.79, 0.6097  # pg/mL, Windoloski 2024 resting set points (wTNF, w6)
KTR_REST = 30.0                     # µmol/mmol
CORT_REF = 200.0                    # nmol/L, resting daily mean serum cortisol (placeholder for the core's)
SICK_REST = 0.05


def _sat(c, K, n):
    """Saturating response to the cytokine fold c (1 at rest)."""
    return c**n / (K**n + c**n)


brain_immune = Module(
    name="brain_immune",
    title="Cytokine -> IDO -> kynurenine/tryptophan -> serotonin, dopamine, sickness behaviour (pnisim design)",
    citation=CITATION,
    doi=DOI,
    changes="designed here after Dantzer 2008 (cytokine -> IDO -> KYN/TRP -> serotonin; sickness behaviour) and "
            "the cortisol -> TDO arm of Dalvi-Garcia 2021: five first-order states relative to rest; KYN/TRP sized "
            "to human endotoxemia (Padberg 2012)",
    time_unit="h",
    grade="C",
    states=(
        State("IDO", "1", 1.0, "indoleamine 2,3-dioxygenase activity relative to rest"),
        State("KTR", "umol/mmol", KTR_REST, "plasma kynurenine/tryptophan ratio"),
        State("SER", "1", 1.0, "serotonin availability relative to rest"),
        State("DA", "1", 1.0, "dopamine availability relative to rest"),
        State("SICK", "1", SICK_REST, "sickness behaviour: fatigue, anhedonia, social withdrawal (0-1)"),
        State("TNFh", "pg/mL", TNF_REST, "TNF-α signal as the hypothalamus receives it (brain-endothelial COX-2 / "
                                         "PGE2 relay), in plasma-TNF units"),
        State("TNFa", "pg/mL", TNF_REST, "the level of TNF-α the HPA axis has adapted to (a running mean over days)"),
    ),
    parameters=table(DESIGN, "C", [
        ("tnf_rest", TNF_REST, "pg/mL", "resting TNF-α",
         {"grade": "B", "source": "Windoloski 2024 mean bolus fit (wTNF)"}),
        ("il6_rest", IL6_REST, "pg/mL", "resting IL-6",
         {"grade": "B", "source": "Windoloski 2024 mean bolus fit (w6)"}),
        ("w_tnf", 0.5, "1", "weight of the TNF-α fold in the cytokine signal (IL-6 weight 1 - w_tnf)",
         {"bounds": (0.0, 1.0)}),
        ("i_max", 30.0, "1", "maximal IDO induction (scale of the saturating term)", {"bounds": (1.0, 100.0)}),
        ("K_c", 100.0, "1", "cytokine fold at half-maximal IDO induction", {"bounds": (3.0, 1000.0)}),
        ("n_c", 0.5, "1", "Hill exponent of IDO induction (shallow: responds to x3 and to x1000)",
         {"bounds": (0.2, 2.0)}),
        ("tau_ido", 3.0, "h", "IDO induction/decay time", {"bounds": (1.0, 24.0)}),
        ("ktr_rest", KTR_REST, "umol/mmol", "resting plasma KYN/TRP",
         {"bounds": (25.0, 35.0), "grade": "B", "source": "healthy plasma 25-35; Padberg 2012 baseline 29.4 ± 6.8"}),
        ("phi", 0.12, "1", "share of resting TRP -> KYN flux through IDO (rest mostly hepatic TDO)",
         {"bounds": (0.02, 0.5),
          "source": "fitted here: 2 ng/kg LPS -> KYN/TRP ~x1.3 (Padberg 2012: x1.50 at 4 ng/kg)"}),
        ("tau_ktr", 3.0, "h", "KYN/TRP equilibration time (peak ~8 h after LPS, Padberg 2012)",
         {"bounds": (1.0, 24.0), "source": "fitted here to the 8 h peak of Padberg 2012"}),
        ("cort_ref", CORT_REF, "nmol/L", "resting daily-mean serum cortisol (set to the core's 24 h mean)",
         {"bounds": (100.0, 400.0)}),
        ("g_cort", 0.2, "1", "TDO activity per fractional rise of cortisol (Dalvi-Garcia 2021 direction)",
         {"bounds": (0.0, 1.0), "grade": "D"}),
        ("a_trp", 0.5, "1", "share of a KYN/TRP rise that is a fall of TRP (log scale)", {"bounds": (0.0, 1.0)}),
        ("tau_5ht", 6.0, "h", "serotonin availability time constant", {"bounds": (1.0, 48.0), "grade": "D"}),
        ("d_max", 0.3, "1", "maximal cytokine-driven fall of dopamine (Felger & Miller 2012)",
         {"bounds": (0.0, 0.8), "grade": "D"}),
        ("tau_da", 12.0, "h", "dopamine availability time constant", {"bounds": (1.0, 72.0), "grade": "D"}),
        ("sick_rest", SICK_REST, "1", "resting sickness-behaviour level",
         {"bounds": (0.01, 0.2), "grade": "D"}),
        ("w_sick_c", 0.5, "1", "sickness drive per e-fold of the cytokine signal (logit)", {"bounds": (0.0, 2.0)}),
        ("w_sick_k", 3.0, "1", "sickness drive per unit relative KYN/TRP excess (logit)", {"bounds": (0.0, 10.0)}),
        ("tau_sick", 1.5, "h", "sickness-behaviour time constant (peaks within hours)", {"bounds": (0.5, 12.0)}),
        ("tau_h", 1.0, "h", "lag of the hypothalamic cytokine signal: circulating TNF-α induces COX-2 in brain "
         "endothelium and PGE2 then excites CRH neurons, over 1-3 h (Rivest 2001)", {"bounds": (0.1, 4.0),
         "source": "Rivest S. Psychoneuroendocrinology 2001;26:761, doi:10.1016/S0306-4530(01)00064-6"}),
        ("tau_adapt", 72.0, "h", "time over which the HPA axis adapts to a sustained TNF-α level (days: HPA responses "
         "to cytokines blunt with repeated endotoxin within days, de Vos 2009)", {"bounds": (12.0, 720.0), "grade": "D",
         "source": "pnisim choice; direction: de Vos AF et al. J Immunol 2009;183:533-542"}),
        ("f_adapt", 0.9, "1", "fraction (log scale) of a sustained TNF-α rise the HPA axis adapts away: chronic "
         "inflammation leaves cortisol about normal, inadequately low for the inflammation (untreated early RA: "
         "Straub 2002), while an acute rise drives ACTH and cortisol in full", {"bounds": (0.0, 1.0), "grade": "C",
         "source": "Straub RH et al. Arthritis Rheum 2002;46:654-662 (doi:10.1002/art.10177); size pnisim's"}),
        ("w_mood_sick", 0.5, "1", "mood drive per unit logit rise of sickness behaviour",
         {"bounds": (0.0, 2.0), "grade": "D", "source": MOOD}),
        ("w_5ht", 8.0, "1", "mood drive per unit -ln serotonin (logit)",
         {"bounds": (0.0, 30.0), "grade": "D", "source": MOOD}),
        ("w_da", 8.0, "1", "mood drive per unit -ln dopamine (logit)",
         {"bounds": (0.0, 30.0), "grade": "D", "source": MOOD}),
    ]),
    ports=(
        Port("TNF", "pg/mL", TNF_REST, "plasma TNF-α"),
        Port("IL6", "pg/mL", IL6_REST, "plasma IL-6"),
        Port("cortisol", "nmol/L", lambda s: s.cort_ref, "serum total cortisol (hepatic TDO induction)"),
    ),
    observables=(
        Observable("kyn_trp_ratio", "umol/mmol", lambda s: s.KTR, "plasma kynurenine/tryptophan ratio"),
        Observable("serotonin", "1", lambda s: s.SER, "serotonin availability relative to rest"),
        Observable("dopamine", "1", lambda s: s.DA, "dopamine availability relative to rest"),
        Observable("tnf_hypothalamic", "pg/mL", lambda s: hpa_tnf_signal(s),
                   "TNF-α signal driving CRH, ACTH and adrenal StAR in the whole model: the relayed signal relative to "
                   "the level the axis has adapted to"),
        Observable("fatigue", "1", lambda s: s.SICK, "sickness behaviour (fatigue, anhedonia, withdrawal), 0-1"),
        Observable("mood_drive", "logit", lambda s: _mood_drive(s),
                   "inflammation-driven depressive drive for the psyche module (0 at rest)"),
    ),
    equations=lambda s: _rates(s),
)


def adapted(signal, rest, level, f):
    """``signal`` relative to the ``level`` a receiver has adapted to: signal x (rest / level)^f. Equal to the signal
    at rest and for hours after an acute rise; a rise sustained for days keeps the fraction 1 - f of its log-fold."""
    return signal * (rest / level) ** f


def hpa_tnf_signal(s):
    """The TNF-α signal the HPA axis responds to (pg/mL): the relayed signal ``TNFh`` adapted (:func:`adapted`) to
    the running mean ``TNFa`` by ``f_adapt``."""
    return adapted(s.TNFh, s.tnf_rest, s.TNFa, s.f_adapt)


def _logit(p):
    return sp.log(p / (1 - p))


def _mood_drive(s):
    """Depressive drive (logit units, 0 at rest): persisting sickness, less serotonin, less dopamine."""
    return (s.w_mood_sick * (_logit(s.SICK) - _logit(s.sick_rest))
            - s.w_5ht * sp.log(s.SER) - s.w_da * sp.log(s.DA))


def _rates(s):
    c = s.w_tnf * s.TNF / s.tnf_rest + (1 - s.w_tnf) * s.IL6 / s.il6_rest  # cytokine fold, 1 at rest
    h, h0 = _sat(c, s.K_c, s.n_c), _sat(1, s.K_c, s.n_c)
    ido_target = (1 + s.i_max * h) / (1 + s.i_max * h0)
    tdo = 1 + s.g_cort * (s.cortisol / s.cort_ref - 1)
    ktr_target = s.ktr_rest * (s.phi * s.IDO + (1 - s.phi) * tdo)
    ser_target = (s.ktr_rest / s.KTR) ** s.a_trp
    da_target = 1 - s.d_max * (h - h0) / (1 - h0)
    sick_logit = _logit(s.sick_rest) + s.w_sick_c * sp.log(c) + s.w_sick_k * (s.KTR / s.ktr_rest - 1)
    sick_target = 1 / (1 + sp.exp(-sick_logit))
    yield Rate("IDO", (ido_target - s.IDO) / s.tau_ido, "pnisim B1", "cytokine induction of IDO (Dantzer 2008)")
    yield Rate("KTR", (ktr_target - s.KTR) / s.tau_ktr, "pnisim B2", "IDO + cortisol-driven TDO (Dalvi-Garcia 2021)")
    yield Rate("SER", (ser_target - s.SER) / s.tau_5ht, "pnisim B3", "tryptophan availability for serotonin")
    yield Rate("DA", (da_target - s.DA) / s.tau_da, "pnisim B4", "cytokine-driven dopamine loss (Felger & Miller 2012)")
    yield Rate("SICK", (sick_target - s.SICK) / s.tau_sick, "pnisim B5", "sickness behaviour (Dantzer 2008)")
    yield Rate("TNFh", (s.TNF - s.TNFh) / s.tau_h, "pnisim B6", "cytokine signal relayed to the hypothalamus (Rivest 2001)")
    yield Rate("TNFa", (s.TNF - s.TNFa) / s.tau_adapt, "pnisim B7", "the level the HPA axis has adapted to (Straub 2002)")


def model() -> Model:
    return compose("brain_immune", "Brain <- immune module alone (pnisim design)", [brain_immune], (), time_unit="h")
