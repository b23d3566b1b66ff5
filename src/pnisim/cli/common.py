"""What every `pnisim` command shares: consoles, the user-error handler, the progress bar, number formatting,
JSON and disclaimer printing, and the option declarations several commands repeat (same flags, same help)."""

from __future__ import annotations

import contextlib
import json
import math
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn

from ..disclaimer import DISCLAIMER
from ..errors import PnisimWarning, SpecError

__all__ = [
    "DISCLAIMER", "consoles", "show_warnings", "user_errors", "load_scenario", "fmt", "progress_bar", "reporter", "print_json",
    "print_disclaimer", "out_option", "overwrite_option", "quiet_option", "json_option",
]


def consoles() -> tuple[Console, Console]:
    """(stdout, stderr) consoles, made per command so they bind to the current streams. Piped output gets a
    wide fixed width so names and citations are not wrapped mid-word."""
    def make(stream, stderr: bool) -> Console:
        wide = None if stream.isatty() else 200
        return Console(stderr=stderr, width=wide, highlight=False)

    return make(sys.stdout, False), make(sys.stderr, True)


def show_warnings() -> None:
    """Print pnisim's warnings as one yellow line ``warning: <message>`` on stderr (others as Python prints them)."""
    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, PnisimWarning):
            Console(stderr=True, highlight=False).print(f"warning: {message}", style="yellow", markup=False,
                                                        soft_wrap=True)
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
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


def load_scenario(spec: Path | None):
    """The scenario in ``spec``, or the built-in one when no file is given."""
    from ..scenario.build import default_scenario
    from ..scenario.loading import load_scenario as load

    return default_scenario() if spec is None else load(spec)  # a missing file is a SpecError there


def fmt(value) -> str:
    """A number for a table cell: 4 significant digits, ``n/a`` for a missing value."""
    if isinstance(value, str):
        return value
    if value is None or math.isnan(value):
        return "n/a"
    if abs(value) < 1e-9:
        return "0"  # solver round-off around an exact zero is not a finding
    return f"{value:.4g}"


def progress_bar(console: Console, *, disable: bool) -> Progress:
    """The bar long commands draw on stderr (description, bar, percentage, elapsed time); kept when done."""
    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                    console=console, disable=disable, transient=False)


def reporter(bar: Progress, task: TaskID, idle: str = "simulating") -> Callable[..., None]:
    """A library ``progress(fraction, message)`` callback moving ``task``: the fraction clamped to [0, 1], an
    empty message shown as ``idle``."""
    def report(fraction: float, message: str = "") -> None:
        bar.update(task, completed=min(max(float(fraction), 0.0), 1.0), description=message or idle)

    return report


def print_json(doc: Any, *, indent: int | None = None) -> None:
    """``doc`` as one JSON document on stdout, bypassing rich so it stays machine-readable."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=indent) + "\n")


def print_disclaimer(console: Console, text: str = DISCLAIMER) -> None:
    console.print(text, style="bold yellow", markup=False)


# Option declarations several commands share; a factory per option since typer needs a fresh OptionInfo per use.
def out_option(default: Path | None, help: str = "Output directory.") -> Any:
    return typer.Option(default, "--out", "-o", help=help)


def overwrite_option(help: str = "Replace a non-empty output directory.") -> Any:
    return typer.Option(False, "--overwrite", help=help)


def quiet_option(help: str = "No progress bar or table (the disclaimer stays).") -> Any:
    return typer.Option(False, "--quiet", "-q", help=help)


def json_option(help: str) -> Any:
    return typer.Option(False, "--json", help=help)
