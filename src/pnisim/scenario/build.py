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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import xarray as xr

from ..engine.simulate import Event, Solver, simulate
from ..model.compose import Model
from . import units as U
from ..errors import ResourceLimitError
from .clock import Bolus, Level, Pulse
from .loading import load_default_text, load_scenario, loads_scenario
from .run_spec import MEMORY_LIMIT, result_bytes
from .scenario import Scenario

__all__ = ["RunPlan", "plan", "run_scenario", "run_chunk", "with_time_coords", "default_scenario",
           "scenario_events", "draw_parameters", "CHUNK_SIZE"]

#: Individuals per engine call (and per progress report).
CHUNK_SIZE = 1000

Progress = Callable[[float, str], None]


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


def draw_parameters(model: Model, person: np.ndarray, size: int, seed: int, variability: bool) -> np.ndarray:
    """N×P parameters: the person's values, or with ``variability`` each parameter with cv > 0 drawn
    log-normally (median = the person's value, sd of log = sqrt(log(1 + cv²))) and clipped to its bounds."""
    out = np.tile(np.asarray(person, dtype=float), (size, 1))
    if not variability:
        return out
    cv = np.array([p.parameter.cv for p in model.parameters], dtype=float)
    idx = np.flatnonzero(cv > 0)
    rng = np.random.default_rng(seed)
    sigma = np.sqrt(np.log1p(cv[idx] ** 2))
    out[:, idx] = person[idx] * np.exp(rng.standard_normal((size, idx.size)) * sigma)
    bounds = np.array([p.parameter.resolved_bounds for p in model.parameters], dtype=float)
    has = bounds[:, 0] < bounds[:, 1]
    out[:, has] = np.clip(out[:, has], bounds[has, 0], bounds[has, 1])
    return out


def _exposure_metadata(scenario: Scenario) -> list[dict]:
    out = [{"index": i, "type": e.type, "label": e.name(), "arm": "", **e.METADATA}
           for i, e in enumerate(scenario.exposures)]
    for arm in scenario.arms:
        out += [{"index": i, "type": e.type, "label": e.name(), "arm": arm.name, **e.METADATA}
                for i, e in enumerate(arm.exposures)]
    return out


def plan(scenario: Scenario) -> RunPlan:
    """Arrays and events for ``scenario`` (no simulation happens here)."""
    model = scenario.get_model()
    run, pop = scenario.run, scenario.population
    person = model.parameter_values()
    for name, value in scenario.person_parameters().items():
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
def _needs_states(p: RunPlan) -> bool:
    return p.keep_states or any(o in p.model.state_names for o in p.outputs)


def _chunk_size(p: RunPlan) -> int:
    """At most CHUNK_SIZE individuals, and few enough that one engine call stays under the memory limit."""
    m = p.model
    n_vars = len(m.observables) + len(m.states) * (2 if _needs_states(p) else 1)
    per_individual = 16 * p.t_out.size * n_vars  # engine.simulate.estimate_bytes for one individual
    return max(1, min(CHUNK_SIZE, MEMORY_LIMIT // per_individual))


def _burn_in(p: RunPlan, sl: slice, solver: Solver, single: bool) -> tuple[np.ndarray, np.ndarray]:
    """States at t0 after ``burn_in_h`` without events, and the burn-in solver status per individual."""
    m = p.model
    y_start = None if p.initial_state is None else p.initial_state[sl]
    ds = simulate(
        m, [p.t0], t0=p.t0 - p.burn_in_h, parameters=p.parameters[sl], initial_state=y_start,
        inputs=p.inputs[sl], events=[[] for _ in range(sl.stop - sl.start)], solver=solver, keep_states=True,
        raise_on_failure=single,
    )
    y0 = np.stack([ds[name].values[:, -1] for name in m.state_names], axis=1)
    status = ds["status"].values.copy()
    bad = (status != 0) | ~np.all(np.isfinite(y0), axis=1)
    if np.any(bad):  # a failed burn-in starts the recorded run from the unsettled state; status says so
        fallback = m.initial_state() if y_start is None else y_start
        y0[bad] = np.broadcast_to(fallback, y0.shape)[bad]
        status[bad & (status == 0)] = 3  # non-finite values
    return np.ascontiguousarray(y0), status


def _hours(x: float) -> str:
    return f"{U.format_number(round(x, 3))} h"


def run_scenario(scenario: Scenario | str | Path, *, progress: Progress | None = None,
                 solver: Solver = Solver()) -> xr.Dataset:
    """Simulate ``scenario`` (a Scenario or a scenario file) and return the recorded run.

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
    p = plan(s)
    report: Progress = progress or (lambda fraction, message: None)
    n = p.n_individuals
    chunk = _chunk_size(p)
    parts: list[xr.Dataset] = []
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        parts.append(run_chunk(p, lo, hi, solver=solver, report=report))
        report(hi / n, f"Simulated {hi} of {n} individual(s)")
    out = parts[0] if len(parts) == 1 else xr.concat(
        parts, dim="individual", data_vars="minimal", coords="minimal", compat="override",
        combine_attrs="override",
    )
    out = with_time_coords(out, p)
    out.attrs["failed_individuals"] = int(np.sum(out["status"].values != 0))
    out.attrs["burn_in_failed_individuals"] = int(sum(x.attrs["burn_in_failed_individuals"] for x in parts))
    report(1.0, "Done")
    return out


def run_chunk(p: RunPlan, lo: int, hi: int, *, solver: Solver = Solver(),
              report: Progress | None = None) -> xr.Dataset:
    """Individuals ``lo``..``hi``-1 of a plan: burn-in, then the recorded run; the kept outputs and ``status``
    (a failed burn-in's status wins). Each individual is independent, so any chunking gives the same numbers."""
    report = report or (lambda fraction, message: None)
    n = p.n_individuals
    single = n == 1
    sl = slice(lo, hi)
    who = f"{n} individual(s)" if hi - lo >= n else f"individuals {lo + 1}-{hi} of {n}"
    if p.burn_in_h > 0:
        report(lo / n, f"Burn-in of {_hours(p.burn_in_h)} for {who}")
        y0, burn_status = _burn_in(p, sl, solver, single)
    else:
        y0 = None if p.initial_state is None else p.initial_state[sl]
        burn_status = np.zeros(hi - lo, dtype=np.int64)
    report((lo + 0.1 * (hi - lo)) / n, f"Main run of {_hours(float(p.t_out[-1] - p.t0))} for {who}")
    ds = simulate(
        p.model, p.t_out, parameters=p.parameters[sl], initial_state=y0, inputs=p.inputs[sl],
        events=p.events[sl], solver=solver, keep_states=_needs_states(p), seed=p.seed,
        provenance=p.provenance, individual_ids=p.individual_ids[sl], raise_on_failure=single,
    )
    status = np.where(burn_status != 0, burn_status, ds["status"].values)
    # rebuilt rather than ds[keep]: keeps the requested order and the per-individual parameter coordinates
    ds = xr.Dataset({v: ds[v] for v in [*p.outputs, "status"]}, coords=ds.coords, attrs=ds.attrs)
    ds["status"] = ds["status"].copy(data=status)
    if any(p.arms):
        ds = ds.assign_coords(arm=("individual", np.array(p.arms[sl], dtype=object), {"long_name": "arm"}))
    ds.attrs["burn_in_failed_individuals"] = int(np.sum(burn_status != 0))
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

