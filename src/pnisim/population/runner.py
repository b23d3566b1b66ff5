"""People + a design -> their labelled results: the one loop that simulates every population in pnisim.

A design says *how* people are simulated: output times of the recorded run and where it starts, an optional
burn-in without exposures that settles each individual first, which variables to keep, how many individuals go
into one engine call, and the seed and provenance to record. :func:`run_population` splits the people into
chunks, runs :func:`run_batch` on each (burn-in, then the recorded run) and joins the chunks along
``individual``. Every individual is independent of its chunk and neighbours, so any chunking gives the same
numbers; loops that must reduce each chunk as it comes (streamed runs, sensitivity analysis) call
:func:`run_batch` themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..engine.simulate import Solver, simulate
from ..model.compose import Model
from .people import People

__all__ = ["Design", "Progress", "settle", "run_batch", "run_population", "join"]

#: ``progress(fraction done, message)``
Progress = Callable[[float, str], None]


def _silent(fraction: float, message: str) -> None:
    return None


@dataclass(frozen=True, eq=False)
class Design:
    """How to simulate people.

    ``t_out``: output times of the recorded run (model time, h); it starts at ``t0`` (default ``t_out[0]``).
    ``burn_in_h``: hours simulated before ``t0`` without any event, from each individual's initial state; the
    recorded run starts from the settled state. ``outputs``: variables kept (with ``status``; None keeps what
    the engine returns). ``keep_states``: the engine also returns the states. ``chunk_size``: individuals per
    engine call. ``seed``, ``provenance``: recorded in the result's attributes. ``raise_on_failure``: a failed
    solve raises instead of being recorded in ``status`` (None: only when there is one individual). ``label``:
    what an individual is called in progress messages ("participant" in a trial).
    """

    t_out: np.ndarray
    t0: float | None = None
    burn_in_h: float = 0.0
    outputs: tuple[str, ...] | None = None
    keep_states: bool = False
    chunk_size: int = 1000
    seed: int | None = None
    provenance: dict | None = None
    raise_on_failure: bool | None = False
    label: str = "individual"

    @property
    def start(self) -> float:
        return float(self.t_out[0]) if self.t0 is None else float(self.t0)


def settle(model: Model, people: People, burn_in_h: float, t_end: float, *, solver: Solver,
           raise_on_failure: bool | None = False) -> tuple[np.ndarray, np.ndarray]:
    """States at ``t_end`` after ``burn_in_h`` hours without events, and the burn-in status per individual.

    An individual whose burn-in fails keeps its unsettled starting state and a non-zero status (3 when the
    solver succeeded but returned non-finite values), so a caller can tell it apart and the run goes on."""
    n = len(people)
    ds = simulate(model, [t_end], t0=t_end - burn_in_h, parameters=people.parameters,
                  initial_state=people.initial_state, inputs=people.inputs, events=[[] for _ in range(n)],
                  solver=solver, keep_states=True, raise_on_failure=raise_on_failure)
    y0 = np.stack([ds[name].values[:, -1] for name in model.state_names], axis=1)
    status = ds["status"].values.copy()
    bad = (status != 0) | ~np.all(np.isfinite(y0), axis=1)
    if np.any(bad):
        fallback = model.initial_state() if people.initial_state is None else people.initial_state
        y0[bad] = np.broadcast_to(fallback, y0.shape)[bad]
        status[bad & (status == 0)] = 3
    return np.ascontiguousarray(y0), status


def run_batch(model: Model, people: People, design: Design, *, solver: Solver, progress: Progress = _silent,
              who: str | None = None, done: float = 0.0, share: float = 1.0) -> xr.Dataset:
    """One engine call's worth of people: burn-in (when the design has one), then the recorded run.

    A failed burn-in's status wins over the recorded run's, and the result's ``burn_in_failed_individuals``
    attribute counts them. ``who`` names the batch in progress messages, and
    ``done`` and ``share`` place them within a larger run."""
    n = len(people)
    what = who or f"{n} {design.label}(s)"
    start = design.start
    y0, burn_status = people.initial_state, np.zeros(n, dtype=np.int64)
    if design.burn_in_h > 0:
        progress(done, f"Burn-in of {_hours(design.burn_in_h)} for {what}")
        y0, burn_status = settle(model, people, design.burn_in_h, start, solver=solver,
                                 raise_on_failure=design.raise_on_failure)
    progress(done + 0.1 * share, f"Main run of {_hours(float(design.t_out[-1]) - start)} for {what}")
    keep_states = design.keep_states or (design.outputs is not None
                                         and any(o in model.state_names for o in design.outputs))
    ds = simulate(model, design.t_out, t0=design.t0, parameters=people.parameters, initial_state=y0,
                  inputs=people.inputs, events=people.events, solver=solver, keep_states=keep_states,
                  seed=design.seed, provenance=design.provenance, individual_ids=people.ids,
                  raise_on_failure=design.raise_on_failure)
    status = np.where(burn_status != 0, burn_status, ds["status"].values)
    if design.outputs is not None:
        # rebuilt rather than ds[keep]: keeps the requested order and the per-individual parameter coordinates
        ds = xr.Dataset({v: ds[v] for v in [*design.outputs, "status"]}, coords=ds.coords, attrs=ds.attrs)
    ds["status"] = ds["status"].copy(data=status)
    if design.burn_in_h > 0:
        ds.attrs["burn_in_failed_individuals"] = int(np.sum(burn_status != 0))
    return ds


def run_population(model: Model, people: People, design: Design, *, solver: Solver,
                   progress: Progress = _silent) -> xr.Dataset:
    """Simulate everyone in chunks of ``design.chunk_size`` and join the chunks along ``individual``."""
    n = len(people)
    parts = []
    for lo in range(0, n, design.chunk_size):
        hi = min(n, lo + design.chunk_size)
        batch = people.take(slice(lo, hi))
        who = f"{n} {design.label}(s)" if hi - lo >= n else f"{design.label}s {lo + 1}-{hi} of {n}"
        parts.append(run_batch(model, batch, design, solver=solver, progress=progress, who=who, done=lo / n,
                               share=(hi - lo) / n))
        progress(hi / n, f"Simulated {hi} of {n} {design.label}(s)")
    out = join(parts)
    if design.burn_in_h > 0:
        out.attrs["burn_in_failed_individuals"] = int(sum(p.attrs["burn_in_failed_individuals"] for p in parts))
    return out


def join(parts: list[xr.Dataset]) -> xr.Dataset:
    """Chunks of one run joined along ``individual`` (attributes of the first)."""
    if len(parts) == 1:
        return parts[0]
    return xr.concat(parts, dim="individual", data_vars="minimal", coords="minimal", compat="override",
                     combine_attrs="override")


def _hours(x: float) -> str:
    return f"{round(x, 3):g} h"
