"""Phenotype presets: the parameter values that make a virtual person healthy, depressed, chronically stressed, ...

A preset is data: {qualified model parameter: value}, applied to the model's values before the person's own
overrides. :data:`UNCALIBRATED_PHENOTYPES` are the presets as written here (sources beside each);
:data:`PHENOTYPES` replaces the values ``pnisim calibrate`` fitted (``data/calibration/whole.toml``,
``[phenotypes]``). Both are read-only; a calibration run that tries other values passes them explicitly
(:class:`pnisim.model.calibration.Calibration`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .modules import autoimmune, psyche

__all__ = ["PHENOTYPES", "UNCALIBRATED_PHENOTYPES", "WHOLE_ONLY_PHENOTYPES", "frozen_presets"]

_WRITTEN: dict[str, dict[str, float]] = {
    "healthy": {},
    # Somvanshi PR et al. 2020 (Am J Physiol Endocrinol Metab 319:E48): raising GR sensitivity r reproduces
    # the PTSD-like profile (lower cortisol, stronger feedback, larger cytokine response).
    "high_gr_sensitivity": {"gr.r": 0.5},
    # Weaker GR-mediated inhibition of the HPA axis (Ki halved): a glucocorticoid-resistance-like variant.
    "low_gr_inhibition": {"gr.Ki": 0.5},
    # The presets below need model "whole" (they set psyche parameters); sizes are grade C placeholders until
    # calibration to the case-control targets (Osimo 2020: CRP g = 0.71, IL-6 g = 0.61 in depression).
    # Major depression: an episode that starts the run at PHQ-9 ~12 (moderate; with rumination feedback) and
    # resolves with the person's own time constant (psyche.tau_episode), and lower resilience. Once recovered, a
    # new episode comes at the recurrence rate (psyche.RECURRENCE_SOURCE).
    "mdd": {"psyche.dep_episode": 1.35, "psyche.resilience": -0.3, "psyche.episode_rate": psyche.RECURRENCE_RATE},
    # Major depression with inflammation: resting IL-6 x2.5 and TNF x1.5 (CRP ~2.5 mg/L, above the 'high' 3 mg/L
    # threshold for some individuals once between-person variability is added).
    "mdd_inflamed": {"psyche.dep_episode": 1.35, "psyche.resilience": -0.3, "innate.w6": 0.6097 * 2.5,
                     "innate.wTNF": 8.79 * 1.5, "psyche.episode_rate": psyche.RECURRENCE_RATE},
    # Early adversity (ACE >= 4): persistent lower GR expression (NR3C1 methylation: McGowan PO et al. 2009 Nat
    # Neurosci 12:342), lower resilience, and higher resting inflammation (Baumeister D et al. 2016 Mol Psychiatry
    # 21:642: childhood trauma and CRP/IL-6/TNF).
    "early_adversity": {"gr.V_GRmrna": 3.4 * 0.8, "psyche.resilience": -0.3, "innate.w6": 0.6097 * 1.3},
    # Obesity / sedentary life: adipose tissue adds to resting IL-6 (Mohamed-Ali V et al. 1997 J Clin Endocrinol
    # Metab 82:4196) — resting IL-6 x2, TNF x1.2.
    "obesity": {"innate.w6": 0.6097 * 2.0, "innate.wTNF": 8.79 * 1.2},
    # Chronic stress (family caregiver): an ongoing stressor load of 0.5 carried by the person (Pinquart M,
    # Sörensen S 2003 Psychol Aging 18:250; Kiecolt-Glaser JK et al. 2003 PNAS 100:9090: caregivers' IL-6 rises).
    "chronic_stress": {"psyche.stress_load": 0.5},
    # PTSD: higher GR sensitivity (Yehuda 2009; Somvanshi 2020 r = 0.5: low nadir, strong feedback) and a chronic
    # trauma-symptom load (PCL-5 ~40) whose hyperarousal keeps perceived stress and sympathetic tone up.
    "ptsd": {"gr.r": 0.5, "psyche.tra_chronic": 0.5, "psyche.resilience": -0.2},
    # Insomnia disorder: trait hyperarousal of 2 mV in the sleep switch (about 6 h of sleep; Riemann 2010).
    "insomnia": {"sleep.insomnia": 2.0},
    # Loneliness: perceived support 0.35 lower (Hawkley & Cacioppo 2010).
    "loneliness": {"psyche.support_offset": -0.35},
    # Autoimmune diseases: the disease switch's presets (pnisim.model.modules.autoimmune.DISEASES; grade C/D).
    **{name: {k: o.value for k, o in autoimmune.DISEASES[key].items()}
       for name, key in (("ra", "ra"), ("sle", "sle"), ("ms", "ms"), ("ibd", "ibd"))},
}


def frozen_presets(presets: Mapping[str, Mapping[str, float]]) -> Mapping[str, Mapping[str, float]]:
    """A read-only copy of ``presets``."""
    return MappingProxyType({name: MappingProxyType(dict(values)) for name, values in presets.items()})


def _calibrated() -> dict[str, dict[str, float]]:
    """The written presets with the values fitted by ``pnisim calibrate`` ([phenotypes] of whole.toml)."""
    from .library import whole_calibration

    out = {name: dict(values) for name, values in _WRITTEN.items()}
    for key, value in whole_calibration()["phenotypes"].items():
        preset, name = key.split(":", 1)
        out[preset][name] = float(value)
    return out


#: The presets as written above, before the calibration replaces fitted values (``pnisim calibrate --from-scratch``).
UNCALIBRATED_PHENOTYPES = frozen_presets(_WRITTEN)
#: The presets in force: written values with the shipped calibration's fitted values.
PHENOTYPES = frozen_presets(_calibrated())
#: Presets that need model "whole" (they set parameters only it has).
WHOLE_ONLY_PHENOTYPES = ("mdd", "mdd_inflamed", "early_adversity", "obesity", "chronic_stress", "ptsd", "insomnia",
                         "loneliness", "ra", "sle", "ms", "ibd")
