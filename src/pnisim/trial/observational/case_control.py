"""Case-control comparisons: cases and controls from phenotype mixtures, measured once at a morning blood draw."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ...analysis.measurement import MEASUREMENTS, measure
from ...engine.simulate import Solver
from ...errors import SpecError
from ...model.calibration import SHIPPED, Calibration
from ...spec import did_you_mean
from .. import stats as S
from ...disclaimer import DISCLAIMER
from .design import (SOLVER, _burn_in, _clock_time, _count, _draw, _exposure_events, _mixture, _model,
                     _observables, _run, _seed)

__all__ = ["CaseControlResult", "case_control"]


@dataclass
class CaseControlResult:
    """Per-observable comparison of cases and controls, and the per-person values behind it."""

    data: xr.Dataset             # participant: measured observables, <name>_true, status; coords group, phenotype
    estimates: list[dict]        # one row per observable x scale (raw, log)
    settings: dict = field(default_factory=dict)

    def as_records(self) -> list[dict]:
        return [dict(r) for r in self.estimates]


def case_control(cases: dict[str, float], controls: dict[str, float], *, n_cases: int, n_controls: int,
                 observables: list[str], model: str = "whole", seed: int = 0, burn_in_days: int = 28,
                 measurement_error: bool = True, variability: bool = True, exposures=None,
                 draw_time: str = "08:00", biological: bool = True,
                 solver: Solver = SOLVER, calibration: Calibration = SHIPPED) -> CaseControlResult:
    """Cases vs controls measured once at a morning blood draw: per observable the group means and SDs, Hedges' g
    with its 95 % CI and pooled t-test p-value, on the raw and (positive observables) the log scale.

    ``exposures``: scenario-library exposures during the settling period (days counted from its start),
    a list applied to the cases, or a mapping {"cases": [...], "controls": [...]}. ``biological`` adds
    the documented within-person day-to-day variation of a single draw (CRP: Macy 1997) to the assay error.
    ``calibration``: parameter and phenotype values (default: the shipped calibration).
    """
    m = _model(model, calibration)
    cases = _mixture(cases, "cases", m)
    controls = _mixture(controls, "controls", m)
    n1, n0 = _count(n_cases, "n_cases"), _count(n_controls, "n_controls")
    obs = _observables(observables, m)
    seed, days, draw_h = _seed(seed), _burn_in(burn_in_days), _clock_time(draw_time)
    t_draw = days * 24.0 + draw_h
    if isinstance(exposures, dict):
        bad = [k for k in exposures if k not in ("cases", "controls")]
        if bad:
            raise SpecError(f"The 'exposures' mapping of the study must have keys 'cases' and/or 'controls'. Got "
                            f"{bad[0]!r} instead." + did_you_mean(bad[0], ["cases", "controls"]))
        ev_case = _exposure_events(exposures.get("cases"), model, m, t_draw, "cases")
        ev_ctrl = _exposure_events(exposures.get("controls"), model, m, t_draw, "controls")
    else:
        ev_case, ev_ctrl = _exposure_events(exposures, model, m, t_draw, "cases"), []

    rng = np.random.default_rng(seed)
    p1, _, ph1 = _draw(m, cases, n1, rng, variability, {}, calibration.presets)
    p0, _, ph0 = _draw(m, controls, n0, rng, variability, {}, calibration.presets)
    params = np.vstack([p1, p0])
    group = np.array(["case"] * n1 + ["control"] * n0, dtype=object)
    ds = _run(m, [t_draw], 0.0, params, None, [ev_case] * n1 + [ev_ctrl] * n0, False, solver)
    ok = ds["status"].values == 0
    truth = ds[obs].isel(time=[0])
    for o in obs:  # a failed solve has no value
        truth[o] = truth[o].where(xr.DataArray(ok, dims="individual"))
    names = [o for o in obs if o in MEASUREMENTS]
    seen = measure(truth, rng, names=names, biological=bool(biological)) if measurement_error and names else truth
    data = seen[obs + [f"{o}_below_lod" for o in names if f"{o}_below_lod" in seen]].isel(time=0, drop=True)
    data = data.assign({f"{o}_true": truth[o].isel(time=0, drop=True) for o in obs})
    data["status"] = ("individual", ds["status"].values, {"units": "1", "long_name": "solver status (0 = success)"})
    data = data.drop_vars([c for c in data.coords if c != "individual"])
    data = data.rename({"individual": "participant"}).assign_coords(
        participant=[f"{g[:2]}{i:05d}" for g, i in zip(group, list(range(n1)) + list(range(n0)))],
        group=("participant", group), phenotype=("participant", np.concatenate([ph1, ph0])))
    for o in obs:
        data[f"{o}_true"].attrs.update(units=ds[o].attrs.get("units", ""), long_name=f"true {o} at the draw")
    data["group"].attrs.update(long_name="case or control")
    data.attrs.update(design="case-control", model=model, seed=seed, burn_in_days=days, draw_time=draw_time,
                      draw_hour=t_draw, measurement_error=int(bool(measurement_error)),
                      biological=int(bool(biological)), variability=int(bool(variability)), cases=repr(cases),
                      controls=repr(controls),
                      time_axis="hours since midnight of day 0 (start of the settling period)",
                      disclaimer=DISCLAIMER)
    estimates = []
    case, ctrl = group == "case", group == "control"
    for o in obs:
        x = data[o].values.astype(float)
        unit = data[o].attrs.get("units", "")
        scales = [("raw", x, unit)]
        fin = x[np.isfinite(x)]
        if fin.size and np.all(fin > 0):
            scales.append(("log", np.log(x), f"log({unit})"))
        for scale, v, u in scales:
            a, b = v[case & np.isfinite(v)], v[ctrl & np.isfinite(v)]
            if a.size >= 2 and b.size >= 2 and a.var(ddof=1) + b.var(ddof=1) == 0:  # no spread: g undefined
                est, note = S.Estimate("Hedges g", math.nan, math.nan, math.nan, math.nan, a.size, b.size,
                                       math.nan), "undefined: no variation within either group"
            else:
                est, note = S.hedges_g(a, b), ""
            estimates.append({
                "design": "case-control", "observable": o, "scale": scale, "unit": u,
                "case_mean": float(a.mean()), "case_sd": float(a.std(ddof=1)),
                "control_mean": float(b.mean()), "control_sd": float(b.std(ddof=1)),
                "n_cases": int(a.size), "n_controls": int(b.size), "statistic": "Hedges g",
                "estimate": est.estimate, "ci_low": est.ci_low, "ci_high": est.ci_high,
                "se": math.sqrt(est.variance), "p_value": est.p_value, "note": note, "disclaimer": DISCLAIMER})
    settings = {"cases": cases, "controls": controls, "n_cases": n1, "n_controls": n0, "model": model, "seed": seed,
                "burn_in_days": days, "draw_time": draw_time, "measurement_error": bool(measurement_error),
                "biological": bool(biological), "variability": bool(variability), "failed": int((~ok).sum())}
    return CaseControlResult(data, estimates, settings)
