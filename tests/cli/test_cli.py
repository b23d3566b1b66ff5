"""The `pnisim` command line, end to end through typer's CliRunner."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from pnisim.cli.main import app

DISCLAIMER = "Research use only, not medical advice."

SHORT = """
name = "short-lps"
model = "core"
description = "two days, an LPS bolus on day 1 at 08:00"

[run]
duration = "2 d"
burn_in = "2 d"
sampling = "30 min"

[[exposures]]
type = "lps_bolus"
day = 1
time = "08:00"
dose = "{dose}"
"""


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def short_spec(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "short.toml"
    path.write_text(SHORT.format(dose="2 ng/kg"))
    return path


@pytest.fixture(scope="module")
def short_run(runner, short_spec, tmp_path_factory):
    """One run of the short spec, shared by the tests that inspect its outputs."""
    out = tmp_path_factory.mktemp("runs") / "out"
    result = runner.invoke(app, ["run", str(short_spec), "--out", str(out)])
    return result, out


# ------------------------------------------------------------------------------------------------- model
def test_model_lists_parameters_units_grades_and_citations(runner):
    result = runner.invoke(app, ["model"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    line = next(ln for ln in out.splitlines() if "hpa.k_crh" in ln)
    assert "1/h" in line and "│ B" in line  # unit and evidence grade on the parameter's row
    assert "Somvanshi PR et al." in out
    for section in ("States", "Parameters", "Inputs", "Couplings", "Observables", "Equations", "References"):
        assert section in out
    assert "dy(1)" in out  # equation tags
    assert DISCLAIMER in out


def test_model_json_and_unknown_model(runner):
    result = runner.invoke(app, ["model", "--model", "somvanshi2020", "--json"])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    k_crh = next(p for p in info["parameters"] if p["name"] == "hpa.k_crh")
    assert k_crh["unit"] == "1/h" and k_crh["grade"] in "ABCD" and len(k_crh["bounds"]) == 2
    assert {"module", "state", "tag", "expression"} <= set(info["equations"][0])
    bad = runner.invoke(app, ["model", "--model", "somvanshi"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: ") and "somvanshi2020" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------------------------------------- run
def test_run_writes_every_output(short_run):
    result, out = short_run
    assert result.exit_code == 0, result.output
    for name in ("results.nc", "results.csv", "report.html", "summary.json", "scenario.json"):
        assert (out / name).is_file(), name
    pngs = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert {"cortisol_run.png", "cortisol_day.png", "lps_cytokines.png", "lps_hpa.png"} <= set(pngs)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no staging leftovers
    assert DISCLAIMER in result.stdout
    assert "TNF-α peak after LPS" in result.stdout  # the summary table


def test_run_netcdf_is_valid(short_run):
    _, out = short_run
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds["cortisol_serum"].dims == ("individual", "time")
        assert ds["cortisol_serum"].attrs["units"] == "nmol/L"
        assert ds["tnf"].attrs["units"] == "pg/mL"
        assert ds["time"].attrs["units"] == "h"
        assert ds.sizes["individual"] == 1 and ds.sizes["time"] == 2 * 48 + 1
        assert ds.attrs["disclaimer"] == DISCLAIMER


def test_run_csv_report_summary_scenario(short_run):
    _, out = short_run
    df = pd.read_csv(out / "results.csv")
    assert list(df.columns) == ["individual", "time_h", "day", "clock_time", "variable", "value", "unit"]
    assert {"cortisol_serum", "tnf", "il6", "il10"} <= set(df["variable"])
    html = (out / "report.html").read_text()
    assert DISCLAIMER in html and "data:image/png;base64," in html and "short-lps" in html
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "short-lps" and summary["disclaimer"] == DISCLAIMER
    scenario = json.loads((out / "scenario.json").read_text())
    assert scenario["name"] == "short-lps" and scenario["exposures"][0]["type"] == "lps_bolus"


def test_run_json_prints_one_object(runner, short_spec, tmp_path):
    result = runner.invoke(app, ["run", str(short_spec), "--out", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)  # nothing else on stdout
    assert summary["scenario"] == "short-lps"
    quantities = {r["quantity"] for r in summary["rows"]}
    assert "TNF-α peak after LPS" in quantities and "Peak order after LPS" in quantities
    assert DISCLAIMER in result.stderr


def test_run_refuses_non_empty_out_without_overwrite(runner, short_spec, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["run", str(short_spec), "--out", str(out), "--quiet"])
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    result = runner.invoke(app, ["run", str(short_spec), "--out", str(out), "--quiet", "--overwrite"])
    assert result.exit_code == 0, result.output
    assert not (out / "keep.txt").exists() and (out / "results.nc").exists()
    assert DISCLAIMER in result.stdout  # even with --quiet


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda s: s.replace('sampling = "30 min"', 'sampling = "30 min"\nsamplng = "1 h"'), "samplng"),
        (lambda s: s.replace("2 ng/kg", "-2 ng/kg"), "dose"),
        (lambda s: s.replace("day = 1", "day = 5"), "day"),
    ],
    ids=["unknown-key", "negative-dose", "event-outside-run"],
)
def test_bad_spec_exit_2_names_field_and_writes_nothing(runner, tmp_path, edit, field):
    spec = tmp_path / "bad.toml"
    spec.write_text(edit(SHORT.format(dose="2 ng/kg")))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(spec), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and f"'{field}'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_missing_spec_file_is_exit_2(runner, tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "nope.toml" in result.stderr
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------------------------------------- schema
def test_schema_stdout_and_file(runner, tmp_path):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "exposures" in schema["properties"]
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "s.json")])
    assert result.exit_code == 0 and json.loads((tmp_path / "s.json").read_text()) == schema


@pytest.mark.parametrize(("args", "kind"), [(["--trial"], "trial"), (["--kind", "trial"], "trial"),
                                            (["--kind", "sensitivity"], "sensitivity"),
                                            (["--kind", "scenario"], "scenario")])
def test_schema_of_each_kind(runner, args, kind):
    result = runner.invoke(app, ["schema", *args])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$id"].endswith(f"/{kind}.schema.json")


def test_schema_of_an_unknown_kind_is_exit_2(runner):
    result = runner.invoke(app, ["schema", "--kind", "trail"])
    assert result.exit_code == 2 and "Did you mean 'trial'" in result.stderr


# ------------------------------------------------------------------------------------------------- export-sbml
HAVE_SBML = importlib.util.find_spec("pnisim.engine.sbml") is not None


@pytest.mark.skipif(not HAVE_SBML, reason="pnisim.engine.sbml is not available yet")
def test_export_sbml_reads_back_without_errors(runner, short_spec, tmp_path):
    import libsbml

    out = tmp_path / "model.xml"
    result = runner.invoke(app, ["export-sbml", str(out), "--scenario", str(short_spec)])
    assert result.exit_code == 0, result.output
    doc = libsbml.readSBMLFromFile(str(out))
    errors = [doc.getError(i) for i in range(doc.getNumErrors())
              if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    assert not errors, [e.getMessage() for e in errors]
    model = doc.getModel()
    assert model.getId() == "core" and model.getNumEvents() >= 1  # the LPS bolus
    assert [p.name for p in tmp_path.iterdir()] == ["model.xml"]


@pytest.mark.skipif(not HAVE_SBML, reason="pnisim.engine.sbml is not available yet")
def test_export_sbml_bad_directory_or_model_is_exit_2(runner, tmp_path):
    result = runner.invoke(app, ["export-sbml", str(tmp_path / "missing" / "m.xml")])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    result = runner.invoke(app, ["export-sbml", str(tmp_path / "m.xml"), "--model", "somvanshi"])
    assert result.exit_code == 2 and "'model'" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not HAVE_SBML, reason="pnisim.engine.sbml is not available yet")
def test_export_sbml_published_model_alone(runner, tmp_path):
    import libsbml

    out = tmp_path / "somvanshi.xml"
    result = runner.invoke(app, ["export-sbml", str(out), "--model", "somvanshi2020"])
    assert result.exit_code == 0, result.output
    doc = libsbml.readSBMLFromFile(str(out))
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    assert doc.getModel().getId() == "somvanshi2020"


# ------------------------------------------------------------------------------------------------- slow
@pytest.mark.slow
def test_default_run_end_to_end(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", "--quiet"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "pnisim-out"
    assert (out / "report.html").is_file() and (out / "results.nc").is_file()
    pngs = {p.name for p in (out / "figures").glob("*.png")}
    assert {"course.png", "cortisol_day.png"} <= pngs  # the default: 36 weeks, two arms
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "default"
    by = {r["quantity"]: r for r in summary["rows"]}
    assert set(by["PHQ-9 at the end"]["arms"]) == {"usual_care", "cbt"}
    assert by["PHQ-9 at the end"]["arms"]["cbt"] < by["PHQ-9 at the end"]["arms"]["usual_care"]
    assert DISCLAIMER in result.stdout


def test_failure_while_writing_leaves_nothing_and_shows_the_bug(runner, short_spec, tmp_path, monkeypatch):
    from pnisim.analysis import outputs

    def broken(ds, path):
        raise OSError("disk full")

    monkeypatch.setattr(outputs, "write_tidy_csv", broken)
    out = tmp_path / "deep" / "out"
    result = runner.invoke(app, ["run", str(short_spec), "--out", str(out), "--quiet"])
    assert result.exit_code != 0 and isinstance(result.exception, OSError)  # not a user error: propagates
    assert list(tmp_path.iterdir()) == []


def test_resource_limit_is_a_user_error(runner, tmp_path):
    spec = tmp_path / "huge.toml"
    spec.write_text('[run]\nduration = "100 d"\nsampling = "1 s"\n[population]\nsize = 100000\n')
    result = runner.invoke(app, ["run", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and "GiB" in result.stderr
    assert not (tmp_path / "o").exists()
