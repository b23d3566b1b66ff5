"""`pnisim evidence`: graded table, causal graph as GraphML and an HTML page; bad input exits 2."""

import networkx as nx
from typer.testing import CliRunner

from pnisim.cli.main import app
from pnisim.evidence.graph import causal_graph
from pnisim.model.library import get_model

runner = CliRunner()


def test_causal_graph_edges_follow_the_couplings():
    g = causal_graph(get_model("whole"))
    edges = {(u, v, k) for u, v, k in g.edges(keys=True)}
    # Somvanshi 2020: TNF drives CRH/ACTH, in the whole model through the hypothalamic relay (Rivest 2001)
    assert ("brain_immune", "hpa", "cytokines_to_hpa_central") in edges
    assert ("innate", "hpa", "cytokines_to_hpa_central") in edges  # GR translocation stays direct
    core_edges = set(causal_graph(get_model("core")).edges(keys=True))
    assert ("innate", "hpa", "cytokines_to_hpa") in core_edges
    assert ("innate", "crp", "il6_to_liver") in edges
    assert ("psyche", "hpa", "appraisal") in edges
    assert g.edges["innate", "crp", "il6_to_liver"]["grade"] == "A"


def test_evidence_command_writes_graphml_and_html(tmp_path):
    out = tmp_path / "ev"
    result = runner.invoke(app, ["evidence", "--model", "whole", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "cbt" in result.output and "Research use only" in result.output
    g = nx.read_graphml(out / "evidence.graphml")
    assert {"hpa", "innate", "psyche", "crp"} <= set(g.nodes)
    page = (out / "evidence.html").read_text()
    assert "<svg" in page and "Research use only, not medical advice." in page


def test_unknown_model_is_a_clear_error_and_writes_nothing(tmp_path):
    out = tmp_path / "ev"
    result = runner.invoke(app, ["evidence", "--model", "wholee", "--out", str(out)])
    assert result.exit_code == 2
    assert "Did you mean 'whole'" in result.output
    assert not out.exists()


def test_pathways_trace_exposures_to_readouts_with_the_weakest_grade():
    """The report's driver table: short nights reach IL-6 through the graded sleep -> innate coupling, and CBT
    reaches cortisol through appraisal; each pathway carries the lowest grade along it."""
    from pnisim.evidence.graph import pathways
    from pnisim.model.library import get_model

    model = get_model("whole")
    paths = pathways(model, {"short nights": [("input", "time_in_bed")], "CBT": [("input", "cognitive_therapy")],
                             "infliximab": [("state", "ifx_central")]}, ["il6", "cortisol_serum", "tnf"])
    by = {(p.exposure, p.readout): p for p in paths}
    assert by[("short nights", "il6")].steps[0][:3] == ("sleep", "low_grade_inflammation", "C")
    assert [s[1] for s in by[("CBT", "cortisol_serum")].steps] == ["appraisal"]
    assert by[("infliximab", "tnf")].steps[0][1] == "drug_actions"
    assert all(p.weakest in "ABCD" for p in paths)
    assert by[("CBT", "cortisol_serum")].weakest == "C"


def test_evidence_lists_library_interventions_with_grade(tmp_path):
    result = runner.invoke(app, ["evidence", "--model", "whole", "--out", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    for name in ("infliximab", "probiotics", "stem_cells", "cbt_i", "vns_implanted"):
        assert name in result.output
