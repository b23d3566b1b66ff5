"""Measurement models (pnisim.analysis.measurement): assay noise, detection limits, questionnaire scoring."""

import math

import numpy as np
import pytest
import xarray as xr

from pnisim.analysis.measurement import MEASUREMENTS, Measurement, measure, sem_from_retest
from pnisim.errors import SpecError, UnitError


def _ds(values: dict, n_ind=4, n_t=5):
    """A Dataset shaped like simulate() output: each variable constant (or an array) over individual x time."""
    data = {}
    for name, v in values.items():
        arr = np.broadcast_to(np.asarray(v, dtype=float), (n_ind, n_t)).copy()
        data[name] = (("individual", "time"), arr, {"units": MEASUREMENTS[name].unit if name in MEASUREMENTS else "1"})
    coords = {"individual": [f"p{i:04d}" for i in range(n_ind)], "time": np.arange(n_t, dtype=float)}
    return xr.Dataset(data, coords=coords, attrs={"model": "synthetic"})


def test_same_seed_same_result_and_different_seed_differs():
    ds = _ds({"crp": 2.0, "il6": 1.5, "phq9": 8.0})
    a = measure(ds, np.random.default_rng(7))
    b = measure(ds, np.random.default_rng(7))
    c = measure(ds, 8)
    for n in ("crp", "il6", "phq9"):
        np.testing.assert_array_equal(a[n].values, b[n].values)
    assert not np.array_equal(a["crp"].values, c["crp"].values)
    np.testing.assert_array_equal(ds["crp"].values, 2.0)  # the input is not modified


def test_dims_units_and_provenance_are_kept():
    ds = _ds({"cortisol_serum": 300.0, "gad7": 5.0})
    out = measure(ds, 1)
    for n in ("cortisol_serum", "gad7"):
        assert out[n].dims == ("individual", "time")
        assert out[n].attrs["units"] == MEASUREMENTS[n].unit
        assert out[n].attrs["measurement_source"] and out[n].attrs["measurement_grade"] in "ABCD"
        assert out[f"{n}_below_lod"].dims == ("individual", "time")
    assert "cortisol_serum" in out.attrs["measurement"] and out.attrs["model"] == "synthetic"


@pytest.mark.parametrize("name", ["crp", "il6", "cortisol_saliva"])
def test_empirical_cv_matches_the_stated_cv(name):
    """200 000 draws of a constant true value well above the LOD: mean unbiased, CV within sampling error."""
    m = MEASUREMENTS[name]
    ds = _ds({name: 50.0 * m.lod + 1.0}, n_ind=400, n_t=500)
    y = measure(ds, 11, [name])[name].values
    cv = y.std() / y.mean()
    se = m.cv / math.sqrt(2 * y.size) * 3  # ~3 standard errors of a sample CV
    assert y.mean() == pytest.approx(ds[name].values.mean(), rel=4 * m.cv / math.sqrt(y.size))
    assert abs(cv - m.cv) < max(se, 1e-3)


def test_biological_variation_adds_to_assay_error_for_crp():
    """CRP within-person CV 42 % (Macy 1997) combined with the 5 % assay CV on the log scale."""
    ds = _ds({"crp": 3.0}, n_ind=300, n_t=500)
    y = measure(ds, 3, ["crp"], biological=True)["crp"].values
    m = MEASUREMENTS["crp"]
    expected = math.sqrt((1 + m.cv**2) * (1 + m.biological_cv**2) - 1)
    assert y.std() / y.mean() == pytest.approx(expected, rel=0.03)


def test_das28_fluctuation_over_months_matches_the_published_critical_difference():
    """With biological variation, two DAS28 visits of a stable patient differ by less than 1.8 in 95 % (one-sided) of
    patients (DAS28-dcrit: Behrens F et al. Arthritis Care Res 2013;65:1626); without it, by the one-week SDD of
    1.32 (two-sided 95 %; Uhlig T et al. Ann Rheum Dis 2009;68:972)."""
    ds = _ds({"disease_score": 5.0}, n_ind=20000, n_t=2)
    both = measure(ds, 4, ["disease_score"], biological=True)["disease_score"].values
    error = measure(ds, 4, ["disease_score"])["disease_score"].values
    assert np.quantile(both[:, 0] - both[:, 1], 0.95) == pytest.approx(1.8, abs=0.05)
    assert np.quantile(np.abs(error[:, 0] - error[:, 1]), 0.95) == pytest.approx(1.32, abs=0.05)


def test_lod_substitute_and_censor():
    lod = MEASUREMENTS["il6"].lod
    ds = _ds({"il6": [[lod / 20] * 5, [lod * 50] * 5]}, n_ind=2)
    sub = measure(ds, 5, ["il6"])
    np.testing.assert_array_equal(sub["il6"].values[0], lod / 2)
    np.testing.assert_array_equal(sub["il6_below_lod"].values, [[1] * 5, [0] * 5])
    cen = measure(ds, 5, ["il6"], lod_rule="censor")
    assert np.all(np.isnan(cen["il6"].values[0])) and np.all(np.isfinite(cen["il6"].values[1]))
    np.testing.assert_array_equal(cen["il6_below_lod"].values, sub["il6_below_lod"].values)


def test_missing_true_values_stay_missing_and_unflagged():
    ds = _ds({"tnf": [[np.nan] * 5, [2.0] * 5]}, n_ind=2)
    out = measure(ds, 0, ["tnf"])
    assert np.all(np.isnan(out["tnf"].values[0])) and np.all(out["tnf_below_lod"].values[0] == 0)


@pytest.mark.parametrize("name", ["phq9", "gad7", "pss10", "pcl5", "psqi"])
def test_questionnaires_are_integers_within_the_scale(name):
    m = MEASUREMENTS[name]
    truth = np.linspace(-2.0, m.upper + 2.0, 50)  # includes out-of-range truths: clipped, not wrapped
    ds = _ds({name: truth}, n_ind=100, n_t=50)
    y = measure(ds, 2, [name])[name].values
    assert np.all(y == np.rint(y))
    assert y.min() >= m.lower and y.max() <= m.upper
    assert y.min() == m.lower and y.max() == m.upper


def test_phq9_retest_sd_from_kroenke_2001():
    """Kroenke 2001: test-retest r = 0.84; with SD 3.52 the SEM is 1.41 points. Mid-scale truths keep it (rounding
    adds 1/12 of a point squared)."""
    m = MEASUREMENTS["phq9"]
    assert m.retest_sd == pytest.approx(sem_from_retest(3.52, 0.84)) == pytest.approx(1.408, abs=1e-3)
    ds = _ds({"phq9": 13.5}, n_ind=400, n_t=500)
    y = measure(ds, 9, ["phq9"])["phq9"].values
    assert y.std() == pytest.approx(math.sqrt(m.retest_sd**2 + 1 / 12), rel=0.02)
    assert y.mean() == pytest.approx(13.5, abs=0.02)


def test_unknown_name_raises_a_clear_error():
    ds = _ds({"crp": 1.0})
    with pytest.raises(SpecError, match=r"'crpp' has no measurement model.*Did you mean 'crp'"):
        measure(ds, 0, ["crpp"])
    with pytest.raises(SpecError, match="'disease_score' is not in the dataset"):
        measure(ds, 0, ["disease_score"])


def test_negative_cv_and_bad_options_are_refused():
    base = MEASUREMENTS["crp"]
    with pytest.raises(SpecError, match=r"'cv' of measurement 'crp' must be a finite number >= 0\. Got -0\.1"):
        Measurement("crp", "mg/L", -0.1, 0.15, "substitute", False, 0.0, math.inf, base.source, "B")
    with pytest.raises(SpecError, match="'lod_rule'"):
        measure(_ds({"crp": 1.0}), 0, lod_rule="drop")
    with pytest.raises(SpecError, match="'rng'"):
        measure(_ds({"crp": 1.0}), None)


def test_unit_mismatch_is_refused():
    ds = _ds({"crp": 1.0})
    ds["crp"].attrs["units"] = "mg/dL"
    with pytest.raises(UnitError, match="'units' of observable 'crp' must be 'mg/L'"):
        measure(ds, 0)


def test_registry_covers_the_readouts_users_expect():
    expected = {"cortisol_serum", "cortisol_saliva", "acth", "crp", "il6", "tnf", "il10", "nk_activity", "rmssd",
                "psqi", "phq9", "gad7", "pss10", "pcl5", "disease_score"}
    assert expected <= set(MEASUREMENTS)
    for m in MEASUREMENTS.values():
        assert m.source and m.grade in "ABCD" and m.unit


def test_registry_units_match_the_whole_model():
    from pnisim.model.library import get_model

    model = get_model("whole")
    for entry in model.observables:
        if entry.name in MEASUREMENTS:
            assert MEASUREMENTS[entry.name].unit == entry.observable.unit, entry.name
