"""Virtual populations: correlated log-normal variability, plausibility, Allen 2016 selection to a target."""

import math

import numpy as np
import pytest
from scipy import stats

from pnisim.errors import SpecError
from pnisim.model.library import get_model
from pnisim.population import Target, draw_correlated, plausible, select_to_target


def test_lognormal_variability_has_the_parameters_cv_and_requested_correlation():
    model = get_model("whole")
    rng = np.random.default_rng(0)
    a, b = "innate.w6", "innate.wTNF"
    p = draw_correlated(model, model.parameter_values(), 20000, rng, {(a, b): 0.6})
    x, y = np.log(p[:, model.parameter_index(a)]), np.log(p[:, model.parameter_index(b)])
    cv = model.parameters[model.parameter_index(a)].parameter.cv
    assert np.std(x) == pytest.approx(math.sqrt(math.log1p(cv**2)), rel=0.03)
    assert np.corrcoef(x, y)[0, 1] == pytest.approx(0.6, abs=0.03)


def test_bad_correlations_are_refused():
    model = get_model("whole")
    rng = np.random.default_rng(0)
    with pytest.raises(SpecError, match="cv and sd are 0"):
        draw_correlated(model, model.parameter_values(), 10, rng, {("innate.w6", "innate.k6"): 0.5})
    with pytest.raises(SpecError, match="strictly between -1 and 1"):
        draw_correlated(model, model.parameter_values(), 10, rng, {("innate.w6", "innate.wTNF"): 1.5})


def test_selection_makes_the_kept_baseline_follow_the_target():
    """Allen, Rieger & Musante 2016: acceptance-rejection turns a broad plausible population into the target
    distribution (here CRP log-normal, median 3 mg/L, GSD 2 — hypothetical target for the test)."""
    rng = np.random.default_rng(1)
    x = np.exp(rng.uniform(np.log(0.1), np.log(100.0), 8000))  # broad plausible baselines
    keep = select_to_target(x, Target("lognormal", 3.0, 2.0), rng)
    kept = np.log(x[keep])
    assert keep.sum() > 1000
    assert np.median(np.exp(kept)) == pytest.approx(3.0, rel=0.05)
    assert np.std(kept) == pytest.approx(math.log(2.0), rel=0.05)
    assert stats.kstest(kept, stats.norm(math.log(3.0), math.log(2.0)).cdf).pvalue > 0.001


def test_plausibility_filter():
    mask = plausible({"crp": np.array([0.5, 50.0, np.nan]), "il6": np.array([1.0, 1.0, 1.0])},
                     {"crp": (0.05, 20.0), "il6": (0.1, 100.0)})
    assert mask.tolist() == [True, False, False]


def test_additive_traits_vary_normally_with_their_sd():
    model = get_model("whole")
    i = model.parameter_index("psyche.dep_set")
    sd = model.parameters[i].parameter.sd
    assert sd > 0 and model.parameters[i].parameter.cv == 0
    p = draw_correlated(model, model.parameter_values(), 20000, np.random.default_rng(1))
    assert np.mean(p[:, i]) == pytest.approx(0.0, abs=0.03)
    assert np.std(p[:, i]) == pytest.approx(sd, rel=0.03)


def test_a_parameter_varies_by_cv_or_by_sd_not_both():
    from pnisim.errors import ModelDefinitionError
    from pnisim.model.core import Parameter

    with pytest.raises(ModelDefinitionError, match="not both"):
        Parameter("x", 0.5, "1", "s", "C", cv=0.2, sd=0.1)
