"""Every exposure intensity has a documented scale that ends at the most intense condition studied in people:
values beyond it are refused with the field, the value and what is allowed."""

import pytest

from pnisim.errors import SpecError
from pnisim.scenario.loading import parse_scenario


def _scenario(exposure: dict):
    return parse_scenario({"name": "s", "model": "whole", "run": {"duration": "3 d"}, "exposures": [exposure]})


@pytest.mark.parametrize("exposure, field", [
    ({"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 1.2}]}, "level"),
    ({"type": "acute_stressor", "day": 1, "time": "09:00", "duration": "1 h", "intensity": 3.5}, "intensity"),
    ({"type": "acute_stressor", "day": 1, "time": "09:00", "duration": "3 h", "intensity": 1.0}, "duration"),
    ({"type": "lps_bolus", "day": 1, "time": "09:00", "dose": "5 ng/kg"}, "dose"),
    ({"type": "lps_infusion", "day": 1, "time": "09:00", "rate": "2 ng/kg/h", "duration": "1 h"}, "rate"),
    ({"type": "lps_infusion", "day": 1, "time": "09:00", "rate": "1 ng/kg/h", "duration": "8 h"}, "duration"),
])
def test_beyond_the_top_of_the_scale_is_refused_naming_the_field(exposure, field):
    with pytest.raises(SpecError, match=field):
        _scenario(exposure)


@pytest.mark.parametrize("exposure", [
    {"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 1.0}]},
    {"type": "acute_stressor", "day": 1, "time": "09:00", "duration": "2 h", "intensity": 3.0},
    {"type": "lps_bolus", "day": 1, "time": "09:00", "dose": "4 ng/kg"},
    {"type": "lps_infusion", "day": 1, "time": "09:00", "rate": "1 ng/kg/h", "duration": "6 h"},
])
def test_the_top_of_each_scale_is_allowed(exposure):
    _scenario(exposure)


def test_the_scales_are_documented_with_their_anchors():
    from pnisim.scenario.exposures import AcuteStressor, ChronicStress, LpsBolus, LpsInfusion

    assert "caregiver" in ChronicStress.__doc__ and "Steel Z" in ChronicStress.__doc__
    assert "survival-training" in AcuteStressor.__doc__ and "Trier" in AcuteStressor.__doc__
    assert "PMID 10745152" in LpsBolus.__doc__
    assert "Kiers D" in LpsInfusion.__doc__
