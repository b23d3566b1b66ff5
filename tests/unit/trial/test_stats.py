"""Trial statistics against textbook cases and the libraries they wrap."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from pnisim.errors import SpecError
from pnisim.trial import stats as S


def test_power_reproduces_the_textbook_two_sample_case():
    """Cohen J. Statistical Power Analysis for the Behavioral Sciences, 2nd ed. 1988, Table 2.4.1: d = 0.3,
    two-sided alpha 0.05, power 0.80 needs n = 175 per group."""
    assert S.n_for_power(0.3) in (175, 176)
    assert S.power_two_sample(0.3, 175) == pytest.approx(0.80, abs=0.005)
    assert S.power_two_sample(0.5, 64) == pytest.approx(0.80, abs=0.01)  # Cohen 1988: d = 0.5 needs n = 64


def test_hedges_g_hand_computed():
    """Borenstein et al. 2009 eq. 4.18-4.24 on a small hand-worked case."""
    t, c = np.array([5.0, 6.0, 7.0, 8.0]), np.array([3.0, 4.0, 5.0, 6.0])
    sp = math.sqrt((3 * t.var(ddof=1) + 3 * c.var(ddof=1)) / 6)
    d = 2.0 / sp
    j = 1 - 3 / (4 * 6 - 1)
    est = S.hedges_g(t, c)
    assert est.estimate == pytest.approx(j * d)
    assert est.variance == pytest.approx(j**2 * ((8 / 16) + d**2 / 16))


def test_mean_difference_is_welch():
    rng = np.random.default_rng(1)
    t, c = rng.normal(1.0, 2.0, 40), rng.normal(0.0, 1.0, 60)
    est = S.mean_difference(t, c)
    ref = sps.ttest_ind(t, c, equal_var=False)
    assert est.estimate == pytest.approx(t.mean() - c.mean()) and est.p_value == pytest.approx(ref.pvalue)
    assert est.ci_low < est.estimate < est.ci_high


def test_ppc_g_matches_morris_2008_formula():
    """Morris 2008 eq. 8: d_ppc2 = c_p [(M_post,T - M_pre,T) - (M_post,C - M_pre,C)] / SD_pre."""
    rng = np.random.default_rng(2)
    pre_t, pre_c = rng.normal(10, 2, 50), rng.normal(10, 2, 50)
    post_t, post_c = pre_t - 1.0 + rng.normal(0, 1, 50), pre_c + rng.normal(0, 1, 50)
    est = S.ppc_g(pre_t, post_t, pre_c, post_c)
    sd = math.sqrt((49 * pre_t.var(ddof=1) + 49 * pre_c.var(ddof=1)) / 98)
    cp = 1 - 3 / (4 * 98 - 1)
    expected = cp * (((post_t.mean() - pre_t.mean()) - (post_c.mean() - pre_c.mean())) / sd)
    assert est.estimate == pytest.approx(expected)
    assert est.ci_low < est.estimate < est.ci_high < 0


def test_ancova_recovers_a_known_effect():
    rng = np.random.default_rng(3)
    n = 400
    base = rng.normal(5, 1, n)
    arm = np.repeat([0, 1], n // 2)
    post = 1.0 + 0.6 * base - 0.8 * arm + rng.normal(0, 0.3, n)
    est = S.ancova(post, base, arm)
    assert est.ci_low < -0.8 < est.ci_high and est.p_value < 1e-6


def test_risk_ratio_hand_case():
    est = S.risk_ratio(10, 100, 20, 100)
    se = math.sqrt(1 / 10 - 1 / 100 + 1 / 20 - 1 / 100)
    assert est.estimate == pytest.approx(0.5)
    assert est.ci_low == pytest.approx(0.5 * math.exp(-1.959964 * se), rel=1e-5)


def test_hazard_ratio_recovers_exponential_rates():
    """Exponential event times with rates 0.5 (treated) and 1.0 (control): Cox HR ≈ 0.5 (lifelines)."""
    rng = np.random.default_rng(4)
    n = 2000
    treated = np.repeat([1, 0], n // 2)
    time = rng.exponential(1 / np.where(treated == 1, 0.5, 1.0))
    event = (time < 3.0).astype(int)
    est = S.hazard_ratio(np.minimum(time, 3.0), event, treated)
    assert est.ci_low < 0.5 < est.ci_high


def test_too_few_values_is_a_clear_error():
    with pytest.raises(SpecError, match="treated arm must have at least 2 finite values"):
        S.hedges_g([1.0, np.nan], [1.0, 2.0, 3.0])


def test_standardized_mean_change_matches_becker_1988_by_hand():
    """Becker BJ 1988 (Br J Math Stat Psychol 41:257) eq. 3 and 9, computed by hand on a small pre-post sample."""
    pre = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    post = np.array([2.0, 2.5, 4.5, 4.0, 7.0])
    est = S.standardized_mean_change(pre, post)
    n, sd = 5, np.std(pre, ddof=1)
    j = 1 - 3 / (4 * 4 - 1)
    g = j * (post.mean() - pre.mean()) / sd
    r = np.corrcoef(pre, post)[0, 1]
    var = 2 * (1 - r) / n + g**2 / (2 * n)
    assert est.estimate == pytest.approx(g)
    assert est.variance == pytest.approx(var)
    assert est.ci_high - est.ci_low == pytest.approx(2 * 1.959964 * np.sqrt(var), rel=1e-5)
    from scipy import stats as st
    assert est.p_value == pytest.approx(st.ttest_rel(post, pre).pvalue)


def test_standardized_mean_change_refuses_too_few_pairs():
    with pytest.raises(SpecError, match="at least 3 complete pre-post pairs"):
        S.standardized_mean_change([1.0, np.nan, 2.0], [1.0, 2.0, np.nan])


def test_hazard_ratio_with_no_events_in_one_group_is_not_estimable():
    """Monotone likelihood (Heinze G, Schemper M. Biometrics 2001;57:114): with no event in one group the Cox
    estimate diverges, so it is reported as NaN instead of a huge number."""
    t = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    e = np.array([1, 1, 1, 0, 0, 0])
    g = np.array([1, 1, 1, 0, 0, 0])
    est = S.hazard_ratio(t, e, g)
    assert math.isnan(est.estimate) and est.p_value is None and (est.n_treated, est.n_control) == (3, 3)
