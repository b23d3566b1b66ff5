"""Random-effects meta-analysis against the classic BCG-vaccine example (metafor's dat.bcg).

Colditz GA et al. JAMA 1994;271:698 (13 trials of BCG vaccine against tuberculosis); log risk ratios as in
Viechtbauer W. J Stat Softw 2010;36(3):1-48 (metafor), whose rma() reports for these data: REML estimate -0.7145
(SE 0.1798), tau^2 0.3132, I^2 92.22 %, Q(12) = 152.23; DerSimonian-Laird tau^2 0.3088, estimate -0.7141.
The same published REML result (95 % CI -1.0669 to -0.3622) serves as the "published" estimate that the pooling is
set side by side with (comparison, forest plot with both diamonds, terminal table).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from pnisim.errors import SpecError  # noqa: E402
from pnisim.trial.meta import (  # noqa: E402
    compare_with_published,
    comparison_table,
    forest_with_published,
    random_effects,
)

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


# --------------------------------------------------------------------------- side by side with a published result
#: metafor's rma(REML) on dat.bcg (Viechtbauer 2010, section 4): log RR -0.7145, 95 % CI -1.0669 to -0.3622
PUBLISHED = {"estimate": -0.7145, "ci_low": -1.0669, "ci_high": -0.3622, "k": 13, "n": int(BCG.sum()),
             "source": "Colditz 1994 via metafor"}


def _studies():
    y, v = _log_rr()
    return [(f"Trial {i + 1}", a, b) for i, (a, b) in enumerate(zip(y, v))]


def test_compare_with_published_bcg_agrees_with_metafor():
    """Our REML pooling of the 13 BCG trials against metafor's published rma() result (Viechtbauer 2010): the two
    estimates coincide, so the difference is ~0, z ~0 and each lies in the other's CI."""
    r = random_effects(*_log_rr())
    c = compare_with_published(r, PUBLISHED)
    assert c["published"]["se"] == pytest.approx(0.1798, abs=1e-3)  # recovered from the CI, as metafor reports
    assert c["difference"] == pytest.approx(0.0, abs=1e-3) and abs(c["z"]) < 0.01 and c["p_value"] > 0.99
    assert c["ci_overlap"] and c["published_in_simulated_ci"] and c["simulated_in_published_ci"]
    assert c["published"]["n"] == 357347 and c["simulated"]["k"] == 13
    assert "not medical advice" in c["disclaimer"]


def test_compare_with_published_detects_a_different_result():
    """A published log RR of 0.5 (95 % CI 0.3 to 0.7): by hand, SE = 0.4 / (2 x 1.959964), z = (mu - 0.5) /
    sqrt(SE_mu^2 + SE^2)."""
    r = random_effects(*_log_rr())
    c = compare_with_published(r, {**PUBLISHED, "estimate": 0.5, "ci_low": 0.3, "ci_high": 0.7})
    se = 0.4 / (2 * 1.959964)
    assert c["z"] == pytest.approx((r.estimate - 0.5) / np.sqrt(r.se**2 + se**2), rel=1e-5)
    assert c["p_value"] < 1e-6 and not c["ci_overlap"] and not c["published_in_simulated_ci"]
    assert c["difference_ci_low"] < c["difference"] < c["difference_ci_high"] < 0


def test_bad_published_result():
    r = random_effects(*_log_rr())
    with pytest.raises(SpecError, match="missing source"):
        compare_with_published(r, {k: v for k, v in PUBLISHED.items() if k != "source"})
    with pytest.raises(SpecError, match="ci_low"):
        compare_with_published(r, {**PUBLISHED, "ci_low": -0.5})


def test_forest_with_published_has_a_row_per_trial_and_two_diamonds():
    from matplotlib.patches import Polygon

    r = random_effects(*_log_rr())
    fig = forest_with_published(_studies(), r, PUBLISHED, xlabel="log risk ratio")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:13] == [f"Trial {i}" for i in range(1, 14)]
    assert labels[13].startswith("Simulated pooled (REML, k=13") and labels[14].startswith("Published: Colditz")
    diamonds = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(diamonds) == 2
    pooled, published = (np.asarray(d.get_xy()) for d in diamonds)
    assert pooled[:, 0].min() == pytest.approx(r.ci_low) and pooled[:, 0].max() == pytest.approx(r.ci_high)
    assert published[:, 0].min() == pytest.approx(-1.0669) and published[:, 1].mean() == pytest.approx(14)
    assert diamonds[1].get_hatch() and diamonds[0].get_facecolor() != diamonds[1].get_facecolor()
    assert any("not medical advice" in t.get_text() for t in fig.texts)
    no_pub = forest_with_published(_studies(), r)
    assert len(no_pub.axes[0].get_yticklabels()) == 14
    plt.close(fig)
    plt.close(no_pub)


def test_comparison_table_for_the_terminal():
    r = random_effects(*_log_rr())
    text = comparison_table(_studies(), r, PUBLISHED)
    lines = text.splitlines()
    assert lines[0].split()[0] == "Study" and sum(line.startswith("Trial ") for line in lines) == 13
    weights = [float(line.split()[-1]) for line in lines if line.startswith("Trial ")]
    assert sum(weights) == pytest.approx(100.0, abs=0.2)
    assert "-0.715" in next(line for line in lines if line.startswith("Simulated pooled"))
    assert "Published: Colditz 1994 via metafor (k=13, N=357347)" in text and "I² = 92.1 %" in text
    assert "the CIs overlap" in text and lines[-1] == "Research use only, not medical advice."
