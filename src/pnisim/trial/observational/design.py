"""What an observational study is made of: its inputs checked at the boundary (model, phenotype mixtures, counts,
observables, clock times, susceptibility, event definitions) and its population (drawn from phenotype mixtures,
simulated through the population runner)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ...engine.simulate import Event, Solver
from ...errors import SpecError
from ...model.calibration import Calibration
from ...model.library import MODEL_NAMES, get_model
from ...population import Design, People, draw_mixture, run_population
from ...scenario.build import scenario_events
from ...model.phenotypes import PHENOTYPES
from ...scenario.clock import clock_hours
from ...scenario.loading import parse_scenario
from ...spec import did_you_mean

CHUNK = 250                 # participants per engine call
WINDOW_DAYS = 365           # follow-up simulated a year at a time (memory stays bounded)
HOURS_PER_YEAR = 365.25 * 24
MAX_YEARS = 50.0
MAX_N = 100_000
AUTOIMMUNE_ONSET = "autoimmune_onset"
DISEASE_FLARE = "disease_flare"
DEPRESSIVE_EPISODE = "depressive_episode"
#: Events drawn from a cumulative hazard (a state of the autoimmune or psyche module) -> (state, observable that
#: needs it).
HAZARD_EVENTS = {AUTOIMMUNE_ONSET: ("H_onset", "autoimmune_risk"), DISEASE_FLARE: ("H_flare", "flare_risk"),
                 DEPRESSIVE_EPISODE: ("H_episode", "depression_risk")}
SOLVER = Solver(rtol=1e-6, atol=1e-8)
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_EVENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_OPS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}


# ============================================================================================== validation
def _model(model, calibration: Calibration):
    if not isinstance(model, str) or model not in MODEL_NAMES:
        raise SpecError(f"The 'model' of the study must be one of {', '.join(MODEL_NAMES)}. Got {model!r} instead."
                        + did_you_mean(model, list(MODEL_NAMES)))
    return get_model(model, calibration)


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
    """A cohort event: ``observable op threshold`` first holding at a daily sample, or (``hazard``) the model's
    cumulative hazard ``observable`` rising by a person's own exponential variate since entry."""

    text: str
    observable: str
    op: str
    threshold: float
    hazard: bool = False

    def holds(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.isfinite(x) & _OPS[self.op](x, self.threshold)


def parse_event(text, observables: list[str]) -> EventDefinition:
    """``"autoimmune_onset"``, ``"disease_flare"``, ``"depressive_episode"`` or ``"<observable><op><number>"`` (op: >=, <=, >, <) -> an
    EventDefinition. No eval: a regular expression splits the text and the observable must be one of
    ``observables``."""
    allowed = (f"'{AUTOIMMUNE_ONSET}', '{DISEASE_FLARE}', '{DEPRESSIVE_EPISODE}' or '<observable><op><number>' with op "
               "one of >=, <=, >, < "
               "(e.g. 'crp>3')")
    if not isinstance(text, str):
        raise SpecError(f"The 'event' of the cohort must be {allowed}. Got {text!r} instead.")
    if text.strip() in HAZARD_EVENTS:
        state, needs = HAZARD_EVENTS[text.strip()]
        if needs not in observables:
            raise SpecError(f"The 'event' {text.strip()!r} needs a model with its hazard (observable {needs!r}), "
                            f"e.g. model 'whole'. Got a model without it instead.")
        return EventDefinition(text.strip(), state, ">=", 0.0, hazard=True)
    m = _EVENT.match(text)
    if m is None:
        raise SpecError(f"The 'event' of the cohort must be {allowed}. Got {text!r} instead."
                        + did_you_mean(text, list(HAZARD_EVENTS)))
    name, op, number = m.group(1), m.group(2), float(m.group(3))
    if name not in observables:
        raise SpecError(f"The observable {name!r} of the 'event' must be one of the model's observables "
                        f"({', '.join(observables)}). Got {text!r} instead." + did_you_mean(name, observables))
    if not math.isfinite(number):
        raise SpecError(f"The threshold of the 'event' must be a finite number. Got {text!r} instead.")
    return EventDefinition(f"{name}{op}{number:g}", name, op, number)


# ============================================================================================== population
def _draw(model, mixture: dict[str, float], n: int, rng: np.random.Generator, variability: bool,
          susceptibility: dict[str, tuple[float, float]], presets, pre_exposure: bool = False):
    """(params, pre_params, phenotype): a seeded phenotype per person, then log-normal between-person draws, as
    a trial screens candidates (:func:`pnisim.population.draw_mixture`). ``pre_params`` are the same people under
    the healthy preset (same standard-normal draws, hence the same individual deviations) for an exposure that
    begins at entry; otherwise they equal ``params``."""
    params, pre, phenotype = draw_mixture(model, mixture, n, rng, presets=presets, variability=variability,
                                          before=presets["healthy"] if pre_exposure else None)
    for qualified, (median, cv) in susceptibility.items():
        i = model.parameter_index(qualified)
        z = rng.standard_normal(n) if variability else np.zeros(n)
        value = median * np.exp(z * math.sqrt(math.log1p(cv**2)))
        lo, hi = model.parameters[i].parameter.resolved_bounds
        if lo < hi:
            value = np.clip(value, lo, hi)
        params[:, i] = pre[:, i] = value
    return params, pre, phenotype


def _run(model, t_out, t0, params, y0, events, keep_states: bool, solver: Solver) -> xr.Dataset:
    design = Design(t_out=np.asarray(t_out, dtype=float), t0=t0, keep_states=keep_states, chunk_size=CHUNK,
                    label="participant")
    return run_population(model, People(params, events, initial_state=y0), design, solver=solver)


def _exposure_events(exposures, model_name: str, model, duration_h: float, what: str) -> list[Event]:
    if not exposures:
        return []
    if not isinstance(exposures, list):
        raise SpecError(f"The exposures of the {what} must be a list of scenario exposures (e.g. [{{'type': "
                        f"'chronic_stress', ...}}]). Got {exposures!r} instead.")
    scenario = parse_scenario({"name": f"case_control_{what}", "model": model_name, "exposures": exposures,
                               "run": {"duration": f"{duration_h} h", "burn_in": "0 d", "sampling": "1 h"}})
    return scenario_events(scenario, model)
