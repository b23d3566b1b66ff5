"""PEtab v1 export of the time-course problems: lint, likelihood identity, and an independent simulation."""

import importlib.util

import numpy as np
import pandas as pd
import petab.v1 as petab
import pytest

from pnisim.calibrate.petab_export import export_petab, petab_tables
from pnisim.calibrate.problem import log_likelihood
from pnisim.calibrate.timecourse import CortisolDayProblem, LpsProblem, TsstProblem
from pnisim.errors import SpecError


@pytest.fixture(scope="module")
def lps_export(tmp_path_factory):
    problem = LpsProblem()
    path = export_petab(problem, tmp_path_factory.mktemp("lps"))
    return problem, path, petab.Problem.from_yaml(path)


def test_lps_export_lints_clean(lps_export):
    problem, path, pp = lps_export
    assert path.name == "problem.yaml"
    assert not petab.lint_problem(pp)  # False = no errors
    par = pp.parameter_df
    assert list(par.index) == ["p_innate__kTNFM", "p_innate__kTNF", "p_innate__k6M", "p_innate__k10M"]
    assert set(par.parameterScale) == {"log10"} and (par.estimate == 1).all()
    assert par.loc["p_innate__kTNF", "nominalValue"] == pytest.approx(1.395)
    assert set(pp.observable_df.observableTransformation) == {"log"}
    assert len(pp.measurement_df) == problem.data.value.size
    # time 0 is the midnight of the settled start: the bolus at 08:00 is at 8 h, its data at 8-14 h
    assert pp.measurement_df.time.min() == 8.0 and pp.measurement_df.time.max() == 14.0
    assert "Research use only" in path.read_text()


def test_petab_likelihood_equals_pnisim_likelihood(lps_export):
    """PEtab's log-normal likelihood (natural-log transformation) = pnisim's -0.5 sum r^2 minus the
    normalisation sum(ln(sqrt(2 pi) sigma) + ln y) (the Jacobian of the log transformation)."""
    problem, _, pp = lps_export
    sim = pp.measurement_df.rename(columns={"measurement": "simulation"})
    sim["simulation"] = problem.predict()
    llh = petab.calculate_llh(pp.measurement_df, sim, pp.observable_df, pp.parameter_df)
    sigma, y = np.asarray(problem.data.sigma), np.asarray(problem.data.value)
    const = np.sum(np.log(np.sqrt(2 * np.pi) * sigma) + np.log(y))
    assert llh == pytest.approx(log_likelihood(problem, problem.nominal) - const, rel=1e-10)


@pytest.mark.skipif(importlib.util.find_spec("roadrunner") is None, reason="libroadrunner not installed")
def test_exported_model_reproduces_the_problem_in_libroadrunner(lps_export):
    """The SBML (settled initial state, bolus as an SBML event) simulated by CVODE gives pnisim's predictions."""
    from pnisim.engine.roadrunner import simulate_roadrunner

    problem, path, pp = lps_export
    text = (path.parent / "model.xml").read_text()
    times = np.unique(pp.measurement_df.time.values)
    out = simulate_roadrunner(text, np.concatenate([[0.0], times]), rtol=1e-8, atol=1e-10)
    pred = problem.predict()
    for name in ("tnf", "il6", "il10"):
        rows = np.asarray(problem.data.observable) == name
        rr = np.interp(pp.measurement_df.time.values[rows], times, out[name][1:])
        np.testing.assert_allclose(rr, pred[rows], rtol=1e-4)


def test_cortisol_and_absolute_tsst_exports_lint_clean(tmp_path):
    for problem in (CortisolDayProblem(), TsstProblem(relative=False)):
        pp = petab.Problem.from_yaml(export_petab(problem, tmp_path / problem.id))
        assert not petab.lint_problem(pp)
    par = pd.read_csv(tmp_path / "cortisol_24h_carroll2007" / "parameters.tsv", sep="\t")
    assert par.set_index("parameterName").loc["clock.depth", "parameterScale"] == "lin"
    tsst = pd.read_csv(tmp_path / "tsst_nelson" / "measurements.tsv", sep="\t")
    assert tsst.time.min() == pytest.approx(13.5)  # 30 min before the 14:00 stressor


def test_linear_error_model_and_relative_data():
    tables = petab_tables(LpsProblem(error_model="linear", observables=("tnf",)))
    assert list(tables["observables"].observableTransformation) == ["lin"]
    with pytest.raises(SpecError, match="relative=False"):
        petab_tables(TsstProblem())
