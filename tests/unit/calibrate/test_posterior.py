"""MCMC (emcee), convergence diagnostics and profile likelihoods on analytic problems (and one smoke run)."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

from pnisim.calibrate.fit import fit
from pnisim.calibrate.posterior import (
    CHI2_95_1DF,
    profile_likelihood,
    sample_posterior,
    split_rhat,
)
from pnisim.calibrate.problem import FitParameter
from pnisim.calibrate.timecourse import LpsProblem
from pnisim.errors import ConvergenceError, ConvergenceWarning, SpecError


class Gaussian:
    """Residuals L^-1 (theta - mu) with Sigma = L L': the posterior is N(mu, Sigma) (flat prior, wide bounds)."""

    id = "gaussian"
    targets = ()

    def __init__(self, mu, cov):
        self.mu = np.asarray(mu, float)
        self.linv = np.linalg.inv(np.linalg.cholesky(np.asarray(cov, float)))
        self.parameters = [FitParameter(f"p{i}", -10.0, 10.0, "lin") for i in range(len(mu))]
        self.nominal = self.mu

    def residuals(self, theta):
        return self.linv @ (np.asarray(theta) - self.mu)


class Bimodal:
    """Two narrow, well separated modes: an ensemble spread over both cannot mix."""

    id = "bimodal"
    targets = ()
    parameters = (FitParameter("a", 0.0, 1.0, "lin"),)

    def residuals(self, theta):
        return np.array([min(abs(theta[0] - 0.2), abs(theta[0] - 0.8)) / 0.01])


class Line:
    """y = a + b x with known sigma: a weighted linear regression."""

    id = "line"
    targets = ()

    def __init__(self, x, y, sigma, irrelevant=False):
        self.x, self.y, self.sigma = x, y, sigma
        self.parameters = [FitParameter("a", -20.0, 20.0, "lin"), FitParameter("b", -20.0, 20.0, "lin")]
        if irrelevant:
            self.parameters.append(FitParameter("c", 0.1, 10.0, "log"))

    def residuals(self, theta):
        return (theta[0] + theta[1] * self.x - self.y) / self.sigma


def test_emcee_recovers_a_correlated_gaussian():
    """Analytic case: mean (1, -2), SDs (1, sqrt 0.5), correlation 0.6 / sqrt(0.5) = 0.849."""
    cov = np.array([[1.0, 0.6], [0.6, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ds = sample_posterior(
            Gaussian([1.0, -2.0], cov),
            start=np.array([1.0, -2.0]),
            n_walkers=12,
            n_steps=3000,
            burn=1000,
            ball=0.05,
            seed=1,
        )
    assert ds.attrs["converged"] == 1, ds.attrs["convergence_report"]
    assert ds.theta.dims == ("chain", "draw", "parameter") and ds.sizes["chain"] == 12
    np.testing.assert_allclose(ds.posterior_mean.values, [1.0, -2.0], atol=0.15)
    np.testing.assert_allclose(ds.posterior_sd.values, np.sqrt(np.diag(cov)), rtol=0.1)
    assert ds.correlation.values[0, 1] == pytest.approx(0.6 / np.sqrt(0.5), abs=0.05)
    assert np.all(ds.rhat.values < 1.1) and 0.2 < ds.attrs["acceptance_mean"] < 0.9
    assert np.all(ds.ess.values > 100)
    assert "Research use only" in ds.attrs["disclaimer"]


def test_split_rhat_by_hand():
    """BDA3 §11.4 on chains (0,1,2,3) and (4,5,6,7): halves (0,1) (2,3) (4,5) (6,7), n = 2, W = 0.5,
    B = 2 x var(0.5, 2.5, 4.5, 6.5) = 13.33, var+ = 0.25 + 6.667, R-hat = sqrt(13.83) = 3.719."""
    chains = np.array([[0.0, 1, 2, 3], [4, 5, 6, 7]])
    w, b = 0.5, 2 * np.var([0.5, 2.5, 4.5, 6.5], ddof=1)
    assert split_rhat(chains)[0] == pytest.approx(np.sqrt(((2 - 1) / 2 * w + b / 2) / w), rel=1e-12)
    assert split_rhat(chains)[0] == pytest.approx(3.7193, abs=1e-4)
    iid = np.random.default_rng(0).standard_normal((8, 1000, 2))
    assert np.all(np.abs(split_rhat(iid) - 1) < 0.01)
    with pytest.raises(SpecError):
        split_rhat(np.zeros((2, 3)))


def test_a_chain_that_cannot_mix_is_reported_never_accepted():
    with pytest.warns(ConvergenceWarning, match="split-R-hat"):
        ds = sample_posterior(Bimodal(), start="prior", n_walkers=16, n_steps=400, seed=2)
    assert ds.attrs["converged"] == 0
    assert ds.rhat.values[0] > 1.1 and "NO" in ds.attrs["convergence_report"]
    with pytest.raises(ConvergenceError):
        sample_posterior(Bimodal(), start="prior", n_walkers=16, n_steps=400, seed=2, on_fail="raise")


def test_too_short_a_chain_is_flagged():
    with pytest.warns(ConvergenceWarning, match="tau"):
        ds = sample_posterior(Gaussian([0.0], [[1.0]]), start=np.array([0.0]), n_walkers=8, n_steps=60, seed=0)
    assert ds.attrs["converged"] == 0


def test_profile_likelihood_matches_the_regression_interval():
    """For a linear model with known sigma the profile of the intercept is exactly quadratic: its 95 % interval
    equals the Wald interval of statsmodels WLS with a fixed scale."""
    rng = np.random.default_rng(4)
    x = np.linspace(0, 5, 12)
    sigma = 0.8
    y = 1.5 + 0.7 * x + sigma * rng.standard_normal(x.size)
    prob = Line(x, y, sigma)
    best = fit(prob, n_starts=2, seed=0)
    ref = sm.WLS(y, sm.add_constant(x), weights=np.full(x.size, 1 / sigma**2)).fit(cov_type="fixed scale")
    low, high = ref.conf_int(alpha=0.05)[0]
    centre = prob.parameters[0].to_unit(ref.params[0])
    prof = profile_likelihood(prob, "a", best=best, n_points=41, span=(centre - 0.05, centre + 0.05))
    assert best.theta[0] == pytest.approx(ref.params[0], abs=1e-5)
    assert prof.attrs["ci95_low"] == pytest.approx(low, abs=0.01 * (high - low))
    assert prof.attrs["ci95_high"] == pytest.approx(high, abs=0.01 * (high - low))
    assert prof.attrs["identifiable"] == "yes" and prof.attrs["threshold"] == pytest.approx(3.841, abs=1e-3)
    # the re-optimised slope follows b_hat(a) = b_hat - cov(a,b)/var(a) (a - a_hat) for a linear model
    cov = ref.cov_params()
    expected_b = ref.params[1] + cov[0, 1] / cov[0, 0] * (prof.value.values - ref.params[0])
    np.testing.assert_allclose(prof.others.values[:, 0], expected_b, atol=1e-4)
    assert np.nanmin(prof.delta_chi2.values) < CHI2_95_1DF


def test_a_parameter_the_data_ignore_is_not_identifiable():
    x = np.linspace(0, 5, 10)
    prob = Line(x, 1.0 + 0.5 * x, 0.5, irrelevant=True)
    best = fit(prob, n_starts=1, seed=0)
    prof = profile_likelihood(prob, "c", best=best, n_points=7)
    assert prof.attrs["identifiable"] == "no (open on both sides)"
    assert np.all(np.abs(prof.delta_chi2.values) < 1e-6)
    with pytest.raises(SpecError, match="profiled parameter"):
        profile_likelihood(prob, "zz", best=best)


def test_sampler_runs_batched_on_a_time_course_problem():
    """Smoke run on the LPS problem (one parameter, batched simulations): shapes, prior bounds, and a short run
    flagged as not converged."""
    prob = LpsProblem([FitParameter("innate.kTNFM", 0.2, 5.0, "log")], observables=("tnf",), window=(0.0, 3.0))
    with pytest.warns(ConvergenceWarning):
        ds = sample_posterior(prob, start=prob.nominal, n_walkers=8, n_steps=16, burn=4, ball=0.02, seed=0)
    assert ds.theta.shape == (8, 12, 1)
    assert np.all((ds.theta.values >= 0.2) & (ds.theta.values <= 5.0))
    assert np.all(np.isfinite(ds.log_posterior.values))
    with pytest.raises(SpecError, match="n_walkers"):
        sample_posterior(prob, start=prob.nominal, n_walkers=3, n_steps=16)
