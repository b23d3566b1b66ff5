"""`pnisim sensitivity`: Morris screening and Sobol' indices of model endpoints (SALib)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import SpecError
from .common import (consoles, fmt, json_option, out_option, overwrite_option, print_disclaimer, print_json,
                     progress_bar, quiet_option, reporter, user_errors)

__all__ = ["sensitivity"]

#: Column headers of the index table where they differ from the index's own name.
HEADERS = {"ST_conf": "± ST", "S1_conf": "± S1", "mu_star": "mu*"}


def sensitivity(
    spec: Path = typer.Argument(..., help="Sensitivity file (.toml, .yaml or .yml): base scenario, parameters "
                                          "with ranges, outputs, method (morris and/or sobol)."),
    out: Path = out_option(Path("pnisim-sensitivity")),
    json_output: bool = json_option("Print the ranked indices as one JSON object on stdout."),
    overwrite: bool = overwrite_option(),
    quiet: bool = quiet_option(),
    top: int = typer.Option(10, "--top", help="Parameters shown per output in the table (all are written)."),
) -> None:
    """Global sensitivity analysis (Morris screening, Sobol' S1/ST with bootstrap CIs) of model endpoints; write
    sensitivity.nc, samples.nc, indices.json, sensitivity.json, figures/ and report.html."""
    from ..calibrate.sensitivity import figure_png, figures, load_sensitivity, render_sensitivity_report, \
        run_sensitivity
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json, write_netcdf

    stdout, stderr = consoles()
    with user_errors():
        s = load_sensitivity(spec)
        if top < 1:
            raise SpecError(f"The '--top' must be an integer >= 1. Got {top} instead.")
        check_output_dir(out, overwrite=overwrite)  # refuse before a long run, not after it
        with progress_bar(stderr, disable=quiet or json_output) as bar:
            task = bar.add_task("sampling", total=1.0)
            result = run_sensitivity(s, progress=reporter(bar, task))
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
        print_json(summary)
        print_disclaimer(stderr)
        return
    if not quiet:
        for o in summary["outputs"]:
            rows = o["ranking"]
            cols = [c for c in ("ST", "ST_conf", "S1", "S1_conf", "mu_star", "sigma") if c in rows[0]]
            table = Table(title=f"Sensitivity — {o['output']}: {o['description']} ({o['unit']})",
                          caption=f"over the samples: mean {fmt(o['mean'])}, SD {fmt(o['sd'])}"
                                  + (f"; {o['failed_runs']} run(s) failed" if o["failed_runs"] else ""))
            table.add_column("Rank", justify="right")
            table.add_column("Parameter")
            for c in cols:
                table.add_column(HEADERS.get(c, c), justify="right")
            for r in rows[:top]:
                table.add_row(str(r["rank"]), r["parameter"], *(fmt(r[c]) for c in cols))
            stdout.print(table)
        for note in summary["notes"]:
            stdout.print(note, style="yellow", markup=False)
        stdout.print(f"Wrote sensitivity.nc, samples.nc, indices.json, sensitivity.json, {len(pngs)} figures and "
                     f"report.html to {out}/ ({summary['n_runs']} runs).", markup=False)
    print_disclaimer(stdout)
