"""Cost-effectiveness: Kolovos 2017 utilities, library costs, ICER, PSA and acceptability curve."""

import numpy as np
import pytest

from pnisim.errors import SpecError
from pnisim.scenario.spec import parse_scenario
from pnisim.trial.cea import cost_effectiveness, exposure_cost, qalys, utility_from_phq9


def test_phq9_utilities_follow_kolovos_2017():
    """targets.csv utility_depression: remission 0.70, mild 0.57, moderate 0.52, severe 0.39."""
    assert utility_from_phq9([0, 4.9, 5, 9, 10, 14, 15, 27]).tolist() == [0.70, 0.70, 0.57, 0.57, 0.52, 0.52, 0.39,
                                                                           0.39]


def test_qalys_of_a_constant_utility_over_a_year():
    t = np.array([0.0, 24 * 365.25 / 2, 24 * 365.25])
    assert qalys(np.array([[0.7, 0.7, 0.7]]), t)[0] == pytest.approx(0.7)


def test_library_costs():
    """targets.csv cbt_cost: about $1,500 for a 10-session course; biologic_cost: $25,000 a year."""
    s = parse_scenario({"model": "whole", "run": {"duration": "365.25 d"},
                        "exposures": [{"type": "cbt", "day": 0, "time": "10:00"},
                                      {"type": "infliximab", "day": 0, "time": "00:00"}]})
    cbt, ifx = s.exposures
    assert exposure_cost(cbt, 24 * 365.25) == pytest.approx(1500.0)
    assert exposure_cost(ifx, 24 * 365.25) == pytest.approx(25000.0)


def test_icer_and_acceptability_curve():
    rng = np.random.default_rng(0)
    qt, qc = rng.normal(0.62, 0.05, 200), rng.normal(0.60, 0.05, 200)
    res = cost_effectiveness(np.full(200, 1500.0), qt, np.zeros(200), qc, wtp=[0, 20_000, 75_000, 500_000])
    assert res.icer == pytest.approx(1500.0 / (qt.mean() - qc.mean()))
    assert res.ceac[0] == 0.0 and list(res.ceac) == sorted(res.ceac) and res.ceac[-1] > 0.9
    with pytest.raises(SpecError, match="at least 2 participants"):
        cost_effectiveness([1.0], [0.5], [1.0, 2.0], [0.5, 0.5])
