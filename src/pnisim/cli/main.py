"""`pnisim` command line: run a scenario, describe a model, export SBML, print the scenario schema.

Thin by design: parse -> call the library -> write/print; one module per group of commands, what they share in
:mod:`.common`. User errors (an invalid spec, a missing file, an output directory in the way) print one red line
``error: <message>`` on stderr and exit with code 2 before anything is written; any other exception is a bug
and propagates with its traceback.
"""

from __future__ import annotations

import typer

from .. import __version__
from . import calibrate, model, run, sensitivity, trial, validate
from .common import DISCLAIMER, show_warnings

__all__ = ["app", "COMMANDS"]

app = typer.Typer(
    name="pnisim",
    help=f"pnisim — an open, evidence-graded simulator of the psychoneuroimmune system. {DISCLAIMER}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals hold large arrays; a bug's traceback stays readable
)

#: Every command by name, in the order `pnisim --help` lists them.
COMMANDS = {
    "run": run.run,
    "trial": trial.trial,
    "validate": validate.validate,
    "meta": trial.meta,
    "calibrate": calibrate.calibrate,
    "sensitivity": sensitivity.sensitivity,
    "export-petab": calibrate.export_petab_command,
    "model": model.model_command,
    "evidence": model.evidence_command,
    "export-sbml": model.export_sbml,
    "schema": model.schema,
}
for _name, _command in COMMANDS.items():
    app.command(_name)(_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pnisim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """pnisim — research use only, not medical advice."""
    show_warnings()


if __name__ == "__main__":  # pragma: no cover
    app()
