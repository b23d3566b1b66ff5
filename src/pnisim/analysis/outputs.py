"""Everything a run leaves on disk, written as one atomic output directory.

``results.nc`` (the Dataset), ``results.csv`` (tidy observables), ``figures/*.png``, ``report.html``,
``summary.json`` and ``scenario.json`` (the validated spec). All of it is computed first and written into a
staging directory that is renamed into place at the end, so a failure leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import xarray as xr

from ..io.outdir import staged_output_dir
from ..io.writers import write_json, write_netcdf, write_tidy_csv
from .figures import figure_pngs
from .report import render_report
from .summary import Row, summary_dict

__all__ = ["write_run_directory"]


def write_run_directory(ds: xr.Dataset, scenario, out: str | os.PathLike, *, overwrite: bool = False,
                        uncertainty: dict | None = None) -> dict:
    """Write the run's output directory; return the summary (as in ``summary.json``), with the file list
    under ``outputs``. Raises ``FileExistsError`` for a non-empty ``out`` unless ``overwrite``. ``uncertainty``
    ({quantity: {p5, p50, p95, draws}} over posterior draws) is added to the summary and the report."""
    out = Path(out)
    summary = summary_dict(ds, scenario)
    if uncertainty is not None:
        summary["uncertainty"] = uncertainty
    rows = [Row(**r) for r in summary["rows"]]
    pngs = figure_pngs(ds, scenario)
    html = render_report(ds, scenario, rows=rows, figures=pngs, uncertainty=uncertainty)
    files = ["results.nc", "results.csv", *(f"figures/{n}" for n in pngs), "report.html", "summary.json",
             "scenario.json"]
    summary["outputs"] = {"directory": str(out), "files": files}
    with staged_output_dir(out, overwrite=overwrite) as stage:
        write_netcdf(ds, stage / "results.nc")
        write_tidy_csv(ds, stage / "results.csv")
        (stage / "figures").mkdir()
        for name, png in pngs.items():
            (stage / "figures" / name).write_bytes(png)
        (stage / "report.html").write_text(html, encoding="utf-8")
        write_json(summary, stage / "summary.json")
        write_json(scenario, stage / "scenario.json")
    return summary
