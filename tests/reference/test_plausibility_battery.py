"""The plausibility battery: every phenotype x every exposure at its strongest allowed setting, alone and all
together, x every intervention on top of the worst case, stays inside the physiological envelope
(pnisim/data/envelope/envelope.csv, sources per row). The full battery is slow; the default suite runs it for the
healthy person and the most inflammatory phenotype."""

from pnisim.model.phenotypes import PHENOTYPES
from pnisim.scenario.registry import EXPOSURE_TYPES
from pnisim.validation.plausibility import battery_scenario, covered_types, run_battery


def test_the_battery_covers_every_exposure_and_intervention_a_scenario_can_name():
    assert covered_types() == set(EXPOSURE_TYPES)


def test_each_phenotype_is_one_scenario_with_an_arm_per_exposure_set():
    s = battery_scenario("healthy")
    names = [a.name for a in s.arms]
    assert "all" in names and "chronic_stress" in names and "all-infliximab" in names
    assert len(names) == len(covered_types()) + 1


def _check(phenotypes):
    result = run_battery(phenotypes)
    assert result.runs == len(phenotypes) * (len(covered_types()) + 1)
    assert not result.messages(), "\n".join(result.messages()[:20])
    return result


def test_every_phenotype_stays_inside_the_envelope():
    result = _check(list(PHENOTYPES))
    assert len(PHENOTYPES) == 15 and result.runs == 15 * 37
    # the battery reaches the extremes it is there for: a septic-like worst case, a depressed mood at the ceiling
    assert result.extremes["tnf"][1] > 300 and result.extremes["phq9"][1] > 25
