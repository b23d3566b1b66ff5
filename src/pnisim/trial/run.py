"""Run a trial: screen a virtual population, include, randomise, follow each arm, measure at visits, analyse.

1. **Screening population.** ``per_arm x arms x screen_factor`` candidates; each gets a phenotype from the
   mixture (seeded draw) and, with ``variability``, log-normal between-person parameters (each parameter's cv,
   :func:`pnisim.scenario.build.draw_parameters`).
2. **Baseline.** Every candidate is settled for ``burn_in`` without exposures; the baseline visit is measured
   with the assay / questionnaire error of :mod:`pnisim.analysis.measurement` when ``measurement_error``.
3. **Inclusion** on the measured baseline; too few passing candidates is an error that says how many passed.
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
from ..engine.simulate import Solver, simulate
from ..errors import SpecError
from ..scenario.build import draw_parameters, scenario_events
from .population import Target, draw_correlated, plausible, select_to_target
from ..scenario.spec import PHENOTYPES
from . import stats as S
from .spec import TrialSpec

__all__ = ["TrialResult", "run_trial", "CHUNK"]

CHUNK = 500  # participants per engine call
DISCLAIMER = "Research use only, not medical advice."
Progress = Callable[[float, str], None]


@dataclass
class TrialResult:
    spec: TrialSpec
    data: xr.Dataset            # participant x visit, measured endpoints (and *_true), arm, phenotype
    estimates: list[dict]       # one row per endpoint x active arm x statistic
    screening: dict = field(default_factory=dict)
    power: list[dict] = field(default_factory=list)  # per endpoint x active arm: power curve over N per arm
    cea: list[dict] = field(default_factory=list)  # per active arm, when PHQ-9 is an endpoint


def _population(spec: TrialSpec, model, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    p = spec.population
    n = math.ceil(p.per_arm * len(spec.arms) * p.screen_factor)
    names = list(p.mixture)
    phenotype = rng.choice(len(names), size=n, p=np.array([p.mixture[k] for k in names]) / sum(p.mixture.values()))
    params = np.empty((n, len(model.parameters)))
    for k, name in enumerate(names):
        sel = np.flatnonzero(phenotype == k)
        person = model.parameter_values()
        for pname, value in PHENOTYPES[name].items():
            person[model.parameter_index(pname)] = value
        if p.variability:
            corr = {(c.a, c.b): c.r for c in p.correlations}
            params[sel] = draw_correlated(model, person, sel.size, rng, corr)
        else:
            params[sel] = draw_parameters(model, person, sel.size, 0, False)
    return params, np.array(names, dtype=object)[phenotype]


def _simulate(model, t_out, params, y0, events, solver, t0, report, lo, hi, what) -> xr.Dataset:
    parts = []
    n = params.shape[0]
    for a in range(0, n, CHUNK):
        b = min(n, a + CHUNK)
        report(lo + (hi - lo) * a / n, f"{what}: participants {a + 1}-{b} of {n}")
        parts.append(simulate(model, t_out, t0=t0, parameters=params[a:b],
                              initial_state=None if y0 is None else y0[a:b], events=events[a:b], solver=solver,
                              keep_states=y0 is None, raise_on_failure=False))
    return parts[0] if len(parts) == 1 else xr.concat(parts, dim="individual", data_vars="minimal",
                                                       coords="minimal", compat="override", combine_attrs="override")


def run_trial(spec: TrialSpec, *, progress: Progress | None = None,
              solver: Solver = Solver(rtol=1e-6, atol=1e-8)) -> TrialResult:
    report: Progress = progress or (lambda f, m: None)
    scenario = spec.scenario()
    model = scenario.get_model()
    rng = np.random.default_rng(spec.population.seed)
    params, phenotype = _population(spec, model, rng)
    n_screen = params.shape[0]
    burn = _hours(spec.burn_in)

    # 1-2: settle everyone, read the baseline visit
    base = _simulate(model, [0.0], params, None, [[] for _ in range(n_screen)], solver, -burn, report, 0.0, 0.3,
                     "Screening")
    y0 = np.stack([base[s].values[:, -1] for s in model.state_names], axis=1)
    ok = base["status"].values == 0
    screened = base[[o for o in model.observable_names]].isel(time=[-1])
    measured = measure(screened, rng, names=[c.observable for c in spec.inclusion
                                             if c.observable in MEASUREMENTS]) if spec.measurement_error else screened
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
    # 5: follow-up per arm
    visits = np.asarray(spec.visit_hours())
    keep = sorted({e.observable for e in spec.endpoints} | {c.observable for c in spec.inclusion})
    parts = []
    for k, arm in enumerate(spec.arms):
        idx = order[arm_of == k]
        events = scenario_events(scenario, model, arm.name)
        ds = _simulate(model, visits, params[idx], y0[idx], [events] * idx.size, solver, 0.0, report,
                       0.3 + 0.6 * k / len(spec.arms), 0.3 + 0.6 * (k + 1) / len(spec.arms), f"Arm {arm.name}")
        ds = ds[keep + ["status"]].assign_coords(individual=[f"c{i:06d}" for i in idx],  # screening number
                                                 arm=("individual", np.full(idx.size, arm.name, dtype=object)),
                                                 phenotype=("individual", phenotype[idx]),
                                                 stratum=("individual", stratum[idx]))
        parts.append(ds.drop_vars("parameter_value", errors="ignore"))
    report(0.92, "Measuring and analysing")
    data = xr.concat(parts, dim="individual", data_vars="minimal", coords="minimal", compat="override",
                     combine_attrs="override")
    data = data.rename({"individual": "participant", "time": "visit_time"})
    data["visit_time"].attrs.update(units="h", long_name="time since randomisation")
    true = {f"{v}_true": data[v] for v in keep}
    if spec.measurement_error:
        names = [v for v in keep if v in MEASUREMENTS]
        noisy = measure(data.rename({"participant": "individual", "visit_time": "time"}), rng, names=names)
        data = noisy.rename({"individual": "participant", "time": "visit_time"})
    data = data.assign(true)
    data.attrs.update({"trial": spec.name, "model": spec.model, "seed": spec.population.seed,
                       "screened": n_screen, "passed_screening": n_pass, "randomised": need,
                       "disclaimer": DISCLAIMER})
    estimates = analyse(data, spec)
    report(1.0, "Done")
    return TrialResult(spec, data, estimates, {"screened": n_screen, "plausible": n_plausible, "passed": n_pass,
                                               "randomised": need, "pass_rate": n_pass / n_screen},
                       power_curves(data, spec), cea(data, spec, scenario))


def cea(data: xr.Dataset, spec: TrialSpec, scenario) -> list[dict]:
    """Cost per QALY of each active arm vs control when PHQ-9 is measured (utilities: Kolovos 2017, from the
    true PHQ-9 trajectory; costs: the library's cost of each arm's exposures over the trial)."""
    from .cea import cost_effectiveness, exposure_cost, qalys, utility_from_phq9

    if "phq9_true" not in data:
        return []
    horizon = float(data["visit_time"].values[-1])
    q = qalys(utility_from_phq9(data["phq9_true"].values), data["visit_time"].values)
    arm = data["arm"].values
    ok = data["status"].values == 0
    cost = {a.name: sum(exposure_cost(e, horizon) for e in scenario.exposures_of_arm(a.name)) for a in spec.arms}
    control = spec.arms[0].name
    c = (arm == control) & ok
    out = []
    for a in spec.arms[1:]:
        t = (arm == a.name) & ok
        res = cost_effectiveness(np.full(t.sum(), cost[a.name]), q[t], np.full(c.sum(), cost[control]), q[c],
                                 arm=a.name, control=control, seed=spec.population.seed)
        out.append(res.as_dict())
    return out


POWER_N = (10, 20, 50, 100, 200, 500, 1000)


def power_curves(data: xr.Dataset, spec: TrialSpec, *, n_resamples: int = 500) -> list[dict]:
    """Power of each endpoint's change from baseline (Welch) for N per arm on POWER_N, by resampling."""
    from .power import power_curve

    ok = data["status"].values == 0
    arm = data["arm"].values
    out = []
    for ep in spec.endpoints:
        y = data[ep.observable].values
        change = y[:, -1] - y[:, 0]
        c = change[(arm == spec.arms[0].name) & ok]
        for k, a in enumerate(spec.arms[1:]):
            curve = power_curve(change[(arm == a.name) & ok], c, POWER_N, n_resamples=n_resamples,
                                seed=spec.population.seed + k)
            out.append({"endpoint": ep.label or ep.observable, "arm": a.name, **curve.as_dict()})
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


def _hours(q) -> float:
    from ..scenario import units as U

    return q.to(U.TIME, "burn_in")


def analyse(data: xr.Dataset, spec: TrialSpec) -> list[dict]:
    """Each endpoint, each active arm vs control, baseline to the last visit."""
    control = spec.arms[0].name
    ok = data["status"].values == 0
    arm = data["arm"].values
    out = []
    for ep in spec.endpoints:
        y = data[ep.observable].values
        pre, post = y[:, 0], y[:, -1]
        c = (arm == control) & ok
        for a in spec.arms[1:]:
            t = (arm == a.name) & ok
            sel = t | c
            rows = [
                S.mean_difference(post[t] - pre[t], post[c] - pre[c]),
                S.hedges_g(post[t] - pre[t], post[c] - pre[c]),
                S.ppc_g(pre[t], post[t], pre[c], post[c]),
                S.ancova(post[sel], pre[sel], t[sel].astype(float)),
            ]
            unit = data[ep.observable].attrs.get("units", "")
            for est in rows:
                out.append({"endpoint": ep.label or ep.observable, "observable": ep.observable, "unit": unit,
                            "arm": a.name, "control": control, **est.as_dict()})
            out.append({"endpoint": ep.label or ep.observable, "observable": ep.observable, "unit": "%",
                        "arm": a.name, "control": control, "name": "% change vs control",
                        "estimate": S.percent_change_vs_control(pre[t], post[t], pre[c], post[c]),
                        "ci_low": None, "ci_high": None, "p_value": None, "n_treated": int(t.sum()),
                        "n_control": int(c.sum()), "variance": None})
    return out
