"""Fit the composed core's clock and adrenal scaling to human cortisol data; write ``core.toml``.

Data and targets (all shipped in the package):

* Carroll BJ et al. 2007, Acta Psychiatr Scand Suppl 433:90 — 24-h mean serum cortisol of healthy controls,
  every 10 min (``data/human/carroll2007_control_cortisol.csv``; peak 377 nmol/L at 07:40) and ACTH
  (``carroll2007_control_acth.csv``, used only to scale ACTH model units to pg/mL);
* cortisol awakening response: salivary cortisol rises ≈ 50 % (38–75 %) within 30–45 min of waking
  (Pruessner JC et al. 1997 Life Sci 61:2539; Wüst S et al. 2000 Psychoneuroendocrinology 25:707;
  ``evidence/targets.csv`` row ``cortisol_awakening_response``).

Method: with gland masses frozen at 1 (their turnover is weeks), simulate a healthy adult waking at 07:00 to
a settled daily cycle and minimise, with ``scipy.optimize.least_squares`` (trust-region reflective, bounded),
the log-residuals to the Carroll curve plus a penalty on the CAR. Then set the gland-mass references to the
settled daily means of CRH and ACTH (so the masses are stationary at 1 in health), the glucocorticoid
suppression reference to nuclear GR at 08:00, and the ACTH scale to the ratio of daily means. The result is
written with its provenance (targets, method, date, package version, residual figures).

Run ``python -m pnisim.calibrate.core_clock`` to reproduce ``pnisim/data/calibration/core.toml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from .. import __version__
from ..engine.simulate import Solver, simulate
from ..model.library import core

__all__ = ["fit", "write_calibration", "FREE"]

UG_DL_TO_NMOL_L = 27.59
WAKE = 7.0
SETTLE_DAYS = 8

#: (parameter, lower, upper, initial, log-scale)
FREE = (
    ("clock.drive_lag", 5.0, 13.0, 7.7, False),
    ("clock.depth", 0.1, 1.0, 0.63, False),
    ("hpa.V_cort", 0.5, 40.0, 9.5, True),
    ("hpa.k_starp", 0.2, 5.0, 4.0, True),
    ("hpa.k_acth", 0.2, 5.0, 0.25, True),
    ("clock.car_amp", 0.05, 40.0, 1.4, True),
    ("clock.car_delay", 0.0, 0.75, 0.27, False),
    # >= 0.3 h: a narrower awakening pulse fits no better and costs the solver ~2x the steps per day
    ("clock.car_width", 0.3, 1.0, 0.35, False),
)
CAR_TARGET, CAR_SD = 50.0, 8.0  # % rise; SD sets the penalty width (CI 38–75 %)


def _read_csv(name: str) -> np.ndarray:
    path = resources.files("pnisim") / "data" / "human" / name
    with path.open() as fh:
        return np.loadtxt(fh, delimiter=",", skiprows=1)


@dataclass
class Fit:
    values: dict[str, float]
    cost: float
    car_percent: float
    peak_nmol: float
    peak_clock: float
    nadir_nmol: float
    rms_log: float


def _model_and_solver():
    model = core(calibrated=False, extra_overrides={"glands.gammaP": 1e-9, "glands.gammaA": 1e-9})
    return model, Solver(rtol=1e-7, atol=1e-9)


def _simulate_day(model, solver, values: dict[str, float], times_clock: np.ndarray):
    p = model.parameter_values().copy()
    for name, v in values.items():
        p[model.parameter_index(name)] = v
    p[model.parameter_index("clock.wake_time")] = WAKE
    t_out = 24.0 * SETTLE_DAYS + np.asarray(times_clock)
    ds = simulate(model, t_out, t0=0.0, parameters=p[None, :], solver=solver, raise_on_failure=False)
    return ds


def _metrics(model, solver, values):
    grid = np.arange(0, 24, 1 / 12)  # 5-min clock grid
    ds = _simulate_day(model, solver, values, grid)
    serum = ds.cortisol_serum.values[0]
    saliva = ds.cortisol_saliva.values[0]
    w = int(round(WAKE * 12))
    car = 100 * (saliva[w + 6 : w + 10].max() / saliva[w] - 1)  # max within 30–45 min after waking
    return ds, serum, car


def fit(verbose: bool = False) -> tuple[dict[str, float], Fit]:
    """Least-squares fit of the free clock parameters; returns all calibrated values and figures of merit."""
    model, solver = _model_and_solver()
    data = _read_csv("carroll2007_control_cortisol.csv")
    t_clock = data[:, 0] / 60.0
    obs = np.log(data[:, 1] * UG_DL_TO_NMOL_L)
    # the morning peak (06:30-09:00) is what users read first: weight it three-fold
    weight = np.where((t_clock >= 6.5) & (t_clock <= 9.0), 3.0, 1.0)

    def unpack(x):
        return {name: (float(np.exp(v)) if log else float(v)) for (name, _, _, _, log), v in zip(FREE, x)}

    def residuals(x):
        values = unpack(x)
        ds, serum, car = _metrics(model, solver, values)
        if ds.status.values[0] != 0 or not np.all(np.isfinite(serum)):
            return np.full(t_clock.size + 2, 1e3)
        sim = np.interp(t_clock, np.arange(0, 24, 1 / 12), np.log(np.maximum(serum, 1e-6)))
        # the daily maximum must fall in 07:00-08:30 (targets.csv cortisol_diurnal_peak)
        grid = np.arange(0, 24, 1 / 12)
        early = serum[(grid >= 7.0) & (grid <= 8.5)].max()
        late = serum[(grid > 8.5) & (grid <= 12.0)].max()
        late_peak = max(0.0, float(np.log(late / early))) / 0.01
        return np.concatenate([weight * (sim - obs), [(car - CAR_TARGET) / CAR_SD, late_peak]])

    x0 = np.array([np.log(v0) if log else v0 for (_, _, _, v0, log) in FREE])
    lo = np.array([np.log(a) if log else a for (_, a, _, _, log) in FREE])
    hi = np.array([np.log(b) if log else b for (_, _, b, _, log) in FREE])
    res = least_squares(residuals, x0, bounds=(lo, hi), x_scale="jac", diff_step=1e-4, verbose=2 if verbose else 0)
    values = unpack(res.x)

    # references that make the healthy state stationary
    ds, serum, car = _metrics(model, solver, values)
    grid = np.arange(0, 24, 1 / 12)
    full = _simulate_day(model, solver, values, grid)
    crh_mean = float(np.mean(_state(model, full, "CRH")))
    acth_mean = float(np.mean(_state(model, full, "ACTH")))
    gr_8 = float(np.interp(8.0, grid, _state(model, full, "GR")))
    acth_data = _read_csv("carroll2007_control_acth.csv")
    acth_scale = float(np.mean(acth_data[:, 1]) / acth_mean)
    values.update(
        {
            "gland_masses.CRH_ref": crh_mean,
            "gland_masses.ACTH_ref": acth_mean,
            "gc_suppression.GR_ref": gr_8,
            "gc_suppression.K_gc": gr_8,
            "readouts.acth_scale": acth_scale,
        }
    )
    sim = np.log(np.maximum(np.interp(t_clock, grid, serum), 1e-6))
    fitinfo = Fit(
        values=values,
        cost=float(res.cost),
        car_percent=float(car),
        peak_nmol=float(serum.max()),
        peak_clock=float(grid[np.argmax(serum)]),
        nadir_nmol=float(serum[(grid >= 20) | (grid < 2)].min()),
        rms_log=float(np.sqrt(np.mean((sim - obs) ** 2))),
    )
    return values, fitinfo


def _state(model, ds, name):
    return ds[name].values[0]


def write_calibration(values: dict[str, float], info: Fit, path: Path | None = None) -> Path:
    path = path or Path(str(resources.files("pnisim") / "data" / "calibration" / "core.toml"))
    lines = [
        "# Calibration of the pnisim composed core (generated by `python -m pnisim.calibrate.core_clock`).",
        "# Research use only, not medical advice.",
        "",
        "[provenance]",
        'source = "pnisim.calibrate.core_clock"',
        'targets = ["Carroll 2007 control 24-h serum cortisol (data/human/carroll2007_control_cortisol.csv)", '
        '"cortisol awakening response +50 % (38-75 %) at 30-45 min (Pruessner 1997; Wust 2000)", '
        '"Carroll 2007 control ACTH daily mean (acth_scale only)"]',
        'method = "scipy.optimize.least_squares (trf, bounded) on log serum cortisol (06:30-09:00 weighted x3) + CAR penalty + penalty on a daily maximum after 08:30; gland masses frozen at 1; references = settled daily means"',
        f'date = "{dt.date.today().isoformat()}"',
        f'package_version = "{__version__}"',
        f"rms_log_residual = {info.rms_log:.6g}",
        f"car_percent = {info.car_percent:.6g}",
        f"peak_nmol_L = {info.peak_nmol:.6g}",
        f"peak_clock_h = {info.peak_clock:.6g}",
        f"nadir_nmol_L = {info.nadir_nmol:.6g}",
        "",
        "[parameters]",
    ]
    for name, v in values.items():
        lines.append(f'"{name}" = {v!r}')
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    return path


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    vals, inf = fit(verbose=True)
    print(inf)
    print(write_calibration(vals, inf))
