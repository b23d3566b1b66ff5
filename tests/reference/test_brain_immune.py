"""Brain <- immune (pnisim.model.modules.brain_immune; Dantzer 2008 doi:10.1038/nrn2297, pnisim design, grade C).

Reference numbers: 4 ng/kg LPS in healthy men raised plasma KYN/TRP from 29.4 ± 6.8 to a peak of
44.0 ± 15.2 µmol/mmol at 8 h (x1.50; Padberg JS et al. Exp Transl Stroke Med 2012;4:24,
doi:10.1186/2040-7378-4-24); low-dose endotoxin raises depressed mood, anxiety and social disconnection for
hours, tracking the cytokines (Reichenberg 2001 doi:10.1001/archpsyc.58.5.445; Eisenberger 2010
doi:10.1016/j.biopsych.2010.06.010). The cytokine transient is the Windoloski 2024 2 ng/kg bolus
(doi:10.1113/EP091552).
"""

import math

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.compose import compose
from pnisim.model.core import Coupling, Input, Module
from pnisim.model.modules import brain_immune as bi
from pnisim.model.modules import windoloski2024

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-8, atol=1e-10)

# a test-only module whose inputs let scenarios drive the module's ports
driver = Module(
    name="driver", title="test driver", citation="test", doi="10.0/test", changes="test only", time_unit="h",
    states=(), parameters=(), equations=lambda s: iter(()),
    inputs=(Input("il6_in", "pg/mL", bi.IL6_REST, "plasma IL-6"),
            Input("cort_in", "nmol/L", bi.CORT_REF, "serum cortisol")),
)


def _driven():
    link = Coupling("drive", "scenario-driven IL-6 and cortisol", bi.CITATION, "C",
                    {"brain_immune.IL6": lambda s: s.il6_in, "brain_immune.cortisol": lambda s: s.cort_in})
    return compose("bi_driven", "brain_immune driven by inputs (test)", [driver, bi.brain_immune], [link])


def test_rest_is_steady_for_30_days():
    """Default ports (resting TNF, IL-6, cortisol): every state stays at its initial value; mood_drive is 0."""
    model = bi.model()
    ds = simulate(model, np.linspace(0.0, 720.0, 31), solver=SOLVER)
    for name in model.state_names:
        x = ds[name].values[0]
        assert np.ptp(x) < 1e-6 * max(1.0, abs(x[0])), name  # solver/fast-math noise only
    assert ds.kyn_trp_ratio.values[0, 0] == pytest.approx(30.0)
    assert np.abs(ds.mood_drive.values).max() < 1e-5


@pytest.fixture(scope="module")
def lps():
    """Windoloski 2024 innate block (2 ng/kg LPS at t = 0) driving the TNF and IL6 ports."""
    link = Coupling("cytokines_to_brain", "plasma TNF-α and IL-6 reach the brain <- immune module",
                    bi.CITATION, "C", {"brain_immune.TNF": lambda s: s.TNF, "brain_immune.IL6": lambda s: s.IL6})
    model = compose("innate_brain", "innate + brain_immune (test)", [windoloski2024.innate, bi.brain_immune], [link])
    t = np.linspace(0.0, 96.0, 9601)
    ds = simulate(model, t, events=[Event(0.0, "add_state", "E", 2.0)], solver=SOLVER)
    return t, ds


def test_lps_raises_kyn_trp_like_human_endotoxemia(lps):
    """KYN/TRP peaks 4-12 h after LPS at x1.15-1.6 of rest. Padberg 2012: x1.50 at 8 h after 4 ng/kg (n = 6,
    SD ±15 at the peak); here half that dose, so a wide tolerance below x1.5 is accepted."""
    t, ds = lps
    k = ds.kyn_trp_ratio.values[0]
    t_pk, ratio = t[k.argmax()], k.max() / k[0]
    print(f"\nKYN/TRP {k[0]:.1f} -> {k.max():.1f} umol/mmol (x{ratio:.2f}) at {t_pk:.1f} h")
    assert 4.0 <= t_pk <= 12.0
    assert 1.15 <= ratio <= 1.6


def test_sickness_peaks_within_hours_and_resolves(lps):
    """Sickness behaviour peaks 1-8 h after LPS (mood and anxiety changes track the cytokines within hours:
    Reichenberg 2001, Eisenberger 2010) and is back within 5 % of its peak excess by 48 h and 1 % by 72 h."""
    t, ds = lps
    f = ds.fatigue.values[0]
    t_pk, excess = t[f.argmax()], f.max() - f[0]
    tnf_pk = t[ds.TNF.values[0].argmax()]
    print(f"\nsickness {f[0]:.3f} -> {f.max():.3f} at {t_pk:.1f} h (TNF peak {tnf_pk:.1f} h); "
          f"excess at 24/48/72 h {[round((np.interp(h, t, f) - f[0]) / excess, 3) for h in (24, 48, 72)]}")
    assert tnf_pk < t_pk <= 8.0
    assert excess > 0.2
    assert np.interp(48.0, t, f) - f[0] < 0.05 * excess
    assert np.interp(72.0, t, f) - f[0] < 0.01 * excess


def test_lps_lowers_serotonin_and_dopamine_and_raises_mood_drive_transiently(lps):
    t, ds = lps
    assert ds.serotonin.values[0].min() < 0.97 and ds.dopamine.values[0].min() < 0.97
    md = ds.mood_drive.values[0]
    assert md.max() > 1.0 and abs(np.interp(72.0, t, md)) < 0.02


def test_chronic_il6_x3_raises_kyn_trp_and_lowers_serotonin_at_steady_state():
    """IL-6 held at 3x rest for 30 days: higher KYN/TRP, lower serotonin and dopamine, more sickness, and a
    mood drive of about psyche's present inflammation term, w_inf * log2(3) = 0.3 * 1.585 = 0.48 logit
    (accepted 0.3-0.7; a design target, grade D)."""
    model = _driven()
    t = np.array([0.0, 24.0 * 20, 24.0 * 30])
    ds = simulate(model, t, events=[Event(0.0, "set_input", "il6_in", 3 * bi.IL6_REST)], solver=SOLVER)
    k, ser, md = ds.kyn_trp_ratio.values[0], ds.serotonin.values[0], ds.mood_drive.values[0]
    print(f"\nIL-6 x3: KYN/TRP {k[-1]:.2f}, serotonin {ser[-1]:.4f}, dopamine {ds.dopamine.values[0, -1]:.4f}, "
          f"mood_drive {md[-1]:.3f}")
    assert k[-1] == pytest.approx(k[1], rel=1e-6)  # steady state
    assert k[-1] > 1.01 * k[0]
    assert ser[-1] < 0.995 and ds.dopamine.values[0, -1] < 0.995
    assert 0.3 <= md[-1] <= 0.7
    assert md[-1] == pytest.approx(0.3 * math.log2(3), abs=0.2)


def test_cortisol_raises_kyn_trp_through_tdo_not_ido():
    """Dalvi-Garcia 2021 direction: high cortisol (x2) induces hepatic TDO, raising KYN/TRP and lowering
    serotonin without any IDO change."""
    model = _driven()
    t = np.array([0.0, 24.0 * 5])
    ds = simulate(model, t, events=[Event(0.0, "set_input", "cort_in", 2 * bi.CORT_REF)], solver=SOLVER)
    assert ds.IDO.values[0, -1] == pytest.approx(1.0, abs=1e-9)
    assert ds.kyn_trp_ratio.values[0, -1] > 1.1 * ds.kyn_trp_ratio.values[0, 0]
    assert ds.serotonin.values[0, -1] < 0.97
