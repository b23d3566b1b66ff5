"""The command line stays a thin layer: small modules, one per group of commands, and every command reachable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pnisim.cli.main import COMMANDS, app

CLI = Path(__file__).resolve().parents[2] / "src" / "pnisim" / "cli"
MAX_LINES = 300
EXPECTED = ["run", "trial", "validate", "meta", "calibrate", "sensitivity", "export-petab", "model", "evidence",
            "export-sbml", "schema"]


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_every_cli_module_stays_small(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.name} has {n} lines; move logic into the library or split the command group"


def test_help_lists_every_command_in_order():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^│ (\S+)\s{2,}", result.stdout.split("Commands")[1], flags=re.MULTILINE)
    assert listed == EXPECTED
    assert list(COMMANDS) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_command_has_help(name):
    result = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert f"pnisim {name}" in result.stdout
