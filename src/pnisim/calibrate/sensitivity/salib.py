"""The SALib layer: unit-cube problems, Morris and Sobol' samples and their analysis, ranks."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from ... import __version__
from ...disclaimer import DISCLAIMER
from ...errors import SpecError
from .spec import Factor, MorrisSpec, Progress, SobolSpec


def _salib_seed(seed: int, salt: int) -> int:
    """A positive seed for SALib (its Sobol' analysis treats 0 as 'no seed', i.e. global random state)."""
    return int(np.random.default_rng([seed, salt]).integers(1, 2**31 - 1))


def _unit_problem(factors: Sequence[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def _clean(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Non-finite outputs (failed runs) replaced by the mean of the finite ones, and how many there were."""
    bad = ~np.isfinite(y)
    if not bad.any():
        return y, 0
    y = y.copy()
    y[bad] = np.mean(y[~bad]) if (~bad).any() else 0.0
    return y, int(bad.sum())


def analyse(
    factors: Sequence[Factor],
    evaluate: Callable[[np.ndarray, Progress], np.ndarray],
    output_names: Sequence[str],
    *,
    morris: MorrisSpec | None = None,
    sobol: SobolSpec | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Sample, evaluate and analyse: the index-computing layer, independent of the model.

    ``evaluate(X, progress)`` maps an R × D matrix of parameter values (one row per run, columns in the order of
    ``factors``) to an R × K matrix of outputs (NaN for a failed run). Morris and Sobol' samples go to one call.
    Returns ``(indices, samples)``: indices with dims ``output × parameter`` (``mu_star``, ``mu_star_conf``,
    ``mu``, ``sigma``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` and their ranks; ``S2`` over ``parameter ×
    parameter_2`` when asked) and the samples with dims ``run × parameter`` / ``run × output``.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    report: Progress = progress or (lambda fraction, message: None)
    problem = _unit_problem(factors)
    d, k = len(factors), len(output_names)
    blocks: dict[str, np.ndarray] = {}
    if morris is not None:
        blocks["morris"] = morris_sample.sample(problem, morris.trajectories, num_levels=morris.levels,
                                                seed=_salib_seed(seed, 1))
    if sobol is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n is checked to be a power of 2 at the boundary
            blocks["sobol"] = sobol_sample.sample(problem, sobol.n, calc_second_order=sobol.calc_second_order,
                                                  scramble=True, seed=_salib_seed(seed, 2))
    if not blocks:
        raise SpecError("analyse() needs morris and/or sobol settings. Got neither instead.")
    u = np.concatenate(list(blocks.values()), axis=0)
    x = np.column_stack([f.from_unit(u[:, j]) for j, f in enumerate(factors)]) if d else u
    report(0.0, f"Evaluating {u.shape[0]} samples")
    y = np.asarray(evaluate(x, lambda f, m="": report(0.95 * f, m)), dtype=float).reshape(u.shape[0], k)
    report(0.95, "Computing indices")

    coords = {"output": ("output", list(output_names)), "parameter": ("parameter", [f.name for f in factors])}
    nan = np.full((k, d), np.nan)
    data: dict[str, tuple] = {}
    failed: dict[str, np.ndarray] = {}
    offsets, lo = {}, 0
    for name, block in blocks.items():
        offsets[name] = slice(lo, lo + block.shape[0])
        lo += block.shape[0]
    if morris is not None:
        sl = offsets["morris"]
        mu_star, mu_star_conf, mu, sigma = (nan.copy() for _ in range(4))
        failed["morris"] = np.zeros(k, dtype=np.int64)
        for j in range(k):
            yj, failed["morris"][j] = _clean(y[sl, j])
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = morris_analyze.analyze(problem, u[sl], yj, num_resamples=morris.num_resamples,
                                             num_levels=morris.levels, seed=_salib_seed(seed, 3))
            mu_star[j], mu_star_conf[j] = res["mu_star"], res["mu_star_conf"]
            mu[j], sigma[j] = res["mu"], res["sigma"]
        unit = "output unit per full parameter range (elementary effect in the unit space of each range)"
        data.update({
            "mu_star": (("output", "parameter"), mu_star, {"long_name": "Morris mu* (mean absolute elementary "
                                                                        "effect)", "units": unit}),
            "mu_star_conf": (("output", "parameter"), mu_star_conf,
                             {"long_name": "half-width of the 95 % bootstrap CI of mu*", "units": unit}),
            "mu": (("output", "parameter"), mu, {"long_name": "Morris mu (mean elementary effect)", "units": unit}),
            "sigma": (("output", "parameter"), sigma, {"long_name": "Morris sigma (SD of the elementary effects)",
                                                       "units": unit}),
            "mu_star_rank": (("output", "parameter"), _ranks(mu_star), {"long_name": "rank by mu* (1 = largest)",
                                                                        "units": "1"}),
        })
    if sobol is not None:
        sl = offsets["sobol"]
        s1, s1c, st, stc = (nan.copy() for _ in range(4))
        s2 = np.full((k, d, d), np.nan)
        s2c = s2.copy()
        failed["sobol"] = np.zeros(k, dtype=np.int64)
        for j in range(k):
            yj, failed["sobol"][j] = _clean(y[sl, j])
            if not np.std(yj) > 0:
                continue  # a constant output has no variance to share out: indices stay NaN
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = sobol_analyze.analyze(problem, yj, calc_second_order=sobol.calc_second_order,
                                            num_resamples=sobol.num_resamples, conf_level=sobol.conf_level,
                                            seed=_salib_seed(seed, 4))
            s1[j], s1c[j], st[j], stc[j] = res["S1"], res["S1_conf"], res["ST"], res["ST_conf"]
            if sobol.calc_second_order:
                s2[j], s2c[j] = res["S2"], res["S2_conf"]
        ci = f"half-width of the {100 * sobol.conf_level:g} % bootstrap CI"
        data.update({
            "S1": (("output", "parameter"), s1, {"long_name": "first-order Sobol' index", "units": "1"}),
            "S1_conf": (("output", "parameter"), s1c, {"long_name": f"{ci} of S1", "units": "1"}),
            "ST": (("output", "parameter"), st, {"long_name": "total Sobol' index", "units": "1"}),
            "ST_conf": (("output", "parameter"), stc, {"long_name": f"{ci} of ST", "units": "1"}),
            "ST_rank": (("output", "parameter"), _ranks(st), {"long_name": "rank by ST (1 = largest)",
                                                              "units": "1"}),
        })
        if sobol.calc_second_order:
            data["S2"] = (("output", "parameter", "parameter_2"), s2,
                          {"long_name": "second-order Sobol' index (upper triangle)", "units": "1"})
            data["S2_conf"] = (("output", "parameter", "parameter_2"), s2c, {"long_name": f"{ci} of S2",
                                                                              "units": "1"})
            coords["parameter_2"] = ("parameter_2", [f.name for f in factors])
    for name, counts in failed.items():
        data[f"{name}_failed_runs"] = (("output",), counts, {"long_name": f"{name} runs whose output was not "
                                                                          "finite (replaced by the mean)",
                                                             "units": "1"})
    indices = xr.Dataset(data, coords=coords)
    indices = indices.assign_coords(
        low=("parameter", [f.low for f in factors], {"long_name": "lower end of the sampled range"}),
        high=("parameter", [f.high for f in factors], {"long_name": "upper end of the sampled range"}),
        base=("parameter", [f.base for f in factors], {"long_name": "the base person's value"}),
        scale=("parameter", [f.scale for f in factors], {"long_name": "sampling scale"}),
        parameter_unit=("parameter", [f.unit for f in factors]),
    )
    indices.attrs.update({
        "title": "pnisim global sensitivity analysis",
        "methods": ", ".join(blocks),
        "seed": int(seed),
        "n_runs": int(u.shape[0]),
        "package_version": f"pnisim {__version__}",
        "disclaimer": DISCLAIMER,
    })
    if morris is not None:
        indices.attrs.update(morris_trajectories=morris.trajectories, morris_levels=morris.levels,
                             morris_runs=int(blocks["morris"].shape[0]),
                             morris_reference="Morris 1991 Technometrics 33:161; mu*: Campolongo 2007 Environ "
                                              "Model Softw 22:1509")
    if sobol is not None:
        indices.attrs.update(sobol_n=sobol.n, sobol_runs=int(blocks["sobol"].shape[0]),
                             sobol_second_order="true" if sobol.calc_second_order else "false",
                             sobol_conf_level=sobol.conf_level, sobol_resamples=sobol.num_resamples,
                             sobol_reference="Saltelli 2010 Comput Phys Commun 181:259 (S1, ST estimators); "
                                             "Sobol 2001 Math Comput Simul 55:271")
    method = np.concatenate([np.full(b.shape[0], name, dtype=object) for name, b in blocks.items()])
    samples = xr.Dataset(
        {"value": (("run", "parameter"), x, {"long_name": "sampled parameter value"}),
         "unit_value": (("run", "parameter"), u, {"long_name": "sample in the unit space of the range",
                                                  "units": "1"}),
         "output_value": (("run", "output"), y, {"long_name": "endpoint of the run (NaN: the run failed)"})},
        coords={"run": np.arange(u.shape[0]), "method": ("run", method), "parameter": [f.name for f in factors],
                "output": list(output_names)},
        attrs={"disclaimer": DISCLAIMER},
    )
    report(1.0, "Done")
    return indices, samples


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 = largest per row; NaN ranks last."""
    out = np.zeros(values.shape, dtype=np.int64)
    for j, row in enumerate(values):
        order = np.argsort(-np.where(np.isfinite(row), row, -np.inf), kind="stable")
        out[j, order] = np.arange(1, row.size + 1)
    return out
