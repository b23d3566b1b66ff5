"""Phenotype presets are data inside each parameter's plausible range, after the calibration's fitted values."""

import pytest

from pnisim.model.library import get_model
from pnisim.model.phenotypes import PHENOTYPES, WHOLE_ONLY_PHENOTYPES


@pytest.mark.parametrize("name", sorted(PHENOTYPES))
def test_every_preset_value_lies_within_its_parameters_bounds(name):
    """A value outside the bounds would be clipped when people are drawn, so a population and a single person of
    the same preset would differ silently."""
    model = get_model("whole" if name in WHOLE_ONLY_PHENOTYPES else "core")
    for qualified, value in PHENOTYPES[name].items():
        lo, hi = model.parameters[model.parameter_index(qualified)].parameter.resolved_bounds
        if lo < hi:
            assert lo <= value <= hi, f"{name}: {qualified} = {value} outside [{lo}, {hi}]"
