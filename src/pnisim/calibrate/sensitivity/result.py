"""The result of a sensitivity analysis and the one call that produces it."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from ...disclaimer import DISCLAIMER
from ...engine.simulate import Solver
from ...errors import PnisimWarning
from .runs import _model_evaluator, _output_description, _output_unit
from .salib import analyse
from .spec import Progress, SensitivitySpec, load_sensitivity


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Indices (``output × parameter``), the samples and their outputs, and the spec that made them."""

    indices: xr.Dataset
    samples: xr.Dataset
    spec: SensitivitySpec | None = None
    notes: list[str] = field(default_factory=list)

    def ranking(self, output: str) -> list[dict]:
        """Parameters of ``output`` ranked by ST (Sobol'), else by mu* (Morris), most influential first."""
        ds = self.indices.sel(output=output)
        key = "ST" if "ST" in ds else "mu_star"
        rows = []
        for p in ds["parameter"].values:
            r = {"parameter": str(p)}
            for v in ("ST", "ST_conf", "S1", "S1_conf", "mu_star", "mu_star_conf", "mu", "sigma"):
                if v in ds:
                    r[v] = float(ds[v].sel(parameter=p))
            r.update(low=float(ds["low"].sel(parameter=p)), high=float(ds["high"].sel(parameter=p)),
                     scale=str(ds["scale"].sel(parameter=p).values),
                     unit=str(ds["parameter_unit"].sel(parameter=p).values))
            rows.append(r)
        rows.sort(key=lambda r: -r[key] if math.isfinite(r[key]) else math.inf)
        for i, r in enumerate(rows, 1):
            r["rank"] = i
        return rows

    def rankings(self) -> dict[str, list[dict]]:
        return {str(o): self.ranking(str(o)) for o in self.indices["output"].values}

    def as_dict(self) -> dict:
        ds = self.indices
        outputs = []
        for o in ds["output"].values:
            sel = self.samples["output_value"].sel(output=o)
            outputs.append({
                "output": str(o),
                "description": str(ds["description"].sel(output=o).values) if "description" in ds.coords else "",
                "unit": str(ds["output_unit"].sel(output=o).values) if "output_unit" in ds.coords else "",
                "mean": float(np.nanmean(sel.values)) if np.isfinite(sel.values).any() else None,
                "sd": float(np.nanstd(sel.values)) if np.isfinite(sel.values).any() else None,
                "failed_runs": int((~np.isfinite(sel.values)).sum()),
                "ranking": self.ranking(str(o)),
            })
        return {"name": self.spec.name if self.spec else "sensitivity", "methods": ds.attrs.get("methods", ""),
                "n_runs": int(ds.attrs.get("n_runs", 0)), "seed": ds.attrs.get("seed"), "outputs": outputs,
                "notes": list(self.notes), "disclaimer": DISCLAIMER}


def run_sensitivity(spec: SensitivitySpec | str | Path, *, progress: Progress | None = None,
                    solver: Solver = Solver()) -> SensitivityResult:
    """Run the analysis a sensitivity spec (or file) describes: sample, simulate every sample as one settled
    person through the base scenario (each arm the outputs need), and compute Morris and/or Sobol' indices."""
    s = spec if isinstance(spec, SensitivitySpec) else load_sensitivity(spec)
    scenario = s.scenario()
    model = scenario.get_model()
    factors = s.factors()
    evaluate = _model_evaluator(s, scenario, solver)
    indices, samples = analyse(factors, evaluate, [o.name for o in s.outputs], morris=s.method.morris,
                               sobol=s.method.sobol, seed=s.method.seed, progress=progress)
    meta = {"output_unit": [_output_unit(o, model) for o in s.outputs],
            "description": [_output_description(o) for o in s.outputs],
            "label": [o.text() for o in s.outputs]}
    indices = indices.assign_coords({k: ("output", v) for k, v in meta.items()})
    samples = samples.assign_coords({k: ("output", v) for k, v in meta.items()})
    samples["output_value"].attrs["units"] = "see output_unit"
    indices.attrs.update({"name": s.name, "description": s.description, "model": model.name,
                          "base_scenario_spec_hash": scenario.spec_hash(),
                          "sensitivity_spec": s.model_dump_json(), "burn_in_h": scenario.run.burn_in_h})
    notes = []
    for v in ("morris_failed_runs", "sobol_failed_runs"):
        if v in indices:
            for o, c in zip(s.outputs, indices[v].values):
                if c:
                    notes.append(f"{int(c)} {v.split('_')[0]} run(s) of output {o.name!r} failed to solve; their "
                                 f"value was replaced by the mean of the others.")
    for n in notes:
        warnings.warn(n, PnisimWarning, stacklevel=2)
    return SensitivityResult(indices, samples, s, notes)
