"""Drug PK/PD modules (pnisim.model.modules.pharmacology) against published concentrations.

Sources: Remicade SmPC section 5.2 (single 5 mg/kg: median Cmax 118 µg/mL, detectable for at least 8 weeks,
median terminal t½ 8-9.5 days); Klotz U et al. Clin Pharmacokinet 2007;46:645 (doi:10.2165/00003088-200746080-00002:
Vd 3-6 L, t½ 7-12 days); Fasanmade 2009 (doi:10.1007/s00228-009-0718-4: population t½ ≈ 14 days); Adedokun OJ et al.
Gastroenterology 2014;147:1296 (doi:10.1053/j.gastro.2014.08.035: week-30 trough ≥ 3.7 µg/mL predicts response);
Frymoyer 2017 (doi:10.1097/MPG.0000000000001620: only 32 % reach a trough > 3 µg/mL on 5 mg/kg every 8 weeks);
Humira label section 12.3 (40 mg every other week: steady-state trough ~5 µg/mL alone, 8-9 µg/mL with
methotrexate; t½ 10-20 days); Actemra label section 12.3 (population PK of Frey 2010, doi:10.1177/0091270009350623:
steady-state Cmax 183 ± 85.6 and Cmin 9.74 ± 10.5 µg/mL at 8 mg/kg, 88.3 ± 41.4 and 1.49 ± 2.13 at 4 mg/kg, Cmin
6.5-fold higher at 8 than at 4 mg/kg); Celebrex label (200 mg: Cmax 705 ng/mL at 2.8 h, t½ 11.2 h); Zoloft label
(steady state in about one week, t½ 26 h; 200 mg/day Cmax 0.19 µg/mL, linear 50-200 mg); Meyer 2004
(doi:10.1176/appi.ajp.161.5.826: SERT occupancy 76-85 % at the minimum therapeutic dose).
"""

import numpy as np
import pytest

from pnisim.engine.simulate import Event, Solver, simulate
from pnisim.model.modules import pharmacology as ph

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-8, atol=1e-10)
WEEK = 168.0


@pytest.fixture(scope="module")
def model():
    return ph.model()


def _run(model, drug, until_h, t, **kw):
    events = [Event(tt, "add_state", s, mg) for tt, s, mg in ph.regimen(drug, until_h, **kw)]
    return simulate(model, t, events=events, solver=SOLVER)


def _half_life(t, c, t1, t2):
    """Half-life (h) of a log-linear fit to c over [t1, t2]."""
    sel = (t >= t1) & (t <= t2)
    return -np.log(2.0) / np.polyfit(t[sel], np.log(c[sel]), 1)[0]


def test_no_dose_stays_at_zero_for_30_days(model):
    """Every drug amount rests at 0 without a dose (steady state of the default run)."""
    ds = simulate(model, np.linspace(0.0, 720.0, 31), solver=SOLVER)
    for name in model.state_names + model.observable_names:
        assert np.all(ds[name].values == 0.0), name


# ---- infliximab --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ifx_single(model):
    t = np.arange(0.0, 16 * WEEK + 1, 1.0)
    ds = simulate(model, t, events=[Event(0.0, "add_state", "ifx_central", 5.0 * ph.BODY_WEIGHT)], solver=SOLVER)
    return t, ds.ifx_conc.values[0], ds


def test_infliximab_peak_after_5_mg_per_kg(ifx_single):
    """Peak (2 h, end of infusion) after 5 mg/kg at 70 kg: Remicade SmPC 5.2 median Cmax 118 µg/mL; Klotz 2007 Vd
    3-6 L puts 350 mg at 58-117 µg/mL. The population V1 (3.7 L at 70 kg) gives a peak ~20 % under the label median."""
    t, c, _ = ifx_single
    peak = np.interp(2.0, t, c)
    print(f"\ninfliximab peak {peak:.1f} µg/mL")
    assert 350.0 / 6.0 <= peak <= 350.0 / 3.0
    assert peak >= 0.75 * 118.0


def test_infliximab_terminal_half_life(ifx_single):
    """Log-linear decay over weeks 4-8 after one dose: t½ within 7-14 days (Klotz 2007 review 7-12 days; population
    PK ≈ 14 days, Fasanmade 2009; label single-dose NCA 8-9.5 days)."""
    t, c, _ = ifx_single
    th_d = _half_life(t, c, 4 * WEEK, 8 * WEEK) / 24.0
    print(f"\ninfliximab terminal half-life {th_d:.2f} days")
    assert 7.0 <= th_d <= 14.0


def test_infliximab_still_detectable_at_week_8(ifx_single):
    """Remicade SmPC 5.2: after a single 5 mg/kg dose infliximab is detectable in serum for at least 8 weeks
    (assay lower limit ~0.1 µg/mL); the level is then far below the 3-7 µg/mL therapeutic trough range."""
    t, c, _ = ifx_single
    c8 = np.interp(8 * WEEK, t, c)
    print(f"\ninfliximab at week 8 after one dose {c8:.2f} µg/mL")
    assert 0.1 < c8 < 3.0


def test_infliximab_maintenance_trough(model):
    """5 mg/kg at weeks 0, 2, 6 then every 8 weeks: the typical week-30 trough lies below the ACT-1/2 response
    threshold 3.7 µg/mL (Adedokun 2014: a minority exceed it) and 3 µg/mL (Frymoyer 2017: 32 % exceed 3 µg/mL),
    above 0.5 µg/mL; the week-6 induction trough is several-fold higher."""
    t = np.arange(0.0, 31 * WEEK, 1.0)
    ds = _run(model, "infliximab", 30 * WEEK - 1, t)
    c = ds.ifx_conc.values[0]
    trough6, trough30 = np.interp(6 * WEEK - 1, t, c), np.interp(30 * WEEK - 1, t, c)
    block = ds.ifx_tnf_block.values[0]
    print(f"\ntrough week 6 {trough6:.2f}, week 30 {trough30:.2f} µg/mL; TNF block at week-30 trough "
          f"{np.interp(30 * WEEK - 1, t, block):.2f}")
    assert 0.5 < trough30 < 3.0
    assert trough6 > 3 * trough30
    np.testing.assert_allclose(ds.tnf_block.values[0], block, rtol=1e-12)  # adalimumab absent


# ---- adalimumab ---------------------------------------------------------------------------------------------
def test_adalimumab_steady_state_trough_and_half_life(model):
    """40 mg every other week for 20 weeks: trough 5-8 µg/mL (Humira label: ~5 alone, 8-9 with methotrexate);
    after the last dose the terminal decay has t½ 10-20 days (label)."""
    t = np.arange(0.0, 30 * WEEK, 1.0)
    ds = _run(model, "adalimumab", 18 * WEEK, t)
    c = ds.ada_conc.values[0]
    trough = np.interp(18 * WEEK - 1, t, c)
    th_d = _half_life(t, c, 24 * WEEK, 30 * WEEK - 1) / 24.0
    print(f"\nadalimumab steady-state trough {trough:.2f} µg/mL, terminal t½ {th_d:.1f} days, "
          f"TNF block at trough {np.interp(18 * WEEK - 1, t, ds.ada_tnf_block.values[0]):.2f}")
    assert 5.0 <= trough <= 8.0
    assert 10.0 <= th_d <= 20.0


def test_two_anti_tnf_antibodies_block_more_than_either(model):
    """Competitive binding to the same TNF: the combined block exceeds each antibody's own block."""
    t = np.array([0.0, 24.0, 240.0])
    ev = [Event(0.0, "add_state", "ifx_central", 50.0), Event(0.0, "add_state", "ada_central", 10.0)]
    ds = simulate(model, t, events=ev, solver=SOLVER)
    both = ds.tnf_block.values[0, 1:]
    assert np.all(both > ds.ifx_tnf_block.values[0, 1:]) and np.all(both > ds.ada_tnf_block.values[0, 1:])
    assert np.all(both < 1.0)


# ---- tocilizumab --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tcz(model):
    t = np.arange(0.0, 25 * WEEK, 1.0)
    out = {}
    for mg_kg in (4.0, 8.0):
        c = _run(model, "tocilizumab", 24 * WEEK - 1, t, dose=mg_kg).tcz_conc.values[0]
        out[mg_kg] = (c[(t >= 20 * WEEK) & (t < 24 * WEEK)].max(), np.interp(24 * WEEK - 1, t, c))
    return out


def test_tocilizumab_steady_state_cmax_and_cmin(tcz):
    """Every 4 weeks, steady state (weeks 20-24): Actemra label population-PK means ± SD, 8 mg/kg Cmax 183 ± 85.6 and
    Cmin 9.74 ± 10.5 µg/mL; 4 mg/kg Cmax 88.3 ± 41.4 and Cmin 1.49 ± 2.13 µg/mL. The typical patient must lie
    within one SD of each mean."""
    for mg_kg, (cmax_ref, cmax_sd, cmin_ref, cmin_sd) in {8.0: (183.0, 85.6, 9.74, 10.5),
                                                          4.0: (88.3, 41.4, 1.49, 2.13)}.items():
        cmax, cmin = tcz[mg_kg]
        print(f"\ntocilizumab {mg_kg} mg/kg: Cmax {cmax:.1f}, Cmin {cmin:.2f} µg/mL")
        assert abs(cmax - cmax_ref) <= cmax_sd
        assert 0.0 < cmin and abs(cmin - cmin_ref) <= cmin_sd


def test_tocilizumab_trough_rises_more_than_dose(tcz):
    """Saturable (IL-6R-mediated) clearance: doubling 4 -> 8 mg/kg raises the steady-state Cmin 6.5-fold (Actemra
    label; Frey 2010) while Cmax rises in proportion to dose."""
    ratio_min = tcz[8.0][1] / tcz[4.0][1]
    ratio_max = tcz[8.0][0] / tcz[4.0][0]
    print(f"\nCmin ratio 8/4 mg/kg {ratio_min:.1f}, Cmax ratio {ratio_max:.2f}")
    assert 4.0 <= ratio_min <= 10.0
    assert ratio_max == pytest.approx(2.0, rel=0.1)


# ---- celecoxib ----------------------------------------------------------------------------------------------
def test_celecoxib_single_200_mg(model):
    """200 mg once: Cmax 0.705 µg/mL at 2.8 h, terminal t½ 11.2 h (Celebrex label, single-dose table); COX-2
    inhibition at the peak ≈ 83 % (McAdam 1999, ex vivo whole-blood LPS-induced PGE2)."""
    t = np.arange(0.0, 72.0, 0.01)
    ds = simulate(model, t, events=[Event(0.0, "add_state", "cxb_gut", 200.0)], solver=SOLVER)
    c = ds.cxb_conc.values[0]
    i = c.argmax()
    th = _half_life(t, c, 24.0, 71.0)
    block = ds.cox_block.values[0][i]
    print(f"\ncelecoxib Cmax {c[i]:.3f} µg/mL at {t[i]:.2f} h, t½ {th:.2f} h, COX-2 block {block:.2f}")
    assert c[i] == pytest.approx(0.705, rel=0.03)
    assert t[i] == pytest.approx(2.8, abs=0.2)
    assert th == pytest.approx(11.2, rel=0.03)
    assert block == pytest.approx(0.83, abs=0.06)


def test_celecoxib_twice_daily_accumulates_to_steady_state(model):
    """200 mg twice daily: steady state within 5 days (Celebrex label); accumulation over a 12-h interval with
    t½ 11.2 h is 1/(1 - 2^(-12/11.2)) ≈ 1.9 for the trough-to-single-dose ratio."""
    t = np.arange(0.0, 7 * 24.0 + 0.5, 0.25)
    ds = _run(model, "celecoxib", 7 * 24.0 - 1, t)
    c = ds.cxb_conc.values[0]
    peak5 = c[(t >= 4 * 24) & (t < 5 * 24)].max()
    peak7 = c[(t >= 6 * 24) & (t < 7 * 24)].max()
    print(f"\ncelecoxib steady-state peak {peak7:.2f} µg/mL, trough {np.interp(7 * 24 - 12.01, t, c):.2f}")
    assert peak5 == pytest.approx(peak7, rel=0.01)
    assert peak7 / 0.705 == pytest.approx(1 / (1 - 2 ** (-12 / 11.2)), rel=0.1)


# ---- sertraline ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sert(model):
    t = np.arange(0.0, 22 * 24.0, 0.25)
    ds = _run(model, "sertraline", 21 * 24.0 - 1, t)
    return t, ds.sert_conc.values[0], ds.ssri_occupancy.values[0]


def test_sertraline_50_mg_steady_state_concentration(sert):
    """50 mg/day: steady state within about a week (Zoloft label; t½ 26 h) and concentrations 20-50 ng/mL over the
    dosing interval (label 200 mg/day Cmax 190 ng/mL, dose-linear; AGNP reference range 10-150 ng/mL)."""
    t, c, _ = sert
    day = lambda d: (t >= d * 24) & (t < (d + 1) * 24)  # noqa: E731
    lo, hi = c[day(20)].min(), c[day(20)].max()
    print(f"\nsertraline day 20: {lo:.1f}-{hi:.1f} ng/mL; day-7 trough / day-20 trough {c[day(7)].min() / lo:.2f}")
    assert 20.0 <= lo and hi <= 50.0
    assert c[day(7)].min() >= 0.9 * lo


def test_sertraline_occupancy_near_80_percent(sert):
    """SERT occupancy at the minimum therapeutic dose (50 mg/day) is 76-85 % (Meyer 2004, [11C]DASB PET)."""
    t, _, occ = sert
    sel = (t >= 20 * 24) & (t < 21 * 24)
    print(f"\nSERT occupancy day 20: {occ[sel].min():.3f}-{occ[sel].max():.3f}")
    assert 0.76 <= occ[sel].min() and occ[sel].max() <= 0.85
