"""The physiological envelope: the table's provenance, and finding and reporting values outside it."""

import math
import warnings

import numpy as np
import pytest
import xarray as xr

from pnisim.errors import PnisimWarning
from pnisim.model.library import get_model
from pnisim.population.envelope import Range, excursions, load_envelope, warn_excursions


def test_every_row_has_a_range_a_normal_interval_inside_it_and_a_source():
    env = load_envelope()
    assert len(env) >= 20
    for name, r in env.items():
        assert r.low < r.high, name
        assert r.low <= r.normal_low <= r.normal_high <= r.high, name
        assert r.source.strip() and r.basis.strip(), name
        # a DOI or PMID unless the variable is pnisim's own construct
        assert r.reference.startswith(("doi:", "PMID")) or "pnisim definition" in r.source, name


def test_the_table_names_observables_of_the_whole_model_in_their_units():
    model = get_model("whole")
    units = {o.name: o.observable.unit for o in model.observables}
    for name, r in load_envelope().items():
        assert name in units, name
        assert r.unit == units[name], (name, r.unit, units[name])


def test_the_core_serum_markers_are_all_covered():
    env = load_envelope()
    for name in ("cortisol_serum", "cortisol_saliva", "acth", "crp", "il6", "tnf", "il10", "rmssd", "sleep_hours",
                 "phq9", "gad7", "pss10", "pcl5"):
        assert name in env


def _ds(values, status=None):
    values = np.asarray(values, dtype=float)
    n, m = values.shape
    return xr.Dataset(
        {"cortisol_serum": (("individual", "time"), values),
         "status": ("individual", np.zeros(n, int) if status is None else np.asarray(status))},
        coords={"individual": np.arange(n), "time": np.arange(m) * 0.5 + 24.0},
    )


def test_an_excursion_names_the_individual_the_first_time_and_the_furthest_value():
    ds = _ds([[300, 400, 500, 600], [300, 4000, 9000, 5000]])
    (x,) = excursions(ds)
    assert (x.individual, x.variable, x.first_time_h, x.extreme, x.points) == ("1", "cortisol_serum", 24.5, 9000, 3)
    assert "individual 1" in x.message() and "day 1 00:30" in x.message() and "cortisol_serum" in x.message()


def test_values_below_the_range_and_not_a_number_are_excursions_too():
    ds = _ds([[300, -5, 300, 300], [300, 300, math.nan, 300]])
    low, nan = excursions(ds)
    assert low.extreme == -5 and low.first_time_h == 24.5
    assert math.isnan(nan.extreme) and "not a number" in nan.message()


def test_failed_individuals_are_left_to_the_failure_report():
    assert excursions(_ds([[math.nan] * 4], status=[-1])) == []


def test_inside_the_envelope_nothing_is_reported_and_nothing_is_warned():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_excursions(_ds([[50, 300, 700, 200]])) == []


def test_outside_the_envelope_one_warning_names_the_first_few():
    ds = _ds([[5000] * 4] * 7)
    with pytest.warns(PnisimWarning, match=r"7 value\(s\) of the run left the physiological envelope.*individual 0: "
                                           r"cortisol_serum reached 5000 nmol/L.*and 2 more"):
        found = warn_excursions(ds)
    assert len(found) == 7


def test_a_custom_envelope_can_be_passed():
    env = {"cortisol_serum": Range("cortisol_serum", "nmol/L", 0, 100, 0, 50, "b", "s", "doi:x")}
    assert len(excursions(_ds([[50, 150, 50, 50]]), env)) == 1
