"""Cohort incidence: exposed and unexposed groups followed for years until an event, with exact Poisson rates, the
incidence rate ratio and the Cox hazard ratio."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from scipy import stats as sps

from ...engine.simulate import Event, Solver
from ...errors import SpecError
from ...model.calibration import SHIPPED, Calibration
from ...scenario.exposures import Infection
from .. import stats as S
from ...disclaimer import DISCLAIMER
from .design import (AUTOIMMUNE_ONSET, HOURS_PER_YEAR, MAX_YEARS, SOLVER, WINDOW_DAYS, EventDefinition,
                     _burn_in, _clock_time, _count, _draw, _mixture, _model, _run, _seed, _susceptibility,
                     parse_event)

__all__ = ["CohortResult", "cohort", "analyse_cohort"]


@dataclass
class CohortResult:
    """Follow-up of an exposed and an unexposed group: per-person times and events, and the estimates."""

    data: xr.Dataset             # participant: time (years), event, prevalent, status, event_value; coords group,...
    estimates: list[dict]        # incidence per group, incidence rate ratio, hazard ratio
    event: EventDefinition
    settings: dict = field(default_factory=dict)

    def as_records(self) -> list[dict]:
        return [dict(r) for r in self.estimates]


def _infection_events(rng: np.random.Generator, n: int, rate_per_year: float, load: float, t_entry: float,
                      horizon_h: float) -> list[np.ndarray]:
    """Each person's infection times (model hours): a Poisson process of ``rate_per_year`` over follow-up."""
    out = []
    if rate_per_year <= 0:
        return [np.empty(0)] * n
    mean_gap = HOURS_PER_YEAR / rate_per_year
    for _ in range(n):
        k = int(rng.poisson(horizon_h / mean_gap))
        out.append(t_entry + np.sort(rng.uniform(0.0, horizon_h, size=k)))
    return out


def _incidence(events: int, person_years: float, alpha: float = 0.05) -> tuple[float, float, float]:
    """Rate per 1000 person-years with Garwood's exact Poisson CI."""
    lo = 0.0 if events == 0 else sps.chi2.ppf(alpha / 2, 2 * events) / 2
    hi = sps.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    k = 1000.0 / person_years
    return events * k, lo * k, hi * k


def cohort(exposed: dict[str, float], unexposed: dict[str, float], *, n_exposed: int, n_unexposed: int,
           years: float, event: str = AUTOIMMUNE_ONSET, model: str = "whole", seed: int = 0,
           burn_in_days: int = 28, variability: bool = True, susceptibility: dict | None = None,
           infections_per_year: float = 0.0, infection_load: float = 0.5, exposure_at_entry: bool = True,
           draw_time: str = "08:00", solver: Solver = SOLVER, calibration: Calibration = SHIPPED) -> CohortResult:
    """Follow both groups for ``years`` and compare the incidence of ``event`` (see the module docstring), with
    ``calibration``'s parameter and phenotype values (default: the shipped calibration)."""
    m = _model(model, calibration)
    exposed = _mixture(exposed, "exposed", m)
    unexposed = _mixture(unexposed, "unexposed", m)
    n1, n0 = _count(n_exposed, "n_exposed"), _count(n_unexposed, "n_unexposed")
    if isinstance(years, bool) or not isinstance(years, (int, float)) or not (0 < years <= MAX_YEARS):
        raise SpecError(f"The 'years' of follow-up must be a number > 0 and <= {MAX_YEARS:g}. Got {years!r} instead.")
    ev = parse_event(event, m.observable_names)
    seed, days, draw_h = _seed(seed), _burn_in(burn_in_days), _clock_time(draw_time)
    sus = _susceptibility(susceptibility, m)
    for what, v, lo, hi in (("infections_per_year", infections_per_year, 0.0, 52.0),
                            ("infection_load", infection_load, 0.0, 3.0)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (lo <= v <= hi) \
                or (what == "infection_load" and v <= 0):
            rule = f"a number >= {lo:g}" if what == "infections_per_year" else f"a number > {lo:g}"
            raise SpecError(f"The '{what}' of the cohort must be {rule} and <= {hi:g}. Got {v!r} instead.")

    rng = np.random.default_rng(seed)
    p1, pre1, ph1 = _draw(m, exposed, n1, rng, variability, sus, calibration.presets,
                          pre_exposure=exposure_at_entry)
    p0, _, ph0 = _draw(m, unexposed, n0, rng, variability, sus, calibration.presets)
    params = np.vstack([p1, p0])
    pre = np.vstack([pre1, p0])
    n = n1 + n0
    group = np.array(["exposed"] * n1 + ["unexposed"] * n0, dtype=object)
    t_entry = days * 24.0 + draw_h
    horizon = float(years) * HOURS_PER_YEAR
    infections = _infection_events(rng, n, float(infections_per_year), float(infection_load), t_entry, horizon)

    # entry: settle (pre-exposure parameters), read the event observable, drop prevalent cases
    base = _run(m, [t_entry], 0.0, pre, None, [[] for _ in range(n)], True, solver)
    y = np.stack([base[s].values[:, -1] for s in m.state_names], axis=1)
    status = base["status"].values.copy()
    at_entry = base[ev.observable].values[:, 0]
    if ev.hazard:  # onset when the cumulative hazard has risen by the person's own Exp(1) variate (Bender 2005)
        threshold = at_entry + rng.exponential(1.0, size=n)
        prevalent = np.zeros(n, dtype=bool)
    else:
        threshold = np.full(n, ev.threshold)
        prevalent = ev.holds(at_entry) & (status == 0)
    hazard = np.zeros(n)                     # cumulative hazard accrued while at risk (hazard events)
    h_last = at_entry.astype(float).copy()
    time = np.zeros(n)                       # hours of follow-up
    got = np.zeros(n, dtype=bool)
    failed = status != 0
    active = ~prevalent & ~failed
    n_days = int(math.floor(horizon / 24.0 + 1e-9))
    start = 0
    while start < n_days and active.any():
        stop = min(n_days, start + WINDOW_DAYS)
        t0 = t_entry + start * 24.0
        t_out = t_entry + np.arange(start + 1, stop + 1) * 24.0
        idx = np.flatnonzero(active)
        evs = [[Event(float(t), "add_state", Infection.TARGET, float(infection_load), "infection")
                for t in infections[i] if t0 <= t < t_out[-1]] for i in idx]
        ds = _run(m, t_out, t0, params[idx], y[idx], evs, True, solver)
        st = ds["status"].values
        x = ds[ev.observable].values
        hit = (np.isfinite(x) & (x >= threshold[idx, None])) if ev.hazard else ev.holds(x)
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
        for k, i in enumerate(idx):
            if st[k] != 0:                   # censored when last known well: the start of the failed window
                failed[i], active[i], status[i] = True, False, st[k]
                time[i] = t0 - t_entry
            elif first[k] >= 0:
                got[i], active[i] = True, False
                time[i] = t_out[first[k]] - t_entry
            if ev.hazard and st[k] == 0:
                last = x[k, first[k]] if first[k] >= 0 else x[k, -1]
                hazard[i] += last - h_last[i]
                h_last[i] = last
        ok = st == 0
        y[idx[ok]] = np.stack([ds[s].values[ok, -1] for s in m.state_names], axis=1)
        start = stop
    time[active] = n_days * 24.0            # censored at the end of follow-up
    time_y = time / HOURS_PER_YEAR

    at_risk = ~prevalent & ~(failed & (time == 0))
    data = xr.Dataset(
        {"time": ("participant", time_y, {"units": "year", "long_name": "follow-up to the event or censoring"}),
         "event": ("participant", got.astype(np.int8), {"units": "1", "long_name": f"event {ev.text} (1) or "
                                                                                    "censored (0)"}),
         "prevalent": ("participant", prevalent.astype(np.int8),
                       {"units": "1", "long_name": "event condition already held at entry (not at risk)"}),
         "at_risk": ("participant", at_risk.astype(np.int8), {"units": "1", "long_name": "in the analysis"}),
         "status": ("participant", status.astype(np.int64), {"units": "1", "long_name": "solver status "
                                                                                       "(0 = success)"}),
         f"{ev.observable}_at_entry": ("participant", at_entry,
                                       {"units": base[ev.observable].attrs.get("units", ""),
                                        "long_name": f"{ev.observable} at entry"}),
         "infections": ("participant", np.array([t.size for t in infections]),
                        {"units": "1", "long_name": "infections scheduled during follow-up"})},
        coords={"participant": [f"{g[:3]}{i:05d}" for g, i in zip(group, list(range(n1)) + list(range(n0)))],
                "group": ("participant", group), "phenotype": ("participant", np.concatenate([ph1, ph0]))},
        attrs={"design": "cohort", "model": model, "seed": seed, "event": ev.text, "years": float(years),
               "burn_in_days": days, "draw_time": draw_time, "exposure_at_entry": int(bool(exposure_at_entry)),
               "infections_per_year": float(infections_per_year), "infection_load": float(infection_load),
               "susceptibility": repr(sus), "exposed": repr(exposed), "unexposed": repr(unexposed),
               "sampling": "daily at the draw time", "disclaimer": DISCLAIMER})
    estimates = analyse_cohort(time_y[at_risk], got[at_risk], group[at_risk] == "exposed")
    if ev.hazard:
        data["cumulative_hazard"] = ("participant", hazard, {"units": "1", "long_name": "model hazard of the event "
                                                                                      "accrued while at risk"})
        estimates += model_hazard_rates(time_y[at_risk], hazard[at_risk], group[at_risk] == "exposed", seed=seed)
    settings = {"exposed": exposed, "unexposed": unexposed, "n_exposed": n1, "n_unexposed": n0, "years": years,
                "event": ev.text, "prevalent": int(prevalent.sum()), "failed": int(failed.sum()),
                "susceptibility": sus, "infections_per_year": infections_per_year,
                "exposure_at_entry": bool(exposure_at_entry), "seed": seed, "model": model}
    return CohortResult(data, estimates, ev, settings)


def model_hazard_rates(time_years, hazard, exposed, *, seed: int = 0, draws: int = 1000,
                       alpha: float = 0.05) -> list[dict]:
    """Incidence per 1000 person-years from the model's own hazard (accrued cumulative hazard over person-time) per
    group and their ratio, with percentile CIs from resampling people within each group: the expected rates of
    the simulated people, free of the event draws' Poisson noise."""
    t, h, x = np.asarray(time_years, float), np.asarray(hazard, float), np.asarray(exposed, bool)
    rng = np.random.default_rng(seed + 7)
    groups = {"exposed": np.flatnonzero(x), "unexposed": np.flatnonzero(~x)}
    rate = {g: 1000.0 * h[i].sum() / t[i].sum() if t[i].sum() > 0 else math.nan for g, i in groups.items()}
    boot = {g: np.array([1000.0 * h[j].sum() / t[j].sum() for j in
                         (rng.choice(i, i.size) for _ in range(draws))]) if i.size else np.full(draws, math.nan)
            for g, i in groups.items()}
    q = (100 * alpha / 2, 100 * (1 - alpha / 2))
    rows = []
    for g, i in groups.items():
        lo, hi = np.nanpercentile(boot[g], q) if i.size else (math.nan, math.nan)
        rows.append({"design": "cohort", "statistic": "model incidence per 1000 person-years", "group": g,
                     "n": int(i.size), "events": None, "person_years": float(t[i].sum()), "estimate": rate[g],
                     "ci_low": float(lo), "ci_high": float(hi), "p_value": None,
                     "note": "expected rate from the model's hazard (resampling CI over people)",
                     "disclaimer": DISCLAIMER})
    ratio = boot["exposed"] / boot["unexposed"]
    lo, hi = np.nanpercentile(ratio, q)
    rows.append({"design": "cohort", "statistic": "model hazard ratio", "group": "exposed vs unexposed",
                 "n": int(t.size), "events": None, "person_years": float(t.sum()),
                 "estimate": rate["exposed"] / rate["unexposed"], "ci_low": float(lo), "ci_high": float(hi),
                 "p_value": None, "note": "ratio of the groups' expected rates from the model's hazard",
                 "disclaimer": DISCLAIMER})
    return rows


def analyse_cohort(time_years, event, exposed, *, alpha: float = 0.05) -> list[dict]:
    """Incidence per 1000 person-years per group (exact Poisson CI), the incidence rate ratio (Wald CI on the log
    scale) and the Cox hazard ratio (lifelines) from per-person follow-up times and event flags."""
    t, e, x = np.asarray(time_years, float), np.asarray(event, bool), np.asarray(exposed, bool)
    rows = []
    counts = {}
    for name, sel in (("exposed", x), ("unexposed", ~x)):
        d, py = int(e[sel].sum()), float(t[sel].sum())
        rate, lo, hi = _incidence(d, py, alpha) if py > 0 else (math.nan, math.nan, math.nan)
        counts[name] = (d, py)
        rows.append({"design": "cohort", "statistic": "incidence per 1000 person-years", "group": name,
                     "n": int(sel.sum()), "events": d, "person_years": py, "estimate": rate, "ci_low": lo,
                     "ci_high": hi, "p_value": None, "note": "", "disclaimer": DISCLAIMER})
    (d1, py1), (d0, py0) = counts["exposed"], counts["unexposed"]
    z = float(sps.norm.ppf(1 - alpha / 2))
    if d1 > 0 and d0 > 0:
        irr = (d1 / py1) / (d0 / py0)
        se = math.sqrt(1 / d1 + 1 / d0)
        irr_row = (irr, irr * math.exp(-z * se), irr * math.exp(z * se),
                   float(2 * sps.norm.sf(abs(math.log(irr)) / se)), "")
    else:
        irr_row = (math.nan, math.nan, math.nan, None, "undefined: a group has no events")
    rows.append({"design": "cohort", "statistic": "incidence rate ratio", "group": "exposed vs unexposed",
                 "n": int(t.size), "events": d1 + d0, "person_years": py1 + py0, "estimate": irr_row[0],
                 "ci_low": irr_row[1], "ci_high": irr_row[2], "p_value": irr_row[3], "note": irr_row[4],
                 "disclaimer": DISCLAIMER})
    if d1 > 0 and d0 > 0:
        hr = S.hazard_ratio(t, e, x, alpha=alpha)
        hr_row = (hr.estimate, hr.ci_low, hr.ci_high, hr.p_value, "Cox proportional hazards (lifelines, Efron ties)")
    else:
        hr_row = (math.nan, math.nan, math.nan, None, "not estimable: a group has no events")
    rows.append({"design": "cohort", "statistic": "hazard ratio", "group": "exposed vs unexposed", "n": int(t.size),
                 "events": d1 + d0, "person_years": py1 + py0, "estimate": hr_row[0], "ci_low": hr_row[1],
                 "ci_high": hr_row[2], "p_value": hr_row[3], "note": hr_row[4], "disclaimer": DISCLAIMER})
    return rows
