"""`pnisim` command line: run a scenario, describe a model, export SBML, print the scenario schema.

Thin by design: parse -> call the library -> write/print. User errors (an invalid spec, a missing file, an
output directory in the way) print one red line ``error: <message>`` on stderr and exit with code 2 before
anything is written; any other exception is a bug and propagates with its traceback.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import __version__
from ..disclaimer import DISCLAIMER
from ..errors import SpecError

__all__ = ["app"]


app = typer.Typer(
    name="pnisim",
    help=f"pnisim — an open, evidence-graded simulator of the psychoneuroimmune system. {DISCLAIMER}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals hold large arrays; a bug's traceback stays readable
)


# ------------------------------------------------------------------------------------------------- plumbing
def _consoles() -> tuple[Console, Console]:
    """(stdout, stderr) consoles, made per command so they bind to the current streams. Piped output gets a
    wide fixed width so names and citations are not wrapped mid-word."""
    def make(stream, stderr: bool) -> Console:
        wide = None if stream.isatty() else 200
        return Console(stderr=stderr, width=wide, highlight=False)

    return make(sys.stdout, False), make(sys.stderr, True)


@contextlib.contextmanager
def _user_errors():
    """Turn user errors into one red line on stderr and exit code 2."""
    try:
        yield
    except (SpecError, FileNotFoundError, FileExistsError) as exc:
        if isinstance(exc, FileNotFoundError) and exc.filename:
            message = f"The file {str(exc.filename)!r} does not exist."
        else:
            message = str(exc)
        Console(stderr=True, highlight=False).print(
            f"error: {message}", style="red", markup=False, soft_wrap=True
        )
        raise typer.Exit(2) from None


def _load_scenario(spec: Path | None):
    from ..scenario.build import default_scenario
    from ..scenario.loading import load_scenario

    return default_scenario() if spec is None else load_scenario(spec)  # a missing file is a SpecError there


def _fmt(value) -> str:
    if isinstance(value, str):
        return value
    if value is None or math.isnan(value):
        return "n/a"
    if abs(value) < 1e-9:
        return "0"  # solver round-off around an exact zero is not a finding
    return f"{value:.4g}"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pnisim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """pnisim — research use only, not medical advice."""


# ------------------------------------------------------------------------------------------------- run
@app.command()
def run(
    spec: Path | None = typer.Argument(
        None, help="Scenario file (.toml, .yaml or .yml). Default: the built-in scenario."
    ),
    out: Path = typer.Option(Path("pnisim-out"), "--out", "-o", help="Output directory."),
    json_output: bool = typer.Option(False, "--json", help="Print the summary as one JSON object on stdout."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table (the disclaimer stays)."),
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

    stdout, stderr = _consoles()
    if stream or workers or scheduler:
        with _user_errors():
            if uncertainty:
                raise SpecError("The '--uncertainty' option works on in-memory runs only; drop --stream/--workers/"
                                f"--scheduler or --uncertainty. Got --uncertainty {uncertainty} instead.")
            _run_streamed(_load_scenario(spec), out, overwrite=overwrite, chunk_size=chunk_size, keep=keep,
                          workers=workers, scheduler=scheduler, json_output=json_output, quiet=quiet,
                          stdout=stdout, stderr=stderr)
        return
    with _user_errors():
        scenario = _load_scenario(spec)
        check_output_dir(out, overwrite=overwrite)  # refuse before a long run, not after it
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            console=stderr, disable=quiet, transient=False,
        ) as bar:
            task = bar.add_task("simulating", total=1.0)

            def progress(fraction: float, message: str = "") -> None:
                bar.update(task, completed=min(max(float(fraction), 0.0), 1.0), description=message or "simulating")

            ds = run_scenario(scenario, progress=progress)
            band = None
            if uncertainty:
                from ..analysis.summary import summary_quantities
                from ..calibrate.ensemble import posterior_draws, band_over_draws

                draws = posterior_draws(uncertainty, seed=int(ds.attrs.get("seed", 0) or 0))
                band = band_over_draws(lambda: summary_quantities(run_scenario(scenario), scenario), draws,
                                       progress=progress)
        from ..analysis.outputs import write_run_directory
        from ..analysis.summary import Row

        summary = write_run_directory(ds, scenario, out, overwrite=overwrite, uncertainty=band)

    disclaimer = str(ds.attrs.get("disclaimer", DISCLAIMER))
    if json_output:
        sys.stdout.write(json.dumps(jsonable(summary), ensure_ascii=False) + "\n")
        stderr.print(disclaimer, style="bold yellow", markup=False)
        return
    if not quiet:
        stdout.print(_summary_table(summary, [Row(**r) for r in summary["rows"]]))
        stdout.print(f"Wrote {len(summary['outputs']['files'])} files to {out}/ (open report.html).", markup=False)
    stdout.print(disclaimer, style="bold yellow", markup=False)


def _run_streamed(scenario, out: Path, *, overwrite: bool, chunk_size: int, keep: str, workers: int,
                  scheduler: str, json_output: bool, quiet: bool, stdout: Console, stderr: Console) -> None:
    """``pnisim run --stream``: chunks to OUT/results.zarr (resumable), locally or on a dask cluster."""
    import shutil

    from ..io.writers import jsonable, write_json
    from ..scenario.stream import STORE_NAME, stream_scenario, stream_summary

    if workers < 0:
        raise SpecError(f"The '--workers' must be a number of worker processes >= 1. Got {workers} instead.")
    if workers and scheduler:
        raise SpecError("Give either '--workers' (start a local dask cluster) or '--scheduler' (use a running "
                        f"one), not both. Got --workers {workers} and --scheduler {scheduler!r} instead.")
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"The output path {str(out)!r} exists and is not a directory.")
    if out.is_dir() and any(out.iterdir()):
        if overwrite:
            shutil.rmtree(out)
        elif not (out / STORE_NAME).is_dir():
            raise FileExistsError(f"The output directory {str(out)!r} exists, is not empty and holds no streamed "
                                  f"run to resume; use --overwrite to replace it.")
    client = cluster = None
    if workers or scheduler:
        from dask.distributed import Client, LocalCluster

        if scheduler:
            try:
                client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise SpecError(f"The '--scheduler' {scheduler!r} could not be reached ({exc}). Give the address "
                                f"of a running dask scheduler. Got {scheduler!r} instead.") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                      console=stderr, disable=quiet, transient=False) as bar:
            task = bar.add_task("simulating", total=1.0)
            res = stream_scenario(scenario, out, chunk_size=chunk_size, keep=keep, client=client,
                                  progress=lambda f, m="": bar.update(task, completed=min(max(f, 0.0), 1.0),
                                                                      description=m or "simulating"))
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    summary = stream_summary(res)
    write_json(jsonable(summary), out / "summary.json")
    (out / "scenario.json").write_text(scenario.canonical_json() + "\n", encoding="utf-8")
    if json_output:
        sys.stdout.write(json.dumps(jsonable(summary), ensure_ascii=False) + "\n")
        stderr.print(DISCLAIMER, style="bold yellow", markup=False)
        return
    if not quiet:
        table = Table(title=f"Streamed run — {summary['scenario']}",
                      caption=f"{res.n_individuals} individuals in {res.n_chunks} chunk(s) of {res.chunk_size}; "
                              f"computed now {len(res.computed_chunks)}, resumed {len(res.skipped_chunks)}; "
                              f"failed {res.failed_individuals}; {res.wall_s:.1f} s ({res.scheduler})")
        for col in ("Output", "Unit", "Population median of the run mean", "5-95 % over individuals"):
            table.add_column(col)
        for row in summary["outputs"]:
            table.add_row(row["name"], row["unit"], _fmt(row["median"]), f"{_fmt(row['p5'])} to {_fmt(row['p95'])}")
        stdout.print(table)
        stdout.print(f"Wrote {STORE_NAME}, summary.json and scenario.json to {out}/.", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


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
        values = [_fmt((r.arms or {}).get(a, r.value)) for a in arms] if arms else [_fmt(r.value)]
        table.add_row(r.quantity, *values, r.unit, r.note)
    return table


# ------------------------------------------------------------------------------------------------- trial
@app.command()
def trial(
    spec: Path = typer.Argument(..., help="Trial file (.toml, .yaml or .yml)."),
    out: Path = typer.Option(Path("pnisim-trial"), "--out", "-o", help="Output directory."),
    json_output: bool = typer.Option(False, "--json", help="Print the estimates as one JSON object on stdout."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table (the disclaimer stays)."),
    uncertainty: int = typer.Option(0, "--uncertainty", help="Also re-run the trial with N draws of the calibrated "
                                                             "parameters: 90 % posterior band of every estimate."),
) -> None:
    """Run an in-silico randomised trial and write trial.nc, estimates.json, trial.json and report.html."""
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json, write_netcdf
    from ..trial.report import render_trial_report
    from ..trial.run import run_trial
    from ..trial.spec import load_trial

    stdout, stderr = _consoles()
    with _user_errors():
        t = load_trial(spec)
        check_output_dir(out, overwrite=overwrite)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            console=stderr, disable=quiet, transient=False,
        ) as bar:
            task = bar.add_task("screening", total=1.0)
            result = run_trial(t, progress=lambda f, m="": bar.update(task, completed=min(max(f, 0.0), 1.0),
                                                                       description=m or "simulating"))
            band = None
            if uncertainty:
                from ..calibrate.ensemble import band_over_draws, posterior_draws

                band = band_over_draws(
                    lambda: {f"{e['endpoint']} | {e['arm']} vs {e['control']} | {e['name']}": e["estimate"]
                             for e in run_trial(t).estimates},
                    posterior_draws(uncertainty, seed=t.population.seed),
                    progress=lambda f, m="": bar.update(task, completed=f, description=m))
        summary = {"trial": t.name, "screening": result.screening, "estimates": result.estimates,
                   "power": result.power, "cost_effectiveness": result.cea, "disclaimer": DISCLAIMER}
        if band is not None:
            summary["uncertainty"] = band
        with staged_output_dir(out, overwrite=overwrite) as stage:
            write_netcdf(result.data, stage / "trial.nc")
            write_json(jsonable(summary), stage / "estimates.json")
            write_json(t.model_dump(mode="json"), stage / "trial.json")
            (stage / "report.html").write_text(render_trial_report(result, uncertainty=band), encoding="utf-8")
    if json_output:
        sys.stdout.write(json.dumps(jsonable(summary), ensure_ascii=False) + "\n")
        stderr.print(DISCLAIMER, style="bold yellow", markup=False)
        return
    if not quiet:
        sc = result.screening
        table = Table(title=f"Trial — {t.name}",
                      caption=f"screened {sc['screened']}, passed {sc['passed']} ({100 * sc['pass_rate']:.1f} %), "
                              f"randomised {sc['randomised']}")
        for col in ("Endpoint", "Arm vs control", "Statistic", "Estimate", "95 % CI", "p"):
            table.add_column(col, justify="right" if col in ("Estimate", "p") else "left")
        for e in result.estimates:
            ci = "" if e["ci_low"] is None else f"{_fmt(e['ci_low'])} to {_fmt(e['ci_high'])}"
            table.add_row(e["endpoint"], f"{e['arm']} vs {e['control']}", e["name"], _fmt(e["estimate"]), ci,
                          "" if e["p_value"] is None else f"{e['p_value']:.3g}")
        stdout.print(table)
        for pw in result.power:
            n80 = pw["n_for_80"] if pw["n_for_80"] is not None else f"> {pw['n_per_arm'][-1]}"
            stdout.print(f"{pw['endpoint']} ({pw['arm']}): N per arm for 80 % power ≈ {n80} "
                         f"(simulation, {pw['n_resamples']} resampled trials per N)", markup=False)
        for c in result.cea:
            icer = "dominated" if c["icer_usd_per_qaly"] == math.inf else f"{c['icer_usd_per_qaly']:,.0f} USD/QALY"
            stdout.print(f"Cost-effectiveness {c['arm']} vs {c['control']}: +{c['delta_cost_usd']:,.0f} USD, "
                         f"{c['delta_qaly']:+.4f} QALY, ICER {icer}", markup=False)
        stdout.print(f"Wrote trial.nc, estimates.json, trial.json and report.html to {out}/.", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


@app.command()
def validate(
    out: Path = typer.Option(None, "--out", "-o", help="Also write validation.json and report.html here."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object: summary and one record per "
                                                           "target part (id, metric, target, target_ci, simulated, "
                                                           "simulated_ci, passed, ...)."),
    only: list[str] = typer.Option(None, "--only", help="Validate only these target ids (repeatable)."),
    seed: int = typer.Option(0, "--seed", help="Seed of every simulated study."),
    scale: float = typer.Option(1.0, "--scale", help="Shrink every study's N by this factor (0-1] for a quick "
                                                     "look; pass rates are quoted at 1."),
    replicates: int = typer.Option(1, "--replicates", help="Repeat every simulated study with R independent "
                                   "seeds (1-50): the report draws each target against the R estimates, and each "
                                   "record gains the fraction of replicate studies that pass."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table (the disclaimer stays)."),
) -> None:
    """Simulate every shipped evidence target with a design mirroring its source; print target vs simulated."""
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json
    from ..validation.report import render_validation_report
    from ..validation.run import validate as run_validation

    stdout, stderr = _consoles()
    with _user_errors():
        if out is not None:
            check_output_dir(out, overwrite=overwrite)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            console=stderr, disable=quiet or json_output, transient=False,
        ) as bar:
            task = bar.add_task("validating", total=1.0)
            result = run_validation(list(only) if only else None, seed=seed, scale=scale, replicates=replicates,
                                    progress=lambda f, m="": bar.update(task, completed=min(max(f, 0.0), 1.0),
                                                                        description=m or "validating"))
        summary = jsonable(result.as_dict())
        if out is not None:
            with staged_output_dir(out, overwrite=overwrite) as stage:
                write_json(summary, stage / "validation.json")
                (stage / "report.html").write_text(render_validation_report(result), encoding="utf-8")
    if json_output:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        stderr.print(DISCLAIMER, style="bold yellow", markup=False)
        return
    c = result.counts()
    if not quiet:
        table = Table(title="Validation against the shipped evidence targets",
                      caption=f"{c['passed']} of {c['passed'] + c['failed']} judged records pass "
                              f"({100 * c['pass_rate']:.0f} %); {c['targets_passed']} of {c['targets_judged']} "
                              f"targets pass in every part; not simulatable {c['not simulatable']}, "
                              f"error {c['error']}")
        for col in ("Target", "Role", "Metric", "Target (CI)", "Simulated (CI)", "Result"):
            table.add_column(col)
        for r in result.records:
            tci = "" if r.target_ci is None else f" ({_fmt(r.target_ci[0])} to {_fmt(r.target_ci[1])})"
            sci = "" if r.simulated_ci is None else f" ({_fmt(r.simulated_ci[0])} to {_fmt(r.simulated_ci[1])})"
            style = {"passed": "green", "failed": "red"}.get(r.status, "yellow")
            table.add_row(r.id, r.role, r.metric, f"{_fmt(r.target)}{tci}", f"{_fmt(r.simulated)}{sci}",
                          f"[{style}]{r.status}[/{style}]")
        stdout.print(table)
        for r in result.records:
            if r.status != "passed" and r.reason:
                stdout.print(f"{r.id}: {r.reason}", markup=False)
    stdout.print(f"Pass rate: {100 * c['pass_rate']:.0f} % of {c['passed'] + c['failed']} judged records; "
                 f"{c['targets_passed']} of {c['targets_judged']} targets.", markup=False)
    for role in ("fitted", "held-out"):
        rc = c[role]
        if rc["targets_judged"]:
            stdout.print(f"  {role}: {rc['targets_passed']} of {rc['targets_judged']} targets "
                         f"({100 * rc['target_pass_rate']:.0f} %), {rc['passed']} of {rc['passed'] + rc['failed']} "
                         f"records", markup=False)
    if out is not None:
        stdout.print(f"Wrote validation.json and report.html to {out}/.", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


@app.command()
def meta(
    spec: Path = typer.Argument(..., help="Trial file (.toml, .yaml or .yml): the protocol every trial follows."),
    sizes: str = typer.Option(..., "--sizes", help="N per arm of each simulated trial, comma-separated (k >= 2)."),
    endpoint: str = typer.Option(..., "--endpoint", help="Endpoint label or observable."),
    statistic: str = typer.Option("pretest-posttest-control g", "--statistic",
                                  help="Statistic of the trial analysis to pool (e.g. 'Hedges g')."),
    against: str = typer.Option(None, "--against", help="Shipped target id to set beside (e.g. psychosocial_immune)."),
    sign: int = typer.Option(1, "--sign", help="-1 flips the simulated effects (when the published scale counts "
                                               "a fall as positive)."),
    method: str = typer.Option("REML", "--method", help="REML or DL."),
    out: Path = typer.Option(None, "--out", "-o", help="Also write meta.json and forest.svg here."),
    json_output: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output directory."),
) -> None:
    """Simulate k trials of one protocol, pool them by random effects and compare with a published result."""
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json
    from ..trial.meta_sim import published_from_target, simulate_meta
    from ..trial.spec import load_trial

    stdout, stderr = _consoles()
    with _user_errors():
        t = load_trial(spec)
        try:
            ns = [int(x) for x in sizes.split(",") if x.strip()]
        except ValueError:
            raise SpecError(f"The '--sizes' must be comma-separated integers (N per arm). Got {sizes!r} "
                            f"instead.") from None
        if method not in ("REML", "DL"):
            raise SpecError(f"The '--method' must be REML or DL. Got {method!r} instead.")
        pub = published_from_target(against) if against else None
        if out is not None:
            check_output_dir(out, overwrite=overwrite)
        with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                      console=stderr, disable=json_output, transient=False) as bar:
            task = bar.add_task("trials", total=1.0)
            res = simulate_meta(t, ns, endpoint=endpoint, statistic=statistic, sign=sign, method=method,
                                published=pub, progress=lambda f, m="": bar.update(task, completed=f, description=m))
        payload = jsonable(res.as_dict())
        if out is not None:
            with staged_output_dir(out, overwrite=overwrite) as stage:
                write_json(payload, stage / "meta.json")
                res.figure().savefig(stage / "forest.svg")
    if json_output:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        stdout.print(res.table(), markup=False)
        if out is not None:
            stdout.print(f"Wrote meta.json and forest.svg to {out}/.", markup=False)
    (stderr if json_output else stdout).print(DISCLAIMER, style="bold yellow", markup=False)


@app.command()
def calibrate(
    out: Path = typer.Option(Path("pnisim-calibration"), "--out", "-o", help="Output directory (whole.toml, "
                                                                              "calibration.json)."),
    grid: int = typer.Option(7, "--grid", help="Grid points per parameter (3-41)."),
    scale: float = typer.Option(1.0, "--scale", help="Shrink every study's N (0-1] for a quick run."),
    only: list[str] = typer.Option(None, "--only", help="Fit only the steps of these parameters (repeatable)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the simulated studies (common random numbers)."),
    from_scratch: bool = typer.Option(False, "--from-scratch", help="Start every plan parameter at its uncalibrated "
                                      "default instead of the shipped calibration (use with --sweeps 2)."),
    sweeps: int = typer.Option(1, "--sweeps", help="Passes over the plan (1-5); later passes refit each step with "
                                                   "every other parameter at its latest value."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table."),
) -> None:
    """Fit the whole model's effect-size parameters to the published targets (sequential grid posteriors)."""
    from ..calibrate.whole_effects import PLAN, calibrate_whole, compare_with, write_calibration
    from ..model.library import whole_calibration
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json
    from ..spec import did_you_mean

    stdout, stderr = _consoles()
    with _user_errors():
        names = [s.parameter.name for s in PLAN]
        for o in only or []:
            if o not in names:
                raise SpecError(f"The '--only' parameter must be one of the calibration steps ({', '.join(names)})."
                                f"{did_you_mean(o, names)} Got {o!r} instead.")
        if not (0 < scale <= 1):
            raise SpecError(f"The '--scale' must be in (0, 1]. Got {scale!r} instead.")
        if not 3 <= grid <= 41:
            raise SpecError(f"The '--grid' must be between 3 and 41 points. Got {grid!r} instead.")
        if not 1 <= sweeps <= 5:
            raise SpecError(f"The '--sweeps' must be between 1 and 5. Got {sweeps!r} instead.")
        check_output_dir(out, overwrite=overwrite)
        steps = tuple(s for s in PLAN if not only or s.parameter.name in only)
        with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                      console=stderr, disable=quiet, transient=False) as bar:
            task = bar.add_task("calibrating", total=1.0)
            result = calibrate_whole(n_grid=grid, scale=scale, seed=seed, steps=steps, from_scratch=from_scratch,
                                     sweeps=sweeps,
                                     progress=lambda f, m="": bar.update(task, completed=f, description=m))
        result["comparison_with_shipped"] = compare_with(result, whole_calibration())
        with staged_output_dir(out, overwrite=overwrite) as stage:
            write_json(jsonable(result), stage / "calibration.json")
            roles = stage / "roles.toml"
            from importlib import resources

            roles.write_text((resources.files("pnisim") / "data" / "calibration" / "roles.toml").read_text(
                encoding="utf-8"), encoding="utf-8")
            write_calibration(result, stage / "whole.toml", roles)
    if not quiet:
        table = Table(title="Calibration of the whole model (effect sizes)")
        for col in ("Parameter", "Best", "95 % credible", "Shipped", "Within", "Fitted to", "Held out", "Identified"):
            table.add_column(col)
        shipped = {c["parameter"]: c for c in result["comparison_with_shipped"]}
        for f in result["fits"]:
            c = shipped.get(f["parameter"])
            table.add_row(f["parameter"], _fmt(f["best"]), f"{_fmt(f['credible_95'][0])} to "
                          f"{_fmt(f['credible_95'][1])}", _fmt(c["reference_best"]) if c else "-",
                          ("yes" if c["within"] else "NO") if c else "-", ", ".join(f["fitted_targets"]),
                          ", ".join(f["held_out_targets"]) or "-", "no (flat profile)" if f["profile_flat"] else "yes")
        stdout.print(table)
    if result["warnings"]:
        # never silently accepted: printed even with --quiet, and kept in calibration.json
        warn = Table(title="Fits the data do not pin down (values are choices, not estimates)")
        for col in ("Parameter", "Problem", "Detail"):
            warn.add_column(col)
        for w in result["warnings"]:
            warn.add_row(w["parameter"], w["problem"], w["detail"])
        stderr.print(warn)
    stdout.print(f"Wrote whole.toml, roles.toml and calibration.json to {out}/ (copy whole.toml and roles.toml "
                 "into src/pnisim/data/calibration/ to ship them).", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


@app.command()
def sensitivity(
    spec: Path = typer.Argument(..., help="Sensitivity file (.toml, .yaml or .yml): base scenario, parameters "
                                          "with ranges, outputs, method (morris and/or sobol)."),
    out: Path = typer.Option(Path("pnisim-sensitivity"), "--out", "-o", help="Output directory."),
    json_output: bool = typer.Option(False, "--json", help="Print the ranked indices as one JSON object on stdout."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table (the disclaimer stays)."),
    top: int = typer.Option(10, "--top", help="Parameters shown per output in the table (all are written)."),
) -> None:
    """Global sensitivity analysis (Morris screening, Sobol' S1/ST with bootstrap CIs) of model endpoints; write
    sensitivity.nc, samples.nc, indices.json, sensitivity.json, figures/ and report.html."""
    from ..calibrate.sensitivity import figure_png, figures, load_sensitivity, render_sensitivity_report, \
        run_sensitivity
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json, write_netcdf

    stdout, stderr = _consoles()
    with _user_errors():
        s = load_sensitivity(spec)
        if top < 1:
            raise SpecError(f"The '--top' must be an integer >= 1. Got {top} instead.")
        check_output_dir(out, overwrite=overwrite)  # refuse before a long run, not after it
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            console=stderr, disable=quiet or json_output, transient=False,
        ) as bar:
            task = bar.add_task("sampling", total=1.0)
            result = run_sensitivity(s, progress=lambda f, m="": bar.update(task, completed=min(max(f, 0.0), 1.0),
                                                                            description=m or "simulating"))
        summary = jsonable(result.as_dict())
        pngs = {name: figure_png(fig) for name, fig in figures(result).items()}
        with staged_output_dir(out, overwrite=overwrite) as stage:
            write_netcdf(result.indices, stage / "sensitivity.nc")
            write_netcdf(result.samples, stage / "samples.nc")
            write_json(summary, stage / "indices.json")
            write_json(s.model_dump(mode="json"), stage / "sensitivity.json")
            (stage / "figures").mkdir()
            for name, png in pngs.items():
                (stage / "figures" / name).write_bytes(png)
            (stage / "report.html").write_text(render_sensitivity_report(result, pngs), encoding="utf-8")
    if json_output:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        stderr.print(DISCLAIMER, style="bold yellow", markup=False)
        return
    if not quiet:
        for o in summary["outputs"]:
            rows = o["ranking"]
            cols = [c for c in ("ST", "ST_conf", "S1", "S1_conf", "mu_star", "sigma") if c in rows[0]]
            table = Table(title=f"Sensitivity — {o['output']}: {o['description']} ({o['unit']})",
                          caption=f"over the samples: mean {_fmt(o['mean'])}, SD {_fmt(o['sd'])}"
                                  + (f"; {o['failed_runs']} run(s) failed" if o["failed_runs"] else ""))
            table.add_column("Rank", justify="right")
            table.add_column("Parameter")
            for c in cols:
                table.add_column({"ST_conf": "± ST", "S1_conf": "± S1", "mu_star": "mu*"}.get(c, c),
                                 justify="right")
            for r in rows[:top]:
                table.add_row(str(r["rank"]), r["parameter"], *(_fmt(r[c]) for c in cols))
            stdout.print(table)
        for note in summary["notes"]:
            stdout.print(note, style="yellow", markup=False)
        stdout.print(f"Wrote sensitivity.nc, samples.nc, indices.json, sensitivity.json, {len(pngs)} figures and "
                     f"report.html to {out}/ ({summary['n_runs']} runs).", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


@app.command("export-petab")
def export_petab_command(
    problem: str = typer.Argument(..., help="Time-course problem: lps (Windoloski 2024 LPS bolus, n = 20), "
                                            "cortisol_day (Carroll 2007 24-h cortisol) or tsst (Nelson TSST)."),
    out: Path = typer.Option(Path("pnisim-petab"), "--out", "-o", help="Output directory (problem.yaml and tables)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output directory."),
) -> None:
    """Export a time-course calibration problem to PEtab v1 (SBML model, conditions, observables, measurements,
    parameters) for pyPESTO / AMICI users."""
    from ..calibrate.petab_export import export_petab
    from ..calibrate.timecourse import CortisolDayProblem, LpsProblem, TsstProblem
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..spec import did_you_mean

    problems = {"lps": LpsProblem, "cortisol_day": CortisolDayProblem, "tsst": lambda: TsstProblem(relative=False)}
    stdout, _ = _consoles()
    with _user_errors():
        if problem not in problems:
            raise SpecError(f"The time-course problem must be one of {', '.join(problems)}."
                            f"{did_you_mean(problem, list(problems))} Got {problem!r} instead.")
        check_output_dir(out, overwrite=overwrite)
        with staged_output_dir(out, overwrite=overwrite) as stage:
            export_petab(problems[problem](), stage)
    stdout.print(f"Wrote the PEtab problem {problem!r} to {out}/ (problem.yaml).", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


# ------------------------------------------------------------------------------------------------- model
@app.command("model")
def model_command(
    model: str = typer.Option(
        "core", "--model", "-m", help="a model name: core, whole, or a module's stand-alone model (see the error "
                                      "message for the full list)"
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the description as JSON."),
) -> None:
    """Describe a model: states, parameters, inputs, couplings, observables, equations, references."""
    from ..io.writers import jsonable
    from ..model.library import get_model
    from .describe import describe_model

    stdout, _ = _consoles()
    with _user_errors():
        info = describe_model(get_model(model))
    if json_output:
        sys.stdout.write(json.dumps(jsonable(info), ensure_ascii=False, indent=2) + "\n")
        return

    def table(title: str, columns: list[str], rows) -> None:
        t = Table(title=title, title_justify="left", show_lines=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*(_fmt(x) if not isinstance(x, str) else x for x in r))
        stdout.print(t)

    stdout.print(f"[bold]{info['name']}[/bold] — {info['title']}", markup=True, highlight=False)
    stdout.print(f"time unit: {info['time_unit']}. {info['notes']}", markup=False)
    table("States", ["name", "unit", "module", "initial"],
          [(s["name"], s["unit"], s["module"], s["initial"]) for s in info["states"]])
    table("Parameters", ["name", "value", "unit", "bounds", "cv", "source", "grade"],
          [(p["name"], p["value"], p["unit"], f"[{p['bounds'][0]:.4g}, {p['bounds'][1]:.4g}]", p["cv"], p["source"],
            p["grade"]) for p in info["parameters"]])
    table("Inputs", ["name", "unit", "default", "modules", "description"],
          [(u["name"], u["unit"], u["default"], ", ".join(u["modules"]), u["description"]) for u in info["inputs"]])
    table("Modules", ["name", "title", "grade", "citation"],
          [(m["name"], m["title"], m["grade"], m["citation"] + (f" doi:{m['doi']}" if m["doi"] else ""))
           for m in info["modules"]])
    table("Couplings", ["name", "description", "grade", "citation"],
          [(c["name"], c["description"], c["grade"], c["citation"]) for c in info["couplings"]])
    table("Observables", ["name", "unit", "description", "expression"],
          [(o["name"], o["unit"], o["description"], o["expression"]) for o in info["observables"]])
    table("Equations  d(state)/dt = expression", ["module", "state", "tag", "expression"],
          [(e["module"], e["state"], e["tag"], e["expression"]) for e in info["equations"]])
    stdout.print("[bold]References[/bold]")
    for k, ref in enumerate(info["references"], 1):
        doi = f" doi:{ref['doi']}" if ref["doi"] else ""
        stdout.print(f"{k}. {ref['citation']}{doi}", markup=False, soft_wrap=True)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


# ------------------------------------------------------------------------------------------------- evidence
@app.command("evidence")
def evidence_command(
    model: str = typer.Option("whole", "--model", "-m", help="model whose evidence to list (default: whole)"),
    out: Path = typer.Option(Path("pnisim-evidence"), "--out", "-o", help="directory for evidence.html and "
                             "evidence.graphml"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing output directory"),
) -> None:
    """List every module, coupling and scenario element with its source and evidence grade; write the causal
    graph as an interactive HTML page and as GraphML."""
    from ..evidence.graph import evidence_html, evidence_items, write_graphml
    from ..io.outdir import staged_output_dir
    from ..model.library import get_model
    from ..scenario.registry import EXPOSURE_CLASSES

    stdout, _ = _consoles()
    with _user_errors():
        m = get_model(model)
        items = evidence_items(m, EXPOSURE_CLASSES)

        with staged_output_dir(out, overwrite=overwrite) as tmp:  # nothing appears unless all is written
            (tmp / "evidence.html").write_text(evidence_html(m, EXPOSURE_CLASSES), encoding="utf-8")
            write_graphml(m, tmp / "evidence.graphml")
    t = Table(title=f"Evidence behind model '{m.name}'", title_justify="left")
    for c in ("kind", "name", "what", "source", "grade"):
        t.add_column(c, overflow="fold")
    for i in items:
        t.add_row(i.kind, i.name, i.description, i.source, i.grade)
    stdout.print(t)
    stdout.print(f"Wrote {out}/evidence.html and {out}/evidence.graphml", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


# ------------------------------------------------------------------------------------------------- export-sbml
@app.command("export-sbml")
def export_sbml(
    out: Path = typer.Argument(..., help="Output SBML file (e.g. model.xml)."),
    scenario_path: Path | None = typer.Option(None, "--scenario", "-s", help="Scenario file (default: built-in)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Model name (default: the scenario's model)."),
) -> None:
    """Write the model as SBML L3V2 with the first individual's parameters, inputs and scenario events."""
    from ..engine.sbml import write_sbml
    from ..io.writers import atomic_path
    from ..scenario.build import plan

    stdout, _ = _consoles()
    with _user_errors():
        if model is not None and scenario_path is None:
            # the default scenario is written for the core model; another model alone keeps its published values
            from ..model.library import get_model

            chosen, kwargs, what = get_model(model), {}, "its published parameter values, no events"
        else:
            scenario = _load_scenario(scenario_path)
            if model is not None:
                scenario = _with_model(scenario, model)
            p = plan(scenario)
            chosen, what = p.model, f"scenario {scenario.name!r}, individual {p.individual_ids[0]}"
            kwargs = {"events": list(_first(p.events))}
            for name in ("parameters", "inputs", "initial_state"):
                value = getattr(p, name, None)
                if value is not None:
                    kwargs[name] = _first(value)
        with atomic_path(out) as tmp:
            write_sbml(chosen, tmp, **kwargs)
    stdout.print(f"Wrote SBML of model {chosen.name!r} ({what}) to {out}", markup=False)
    stdout.print(DISCLAIMER, style="bold yellow", markup=False)


def _first(per_individual):
    """The first individual's entry of a per-individual array or list (a shared 1-D value stays as is)."""
    import numpy as np

    if isinstance(per_individual, np.ndarray):
        return per_individual[0] if per_individual.ndim == 2 else per_individual
    seq = list(per_individual)
    if seq and isinstance(seq[0], (list, tuple)):
        return seq[0]
    return seq


def _with_model(scenario, model: str):
    """The scenario with its model replaced, validated again (an exposure the model cannot take is a SpecError)."""
    from ..scenario.loading import parse_scenario

    data = scenario.model_dump(mode="json", exclude_none=True)
    data["model"] = model
    return parse_scenario(data)


# ------------------------------------------------------------------------------------------------- schema
@app.command()
def schema(
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the schema to this file instead of stdout."),
    trial: bool = typer.Option(False, "--trial", help="The schema of trial files instead of scenario files "
                                                       "(same as --kind trial)."),
    kind: str = typer.Option("scenario", "--kind", help="Kind of spec file: scenario, trial or sensitivity."),
) -> None:
    """Print (or write) the JSON Schema of scenario files (or, with --kind, of another kind of spec file)."""
    from ..io.specs import json_schema
    from ..io.writers import write_json

    with _user_errors():
        if trial and kind not in ("scenario", "trial"):
            raise SpecError(f"The '--trial' flag asks for the trial schema, so '--kind' must be trial or left out. "
                            f"Got {kind!r} instead.")
        kind = "trial" if trial else kind
        doc = json_schema(kind)
        if out is not None:
            write_json(doc, out)
            _consoles()[0].print(f"Wrote the {kind} JSON Schema to {out}", markup=False)
            return
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover
    app()
