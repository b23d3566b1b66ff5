"""Observational study designs on virtual populations: case–control comparisons and cohort incidence.

Research use only, not medical advice.

**Case–control** (:func:`case_control`). Cases and controls are drawn from phenotype mixtures the way
:func:`pnisim.trial.run.run_trial` screens candidates (a seeded phenotype draw, then log-normal between-person
parameters, :func:`pnisim.trial.population.draw_correlated`), settled for ``burn_in_days`` from midnight of day 0
(model time: hours since midnight, clock hour = t mod 24) and measured once at a morning blood draw
(``draw_time``, default 08:00 on the day after the settling period) with the assay and questionnaire error of
:func:`pnisim.analysis.measurement.measure`. Per observable the report gives group means and SDs and Hedges' g
with its large-sample CI (Borenstein M, Hedges LV, Higgins JPT, Rothstein HR. Introduction to Meta-Analysis.
Wiley 2009, eq. 4.18–4.24; :func:`pnisim.trial.stats.hedges_g`), on the raw and, for positive observables, on
the log scale (meta-analyses of CRP and cytokines often pool log values). The design mirrors the meta-analysed
case–control studies it is compared with: Osimo EF et al. Brain Behav Immun 2020;87:901–909,
doi:10.1016/j.bbi.2020.02.010 (depression vs controls: CRP g 0.71, IL-6 0.61, TNF 0.54) and Irwin MR, Olmstead
R, Carroll JE. Biol Psychiatry 2016;80:40–52, doi:10.1016/j.biopsych.2015.05.014 (sleep disturbance: CRP 0.12,
IL-6 0.20).

**Cohort** (:func:`cohort`). Exposed and unexposed groups are drawn the same way and followed for ``years``
(daily samples at the draw time, simulated in one-year windows and chunks of participants so only the event
observable and the current state are kept). Each person's event time is the first daily sample at which the
event definition holds; people are censored at the end of follow-up or, with the time they were last known to
be well, when the solver fails. People in whom the event condition already holds at entry are prevalent cases
and leave the risk set (Song 2018 excluded people with a prior autoimmune diagnosis). Reported: events, person-
years and incidence per 1000 person-years per group (exact Poisson CI: Garwood F. Biometrika 1936;28:437–442),
the incidence rate ratio with its Wald CI on the log scale (Rothman KJ, Greenland S, Lash TL. Modern
Epidemiology, 3rd ed. 2008, ch. 14), and the Cox proportional-hazards ratio (Cox DR. J R Stat Soc B
1972;34:187–220) from lifelines via :func:`pnisim.trial.stats.hazard_ratio`. The motivating target is the
sibling-and-population cohort of Song H, Fang F, Tomasson G, et al. Association of stress-related disorders
with subsequent autoimmune disease. JAMA 2018;319:2388–2400, doi:10.1001/jama.2018.7028 (any autoimmune disease
after a stress-related disorder: HR 1.36, 95 % CI 1.33–1.40; 9.1 vs 6.0 per 1000 person-years). Nothing here is
tuned to reproduce it: the functions report what the model produces.

Event definitions are data, never evaluated: ``"autoimmune_onset"`` (the smooth flare indicator ``flare`` of
the Baker 2013 disease switch, :mod:`pnisim.model.modules.autoimmune`, rising above 0.5 in someone without
disease at entry), or ``"<observable><op><number>"`` with op one of >=, <=, >, < (e.g. ``"crp>3"``).

How disease onset can arise (read with :mod:`pnisim.model.modules.autoimmune`): the whole model ships the
monostable, healthy Baker setting (alpha2 = 1), so with shipped parameters nobody can switch into a flare.
``susceptibility`` gives a population a log-normal spread of chosen parameters (e.g. ``{"autoimmune.alpha2":
(10, 0.2)}``: people inside Baker's bistable window 7.4–15.6, each with a remission state that disappears once
the pro-inflammatory drive exceeds a person-specific threshold). The exposed phenotype then raises that drive
(perceived stress, Th17/Treg imbalance, a weaker glucocorticoid brake) and pushes some people past it;
``infections_per_year`` adds Poisson-timed infections (the scenario library's ``infection`` exposure, a pathogen
bolus of Reynolds 2006 units) as transient triggers. ``exposure_at_entry`` (default) lets the exposed group's
phenotype begin at cohort entry — the burn-in runs under the healthy preset with the same person's between-
person draws — as a stress-related disorder begins at its diagnosis in a registry cohort.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from scipy import stats as sps

from ..analysis.measurement import MEASUREMENTS, measure
from ..disclaimer import DISCLAIMER
from ..engine.simulate import Event, Solver, simulate
from ..errors import SpecError
from ..model.library import MODEL_NAMES, get_model
from ..scenario.build import draw_parameters, scenario_events
from ..scenario.clock import clock_hours
from ..scenario.exposures import Infection
from ..scenario.loading import parse_scenario
from ..scenario.phenotypes import PHENOTYPES
from ..spec import did_you_mean
from . import stats as S
from .population import draw_correlated

__all__ = ["CaseControlResult", "CohortResult", "EventDefinition", "case_control", "cohort", "parse_event",
           "MAX_YEARS", "AUTOIMMUNE_ONSET"]

CHUNK = 250                 # participants per engine call
WINDOW_DAYS = 365           # follow-up simulated a year at a time (memory stays bounded)
HOURS_PER_YEAR = 365.25 * 24
MAX_YEARS = 50.0
MAX_N = 100_000
AUTOIMMUNE_ONSET = "autoimmune_onset"
_SOLVER = Solver(rtol=1e-6, atol=1e-8)
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_EVENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_OPS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}


# ============================================================================================== validation
def _model(model):
    if not isinstance(model, str) or model not in MODEL_NAMES:
        raise SpecError(f"The 'model' of the study must be one of {', '.join(MODEL_NAMES)}. Got {model!r} instead."
                        + did_you_mean(model, list(MODEL_NAMES)))
    return get_model(model)


def _mixture(mix, what: str, model) -> dict[str, float]:
    if not isinstance(mix, dict) or not mix:
        raise SpecError(f"The '{what}' of the study must be a non-empty mapping phenotype -> fraction, e.g. "
                        f"{{'healthy': 1}}. Got {mix!r} instead.")
    for name, frac in mix.items():
        if name not in PHENOTYPES:
            raise SpecError(f"The phenotype {name!r} in '{what}' must be one of {', '.join(PHENOTYPES)}. Got {name!r} "
                            f"instead." + did_you_mean(name, list(PHENOTYPES)))
        missing = [p for p in PHENOTYPES[name] if p not in model.parameter_names]
        if missing:
            raise SpecError(f"The phenotype {name!r} in '{what}' sets parameter {missing[0]!r}, which model "
                            f"{model.name!r} does not have: use model 'whole'. Got {name!r} instead.")
        if isinstance(frac, bool) or not isinstance(frac, (int, float)) or not math.isfinite(frac) or frac <= 0:
            raise SpecError(f"The fraction of {name!r} in '{what}' must be a number > 0. Got {frac!r} instead.")
    total = float(sum(mix.values()))
    if abs(total - 1.0) > 1e-6:
        raise SpecError(f"The fractions of '{what}' must sum to 1. Got {total:g} instead.")
    return {k: float(v) for k, v in mix.items()}


def _count(n, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= MAX_N:
        raise SpecError(f"The '{what}' of the study must be an integer >= 2 and <= {MAX_N}. Got {n!r} instead.")
    return int(n)


def _observables(names, model) -> list[str]:
    if isinstance(names, str) or not names:
        raise SpecError(f"The 'observables' of the study must be a non-empty list of observable names, e.g. "
                        f"['crp', 'il6']. Got {names!r} instead.")
    out = []
    for o in names:
        if o not in model.observable_names:
            raise SpecError(f"The observable {o!r} in 'observables' must be one of model {model.name!r}'s "
                            f"observables ({', '.join(model.observable_names)}). Got {o!r} instead."
                            + did_you_mean(o, model.observable_names))
        if o not in out:
            out.append(o)
    return out


def _clock_time(text) -> float:
    if not isinstance(text, str) or not _CLOCK.match(text.strip()):
        raise SpecError(f"The 'draw_time' of the study must be a clock time 'HH:MM' from 00:00 to 23:59. Got "
                        f"{text!r} instead.")
    return clock_hours(text.strip())


def _burn_in(days) -> int:
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or not 1 <= days <= 365:
        raise SpecError(f"The 'burn_in_days' of the study must be an integer from 1 to 365. Got {days!r} instead.")
    return int(days)


def _seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SpecError(f"The 'seed' of the study must be an integer >= 0. Got {seed!r} instead.")
    return int(seed)


def _susceptibility(spec, model) -> dict[str, tuple[float, float]]:
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise SpecError(f"The 'susceptibility' of the cohort must be a mapping parameter -> (median, cv). Got "
                        f"{spec!r} instead.")
    out = {}
    for name, value in spec.items():
        try:
            qualified = model.resolve_parameter(name)
        except SpecError:
            raise SpecError(f"The parameter {name!r} in 'susceptibility' must be a parameter of model "
                            f"{model.name!r} (module.name). Got {name!r} instead."
                            + did_you_mean(name, model.parameter_names)) from None
        ok = (isinstance(value, (tuple, list)) and len(value) == 2
              and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
              and value[0] > 0 and value[1] >= 0)
        if not ok:
            raise SpecError(f"The 'susceptibility' of {name!r} must be a pair (median > 0, cv >= 0). Got {value!r} "
                            f"instead.")
        lo, hi = model.parameters[model.parameter_index(qualified)].parameter.resolved_bounds
        if lo < hi and not lo <= value[0] <= hi:
            raise SpecError(f"The median in 'susceptibility' of {name!r} must lie within the parameter's bounds "
                            f"[{lo:g}, {hi:g}]. Got {value[0]!r} instead.")
        out[qualified] = (float(value[0]), float(value[1]))
    return out


@dataclass(frozen=True)
class EventDefinition:
    """A cohort event: ``observable op threshold`` first holding at a daily sample."""

    text: str
    observable: str
    op: str
    threshold: float

    def holds(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.isfinite(x) & _OPS[self.op](x, self.threshold)


def parse_event(text, observables: list[str]) -> EventDefinition:
    """``"autoimmune_onset"`` or ``"<observable><op><number>"`` (op: >=, <=, >, <) -> an EventDefinition. No eval:
    a regular expression splits the text and the observable must be one of ``observables``."""
    allowed = f"'{AUTOIMMUNE_ONSET}' or '<observable><op><number>' with op one of >=, <=, >, < (e.g. 'crp>3')"
    if not isinstance(text, str):
        raise SpecError(f"The 'event' of the cohort must be {allowed}. Got {text!r} instead.")
    if text.strip() == AUTOIMMUNE_ONSET:
        if "flare" not in observables:
            raise SpecError(f"The 'event' {AUTOIMMUNE_ONSET!r} needs the observable 'flare' (the autoimmune disease "
                            f"switch of model 'whole'). Got a model without it instead.")
        return EventDefinition(AUTOIMMUNE_ONSET, "flare", ">", 0.5)
    m = _EVENT.match(text)
    if m is None:
        raise SpecError(f"The 'event' of the cohort must be {allowed}. Got {text!r} instead."
                        + did_you_mean(text, [AUTOIMMUNE_ONSET]))
    name, op, number = m.group(1), m.group(2), float(m.group(3))
    if name not in observables:
        raise SpecError(f"The observable {name!r} of the 'event' must be one of the model's observables "
                        f"({', '.join(observables)}). Got {text!r} instead." + did_you_mean(name, observables))
    if not math.isfinite(number):
        raise SpecError(f"The threshold of the 'event' must be a finite number. Got {text!r} instead.")
    return EventDefinition(f"{name}{op}{number:g}", name, op, number)


# ============================================================================================== population
def _person(model, phenotype: str) -> np.ndarray:
    person = model.parameter_values()
    for pname, value in PHENOTYPES[phenotype].items():
        person[model.parameter_index(pname)] = value
    return person


def _draw(model, mixture: dict[str, float], n: int, rng: np.random.Generator, variability: bool,
          susceptibility: dict[str, tuple[float, float]], pre_exposure: bool = False):
    """(params, pre_params, phenotype): as :func:`pnisim.trial.run._population` draws a screening population (a
    seeded phenotype per person, then log-normal between-person draws). ``pre_params`` are the same people under
    the healthy preset (same standard-normal draws, hence the same individual deviations) for an exposure that
    begins at entry; otherwise they equal ``params``."""
    names = list(mixture)
    phen = rng.choice(len(names), size=n, p=np.array([mixture[k] for k in names]) / sum(mixture.values()))
    params = np.empty((n, len(model.parameters)))
    pre = np.empty_like(params)
    for k, name in enumerate(names):
        sel = np.flatnonzero(phen == k)
        person = _person(model, name)
        if variability:
            twin = copy.deepcopy(rng)  # replays the same draws for the pre-exposure parameters
            params[sel] = draw_correlated(model, person, sel.size, rng)
            pre[sel] = draw_correlated(model, _person(model, "healthy"), sel.size, twin) if pre_exposure \
                else params[sel]
        else:
            params[sel] = draw_parameters(model, person, sel.size, 0, False)
            pre[sel] = draw_parameters(model, _person(model, "healthy"), sel.size, 0, False) if pre_exposure \
                else params[sel]
    for qualified, (median, cv) in susceptibility.items():
        i = model.parameter_index(qualified)
        z = rng.standard_normal(n) if variability else np.zeros(n)
        value = median * np.exp(z * math.sqrt(math.log1p(cv**2)))
        lo, hi = model.parameters[i].parameter.resolved_bounds
        if lo < hi:
            value = np.clip(value, lo, hi)
        params[:, i] = pre[:, i] = value
    return params, pre, np.array(names, dtype=object)[phen]


def _run(model, t_out, t0, params, y0, events, keep_states: bool, solver: Solver) -> xr.Dataset:
    parts = []
    n = params.shape[0]
    for a in range(0, n, CHUNK):
        b = min(n, a + CHUNK)
        parts.append(simulate(model, t_out, t0=t0, parameters=params[a:b],
                              initial_state=None if y0 is None else y0[a:b], events=events[a:b], solver=solver,
                              keep_states=keep_states, raise_on_failure=False))
    if len(parts) == 1:
        return parts[0]
    return xr.concat(parts, dim="individual", data_vars="minimal", coords="minimal", compat="override",
                     combine_attrs="override")


def _exposure_events(exposures, model_name: str, model, duration_h: float, what: str) -> list[Event]:
    if not exposures:
        return []
    if not isinstance(exposures, list):
        raise SpecError(f"The exposures of the {what} must be a list of scenario exposures (e.g. [{{'type': "
                        f"'chronic_stress', ...}}]). Got {exposures!r} instead.")
    scenario = parse_scenario({"name": f"case_control_{what}", "model": model_name, "exposures": exposures,
                               "run": {"duration": f"{duration_h} h", "burn_in": "0 d", "sampling": "1 h"}})
    return scenario_events(scenario, model)


# ============================================================================================== case-control
@dataclass
class CaseControlResult:
    """Per-observable comparison of cases and controls, and the per-person values behind it."""

    data: xr.Dataset             # participant: measured observables, <name>_true, status; coords group, phenotype
    estimates: list[dict]        # one row per observable x scale (raw, log)
    settings: dict = field(default_factory=dict)

    def as_records(self) -> list[dict]:
        return [dict(r) for r in self.estimates]


def case_control(cases: dict[str, float], controls: dict[str, float], *, n_cases: int, n_controls: int,
                 observables: list[str], model: str = "whole", seed: int = 0, burn_in_days: int = 28,
                 measurement_error: bool = True, variability: bool = True, exposures=None,
                 draw_time: str = "08:00", biological: bool = False,
                 solver: Solver = _SOLVER) -> CaseControlResult:
    """Cases vs controls measured once at a morning blood draw: per observable the group means and SDs, Hedges' g
    with its 95 % CI and pooled t-test p-value, on the raw and (positive observables) the log scale.

    ``exposures``: scenario-library exposures during the settling period (days counted from its start),
    a list applied to the cases, or a mapping {"cases": [...], "controls": [...]}. ``biological`` adds the
    documented within-person day-to-day variation of a single draw (CRP: Macy 1997) to the assay error.
    """
    m = _model(model)
    cases = _mixture(cases, "cases", m)
    controls = _mixture(controls, "controls", m)
    n1, n0 = _count(n_cases, "n_cases"), _count(n_controls, "n_controls")
    obs = _observables(observables, m)
    seed, days, draw_h = _seed(seed), _burn_in(burn_in_days), _clock_time(draw_time)
    t_draw = days * 24.0 + draw_h
    if isinstance(exposures, dict):
        bad = [k for k in exposures if k not in ("cases", "controls")]
        if bad:
            raise SpecError(f"The 'exposures' mapping of the study must have keys 'cases' and/or 'controls'. Got "
                            f"{bad[0]!r} instead." + did_you_mean(bad[0], ["cases", "controls"]))
        ev_case = _exposure_events(exposures.get("cases"), model, m, t_draw, "cases")
        ev_ctrl = _exposure_events(exposures.get("controls"), model, m, t_draw, "controls")
    else:
        ev_case, ev_ctrl = _exposure_events(exposures, model, m, t_draw, "cases"), []

    rng = np.random.default_rng(seed)
    p1, _, ph1 = _draw(m, cases, n1, rng, variability, {})
    p0, _, ph0 = _draw(m, controls, n0, rng, variability, {})
    params = np.vstack([p1, p0])
    group = np.array(["case"] * n1 + ["control"] * n0, dtype=object)
    ds = _run(m, [t_draw], 0.0, params, None, [ev_case] * n1 + [ev_ctrl] * n0, False, solver)
    ok = ds["status"].values == 0
    truth = ds[obs].isel(time=[0])
    for o in obs:  # a failed solve has no value
        truth[o] = truth[o].where(xr.DataArray(ok, dims="individual"))
    names = [o for o in obs if o in MEASUREMENTS]
    seen = measure(truth, rng, names=names, biological=bool(biological)) if measurement_error and names else truth
    data = seen[obs + [f"{o}_below_lod" for o in names if f"{o}_below_lod" in seen]].isel(time=0, drop=True)
    data = data.assign({f"{o}_true": truth[o].isel(time=0, drop=True) for o in obs})
    data["status"] = ("individual", ds["status"].values, {"units": "1", "long_name": "solver status (0 = success)"})
    data = data.drop_vars([c for c in data.coords if c != "individual"])
    data = data.rename({"individual": "participant"}).assign_coords(
        participant=[f"{g[:2]}{i:05d}" for g, i in zip(group, list(range(n1)) + list(range(n0)))],
        group=("participant", group), phenotype=("participant", np.concatenate([ph1, ph0])))
    for o in obs:
        data[f"{o}_true"].attrs.update(units=ds[o].attrs.get("units", ""), long_name=f"true {o} at the draw")
    data["group"].attrs.update(long_name="case or control")
    data.attrs.update(design="case-control", model=model, seed=seed, burn_in_days=days, draw_time=draw_time,
                      draw_hour=t_draw, measurement_error=int(bool(measurement_error)),
                      biological=int(bool(biological)), variability=int(bool(variability)), cases=repr(cases),
                      controls=repr(controls),
                      time_axis="hours since midnight of day 0 (start of the settling period)",
                      disclaimer=DISCLAIMER)
    estimates = []
    case, ctrl = group == "case", group == "control"
    for o in obs:
        x = data[o].values.astype(float)
        unit = data[o].attrs.get("units", "")
        scales = [("raw", x, unit)]
        fin = x[np.isfinite(x)]
        if fin.size and np.all(fin > 0):
            scales.append(("log", np.log(x), f"log({unit})"))
        for scale, v, u in scales:
            a, b = v[case & np.isfinite(v)], v[ctrl & np.isfinite(v)]
            if a.size >= 2 and b.size >= 2 and a.var(ddof=1) + b.var(ddof=1) == 0:  # no spread: g undefined
                est, note = S.Estimate("Hedges g", math.nan, math.nan, math.nan, math.nan, a.size, b.size,
                                       math.nan), "undefined: no variation within either group"
            else:
                est, note = S.hedges_g(a, b), ""
            estimates.append({
                "design": "case-control", "observable": o, "scale": scale, "unit": u,
                "case_mean": float(a.mean()), "case_sd": float(a.std(ddof=1)),
                "control_mean": float(b.mean()), "control_sd": float(b.std(ddof=1)),
                "n_cases": int(a.size), "n_controls": int(b.size), "statistic": "Hedges g",
                "estimate": est.estimate, "ci_low": est.ci_low, "ci_high": est.ci_high,
                "se": math.sqrt(est.variance), "p_value": est.p_value, "note": note, "disclaimer": DISCLAIMER})
    settings = {"cases": cases, "controls": controls, "n_cases": n1, "n_controls": n0, "model": model, "seed": seed,
                "burn_in_days": days, "draw_time": draw_time, "measurement_error": bool(measurement_error),
                "biological": bool(biological), "variability": bool(variability), "failed": int((~ok).sum())}
    return CaseControlResult(data, estimates, settings)


# ============================================================================================== cohort
@dataclass
class CohortResult:
    """Follow-up of an exposed and an unexposed group: per-person times and events, and the estimates."""

    data: xr.Dataset             # participant: time (years), event, prevalent, status, event_value; coords group,...
    estimates: list[dict]        # incidence per group, incidence rate ratio, hazard ratio
    event: EventDefinition
    settings: dict = field(default_factory=dict)

    def as_records(self) -> list[dict]:
        return [dict(r) for r in self.estimates]


def _infection_events(rng: np.random.Generator, n: int, rate_per_year: float, load: float, t_entry: float,
                      horizon_h: float) -> list[np.ndarray]:
    """Each person's infection times (model hours): a Poisson process of ``rate_per_year`` over follow-up."""
    out = []
    if rate_per_year <= 0:
        return [np.empty(0)] * n
    mean_gap = HOURS_PER_YEAR / rate_per_year
    for _ in range(n):
        k = int(rng.poisson(horizon_h / mean_gap))
        out.append(t_entry + np.sort(rng.uniform(0.0, horizon_h, size=k)))
    return out


def _incidence(events: int, person_years: float, alpha: float = 0.05) -> tuple[float, float, float]:
    """Rate per 1000 person-years with Garwood's exact Poisson CI."""
    lo = 0.0 if events == 0 else sps.chi2.ppf(alpha / 2, 2 * events) / 2
    hi = sps.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    k = 1000.0 / person_years
    return events * k, lo * k, hi * k


def cohort(exposed: dict[str, float], unexposed: dict[str, float], *, n_exposed: int, n_unexposed: int,
           years: float, event: str = AUTOIMMUNE_ONSET, model: str = "whole", seed: int = 0,
           burn_in_days: int = 28, variability: bool = True, susceptibility: dict | None = None,
           infections_per_year: float = 0.0, infection_load: float = 0.5, exposure_at_entry: bool = True,
           draw_time: str = "08:00", solver: Solver = _SOLVER) -> CohortResult:
    """Follow both groups for ``years`` and compare the incidence of ``event`` (see the module docstring)."""
    m = _model(model)
    exposed = _mixture(exposed, "exposed", m)
    unexposed = _mixture(unexposed, "unexposed", m)
    n1, n0 = _count(n_exposed, "n_exposed"), _count(n_unexposed, "n_unexposed")
    if isinstance(years, bool) or not isinstance(years, (int, float)) or not (0 < years <= MAX_YEARS):
        raise SpecError(f"The 'years' of follow-up must be a number > 0 and <= {MAX_YEARS:g}. Got {years!r} instead.")
    ev = parse_event(event, m.observable_names)
    seed, days, draw_h = _seed(seed), _burn_in(burn_in_days), _clock_time(draw_time)
    sus = _susceptibility(susceptibility, m)
    for what, v, lo, hi in (("infections_per_year", infections_per_year, 0.0, 52.0),
                            ("infection_load", infection_load, 0.0, 3.0)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (lo <= v <= hi) \
                or (what == "infection_load" and v <= 0):
            rule = f"a number >= {lo:g}" if what == "infections_per_year" else f"a number > {lo:g}"
            raise SpecError(f"The '{what}' of the cohort must be {rule} and <= {hi:g}. Got {v!r} instead.")

    rng = np.random.default_rng(seed)
    p1, pre1, ph1 = _draw(m, exposed, n1, rng, variability, sus, pre_exposure=exposure_at_entry)
    p0, _, ph0 = _draw(m, unexposed, n0, rng, variability, sus)
    params = np.vstack([p1, p0])
    pre = np.vstack([pre1, p0])
    n = n1 + n0
    group = np.array(["exposed"] * n1 + ["unexposed"] * n0, dtype=object)
    t_entry = days * 24.0 + draw_h
    horizon = float(years) * HOURS_PER_YEAR
    infections = _infection_events(rng, n, float(infections_per_year), float(infection_load), t_entry, horizon)

    # entry: settle (pre-exposure parameters), read the event observable, drop prevalent cases
    base = _run(m, [t_entry], 0.0, pre, None, [[] for _ in range(n)], True, solver)
    y = np.stack([base[s].values[:, -1] for s in m.state_names], axis=1)
    status = base["status"].values.copy()
    at_entry = base[ev.observable].values[:, 0]
    prevalent = ev.holds(at_entry) & (status == 0)
    time = np.zeros(n)                       # hours of follow-up
    got = np.zeros(n, dtype=bool)
    failed = status != 0
    active = ~prevalent & ~failed
    n_days = int(math.floor(horizon / 24.0 + 1e-9))
    start = 0
    while start < n_days and active.any():
        stop = min(n_days, start + WINDOW_DAYS)
        t0 = t_entry + start * 24.0
        t_out = t_entry + np.arange(start + 1, stop + 1) * 24.0
        idx = np.flatnonzero(active)
        evs = [[Event(float(t), "add_state", Infection.TARGET, float(infection_load), "infection")
                for t in infections[i] if t0 <= t < t_out[-1]] for i in idx]
        ds = _run(m, t_out, t0, params[idx], y[idx], evs, True, solver)
        st = ds["status"].values
        x = ds[ev.observable].values
        hit = ev.holds(x)
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
        for k, i in enumerate(idx):
            if st[k] != 0:                   # censored when last known well: the start of the failed window
                failed[i], active[i], status[i] = True, False, st[k]
                time[i] = t0 - t_entry
            elif first[k] >= 0:
                got[i], active[i] = True, False
                time[i] = t_out[first[k]] - t_entry
        ok = st == 0
        y[idx[ok]] = np.stack([ds[s].values[ok, -1] for s in m.state_names], axis=1)
        start = stop
    time[active] = n_days * 24.0            # censored at the end of follow-up
    time_y = time / HOURS_PER_YEAR

    at_risk = ~prevalent & ~(failed & (time == 0))
    data = xr.Dataset(
        {"time": ("participant", time_y, {"units": "year", "long_name": "follow-up to the event or censoring"}),
         "event": ("participant", got.astype(np.int8), {"units": "1", "long_name": f"event {ev.text} (1) or "
                                                                                    "censored (0)"}),
         "prevalent": ("participant", prevalent.astype(np.int8),
                       {"units": "1", "long_name": "event condition already held at entry (not at risk)"}),
         "at_risk": ("participant", at_risk.astype(np.int8), {"units": "1", "long_name": "in the analysis"}),
         "status": ("participant", status.astype(np.int64), {"units": "1", "long_name": "solver status "
                                                                                       "(0 = success)"}),
         f"{ev.observable}_at_entry": ("participant", at_entry,
                                       {"units": base[ev.observable].attrs.get("units", ""),
                                        "long_name": f"{ev.observable} at entry"}),
         "infections": ("participant", np.array([t.size for t in infections]),
                        {"units": "1", "long_name": "infections scheduled during follow-up"})},
        coords={"participant": [f"{g[:3]}{i:05d}" for g, i in zip(group, list(range(n1)) + list(range(n0)))],
                "group": ("participant", group), "phenotype": ("participant", np.concatenate([ph1, ph0]))},
        attrs={"design": "cohort", "model": model, "seed": seed, "event": ev.text, "years": float(years),
               "burn_in_days": days, "draw_time": draw_time, "exposure_at_entry": int(bool(exposure_at_entry)),
               "infections_per_year": float(infections_per_year), "infection_load": float(infection_load),
               "susceptibility": repr(sus), "exposed": repr(exposed), "unexposed": repr(unexposed),
               "sampling": "daily at the draw time", "disclaimer": DISCLAIMER})
    estimates = analyse_cohort(time_y[at_risk], got[at_risk], group[at_risk] == "exposed")
    settings = {"exposed": exposed, "unexposed": unexposed, "n_exposed": n1, "n_unexposed": n0, "years": years,
                "event": ev.text, "prevalent": int(prevalent.sum()), "failed": int(failed.sum()),
                "susceptibility": sus, "infections_per_year": infections_per_year,
                "exposure_at_entry": bool(exposure_at_entry), "seed": seed, "model": model}
    return CohortResult(data, estimates, ev, settings)


def analyse_cohort(time_years, event, exposed, *, alpha: float = 0.05) -> list[dict]:
    """Incidence per 1000 person-years per group (exact Poisson CI), the incidence rate ratio (Wald CI on the log
    scale) and the Cox hazard ratio (lifelines) from per-person follow-up times and event flags."""
    t, e, x = np.asarray(time_years, float), np.asarray(event, bool), np.asarray(exposed, bool)
    rows = []
    counts = {}
    for name, sel in (("exposed", x), ("unexposed", ~x)):
        d, py = int(e[sel].sum()), float(t[sel].sum())
        rate, lo, hi = _incidence(d, py, alpha) if py > 0 else (math.nan, math.nan, math.nan)
        counts[name] = (d, py)
        rows.append({"design": "cohort", "statistic": "incidence per 1000 person-years", "group": name,
                     "n": int(sel.sum()), "events": d, "person_years": py, "estimate": rate, "ci_low": lo,
                     "ci_high": hi, "p_value": None, "note": "", "disclaimer": DISCLAIMER})
    (d1, py1), (d0, py0) = counts["exposed"], counts["unexposed"]
    z = float(sps.norm.ppf(1 - alpha / 2))
    if d1 > 0 and d0 > 0:
        irr = (d1 / py1) / (d0 / py0)
        se = math.sqrt(1 / d1 + 1 / d0)
        irr_row = (irr, irr * math.exp(-z * se), irr * math.exp(z * se),
                   float(2 * sps.norm.sf(abs(math.log(irr)) / se)), "")
    else:
        irr_row = (math.nan, math.nan, math.nan, None, "undefined: a group has no events")
    rows.append({"design": "cohort", "statistic": "incidence rate ratio", "group": "exposed vs unexposed",
                 "n": int(t.size), "events": d1 + d0, "person_years": py1 + py0, "estimate": irr_row[0],
                 "ci_low": irr_row[1], "ci_high": irr_row[2], "p_value": irr_row[3], "note": irr_row[4],
                 "disclaimer": DISCLAIMER})
    if d1 > 0 and d0 > 0:
        hr = S.hazard_ratio(t, e, x, alpha=alpha)
        hr_row = (hr.estimate, hr.ci_low, hr.ci_high, hr.p_value, "Cox proportional hazards (lifelines, Efron ties)")
    else:
        hr_row = (math.nan, math.nan, math.nan, None, "not estimable: a group has no events")
    rows.append({"design": "cohort", "statistic": "hazard ratio", "group": "exposed vs unexposed", "n": int(t.size),
                 "events": d1 + d0, "person_years": py1 + py0, "estimate": hr_row[0], "ci_low": hr_row[1],
                 "ci_high": hr_row[2], "p_value": hr_row[3], "note": hr_row[4], "disclaimer": DISCLAIMER})
    return rows
