"""The models pnisim ships: the published ones (for reference tests) and the composed core.

``get_model("core")`` is the default model of every run: Somvanshi 2020 HPA + GR, Karin 2020 gland masses and
the Windoloski 2024 human innate block, joined by the couplings in :mod:`.modules.core_links`, with the
parameters re-fitted to human clock-time data loaded from ``pnisim/data/calibration/core.toml`` (provenance
inside the file).
"""

from __future__ import annotations

import math
from dataclasses import replace
import tomllib
from functools import lru_cache
from importlib import resources

from typing import TYPE_CHECKING

from ..errors import SpecError
from .compose import Model, ParameterOverride, compose, did_you_mean
from .modules import (
    autoimmune,
    autonomic,
    brain_immune,
    baker2013,
    core_links,
    crp,
    gupta2007,
    gut,
    karin2020,
    nk_lymph,
    pharmacology,
    phillips_robinson2007,
    psyche,
    reynolds2006,
    sleep,
    somvanshi2020,
    treatments,
    whole_links,
    windoloski2024,
)

if TYPE_CHECKING:  # a runtime import would be circular: phenotypes read this module's whole_calibration
    from .calibration import Calibration

__all__ = ["get_model", "MODEL_NAMES", "core_calibration", "FAST_STATES", "FAST_SENSITIVE", "for_long_runs"]

CALIBRATION_FILE = "core.toml"

#: Published physiological constants that replace a module's fitted value inside the core (value, source, grade).
#: Somvanshi's fitted ACTH clearance (0.43/h, half-life 1.6 h) is far slower than ACTH's measured ~20-min
#: half-life; with it, an acute stressor's cortisol peak comes ~100 min after onset instead of 20-45 min.
PHYSIOLOGICAL = {
    "hpa.k_acth": (math.log(2) / (20 / 60), "ACTH half-life 20 min (Karin et al. 2020, Mol Syst Biol 16:e9510)", "B"),
}


def core_calibration() -> dict:
    """The shipped calibration of the composed core: {'provenance': {...}, 'parameters': {name: value}}."""
    path = resources.files("pnisim") / "data" / "calibration" / CALIBRATION_FILE
    if not path.is_file():
        return {"provenance": {"status": "uncalibrated"}, "parameters": {}}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def whole_calibration() -> dict:
    """The shipped effect-size calibration of the whole model (``pnisim calibrate``): {'provenance', 'parameters',
    'phenotypes', 'fits'}; empty sections when it has not been run."""
    path = resources.files("pnisim") / "data" / "calibration" / "whole.toml"
    if not path.is_file():
        return {"provenance": {"status": "uncalibrated"}, "parameters": {}, "phenotypes": {}, "fits": []}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {"parameters": {}, "phenotypes": {}, "fits": [], **data}


def core(calibrated: bool = True, extra_overrides: dict[str, float] | None = None) -> Model:
    """The composed core model in hours (clock time: t = 0 is midnight at the start of day 0)."""
    overrides: dict[str, ParameterOverride] = {
        name: ParameterOverride(value, source, grade) for name, (value, source, grade) in PHYSIOLOGICAL.items()
    }
    if calibrated:
        cal = core_calibration()
        src = cal.get("provenance", {}).get("source", "pnisim.calibrate.core_clock")
        for name, value in cal.get("parameters", {}).items():
            overrides[name] = ParameterOverride(float(value), f"fitted here ({src})", "B")
    for name, value in (extra_overrides or {}).items():
        overrides[name] = ParameterOverride(float(value), "override", "C")
    return compose(
        "core",
        "pnisim core: circadian HPA–GR (Somvanshi 2020) + gland masses (Karin 2020) + human innate block (Windoloski 2024)",
        [somvanshi2020.hpa, somvanshi2020.gr, karin2020.glands, windoloski2024.innate],
        [
            core_links.clock,
            core_links.adrenal_drive,
            core_links.gland_masses,
            core_links.secretory_capacity,
            core_links.hpa_gr_links,
            core_links.cytokines_to_hpa,
            core_links.acute_stress_response,
            core_links.glucocorticoid_suppression,
            core_links.readouts,
        ],
        time_unit="h",
        overrides=overrides,
        observables=core_links.observables(),
        notes="t = 0 is midnight at the start of day 0; clock hour = t mod 24.",
    )


def whole(calibrated: bool = True) -> Model:
    """The whole-system model as far as it is coupled: core + psyche + autonomic nervous system + liver (CRP) +
    infection (Reynolds 2006).

    Shares the core's calibration; the autonomic module reads the same ``stress`` and ``acute_stress`` inputs
    as the HPA axis. CRP's IL-6 half-saturation is re-set so that baseline CRP is 1 mg/L at the core's resting
    IL-6 (0.61 pg/mL, Windoloski 2024) instead of at 1 pg/mL.
    """
    base = core(calibrated=calibrated)
    il6_rest = base.parameters[base.parameter_index("innate.w6")].parameter.value
    ceiling = crp.CRP_CEILING
    # carry every core value (published, physiological or fitted) with its provenance
    overrides = {
        p.name: ParameterOverride(p.parameter.value, p.parameter.source, p.parameter.grade, p.parameter.bounds)
        for p in base.parameters
    }
    # the brain <- immune module's mood drive replaces psyche's direct IL-6 term (same size: IL-6 x3 -> 0.43 logit)
    overrides["psyche.w_inf"] = ParameterOverride(0.0, "replaced by brain_immune.mood_drive in the whole model", "C")
    for name in ("brain_immune.cort_ref", "nk.cort_ref"):
        overrides[name] = ParameterOverride(
            CORTISOL_DAILY_MEAN, "24-h mean serum cortisol of the calibrated core (tests/reference/test_whole.py)", "B")
    overrides["autoimmune.drive_ref"] = ParameterOverride(
        AUTOIMMUNE_DRIVE_REST, "24-h mean pro-inflammatory drive of a healthy resting person in this model "
        "(tests/reference/test_whole.py): the onset hazard is the registry rate at the healthy drive", "B")
    overrides["autoimmune.alpha2"] = ParameterOverride(
        1.0, "Baker 2013 BIOMD0000000550 default (monostable, healthy); autoimmune phenotype presets raise it", "C")
    for gland in ("glands.K_A", "glands.K_P"):
        overrides[gland] = ParameterOverride(
            2.0, "carrying capacity: the adrenal's maximal cortisol output in ACTH-dependent Cushing's disease is 1.8x "
                 "that of controls (Roelfsema F, Keenan DM, Veldhuis JD, J Clin Endocrinol Metab 2011, PMC3410358) and "
                 "adrenal volume in major depression 1.4-1.7x (Rubin RT et al. Arch Gen Psychiatry 1995;52:213); "
                 "without it a chronic drive grows the glands (and cortisol) without limit (karin2020.py)", "C",
            (1.5, 1e7))
    if calibrated:
        cal = whole_calibration()
        fits = {f["parameter"]: f for f in cal["fits"]}
        for name, value in cal["parameters"].items():
            f = fits.get(name, {})
            overrides[name] = ParameterOverride(
                float(value), f"pnisim calibrate {cal['provenance'].get('date', '')}: fitted to "
                              f"{', '.join(f.get('fitted_targets', []))} (95 % credible "
                              f"{f.get('credible_95', ['?', '?'])[0]:.3g}-{f.get('credible_95', ['?', '?'])[1]:.3g})"
                if f else "pnisim calibrate (data/calibration/whole.toml)", "B")
    overrides["crp.K6"] = ParameterOverride(
        il6_rest * (ceiling - 1.0), "set here: baseline CRP 1 mg/L at resting IL-6 0.61 pg/mL (Windoloski 2024 w6)", "C"
    )
    return compose(
        "whole",
        "pnisim whole system: core + psyche, autonomic, sleep, gut, brain-immune, liver CRP, NK and lymph, T cells and "
        "autoimmunity, infection, drugs and treatments",
        [*base.modules, autonomic.autonomic, crp.crp, psyche.psyche, sleep.sleep, reynolds2006.infection,
         treatments.treatments, *pharmacology.MODULES, autoimmune.tcell, _healthy_autoimmune(), gut.gut,
         brain_immune.brain_immune, nk_lymph.nk, nk_lymph.lymph],
        [*(c for c in base.couplings if c.name != "cytokines_to_hpa"), whole_links.cytokines_to_hpa_central,
         whole_links.vagal_reflex, whole_links.il6_to_liver, whole_links.appraisal_drives_physiology,
         whole_links.low_grade_inflammation, whole_links.sleep_links, whole_links.infection_links,
         whole_links.drug_actions, whole_links.treatment_actions, whole_links.autoimmunity_links,
         whole_links.gut_brain_links, whole_links.monocyte_tolerance],
        time_unit="h",
        overrides=overrides,
        observables=core_links.observables(),
        notes=base.notes,
    )


def _healthy_autoimmune():
    """The disease-activity switch at the healthy Baker 2013 steady state (alpha2 = 1: no second, inflamed state)."""
    m = autoimmune.autoimmune
    par = {p.name: p.value for p in m.parameters}
    a0, p0 = autoimmune.baker_steady_state(par["alpha1"], 1.0, par["alpha3"], par["alpha4"], par["gamma"])
    return replace(m, states=(replace(m.states[0], initial=a0), replace(m.states[1], initial=p0), *m.states[2:]))


#: 24-h mean serum cortisol (nmol/L) of the calibrated core, waking at 07:00; the resting reference of the
#: whole model's cortisol-reading modules (checked against a simulation in tests/reference/test_whole.py)
CORTISOL_DAILY_MEAN = 149.5
AUTOIMMUNE_DRIVE_REST = 1.045  # above 1: the glucocorticoid brake is convex in the diurnal GR signal

_FACTORIES = {
    "core": core,
    "whole": whole,
    "somvanshi2020": somvanshi2020.model,
    "karin2020": karin2020.model,
    "windoloski2024": windoloski2024.model,
    "gupta2007": gupta2007.model,
    "autonomic": autonomic.model,
    "reynolds2006": reynolds2006.model,
    "phillips_robinson2007": phillips_robinson2007.model,
    "baker2013": baker2013.model,
    "crp": crp.model,
    "psyche": psyche.model,
    "sleep": sleep.model,
    "treatments": treatments.model,
    "autoimmune_ra": lambda: autoimmune.model("ra"),
    "gut": gut.model,
    "brain_immune": brain_immune.model,
    "nk_lymph": nk_lymph.model,
    "autoimmune_ms": lambda: autoimmune.model("ms"),
    "pharmacology": pharmacology.model,
}
MODEL_NAMES = tuple(_FACTORIES)


@lru_cache(maxsize=None)
def _shipped(name: str) -> Model:
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise SpecError(
            f"The 'model' must be one of {', '.join(MODEL_NAMES)}. Got {name!r} instead.{did_you_mean(name, MODEL_NAMES)}"
        ) from None
    return factory()


#: States a long run may hold in quasi-steady state (:mod:`.reduce`), per model: the sympathetic and vagal tones
#: (autonomic.tau_s/tau_v = 6 min, grade C), peripheral cortisol (hpa.tc = 8.4 min, Somvanshi 2020) and adrenal
#: StARp (1 / hpa.k_starp = 12 min in the calibrated core). Together they set the whole model's explicit stability
#: limit (eigenvalues -10 to -5 per hour); the next-fastest state (activated macrophages) relaxes in 22 min.
FAST_STATES: dict[str, tuple[str, ...]] = {"whole": ("SNS", "VAG", "CORTp", "StARp")}

#: Observables the reduction changes beyond a few per cent, per model: without StARp's 12-min lag the calibrated
#: HPA loop settles into another daily cortisol shape under strong chronic stress (at stress_load 1.2 the full model
#: has a second cortisol surge near midnight and a late-morning peak; the reduced one peaks 30 min after waking),
#: while CRP, IL-6, TNF-α and PHQ-9 stay within 2 % (tests/unit/model/test_reduce.py). Trials that read any of
#: these integrate the full model (``fast_states = "auto"``).
FAST_SENSITIVE: dict[str, tuple[str, ...]] = {
    "whole": ("cortisol_serum", "cortisol_saliva", "acth", "gr_nuclear", "mood_drive", "fatigue", "ai_drive",
              "flare",  # the disease switch reads nuclear GR, and its smooth flare indicator is steep
              "autoimmune_hazard", "autoimmune_risk",  # the onset hazard is in proportion to ai_drive
              "flare_hazard", "flare_risk",  # so is the flare hazard
              "episode_hazard", "depression_risk",  # the episode hazard reads mood_drive, whose TDO arm reads cortisol
              "nk_activity"),  # NK cytotoxicity follows cortisol (nk_lymph)
}


def for_long_runs(model: Model) -> Model:
    """``model`` with its :data:`FAST_STATES` in quasi-steady state (unchanged when it has none): what trials run
    over weeks to months use by default (``fast_states = "quasi-steady"``)."""
    from .reduce import quasi_steady_state

    names = FAST_STATES.get(model.name, ())
    if not names:
        return model
    key = (model.spec_hash(), names)  # per parameter set: calibration and posterior draws reuse theirs
    if key not in _REDUCED:
        if len(_REDUCED) >= 64:
            _REDUCED.pop(next(iter(_REDUCED)))
        _REDUCED[key] = quasi_steady_state(model, names)
    return _REDUCED[key]


_REDUCED: dict[tuple, Model] = {}


def get_model(name: str = "core", calibration: Calibration | None = None) -> Model:
    """A shipped model by name (see ``MODEL_NAMES``), with the parameter values of ``calibration`` (default: the
    shipped calibration). Models are immutable; equal inputs return the same cached object."""
    base = _shipped(name)
    if calibration is None or not calibration.parameters:
        return base
    return _with_cached(name, tuple(sorted(calibration.parameters.items())))


@lru_cache(maxsize=64)
def _with_cached(name: str, items: tuple) -> Model:
    return with_values(_shipped(name), dict(items))


def with_values(model: Model, values: dict[str, float], *, source: str = "calibration run") -> Model:
    """A copy of ``model`` with parameter values replaced (same structure, so the same compiled kernel). Names not
    in the model are ignored, so one set of values can serve several models; each value must lie within the
    parameter's bounds."""
    import dataclasses

    if not values:
        return model
    entries = []
    for e in model.parameters:
        if e.name in values:
            v = float(values[e.name])
            lo, hi = e.parameter.bounds or (-math.inf, math.inf)
            if not (math.isfinite(v) and lo <= v <= hi):
                raise SpecError(f"The value of parameter {e.name!r} must be finite and within its bounds [{lo:g}, "
                                f"{hi:g}]. Got {v!r} instead.")
            e = dataclasses.replace(e, parameter=dataclasses.replace(e.parameter, value=v, source=source))
        entries.append(e)
    return dataclasses.replace(model, parameters=tuple(entries), _index={})
