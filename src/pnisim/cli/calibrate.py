"""`pnisim calibrate` (the whole model's effect sizes against the published targets) and `pnisim export-petab`
(a time-course calibration problem for other tools)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import SpecError
from .common import (consoles, fmt, out_option, overwrite_option, print_disclaimer, progress_bar, quiet_option,
                     user_errors)

__all__ = ["calibrate", "export_petab_command"]


def calibrate(
    out: Path = out_option(Path("pnisim-calibration"), "Output directory (whole.toml, calibration.json)."),
    grid: int = typer.Option(7, "--grid", help="Grid points per parameter (3-41)."),
    scale: float = typer.Option(1.0, "--scale", help="Shrink every study's N (0-1] for a quick run."),
    only: list[str] = typer.Option(None, "--only", help="Fit only the steps of these parameters (repeatable)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the simulated studies (common random numbers)."),
    from_scratch: bool = typer.Option(False, "--from-scratch", help="Start every plan parameter at its uncalibrated "
                                      "default instead of the shipped calibration (use with --sweeps 2)."),
    sweeps: int = typer.Option(1, "--sweeps", help="Passes over the plan (1-5); later passes refit each step with "
                                                   "every other parameter at its latest value."),
    overwrite: bool = overwrite_option(),
    quiet: bool = quiet_option("No progress bar or table."),
) -> None:
    """Fit the whole model's effect-size parameters to the published targets (sequential grid posteriors)."""
    from ..calibrate.whole_effects import PLAN, calibrate_whole, compare_with, complete_with, write_calibration
    from ..model.library import whole_calibration
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json
    from ..spec import did_you_mean

    stdout, stderr = consoles()
    with user_errors():
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
        with progress_bar(stderr, disable=quiet) as bar:
            task = bar.add_task("calibrating", total=1.0)
            result = calibrate_whole(n_grid=grid, scale=scale, seed=seed, steps=steps, from_scratch=from_scratch,
                                     sweeps=sweeps,
                                     progress=lambda f, m="": bar.update(task, completed=f, description=m))
        shipped = whole_calibration()
        result["comparison_with_shipped"] = compare_with(result, shipped)
        if only and not from_scratch:  # the other steps keep their shipped values: the output is a whole calibration
            result = complete_with(result, shipped)
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
            table.add_row(f["parameter"], fmt(f["best"]), f"{fmt(f['credible_95'][0])} to "
                          f"{fmt(f['credible_95'][1])}", fmt(c["reference_best"]) if c else "-",
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
    print_disclaimer(stdout)


def export_petab_command(
    problem: str = typer.Argument(..., help="Time-course problem: lps (Windoloski 2024 LPS bolus, n = 20), "
                                            "cortisol_day (Carroll 2007 24-h cortisol) or tsst (Nelson TSST)."),
    out: Path = out_option(Path("pnisim-petab"), "Output directory (problem.yaml and tables)."),
    overwrite: bool = overwrite_option(),
) -> None:
    """Export a time-course calibration problem to PEtab v1 (SBML model, conditions, observables, measurements,
    parameters) for pyPESTO / AMICI users."""
    from ..calibrate.petab_export import export_petab, petab_problem
    from ..io.outdir import check_output_dir, staged_output_dir

    stdout, _ = consoles()
    with user_errors():
        chosen = petab_problem(problem)
        check_output_dir(out, overwrite=overwrite)
        with staged_output_dir(out, overwrite=overwrite) as stage:
            export_petab(chosen, stage)
    stdout.print(f"Wrote the PEtab problem {problem!r} to {out}/ (problem.yaml).", markup=False)
    print_disclaimer(stdout)
