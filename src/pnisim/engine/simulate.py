"""One entry point: integrate a compiled model for N individuals and return a labelled ``xarray.Dataset``.

The engine knows nothing about stressors or drugs: a scenario arrives as per-individual *events* (set an
input, add a bolus to a state, set a state) at known times. Integration stops at every event, so no step ever
crosses a discontinuity. Each individual gets its own parameter vector, initial state, inputs and events; one
individual's failure is recorded in ``status`` and never stops the batch.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr

from .. import __version__
from ..disclaimer import DISCLAIMER
from ..errors import ResourceLimitError, SolverError, SpecError
from ..model.compose import Model
from ._build import build_kernel
from .codegen import model_source
from .vector import vector_available

__all__ = ["Event", "Solver", "simulate", "STATUS_MEANING", "compile_model"]


STATUS_MEANING = {
    0: "success",
    1: "maximum number of steps exceeded",
    2: "step size underflow",
    3: "non-finite values",
    4: "singular linear system",
}

SET_INPUT, ADD_STATE, SET_STATE = 0, 1, 2
_KIND = {"set_input": SET_INPUT, "add_state": ADD_STATE, "set_state": SET_STATE}

#: Refuse runs whose result arrays would need more than this many bytes (override per call).
DEFAULT_MEMORY_LIMIT = 4 * 2**30


@dataclass(frozen=True)
class Event:
    """A scheduled change at ``time`` (model time unit): ``kind`` is set_input, add_state or set_state."""

    time: float
    kind: str
    target: str
    value: float
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KIND:
            raise SpecError(f"The kind of event {self.label or self.target!r} must be one of {sorted(_KIND)}. Got {self.kind!r} instead.")
        if not (math.isfinite(self.time) and math.isfinite(self.value)):
            raise SpecError(
                f"The time and value of event {self.label or self.target!r} must be finite numbers. "
                f"Got time={self.time}, value={self.value} instead."
            )


_METHODS = {"rodas5p": 0, "auto": 1}
_METHOD_LABEL = {
    "rodas5p": "Rodas5P (Rosenbrock-Wanner, L-stable, order 5(4), dense output)",
    "auto": "auto: DOP853 (order 8(5,3), dense output 7) with stiffness detection switching to Rodas5P (L-stable, order 5(4))",
}


@dataclass(frozen=True)
class Solver:
    """Integrator options.

    ``method="auto"`` (default): DOP853 (explicit Runge–Kutta, order 8, 5/3 error estimator, order-7 dense
    output) with its steps capped at the explicit stability limit (from the spectral radius of the exact
    Jacobian, re-estimated every 50 steps and when Hairer's |hλ| test fires). An individual switches to
    Rodas5P when its accuracy step is > 4x that limit or, on trial, when its explicit steps stay at the limit,
    and back when a Rodas5P step is no longer worth its LU factorisation; a switch that did not pay raises the
    bar for the next (hysteresis), so a looser tolerance never costs more through switching back and forth.
    With ``vector=True`` (default) and where the machine allows it (x86-64 with AVX2 and glibc's libmvec;
    :func:`pnisim.engine.vector.vector_available`), "auto" runs its explicit method four individuals at a time on
    the vector lanes of the generated 4-lane right-hand side, each with its own step control; an individual that
    turns stiff is solved by the scalar kernel from the start instead. Every individual's numbers are then the
    same in any batch, chunk or process, and differ from ``vector=False`` at the level of rounding and of the
    tolerance (different libm, summation order). ``vector=False``: the scalar kernel for everyone.
    ``method="rodas5p"``: Rodas5P throughout — L-stable Rosenbrock–Wanner, order 5 with an order-4 embedded
    error estimate and dense output, exact Jacobian from symbolic differentiation.

    ``atol`` is relative to each state's scale: the absolute tolerance of state i is
    ``atol * max(|y0_i|, state.scale)``, so tiny-valued and large-valued states are controlled alike.
    """

    rtol: float = 1e-6
    atol: float = 1e-8
    max_steps: int = 2_000_000
    h_max: float = 0.0  # 0 = no limit
    method: str = "auto"
    vector: bool = True

    def __post_init__(self) -> None:
        if not (0 < self.rtol < 1):
            raise SpecError(f"The solver 'rtol' must be a number in (0, 1). Got {self.rtol!r} instead.")
        if not (0 < self.atol < 1):
            raise SpecError(f"The solver 'atol' must be a number in (0, 1). Got {self.atol!r} instead.")
        if self.method not in _METHODS:
            raise SpecError(f"The solver 'method' must be one of {sorted(_METHODS)}. Got {self.method!r} instead.")
        if not isinstance(self.vector, bool):
            raise SpecError(f"The solver 'vector' must be True or False. Got {self.vector!r} instead.")


_KERNELS: dict[str, object] = {}


def compile_model(model: Model):
    """The compiled kernel module for ``model`` (built once, cached on disk by numba)."""
    key = model.kernel_hash()
    if key not in _KERNELS:
        _KERNELS[key] = build_kernel(model_source(model))
    return _KERNELS[key]


def _as_2d(name: str, arr, n_ind: int, width: int, default: np.ndarray) -> np.ndarray:
    if arr is None:
        return np.tile(default, (n_ind, 1))
    a = np.asarray(arr, dtype=float)
    if a.ndim == 1:
        a = np.tile(a, (n_ind, 1))
    if a.shape != (n_ind, width):
        raise SpecError(f"The {name!r} array must have shape ({n_ind}, {width}). Got {a.shape} instead.")
    if not np.all(np.isfinite(a)):
        bad = np.argwhere(~np.isfinite(a))[0]
        raise SpecError(f"The {name!r} array must be finite. Got {a[tuple(bad)]} at index {tuple(bad)} instead.")
    return np.ascontiguousarray(a)


def _atol_vector(model: Model, y0: np.ndarray, solver: Solver) -> np.ndarray:
    """Absolute tolerance per state: ``solver.atol`` times the state's typical magnitude (its declared scale or
    its magnitude in the model's initial state). Never taken from the batch, so an individual's numbers do not
    depend on who else is in its batch (chunked, resumed and distributed runs agree bit for bit)."""
    del y0
    scale = np.abs(model.initial_state()).astype(float)
    for i, s in enumerate(model.states):
        scale[i] = max(scale[i], s.state.scale or 0.0, 1e-12)
    return np.ascontiguousarray(solver.atol * scale)


def _pack_events(model: Model, events: Sequence[Sequence[Event]], n_ind: int, t0: float, t_end: float):
    n_max = max((len(e) for e in events), default=0)
    width = max(n_max, 1)
    ev_t = np.full((n_ind, width), np.inf)
    ev_kind = np.zeros((n_ind, width), dtype=np.int64)
    ev_idx = np.zeros((n_ind, width), dtype=np.int64)
    ev_val = np.zeros((n_ind, width))
    n_ev = np.zeros(n_ind, dtype=np.int64)
    for i, evs in enumerate(events):
        ordered = sorted(evs, key=lambda e: e.time)  # stable: equal times keep their given order
        for j, e in enumerate(ordered):
            if not (t0 <= e.time <= t_end):
                raise SpecError(
                    f"The time of event {e.label or e.target!r} must lie within the run [{t0}, {t_end}] "
                    f"{model.time_unit}. Got {e.time} instead."
                )
            kind = _KIND[e.kind]
            idx = model.input_index(e.target) if kind == SET_INPUT else model.state_index(e.target)
            ev_t[i, j], ev_kind[i, j], ev_idx[i, j], ev_val[i, j] = e.time, kind, idx, e.value
        n_ev[i] = len(ordered)
    return ev_t, ev_kind, ev_idx, ev_val, n_ev


def estimate_bytes(n_ind: int, n_times: int, n_vars: int) -> int:
    """Bytes of the float64 result arrays (states + observables), with 2x for conversion to xarray."""
    return 2 * 8 * n_ind * n_times * n_vars


def simulate(
    model: Model,
    t_out: Sequence[float] | np.ndarray,
    *,
    parameters: np.ndarray | None = None,
    initial_state: np.ndarray | None = None,
    inputs: np.ndarray | None = None,
    events: Sequence[Event] | Sequence[Sequence[Event]] = (),
    n_individuals: int | None = None,
    t0: float | None = None,
    solver: Solver = Solver(),
    keep_states: bool = True,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    seed: int | None = None,
    provenance: dict | None = None,
    individual_ids: Sequence[str] | None = None,
    raise_on_failure: bool | None = None,
) -> xr.Dataset:
    """Integrate ``model`` for every individual and sample at ``t_out`` (model time unit).

    ``parameters`` (N × n_params), ``initial_state`` (N × n_states) and ``inputs`` (N × n_inputs) default to
    the model's values; a 1-D array is shared by all. ``events`` is one list shared by everyone or a list of
    lists, one per individual. A single individual raises :class:`SolverError` on failure (unless
    ``raise_on_failure=False``); a population records ``status`` per individual and keeps the rest.
    """
    t_out = np.ascontiguousarray(np.asarray(t_out, dtype=float))
    if t_out.ndim != 1 or t_out.size == 0 or not np.all(np.isfinite(t_out)):
        raise SpecError("The output times must be a non-empty 1-D array of finite numbers.")
    if np.any(np.diff(t_out) < 0):
        raise SpecError("The output times must be sorted in increasing order.")
    t0 = float(t_out[0]) if t0 is None else float(t0)
    if t0 > t_out[0]:
        raise SpecError(f"The start time {t0} must not be after the first output time {t_out[0]}.")

    if n_individuals is None:
        n_individuals = next(
            (np.asarray(a).shape[0] for a in (parameters, initial_state, inputs) if a is not None and np.asarray(a).ndim == 2),
            len(events) if events and not isinstance(events[0], Event) else 1,
        )
    n = int(n_individuals)
    if n <= 0:
        raise SpecError(f"The number of individuals must be an integer > 0. Got {n} instead.")

    n_vars = len(model.observables) + (len(model.states) + len(model.algebraic) if keep_states else 0)
    need = estimate_bytes(n, t_out.size, n_vars + len(model.states))
    if need > memory_limit:
        raise ResourceLimitError(
            f"The run would need about {need / 2**30:.1f} GiB for {n} individuals x {t_out.size} output times "
            f"x {n_vars} variables; the limit is {memory_limit / 2**30:.1f} GiB. Sample less often, keep fewer "
            f"variables, or split the population."
        )

    p = _as_2d("parameters", parameters, n, len(model.parameters), model.parameter_values())
    y0 = _as_2d("initial_state", initial_state, n, len(model.states), model.initial_state())
    u0 = _as_2d("inputs", inputs, n, len(model.inputs), model.input_defaults())
    if events and isinstance(events[0], Event):
        per_ind = [list(events)] * n  # type: ignore[list-item]
    else:
        per_ind = [list(e) for e in events] if events else [[] for _ in range(n)]
        if len(per_ind) != n:
            raise SpecError(f"Events were given for {len(per_ind)} individuals, but the run has {n}.")
    ev = _pack_events(model, per_ind, n, t0, float(t_out[-1]))

    kernel = compile_model(model)
    atol = _atol_vector(model, y0, solver)
    out_y = np.empty((n, t_out.size, len(model.states) + len(model.algebraic)))
    status = np.zeros(n, dtype=np.int64)
    stats = np.zeros((n, 4), dtype=np.int64)
    lanes = (solver.vector and solver.method == "auto" and getattr(kernel, "VECTOR_KERNEL", False)
             and vector_available())
    _solve(kernel, (t0, y0, p, u0, *ev, t_out, float(solver.rtol), atol, 0.0, float(solver.h_max),
                    int(solver.max_steps), out_y, status, stats, _METHODS[solver.method]), lanes=lanes)
    obs = np.full((n, t_out.size, len(model.observables)), np.nan)
    if model.observables:
        kernel.observe_batch(t_out, out_y, p, obs)

    if raise_on_failure is None:
        raise_on_failure = n == 1
    if raise_on_failure and np.any(status != 0):
        i = int(np.flatnonzero(status)[0])
        raise SolverError(
            f"Integration failed for individual {i}: {STATUS_MEANING.get(int(status[i]), 'unknown')} "
            f"(status {int(status[i])}) after {int(stats[i, 0])} steps."
        )
    ds = _to_dataset(model, t_out, out_y, obs, p, status, stats, solver, seed, provenance, keep_states, individual_ids)
    ds.attrs["solver_lanes"] = ("4-lane vector kernel (libmvec; stiff individuals by the scalar kernel)" if lanes
                                else "scalar kernel")
    return ds


#: individuals per task of the thread pool: small enough that the last tasks end together (individuals can
#: differ several-fold in cost, and other processes may slow one thread), large enough to make dispatch negligible
CHUNKS_PER_THREAD = 32


def _solve(kernel, args: tuple, lanes: bool = False) -> None:
    """Run the kernel over all individuals on ``numba.get_num_threads()`` threads, scheduled dynamically.

    numba's ``prange`` hands each thread a fixed block of individuals (static schedule; ``set_parallel_chunksize``
    does not change that under the OpenMP layer), so a thread whose individuals are costlier, or which the OS
    gives less time, decides the wall time. Here a pool of threads takes small chunks from a queue; the kernel's
    ``solve_range`` releases the GIL. Results are identical to ``solve_batch`` (each individual is independent).
    """
    n = args[1].shape[0]
    if lanes:
        _solve_lanes(kernel, args)
        return
    threads = min(numba.get_num_threads(), n)
    if threads <= 1:
        kernel.solve_batch(*args)
        return
    t0, y0, p, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max, max_steps, out_y, \
        status, stats, method = args
    kernel._check_batch_inputs(y0, u0, ev_t, ev_kind, ev_idx, n_ev, t_out, atol, out_y, status, stats)
    size = max(1, n // (CHUNKS_PER_THREAD * threads))

    def run(lo: int) -> None:
        kernel.solve_range(lo, min(n, lo + size), *args)

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pnisim-solve") as pool:
        for _ in pool.map(run, range(0, n, size)):  # re-raises any exception of a task
            pass


#: lane batches per thread for the vector kernel: each batch ends with lanes idling while its last individuals
#: finish, so batches are long (whole generations of 4) but still several per thread for dynamic balance
LANE_BATCHES_PER_THREAD = 6


def _solve_lanes(kernel, args: tuple) -> None:
    """The vector kernel (``solve_lanes``) over all individuals, in batches on a thread pool; individuals it
    hands back as stiff are then solved by the scalar kernel (``solve_range``, same method "auto")."""
    t0, y0, p, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max, max_steps, out_y, \
        status, stats, method = args
    kernel._check_batch_inputs(y0, u0, ev_t, ev_kind, ev_idx, n_ev, t_out, atol, out_y, status, stats)
    n = y0.shape[0]
    threads = max(1, min(numba.get_num_threads(), -(-n // 4)))
    size = max(4, 4 * (n // (4 * LANE_BATCHES_PER_THREAD * threads)))
    fallback = np.zeros(n, dtype=np.int64)
    rest = (t0, y0, p, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max, max_steps,
            out_y, status, stats)

    def run(lo: int) -> None:
        kernel.solve_lanes(lo, min(n, lo + size), *rest, fallback)

    def run_scalar(i: int) -> None:
        kernel.solve_range(i, i + 1, *rest, method)

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pnisim-lanes") as pool:
        for _ in pool.map(run, range(0, n, size)):
            pass
        for _ in pool.map(run_scalar, np.flatnonzero(fallback).tolist()):
            pass


def _to_dataset(model, t_out, out_y, obs, p, status, stats, solver, seed, provenance, keep_states, ids) -> xr.Dataset:
    n = out_y.shape[0]
    ids = list(ids) if ids is not None else [f"p{i:0{max(4, len(str(n - 1)))}d}" for i in range(n)]
    data_vars: dict[str, tuple] = {}
    if keep_states:
        for i, s in enumerate(model.states):
            data_vars[s.name] = (
                ("individual", "time"),
                out_y[:, :, i],
                {"units": s.state.unit, "long_name": s.state.description or s.name, "kind": "state", "module": s.module},
            )
        for k, a in enumerate(model.algebraic):
            data_vars[a.name] = (
                ("individual", "time"),
                out_y[:, :, len(model.states) + k],
                {"units": a.state.unit, "long_name": a.state.description or a.name, "kind": "algebraic state",
                 "module": a.module, "note": a.note},
            )
    for k, o in enumerate(model.observables):
        data_vars[o.name] = (
            ("individual", "time"),
            obs[:, :, k],
            {"units": o.observable.unit, "long_name": o.observable.description or o.name, "kind": "observable"},
        )
    data_vars["status"] = (
        ("individual",),
        status,
        {"long_name": "solver status per individual", "units": "1",
         "flag_meanings": "; ".join(f"{k}={v}" for k, v in STATUS_MEANING.items())},
    )
    data_vars["n_steps"] = (("individual",), stats[:, 0], {"long_name": "accepted solver steps", "units": "1"})
    data_vars["n_rejected"] = (("individual",), stats[:, 1], {"long_name": "rejected solver steps", "units": "1"})
    data_vars["n_rhs"] = (("individual",), stats[:, 2], {"long_name": "right-hand-side evaluations", "units": "1"})
    data_vars["n_lu"] = (("individual",), stats[:, 3], {"long_name": "LU factorisations (stiff steps)", "units": "1"})
    coords = {
        "individual": ("individual", np.array(ids, dtype=object), {"long_name": "virtual individual"}),
        "time": ("time", t_out, {"units": model.time_unit, "long_name": "model time since midnight of day 0" if model.time_unit == "h" else "model time"}),
        "parameter": ("parameter", np.array(model.parameter_names, dtype=object), {"long_name": "model parameter (module.name)"}),
        "parameter_value": (("individual", "parameter"), p, {"long_name": "per-individual parameter values", "units": "see parameter_unit"}),
        "parameter_unit": ("parameter", np.array([q.parameter.unit for q in model.parameters], dtype=object)),
    }
    ds = xr.Dataset(data_vars, coords=coords)
    ds.attrs.update(
        {
            "title": f"pnisim simulation of {model.title}",
            "model": model.name,
            "model_version": __version__,
            "spec_hash": model.spec_hash(),
            "solver": _METHOD_LABEL[solver.method],
            "rtol": solver.rtol,
            "atol": solver.atol,
            "package_version": f"pnisim {__version__}",
            "seed": "none" if seed is None else int(seed),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "disclaimer": DISCLAIMER,
            "failed_individuals": int(np.sum(status != 0)),
        }
    )
    if provenance:
        ds.attrs.update({k: v for k, v in provenance.items()})
    return ds
