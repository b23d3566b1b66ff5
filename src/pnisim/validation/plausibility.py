"""The plausibility battery: every phenotype under every exposure at its strongest allowed setting, alone and all
together, and every intervention on top of that worst case, checked against the physiological envelope.

The envelope (:mod:`pnisim.population.envelope`) is the widest range a living adult shows; exposure scales end at
the most intense condition studied in people (their docstrings give the anchors). The model is built so that its
dynamics stay inside: this battery is the test that they do. Each phenotype is one scenario whose arms are the
exposure sets, so the whole battery is one population run per phenotype.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..model.phenotypes import PHENOTYPES
from ..population.envelope import Excursion, excursions, load_envelope
from ..scenario.catalogue import CATALOGUE
from ..scenario.loading import parse_scenario
from ..scenario.build import run_scenario

__all__ = ["STRONGEST", "intervention_settings", "battery_scenario", "run_battery", "BatteryResult"]

#: Every adverse exposure at its strongest allowed setting, starting on day 1 (day 0 for those that set a level).
#: The maxima are the scales' upper ends (see each exposure's docstring for the population that anchors it).
STRONGEST: dict[str, dict] = {
    "chronic_stress": {"schedule": [{"from_day": 0, "level": 1.0}]},
    "acute_stressor": {"day": 1, "time": "09:00", "duration": "2 h", "intensity": 3.0},
    "lps_bolus": {"day": 1, "time": "08:00", "dose": "4 ng/kg"},
    "lps_infusion": {"day": 1, "time": "08:00", "rate": "1 ng/kg/h", "duration": "6 h"},
    "dexamethasone": {"day": 1, "time": "23:00", "dose": "20 mg"},
    "traumatic_event": {"day": 1, "time": "12:00", "severity": 1.0},
    "social_support": {"day": 0, "time": "00:00", "change": -0.5},
    "infection": {"day": 1, "time": "12:00", "load": 3.0},
    "flare_trigger": {"day": 1, "time": "00:00", "intensity": 1.0, "duration": "30 d"},
    "sleep_restriction": {"day": 0, "time": "00:00", "hours_in_bed": "2 h", "duration": "{days} d"},
    "bereavement": {"day": 0, "time": "00:00"},
    "loneliness": {"day": 0, "time": "00:00"},
    "shift_work": {"day": 0, "time": "00:00"},
}


def intervention_settings(start_day: int = 2) -> dict[str, dict]:
    """Every intervention type with its settings in the battery: defaults, drugs at the top of their dose range."""
    out: dict[str, dict] = {
        "cbt": {"day": start_day, "time": "10:00", "sessions": 10},
        "mindfulness": {"day": start_day, "time": "10:00"},
        "trauma_therapy": {"day": start_day, "time": "10:00"},
    }
    for name, info in CATALOGUE.items():
        if info.category == "exposure":
            continue
        spec: dict = {"day": start_day, "time": "10:00", "opt_in": True}
        if info.kind == "drug":
            spec["dose"] = f"{info.dose_range[1]:g} {info.dose_unit}"
        out[name] = spec
    return out


def _exposure(kind: str, spec: dict, days: int) -> dict:
    filled = {k: (v.format(days=days - 1) if isinstance(v, str) else v) for k, v in spec.items()}
    return {"type": kind, **filled}


def battery_scenario(phenotype: str, *, days: int = 90, model: str = "whole"):
    """One phenotype's battery as a scenario: an arm per adverse exposure alone, one with all of them together, and
    one per intervention on top of all of them."""
    alone = [{"name": f"{kind}", "exposures": [_exposure(kind, spec, days)]} for kind, spec in STRONGEST.items()]
    worst = [_exposure(kind, spec, days) for kind, spec in STRONGEST.items()]
    arms = [*alone, {"name": "all", "exposures": worst}]
    arms += [{"name": f"all-{kind}", "exposures": [*worst, _exposure(kind, spec, days)]}
             for kind, spec in intervention_settings().items()]
    return parse_scenario({
        "name": f"plausibility battery: {phenotype}", "model": model,
        "person": {"phenotype": phenotype},
        "run": {"duration": f"{days} d", "burn_in": "14 d", "sampling": "30 min"},
        "population": {"size": 1, "seed": 0, "variability": False},
        "arms": arms,
    }, source="plausibility battery")


@dataclass
class BatteryResult:
    """What the battery ran and found: runs per phenotype, every excursion, and each variable's extremes."""

    runs: int = 0
    excursions: list[tuple[str, str, Excursion]] = field(default_factory=list)  # (phenotype, arm, excursion)
    extremes: dict[str, tuple[float, float]] = field(default_factory=dict)       # variable -> (min, max)
    failed: list[tuple[str, str, int]] = field(default_factory=list)             # (phenotype, arm, status)

    def messages(self) -> list[str]:
        return [f"{p} / {a}: {e.message()}" for p, a, e in self.excursions] + \
            [f"{p} / {a}: the solver failed (status {s})" for p, a, s in self.failed]


def _record(result: BatteryResult, phenotype: str, ds: xr.Dataset) -> None:
    arms = [str(a) for a in ds["arm"].values]
    status = np.asarray(ds["status"].values).reshape(-1)
    result.runs += len(arms)
    result.failed += [(phenotype, a, int(s)) for a, s in zip(arms, status) if s != 0]
    ids = [str(i) for i in ds["individual"].values]
    for x in excursions(ds):
        result.excursions.append((phenotype, arms[ids.index(x.individual)], x))
    for name in (v for v in ds.data_vars if v in load_envelope()):
        values = np.asarray(ds[name].values, dtype=float)[status == 0]
        if values.size:
            lo, hi = result.extremes.get(name, (np.inf, -np.inf))
            result.extremes[name] = (min(lo, float(np.nanmin(values))), max(hi, float(np.nanmax(values))))


def run_battery(phenotypes: Sequence[str] | None = None, *, days: int = 90,
                progress: Callable[[str], None] | None = None) -> BatteryResult:
    """Run the battery for ``phenotypes`` (default: every phenotype) on the whole model."""
    result = BatteryResult()
    for phenotype in phenotypes or tuple(PHENOTYPES):
        if progress:
            progress(phenotype)
        with warnings.catch_warnings():  # excursions are collected, not warned one run at a time
            warnings.simplefilter("ignore")
            ds = run_scenario(battery_scenario(phenotype, days=days))
        _record(result, phenotype, ds)
    return result


def covered_types() -> set[str]:
    """Exposure types the battery runs (every type a scenario file can name)."""
    return set(STRONGEST) | set(intervention_settings())

