"""`pnisim run`: a scenario in memory (results.nc, report, summary) or streamed chunk by chunk to Zarr."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..errors import SpecError
from .common import (DISCLAIMER, consoles, fmt, json_option, load_scenario, out_option, overwrite_option,
                     print_disclaimer, print_json, progress_bar, quiet_option, reporter, user_errors)

__all__ = ["run"]


def run(
    spec: Path | None = typer.Argument(
        None, help="Scenario file (.toml, .yaml or .yml). Default: the built-in scenario."
    ),
    out: Path = out_option(Path("pnisim-out")),
    json_output: bool = json_option("Print the summary as one JSON object on stdout."),
    overwrite: bool = overwrite_option(),
    quiet: bool = quiet_option(),
    uncertainty: int = typer.Option(0, "--uncertainty", help="Also re-run with N draws of the calibrated "
                                                             "parameters and report each summary quantity's 90 % "
                                                             "posterior band (0 = off)."),
    stream: bool = typer.Option(False, "--stream", help="Stream results chunk by chunk to OUT/results.zarr "
                                "(bounded memory for large populations); re-running the same command resumes a "
                                "killed run from its completed chunks."),
    chunk_size: int = typer.Option(1000, "--chunk-size", help="Individuals per chunk of a streamed run."),
    keep: str = typer.Option("series", "--keep", help="What a streamed run keeps: series (time series of the "
                                                      "outputs), summaries (per-individual mean/min/max/final "
                                                      "only) or both."),
    workers: int = typer.Option(0, "--workers", help="Run a streamed run's chunks on a local dask cluster of N "
                                                     "worker processes (implies --stream)."),
    scheduler: str = typer.Option("", "--scheduler", help="Address of a running dask.distributed scheduler "
                                                          "(e.g. tcp://10.0.0.5:8786) to send the chunks to "
                                                          "(implies --stream)."),
) -> None:
    """Run a scenario and write results.nc, results.csv, figures/, report.html, summary.json, scenario.json
    (with --stream: results.zarr, summary.json, scenario.json)."""
    # the report's imports (matplotlib) wait until the simulation is done: a run starts simulating sooner
    from ..io.outdir import check_output_dir
    from ..io.writers import jsonable
    from ..scenario.build import run_scenario

    stdout, stderr = consoles()
    if stream or workers or scheduler:
        with user_errors():
            if uncertainty:
                raise SpecError("The '--uncertainty' option works on in-memory runs only; drop --stream/--workers/"
                                f"--scheduler or --uncertainty. Got --uncertainty {uncertainty} instead.")
            _run_streamed(load_scenario(spec), out, overwrite=overwrite, chunk_size=chunk_size, keep=keep,
                          workers=workers, scheduler=scheduler, json_output=json_output, quiet=quiet,
                          stdout=stdout, stderr=stderr)
        return
    with user_errors():
        scenario = load_scenario(spec)
        check_output_dir(out, overwrite=overwrite)  # refuse before a long run, not after it
        with progress_bar(stderr, disable=quiet) as bar:
            task = bar.add_task("simulating", total=1.0)
            progress = reporter(bar, task)
            ds = run_scenario(scenario, progress=progress)
            band = None
            if uncertainty:
                from ..calibrate.bands import scenario_band

                band = scenario_band(scenario, uncertainty, seed=int(ds.attrs.get("seed", 0) or 0),
                                     progress=progress)
        from ..analysis.outputs import write_run_directory
        from ..analysis.summary import Row

        summary = write_run_directory(ds, scenario, out, overwrite=overwrite, uncertainty=band)

    disclaimer = str(ds.attrs.get("disclaimer", DISCLAIMER))
    if json_output:
        print_json(jsonable(summary))
        print_disclaimer(stderr, disclaimer)
        return
    if not quiet:
        stdout.print(_summary_table(summary, [Row(**r) for r in summary["rows"]]))
        stdout.print(f"Wrote {len(summary['outputs']['files'])} files to {out}/ (open report.html).", markup=False)
    print_disclaimer(stdout, disclaimer)


def _run_streamed(scenario, out: Path, *, overwrite: bool, chunk_size: int, keep: str, workers: int,
                  scheduler: str, json_output: bool, quiet: bool, stdout: Console, stderr: Console) -> None:
    """``pnisim run --stream``: chunks to OUT/results.zarr (resumable), locally or on a dask cluster."""
    from ..analysis.streamed import check_stream_directory, write_stream_summary
    from ..io.writers import jsonable
    from ..scenario.cluster import dask_client
    from ..scenario.stream import STORE_NAME, stream_scenario

    if workers < 0:
        raise SpecError(f"The '--workers' must be a number of worker processes >= 1. Got {workers} instead.")
    if workers and scheduler:
        raise SpecError("Give either '--workers' (start a local dask cluster) or '--scheduler' (use a running "
                        f"one), not both. Got --workers {workers} and --scheduler {scheduler!r} instead.")
    check_stream_directory(out, overwrite=overwrite)
    # the bar closes before the client, and the summary is read after it, in this process
    with dask_client(workers=workers, scheduler=scheduler) as client, progress_bar(stderr, disable=quiet) as bar:
        task = bar.add_task("simulating", total=1.0)
        res = stream_scenario(scenario, out, chunk_size=chunk_size, keep=keep, client=client,
                              progress=reporter(bar, task))
    summary = write_stream_summary(res, scenario, out)
    if json_output:
        print_json(jsonable(summary))
        print_disclaimer(stderr)
        return
    if not quiet:
        table = Table(title=f"Streamed run — {summary['scenario']}",
                      caption=f"{res.n_individuals} individuals in {res.n_chunks} chunk(s) of {res.chunk_size}; "
                              f"computed now {len(res.computed_chunks)}, resumed {len(res.skipped_chunks)}; "
                              f"failed {res.failed_individuals}; {res.wall_s:.1f} s ({res.scheduler})")
        for col in ("Output", "Unit", "Population median of the run mean", "5-95 % over individuals"):
            table.add_column(col)
        for row in summary["outputs"]:
            table.add_row(row["name"], row["unit"], fmt(row["median"]), f"{fmt(row['p5'])} to {fmt(row['p95'])}")
        stdout.print(table)
        stdout.print(f"Wrote {STORE_NAME}, summary.json and scenario.json to {out}/.", markup=False)
    print_disclaimer(stdout)


def _summary_table(summary: dict, rows) -> Table:
    failed = summary.get("failed_individuals") or []
    title = f"Summary — {summary.get('scenario') or 'scenario'}"
    table = Table(title=title, caption=f"{len(failed)} individual(s) failed to solve" if failed else None)
    arms = next((list(r.arms) for r in rows if r.arms), None)
    table.add_column("Quantity")
    for name in arms or ["Value"]:
        table.add_column(name, justify="right")
    table.add_column("Unit")
    table.add_column("Note")
    for r in rows:
        values = [fmt((r.arms or {}).get(a, r.value)) for a in arms] if arms else [fmt(r.value)]
        table.add_row(r.quantity, *values, r.unit, r.note)
    return table
