"""Cross-check of the Baker 2013 RA module and the CRP module: pnisim's kernel against libRoadRunner (CVODE).

Same criterion as tests/crosscheck/test_roadrunner.py: every state and observable agrees within rtol 1e-4 on a
common output grid, the relative error using a floor of 1e-6 of the variable's range. Scenarios: a flare
trigger pulse (BioModels defaults, where the flare resolves, and the RA-prone alpha2 = 10, where it lasts), and
an endotoxin-like IL-6 step profile driving the CRP module through its input, then a CRP bolus.
"""

from __future__ import annotations

import numpy as np
import pytest

from pnisim.engine.roadrunner import simulate_roadrunner
from pnisim.engine.sbml import to_sbml
from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.modules import baker2013, crp

pytest.importorskip("roadrunner")

RTOL = 1e-4
PNISIM = Solver(rtol=1e-9, atol=1e-10)
RR = {"rtol": 1e-10, "atol": 1e-12}


def _grid(t_end: float, n: int, events: list[Event]) -> np.ndarray:
    return np.unique(np.concatenate([np.linspace(0.0, t_end, n), [e.time for e in events]]))


def max_rel_diff(a: np.ndarray, b: np.ndarray, abs_floor: float) -> float:
    """max |a-b| / max(|b|, floor), floor = 1e-6 of b's range and magnitude (at least ``abs_floor``)."""
    floor = max(1e-6 * max(np.ptp(b), np.abs(b).max()), abs_floor)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))


FLARE = [Event(10.0, "set_input", "flare_trigger", 0.2), Event(12.0, "set_input", "flare_trigger", 0.0)]
IL6_PULSE = [Event(1.0, "set_input", "il6_plasma", 200.0), Event(2.0, "set_input", "il6_plasma", 700.0),
             Event(3.5, "set_input", "il6_plasma", 250.0), Event(5.0, "set_input", "il6_plasma", 25.0),
             Event(7.0, "set_input", "il6_plasma", 1.0), Event(96.0, "add_state", "CRP", 10.0)]
SCENARIOS = {
    "baker2013": (baker2013.model, _grid(60.0, 601, FLARE), FLARE),
    "baker2013_ra_prone": (lambda: baker2013.model(ra_prone=True), _grid(60.0, 601, FLARE), FLARE),
    "crp": (crp.model, _grid(144.0, 289, IL6_PULSE), IL6_PULSE),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_pnisim_matches_roadrunner(name):
    factory, t_out, events = SCENARIOS[name]
    model = factory()
    ds = simulate(model, t_out, events=events, solver=PNISIM)
    rr_out = simulate_roadrunner(to_sbml(model, events=events), t_out, **RR)
    assert set(rr_out) == set(model.state_names + model.observable_names)
    scale = {s.name: max(abs(s.state.initial), s.state.scale or 0.0) for s in model.states}
    diffs = {}
    for var in model.state_names + model.observable_names:
        a, b = ds[var].values[0], rr_out[var]
        assert np.all(np.isfinite(a)) and np.all(np.isfinite(b)), var
        diffs[var] = max_rel_diff(a, b, 1e-8 * scale.get(var, 0.0) or 1e-12)
    worst = max(diffs, key=diffs.get)
    print(f"\n{name}: max relative difference {diffs[worst]:.2e} ({worst})")
    assert not {k: v for k, v in diffs.items() if v > RTOL}, f"{name}: variables differ by more than rtol {RTOL}"
    assert all(np.ptp(ds[v].values[0]) > 0 for v in model.state_names)  # the scenario exercised every state
