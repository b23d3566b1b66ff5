"""Large populations with bounded memory: a scenario's individuals run in chunks whose results stream to a
chunked Zarr store as each chunk completes; a killed run resumes from its completed chunks; chunks can run on a
dask.distributed cluster.

Data flow: ``plan(scenario)`` (every individual's parameters, drawn once from the population seed) ->
chunk ``[lo, hi)`` -> :func:`pnisim.scenario.build.run_chunk` (burn-in, recorded run) -> what the user keeps
(the time series of the outputs and/or per-individual summaries) -> written into its region of the store ->
a marker file ``progress/chunk-<k>.done``. Only the driver writes; workers return arrays.

Why the results are identical however the run is split, resumed or distributed: each individual is an
independent initial-value problem whose parameters come from the plan (not from the chunk), and the compiled
kernel is deterministic, so chunk size, order, the process that computes a chunk and restarts change nothing.

Resuming: the store records the scenario's spec hash, the chunk size and what is kept; a restart with the same
scenario and options skips every chunk with a marker and recomputes only the rest (a chunk killed while being
written has no marker and is rewritten whole). A store written by another scenario or with other options is
refused with both hashes named, never silently mixed.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import xarray as xr

from ..disclaimer import DISCLAIMER
from ..engine.simulate import Solver
from ..errors import ResourceLimitError, SpecError
from .build import RunPlan, plan, run_chunk
from .loading import parse_scenario
from .run_spec import MEMORY_LIMIT
from .scenario import Scenario

__all__ = ["stream_scenario", "stream_summary", "StreamResult", "simulate_chunk", "KEEP", "SUMMARY_STATS", "STORE_NAME"]

STORE_NAME = "results.zarr"
PROGRESS_DIR = "progress"
STORE_FORMAT = "pnisim-stream-1"
#: What a streamed run keeps: the time series of every output, per-individual summaries only, or both.
KEEP = ("series", "summaries", "both")
#: Per-individual summaries over the recorded run (on the output grid), each a variable ``<output>_<stat>``.
SUMMARY_STATS = {
    "mean": ("mean over the recorded run", lambda y: np.nanmean(y, axis=1)),
    "min": ("minimum over the recorded run", lambda y: np.nanmin(y, axis=1)),
    "max": ("maximum over the recorded run", lambda y: np.nanmax(y, axis=1)),
    "final": ("value at the end of the recorded run", lambda y: y[:, -1]),
}

Progress = Callable[[float, str], None]


@dataclass
class StreamResult:
    """Where the results went and what the run did (figures for the summary and the benchmarks)."""

    store: Path
    n_individuals: int
    chunk_size: int
    n_chunks: int
    computed_chunks: list[int]
    skipped_chunks: list[int]
    failed_individuals: int
    wall_s: float
    keep: str
    scheduler: str
    attrs: dict = field(default_factory=dict)

    def open(self) -> xr.Dataset:
        return xr.open_zarr(self.store, consolidated=False)


# ------------------------------------------------------------------------------------------- one chunk
@lru_cache(maxsize=2)
def _plan_of(scenario_json: str) -> RunPlan:
    """The plan of a scenario, once per process (a dask worker re-plans from the scenario text, which is small,
    instead of receiving the N x P parameter matrix)."""
    return plan(parse_scenario(json.loads(scenario_json), source="streamed scenario"))


def simulate_chunk(scenario_json: str, lo: int, hi: int, solver: Solver, keep: str,
                   threads: int | None = None) -> dict[str, np.ndarray]:
    """Individuals ``lo``..``hi``-1 of the scenario: {variable: array} of what is kept, plus ``status`` and
    ``burn_in_failed``. A plain function of picklable arguments, so dask workers can run it."""
    if threads is not None:
        import numba

        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    p = _plan_of(scenario_json)
    ds = run_chunk(p, lo, hi, solver=solver)
    out: dict[str, np.ndarray] = {"status": ds["status"].values.astype(np.int64),
                                  "burn_in_failed": np.array(ds.attrs["burn_in_failed_individuals"])}
    for name in p.outputs:
        y = ds[name].values
        if keep in ("series", "both"):
            out[name] = y
        if keep in ("summaries", "both"):
            for stat, (_, fn) in SUMMARY_STATS.items():
                out[f"{name}_{stat}"] = fn(y)
    return out


# ------------------------------------------------------------------------------------------- the store
def _store_attrs(p: RunPlan, scenario: Scenario, chunk: int, keep: str, solver: Solver) -> dict:
    attrs = {k: v for k, v in p.provenance.items()}
    attrs.update({"pnisim_store_format": STORE_FORMAT, "chunk_size": int(chunk), "keep": keep,
                  "solver": f"{solver.method}, rtol {solver.rtol:g}, atol {solver.atol:g}, max_steps "
                            f"{solver.max_steps}, h_max {solver.h_max:g}",
                  "n_individuals": int(p.n_individuals), "spec_hash": scenario.spec_hash(),
                  "disclaimer": DISCLAIMER})
    return attrs


def _template(p: RunPlan, chunk: int, keep: str) -> xr.Dataset:
    """The store's full layout, lazily (dask zeros): nothing of size N x T is ever allocated here."""
    import dask.array as da

    model = p.model
    n, t = p.n_individuals, p.t_out.size
    units = {o.name: (o.observable.unit, o.observable.description or o.name) for o in model.observables}
    units.update({s.name: (s.state.unit, s.state.description or s.name) for s in model.states})
    data = {"status": (("individual",), da.full((n,), -1, chunks=chunk, dtype=np.int64),
                       {"long_name": "solver status per individual (-1: not computed yet)", "units": "1"})}
    for name in p.outputs:
        unit, long = units.get(name, ("", name))
        if keep in ("series", "both"):
            data[name] = (("individual", "time"), da.full((n, t), np.nan, chunks=(chunk, t)),
                          {"units": unit, "long_name": long})
        if keep in ("summaries", "both"):
            for stat, (what, _) in SUMMARY_STATS.items():
                data[f"{name}_{stat}"] = (("individual",), da.full((n,), np.nan, chunks=chunk),
                                          {"units": unit, "long_name": f"{long}: {what}"})
    tt = p.t_out
    coords = {
        "individual": ("individual", np.asarray(p.individual_ids, dtype=object), {"long_name": "virtual individual"}),
        "time": ("time", tt, {"units": "h", "long_name": "model time since midnight of day 0"}),
        "clock_time": ("time", np.round(np.mod(tt, 24.0), 9), {"units": "h", "long_name": "clock time"}),
        "day": ("time", np.floor(np.round(tt, 9) / 24.0).astype(np.int64), {"units": "d", "long_name": "day"}),
        "parameter": ("parameter", np.asarray(model.parameter_names, dtype=object),
                      {"long_name": "model parameter (module.name)"}),
        "parameter_value": (("individual", "parameter"), da.from_array(p.parameters, chunks=(chunk, -1)),
                            {"long_name": "per-individual parameter values"}),
    }
    if any(p.arms):
        coords["arm"] = ("individual", np.asarray(p.arms, dtype=object), {"long_name": "arm"})
    return xr.Dataset(data, coords=coords)


def _check_existing(store: Path, attrs: dict) -> bool:
    """True if ``store`` is a ready store of this very run (resume); raise if it belongs to another run."""
    import zarr

    try:
        have = dict(zarr.open_group(str(store), mode="r").attrs)
    except Exception:  # noqa: BLE001 - an unreadable or half-created store is rebuilt by the caller
        return False
    if have.get("pnisim_store_format") != STORE_FORMAT or not have.get("ready"):
        return False
    for key in ("spec_hash", "chunk_size", "keep", "n_individuals", "solver"):
        if have.get(key) != attrs[key]:
            raise SpecError(
                f"The results store {str(store)!r} was written by another run ({key} {have.get(key)!r}); this run "
                f"has {key} {attrs[key]!r}. Resume with the same scenario and options, or choose another --out "
                f"(or --overwrite to start again). Got {key} {attrs[key]!r} instead.")
    return True


def _marker(out: Path, k: int) -> Path:
    return out / PROGRESS_DIR / f"chunk-{k:06d}.done"


def _done_chunks(out: Path, n_chunks: int) -> set[int]:
    return {k for k in range(n_chunks) if _marker(out, k).is_file()}


def _write_chunk(store: Path, lo: int, hi: int, arrays: dict[str, np.ndarray], out: Path, k: int) -> None:
    """Write one chunk's region, then (only then) its marker, atomically."""
    data = {}
    for name, a in arrays.items():
        if name == "burn_in_failed":
            continue
        dims = ("individual", "time") if a.ndim == 2 else ("individual",)
        data[name] = (dims, a)
    xr.Dataset(data).to_zarr(str(store), region={"individual": slice(lo, hi)}, mode="r+", consolidated=False)
    marker = _marker(out, k)
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps({"lo": lo, "hi": hi, "failed": int(np.sum(arrays["status"] != 0)),
                               "burn_in_failed": int(arrays["burn_in_failed"])}), encoding="utf-8")
    os.replace(tmp, marker)


# ------------------------------------------------------------------------------------------- the run
def chunk_bytes(p: RunPlan, chunk: int) -> float:
    """Peak engine memory of one chunk (every state and observable at every output time, twice over)."""
    m = p.model
    return 16.0 * chunk * p.t_out.size * (len(m.observables) + 2 * (len(m.states) + len(m.algebraic)))


def stream_scenario(scenario: Scenario, out: str | os.PathLike, *, chunk_size: int = 1000, keep: str = "series",
                    solver: Solver = Solver(), client=None, max_in_flight: int | None = None,
                    progress: Progress | None = None) -> StreamResult:
    """Run ``scenario`` chunk by chunk into ``out/results.zarr`` (resuming a killed run of the same scenario).

    ``keep``: "series" (every output's time series), "summaries" (per individual and output: mean, min, max and
    final value over the recorded run, no time series) or "both". ``client``: a ``dask.distributed.Client``; chunks
    then run on its workers (at most ``max_in_flight`` at once, default twice the workers) while this process
    writes them as they complete. Memory here stays at a few chunks plus the N x P parameter matrix.
    """
    if keep not in KEEP:
        raise SpecError(f"The 'keep' of a streamed run must be one of {', '.join(KEEP)}. Got {keep!r} instead.")
    if not (isinstance(chunk_size, int) and 1 <= chunk_size <= 100_000):
        raise SpecError(f"The 'chunk_size' of a streamed run must be an integer from 1 to 100000 individuals. Got "
                        f"{chunk_size!r} instead.")
    report: Progress = progress or (lambda f, m: None)
    t_start = time.perf_counter()
    out = Path(out)
    store = out / STORE_NAME
    scenario_json = scenario.canonical_json()
    p = _plan_of(scenario_json)
    n = p.n_individuals
    chunk = min(chunk_size, n)
    need = chunk_bytes(p, chunk) * (1 if client is None else 2)
    if need > MEMORY_LIMIT:
        raise ResourceLimitError(
            f"The 'chunk_size' of {chunk} individuals needs about {need / 2**30:.3g} GiB per chunk; the limit is "
            f"{MEMORY_LIMIT / 2**30:.3g} GiB. Use smaller chunks or sample less often. Got chunk_size {chunk_size} "
            "instead.")
    n_chunks = math.ceil(n / chunk)
    attrs = _store_attrs(p, scenario, chunk, keep, solver)
    if not _check_existing(store, attrs):
        import shutil

        import zarr

        report(0.0, f"Creating {store}")
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(out / PROGRESS_DIR, ignore_errors=True)
        out.mkdir(parents=True, exist_ok=True)
        _template(p, chunk, keep).to_zarr(str(store), mode="w", compute=True, consolidated=False)
        group = zarr.open_group(str(store), mode="r+")
        group.attrs.update({**{k: _attr(v) for k, v in attrs.items()}, "ready": True})  # last: the store is whole
    (out / PROGRESS_DIR).mkdir(exist_ok=True)
    done = _done_chunks(out, n_chunks)
    todo = [k for k in range(n_chunks) if k not in done]
    bounds = {k: (k * chunk, min(n, (k + 1) * chunk)) for k in range(n_chunks)}
    finished = len(done)
    report(finished / n_chunks, f"{len(done)} of {n_chunks} chunk(s) already complete" if done else
           f"{n_chunks} chunk(s) of up to {chunk} individuals")
    for k, arrays in _results(todo, bounds, scenario_json, solver, keep, client, max_in_flight):
        lo, hi = bounds[k]
        _write_chunk(store, lo, hi, arrays, out, k)
        finished += 1
        report(finished / n_chunks, f"Chunk {k + 1} of {n_chunks} written (individuals {lo + 1}-{hi} of {n})")
    failed = 0
    for k in range(n_chunks):
        failed += json.loads(_marker(out, k).read_text(encoding="utf-8"))["failed"]
    import zarr

    zarr.open_group(str(store), mode="r+").attrs.update({"complete": True, "failed_individuals": failed})
    report(1.0, "Done")
    return StreamResult(store, n, chunk, n_chunks, todo, sorted(done), failed, time.perf_counter() - t_start, keep,
                        "local" if client is None else str(getattr(client, "scheduler_info", lambda: {})()
                                                            .get("address", "dask")), attrs)


def _attr(v):
    return v if isinstance(v, (str, int, float, bool)) else json.dumps(v)


def _results(todo: list[int], bounds: dict, scenario_json: str, solver: Solver, keep: str, client,
             max_in_flight: int | None) -> Iterator[tuple[int, dict]]:
    """(chunk index, arrays) as chunks complete: in order here, or in completion order from a dask cluster."""
    if client is None:
        for k in todo:
            lo, hi = bounds[k]
            yield k, simulate_chunk(scenario_json, lo, hi, solver, keep)
        return
    from dask.distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    limit = max_in_flight or 2 * workers
    pending = list(todo)
    key = {}

    def submit(k):
        lo, hi = bounds[k]
        fut = client.submit(simulate_chunk, scenario_json, lo, hi, solver, keep, 1, pure=False)
        key[fut.key] = k
        return fut

    futures = as_completed([submit(pending.pop(0)) for _ in range(min(limit, len(pending)))])
    for fut in futures:
        k = key.pop(fut.key)
        arrays = fut.result()  # re-raises a worker's exception here
        fut.release()
        if pending:
            futures.add(submit(pending.pop(0)))
        yield k, arrays


def stream_summary(res: StreamResult) -> dict:
    """What a streamed run reports without loading its time series: per output, the population's 5 / 50 / 95th
    percentiles of each individual's mean over the run (read chunk by chunk, from the per-individual summaries
    when kept). Failed individuals are left out and counted."""
    ds = res.open()
    ok = ds["status"].values == 0
    names = [v for v in ds.data_vars if ds[v].dims == ("individual", "time")]
    if res.keep == "summaries":
        names = sorted({v[: -len("_mean")] for v in ds.data_vars if v.endswith("_mean")})
    rows = []
    for name in names:
        if f"{name}_mean" in ds:
            means = ds[f"{name}_mean"].values
            unit = ds[f"{name}_mean"].attrs.get("units", "")
        else:
            means = ds[name].mean("time").values  # dask: one chunk of individuals at a time
            unit = ds[name].attrs.get("units", "")
        m = means[ok & np.isfinite(means)]
        q = np.percentile(m, [5, 50, 95]) if m.size else [math.nan] * 3
        rows.append({"name": name, "unit": unit, "p5": float(q[0]), "median": float(q[1]), "p95": float(q[2]),
                     "n": int(m.size)})
    return {"scenario": res.attrs.get("scenario", ""), "spec_hash": res.attrs["spec_hash"],
            "store": str(res.store), "n_individuals": res.n_individuals, "chunk_size": res.chunk_size,
            "n_chunks": res.n_chunks, "computed_chunks": len(res.computed_chunks),
            "resumed_chunks": len(res.skipped_chunks), "failed_individuals": res.failed_individuals,
            "keep": res.keep, "scheduler": res.scheduler, "wall_s": res.wall_s, "outputs": rows,
            "disclaimer": DISCLAIMER}
