"""Run a trial: screen a virtual population, include, randomise, follow each arm, measure at visits, analyse.

1. **Screening population.** ``per_arm x arms x screen_factor`` candidates; each gets a phenotype from the
   mixture (seeded draw) and, with ``variability``, log-normal between-person parameters (each parameter's cv,
   :func:`pnisim.population.draw_mixture`).
2. **Baseline.** Every candidate is settled for ``burn_in`` without exposures; the baseline visit is measured
   with the assay / questionnaire error of :mod:`pnisim.analysis.measurement` when ``measurement_error``, and
   each biomarker's within-person day-to-day variation when ``biological_variation`` (both on by default).
3. **Inclusion** on the measured baseline; too few passing candidates is an error that says how many passed. The
   baseline visit keeps the reading that decided inclusion (eligibility is confirmed at the baseline visit), so a
   cut-off on a noisy measure brings regression to the mean into every arm, as it does in real trials.
4. **Randomisation**: the first ``per_arm x arms`` passing candidates in a seeded random order, allocated in
   equal shares (permuted blocks of one full set of arms).
5. **Follow-up**: each arm's exposures (timed from randomisation) act on its participants from their settled
   state; observables are kept at the visits only, then measured.
6. **Analysis** per endpoint and active arm vs the control (first) arm, baseline to last visit: mean difference
   of change (Welch), Hedges g of change, the pretest–posttest–control g (Morris 2008), ANCOVA on the last visit
   adjusted for baseline, and the % change vs control (:mod:`pnisim.trial.stats`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..analysis.measurement import MEASUREMENTS, measure
from ..disclaimer import DISCLAIMER
from ..engine.simulate import Solver
from ..errors import SpecError
from ..model.calibration import SHIPPED, Calibration
from ..model.library import for_long_runs
from ..scenario import units as U
from ..population import Design, People, Target, draw_mixture, plausible, run_population, select_to_target
from ..scenario.build import scenario_events
from .covariates import apply_covariates, draw_demographics
from . import stats as S
from .spec import TrialSpec

__all__ = ["TrialResult", "run_trial", "CHUNK"]

CHUNK = 500  # participants per engine call
Progress = Callable[[float, str], None]


@dataclass
class TrialResult:
    spec: TrialSpec
    data: xr.Dataset            # participant x visit, measured endpoints (and *_true), arm, phenotype
    estimates: list[dict]       # one row per endpoint x active arm x statistic
    screening: dict = field(default_factory=dict)
    power: list[dict] = field(default_factory=list)  # per endpoint x active arm: power curve over N per arm
    cea: list[dict] = field(default_factory=list)  # per active arm, when PHQ-9 or DAS28 is an endpoint


def _keep_screening_reading(data: xr.Dataset, measured: xr.Dataset, candidates: np.ndarray, names: list[str]) -> None:
    """The baseline visit (visit_time 0) of each inclusion observable is the reading inclusion was decided on."""
    for name in dict.fromkeys(names):
        for var in (name, f"{name}_below_lod"):
            if var in data and var in measured:
                values = data[var].values.copy()
                values[:, 0] = measured[var].values[candidates, 0]
                data[var] = (data[var].dims, values, data[var].attrs)


def _population(spec: TrialSpec, model, rng: np.random.Generator, presets) -> tuple[np.ndarray, np.ndarray]:
    p = spec.population
    n = math.ceil(p.per_arm * len(spec.arms) * p.screen_factor)
    params, _, phenotype = draw_mixture(model, p.mixture, n, rng, presets=presets, variability=p.variability,
                                        correlations={(c.a, c.b): c.r for c in p.correlations})
    return params, phenotype


def _simulate(model, t_out, params, y0, events, solver, t0, report, lo, hi, what) -> xr.Dataset:
    """Participants from ``y0`` (None: the model's initial state, and the states are kept) over ``t_out``."""
    people = People(params, events, initial_state=y0)
    design = Design(t_out=np.asarray(t_out, dtype=float), t0=t0, keep_states=y0 is None, chunk_size=CHUNK,
                    label="participant")
    return run_population(model, people, design, solver=solver,
                          progress=lambda f, m: report(lo + (hi - lo) * f, f"{what}: {m}"))


def run_trial(spec: TrialSpec, *, progress: Progress | None = None, solver: Solver = Solver(rtol=1e-5, atol=1e-7),
              calibration: Calibration = SHIPPED) -> TrialResult:
    """Screen, include, randomise, follow and analyse the trial ``spec`` describes (module docstring), with
    ``calibration``'s parameter and phenotype values (default: the shipped calibration)."""
    # rtol 1e-5: every estimate of a 200-person trial agrees with rtol 1e-6 to 3 significant figures (largest
    # relative difference 3e-8) for about 20 % less solver work; assay noise is orders of magnitude larger
    report: Progress = progress or (lambda f, m: None)
    scenario = spec.scenario()
    model = scenario.get_model(calibration)
    if spec.quasi_steady():
        model = for_long_runs(model)  # minutes-scale states off the solver: see pnisim.model.reduce
    rng = np.random.default_rng(spec.population.seed)
    params, phenotype = _population(spec, model, rng, calibration.presets)
    n_screen = params.shape[0]
    demo = {} if spec.population.demographics is None else draw_demographics(spec.population.demographics, rng,
                                                                             n_screen)
    params = apply_covariates(model, params, demo)
    burn = _hours(spec.burn_in)

    # 1-2: settle everyone, read the baseline visit
    settling = _burn_in_events(spec, model, burn)
    base = _simulate(model, [0.0], params, None, [settling] * n_screen, solver, -burn, report, 0.0, 0.3,
                     "Screening")
    y0 = np.stack([base[s].values[:, -1] for s in model.state_names], axis=1)
    ok = base["status"].values == 0
    screened = base[[o for o in model.observable_names]].isel(time=[-1])
    measured = measure(screened, rng, names=[c.observable for c in spec.inclusion if c.observable in MEASUREMENTS],
                       biological=spec.biological_variation) if spec.measurement_error else screened
    # plausibility and selection to a target baseline distribution (Allen 2016), on the true baseline
    truth = {o: screened[o].values[:, 0] for o in model.observable_names}
    ok &= plausible(truth, spec.population.plausible)
    n_plausible = int(ok.sum())
    if spec.population.target is not None:
        tg = spec.population.target
        ok &= select_to_target(np.where(ok, truth[tg.observable], np.nan), Target(tg.kind, tg.a, tg.b), rng)
    # 3: inclusion
    passed = ok.copy()
    for c in spec.inclusion:
        passed &= c.passes(measured[c.observable].values[:, 0])
    need = spec.population.per_arm * len(spec.arms)
    n_pass = int(passed.sum())
    if n_pass < need:
        crit = " and ".join(c.text() for c in spec.inclusion) or "(none)"
        raise SpecError(
            f"The 'inclusion' criteria of the trial ({crit}) must let enough candidates through: only {n_pass} of "
            f"{n_screen} screened candidates ({100 * n_pass / n_screen:.1f} %) passed, and {need} are needed "
            f"({spec.population.per_arm} per arm). Loosen the criteria or raise population.screen_factor."
        )
    # 4: randomisation (seeded order of passing candidates, equal allocation in permuted blocks)
    order = rng.permutation(np.flatnonzero(passed))[:need]
    stratifier = None if spec.randomisation.kind == "simple" else \
        np.asarray(measured[spec.randomisation.by].values[order, 0], dtype=float)
    arm_of = _allocate(spec, rng, stratifier)
    stratum = np.zeros(n_screen, dtype=int)
    if stratifier is not None:
        stratum[order] = (stratifier >= np.median(stratifier)).astype(int)
    # 5: follow-up per arm (adherence scales each participant's exposures; dropout hides later visits)
    visits = np.asarray(spec.visit_hours())
    tte = [e for e in spec.endpoints if e.kind == "time_to_event"]
    step = spec.event_sampling.to(U.TIME, "event_sampling")
    grid = np.arange(step, visits[-1] + 1e-9, step) if tte else np.empty(0)
    t_out = np.union1d(visits, grid)
    at_visit = np.isin(t_out, visits)
    adherence = _adherence(spec, rng, need)
    leave = _dropout_times(spec, rng, need, float(visits[-1]))
    keep = sorted({e.observable for e in spec.endpoints} | {c.observable for c in spec.inclusion})
    baseline_inputs = dict(zip(model.input_names, model.input_defaults().tolist()))
    event_time = {k: np.full(need, np.nan) for k in range(len(tte))}
    event_seen = {k: np.zeros(need, dtype=bool) for k in range(len(tte))}
    parts = []
    for k, arm in enumerate(spec.arms):
        sel = np.flatnonzero(arm_of == k)
        idx = order[sel]
        events = scenario_events(scenario, model, arm.name)
        per = [events] * idx.size if adherence is None else \
            [_scaled(events, float(adherence[j]), baseline_inputs) for j in sel]
        ds = _simulate(model, t_out, params[idx], y0[idx], per, solver, 0.0, report,
                       0.3 + 0.6 * k / len(spec.arms), 0.3 + 0.6 * (k + 1) / len(spec.arms), f"Arm {arm.name}")
        for q, ep in enumerate(tte):
            y = ds[ep.observable].values
            hit = ep.holds(y) & (t_out[None, :] > 0) & (t_out[None, :] <= leave[sel, None])
            first = np.where(hit.any(axis=1), t_out[np.argmax(hit, axis=1)], np.nan)
            event_seen[q][sel] = np.isfinite(first)
            event_time[q][sel] = np.where(np.isfinite(first), first, np.minimum(leave[sel], visits[-1]))
        ds = ds.isel(time=np.flatnonzero(at_visit))
        ds = ds[keep + ["status"]].assign_coords(individual=[f"c{i:06d}" for i in idx],  # screening number
                                                 arm=("individual", np.full(idx.size, arm.name, dtype=object)),
                                                 phenotype=("individual", phenotype[idx]),
                                                 **{k: ("individual", v[idx]) for k, v in demo.items()},
                                                 stratum=("individual", stratum[idx]),
                                                 adherence=("individual", np.ones(idx.size) if adherence is None
                                                            else adherence[sel]),
                                                 dropout_time=("individual", leave[sel]))
        parts.append(ds.drop_vars("parameter_value", errors="ignore"))
        order_of_parts = sel if k == 0 else np.concatenate([order_of_parts, sel])
    report(0.92, "Measuring and analysing")
    data = xr.concat(parts, dim="individual", data_vars="minimal", coords="minimal", compat="override",
                     combine_attrs="override")
    data = data.rename({"individual": "participant", "time": "visit_time"})
    data["visit_time"].attrs.update(units="h", long_name="time since randomisation")
    true = {f"{v}_true": data[v] for v in keep}
    if spec.measurement_error:
        names = [v for v in keep if v in MEASUREMENTS]
        noisy = measure(data.rename({"participant": "individual", "visit_time": "time"}), rng, names=names,
                        biological=spec.biological_variation)
        data = noisy.rename({"individual": "participant", "time": "visit_time"})
    data = data.assign(true)
    if spec.measurement_error and visits[0] == 0.0:
        _keep_screening_reading(data, measured, order[order_of_parts], [c.observable for c in spec.inclusion])
    if spec.dropout is not None:  # visits after a participant left are missing
        gone = data["dropout_time"].values[:, None] < data["visit_time"].values[None, :]
        for v in keep:
            data[v] = data[v].where(~xr.DataArray(gone, dims=("participant", "visit_time")))
    for q, ep in enumerate(tte):
        data[f"event_time_{q}"] = ("participant", event_time[q][order_of_parts] / 24.0,
                                   {"units": "d", "long_name": f"{ep.name()}: day of the event or of censoring"})
        data[f"event_{q}"] = ("participant", event_seen[q][order_of_parts].astype(int),
                              {"units": "1", "long_name": f"{ep.name()}: 1 = event, 0 = censored"})
    data["dropout_time"].attrs.update(units="h", long_name="time of loss to follow-up (inf = none)")
    for k, (unit, long_name) in {"age": ("years", "age at screening"), "female": ("1", "1 = female, 0 = male"),
                                 "bmi": ("kg/m2", "body-mass index")}.items():
        if k in data.coords:
            data[k].attrs.update(units=unit, long_name=long_name)
    data["adherence"].attrs.update(units="1", long_name="fraction of the arm's exposures received")
    data.attrs.update({"fast_states": ("quasi-steady: " + ", ".join(model.algebraic_names)) if model.algebraic
                       else "integrated"})
    data.attrs.update({"trial": spec.name, "model": spec.model, "seed": spec.population.seed,
                       "screened": n_screen, "passed_screening": n_pass, "randomised": need,
                       "disclaimer": DISCLAIMER})
    estimates = analyse(data, spec)
    report(1.0, "Done")
    return TrialResult(spec, data, estimates, {"screened": n_screen, "plausible": n_plausible, "passed": n_pass,
                                               "randomised": need, "pass_rate": n_pass / n_screen},
                       power_curves(data, spec), cea(data, spec, scenario))


def cea(data: xr.Dataset, spec: TrialSpec, scenario) -> list[dict]:
    """Cost per QALY of each active arm vs control when PHQ-9 (Kolovos 2017 EQ-5D) or DAS28 (HAQ -> HUI-3) is
    measured; costs are the library's cost of each arm's exposures over the trial (:func:`trial_cea`)."""
    from .cea import trial_cea

    return trial_cea(data, spec.arms, scenario.exposures_of_arm, seed=spec.population.seed)


POWER_N = (10, 20, 50, 100, 200, 500, 1000)


def power_curves(data: xr.Dataset, spec: TrialSpec, *, n_resamples: int = 500) -> list[dict]:
    """Power of each endpoint's change from baseline (Welch) for N per arm on POWER_N, by resampling."""
    from .power import power_curve

    ok = data["status"].values == 0
    arm = data["arm"].values
    out = []
    for ep in spec.endpoints:
        if ep.kind not in ("change", "value", "auc"):
            continue  # power of event endpoints: not by this resampling of a continuous outcome
        change = outcome(data, ep)
        c = change[(arm == spec.arms[0].name) & ok]
        for k, a in enumerate(spec.arms[1:]):
            curve = power_curve(change[(arm == a.name) & ok], c, POWER_N, n_resamples=n_resamples,
                                seed=spec.population.seed + k)
            out.append({"endpoint": ep.name(), "arm": a.name, **curve.as_dict()})
    return out


def _allocate(spec: TrialSpec, rng: np.random.Generator, stratifier: np.ndarray | None) -> np.ndarray:
    """Arm index per randomised participant: permuted blocks of one full set of arms, over everyone (simple) or
    within each stratum of the stratifier split at its median (stratified); a stratum's incomplete last block
    is completed from the arms with fewest participants so far, keeping the arms equal overall."""
    n_arms, need = len(spec.arms), spec.population.per_arm * len(spec.arms)
    if stratifier is None:
        return np.concatenate([rng.permutation(n_arms) for _ in range(spec.population.per_arm)])
    strata = (stratifier >= np.median(stratifier)).astype(int)
    arm_of = np.empty(need, dtype=int)
    counts = np.zeros(n_arms, dtype=int)
    for s in (0, 1):
        idx = np.flatnonzero(strata == s)
        full = idx.size // n_arms * n_arms
        alloc = np.concatenate([rng.permutation(n_arms) for _ in range(idx.size // n_arms)] or [np.array([], int)])
        arm_of[idx[:full]] = alloc
        counts += np.bincount(alloc, minlength=n_arms)
        for i in idx[full:]:
            k = int(rng.choice(np.flatnonzero(counts == counts.min())))
            arm_of[i] = k
            counts[k] += 1
    return arm_of


def _burn_in_events(spec: TrialSpec, model, burn: float) -> list:
    """Engine events of the settling-period exposures, on the trial clock (the burn-in ends at 0)."""
    import dataclasses

    sc = spec.burn_in_scenario()
    if sc is None:
        return []
    return [dataclasses.replace(e, time=e.time - burn) for e in scenario_events(sc, model)]


def _hours(q) -> float:
    from ..scenario import units as U

    return q.to(U.TIME, "burn_in")


def outcome(data: xr.Dataset, ep) -> np.ndarray:
    """Per participant: the continuous outcome an endpoint compares (change, last value or time-averaged AUC)."""
    y = data[ep.observable].values
    if ep.kind == "change":
        return y[:, -1] - y[:, 0]
    if ep.kind == "value":
        return y[:, -1]
    t = data["visit_time"].values
    trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 has only trapz
    return trapezoid(y, t, axis=1) / (t[-1] - t[0])  # NaN when a visit is missing (complete-case)


def analyse(data: xr.Dataset, spec: TrialSpec) -> list[dict]:
    """Each endpoint, each active arm vs control (baseline to the last visit for change)."""
    control = spec.arms[0].name
    ok = data["status"].values == 0
    arm = data["arm"].values
    out = []
    q_tte = 0
    for ep in spec.endpoints:
        unit = data[ep.observable].attrs.get("units", "")
        y = data[ep.observable].values
        pre, post = y[:, 0], y[:, -1]
        c = (arm == control) & ok
        q = q_tte
        if ep.kind == "time_to_event":
            q_tte += 1
        for a in spec.arms[1:]:
            t = (arm == a.name) & ok
            sel = t | c
            if ep.kind in ("change", "value", "auc"):
                x = outcome(data, ep)
                rows = [S.mean_difference(x[t], x[c]), S.hedges_g(x[t], x[c])]
                if ep.kind == "change":
                    rows.append(S.ppc_g(pre[t], post[t], pre[c], post[c]))
                if ep.kind != "auc":
                    fin = sel & np.isfinite(pre) & np.isfinite(post)
                    rows.append(S.ancova(post[fin], pre[fin], t[fin].astype(float)))
            elif ep.kind == "event":
                hit = ep.holds(y[:, 1:]) & np.isfinite(y[:, 1:])
                seen = np.isfinite(y[:, -1])  # complete follow-up or an event before leaving
                had = hit.any(axis=1)
                n_t, n_c = int((t & (seen | had)).sum()), int((c & (seen | had)).sum())
                rows = [S.risk_ratio(int((had & t).sum()), n_t, int((had & c).sum()), n_c)]
                unit = "ratio"
            else:
                tt, ev = data[f"event_time_{q}"].values, data[f"event_{q}"].values
                rows = [S.hazard_ratio(tt[sel], ev[sel], t[sel].astype(float))]
                unit = "ratio"
            for est in rows:
                out.append({"endpoint": ep.name(), "observable": ep.observable, "unit": unit, "kind": ep.kind,
                            "arm": a.name, "control": control, **est.as_dict()})
            if ep.kind == "change":
                out.append({"endpoint": ep.name(), "observable": ep.observable, "unit": "%", "kind": ep.kind,
                            "arm": a.name, "control": control, "name": "% change vs control",
                            "estimate": S.percent_change_vs_control(pre[t], post[t], pre[c], post[c]),
                            "ci_low": None, "ci_high": None, "p_value": None, "n_treated": int(t.sum()),
                            "n_control": int(c.sum()), "variance": None})
    return out


def _adherence(spec: TrialSpec, rng: np.random.Generator, n: int) -> np.ndarray | None:
    """Per randomised participant, a Beta(mean, sd) adherence (the mean itself when sd = 0)."""
    a = spec.adherence
    if a is None:
        return None
    if a.sd == 0 or a.mean == 1:
        return np.full(n, a.mean)
    k = a.mean * (1 - a.mean) / a.sd**2 - 1
    return rng.beta(a.mean * k, (1 - a.mean) * k, size=n)


def _dropout_times(spec: TrialSpec, rng: np.random.Generator, n: int, end: float) -> np.ndarray:
    """Per randomised participant, the time of loss to follow-up (h; inf = stays): exponential with the rate
    that loses ``fraction`` by the end."""
    d = spec.dropout
    if d is None or d.fraction == 0:
        return np.full(n, np.inf)
    rate = -math.log(1 - d.fraction) / end
    t = rng.exponential(1 / rate, size=n)
    return np.where(t < end, t, np.inf)


def _scaled(events: list, a: float, baseline: dict[str, float]) -> list:
    """The arm's events as received by a participant with adherence ``a``: input changes scaled towards the
    input's default, doses (state additions) scaled."""
    import dataclasses

    out = []
    for e in events:
        if e.kind == "set_input":
            b = baseline[e.target]
            out.append(dataclasses.replace(e, value=b + a * (e.value - b)))
        elif e.kind == "add_state":
            out.append(dataclasses.replace(e, value=a * e.value))
        else:
            out.append(e)
    return out
