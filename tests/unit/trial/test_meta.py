"""Random-effects meta-analysis against the classic BCG-vaccine example (metafor's dat.bcg).

Colditz GA et al. JAMA 1994;271:698 (13 trials of BCG vaccine against tuberculosis); log risk ratios as in
Viechtbauer W. J Stat Softw 2010;36(3):1-48 (metafor), whose rma() reports for these data: REML estimate -0.7145
(SE 0.1798), tau^2 0.3132, I^2 92.22 %, Q(12) = 152.23; DerSimonian-Laird tau^2 0.3088, estimate -0.7141.
"""

import numpy as np
import pytest

from pnisim.errors import SpecError
from pnisim.trial.meta import random_effects

BCG = np.array([  # tpos, tneg, cpos, cneg
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619), (33, 5036, 47, 5761),
    (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892), (29, 7470, 45, 7232),
    (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338), (27, 16886, 29, 17825),
], dtype=float)


def _log_rr():
    a, b, c, d = BCG.T
    y = np.log((a / (a + b)) / (c / (c + d)))
    v = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return y, v


def test_reml_reproduces_metafor_on_bcg():
    r = random_effects(*_log_rr(), method="REML")
    assert r.estimate == pytest.approx(-0.7145, abs=1e-3)
    assert r.se == pytest.approx(0.1798, abs=1e-3)
    assert r.tau2 == pytest.approx(0.3132, abs=2e-3)
    assert r.i2 == pytest.approx(92.1, abs=0.5)  # from Q: (152.23 - 12) / 152.23
    assert r.q == pytest.approx(152.23, abs=0.05)
    assert r.pi_low < r.ci_low < r.estimate < r.ci_high < r.pi_high


def test_dl_reproduces_metafor_on_bcg():
    r = random_effects(*_log_rr(), method="DL")
    assert r.tau2 == pytest.approx(0.3088, abs=2e-3)
    assert r.estimate == pytest.approx(-0.7141, abs=1e-3)


def test_bad_meta_input():
    with pytest.raises(SpecError, match="at least 2 studies"):
        random_effects([0.1], [0.01])
    with pytest.raises(SpecError, match="variance finite and > 0"):
        random_effects([0.1, 0.2], [0.01, -1.0])
