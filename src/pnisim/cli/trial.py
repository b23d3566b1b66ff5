"""`pnisim trial` (one in-silico randomised trial) and `pnisim meta` (k simulated trials pooled)."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.table import Table

from ..errors import SpecError
from .common import (DISCLAIMER, consoles, fmt, json_option, out_option, overwrite_option, print_disclaimer,
                     print_json, progress_bar, quiet_option, reporter, user_errors)

__all__ = ["trial", "meta"]


def trial(
    spec: Path = typer.Argument(..., help="Trial file (.toml, .yaml or .yml)."),
    out: Path = out_option(Path("pnisim-trial")),
    json_output: bool = json_option("Print the estimates as one JSON object on stdout."),
    overwrite: bool = overwrite_option(),
    quiet: bool = quiet_option(),
    uncertainty: int = typer.Option(0, "--uncertainty", help="Also re-run the trial with N draws of the calibrated "
                                                             "parameters: 90 % posterior band of every estimate."),
) -> None:
    """Run an in-silico randomised trial and write trial.nc, estimates.json, trial.json and report.html."""
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json, write_netcdf
    from ..trial.report import render_trial_report
    from ..trial.run import run_trial
    from ..trial.spec import load_trial

    stdout, stderr = consoles()
    with user_errors():
        t = load_trial(spec)
        check_output_dir(out, overwrite=overwrite)
        with progress_bar(stderr, disable=quiet) as bar:
            task = bar.add_task("screening", total=1.0)
            result = run_trial(t, progress=reporter(bar, task))
            band = None
            if uncertainty:
                from ..calibrate.bands import trial_band

                band = trial_band(t, uncertainty,
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
        print_json(jsonable(summary))
        print_disclaimer(stderr)
        return
    if not quiet:
        sc = result.screening
        table = Table(title=f"Trial — {t.name}",
                      caption=f"screened {sc['screened']}, passed {sc['passed']} ({100 * sc['pass_rate']:.1f} %), "
                              f"randomised {sc['randomised']}")
        for col in ("Endpoint", "Arm vs control", "Statistic", "Estimate", "95 % CI", "p"):
            table.add_column(col, justify="right" if col in ("Estimate", "p") else "left")
        for e in result.estimates:
            ci = "" if e["ci_low"] is None else f"{fmt(e['ci_low'])} to {fmt(e['ci_high'])}"
            table.add_row(e["endpoint"], f"{e['arm']} vs {e['control']}", e["name"], fmt(e["estimate"]), ci,
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
    print_disclaimer(stdout)


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
    out: Path = out_option(None, "Also write meta.json and forest.svg here."),
    json_output: bool = json_option("Print the result as one JSON object."),
    overwrite: bool = overwrite_option(),
) -> None:
    """Simulate k trials of one protocol, pool them by random effects and compare with a published result."""
    from ..io.outdir import check_output_dir, staged_output_dir
    from ..io.writers import jsonable, write_json
    from ..trial.meta_sim import published_from_target, simulate_meta
    from ..trial.spec import load_trial

    stdout, stderr = consoles()
    with user_errors():
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
        with progress_bar(stderr, disable=json_output) as bar:
            task = bar.add_task("trials", total=1.0)
            res = simulate_meta(t, ns, endpoint=endpoint, statistic=statistic, sign=sign, method=method,
                                published=pub, progress=lambda f, m="": bar.update(task, completed=f, description=m))
        payload = jsonable(res.as_dict())
        if out is not None:
            with staged_output_dir(out, overwrite=overwrite) as stage:
                write_json(payload, stage / "meta.json")
                res.figure().savefig(stage / "forest.svg")
    if json_output:
        print_json(payload)
    else:
        stdout.print(res.table(), markup=False)
        if out is not None:
            stdout.print(f"Wrote meta.json and forest.svg to {out}/.", markup=False)
    print_disclaimer(stderr if json_output else stdout)
