"""A validated :class:`~pnisim.scenario.scenario.Scenario` -> a :class:`RunPlan` (arrays and events) -> a result.

:func:`plan` is pure: it turns the scenario into what :func:`pnisim.engine.simulate.simulate` takes — output
times, an N×P parameter array (the person, then population variability), baseline inputs and one event list
per individual. :func:`run_scenario` executes a plan: a burn-in without exposures settles each individual,
then the recorded run applies the events, in chunks of at most 1,000 individuals.

Exposures become engine events: boluses are ``add_state`` events; inputs are piecewise constant and set with
``set_input`` at every change point, their value being the input's baseline plus every active contribution:
chronic stress levels on ``stress`` (the slow CRH drive), acute stressor intensities on ``acute_stress`` (the
pituitary response; overlapping stressors add), infusion rates on ``lps_infusion`` (overlapping infusions add).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import xarray as xr

from ..engine.simulate import Event, Solver
from ..errors import ResourceLimitError
from ..model.calibration import Calibration
from ..model.compose import Model
from ..population.envelope import warn_excursions
from ..population import Design, People, draw_parameters, run_batch, run_population
from ..population.runner import Progress
from . import units as U
from .clock import Bolus, Level, Pulse
from .loading import load_default_text, load_scenario, loads_scenario
from .run_spec import MEMORY_LIMIT, result_bytes
from .scenario import Scenario

__all__ = ["RunPlan", "plan", "run_scenario", "run_chunk", "people_of", "design_of", "with_time_coords",
           "default_scenario", "scenario_events", "CHUNK_SIZE"]

#: Individuals per engine call (and per progress report).
CHUNK_SIZE = 1000


@dataclass(frozen=True, eq=False)
class RunPlan:
    """Everything the engine needs, as plain arrays (model time: hours since midnight of day 0).

    ``t_out`` covers the recorded run, from t0 (the end of the burn-in) to t0 + duration. ``initial_state`` is
    the state at the *start of the burn-in*; None means the model's initial state for everyone.
    ``events[i]`` is individual i's event list (all individuals share one list object when identical).
    """

    model: Model
    t_out: np.ndarray
    parameters: np.ndarray
    initial_state: np.ndarray | None
    inputs: np.ndarray
    events: list[list[Event]]
    burn_in_h: float
    outputs: tuple[str, ...]
    keep_states: bool
    seed: int
    spec_hash: str
    provenance: dict
    individual_ids: tuple[str, ...]
    arms: tuple[str, ...] = ()  # each individual's arm ("" without arms)

    @property
    def n_individuals(self) -> int:
        return self.parameters.shape[0]

    @property
    def t0(self) -> float:
        return float(self.t_out[0])


# ============================================================================================== scenario -> plan
def scenario_events(scenario: Scenario, model: Model, arm: str = "", *, until: float | None = None) -> list[Event]:
    """The engine events of every exposure (shared, plus ``arm``'s), sorted by time; with ``until`` (the last
    output time, h) only those at or before it.

    A sampling that does not divide the duration ends the run at the last output time; events after it (such as
    the end of a continuous exposure that lasts the declared duration) cannot show in any output, so callers that
    simulate to the last output time pass it as ``until``."""
    win = scenario.run.window()
    events: list[Event] = []
    pulses: dict[str, list[Pulse]] = defaultdict(list)
    levels: dict[str, dict[int, list[Level]]] = defaultdict(lambda: defaultdict(list))
    for i, exposure in enumerate(scenario.exposures_of_arm(arm)):
        for eff in exposure.effects(win):
            if isinstance(eff, Bolus):
                events.append(Event(eff.time, "add_state", eff.target, eff.amount, eff.label))
            elif isinstance(eff, Pulse):
                pulses[eff.target].append(eff)
            elif isinstance(eff, Level):
                levels[eff.target][i].append(eff)  # keyed by exposure: a schedule's steps replace each other
    baseline = dict(zip(model.input_names, model.input_defaults().tolist()))
    for target in sorted(set(pulses) | set(levels)):
        ps, sources = pulses[target], levels[target]
        changes: dict[float, list[str]] = defaultdict(list)
        for p in ps:
            changes[p.start].append(f"{p.label} start")
            changes[p.end].append(f"{p.label} end")
        for steps in sources.values():
            for lv in steps:
                changes[lv.time].append(f"{lv.label} level {U.format_number(lv.level)}")
        previous = baseline[target]
        for tau in sorted(changes):
            # Recomputed from scratch at each change point, so the input returns exactly to its baseline.
            value = baseline[target]
            for steps in sources.values():
                current = [lv.level for lv in steps if lv.time <= tau]
                value += current[-1] if current else 0.0
            value += sum(p.amount for p in ps if p.start <= tau < p.end)
            if value != previous:
                events.append(Event(tau, "set_input", target, value, "; ".join(changes[tau])))
                previous = value
    events = sorted(events, key=lambda e: e.time)
    return events if until is None else [e for e in events if e.time <= until]


def _exposure_metadata(scenario: Scenario) -> list[dict]:
    out = [{"index": i, "type": e.type, "label": e.name(), "arm": "", **e.METADATA}
           for i, e in enumerate(scenario.exposures)]
    for arm in scenario.arms:
        out += [{"index": i, "type": e.type, "label": e.name(), "arm": arm.name, **e.METADATA}
                for i, e in enumerate(arm.exposures)]
    return out


def plan(scenario: Scenario, calibration: Calibration | None = None) -> RunPlan:
    """Arrays and events for ``scenario`` with ``calibration``'s values (default: the shipped calibration); no
    simulation happens here."""
    model = scenario.get_model(calibration)
    run, pop = scenario.run, scenario.population
    person = model.parameter_values()
    for name, value in scenario.person_parameters(calibration).items():
        person[model.parameter_names.index(name)] = value
    arms = scenario.arm_names()
    per_arm = pop.size
    n = per_arm * len(arms)
    # every arm gets the same individuals: arms differ only by their exposures
    parameters = np.tile(draw_parameters(model, person, per_arm, pop.seed, pop.variability), (len(arms), 1))
    inputs = np.tile(model.input_defaults(), (n, 1))
    # Rounded to 1e-9 h so that e.g. 144 x (10 min) lands exactly on 24 h (clock_time and day stay exact).
    t_out = np.round(run.start_h + np.arange(run.n_times()) * run.sampling_h, 9)
    arm_events = {arm: scenario_events(scenario, model, arm, until=t_out[-1]) for arm in arms}
    width = max(4, len(str(per_arm - 1)))
    spec_hash = scenario.spec_hash()
    provenance = {
        "scenario": scenario.name,
        "scenario_description": scenario.description,
        "spec_hash": spec_hash,
        "scenario_spec": scenario.canonical_json(),
        "model_spec_hash": model.spec_hash(),
        "seed": pop.seed,
        "population_size": per_arm,
        "arms": json.dumps(arms if scenario.arms else []),
        "variability": "true" if pop.variability else "false",
        "phenotype": scenario.person.phenotype,
        "burn_in_h": run.burn_in_h,
        "run_start": run.start,
        "time_axis": "hours since midnight at the start of day 0 of the recorded run (burn-in not included)",
        "exposures": json.dumps(_exposure_metadata(scenario)),
    }
    return RunPlan(
        model=model,
        t_out=t_out,
        parameters=parameters,
        initial_state=None,
        inputs=inputs,
        events=[arm_events[arm] for arm in arms for _ in range(per_arm)],
        burn_in_h=run.burn_in_h,
        outputs=tuple(scenario.output_names()),
        keep_states=run.keep_states,
        seed=pop.seed,
        spec_hash=spec_hash,
        provenance=provenance,
        individual_ids=tuple(f"{arm + '/' if arm else ''}p{i:0{width}d}" for arm in arms for i in range(per_arm)),
        arms=tuple(arm for arm in arms for _ in range(per_arm)),
    )


# ============================================================================================== plan -> result
def _chunk_size(p: RunPlan) -> int:
    """At most CHUNK_SIZE individuals, and few enough that one engine call stays under the memory limit."""
    m = p.model
    needs_states = p.keep_states or any(o in m.state_names for o in p.outputs)
    n_vars = len(m.observables) + len(m.states) * (2 if needs_states else 1)
    per_individual = 16 * p.t_out.size * n_vars  # engine.simulate.estimate_bytes for one individual
    return max(1, min(CHUNK_SIZE, MEMORY_LIMIT // per_individual))


def people_of(p: RunPlan) -> People:
    """The plan's individuals as the population runner takes them."""
    return People(p.parameters, p.events, inputs=p.inputs, initial_state=p.initial_state, ids=p.individual_ids)


def design_of(p: RunPlan) -> Design:
    """The plan's burn-in, output times and kept outputs as a population design."""
    return Design(t_out=p.t_out, burn_in_h=p.burn_in_h, outputs=p.outputs, keep_states=p.keep_states,
                  chunk_size=_chunk_size(p), seed=p.seed, provenance=p.provenance,
                  raise_on_failure=p.n_individuals == 1)


def run_scenario(scenario: Scenario | str | Path, *, progress: Progress | None = None,
                 solver: Solver = Solver(), calibration: Calibration | None = None) -> xr.Dataset:
    """Simulate ``scenario`` (a Scenario or a scenario file) with ``calibration``'s parameter values (default: the
    shipped calibration) and return the recorded run.

    The result has dims ``individual`` and ``time`` (hours since midnight of day 0; coordinates ``clock_time``
    = hours mod 24 and ``day``), the requested outputs plus ``status``, the per-individual parameters as
    coordinates and provenance in ``attrs`` (scenario, spec_hash, seed, burn_in_h, ...).
    ``progress(fraction, message)`` is called before the burn-in, before the main run, after every chunk of
    at most 1,000 individuals, and at the end.
    """
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    need = result_bytes(s)
    if need > MEMORY_LIMIT:
        raise ResourceLimitError(
            f"The 'size' of [population] and the [run] sampling would hold about {need / 2**30:.3g} GiB of results "
            f"in memory; the limit is {MEMORY_LIMIT / 2**30:.3g} GiB. Stream the results to disk chunk by chunk "
            f"(pnisim run --stream, or pnisim.scenario.stream.stream_scenario), sample less often or keep fewer "
            f"outputs. Got size {s.population.size} and sampling {str(s.run.sampling)!r} instead.")
    p = plan(s, calibration)
    report: Progress = progress or (lambda fraction, message: None)
    out = run_population(p.model, people_of(p), design_of(p), solver=solver, progress=report)
    out = _with_arms(out, p, slice(0, p.n_individuals))
    out.attrs.setdefault("burn_in_failed_individuals", 0)
    out = with_time_coords(out, p)
    out.attrs["failed_individuals"] = int(np.sum(out["status"].values != 0))
    # the envelope check counts excursions in the attrs (the summary and report list them)
    out.attrs["outside_envelope"] = len(warn_excursions(out, where=f"scenario {s.name!r}", stacklevel=3))
    report(1.0, "Done")
    return out


def run_chunk(p: RunPlan, lo: int, hi: int, *, solver: Solver = Solver(),
              report: Progress | None = None) -> xr.Dataset:
    """Individuals ``lo``..``hi``-1 of a plan: burn-in, then the recorded run; the kept outputs and ``status``
    (a failed burn-in's status wins). Each individual is independent, so any chunking gives the same numbers."""
    n = p.n_individuals
    who = f"{n} individual(s)" if hi - lo >= n else f"individuals {lo + 1}-{hi} of {n}"
    ds = run_batch(p.model, people_of(p).take(slice(lo, hi)), design_of(p), solver=solver,
                   progress=report or (lambda fraction, message: None), who=who, done=lo / n, share=(hi - lo) / n)
    ds.attrs.setdefault("burn_in_failed_individuals", 0)
    return _with_arms(ds, p, slice(lo, hi))


def _with_arms(ds: xr.Dataset, p: RunPlan, rows: slice) -> xr.Dataset:
    if any(p.arms):
        ds = ds.assign_coords(arm=("individual", np.array(p.arms[rows], dtype=object), {"long_name": "arm"}))
    return ds


def with_time_coords(out: xr.Dataset, p: RunPlan) -> xr.Dataset:
    """Clock-time and day coordinates of the time axis, and the plan's provenance."""
    t = out["time"].values
    out = out.assign_coords(
        clock_time=("time", np.round(np.mod(t, 24.0), 9),
                    {"units": "h", "long_name": "clock time (hours after midnight)"}),
        day=("time", np.floor(np.round(t, 9) / 24.0).astype(np.int64),
             {"units": "d", "long_name": "day of the run (0 = first)"}),
    )
    out.attrs.update(p.provenance)
    return out


@lru_cache(maxsize=1)
def default_scenario() -> Scenario:
    """The embedded default: a healthy adult waking at 07:00, 14 days sampled every 10 min, a Trier-type
    stressor on day 7 at 14:00 (15 min, intensity 1) and a 2 ng/kg IV LPS bolus on day 10 at 08:00."""
    return loads_scenario(load_default_text(), "toml", source="pnisim default scenario")

