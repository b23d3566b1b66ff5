"""The trial HTML report on a hand-built trial (no simulation): trajectories show the median and the 80 % band
(10th-90th percentile) per arm, and a trial with a cost-effectiveness analysis gets the cost-effectiveness plane
(bootstrap draws, point estimate, willingness-to-pay lines; Black WC. Med Decis Making 1990;10:212) and the
acceptability curve (Fenwick E et al. Health Econ 2001;10:779)."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402

from pnisim.trial.cea import trial_cea  # noqa: E402
from pnisim.trial.report import (  # noqa: E402
    WTP_LINES,
    ce_plane_figure,
    ceac_figure,
    render_trial_report,
    trajectories_figure,
)
from pnisim.trial.run import analyse  # noqa: E402
from pnisim.trial.spec import parse_trial  # noqa: E402

SPEC = {
    "name": "handmade", "duration": "24 week", "burn_in": "14 d", "visits": ["0 week", "12 week", "24 week"],
    "population": {"per_arm": 30, "seed": 2, "mixture": {"chronic_stress": 1.0}},
    "arms": [{"name": "control"}, {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "10:00"}]}],
    "endpoints": [{"observable": "phq9"}],
}


def _result(with_cea: bool = True):
    spec = parse_trial(SPEC)
    rng = np.random.default_rng(5)
    n = spec.population.per_arm
    arm = np.array(["control"] * n + ["cbt"] * n, dtype=object)
    base = rng.uniform(10, 18, 2 * n)
    drop = np.where(arm == "cbt", 5.0, 1.0)
    true = np.stack([base, base - drop / 2, base - drop], axis=1) + rng.normal(0, 1.5, (2 * n, 3))
    true = np.clip(true, 0, 27)
    data = xr.Dataset(
        {"phq9_true": (("participant", "visit_time"), true),
         "phq9": (("participant", "visit_time"), np.clip(true + rng.normal(0, 2, true.shape), 0, 27),
                  {"units": "score"}),
         "status": ("participant", np.zeros(2 * n, dtype=int))},
        coords={"participant": [f"c{i:06d}" for i in range(2 * n)],
                "visit_time": np.array([0.0, 12.0, 24.0]) * 168, "arm": ("participant", arm)})
    cea = trial_cea(data, spec.arms, spec.scenario().exposures_of_arm, seed=spec.population.seed) if with_cea else []
    return SimpleNamespace(spec=spec, data=data, estimates=analyse(data, spec), power=[], cea=cea,
                           screening={"screened": 2 * n, "plausible": 2 * n, "passed": 2 * n, "randomised": 2 * n,
                                      "pass_rate": 1.0})


@pytest.fixture(scope="module")
def result():
    return _result()


def test_trajectories_show_median_and_80_percent_band_per_arm(result):
    fig = trajectories_figure(result)
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == len(ax.lines) == 2
    for k, name in enumerate(("control", "cbt")):
        y = result.data["phq9"].values[result.data["arm"].values == name]
        assert ax.lines[k].get_ydata() == pytest.approx(np.median(y, axis=0))
        verts = bands[k].get_paths()[0].vertices[:, 1]
        assert verts.min() == pytest.approx(np.percentile(y, 10, axis=0).min())
        assert verts.max() == pytest.approx(np.percentile(y, 90, axis=0).max())
        assert "80 % band" in ax.lines[k].get_label()
    plt.close(fig)


def test_ce_plane_has_the_draws_the_point_estimate_and_the_wtp_lines(result):
    (c,) = result.cea
    fig = ce_plane_figure(result)
    ax = fig.axes[0]
    (draws,) = [col for col in ax.collections if isinstance(col, PathCollection)]
    assert draws.get_offsets().shape == (len(c["psa_delta_qaly"]), 2) == (1000, 2)
    assert np.asarray(draws.get_offsets())[:, 0] == pytest.approx(c["psa_delta_qaly"])
    point = next(line for line in ax.lines if line.get_label().endswith("point estimate"))
    assert point.get_xdata()[0] == pytest.approx(c["delta_qaly"])
    assert point.get_ydata()[0] == pytest.approx(c["delta_cost_usd"])
    wtp = [line for line in ax.lines if "per QALY" in line.get_label()]
    slopes = [np.diff(line.get_ydata())[0] / np.diff(line.get_xdata())[0] for line in wtp]
    assert slopes == pytest.approx(list(WTP_LINES))
    plt.close(fig)
    curve = ceac_figure(result)
    assert curve.axes[0].lines[0].get_ydata() == pytest.approx(c["prob_cost_effective"])
    plt.close(curve)


def test_report_renders_the_cost_effectiveness_section(result):
    page = render_trial_report(result)
    assert "id='cost-effectiveness'" in page and "Cost-effectiveness plane" in page
    assert "Acceptability curve" in page and page.count("<svg") == 2
    assert "P(cost effective) at $50k/QALY" in page and "Kolovos" in page
    (c,) = result.cea
    p50 = np.mean(50_000 * np.asarray(c["psa_delta_qaly"]) - np.asarray(c["psa_delta_cost_usd"]) > 0)
    assert f"<td>{p50:.2f}</td>" in page
    assert page.count("Research use only, not medical advice.") >= 2


def test_report_without_cost_effectiveness_has_no_section():
    r = _result(with_cea=False)
    page = render_trial_report(r)
    assert "cost-effectiveness" not in page and "<svg" not in page
    assert ce_plane_figure(r) is None and ceac_figure(r) is None
