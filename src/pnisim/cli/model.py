"""What a model is: `pnisim model` (its description), `pnisim evidence` (the graded sources behind it),
`pnisim export-sbml` and `pnisim schema` (the JSON Schema of scenario and trial files)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import SpecError

from .common import (consoles, fmt, json_option, load_scenario, out_option, overwrite_option, print_disclaimer,
                     print_json, user_errors)

__all__ = ["model_command", "evidence_command", "export_sbml", "schema"]


def model_command(
    model: str = typer.Option(
        "core", "--model", "-m", help="a model name: core, whole, or a module's stand-alone model (see the error "
                                      "message for the full list)"
    ),
    json_output: bool = json_option("Print the description as JSON."),
) -> None:
    """Describe a model: states, parameters, inputs, couplings, observables, equations, references."""
    from ..io.writers import jsonable
    from ..model.describe import describe_model
    from ..model.library import get_model

    stdout, _ = consoles()
    with user_errors():
        info = describe_model(get_model(model))
    if json_output:
        print_json(jsonable(info), indent=2)
        return

    def table(title: str, columns: list[str], rows) -> None:
        t = Table(title=title, title_justify="left", show_lines=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*(fmt(x) if not isinstance(x, str) else x for x in r))
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
    print_disclaimer(stdout)


def evidence_command(
    model: str = typer.Option("whole", "--model", "-m", help="model whose evidence to list (default: whole)"),
    out: Path = out_option(Path("pnisim-evidence"), "directory for evidence.html and evidence.graphml"),
    overwrite: bool = overwrite_option("replace an existing output directory"),
) -> None:
    """List every module, coupling and scenario element with its source and evidence grade; write the causal
    graph as an interactive HTML page and as GraphML."""
    from ..evidence.graph import evidence_html, evidence_items, write_graphml
    from ..io.outdir import staged_output_dir
    from ..model.library import get_model
    from ..scenario.registry import EXPOSURE_CLASSES

    stdout, _ = consoles()
    with user_errors():
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
    print_disclaimer(stdout)


def export_sbml(
    out: Path = typer.Argument(..., help="Output SBML file (e.g. model.xml)."),
    scenario_path: Path | None = typer.Option(None, "--scenario", "-s", help="Scenario file (default: built-in)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Model name (default: the scenario's model)."),
) -> None:
    """Write the model as SBML L3V2 with the first individual's parameters, inputs and scenario events."""
    from ..engine.sbml import write_sbml
    from ..io.writers import atomic_path
    from ..scenario.sbml_export import model_sbml, scenario_sbml

    stdout, _ = consoles()
    with user_errors():
        if model is not None and scenario_path is None:
            export = model_sbml(model)  # the default scenario is written for the core model
        else:
            export = scenario_sbml(load_scenario(scenario_path), model=model)
        with atomic_path(out) as tmp:
            write_sbml(export.model, tmp, **export.arguments)
    stdout.print(f"Wrote SBML of model {export.model.name!r} ({export.description}) to {out}", markup=False)
    print_disclaimer(stdout)


def schema(
    out: Path | None = out_option(None, "Write the schema to this file instead of stdout."),
    trial: bool = typer.Option(False, "--trial", help="The schema of trial files instead of scenario files "
                                                       "(same as --kind trial)."),
    kind: str = typer.Option("scenario", "--kind", help="Kind of spec file: scenario, trial or sensitivity."),
) -> None:
    """Print (or write) the JSON Schema of scenario files (or, with --kind, of another kind of spec file)."""
    from ..io.specs import json_schema
    from ..io.writers import write_json

    with user_errors():
        if trial and kind not in ("scenario", "trial"):
            raise SpecError(f"The '--trial' flag asks for the trial schema, so '--kind' must be trial or left out. "
                            f"Got {kind!r} instead.")
        kind = "trial" if trial else kind
        doc = json_schema(kind)
        if out is not None:
            write_json(doc, out)
            consoles()[0].print(f"Wrote the {kind} JSON Schema to {out}", markup=False)
            return
    print_json(doc, indent=2)
