"""Effect sizes and tests the way trialists report them, on simulated trial data.

Every function takes plain arrays (one value per participant) and returns a small frozen record with the
estimate, its confidence interval and, where a test exists, the p-value. Where a well-kept library does the
job it is used: Welch's t-test (scipy), ANCOVA (statsmodels OLS), power of the two-sample t-test (statsmodels),
Cox proportional hazards (lifelines). Formulas written here carry their reference:

* Hedges' g with the small-sample correction J and its large-sample variance: Hedges LV, Olkin I. Statistical
  Methods for Meta-Analysis. Academic Press 1985; Borenstein M et al. Introduction to Meta-Analysis. Wiley
  2009, eq. 4.18–4.24.
* Pretest–posttest–control (PPC) effect size d_ppc2 and its variance: Morris SB. Estimating effect sizes from
  pretest-posttest-control group designs. Organ Res Methods 2008;11:364–386, doi:10.1177/1094428106291059,
  eq. 8 and 25 — the effect size of Shields, Spahr & Slavich 2020 (targets.csv psychosocial_immune).
* Standardised mean change of a single-group pre-post design over the pretest SD, with its variance: Becker BJ.
  Synthesizing standardized mean-change measures. Br J Math Stat Psychol 1988;41:257–278, eq. 3 and 9 (the
  pre-post d pooled by Marsland et al. 2017 for acute stress, targets.csv tsst_*).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..errors import SpecError

__all__ = ["Estimate", "mean_difference", "hedges_g", "ppc_g", "percent_change_vs_control", "ancova",
           "standardized_mean_change", "risk_ratio", "hazard_ratio", "power_two_sample", "n_for_power"]


@dataclass(frozen=True)
class Estimate:
    name: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float | None = None
    n_treated: int = 0
    n_control: int = 0
    variance: float | None = None  # sampling variance of the estimate (for meta-analysis)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _clean(x, what: str) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    a = a[np.isfinite(a)]  # dropouts and censored values are NaN
    if a.size < 2:
        raise SpecError(f"The {what} must have at least 2 finite values to estimate an effect. Got {a.size} instead.")
    return a


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def mean_difference(treated, control, *, alpha: float = 0.05) -> Estimate:
    """Treated minus control mean with Welch's t-test (unequal variances) and its CI."""
    t, c = _clean(treated, "treated arm"), _clean(control, "control arm")
    res = stats.ttest_ind(t, c, equal_var=False)
    ci = res.confidence_interval(1 - alpha)
    return Estimate("mean difference", float(t.mean() - c.mean()), float(ci.low), float(ci.high),
                    float(res.pvalue), t.size, c.size,
                    float(t.var(ddof=1) / t.size + c.var(ddof=1) / c.size))


def hedges_g(treated, control, *, alpha: float = 0.05) -> Estimate:
    """Standardised mean difference with Hedges' small-sample correction (Borenstein 2009 eq. 4.18-4.24)."""
    t, c = _clean(treated, "treated arm"), _clean(control, "control arm")
    n1, n2 = t.size, c.size
    sp = math.sqrt(((n1 - 1) * t.var(ddof=1) + (n2 - 1) * c.var(ddof=1)) / (n1 + n2 - 2))
    d = (t.mean() - c.mean()) / sp
    j = 1 - 3 / (4 * (n1 + n2 - 2) - 1)
    var_d = (n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))
    g, var_g = j * d, j**2 * var_d
    half = _z(alpha) * math.sqrt(var_g)
    p = float(stats.ttest_ind(t, c, equal_var=True).pvalue)
    return Estimate("Hedges g", float(g), float(g - half), float(g + half), p, n1, n2, float(var_g))


def ppc_g(pre_treated, post_treated, pre_control, post_control, *, alpha: float = 0.05) -> Estimate:
    """Morris 2008 d_ppc2: bias-corrected difference of mean changes over the pooled pretest SD (eq. 8), with
    the variance of eq. 25 using the pooled pre-post correlation."""
    pt, qt = np.asarray(pre_treated, float), np.asarray(post_treated, float)
    pc, qc = np.asarray(pre_control, float), np.asarray(post_control, float)
    ok_t, ok_c = np.isfinite(pt) & np.isfinite(qt), np.isfinite(pc) & np.isfinite(qc)
    pt, qt, pc, qc = pt[ok_t], qt[ok_t], pc[ok_c], qc[ok_c]
    n1, n2 = pt.size, pc.size
    if n1 < 3 or n2 < 3:
        raise SpecError(f"The pretest-posttest-control effect needs at least 3 complete participants per arm. "
                        f"Got {n1} treated and {n2} control instead.")
    sd_pre = math.sqrt(((n1 - 1) * pt.var(ddof=1) + (n2 - 1) * pc.var(ddof=1)) / (n1 + n2 - 2))
    cp = 1 - 3 / (4 * (n1 + n2 - 2) - 1)
    delta = cp * (((qt.mean() - pt.mean()) - (qc.mean() - pc.mean())) / sd_pre)
    rho = float(np.corrcoef(np.concatenate([pt - pt.mean(), pc - pc.mean()]),
                            np.concatenate([qt - qt.mean(), qc - qc.mean()]))[0, 1])
    k = 2 * (1 - rho) * (n1 + n2) / (n1 * n2)
    var = cp**2 * k * (n1 + n2 - 2) / (n1 + n2 - 4) * (1 + delta**2 / k) - delta**2
    half = _z(alpha) * math.sqrt(max(var, 0.0))
    return Estimate("pretest-posttest-control g", float(delta), float(delta - half), float(delta + half), None,
                    n1, n2, float(var))


def standardized_mean_change(pre, post, *, alpha: float = 0.05) -> Estimate:
    """Becker 1988: g = J(n-1) (mean post - mean pre) / SD(pre), variance 2(1 - r)/n + g^2/(2n) (eq. 3, 9),
    with r the pre-post correlation and J(m) = 1 - 3/(4m - 1); pairs with a missing value are dropped."""
    a, b = np.asarray(pre, float).ravel(), np.asarray(post, float).ravel()
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    n = a.size
    if n < 3:
        raise SpecError(f"The standardised mean change needs at least 3 complete pre-post pairs. Got {n} instead.")
    sd = float(a.std(ddof=1))
    if not sd > 0:
        raise SpecError("The standardised mean change needs pretest values that vary. Got a pretest SD of 0 instead.")
    j = 1 - 3 / (4 * (n - 1) - 1)
    g = j * float(b.mean() - a.mean()) / sd
    r = float(np.corrcoef(a, b)[0, 1]) if b.std() > 0 else 0.0
    var = 2 * (1 - r) / n + g**2 / (2 * n)
    half = _z(alpha) * math.sqrt(var)
    p = float(stats.ttest_rel(b, a).pvalue)
    return Estimate("standardised mean change", g, g - half, g + half, p, n, 0, var)


def percent_change_vs_control(pre_treated, post_treated, pre_control, post_control) -> float:
    """Relative change in the treated arm minus that in the control arm, in % (Shields 2020's '% change vs
    control' for harmful immune markers)."""
    t = np.nanmean(post_treated) / np.nanmean(pre_treated) - 1
    c = np.nanmean(post_control) / np.nanmean(pre_control) - 1
    return float(100 * (t - c))


def ancova(post, baseline, treated, *, alpha: float = 0.05) -> Estimate:
    """Treatment effect on the follow-up value adjusted for baseline (ANCOVA: post ~ treated + baseline, OLS)."""
    import statsmodels.api as sm

    y, b, g = (np.asarray(v, float) for v in (post, baseline, treated))
    ok = np.isfinite(y) & np.isfinite(b)
    X = sm.add_constant(np.column_stack([g[ok], b[ok]]))
    fit = sm.OLS(y[ok], X).fit()
    lo, hi = fit.conf_int(alpha)[1]
    return Estimate("ANCOVA treatment effect", float(fit.params[1]), float(lo), float(hi), float(fit.pvalues[1]),
                    int(g[ok].sum()), int((1 - g[ok]).sum()), float(fit.bse[1] ** 2))


def risk_ratio(events_treated: int, n_treated: int, events_control: int, n_control: int, *,
               alpha: float = 0.05) -> Estimate:
    """Risk ratio with the log-scale CI (0.5 added to every cell when one is empty)."""
    a, n1, c, n2 = (float(v) for v in (events_treated, n_treated, events_control, n_control))
    if min(a, c, n1 - a, n2 - c) == 0:
        a, c, n1, n2 = a + 0.5, c + 0.5, n1 + 1, n2 + 1
    rr = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    z = _z(alpha)
    p = float(2 * stats.norm.sf(abs(math.log(rr)) / se))
    return Estimate("risk ratio", rr, rr * math.exp(-z * se), rr * math.exp(z * se), p, int(n_treated),
                    int(n_control), se**2)


def hazard_ratio(time, event, treated, *, alpha: float = 0.05) -> Estimate:
    """Cox proportional-hazards ratio of treated vs control (lifelines CoxPHFitter, Efron ties). When one group
    has no event the partial likelihood has no maximum (monotone likelihood: the HR runs off to 0 or infinity),
    so the ratio is reported as not estimable (NaN) rather than as the optimiser's last step."""
    import pandas as pd
    from lifelines import CoxPHFitter

    df = pd.DataFrame({"time": np.asarray(time, float), "event": np.asarray(event, int),
                       "treated": np.asarray(treated, int)})
    n1, n0 = int(df.treated.sum()), int((1 - df.treated).sum())
    if df.event[df.treated == 1].sum() == 0 or df.event[df.treated == 0].sum() == 0:
        return Estimate("hazard ratio", math.nan, math.nan, math.nan, None, n1, n0, None)
    cph = CoxPHFitter(alpha=alpha).fit(df, duration_col="time", event_col="event")
    s = cph.summary.loc["treated"]
    return Estimate("hazard ratio", float(s["exp(coef)"]), float(s[f"exp(coef) lower {100 * (1 - alpha):g}%"]),
                    float(s[f"exp(coef) upper {100 * (1 - alpha):g}%"]), float(s["p"]), int(df.treated.sum()),
                    int((1 - df.treated).sum()), float(s["se(coef)"] ** 2))


def power_two_sample(effect_size: float, n_per_arm: int, *, alpha: float = 0.05) -> float:
    """Power of the two-sided two-sample t-test for Cohen's d with n per arm (statsmodels TTestIndPower)."""
    from statsmodels.stats.power import TTestIndPower

    return float(TTestIndPower().power(effect_size=effect_size, nobs1=n_per_arm, alpha=alpha, ratio=1.0))


def n_for_power(effect_size: float, *, power: float = 0.8, alpha: float = 0.05) -> int:
    """Participants per arm for the two-sided two-sample t-test to reach ``power`` (rounded up)."""
    from statsmodels.stats.power import TTestIndPower

    n = TTestIndPower().solve_power(effect_size=effect_size, power=power, alpha=alpha, ratio=1.0)
    return int(math.ceil(n))
