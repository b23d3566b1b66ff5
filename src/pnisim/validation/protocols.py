"""How each shipped target is simulated and compared: one protocol per target id (or group of ids).

Pass rules, in order: a stated tolerance (for targets without a CI, said in the record's ``rule``); else the
simulated point estimate must lie within the published 95 % CI (effect sizes, hazard ratios) or the published
range (levels, costs). The simulated CI comes from the mirrored design's own sampling (N as in the source where
it is one study, or a typical trial size where the source pools many), so a pass means "a study like the
source's would have found this", not "fitted".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..analysis.measurement import measure
from ..analysis.summary import cortisol_day
from ..data import load_csv
from ..engine.simulate import Event
from ..trial import stats as S
from .record import Record
from .studies import Studies
from .targets import Target

__all__ = ["PROTOCOLS", "NOT_SIMULATABLE", "KNOWN_GAPS"]

Protocol = Callable[[Target, Studies], list[Record]]
PROTOCOLS: dict[str, Protocol] = {}
Z = 1.959963984540054
UG_DL = 27.59  # nmol/L per µg/dL of cortisol

#: Targets the model cannot express yet, with the reason (listed as such, never dropped).
NOT_SIMULATABLE: dict[str, str] = {}

def _fitted_by(parameter: str) -> str:
    return f"fitted by pnisim calibrate ({parameter}); a failure means the calibration did not reach it"


#: Known reasons a target fails today (shown with a failing record; calibration is issue 5).
KNOWN_GAPS: dict[str, str] = {
    "lps_hpa_order": "ACTH peaks before IL-10 after LPS (known since issue 2: the ACTH drive of the innate block "
                     "acts through TNF, which peaks first)",
    "cortisol_halflife": "Somvanshi 2020's cortisol clearance k_cort = 0.99/h (t1/2 42 min) is faster than measured, "
                         "and a cortisol excess also quickly cuts adrenal output through the fast feedback",
    "stress_disorder_autoimmune": "in susceptible people the PTSD preset's disease drive (about 1.9x healthy) "
                                  "exceeds the flip threshold of the bistable switch, so onset is near-certain within "
                                  "months instead of a 36 % higher rate; the shipped healthy setting has no onsets at "
                                  "all (a susceptible minority and stochastic triggers are issue 5 work)",
    "vns_ra_das28": "an established flare of the bistable Baker switch does not remit when VNS trims the "
                    "pro-inflammatory drive; Koopman's patients improved within 6 weeks",
    "tsst_il10": "IL-10 rises after a stressor only through the β-adrenergic IL-10 gain, which is taken equal to "
                 "the chronic pro-inflammatory gain, not fitted",
    "tsst_tnf": _fitted_by("autonomic.g_acute"),
    "tsst_il6": _fitted_by("autonomic.adr_il6, adrenaline-driven adipocyte IL-6"),
    "sleep_crp": _fitted_by("low_grade_inflammation.sleep_gain"),
    "sleep_il6": "the sleep-deficit gain is fitted to Irwin's CRP gap and raises the IL-6 and TNF set points alike; "
                 "Irwin's IL-6 gap (g 0.20) is larger than the CRP gap (0.12), more than one shared gain gives",
    "probiotic_crp": _fitted_by("phenotype:obesity:gut.dys_set"),
    "probiotic_il6": "probiotics act only by closing the gut endotoxin leak, fitted to Milajerdi's CRP through "
                     "obesity's trait dysbiosis; the healthy and MDD participants have little leak to close",
    "probiotic_tnf": "probiotics act only by closing the gut endotoxin leak; an endotoxin input that small adds little "
                     "TNF-α to Windoloski's high resting TNF-α (8.8 pg/mL), so the TNF effect is a fraction of the "
                     "IL-6 one (Milajerdi: TNF g about 0.6 of IL-6's)",
    "massage_depression": _fitted_by("treatments.massage_mood"),
    "mdd_crp": _fitted_by("phenotype:mdd_inflamed:innate.w6"),
    "mdd_tnf": _fitted_by("phenotype:mdd_inflamed:innate.wTNF"),
    "cortisol_24h_healthy": "the simulated day curve departs from the digitised group means by more than 30 % RMS",
    "lps_bolus_timecourse": "IL-10 peaks lower and earlier than in Windoloski's data",
    "psychosocial_harmful": "the model's % change per unit g is about half the pooled one: at the fitted Shields g "
                            "(0.30) the harmful markers fall about 10 %, at the edge of the +-50 % tolerance",
}


def protocol(*ids: str):
    def register(fn: Protocol) -> Protocol:
        for i in ids:
            PROTOCOLS[i] = fn
        return fn
    return register


# ------------------------------------------------------------------------------------------------- helpers
def compare(t: Target, metric: str, simulated, simulated_ci, *, design: str, part: str = "", unit: str = "",
            target=None, target_ci=None, tolerance: tuple[float, float] | None = None, note: str = "",
            extra: dict | None = None) -> Record:
    """A record whose pass rule is the tolerance if given, else the target CI/range."""
    tv = t.estimate if target is None else target
    tci = t.ci if target_ci is None else target_ci
    if tolerance is not None:
        lo, hi = tolerance
        rule = f"simulated within the stated tolerance [{lo:g}, {hi:g}]" + (f" ({note})" if note else "")
    elif tci is not None:
        lo, hi = tci
        rule = f"simulated estimate within the published {'range' if t.kind in ('level', 'cost') else '95 % CI'}"
    else:
        raise ValueError(f"target {t.id} has neither a CI nor a stated tolerance")
    x = float(simulated) if simulated is not None else math.nan
    passed = bool(math.isfinite(x) and lo <= x <= hi)
    rid = f"{t.id}:{part}" if part else t.id
    return Record(rid, t.id, metric, tv, tci, x, _ci(simulated_ci), passed, "passed" if passed else "failed",
                  rule, design, "" if passed else KNOWN_GAPS.get(t.id, ""), t.source, t.grade, t.kind, unit,
                  extra or {})


def _ci(ci):
    return None if ci is None else (float(ci[0]), float(ci[1]))


def mean_ci(x) -> tuple[float, tuple[float, float]]:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    m, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))
    return m, (m - Z * se, m + Z * se)


def bootstrap_ci(stat: Callable[[np.ndarray], float], n: int, *, seed: int, draws: int = 500):
    """Percentile CI of ``stat(indices)`` over people resampled with replacement."""
    rng = np.random.default_rng(seed)
    vals = np.array([stat(rng.integers(0, n, n)) for _ in range(draws)])
    vals = vals[np.isfinite(vals)]
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def _ok(ds) -> np.ndarray:
    return ds["status"].values == 0


def curve(x, sim: np.ndarray, x_data, data, *, x_label: str, y_label: str, data_sd=None, n_data=None) -> dict:
    """What the report draws for a time-course target: the simulated individuals' 5-95 % band, quartiles and mean
    curve against the data (group means, with ±SD when given). Kept in the record (JSON-able)."""
    q = np.nanpercentile(sim, [5, 25, 50, 75, 95], axis=0)
    out = {"x": np.asarray(x, float).tolist(), "x_label": x_label, "y_label": y_label, "n_sim": int(sim.shape[0]),
           "sim_mean": np.nanmean(sim, axis=0).tolist(), **{f"sim_p{k}": v.tolist() for k, v in
                                                              zip((5, 25, 50, 75, 95), q)},
           "data_x": np.asarray(x_data, float).tolist(), "data_y": np.asarray(data, float).tolist()}
    if data_sd is not None:
        out["data_sd"] = np.asarray(data_sd, float).tolist()
    if n_data is not None:
        out["n_data"] = int(n_data)
    return out


# ================================================================================================ HPA axis
@protocol("cortisol_diurnal_peak", "cortisol_diurnal_nadir", "cortisol_awakening_response")
def diurnal(t: Target, st: Studies) -> list[Record]:
    ds = st.healthy_days()
    day = cortisol_day(ds.isel(individual=_ok(ds)), 1)
    key = {"cortisol_diurnal_peak": "serum_peak", "cortisol_diurnal_nadir": "nadir",
           "cortisol_awakening_response": "car_pct"}[t.id]
    vals = [r[key] for r in day["individuals"].values()]
    m, ci = mean_ci(vals)
    clock = [r[key + "_clock"] for r in day["individuals"].values()] if key + "_clock" in day["units"] else []
    return [compare(t, t.metric, m, ci, unit="%" if key == "car_pct" else "nmol/L",
                    design=f"{len(vals)} healthy adults with between-person variability, waking 07:00, day 2 of "
                           f"a settled run sampled every 5 min; population mean (95 % CI of the mean)",
                    extra={"clock_time_mean_h": float(np.nanmean(clock))} if clock else None)]


@protocol("cortisol_24h_healthy")
def day_curve(t: Target, st: Studies) -> list[Record]:
    ds = st.healthy_days()
    ok = _ok(ds)
    time = ds["time"].values
    sel = (time >= 24.0) & (time <= 48.0)
    sim = ds["cortisol_serum"].values[ok][:, sel]
    clock = time[sel] - 24.0
    out = []
    # Carroll 2007 on the absolute scale; Yehuda 1996's group means run about twice Carroll's at the same clock
    # times (another assay and population), so that curve is compared on its shape (each curve over its own mean)
    for part, path, t0, shape in (("carroll2007", "human/carroll2007_control_cortisol.csv", 0.0, False),
                                  ("yehuda1996", "human/yehuda1996_control_cortisol.csv", 10.0, True)):
        d = load_csv(path)
        hours = (t0 + d["time_min"] / 60.0) % 24.0
        obs = d["cortisol_ug_dL"] * UG_DL

        def rel_rmse(idx, hours=hours, obs=obs, shape=shape):
            curve = np.interp(hours, clock, sim[idx].mean(axis=0))
            if shape:
                return float(np.sqrt(np.mean((curve / curve.mean() - obs / obs.mean()) ** 2)))
            return float(np.sqrt(np.mean((curve - obs) ** 2)) / obs.mean())
        value = rel_rmse(np.arange(sim.shape[0]))
        ci = bootstrap_ci(rel_rmse, sim.shape[0], seed=st.seed + 7)
        what = "shape (each curve over its own 24-h mean)" if shape else "level"
        order = np.argsort(hours)
        if shape:  # each curve over its own 24-h mean, as compared
            drawn = curve(clock, sim / sim.mean(axis=0).mean(), hours[order], (obs / obs.mean())[order],
                          x_label="clock time (h)", y_label="serum cortisol / 24-h mean")
        else:
            drawn = curve(clock, sim, hours[order], obs[order], x_label="clock time (h)",
                          y_label="serum cortisol (nmol/L)")
        out.append(compare(t, f"RMSE of the 24-h mean serum cortisol curve / mean of the data ({what})", value, ci,
                           part=part, target=0.0, tolerance=(0.0, 0.30), unit="1", extra={"curve": drawn},
                           note="pnisim's acceptance level for a digitised group-mean curve",
                           design=f"mean curve of {sim.shape[0]} healthy adults (day 2) against the digitised "
                                  f"group means of {part}, compared on {what}"))
    return out


@protocol("tsst_cortisol_timing", "tsst_il6_timing")
def tsst_timing(t: Target, st: Studies) -> list[Record]:
    ds = st.tsst()
    ok = _ok(ds)
    time = ds["time"].values
    onset = st.TSST_ONSET_H
    var = "cortisol_saliva" if t.id == "tsst_cortisol_timing" else "il6"
    y = ds[var].values[ok]
    after = (time >= onset) & (time <= onset + 3.0)
    base = np.array([np.interp(onset, time, row) for row in y])

    def peak_min(idx):
        rise = (y[idx][:, after] - base[idx, None]).mean(axis=0)
        return 60.0 * (time[after][int(np.argmax(rise))] - onset)
    value = peak_min(np.arange(y.shape[0]))
    return [compare(t, t.metric, value, bootstrap_ci(peak_min, y.shape[0], seed=st.seed + 3), unit="min",
                    design=f"{y.shape[0]} healthy adults, 15-min Trier-type stressor at 14:00; time of the largest "
                           f"mean rise of {var} over the 3 h after onset (5-min sampling)")]


TSST_POST_MIN = (30, 60, 90, 120)


@protocol("tsst_il6", "tsst_tnf", "tsst_il10", "tsst_crp")
def tsst_effect(t: Target, st: Studies) -> list[Record]:
    ds = st.tsst()
    var = t.id.split("_")[1]
    ok = _ok(ds)
    onset = st.TSST_ONSET_H
    times = [onset] + [onset + m / 60.0 for m in TSST_POST_MIN]
    sampled = ds[[var, "status"]].isel(individual=ok).sel(time=times, method="nearest")
    measured = measure(sampled, np.random.default_rng(st.seed + 5), names=[var])[var].values
    ests = [S.standardized_mean_change(measured[:, 0], measured[:, k]) for k in range(1, len(times))]
    g = float(np.mean([e.estimate for e in ests]))
    ci = (float(np.mean([e.ci_low for e in ests])), float(np.mean([e.ci_high for e in ests])))
    return [compare(t, "pre-post standardised mean change (Becker 1988), mean over +30/60/90/120 min", g, ci,
                    unit="1", extra={f"d_{m}min": e.estimate for m, e in zip(TSST_POST_MIN, ests)},
                    design=f"{measured.shape[0]} healthy adults, Trier-type stressor at 14:00; measured (assay "
                           f"error) at onset and 30, 60, 90, 120 min after; d per time point over the pretest SD, "
                           f"averaged over time points as Marsland 2017 pooled them")]


@protocol("tsst_cortisol_individual")
def nelson(t: Target, st: Studies) -> list[Record]:
    d = load_csv("human/nelson_tsst_healthy_cortisol.csv")
    ids = np.unique(d["patient_id"])
    times = np.unique(d["time_min"])
    data = np.array([[d["cortisol_ug_dL"][(d["patient_id"] == p) & (d["time_min"] == m)][0] for m in times]
                     for p in ids]) * UG_DL
    ds = st.nelson_tsst()
    ok = _ok(ds)
    sim_t = 60.0 * (ds["time"].values - 13.5)
    sim = np.array([np.interp(times, sim_t, row) for row in ds["cortisol_serum"].values[ok]])
    onset = 30.0
    k0 = int(np.argmin(np.abs(times - onset)))

    def ratio(y):
        return lambda idx: float(y[idx].mean(axis=0).max() / y[idx].mean(axis=0)[k0])

    def when(y):
        return lambda idx: float(times[int(np.argmax(y[idx].mean(axis=0)))] - onset)
    out = []
    drawn = curve(times, sim, times, data.mean(axis=0), data_sd=data.std(axis=0, ddof=1), n_data=len(ids),
                  x_label="minutes from the start of sampling (stressor at 30)", y_label="serum cortisol (nmol/L)")
    for part, fn, unit, metric in (("peak_ratio", ratio, "1", "peak / value at stressor onset (mean curve)"),
                                   ("peak_time", when, "min", "peak time after stressor onset (mean curve)")):
        tv, tci = fn(data)(np.arange(len(ids))), bootstrap_ci(fn(data), len(ids), seed=st.seed + 11)
        sv, sci = fn(sim)(np.arange(sim.shape[0])), bootstrap_ci(fn(sim), sim.shape[0], seed=st.seed + 12)
        out.append(compare(t, metric, sv, sci, part=part, target=tv, target_ci=tci, unit=unit,
                           extra={"curve": drawn} if part == "peak_ratio" else None,
                           design=f"{sim.shape[0]} healthy adults, Trier-type stressor 30 min into 140 min of "
                                  f"sampling (clock time assumed 14:00), serum cortisol at the data's sampling "
                                  f"times; target CI: bootstrap over the 15 subjects"))
    return out


# ================================================================================================ endotoxin
@protocol("lps_bolus_timecourse")
def lps_curve(t: Target, st: Studies) -> list[Record]:
    d = load_csv("human/lps_bolus_2ngkg_mean.csv")
    ds = st.lps()
    ok = _ok(ds)
    time = ds["time"].values - st.LPS_H
    out = []
    for var, label in (("tnf", "TNF"), ("il6", "IL-6"), ("il10", "IL-10")):
        mean, sd = d[f"{var}_mean_pg_mL"], d[f"{var}_sd"]
        k = int(np.argmax(mean))
        half = Z * sd[k] / math.sqrt(t.n or 20)
        y = ds[var].values[ok]

        def peak(idx, y=y):
            return float(y[idx].mean(axis=0).max())

        def when(idx, y=y):
            return float(time[int(np.argmax(y[idx].mean(axis=0)))])
        n = y.shape[0]
        design = (f"{n} healthy adults with between-person variability, 2 ng/kg LPS at 08:00, mean curve sampled "
                  f"every 10 min; target CI from the data's SD at its peak (n = 20)")
        window = (time >= -1.0) & (time <= 12.0)
        drawn = curve(time[window], y[:, window], d["time_h"], mean, data_sd=sd, n_data=t.n or 20,
                      x_label="hours after the LPS bolus", y_label=f"{label} (pg/mL)")
        out.append(compare(t, f"peak of the mean {label} curve", peak(np.arange(n)),
                           bootstrap_ci(peak, n, seed=st.seed + 13), part=f"{var}_peak", unit="pg/mL",
                           extra={"curve": drawn},
                           target=float(mean[k]), target_ci=(float(mean[k] - half), float(mean[k] + half)),
                           design=design))
        tk = float(d["time_h"][k])
        out.append(compare(t, f"time of the {label} peak after the bolus", when(np.arange(n)),
                           bootstrap_ci(when, n, seed=st.seed + 14), part=f"{var}_peak_time", unit="h",
                           target=tk, tolerance=(tk - 0.5, tk + 0.5),
                           note="± 0.5 h, half the data's hourly sampling", design=design))
    return out


@protocol("lps_hpa_order")
def lps_order(t: Target, st: Studies) -> list[Record]:
    ds = st.lps()
    ok = _ok(ds)
    time = ds["time"].values - st.LPS_H
    names = {"tnf": "TNF", "il6": "IL-6", "il10": "IL-10", "acth": "ACTH", "cortisol_serum": "cortisol"}
    peaks = {v: float(time[int(np.argmax(ds[v].values[ok].mean(axis=0)))]) for v in names}
    order = " < ".join(names[v] for v in sorted(peaks, key=peaks.get))
    passed = order == t.estimate_text
    return [Record(t.id, t.id, t.metric, t.estimate_text, None, order, None, passed,
                   "passed" if passed else "failed", "the simulated order of mean-curve peaks equals the target order",
                   "20 healthy adults, 2 ng/kg LPS at 08:00, mean curves", "" if passed else KNOWN_GAPS.get(t.id, ""),
                   t.source, t.grade, t.kind, "h", {"peak_h": peaks})]


@protocol("crp_halflife")
def crp_halflife(t: Target, st: Studies) -> list[Record]:
    t_lps = 24 * 10 + 8.0
    times = t_lps + np.arange(0.0, 24 * 8 + 1, 1.0)
    lps, calm = st.twin("lps_twin", [Event(t_lps, "add_state", "E", 2.0)], times, ["crp", "il6"])
    excess = lps["crp"].values[0] - calm["crp"].values[0]
    il6 = lps["il6"].values[0] - calm["il6"].values[0]
    k = int(np.argmax(excess))
    # the decline once IL-6 no longer drives synthesis: IL-6 excess < 1 % of its peak, CRP excess > 1 % of its peak
    sel = (np.arange(times.size) > k) & (np.abs(il6) < 0.01 * il6.max()) & (excess > 0.01 * excess[k])
    h = times[sel] - times[0]
    slope = np.polyfit(h, np.log(excess[sel]), 1)[0]
    value = math.log(2) / -slope
    return [compare(t, "half-life of the CRP excess after an LPS-driven rise", value, None, unit="h",
                    design=f"one healthy adult, 2 ng/kg LPS; log-linear fit of CRP above its unperturbed twin over "
                           f"{h[0]:.0f}-{h[-1]:.0f} h after the bolus, once the IL-6 drive has ended")]


@protocol("cortisol_halflife")
def cortisol_halflife(t: Target, st: Studies) -> list[Record]:
    t0 = 24 * 10 + 1.0  # 01:00, near the nadir when secretion is lowest
    times = t0 + np.arange(0.0, 3.0 + 1e-9, 5 / 60)
    bolus, calm = st.twin("cortisol_twin", [Event(t0, "add_state", "CORT", 10.0)], times, ["cortisol_serum"])
    excess = bolus["cortisol_serum"].values[0] - calm["cortisol_serum"].values[0]
    sel = (times - t0 > 0.25) & (excess > 0.05 * excess[0])
    slope = np.polyfit(times[sel] - t0, np.log(excess[sel]), 1)[0]
    value = 60.0 * math.log(2) / -slope
    return [compare(t, "half-life of a cortisol excess (10 µg/dL bolus at 01:00, feedback intact)", value, None,
                    unit="min", design="one healthy adult; log-linear fit of serum cortisol above its unperturbed "
                                       "twin 15 min to 3 h after an intravenous-like cortisol bolus")]


# ================================================================================================ observational
DEPRESSION = {"mdd": 0.75, "mdd_inflamed": 0.25}  # about a quarter of MDD has CRP > 3 mg/L (Osimo 2019)


@protocol("mdd_crp", "mdd_il6", "mdd_tnf")
def depression_case_control(t: Target, st: Studies) -> list[Record]:
    res = st.case_control("mdd_case_control", cases=DEPRESSION, controls={"healthy": 1.0}, n_cases=300,
                          n_controls=300, observables=["crp", "il6", "tnf"], seed=30)
    return [_g_record(t, res, t.id.split("_")[1],
                      "300 adults with depression (75 % mdd, 25 % mdd_inflamed presets) vs 300 healthy controls, "
                      "between-person variability, one 08:00 blood draw with assay error; Hedges g")]


@protocol("sleep_crp", "sleep_il6")
def sleep_case_control(t: Target, st: Studies) -> list[Record]:
    res = st.case_control("sleep_case_control", cases={"insomnia": 1.0}, controls={"healthy": 1.0}, n_cases=300,
                          n_controls=300, observables=["crp", "il6"], seed=31)
    return [_g_record(t, res, t.id.split("_")[1],
                      "300 adults with disturbed sleep (insomnia preset) vs 300 good sleepers, between-person "
                      "variability, one 08:00 blood draw with assay error; Hedges g")]


def _g_record(t: Target, res, observable: str, design: str) -> Record:
    row = next(r for r in res.as_records() if r["observable"] == observable and r.get("scale", "raw") == "raw")
    return compare(t, "Hedges g, cases vs controls", row["estimate"], (row["ci_low"], row["ci_high"]), unit="1",
                   design=design, extra={k: row[k] for k in row if k in ("case_mean", "control_mean",
                                                                          "case_sd", "control_sd")})


@protocol("stress_disorder_autoimmune")
def autoimmune_cohort(t: Target, st: Studies) -> list[Record]:
    res = st.cohort("stress_autoimmune_cohort", exposed={"ptsd": 1.0}, unexposed={"healthy": 1.0},
                    n_exposed=100, n_unexposed=100, years=1.0, seed=32,
                    susceptibility={"autoimmune.alpha2": (10.0, 0.2)})
    rows = {(r["statistic"], r["group"]): r for r in res.as_records()}
    hr = rows[("hazard ratio", "exposed vs unexposed")]
    inc = {g: rows[("incidence per 1000 person-years", g)]["estimate"] for g in ("exposed", "unexposed")}
    design = ("100 adults entering with a stress-related disorder (ptsd preset from entry) vs 100 unexposed, all "
              "in Baker 2013's bistable setting (alpha2 ~ lognormal, median 10, sd of log 0.2; the shipped healthy "
              "model is monostable and has no onsets), followed 1 year with daily checks for disease onset; Cox "
              "model (lifelines)")
    if not math.isfinite(hr["estimate"]):
        return [Record(t.id, t.id, t.metric, t.estimate, t.ci, None, None, None, "not simulatable", "", design,
                       f"hazard ratio not estimable: {hr['note']}", t.source, t.grade, t.kind, "1",
                       {f"incidence_{g}": v for g, v in inc.items()})]
    return [compare(t, "Cox hazard ratio, exposed vs unexposed", hr["estimate"], (hr["ci_low"], hr["ci_high"]),
                    unit="1", design=design, extra={f"incidence_per_1000py_{g}": v for g, v in inc.items()})]


# ================================================================================================ trials
def _trial(duration: str, visits: list[str], mixture: dict, arms: list[dict], endpoints: list[str], *,
           per_arm: int, seed: int, inclusion: list[dict] = (), screen_factor: float = 2.0,
           burn_in_exposures: list[dict] = ()) -> dict:
    return {"model": "whole", "duration": duration, "burn_in": "28 d", "visits": visits,
            "burn_in_exposures": list(burn_in_exposures),
            "population": {"per_arm": per_arm, "seed": seed, "screen_factor": screen_factor, "mixture": mixture},
            "inclusion": list(inclusion), "arms": arms, "endpoints": [{"observable": e} for e in endpoints]}


MARKERS = ("crp", "il6", "tnf")
#: Participants per arm of the simulated trial that stands for a pooled (meta-analytic) estimate. Its Monte Carlo
#: SE of Hedges g, about sqrt(2 / 300) = 0.08, is below half the published CIs' half-widths (0.1-0.15), so a pass or
#: fail reflects the model rather than the luck of one small simulated sample; smaller designs (40-100 per arm)
#: made the fitted effect sizes follow the sample's noise (one recalibration moved two of them five-fold).
POOLED_PER_ARM = 300
CBT_TRIAL = _trial("12 week", ["0 week", "12 week"], {"chronic_stress": 0.7, "mdd": 0.3},
                   [{"name": "usual_care"},
                    {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "10:00", "sessions": 10}]}],
                   list(MARKERS), per_arm=POOLED_PER_ARM, seed=40, inclusion=[{"observable": "pss10", "op": ">=", "value": 16}])
CBT_DESIGN = ("CBT (10 weekly sessions) vs usual care, 300 per arm, stressed adults (70 % chronic stress, 30 % MDD, "
              "PSS-10 >= 16 at screening), measured with assay error at baseline and 12 weeks (post-treatment)")


def _arms(res, name: str):
    data = res.data
    ok = data["status"].values == 0
    arm = data["arm"].values
    return (arm == name) & ok, (arm == res.spec.arms[0].name) & ok


def composite(res, markers=MARKERS) -> np.ndarray:
    """Per participant x visit: mean of the log markers standardised by their pooled baseline mean and SD
    (a composite 'low-grade inflammation' score, as the pooled meta-analyses combine markers)."""
    zs = []
    for m in markers:
        y = np.log(np.clip(res.data[m].values, 1e-6, None))
        base = y[:, 0][np.isfinite(y[:, 0])]
        zs.append((y - base.mean()) / base.std(ddof=1))
    return np.mean(zs, axis=0)


def _ppc(res, arm: str, y: np.ndarray) -> S.Estimate:
    t, c = _arms(res, arm)
    return S.ppc_g(y[t, 0], y[t, -1], y[c, 0], y[c, -1])


@protocol("psychosocial_immune")
def psychosocial_immune(t: Target, st: Studies) -> list[Record]:
    res = st.trial("cbt_stress", CBT_TRIAL)
    e = _ppc(res, "cbt", composite(res))
    # positive = better immune function = a fall of the pro-inflammatory composite
    return [compare(t, "pretest-posttest-control g of the inflammatory composite (sign: + = better)", -e.estimate,
                    (-e.ci_high, -e.ci_low), unit="1", design=CBT_DESIGN + "; composite of log CRP, IL-6, TNF")]


@protocol("psychosocial_harmful")
def psychosocial_harmful(t: Target, st: Studies) -> list[Record]:
    res = st.trial("cbt_stress", CBT_TRIAL)
    tr, c = _arms(res, "cbt")
    per = {m: S.percent_change_vs_control(res.data[m].values[tr, 0], res.data[m].values[tr, -1],
                                          res.data[m].values[c, 0], res.data[m].values[c, -1]) for m in MARKERS}
    value = float(np.mean(list(per.values())))
    return [compare(t, "% change vs control, mean over CRP, IL-6, TNF", value, None, unit="%",
                    tolerance=(1.5 * t.estimate, 0.5 * t.estimate), note="± 50 % of the pooled value, which has "
                    "no published CI", design=CBT_DESIGN, extra={f"pct_{m}": v for m, v in per.items()})]


@protocol("mindfulness_inflammation")
def mindfulness(t: Target, st: Studies) -> list[Record]:
    spec = _trial("8 week", ["0 week", "8 week"], {"mdd": 0.5, "mdd_inflamed": 0.3, "ptsd": 0.2},
                  [{"name": "waitlist"}, {"name": "mbsr", "exposures": [
                      {"type": "mindfulness", "day": 0, "time": "18:00", "sessions": 8}]}],
                  list(MARKERS), per_arm=POOLED_PER_ARM, seed=41)
    res = st.trial("mindfulness", spec)
    e = _ppc(res, "mbsr", composite(res))
    return [compare(t, "pretest-posttest-control g of the inflammatory composite (- = reduction)", e.estimate,
                    (e.ci_low, e.ci_high), unit="1",
                    design="8-week mindfulness course vs waitlist, 300 per arm, psychiatric patients (MDD, inflamed "
                           "MDD, PTSD presets), composite of log CRP, IL-6, TNF with assay error")]


PROBIOTIC_TRIAL = _trial("12 week", ["0 week", "12 week"], {"healthy": 0.4, "obesity": 0.4, "mdd": 0.2},
                         [{"name": "placebo"}, {"name": "probiotic",
                                                "exposures": [{"type": "probiotics", "day": 0, "time": "08:00"}]}],
                         list(MARKERS), per_arm=POOLED_PER_ARM, seed=42)


@protocol("probiotic_crp", "probiotic_il6", "probiotic_tnf")
def probiotic(t: Target, st: Studies) -> list[Record]:
    res = st.trial("probiotics", PROBIOTIC_TRIAL)
    m = t.id.split("_")[1]
    tr, c = _arms(res, "probiotic")
    y = res.data[m].values
    e = S.hedges_g(y[tr, -1] - y[tr, 0], y[c, -1] - y[c, 0])
    return [compare(t, "Hedges g of change, probiotic vs placebo", e.estimate, (e.ci_low, e.ci_high), unit="1",
                    design="daily probiotic vs placebo for 12 weeks, 300 per arm, adults (healthy, obese, MDD "
                           "presets) as in the pooled RCTs, assay error at both visits")]


@protocol("antiinflammatory_depression")
def anti_inflammatory(t: Target, st: Studies) -> list[Record]:
    spec = _trial("8 week", ["0 week", "8 week"], DEPRESSION,
                  [{"name": "placebo"}, {"name": "celecoxib", "exposures": [
                      {"type": "celecoxib", "day": 0, "time": "08:00", "dose": "200 mg"}]}],
                  ["phq9"], per_arm=POOLED_PER_ARM, seed=43, inclusion=[{"observable": "phq9", "op": ">=", "value": 10}],
                  screen_factor=3.0)
    res = st.trial("celecoxib_depression", spec)
    tr, c = _arms(res, "celecoxib")
    y = res.data["phq9"].values
    e = S.hedges_g(y[tr, -1] - y[tr, 0], y[c, -1] - y[c, 0])
    return [compare(t, "Hedges g of PHQ-9 change, anti-inflammatory vs placebo", e.estimate, (e.ci_low, e.ci_high),
                    unit="1", design="celecoxib 200 mg twice daily vs placebo for 8 weeks, 300 per arm, depression "
                                     "(PHQ-9 >= 10 at screening), PHQ-9 with questionnaire error")]


@protocol("massage_cortisol_single")
def massage_single(t: Target, st: Studies) -> list[Record]:
    spec = _trial("12 h", ["0 h", "9.75 h", "11.25 h"], {"healthy": 1.0},
                  [{"name": "rest"}, {"name": "massage", "exposures": [
                      {"type": "massage_single", "day": 0, "time": "10:00"}]}],
                  ["cortisol_saliva"], per_arm=POOLED_PER_ARM, seed=44)
    res = st.trial("massage_single", spec)
    tr, c = _arms(res, "massage")
    y = res.data["cortisol_saliva"].values
    e = S.hedges_g(y[tr, 2] - y[tr, 1], y[c, 2] - y[c, 1])
    return [compare(t, "Hedges g of the pre-post cortisol change, massage vs rest", e.estimate, (e.ci_low, e.ci_high),
                    unit="1", design="one massage session at 10:00 vs rest, 300 per arm, healthy adults, salivary "
                                     "cortisol with assay error 15 min before and 1 h 15 min after its start")]


@protocol("massage_depression")
def massage_depression(t: Target, st: Studies) -> list[Record]:
    spec = _trial("6 week", ["0 week", "6 week"], {"mdd": 1.0},
                  [{"name": "control"}, {"name": "massage", "exposures": [
                      {"type": "massage_course", "day": 0, "time": "10:00"}]}],
                  ["phq9"], per_arm=POOLED_PER_ARM, seed=45, inclusion=[{"observable": "phq9", "op": ">=", "value": 10}],
                  screen_factor=3.0)
    res = st.trial("massage_depression", spec)
    tr, c = _arms(res, "massage")
    y = res.data["phq9"].values
    e = S.hedges_g(y[tr, -1] - y[tr, 0], y[c, -1] - y[c, 0])
    return [compare(t, "Hedges g of PHQ-9 improvement, massage vs control (+ = better)", -e.estimate,
                    (-e.ci_high, -e.ci_low), unit="1",
                    design="twice-weekly massage for 5 weeks vs control, 300 per arm, depressed adults (PHQ-9 >= 10), "
                           "PHQ-9 with questionnaire error at baseline and 6 weeks")]


@protocol("vns_ra_das28")
def vns_ra(t: Target, st: Studies) -> list[Record]:
    spec = _trial("6 week", ["0 week", "6 week"], {"ra": 1.0},
                  [{"name": "sham"}, {"name": "vns", "exposures": [
                      {"type": "vns_implanted", "day": 0, "time": "08:00"}]}],
                  ["disease_score"], per_arm=17, seed=46,
                  inclusion=[{"observable": "disease_score", "op": ">=", "value": 3.2}], screen_factor=2.0,
                  burn_in_exposures=[{"type": "flare_trigger", "day": 2, "time": "00:00"}])
    res = st.trial("vns_ra", spec)
    tr, _ = _arms(res, "vns")
    y = res.data["disease_score"].values
    change = y[tr, -1] - y[tr, 0]
    m, ci = mean_ci(change)
    return [compare(t, "mean DAS28 change over 6 weeks in the VNS arm", m, ci, unit="1",
                    design="17 adults with active RA (ra preset, a flare triggered during settling, DAS28 >= 3.2 at "
                           "screening) given implanted VNS, "
                           "open label like Koopman 2016; DAS28 with measurement error at day 0 and day 42")]


# ================================================================================================ costs, utilities
def _exposure(spec: dict, duration: str = "53 week"):
    from ..scenario.loading import parse_scenario

    s = parse_scenario({"name": "cost", "model": "whole", "run": {"duration": duration, "burn_in": "0 d",
                                                                  "sampling": "1 d"}, "exposures": [spec]})
    return s.exposures[0]


@protocol("cbt_cost")
def cbt_cost(t: Target, st: Studies) -> list[Record]:
    from ..trial.cea import exposure_cost

    cost = exposure_cost(_exposure({"type": "cbt", "day": 0, "time": "10:00", "sessions": 10}), 53 * 168.0)
    return [compare(t, "library cost of a 10-session CBT course", cost, None, unit="USD",
                    design="scenario library price of the cbt exposure with 10 sessions")]


@protocol("biologic_cost")
def biologic_cost(t: Target, st: Studies) -> list[Record]:
    from ..trial.cea import exposure_cost

    out = []
    for drug in ("infliximab", "adalimumab"):
        cost = exposure_cost(_exposure({"type": drug, "day": 0, "time": "00:00"}), 365.25 * 24)
        out.append(compare(t, f"library cost of one year of {drug}", cost, None, part=drug, unit="USD/year",
                           design=f"scenario library price of the {drug} regimen over 365.25 days"))
    return out


KOLOVOS_STATES = {"remission": (2, 0.70), "mild": (7, 0.57), "moderate": (12, 0.52), "severe": (22, 0.39)}


@protocol("utility_depression")
def utility_depression(t: Target, st: Studies) -> list[Record]:
    from ..trial.cea import utility_from_phq9

    return [compare(t, f"EQ-5D utility at PHQ-9 {phq} ({state})", float(utility_from_phq9(np.array([phq]))[0]),
                    None, part=state, target=u, tolerance=(u - 0.005, u + 0.005), unit="1",
                    note="the published state utility to 2 decimals",
                    design="pnisim's PHQ-9 -> EQ-5D mapping at a PHQ-9 score inside the state's band")
            for state, (phq, u) in KOLOVOS_STATES.items()]


@protocol("utility_ra")
def utility_ra(t: Target, st: Studies) -> list[Record]:
    from ..trial.cea import utility_from_haq

    out = []
    for haq in (0.0, 1.0, 2.0, 3.0):
        u = 0.9527 - 0.2018 * haq
        out.append(compare(t, f"HUI-3 utility at HAQ-DI {haq:g}", float(utility_from_haq(np.array([haq]))[0]), None,
                           part=f"haq_{haq:g}", target=u, tolerance=(u - 1e-6, u + 1e-6), unit="1",
                           note="the published linear mapping", design="pnisim's HAQ-DI -> HUI-3 mapping"))
    return out
