"""Figures (titles, unit labels, footer, bands) and the self-contained HTML report."""

from __future__ import annotations

import base64
import re

import numpy as np
from matplotlib.collections import PolyCollection

from pnisim.analysis import figures as F
from pnisim.analysis.report import render_report
from pnisim.analysis.summary import summary_table
from pnisim.model.library import get_model

try:
    from . import _analysis_runs as R
except ImportError:  # tests/ is not a package: pytest puts this directory on sys.path
    import _analysis_runs as R

PNG = b"\x89PNG\r\n\x1a\n"


def run(n=1, status=None):
    t = np.arange(0.0, 72.0 + 1e-9, 0.25)
    k = np.linspace(0.8, 1.2, n)[:, None]
    day = 200 + 150 * np.cos(2 * np.pi * (t - 8.5) / 24)
    v = {
        "cortisol_serum": k * (day + R.pulse(t, 38.0, 0.5, 200) + R.pulse(t, 56.0, 3.5, 300)),
        "cortisol_saliva": k * 0.04 * day,
        "acth": k * (20 + R.pulse(t, 38.0, 0.25, 30) + R.pulse(t, 56.0, 2.0, 60)),
        "tnf": k * (5 + R.pulse(t, 56.0, 1.5, 500)),
        "il6": k * (2 + R.pulse(t, 56.0, 2.5, 900)),
        "il10": k * (3 + R.pulse(t, 56.0, 3.0, 80)),
    }
    return R.make_ds(t, v, status=status)


SCEN = R.scenario(R.exposure("acute_stressor", 1, "14:00"), R.exposure("lps_bolus", 2, "08:00"),
                  name="test <run>", description="stress & LPS")


def texts(fig):
    return [t.get_text() for t in fig.texts]


def test_every_figure_has_title_units_and_footer():
    figs = F.figures(run(), SCEN)
    assert set(figs) == {"cortisol_run.png", "cortisol_day.png", "stress_response.png", "lps_cytokines.png",
                         "lps_hpa.png"}
    for name, fig in figs.items():
        assert fig.get_suptitle(), name
        assert F.FOOTER in texts(fig), name
        visible = [ax for ax in fig.axes if ax.get_visible()]
        for ax in visible:
            assert re.search(r"\((nmol/L|pg/mL)\)", ax.get_ylabel()), (name, ax.get_ylabel())
            assert ax.get_xlabel(), name
    assert "clock time" in figs["cortisol_day.png"].axes[0].get_xlabel()
    assert "min" in figs["stress_response.png"].axes[0].get_xlabel()


def test_population_shows_median_and_band():
    fig = F.lps_cytokine_figure(run(n=7), 56.0)
    ax = fig.axes[0]
    assert any(isinstance(c, PolyCollection) for c in ax.collections)  # the 10–90 % band
    assert any("median" in line.get_label() for line in ax.get_lines())
    single = F.lps_cytokine_figure(run(n=1), 56.0)
    assert not any(isinstance(c, PolyCollection) for c in single.axes[0].collections)


def test_pngs_are_png_and_no_exposure_figures_without_exposures():
    pngs = F.figure_pngs(run(), R.scenario())
    assert set(pngs) == {"cortisol_run.png", "cortisol_day.png"}
    assert all(b.startswith(PNG) for b in pngs.values())


def test_report_is_self_contained_and_complete():
    ds = run(n=3, status=[0, 0, 4])
    rows = summary_table(ds, SCEN)
    html = render_report(ds, SCEN, rows=rows, model=get_model("core"))
    assert html.count("Research use only, not medical advice.") >= 2
    assert "test &lt;run&gt;" in html and "<run>" not in html  # escaped
    assert "stress &amp; LPS" in html and "abc123" in html and "rtol = 1e-06" in html
    # figures embedded, nothing linked from outside but DOI links
    imgs = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(imgs) == 5 and all(base64.b64decode(i).startswith(PNG) for i in imgs)
    assert not re.search(r'<(link|script)\b', html)
    # summary rows, mechanisms with grades, plainly flagged weak evidence, references, failures
    assert "TNF-α peak after LPS" in html and "Peak order after LPS" in html
    assert "Somvanshi" in html and "cytokines_to_hpa" in html
    assert "Less certain:" in html and "cytokines_to_hpa (grade C)" in html
    assert "<h2>References</h2><ol><li>" in html
    assert "p0002" in html and "singular linear system" in html


def test_report_without_model_or_failures():
    ds = run()
    html = render_report(ds, None, model=None, figures={})
    assert "All individuals were solved successfully." in html
    assert "Research use only, not medical advice." in html
