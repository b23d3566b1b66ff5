"""The shipped effect-size calibration of the whole model (``pnisim calibrate``): which mechanism is fitted to
which published finding, which findings are held out to test it, and the file it writes.

Problems run in order and each sees the values fitted before it (the sympathetic gain changes the chronic-stress
inflammation the CBT problem starts from, and so on). Every problem is one parameter on a grid
(:func:`pnisim.calibrate.effects.grid_fit`); the posterior mean, 95 % credible interval and chi² profile are
written with the value, so a parameter the data cannot pin down shows a flat profile and a wide interval.

Not calibrated here (reported by ``pnisim validate`` as failing, with the reason): structural gaps (VNS in an
established flare, autoimmune onset), and the cortisol half-life, whose fix (Somvanshi's k_cort) needs a refit
of the core clock (core_clock.py). Tried: with k_cort free inside the hydrocortisone elimination half-life
(1.2-2.0 h, Czock 2005) and a half-life penalty, the core fit reaches 73-75 min, but the adrenal StAR rate
k_starp then trades the Nelson TSST cortisol peak time (needs a fast adrenal, k_starp ~10) against the LPS peak
order (ACTH before IL-10 when k_starp is that fast); not shipped.
"""

from __future__ import annotations

import datetime as _dt
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .. import __version__
from ..disclaimer import DISCLAIMER
from ..model.calibration import Calibration
from .effects import EffectProblem, grid_fit
from ..errors import SpecError
from .problem import FitParameter

__all__ = ["PLAN", "Step", "calibrate_whole", "compare_with", "complete_with", "fit_warnings", "uncalibrated_values",
           "WHOLE_CALIBRATION_PATH", "write_calibration"]

WHOLE_CALIBRATION_PATH = Path(__file__).resolve().parents[1] / "data" / "calibration" / "whole.toml"
ROLES_PATH = Path(__file__).resolve().parents[1] / "data" / "calibration" / "roles.toml"


@dataclass(frozen=True)
class Step:
    parameter: FitParameter
    fitted: tuple[str, ...]       # targets whose residuals are minimised
    held_out: tuple[str, ...]     # targets that test the fitted mechanism and are never used to fit
    why: str


PLAN: tuple[Step, ...] = (
    Step(FitParameter("psyche.tau_episode", 1000.0, 20000.0, "log", unit="h"),
         ("mdd_remission_3mo", "mdd_remission_6mo", "mdd_remission_12mo"), ("waitlist_change_depression",),
         "the median time constant of a depressive episode's resolution sets how many untreated prevalent episodes "
         "remit within a year (Whiteford 2013). First, because every later depression trial starts from it"),
    Step(FitParameter("psyche.episode_spread", 0.2, 2.0, "lin", unit="1"),
         ("mdd_remission_3mo", "mdd_remission_6mo", "mdd_remission_12mo"), ("waitlist_change_depression",),
         "the between-person spread of episode time constants sets the shape of untreated remission over the year "
         "(Whiteford 2013: 23, 32 and 53 % at 3, 6 and 12 months); fitted with the median (two sweeps)"),
    Step(FitParameter("treatments.placebo_mood", 0.05, 2.0, "log", unit="1"), ("placebo_change_depression",), (),
         "expectancy under a pill placebo adds to the natural course and regression to the mean; its antidepressant "
         "action sets the self-rated placebo change of antidepressant trials (Rief 2009)"),
    Step(FitParameter("low_grade_inflammation.gain", 0.5, 4.0, "log", unit="1"), ("psychosocial_immune",),
         ("psychosocial_harmful", "mindfulness_inflammation"),
         "how far sustained sympathetic activity raises resting cytokines sets how much relieving stress lowers "
         "them (Shields 2020); the CBT rumination cut alone ran to its bound without meeting the pooled g. The "
         "range stops at 4 (a plausibility cap, grade D): at 10, where the pooled g alone would put it, the chronic-"
         "stress phenotype rests at 3x healthy IL-6 and 2.9 mg/L CRP, far above what chronically stressed adults "
         "show. The acute gain, fitted later to TSST TNF, compensates for this gain's share of the acute response"),
    Step(FitParameter("innate.k6M", 0.4, 1.6, "log", unit="pg/mL/h per cell/uL"), ("lps_bolus_timecourse",),
         ("lps_hpa_order",), "IL-6 release per activated monocyte sets the IL-6 peak after LPS (Windoloski 2024 "
         "n = 20 means), refitted because the whole model's hypothalamic relay delays cortisol and IL-10 is refitted"),
    Step(FitParameter("innate.k10", 0.3, 1.2, "log", unit="1/h"), ("lps_bolus_timecourse",),
         ("lps_hpa_order",), "IL-10 clearance sets the height and time of the IL-10 peak after LPS (Windoloski 2024 "
         "n = 20 means); a slower clearance raises IL-10 late, after the TNF peak, so it damps IL-6 less than more "
         "release per monocyte would (fitting the release rate instead ran it down to keep the IL-6 peak)"),
    Step(FitParameter("innate.kTNFM", 0.5, 2.0, "log", unit="pg/mL/h per cell/uL"), ("lps_bolus_timecourse",),
         ("lps_hpa_order",), "TNF release per activated monocyte sets the TNF peak after LPS (Windoloski 2024 n = 20 "
         "means), after the chronic gain and IL-10 have moved it"),
    Step(FitParameter("autonomic.g_acute", 0.03, 2.0, "log", unit="1"), ("tsst_tnf",),
         ("tsst_crp", "tsst_il6_timing"),
         "the sympathetic rise per acute stressor sets the cytokine rise after a laboratory stressor (Marsland "
         "2017), given the chronic gain fitted first (which carries most of the acute rise too)"),
    Step(FitParameter("autonomic.adr_il6", 0.0, 3.0, "lin", unit="1"), ("tsst_il6",),
         ("tsst_il6_timing", "tsst_crp"),
         "adrenaline raises plasma IL-6 but not TNF-α (adipocyte β-receptors: Søndergaard 2000, Steensberg 2001, "
         "Mohamed-Ali 2000), so the IL-6 rise after a laboratory stressor (Marsland 2017: d 0.35, above TNF's 0.28) "
         "is more than the shared sympathetic gain gives; its size per stressor is fitted here, after the TNF "
         "gain. Marsland's IL-6 was held out until 2026-11-22, when the model failed it (d 0.16) and this "
         "mechanism was added; the timing of the IL-6 rise and the flat CRP stay held out"),
    Step(FitParameter("low_grade_inflammation.sleep_gain", 0.0, 0.2, "lin", unit="1 per h/night"), ("sleep_crp",),
         ("sleep_il6",), "the inflammatory cost of a sleep deficit sets CRP in sleep disturbance (Irwin 2016)"),
    Step(FitParameter("phenotype:mdd_inflamed:innate.w6", 0.8, 4.0, "log", unit="pg/mL"), ("mdd_crp",),
         ("mdd_il6",), "resting IL-6 of inflamed depression sets the depression-control CRP gap (Osimo 2020)"),
    Step(FitParameter("phenotype:mdd_inflamed:innate.wTNF", 9.0, 20.0, "log", unit="pg/mL"), ("mdd_tnf",), (),
         "resting TNF of inflamed depression sets the TNF gap (Osimo 2020). The range stops at 20 pg/mL, about "
         "2.3x healthy (a plausibility cap, grade D): with TNF-alpha's between-person spread (Navarro 2012's ICC) "
         "the pooled g alone would put a quarter of depressed people at 4-5x healthy TNF-alpha, whose kynurenine "
         "drive then holds their symptoms far above the depression trials' baselines"),
    Step(FitParameter("psyche.cbt_rum", 0.2, 0.95, "lin", unit="1"), ("psychosocial_immune",),
         ("mindfulness_inflammation", "psychosocial_harmful"),
         "the cut of rumination by cognitive therapy sets the immune effect of psychosocial interventions (Shields "
         "2020); mindfulness shares the mechanism, and the % change of harmful markers tests the same fit (fitting "
         "both at once put the parameter at its bound without meeting either)"),
    Step(FitParameter("psyche.cbt_appraisal", 0.0, 0.3, "lin", unit="1"), ("psychosocial_immune",),
         ("mindfulness_inflammation", "psychosocial_harmful"),
         "cognitive restructuring lowers the threat appraised from a given load (Beck 1976); the rumination cut "
         "runs to its bound (0.95) below the pooled g (Shields 2020), and this second channel of cognitive therapy "
         "supplies the rest. Fitted after the rumination cut, so the pair sits where the rumination cut is at its "
         "bound; the two are not separately identifiable from one pooled g (reported by the at-bound warning)"),
    Step(FitParameter("treatments.massage_mood", 0.1, 1.5, "log", unit="1"), ("massage_depression",),
         ("massage_cortisol_single",), "antidepressant action of a massage course (Hou 2010)"),
    Step(FitParameter("treatments.cox_inflammation", 0.02, 0.5, "log", unit="1"), ("antiinflammatory_depression",),
         (), "fall of resting cytokines under COX-2 inhibition sets the antidepressant effect (Köhler 2014)"),
    Step(FitParameter("phenotype:obesity:gut.dys_set", 0.0, 1.0, "lin", unit="1"), ("probiotic_crp",),
         ("probiotic_il6", "probiotic_tnf"),
         "trait dysbiosis of obesity gives probiotics a leak to close (Milajerdi 2020; Cani 2007 metabolic "
         "endotoxaemia)"),
    Step(FitParameter("phenotype:ra:autoimmune.alpha1", 0.02, 0.6, "log", unit="1"), ("ra_baseline_das28",),
         ("ra_placebo_acr20",), "the median basal pro-inflammatory production of established RA sets the disease "
         "activity of the people RA trials enrol (RAPID 2 baseline DAS28)"),
    Step(FitParameter("phenotype:ra:autoimmune.severity_spread", 0.2, 2.0, "lin", unit="1"),
         ("ra_baseline_das28_sd",), ("ra_placebo_acr20",),
         "the between-patient spread of RA severity sets the spread of DAS28 at trial entry (RAPID 2)"),
    Step(FitParameter("autoimmune.tnf_share", 0.4, 0.8, "lin", unit="1"), ("ra_antitnf_das28_change",),
         ("ra_antitnf_acr20", "ra_antitnf_acr50", "ra_antitnf_acr70", "ra_antitnf_eular_none"),
         "the median share of disease production that depends on TNF-alpha sets the mean DAS28 change on an anti-TNF "
         "antibody (RAPID 1 and 2, Combe 2016); ACR responses (ARMADA) and EULAR non-response (BSRBR) test it"),
    Step(FitParameter("autoimmune.tnf_spread", 0.0, 2.0, "lin", unit="1"), ("ra_antitnf_das28_change_sd",),
         ("ra_antitnf_acr20", "ra_antitnf_acr50", "ra_antitnf_acr70", "ra_antitnf_eular_none"),
         "the between-patient spread of that share sets the spread of the DAS28 change on anti-TNF (partial and "
         "non-responders; Combe 2016)"),
)


def uncalibrated_values(steps: tuple[Step, ...] = PLAN) -> dict[str, float]:
    """Each plan parameter's value before any calibration: the module default (with the model's own overrides) or,
    for ``phenotype:<preset>:<parameter>``, the preset's placeholder (the model default when the preset does not
    set it)."""
    from ..model.library import whole
    from ..model.phenotypes import UNCALIBRATED_PHENOTYPES

    model = whole(calibrated=False)
    out = {}
    for s in steps:
        name = s.parameter.name
        if name.startswith("phenotype:"):
            _, preset, pname = name.split(":", 2)
            out[name] = float(UNCALIBRATED_PHENOTYPES[preset].get(
                pname, model.parameters[model.parameter_index(pname)].parameter.value))
        else:
            out[name] = float(model.parameters[model.parameter_index(name)].parameter.value)
    return out


def calibrate_whole(*, n_grid: int = 7, scale: float = 1.0, seed: int = 0, steps: tuple[Step, ...] = PLAN,
                    from_scratch: bool = False, sweeps: int = 1,
                    progress: Callable[[float, str], None] | None = None) -> dict:
    """Run the plan ``sweeps`` times; returns {'parameters': {name: best}, 'fits': [...], 'provenance': {...},
    'warnings': [...]}.

    Each step sees the values fitted before it; plan parameters not fitted yet keep the shipped calibration, or,
    with ``from_scratch``, their uncalibrated defaults (:func:`uncalibrated_values`). Because early steps then see
    uncalibrated later parameters, a from-scratch run needs a second sweep (each step refitted with every other
    parameter at its first-sweep value) to land where the shipped, iterated calibration did."""
    if sweeps < 1:
        raise SpecError(f"The number of calibration sweeps must be at least 1. Got {sweeps!r} instead.")
    report = progress or (lambda f, m: None)
    fitted: dict[str, float] = uncalibrated_values(steps) if from_scratch else {}
    start = dict(fitted)
    fits: dict[str, dict] = {}
    total = len(steps) * sweeps
    for sweep in range(sweeps):
        for k, step in enumerate(steps):
            done = sweep * len(steps) + k
            others = Calibration.of({n: v for n, v in fitted.items() if n != step.parameter.name})
            problem = EffectProblem(step.parameter.name, [step.parameter], list(step.fitted), seed=seed,
                                    scale=scale, calibration=others)
            fit = grid_fit(problem, n_grid, progress=lambda f, m, d=done: report((d + f) / total, m))
            fitted[step.parameter.name] = fit.best
            fits[step.parameter.name] = {
                **fit.as_dict(), "fitted_targets": list(step.fitted), "held_out_targets": list(step.held_out),
                "why": step.why, "profile_flat": bool(_flat(fit.chi2)),
                "at_bound": bool(_at_bound(fit.best, step.parameter))}
    report(1.0, "done")
    fit_list = list(fits.values())
    return {"parameters": {n: fitted[n] for n in fits}, "fits": fit_list, "warnings": fit_warnings(fit_list),
            "provenance": {
                "source": "pnisim.calibrate.whole_effects", "method": f"sequential one-parameter grid fits ({n_grid} "
                "points, parabolic refinement; posterior on the grid with a flat prior on the parameter's scale) "
                f"through the validation protocols' simulated studies (common random numbers), {sweeps} sweep(s) "
                "of the plan", "start": "uncalibrated defaults" if from_scratch else "shipped calibration",
                "seed": seed, "scale": scale, "date": _dt.date.today().isoformat(), "package_version": __version__,
                "targets": sorted({t for s in steps for t in s.fitted})},
            "start_values": start}


def complete_with(result: dict, shipped: dict) -> dict:
    """A partial result (some steps refitted) completed with the ``shipped`` calibration's values and fits for the
    other plan steps, in plan order, so that what is written is always a whole calibration."""
    values = {k: float(v) for k, v in shipped.get("parameters", {}).items()}
    values.update({f"phenotype:{k}": float(v) for k, v in shipped.get("phenotypes", {}).items()})
    values.update(result["parameters"])
    fits = {f["parameter"]: f for f in shipped.get("fits", [])}
    fits.update({f["parameter"]: f for f in result["fits"]})
    order = [s.parameter.name for s in PLAN]
    refitted = [f["parameter"] for f in result["fits"]]
    prov = dict(result["provenance"])
    prov["method"] += (f"; refitted here: {', '.join(refitted)}; every other step as in the calibration of "
                       f"{shipped.get('provenance', {}).get('date', 'unknown date')}")
    prov["targets"] = sorted({t for f in fits.values() for t in f.get("fitted_targets", [])})
    fit_list = [fits[n] for n in order if n in fits]
    return {**result, "parameters": {n: values[n] for n in order if n in values}, "fits": fit_list,
            "warnings": fit_warnings(fit_list), "provenance": prov}


def fit_warnings(fits: list[dict]) -> list[dict]:
    """Fits the data do not pin down, reported rather than accepted silently: a flat chi2 profile (not
    identifiable: the credible interval is the prior range) or a best value on a bound of the range (the targets
    ask for more than the mechanism's range allows, so the value is a choice, not an estimate)."""
    out = []
    for f in fits:
        if f["profile_flat"]:
            out.append({"parameter": f["parameter"], "problem": "not identifiable", "detail":
                        f"chi2 changes by less than 1 over the whole range {f['bounds']}; the value "
                        f"{f['best']:.4g} is not determined by {', '.join(f['fitted_targets'])}"})
        elif f["at_bound"]:  # (a flat profile's minimum is arbitrary, so its position is not reported)
            lo, hi = f["bounds"]
            side = "lower" if abs(f["best"] - lo) <= abs(f["best"] - hi) else "upper"
            out.append({"parameter": f["parameter"], "problem": f"at the {side} bound", "detail":
                        f"best {f['best']:.4g} on the {side} bound of [{lo:.4g}, {hi:.4g}]; "
                        f"{', '.join(f['fitted_targets'])} would need a value beyond the allowed range"})
    return out


def compare_with(result: dict, reference: dict) -> list[dict]:
    """Per fitted parameter: the new best, the reference (shipped) best and 95 % credible interval, and whether
    each best lies within the other's credible interval (what "reproduces within posterior uncertainty" means)."""
    ref_fits = {f["parameter"]: f for f in reference.get("fits", [])}
    rows = []
    for f in result["fits"]:
        r = ref_fits.get(f["parameter"])
        if r is None:
            continue
        lo, hi = r["credible_95"]
        nlo, nhi = f["credible_95"]
        rows.append({"parameter": f["parameter"], "best": f["best"], "credible_95": [nlo, nhi],
                     "reference_best": r["best"], "reference_credible_95": [lo, hi],
                     # the same value (e.g. both on a bound, where the central interval stops short) is within
                     "within": bool(lo <= f["best"] <= hi or nlo <= r["best"] <= nhi
                                    or math.isclose(f["best"], r["best"], rel_tol=1e-3, abs_tol=1e-12))})
    return rows


def _at_bound(x: float, fp: FitParameter) -> bool:
    """The best value sits on a bound: the data ask for more than the mechanism's range allows."""
    return min(abs(x - fp.lower), abs(x - fp.upper)) <= 1e-9 * max(1.0, abs(fp.upper))


def _flat(chi2) -> bool:
    """A profile that changes by less than 1 (one standard error) over the whole range does not identify."""
    finite = [c for c in chi2 if math.isfinite(c)]
    return not finite or max(finite) - min(finite) < 1.0


def write_calibration(result: dict, path: Path = WHOLE_CALIBRATION_PATH, roles_path: Path = ROLES_PATH) -> Path:
    """Write the calibration (TOML, with provenance and per-parameter posterior summaries) and add its fitted
    targets to roles.toml."""
    prov = result["provenance"]
    lines = ["# Effect-size calibration of the whole model (generated by `pnisim calibrate`; do not edit by hand).",
             f"# {DISCLAIMER}", "", "[provenance]"]
    for k, v in prov.items():
        lines.append(f"{k} = {_toml(v)}")
    lines += ["", "[parameters]"]
    lines += [f'"{k}" = {v!r}' for k, v in result["parameters"].items() if not k.startswith("phenotype:")]
    lines += ["", "[phenotypes]"]
    lines += [f'"{k.split(":", 1)[1]}" = {v!r}' for k, v in result["parameters"].items() if k.startswith("phenotype:")]
    for fit in result["fits"]:
        lines += ["", "[[fits]]"] + [f"{k} = {_toml(v)}" for k, v in fit.items()]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    _update_roles(result, roles_path)
    return Path(path)


def _update_roles(result: dict, roles_path: Path) -> None:
    text = Path(roles_path).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    present = set(data.get("fitted", {}))
    add = [f'{t} = "pnisim calibrate (data/calibration/whole.toml): {fit["parameter"]}"'
           for fit in result["fits"] for t in fit["fitted_targets"] if t not in present]
    if add:
        Path(roles_path).write_text(text.rstrip("\n") + "\n" + "\n".join(dict.fromkeys(add)) + "\n", encoding="utf-8")


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if math.isfinite(v) else '"inf"'
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    raise TypeError(type(v))


def shipped_whole_calibration() -> dict:
    """The shipped whole-model calibration: {'parameters': {...}, 'phenotypes': {...}} (empty when absent)."""
    path = resources.files("pnisim") / "data" / "calibration" / "whole.toml"
    if not path.is_file():
        return {"parameters": {}, "phenotypes": {}}
    with path.open("rb") as fh:
        return tomllib.load(fh)
