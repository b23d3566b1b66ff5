"""The shipped example trials run from the CLI and write the full report (issue 4 'done means'); here with a few
participants per arm so the suite stays fast — the designs, arms, endpoints and analyses are the examples' own."""

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pnisim.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TRIALS = ["shields2020_cbt_immune.toml", "cbt_vs_biologic_depression.toml", "vns_ra.toml"]


@pytest.mark.parametrize("name", TRIALS)
def test_example_trial_runs_from_the_cli_and_writes_the_report(tmp_path, name):
    data = tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    data["population"]["per_arm"] = 6
    spec = tmp_path / f"{Path(name).stem}.yaml"
    spec.write_text(json.dumps(data))
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["trial", str(spec), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    page = (out / "report.html").read_text(encoding="utf-8")
    for section in ("Trajectories", "Forest plot", "Power", "Estimates"):
        assert f"<h2>{section}" in page
    summary = json.loads((out / "estimates.json").read_text())
    assert summary["screening"]["randomised"] == 6 * len(data["arms"])
    kinds = {e.get("kind", "change") for e in data["endpoints"]}
    assert kinds <= {e["kind"] for e in summary["estimates"]}
    # every example prices its arms: PHQ-9 (Kolovos 2017) or DAS28 -> HAQ -> HUI-3 utilities
    assert len(summary["cost_effectiveness"]) == len(data["arms"]) - 1
    assert "id='cost-effectiveness'" in page or 'id="cost-effectiveness"' in page
    assert "Research use only, not medical advice." in page
