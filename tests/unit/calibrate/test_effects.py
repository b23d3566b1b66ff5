"""Effect-size calibration: the reduced, fast version CI runs (issue 5 §6) still fits something real — the
inflammatory cost of a sleep deficit to the CRP effect size of sleep disturbance (Irwin, Olmstead & Carroll 2016,
Biol Psychiatry 80:40: g 0.12, 95 % CI 0.05-0.19; targets.csv sleep_crp) — and checks it converged."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from pnisim.calibrate.effects import EffectProblem, grid_fit
from pnisim.calibrate.problem import FitParameter
from pnisim.calibrate.whole_effects import PLAN, Step, calibrate_whole, fit_warnings, uncalibrated_values
from pnisim.cli.main import app
from pnisim.errors import SpecError
from pnisim.model.library import get_model
from pnisim.model.calibration import Calibration
from pnisim.model.phenotypes import PHENOTYPES
from pnisim.validation.targets import load_roles, load_targets

SLEEP = FitParameter("low_grade_inflammation.sleep_gain", 0.0, 0.1, "lin")


@pytest.fixture(scope="module")
def fit():
    return grid_fit(EffectProblem("sleep", [SLEEP], ["sleep_crp"], scale=1.0), n=5)


def test_grid_fit_converges_inside_the_range_with_a_credible_interval(fit):
    k = int(np.argmin(fit.chi2))
    assert 0 < k < len(fit.chi2) - 1  # an interior minimum: the data pin the parameter down
    assert fit.chi2[0] > fit.chi2[k] + 1 and fit.chi2[-1] > fit.chi2[k] + 1
    assert fit.credible[0] < fit.best < fit.credible[1]
    assert 0.0 < fit.best < 0.1  # far below the 0.15/h placeholder (Vgontzas 2004): Irwin's g is small
    assert SLEEP.lower <= fit.posterior_mean <= SLEEP.upper


def test_calibrations_are_values_and_checked():
    i = get_model("whole").parameter_index("low_grade_inflammation.sleep_gain")
    before = get_model("whole").parameter_values()[i]
    cal = Calibration.of({"low_grade_inflammation.sleep_gain": 0.01, "phenotype:insomnia:sleep.insomnia": 1.0})
    assert get_model("whole", cal).parameter_values()[i] == 0.01 and cal.presets["insomnia"]["sleep.insomnia"] == 1.0
    # nothing global changed: the shipped model and presets are as before
    assert get_model("whole").parameter_values()[i] == before and PHENOTYPES["insomnia"]["sleep.insomnia"] != 1.0
    assert cal.with_values({"low_grade_inflammation.sleep_gain": 0.02}).parameters == {
        "low_grade_inflammation.sleep_gain": 0.02}
    with pytest.raises(TypeError):
        PHENOTYPES["insomnia"]["sleep.insomnia"] = 1.0  # presets are read-only data
    with pytest.raises(SpecError, match="within its bounds"):
        get_model("whole", Calibration.of({"low_grade_inflammation.sleep_gain": 5.0}))
    with pytest.raises(SpecError, match="must be a preset"):
        Calibration.of({"phenotype:nosuch:x.y": 1.0})
    with pytest.raises(SpecError, match="shipped target with a validation protocol"):
        EffectProblem("x", [SLEEP], ["nonsense"])


def test_the_plan_holds_out_at_least_a_third_of_the_targets_and_never_fits_them():
    ids = {t.id for t in load_targets()}
    fitted = {t for s in PLAN for t in s.fitted} | set(load_roles())
    held = {t for s in PLAN for t in s.held_out}
    assert not held & fitted and held <= ids and fitted <= ids
    assert len(ids - fitted) >= math.ceil(len(ids) / 3)


def test_cli_calibrate_refuses_bad_input(tmp_path):
    res = CliRunner().invoke(app, ["calibrate", "--only", "sleep_gain", "--out", str(tmp_path / "c")])
    assert res.exit_code == 2 and "must be one of the calibration steps" in res.output
    res = CliRunner().invoke(app, ["calibrate", "--grid", "2", "--out", str(tmp_path / "c")])
    assert res.exit_code == 2 and "between 3 and 41" in res.output
    assert not (tmp_path / "c").exists()


def test_a_parameter_the_targets_do_not_see_is_reported_not_identifiable():
    """Issue 5 §7: fitting massage's antidepressant action to the CRP effect of sleep disturbance (which never
    involves massage) must come back flagged, never as an estimate."""
    step = Step(FitParameter("treatments.massage_mood", 0.1, 1.5, "log"), ("sleep_crp",), (), "deliberately blind")
    res = calibrate_whole(n_grid=3, scale=0.2, steps=(step,))
    (w,) = res["warnings"]
    assert w["parameter"] == "treatments.massage_mood" and w["problem"] == "not identifiable"
    assert res["fits"][0]["profile_flat"] and "sleep_crp" in w["detail"]


def test_fit_warnings_name_the_bound_a_best_value_sits_on(fit):
    d = {**fit.as_dict(), "fitted_targets": ["sleep_crp"], "profile_flat": False, "at_bound": True,
         "best": SLEEP.upper}
    (w,) = fit_warnings([d])
    assert w["problem"] == "at the upper bound" and f"{SLEEP.upper:g}" in w["detail"]


def test_from_scratch_starts_uncalibrated_and_compares_with_the_shipped_fit(tmp_path):
    start = uncalibrated_values()
    assert start["low_grade_inflammation.sleep_gain"] == 0.15  # the Vgontzas 2004 placeholder, not the fitted 0.03
    assert start["phenotype:obesity:gut.dys_set"] == 0.0       # obesity preset before calibration has no dysbiosis
    res = CliRunner().invoke(app, ["calibrate", "--only", "low_grade_inflammation.sleep_gain", "--from-scratch",
                                   "--scale", "0.4", "--grid", "5", "--quiet", "--out", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    import json

    out = json.loads((tmp_path / "c" / "calibration.json").read_text())
    assert out["provenance"]["start"] == "uncalibrated defaults"
    (row,) = out["comparison_with_shipped"]
    assert row["parameter"] == "low_grade_inflammation.sleep_gain" and row["within"], row
    res = CliRunner().invoke(app, ["calibrate", "--sweeps", "0", "--out", str(tmp_path / "d")])
    assert res.exit_code == 2 and "'--sweeps' must be between 1 and 5" in res.output


def test_a_partial_refit_is_completed_with_the_shipped_steps_in_plan_order():
    from pnisim.calibrate.whole_effects import complete_with
    from pnisim.model.library import whole_calibration

    shipped = whole_calibration()
    first = PLAN[0].parameter.name
    partial = {"parameters": {first: 1234.5},
               "fits": [{"parameter": first, "best": 1234.5, "fitted_targets": list(PLAN[0].fitted),
                         "profile_flat": False, "at_bound": False, "bounds": [1.0, 2.0]}],
               "provenance": {"method": "grid", "date": "today"}, "warnings": []}
    full = complete_with(partial, shipped)
    assert full["parameters"][first] == 1234.5
    names = [f["parameter"] for f in full["fits"]]
    assert names == [s.parameter.name for s in PLAN if s.parameter.name in names] and len(names) == len(PLAN)
    for name, value in shipped["parameters"].items():
        if name != first:
            assert full["parameters"][name] == value
    for name, value in shipped["phenotypes"].items():
        assert full["parameters"][f"phenotype:{name}"] == value
    assert f"refitted here: {first}" in full["provenance"]["method"]


class _Unrunnable:
    """A problem whose study cannot run at the lower half of the range (as a trial whose inclusion nobody passes)."""

    id = "unrunnable"
    parameters = [FitParameter("x.y", 0.0, 1.0, "lin", unit="1")]

    def residuals(self, theta):
        if theta[0] < 0.5:
            raise SpecError("only 3 of 800 screened candidates passed")
        return np.array([(theta[0] - 0.75) / 0.05])


def test_grid_points_where_the_study_cannot_run_are_excluded_not_fatal():
    fit = grid_fit(_Unrunnable(), 9)
    assert np.all(np.isinf(fit.chi2[:4])) and np.all(np.isfinite(fit.chi2[4:]))
    assert "error" in fit.evaluations[0] and fit.best == pytest.approx(0.75, abs=1e-6)
    assert fit.credible[0] >= 0.5
