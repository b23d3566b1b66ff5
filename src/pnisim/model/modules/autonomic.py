"""Autonomic nervous system: sympathetic activation, vagal tone with HRV readout, vagal anti-inflammatory reflex.

No published, parameterised ODE model of the cholinergic anti-inflammatory pathway with code exists
(MODELS.md §4.3), so this module is pnisim's own minimal design, graded C, with its pieces anchored as follows:

* Sympathetic activity ``S`` and vagal tone ``V`` are relative to a resting healthy adult (1 = rest). Both
  follow their drives as first-order processes: sympathetic responses to a laboratory stressor rise and fall
  within minutes, vagal withdrawal within minutes, while slow vagal tone changes (training, chronic stress)
  follow the slow ``vagal_set`` input (Thayer JF, Sternberg E. Beyond heart rate variability: vagal regulation
  of allostatic systems. Ann N Y Acad Sci 2006;1088:361-372, doi:10.1196/annals.1366.014).
* Stress raises sympathetic drive and withdraws vagal tone (reciprocal autonomic control; Thayer & Sternberg
  2006); circulating TNF-α also lowers vagal tone (reduced HRV in inflammation; Haensel A et al. 2008
  Psychoneuroendocrinology 33:1305, doi:10.1016/j.psyneuen.2008.08.007 — an association, size graded C).
* HRV readout: RMSSD proportional to vagal tone, 42 ms at rest (short-term RMSSD norm in healthy adults:
  Nunan D, Sandercock GRH, Brodie DA. A quantitative systematic review of normal values for short-term heart
  rate variability in healthy adults. Pacing Clin Electrophysiol 2010;33:1407-1417,
  doi:10.1111/j.1540-8159.2010.02841.x: mean 42 ms, range 19-75 ms).
* The inflammatory reflex (Tracey KJ. The inflammatory reflex. Nature 2002;420:853-859,
  doi:10.1038/nature01321; Rosas-Ballina M, Tracey KJ 2009 J Intern Med 265:663): efferent vagal activity
  releases acetylcholine onto α7nAChR on macrophages and lowers their TNF release. Observable
  ``tnf_release_gain`` = (1 + k_vag) / (1 + k_vag·V), 1 at rest, for the composed model to bind to the innate
  block's ``tnf_gain`` port. Its size (``k_vag``) is to be calibrated to vagus-nerve-stimulation trials
  (Koopman 2016 PNAS: LPS-stimulated TNF fell under VNS) — default small, grade C/D.
* Adrenaline released by an acute stressor raises plasma IL-6 but not TNF-α, through β-adrenergic IL-6 release
  from adipocytes rather than blood cells: a 1-h adrenaline infusion (plasma adrenaline x24) doubled to tripled
  plasma IL-6 within 45 min, still raised 1 h after it stopped (Søndergaard SR et al. Eur J Appl Physiol
  2000;83:95-98); a 2.5-h infusion to exercise levels raised IL-6 six-fold with its peak 1 h after the infusion
  ended (Steensberg A et al. Am J Physiol Cell Physiol 2001;281:C1001-C1004); isoprenaline raised IL-6 nine-fold
  over 3 h, left TNF-α unchanged, and made adipocytes, not blood cells, release IL-6 (Mohamed-Ali V et al. Int J
  Obes Relat Metab Disord 2000, PMID 10997642); propranolol blocks the rise (DeRijk RH et al.
  Psychoneuroendocrinology 1994;19:155-163, rats). State ``BIL6`` is that release as a fractional rise of the
  resting IL-6 set point, following the acute stressor with a lag of about an hour (de novo synthesis; the
  infusion studies' late peaks). Direction grade B, lag grade C; its size per unit of a laboratory stressor is
  fitted to the IL-6 rise after Trier-type stressors (Marsland 2017; ``pnisim calibrate``), because no study
  gives both the adrenaline rise of such a stressor and the IL-6 it causes. Chronic stress does not drive it
  here: resting adrenaline changes little with chronic stress, and the fitted chronic gain carries the resting
  cytokines.

Time unit: hours. Inputs: ``stress`` (the chronic level, shared with the HPA module), ``acute_stress`` (the
Trier-type stressor input, shared), ``vagal_set`` (a slow set-point shift for interventions such as exercise,
breathing or VNS, 0 = none). Port: ``TNF`` (pg/mL; default the healthy baseline).
"""

from __future__ import annotations

import sympy as sp

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = (
    "Thayer JF, Sternberg E. Beyond heart rate variability: vagal regulation of allostatic systems. "
    "Ann N Y Acad Sci 2006;1088:361-372; Tracey KJ. The inflammatory reflex. Nature 2002;420:853-859"
)
DOI = "10.1196/annals.1366.014"
DESIGN = "pnisim design (no published parameterised model; MODELS.md §4.3)"

autonomic = Module(
    name="autonomic",
    title="Sympathetic activation, vagal tone (HRV) and the vagal anti-inflammatory reflex (pnisim design)",
    citation=CITATION,
    doi=DOI,
    changes="designed here: first-order sympathetic and vagal states with reciprocal stress control; "
            "RMSSD readout (Nunan 2010 norms); inflammatory reflex gain on macrophage TNF release",
    time_unit="h",
    grade="C",
    states=(
        State("SNS", "1", 1.0, "sympathetic activity relative to rest"),
        State("VAG", "1", 1.0, "cardiac vagal tone relative to rest"),
        State("SNSi", "1", 1.0, "sympathetic (noradrenergic) signal reaching immune cells: β-adrenergic NF-κB "
                                "activation in monocytes, lagging sympathetic activity"),
        State("BIL6", "1", 0.0, "adrenaline-driven IL-6 release from adipose tissue after an acute stressor: "
                                "fractional rise of the resting IL-6 set point"),
    ),
    parameters=table(DESIGN, "C", [
        ("tau_s", 0.1, "h", "sympathetic response time (minutes)", {"bounds": (0.01, 1.0)}),
        ("tau_v", 0.1, "h", "vagal withdrawal/recovery time (minutes)", {"bounds": (0.01, 1.0)}),
        ("g_acute", 1.0, "1", "sympathetic rise per unit acute-stressor intensity", {"bounds": (0.0, 10.0), "cv": 0.3}),
        ("g_chronic", 0.3, "1", "sympathetic rise per unit chronic stress level", {"bounds": (0.0, 5.0)}),
        ("tau_imm", 0.75, "h", "lag of the immune-cell sympathetic signal (NF-κB activation within 10 min and "
         "cytokine transcription over the next hour; Bierhaus 2003)", {"bounds": (0.05, 5.0)}),
        ("w_sv", 0.5, "1", "vagal withdrawal per unit sympathetic rise (reciprocal control)", {"bounds": (0.0, 1.0)}),
        ("w_tnf", 0.1, "1", "vagal withdrawal per doubling of TNF-α over baseline", {"bounds": (0.0, 1.0)}),
        ("tnf_ref", 8.79, "pg/mL", "healthy TNF-α baseline (Windoloski 2024 fit)", {"grade": "B",
         "source": "Windoloski 2024 mean bolus fit (wTNF)"}),
        ("rmssd_rest", 42.0, "ms", "resting RMSSD of healthy adults", {"bounds": (19.0, 75.0), "cv": 0.35,
         "grade": "A", "source": "Nunan et al. 2010 systematic review of short-term HRV norms"}),
        ("adr_il6", 0.3, "1", "steady-state fractional rise of resting IL-6 per unit acute-stressor intensity "
         "(adrenaline -> adipocyte β-receptors; placeholder, fitted to Marsland 2017 IL-6 by pnisim calibrate)",
         {"bounds": (0.0, 5.0), "grade": "C",
          "source": "direction: Søndergaard 2000, Steensberg 2001, Mohamed-Ali 2000 (adrenaline/isoprenaline "
                    "infusions raise IL-6, not TNF); size fitted (pnisim calibrate)"}),
        ("tau_bil6", 1.0, "h", "lag of adrenaline-driven IL-6 release (de novo synthesis in adipocytes; IL-6 peaked "
         "1 h after an adrenaline infusion ended, Steensberg 2001)", {"bounds": (0.25, 3.0), "grade": "C",
         "source": "Steensberg et al. 2001 Am J Physiol Cell Physiol 281:C1001"}),
        ("k_vag", 0.2, "1", "inflammatory-reflex strength: TNF release x (1+k)/(1+k*VAG)", {"bounds": (0.0, 5.0),
         "grade": "D", "source": "pnisim placeholder, to be calibrated to VNS trials (Koopman 2016)"}),
    ]),
    inputs=(
        Input("stress", "1", 0.0, "chronic psychological stress level (shared with the HPA module)"),
        Input("acute_stress", "1", 0.0, "acute stressor intensity (shared with the HPA module)"),
        Input("vagal_set", "1", 0.0, "slow shift of the vagal set point (exercise, breathing, VNS), 0 = none",
              bounds=(-1.0, 2.0)),
    ),
    ports=(
        Port("TNF", "pg/mL", 8.79, "plasma TNF-α"),
        Port("vagal_boost", "1", 0.0, "rise of the vagal set point from the body (exercise training, vagus nerve "
             "stimulation); adds to vagal_set"),
        Port("stress_level", "1", lambda s: s.stress, "chronic stress acting on sympathetic drive (default: the "
             "stress input; a psyche layer binds its perceived stress here)"),
    ),
    observables=(
        Observable("rmssd", "ms", lambda s: s.rmssd_rest * s.VAG, "HRV: root mean square of successive RR differences"),
        Observable("sympathetic", "1", lambda s: s.SNS, "sympathetic activity relative to rest"),
        Observable("adipose_il6_release", "1", lambda s: s.BIL6,
                   "adrenaline-driven IL-6 release: fractional rise of the resting IL-6 set point"),
        Observable("tnf_release_gain", "1", lambda s: (1 + s.k_vag) / (1 + s.k_vag * s.VAG),
                   "inflammatory reflex: relative macrophage TNF release"),
    ),
    equations=lambda s: _rates(s),
)


def _rates(s):
    sns_drive = 1 + s.g_acute * s.acute_stress + s.g_chronic * s.stress_level
    # vagal target: the set point, withdrawn by the central stress command that raises sympathetic activity
    # (reciprocal control) and by inflammation (log-ratio of TNF); the withdrawals multiply (exp of the linear
    # terms, equal to them to first order) so that vagal tone stays positive however strong the drive: RMSSD
    # falls towards, never below, zero. The command, not the SNS state, keeps the target free of fast states.
    tnf_term = s.w_tnf * _log2_ratio(s.TNF, s.tnf_ref)
    vag_target = (1 + s.vagal_set + s.vagal_boost) * sp.exp(-s.w_sv * (sns_drive - 1) - tnf_term)
    yield Rate("SNS", (sns_drive - s.SNS) / s.tau_s, "pnisim A1", "first-order approach to the stress drive")
    yield Rate("VAG", (vag_target - s.VAG) / s.tau_v, "pnisim A2", "reciprocal control; inflammation lowers HRV")
    yield Rate("SNSi", (s.SNS - s.SNSi) / s.tau_imm, "pnisim A3", "lagged sympathetic signal at immune cells")
    yield Rate("BIL6", (s.adr_il6 * s.acute_stress - s.BIL6) / s.tau_bil6, "pnisim A4",
               "adrenaline from an acute stressor -> adipocyte IL-6 release, lagged (de novo synthesis)")


def _log2_ratio(x, ref):
    return sp.log(x / ref) / sp.log(2)


def model() -> Model:
    return compose("autonomic", "Autonomic module alone (pnisim design)", [autonomic], (), time_unit="h")
