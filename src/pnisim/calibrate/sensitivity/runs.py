"""Every SALib sample as one settled run of the base scenario through the population runner, read out as the
spec's outputs (value, difference, mean, cortisol day, flare rate)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...analysis.curves import refined_extreme
from ...engine.simulate import Solver
from ...population import Design, People, run_batch, settle
from ...scenario import units as U
from ...scenario.build import CHUNK_SIZE, plan, scenario_events
from ...scenario.clock import format_when
from ...scenario.quantity import Quantity
from ...scenario.scenario import Scenario
from .spec import (ENGINE_CHUNK_BYTES, NADIR_WINDOW_CLOCK, OutputSpec, Progress, SensitivitySpec, _every_h,
                   _output_times)


@dataclass(frozen=True)
class _ArmRun:
    arm: str
    events: list
    t_out: np.ndarray


def _grid(lo: float, hi: float, step: float) -> np.ndarray:
    n = int(math.floor((hi - lo) / step + 1e-9))
    g = lo + np.arange(n + 1) * step
    return np.unique(np.round(np.append(g, hi), 9))


def _needed_times(o: OutputSpec) -> np.ndarray:
    lo, hi = _output_times(o)
    if o.kind in ("value", "difference"):
        return np.array([round(lo, 9)])
    return _grid(lo, hi, _every_h(o))


def _arm_runs(spec: SensitivitySpec, scenario: Scenario) -> list[_ArmRun]:
    model = scenario.get_model()
    t0 = scenario.run.start_h
    times: dict[str, list[np.ndarray]] = {}
    for o in spec.outputs:
        for arm in (o.arm or "", *((o.control,) if o.control else ())):
            times.setdefault(arm, [np.array([round(t0, 9)])]).append(_needed_times(o))
    runs = []
    for arm, parts in times.items():
        t_out = np.unique(np.concatenate(parts))
        events = scenario_events(scenario, model, arm, until=t_out[-1])
        runs.append(_ArmRun(arm, events, t_out))
    return runs


def _readout(o: OutputSpec, t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The output of each run (rows of ``y``, sampled at ``t``) for one arm."""
    lo, hi = _output_times(o)
    if o.kind in ("value", "difference"):
        return y[:, int(np.searchsorted(t, round(lo, 9)))]
    inside = (t >= round(lo, 9) - 1e-9) & (t <= round(hi, 9) + 1e-9)
    tw, yw = t[inside], y[:, inside]
    if o.kind == "mean":
        return np.trapezoid(yw, tw, axis=1) / (tw[-1] - tw[0])
    if o.kind == "flare_rate":
        return np.mean(yw >= o.threshold, axis=1) + np.where(np.all(np.isfinite(yw), axis=1), 0.0, np.nan)
    # cortisol_day: nadir in 20:00-02:00, peak over the day (00:00-24:00), as analysis.readouts.cortisol_day
    d0 = 24.0 * o.day  # type: ignore[operator]
    if o.quantity.startswith("nadir"):
        sel = (tw >= d0 + NADIR_WINDOW_CLOCK[0] - 1e-9) & (tw <= d0 + NADIR_WINDOW_CLOCK[1] + 1e-9)
        minimum = True
    else:
        sel = (tw >= d0 - 1e-9) & (tw <= d0 + 24.0 + 1e-9)
        minimum = False
    out = np.empty(y.shape[0])
    for i in range(y.shape[0]):
        tk, vk = refined_extreme(tw[sel], yw[i, sel], minimum=minimum)
        out[i] = (tk % 24.0 if math.isfinite(tk) else tk) if o.quantity.endswith("_clock") else vk
    return out


def _chunk_size(model, n_times: int, n: int) -> int:
    per = 16 * n_times * (len(model.observables) + 2 * len(model.states))  # engine.simulate.estimate_bytes
    return max(1, min(CHUNK_SIZE, ENGINE_CHUNK_BYTES // per, max(16, math.ceil(n / 20))))


def _model_evaluator(spec: SensitivitySpec, scenario: Scenario, solver: Solver):
    p = plan(scenario)
    model = p.model
    person, inputs = p.parameters[0], p.inputs[0]
    columns = [model.parameter_names.index(r.name) for r in spec.parameters]
    runs = _arm_runs(spec, scenario)
    variables = {o.observable or ("flare" if o.kind == "flare_rate" else "cortisol_serum") for o in spec.outputs}
    keep_states = any(v in model.state_names for v in variables)
    t0, burn_h = p.t0, p.burn_in_h

    def evaluate(x: np.ndarray, progress: Progress) -> np.ndarray:
        n = x.shape[0]
        out = np.full((n, len(spec.outputs)), np.nan)
        chunk = _chunk_size(model, max(r.t_out.size for r in runs), n)
        steps = len(runs) + (1 if burn_h > 0 else 0)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            m = hi - lo
            params = np.tile(person, (m, 1))
            params[:, columns] = x[lo:hi]
            people = People(params, [[] for _ in range(m)], inputs=np.tile(inputs, (m, 1)))
            done = 0
            ok = np.ones(m, dtype=bool)
            if burn_h > 0:
                progress(lo / n, f"Burn-in of {U.format_number(burn_h)} h for runs {lo + 1}-{hi} of {n}")
                y0, burn_status = settle(model, people, burn_h, t0, solver=solver)
                ok &= burn_status == 0
                people = People(people.parameters, people.events, people.inputs, initial_state=y0)
                done += 1
            per_arm: dict[str, dict[str, np.ndarray]] = {}
            for run in runs:
                progress((lo + m * done / steps) / n,
                         f"Runs {lo + 1}-{hi} of {n}{f' ({run.arm})' if run.arm else ''}")
                arm_people = People(people.parameters, [run.events] * m, people.inputs, people.initial_state)
                ds = run_batch(model, arm_people, Design(t_out=run.t_out, t0=t0, keep_states=keep_states),
                               solver=solver)
                good = ok & (ds["status"].values == 0)
                per_arm[run.arm] = {v: np.where(good[:, None], ds[v].values, np.nan) for v in variables}
                del ds
                done += 1
            for j, o in enumerate(spec.outputs):
                var = o.observable or ("flare" if o.kind == "flare_rate" else "cortisol_serum")
                t = next(r.t_out for r in runs if r.arm == (o.arm or ""))
                value = _readout(o, t, per_arm[o.arm or ""][var])
                if o.kind == "difference":
                    tc = next(r.t_out for r in runs if r.arm == o.control)
                    value = value - _readout(o, tc, per_arm[o.control][var])  # type: ignore[index]
                out[lo:hi, j] = value
            progress(hi / n, f"Simulated {hi} of {n} runs")
        return out

    return evaluate


def _output_unit(o: OutputSpec, model) -> str:
    if o.kind == "flare_rate":
        return "1"
    if o.kind == "cortisol_day":
        return "h" if o.quantity.endswith("_clock") else _unit_of(model, "cortisol_serum")
    return _unit_of(model, o.observable)  # type: ignore[arg-type]


def _unit_of(model, name: str) -> str:
    for o in model.observables:
        if o.name == name:
            return o.observable.unit
    for s in model.states:
        if s.name == name:
            return s.state.unit
    return ""


def _output_description(o: OutputSpec) -> str:
    def when(q: Quantity | None) -> str:
        return format_when(q.to(U.TIME, "time")) if q is not None else ""

    arm = f" in {o.arm}" if o.arm else ""
    if o.kind == "value":
        return f"{o.observable} at {when(o.at)}{arm}"
    if o.kind == "difference":
        return f"{o.observable}[{o.arm}] - {o.observable}[{o.control}] at {when(o.at)}"
    if o.kind == "mean":
        return f"mean {o.observable} from {when(o.start)} to {when(o.end)}{arm}"
    if o.kind == "flare_rate":
        return f"fraction of time with {o.observable or 'flare'} >= {o.threshold:g} from {when(o.start)} to " \
               f"{when(o.end)}{arm}"
    return f"serum cortisol {o.quantity.replace('_', ' ')} on day {o.day}{arm}"
