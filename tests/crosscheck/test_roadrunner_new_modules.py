"""Cross-check of the Reynolds 2006 and Phillips & Robinson 2007 modules against libRoadRunner (CVODE).

Same criterion as tests/crosscheck/test_roadrunner.py: the SBML export run by libRoadRunner and pnisim's own
kernel must agree within rtol 1e-4 on every state and observable on a common output grid (relative error with
a floor of 1e-6 of each variable's range). Scenarios: an infection with P0 = 1.0 (recovery after large damage,
0-120 h) and 3 days of the sleep model with a wake drive over the second night (all three states and both
observables switch many times).
"""

from __future__ import annotations

import numpy as np
import pytest

from pnisim.engine.roadrunner import simulate_roadrunner
from pnisim.engine.sbml import to_sbml
from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.modules import phillips_robinson2007, reynolds2006

pytest.importorskip("roadrunner")

RTOL = 1e-4
PNISIM = Solver(rtol=1e-9, atol=1e-10)
# After the pathogen is cleared, P decays towards 0 at about -1.2/h; the default "auto" method stays explicit
# (DOP853) with steps near its stability boundary and leaves |P| ~ 5e-8 of noise where the solution is ~1e-20,
# which the 1e-6-of-range floor judges as a 5 % difference. Rodas5P (L-stable) resolves it to 1e-18.
PNISIM_STIFF = Solver(rtol=1e-9, atol=1e-10, method="rodas5p")
RR = {"rtol": 1e-10, "atol": 1e-12}


def _grid(t_end: float, n: int, events: list[Event]) -> np.ndarray:
    return np.unique(np.concatenate([np.linspace(0.0, t_end, n), [e.time for e in events]]))


def max_rel_diff(a: np.ndarray, b: np.ndarray, abs_floor: float) -> float:
    """max |a-b| / max(|b|, floor), floor = 1e-6 of b's range and magnitude (at least ``abs_floor``)."""
    floor = max(1e-6 * max(np.ptp(b), np.abs(b).max()), abs_floor)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))


INFECTION = [Event(0.0, "add_state", "pathogen", 1.0)]
SLEEP = [Event(24.0, "set_input", "sleep_deprivation", 1.5), Event(40.0, "set_input", "sleep_deprivation", 0.0)]
SCENARIOS = {
    "reynolds2006": (reynolds2006.model, _grid(120.0, 1201, INFECTION), INFECTION, PNISIM_STIFF),
    "phillips_robinson2007": (phillips_robinson2007.model, _grid(72.0, 72 * 60 + 1, SLEEP), SLEEP, PNISIM),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_pnisim_matches_roadrunner(name):
    factory, t_out, events, solver = SCENARIOS[name]
    model = factory()
    ds = simulate(model, t_out, events=events, solver=solver)
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
    bad = {k: v for k, v in diffs.items() if v > RTOL}
    assert not bad, f"{name}: variables differ by more than rtol {RTOL}: {bad}"
