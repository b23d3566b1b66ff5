"""`pnisim validate`: every shipped evidence target simulated with a design mirroring its source."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from .common import (consoles, fmt, json_option, out_option, overwrite_option, print_disclaimer, print_json,
                     progress_bar, quiet_option, reporter, user_errors)

__all__ = ["validate"]


def validate(
    out: Path = out_option(None, "Also write validation.json and report.html here."),
    json_output: bool = json_option("Print one JSON object: summary and one record per target part (id, metric, "
                                    "target, target_ci, simulated, simulated_ci, passed, ...)."),
    only: list[str] = typer.Option(None, "--only", help="Validate only these target ids (repeatable)."),
    seed: int = typer.Option(0, "--seed", help="Seed of every simulated study."),
    scale: float = typer.Option(1.0, "--scale", help="Shrink every study's N by this factor (0-1] for a quick "
                                                     "look; pass rates are quoted at 1."),
    replicates: int = typer.Option(1, "--replicates", help="Repeat every simulated study with R independent "
                                   "seeds (1-50): the report draws each target against the R estimates, and each "
                                   "record gains the fraction of replicate studies that pass."),
    overwrite: bool = overwrite_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Simulate every shipped evidence target with a design mirroring its source; print target vs simulated."""
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json
    from ..validation.report import render_validation_report
    from ..validation.run import validate as run_validation

    stdout, stderr = consoles()
    with user_errors():
        if out is not None:
            check_output_dir(out, overwrite=overwrite)
        with progress_bar(stderr, disable=quiet or json_output) as bar:
            task = bar.add_task("validating", total=1.0)
            result = run_validation(list(only) if only else None, seed=seed, scale=scale, replicates=replicates,
                                    progress=reporter(bar, task, "validating"))
        summary = jsonable(result.as_dict())
        if out is not None:
            with staged_output_dir(out, overwrite=overwrite) as stage:
                write_json(summary, stage / "validation.json")
                (stage / "report.html").write_text(render_validation_report(result), encoding="utf-8")
    if json_output:
        print_json(summary)
        print_disclaimer(stderr)
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
            tci = "" if r.target_ci is None else f" ({fmt(r.target_ci[0])} to {fmt(r.target_ci[1])})"
            sci = "" if r.simulated_ci is None else f" ({fmt(r.simulated_ci[0])} to {fmt(r.simulated_ci[1])})"
            style = {"passed": "green", "failed": "red"}.get(r.status, "yellow")
            table.add_row(r.id, r.role, r.metric, f"{fmt(r.target)}{tci}", f"{fmt(r.simulated)}{sci}",
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
    print_disclaimer(stdout)
