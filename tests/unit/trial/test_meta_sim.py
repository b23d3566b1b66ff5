"""A simulated meta-analysis: k trials of one protocol pooled by random effects beside the published result."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from pnisim.cli.main import app
from pnisim.errors import SpecError
from pnisim.trial.meta import random_effects
from pnisim.trial.meta_sim import published_from_target, simulate_meta

SPEC = {
    "name": "meta_small", "duration": "10 week", "burn_in": "14 d", "visits": ["0 week", "10 week"],
    "population": {"per_arm": 8, "seed": 11, "mixture": {"chronic_stress": 1.0}, "screen_factor": 1.0},
    "arms": [{"name": "control"}, {"name": "cbt", "exposures": [{"type": "cbt", "day": 0, "time": "10:00"}]}],
    "endpoints": [{"observable": "phq9", "label": "PHQ-9"}],
}


@pytest.fixture(scope="module")
def pooled():
    return simulate_meta(SPEC, [6, 8, 10], endpoint="PHQ-9", statistic="Hedges g",
                         published=published_from_target("psychosocial_immune"))


def test_pooled_estimate_is_the_random_effects_pool_of_the_trials(pooled):
    assert [s.label for s in pooled.studies] == ["trial 1 (6 per arm)", "trial 2 (8 per arm)", "trial 3 (10 per arm)"]
    again = random_effects([s.estimate for s in pooled.studies], [s.variance for s in pooled.studies])
    assert pooled.pooled.estimate == pytest.approx(again.estimate) and pooled.pooled.k == 3
    # CBT lowers PHQ-9 change vs control in chronic stress: a negative g in each trial of this seed
    assert pooled.pooled.estimate < 0
    d = pooled.as_dict()
    assert d["published"]["estimate"] == 0.30 and d["comparison"] is not None
    assert "Published: Shields" in pooled.table()


def test_bad_meta_inputs_are_refused():
    with pytest.raises(SpecError, match="'sizes' of a simulated meta-analysis"):
        simulate_meta(SPEC, [6], endpoint="PHQ-9", statistic="Hedges g")
    with pytest.raises(SpecError, match="must be one the trial reports"):
        simulate_meta(SPEC, [4, 4], endpoint="PHQ-9", statistic="odds ratio")
    with pytest.raises(SpecError, match="shipped target id.*Did you mean 'mdd_crp'"):
        published_from_target("mdd_cpr")
    with pytest.raises(SpecError, match="numeric estimate with a 95 % CI"):
        published_from_target("lps_hpa_order")


def test_cli_meta_writes_json_and_forest(tmp_path):
    spec = tmp_path / "m.yaml"
    spec.write_text(json.dumps(SPEC))
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["meta", str(spec), "--sizes", "5,6", "--endpoint", "phq9", "--statistic",
                                   "Hedges g", "--against", "mdd_crp", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.iterdir()} == {"meta.json", "forest.svg"}
    payload = json.loads((out / "meta.json").read_text())
    assert len(payload["studies"]) == 2 and np.isfinite(payload["pooled"]["estimate"])
    bad = CliRunner().invoke(app, ["meta", str(spec), "--sizes", "5,x", "--endpoint", "phq9"])
    assert bad.exit_code == 2 and "'--sizes' must be comma-separated integers" in bad.output
