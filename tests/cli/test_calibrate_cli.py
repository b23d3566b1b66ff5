"""`pnisim export-petab`: a time-course problem as a PEtab v1 directory; bad names refused, nothing written."""

from typer.testing import CliRunner

from pnisim.cli.main import app


def test_export_petab_writes_the_problem_and_refuses_unknown_names(tmp_path):
    res = CliRunner().invoke(app, ["export-petab", "tsst", "--out", str(tmp_path / "p")])
    assert res.exit_code == 0, res.output
    names = {p.name for p in (tmp_path / "p").iterdir()}
    assert {"problem.yaml", "model.xml", "measurements.tsv", "observables.tsv", "parameters.tsv"} <= names
    bad = CliRunner().invoke(app, ["export-petab", "lsp", "--out", str(tmp_path / "q")])
    assert bad.exit_code == 2 and "Did you mean 'lps'" in bad.output and not (tmp_path / "q").exists()
