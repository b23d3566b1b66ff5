"""Global sensitivity analysis (pnisim.calibrate.sensitivity): spec validation, the SALib layer against known
indices, the readouts, and one small real-model run."""

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from pnisim.calibrate.sensitivity import (
    Factor,
    MorrisSpec,
    OutputSpec,
    SobolSpec,
    analyse,
    figure_png,
    figures,
    load_sensitivity,
    parse_sensitivity,
    render_sensitivity_report,
    run_sensitivity,
)
from pnisim.calibrate.sensitivity.runs import _readout
from pnisim.errors import ResourceLimitError, SpecError

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

BASE = {
    "name": "t",
    "base": {"model": "whole", "run": {"duration": "3 d", "burn_in": "7 d"}},
    "parameters": [{"name": "hpa.k_cort", "factor": 2}, {"name": "readouts.cbg", "range": [0.5, 1.0]}],
    "outputs": [{"name": "nadir", "kind": "cortisol_day", "day": 1}],
    "method": {"seed": 3, "morris": {"trajectories": 4}},
}


def spec_with(**changes):
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        data[key] = value
    return data


# ------------------------------------------------------------------------------------------------ validation
def test_unknown_parameter_suggests_the_closest_name():
    with pytest.raises(SpecError, match=r"parameters\[0\].*Did you mean 'hpa.k_cort'\?.*Got 'hpa.k_cortt'"):
        parse_sensitivity(spec_with(parameters=[{"name": "hpa.k_cortt", "factor": 2}]))


def test_inverted_range_is_refused():
    with pytest.raises(SpecError, match=r"'range' of parameter 'readouts.cbg'.*low < high.*Got \[1, 0.5\]"):
        parse_sensitivity(spec_with(parameters=[{"name": "readouts.cbg", "range": [1.0, 0.5]}]))


def test_range_outside_bounds_names_the_violated_bound():
    # readouts.cbg declares bounds [0.2, 2] umol/L
    with pytest.raises(SpecError, match=r"low 0.1 is below the lower bound 0.2"):
        parse_sensitivity(spec_with(parameters=[{"name": "readouts.cbg", "range": [0.1, 1.0]}]))
    with pytest.raises(SpecError, match=r"high 3 is above the upper bound 2"):
        parse_sensitivity(spec_with(parameters=[{"name": "readouts.cbg", "range": [0.5, 3.0]}]))
    # a factor is checked too: hpa.k_cort = 0.99 1/h has default bounds of one decade (0.099, 9.9)
    with pytest.raises(SpecError, match=r"default bounds.*high 19.8 is above the upper bound 9.9"):
        parse_sensitivity(spec_with(parameters=[{"name": "hpa.k_cort", "factor": 20}]))


def test_range_and_factor_are_exclusive_and_factor_needs_a_positive_value():
    with pytest.raises(SpecError, match="either a 'range'.*not both"):
        parse_sensitivity(spec_with(parameters=[{"name": "readouts.cbg", "range": [0.5, 1], "factor": 2}]))
    with pytest.raises(SpecError, match="not neither"):
        parse_sensitivity(spec_with(parameters=[{"name": "readouts.cbg"}]))
    with pytest.raises(SpecError, match="base value > 0.*explicit 'range'"):  # psyche.stress_load is 0
        parse_sensitivity(spec_with(parameters=[{"name": "psyche.stress_load", "factor": 2}]))
    with pytest.raises(SpecError, match="must not repeat"):
        parse_sensitivity(spec_with(parameters=[{"name": "hpa.k_cort", "factor": 2},
                                                {"name": "hpa.k_cort", "factor": 3}]))


def test_unknown_output_kind_and_unknown_key():
    with pytest.raises(SpecError, match=r"'outputs.0.kind' of the sensitivity analysis must be one of value, "
                                        r"difference, mean, "
                                        r"cortisol_day, flare_rate.*Did you mean 'value'"):
        parse_sensitivity(spec_with(outputs=[{"name": "x", "kind": "valeu", "observable": "crp", "at": "1 d"}]))
    with pytest.raises(SpecError, match="Unknown key 'paramters'.*Did you mean 'parameters'"):
        parse_sensitivity({**BASE, "paramters": []})


def test_output_checks():
    with pytest.raises(SpecError, match=r"observable.*Did you mean 'crp'"):
        parse_sensitivity(spec_with(outputs=[{"name": "x", "kind": "value", "observable": "crpp", "at": "1 d"}]))
    with pytest.raises(SpecError, match=r"'at' of output 'x'.*must lie inside the base run"):
        parse_sensitivity(spec_with(outputs=[{"name": "x", "kind": "value", "observable": "crp", "at": "5 d"}]))
    with pytest.raises(SpecError, match="'at' of output 'x'.*required"):
        parse_sensitivity(spec_with(outputs=[{"name": "x", "kind": "value", "observable": "crp"}]))
    with pytest.raises(SpecError, match="needs a base with \\[\\[arms\\]\\]"):
        parse_sensitivity(spec_with(outputs=[{"name": "x", "kind": "difference", "observable": "crp", "at": "1 d",
                                              "arm": "a", "control": "b"}]))
    with pytest.raises(SpecError, match=r"'start' of output 'x' \(outputs\[0\]\) must come before its 'end'"):
        parse_sensitivity(spec_with(outputs=[{"name": "x", "kind": "flare_rate", "start": "2 d", "end": "1 d"}]))
    armed = copy.deepcopy(BASE["base"])
    armed["arms"] = [{"name": "usual"}, {"name": "stress", "exposures": [
        {"type": "acute_stressor", "day": 0, "time": "14:00", "duration": "15 min"}]}]
    with pytest.raises(SpecError, match="'arm' of output 'nadir'.*required.*usual, stress"):
        parse_sensitivity(spec_with(base=armed))
    with pytest.raises(SpecError, match="'arm' of output 'nadir'.*Did you mean 'usual'"):
        parse_sensitivity(spec_with(base=armed, outputs=[{"name": "nadir", "kind": "cortisol_day", "day": 1,
                                                          "arm": "usuall"}]))


def test_base_is_validated_as_a_scenario_and_must_be_one_person():
    with pytest.raises(SpecError, match="the \\[base\\] scenario.*'duration' of \\[run\\]"):
        parse_sensitivity(spec_with(base={"model": "whole", "run": {"duration": "-3 d"}}))
    with pytest.raises(SpecError, match="'size' of \\[base.population\\] must be 1"):
        parse_sensitivity(spec_with(base={**BASE["base"], "population": {"size": 10}}))


def test_method_sizes():
    with pytest.raises(SpecError, match="morris and/or sobol"):
        parse_sensitivity(spec_with(method={"seed": 1}))
    with pytest.raises(SpecError, match="'n' of \\[method.sobol\\] must be a power of 2 >= 16.*Got 100"):
        parse_sensitivity(spec_with(method={"sobol": {"n": 100}}))
    with pytest.raises(SpecError, match="power of 2 >= 16.*Got 8"):  # too small
        parse_sensitivity(spec_with(method={"sobol": {"n": 8}}))
    with pytest.raises(ResourceLimitError, match="at most 1048576 base samples.*Got 1073741824"):
        parse_sensitivity(spec_with(method={"sobol": {"n": 2**30}}))
    # within the sample cap but not within memory (SALib's bootstrap holds N x resamples arrays)
    with pytest.raises(ResourceLimitError, match=r"needs about \d+.*GiB.*limit is 4 GiB.*Got n 1048576"):
        parse_sensitivity(spec_with(method={"sobol": {"n": 2**20, "num_resamples": 10_000}}))
    with pytest.raises(SpecError, match="'levels' of \\[method.morris\\] must be an even integer"):
        parse_sensitivity(spec_with(method={"morris": {"trajectories": 4, "levels": 5}}))
    with pytest.raises(SpecError, match="'trajectories' of \\[method.morris\\].*Got 1"):
        parse_sensitivity(spec_with(method={"morris": {"trajectories": 1}}))


def test_shipped_examples_validate():
    files = sorted(EXAMPLES.glob("sensitivity_*.toml"))
    assert len(files) >= 4
    for path in files:
        s = load_sensitivity(path)
        assert 10 <= len(s.parameters) <= 20, path.name
        assert s.method.morris is not None and s.method.sobol is not None, path.name


# ------------------------------------------------------------------------------------------------ SALib layer
def _ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    """Ishigami T, Homma T. ISUMA'90 (1990) function, a = 7, b = 0.1, on [-pi, pi]^3: analytic S1 = 0.314,
    0.442, 0 and ST = 0.558, 0.442, 0.244 (Saltelli A et al. Global Sensitivity Analysis: The Primer, Wiley
    2008; the SALib documentation's basic example). The analytic values are computed here from the variance
    decomposition and checked against the published rounding."""
    a, b, pi = 7.0, 0.1, math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s1 = np.array([v1, v2, 0.0]) / v
    st = np.array([v1 + v13, v2, v13]) / v
    np.testing.assert_allclose(s1, [0.314, 0.442, 0.0], atol=6e-4)
    np.testing.assert_allclose(st, [0.558, 0.442, 0.244], atol=6e-4)

    factors = [Factor(f"x{i}", -pi, pi) for i in (1, 2, 3)]
    seen = []
    ind, samples = analyse(factors, lambda x, progress: (seen.append(x.shape), _ishigami(x)[:, None])[1], ["y"],
                           sobol=SobolSpec(n=2**12), seed=1)
    assert seen == [(2**12 * 5, 3)]  # N (D + 2) runs in one evaluation
    got_s1, got_st = ind["S1"].sel(output="y").values, ind["ST"].sel(output="y").values
    np.testing.assert_allclose(got_s1, s1, atol=0.03)
    np.testing.assert_allclose(got_st, st, atol=0.03)
    # the bootstrap intervals are honest: the analytic values lie within about two half-widths
    assert np.all(np.abs(got_st - st) < 2.5 * ind["ST_conf"].sel(output="y").values + 0.005)
    assert list(ind["ST_rank"].sel(output="y").values) == [1, 2, 3]
    assert samples.sizes == {"run": 2**12 * 5, "parameter": 3, "output": 1}
    assert float(samples["value"].min()) >= -pi and float(samples["value"].max()) <= pi


def test_morris_elementary_effects_of_a_linear_function_and_a_log_scale():
    """y = 3 x1 + x2 + 0 x3 + ln x4: the elementary effect in the unit space of each range is coefficient x width
    (3 x 2 = 6, 1 x 10 = 10, 0) and, for x4 log-uniform on [1, e^2], exactly 2; all with sigma = 0."""
    factors = [Factor("x1", 0, 2), Factor("x2", 0, 10), Factor("x3", 5, 6), Factor("x4", 1, math.e**2, "log")]

    def f(x, progress):
        return (3 * x[:, 0] + x[:, 1] + 0 * x[:, 2] + np.log(x[:, 3]))[:, None]

    ind, _ = analyse(factors, f, ["y"], morris=MorrisSpec(trajectories=8, levels=4), seed=0)
    np.testing.assert_allclose(ind["mu_star"].sel(output="y").values, [6, 10, 0, 2], atol=1e-9)
    np.testing.assert_allclose(ind["mu"].sel(output="y").values, [6, 10, 0, 2], atol=1e-9)
    np.testing.assert_allclose(ind["sigma"].sel(output="y").values, 0, atol=1e-9)
    assert list(ind["mu_star_rank"].sel(output="y").values) == [2, 1, 4, 3]


def test_seed_makes_the_analysis_reproducible_and_failed_runs_are_counted():
    factors = [Factor(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3)]

    def f(x, progress):
        y = _ishigami(x)
        y[::50] = np.nan  # a few failed runs
        return y[:, None]

    kw = dict(morris=MorrisSpec(trajectories=10), sobol=SobolSpec(n=64), seed=0)
    a, _ = analyse(factors, f, ["y"], **kw)
    b, _ = analyse(factors, f, ["y"], **kw)
    xr.testing.assert_identical(a, b)  # seed 0 is a seed like any other (SALib treats 0 as 'none')
    c, _ = analyse(factors, f, ["y"], **{**kw, "seed": 1})
    assert not np.allclose(a["ST"].values, c["ST"].values)
    assert int(a["sobol_failed_runs"].sel(output="y")) == len(range(40, 40 + 64 * 5, 50))
    assert np.all(np.isfinite(a["ST"].values))


# ------------------------------------------------------------------------------------------------ readouts
def test_cortisol_readout_agrees_with_analysis_summary():
    """The cortisol day readout re-implements pnisim.analysis.readouts.cortisol_day (layering); both must agree."""
    from pnisim.analysis.readouts import cortisol_day

    t = np.round(np.arange(24.0, 24.0 + 26.0 + 1e-9, 1 / 6), 9)
    phase = np.array([[0.0], [1.3], [-2.0]])
    y = 150 + 120 * np.cos(2 * np.pi * (t[None, :] - 8.0 - phase) / 24.0)
    ds = xr.Dataset({"cortisol_serum": (("individual", "time"), y, {"units": "nmol/L"})},
                    coords={"time": t, "individual": ["a", "b", "c"]})
    ref = cortisol_day(ds, 1)["individuals"]
    for q in ("nadir", "nadir_clock", "serum_peak", "serum_peak_clock"):
        o = OutputSpec(name="c", kind="cortisol_day", day=1, quantity=q)
        got = _readout(o, t, y)
        np.testing.assert_allclose(got, [ref[i][q] for i in ("a", "b", "c")], rtol=1e-12)
    # the nadir of a cosine with trough at 20:00 + 0 h (phase 0 -> trough at 20:00)
    o = OutputSpec(name="c", kind="cortisol_day", day=1, quantity="nadir")
    assert _readout(o, t, y)[0] == pytest.approx(30.0, abs=1e-6)


def test_mean_and_flare_rate_readouts_by_hand():
    t = np.array([0.0, 6.0, 12.0, 18.0, 24.0])
    y = np.array([[0.0, 1.0, 1.0, 0.0, 0.0], [0.6, 0.6, 0.2, 0.2, 0.2]])
    mean = OutputSpec.model_validate({"name": "m", "kind": "mean", "observable": "crp", "start": "0 h",
                                      "end": "24 h"})
    # trapezoids: (0.5*6 + 1*6 + 0.5*6 + 0) / 24 = 0.5 ; (0.6*6 + 0.4*6 + 0.2*6 + 0.2*6) / 24 = 0.35
    np.testing.assert_allclose(_readout(mean, t, y), [0.5, 0.35])
    rate = OutputSpec.model_validate({"name": "f", "kind": "flare_rate", "start": "6 h", "end": "24 h"})
    np.testing.assert_allclose(_readout(rate, t, y), [2 / 4, 1 / 4])  # flare >= 0.5 at 6, 12 h | at 6 h
    y[1, 2] = np.nan
    assert np.isnan(_readout(rate, t, y)[1])


# ------------------------------------------------------------------------------------------------ model runs
def test_cortisol_nadir_is_driven_by_cortisol_clearance():
    """A small real-model run: serum cortisol clearance (hpa.k_cort, Somvanshi 2020) dominates the nadir over
    receptor-independent parameters; faster clearance lowers it (mu < 0). Also checks the report and figures."""
    data = spec_with(
        parameters=[{"name": "hpa.k_cort", "factor": 2}, {"name": "readouts.cbg", "factor": 1.5},
                    {"name": "autonomic.tau_s", "factor": 2}],
        outputs=[{"name": "nadir", "kind": "cortisol_day", "day": 1, "label": "cortisol nadir"}],
        method={"seed": 2, "morris": {"trajectories": 4}, "sobol": {"n": 16}},
    )
    res = run_sensitivity(parse_sensitivity(data))
    ind = res.indices
    assert ind.sizes["output"] == 1 and ind.sizes["parameter"] == 3
    assert int(ind["ST_rank"].sel(output="nadir", parameter="hpa.k_cort")) == 1
    assert int(ind["mu_star_rank"].sel(output="nadir", parameter="hpa.k_cort")) == 1
    assert float(ind["ST"].sel(output="nadir", parameter="hpa.k_cort")) > 0.5
    assert float(ind["mu"].sel(output="nadir", parameter="hpa.k_cort")) < 0
    assert ind.attrs["n_runs"] == 4 * 4 + 16 * 5
    assert str(ind["output_unit"].sel(output="nadir").values) == "nmol/L"
    assert res.ranking("nadir")[0]["parameter"] == "hpa.k_cort"
    vals = res.samples["output_value"].values
    assert np.all(np.isfinite(vals)) and np.all((vals > 0) & (vals < 500))
    figs = figures(res)
    assert set(figs) == {"sobol_nadir.png", "morris_nadir.png"}
    assert figure_png(figs["sobol_nadir.png"]).startswith(b"\x89PNG")
    page = render_sensitivity_report(res)
    assert "Research use only, not medical advice." in page and "hpa.k_cort" in page
    assert res.as_dict()["disclaimer"] == "Research use only, not medical advice."


def test_difference_is_arm_minus_control_from_the_same_settled_person():
    base = {"model": "whole", "run": {"duration": "1 d", "burn_in": "2 d"},
            "arms": [{"name": "usual"}, {"name": "stress", "exposures": [
                {"type": "acute_stressor", "day": 0, "time": "14:00", "duration": "15 min"}]}]}
    data = spec_with(
        base=base,
        parameters=[{"name": "acute_stress.gain", "factor": 2}, {"name": "hpa.k_cort", "factor": 1.5}],
        outputs=[{"name": "a", "kind": "value", "observable": "cortisol_serum", "at": "14.5 h", "arm": "stress"},
                 {"name": "b", "kind": "value", "observable": "cortisol_serum", "at": "14.5 h", "arm": "usual"},
                 {"name": "d", "kind": "difference", "observable": "cortisol_serum", "at": "14.5 h",
                  "arm": "stress", "control": "usual"}],
        method={"seed": 0, "morris": {"trajectories": 2}},
    )
    res = run_sensitivity(parse_sensitivity(data))
    y = res.samples["output_value"]
    np.testing.assert_allclose(y.sel(output="d"), y.sel(output="a") - y.sel(output="b"), rtol=1e-12)
    assert np.all(y.sel(output="d").values > 0)  # the stressor raises cortisol 30 min after onset
    # the usual-care arm does not see the stressor, so its stress gain has no effect there
    assert float(res.indices["mu_star"].sel(output="b", parameter="acute_stress.gain")) < 1e-6
    assert float(res.indices["mu_star"].sel(output="d", parameter="acute_stress.gain")) > 1.0
