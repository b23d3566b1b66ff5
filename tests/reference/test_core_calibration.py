"""The shipped core calibration (pnisim/data/calibration/core.toml) is reproduced from scratch by
pnisim.calibrate.core_clock (Carroll 2007 24-h cortisol, awakening response, Nelson TSST data, LPS HPA response)."""

import pytest

from pnisim.calibrate.core_clock import fit
from pnisim.model.library import core_calibration


@pytest.mark.slow
def test_calibration_reproduces_the_shipped_values():
    values, info = fit()
    shipped = core_calibration()
    for name, value in shipped["parameters"].items():
        assert values[name] == pytest.approx(value, rel=1e-3), name
    assert info.rms_log == pytest.approx(shipped["provenance"]["rms_log_residual"], rel=1e-3)
    assert 38 <= info.car_percent <= 75 and 7.0 <= info.peak_clock <= 8.5
