"""Th17/Treg balance and autoimmune disease activity (pnisim.model.modules.autoimmune).

Reference numbers: Baker et al. 2013 (Math Med Biol 30:311, doi:10.1093/imammb/dqs026; BIOMD0000000550) at
alpha2 = 10 has stable states remission (0.0087, 0.0250) and flare (1.328, 0.391) (MODELS.md §3). Disease
cut-offs: DAS28 remission < 2.6, high activity > 5.1 (Prevoo 1995, doi:10.1002/art.1780380107); SLEDAI-2K
remission 0, low 1-4 (LLDAS <= 4, Franklyn 2016), high > 10 (Gordon 2018 BSR guideline); MS relapse = EDSS
rise >= 1 point (Kurtzke 1983 scale), relapses lasting about a month (Vélez de Mendizábal 2011,
doi:10.1186/1752-0509-5-114); ulcerative colitis total Mayo remission <= 2, moderate-to-severe 6-12
(Schroeder 1987, doi:10.1056/NEJM198712243172603).
"""

import numpy as np
import pytest
import sympy as sp

from pnisim.engine.simulate import Event, Solver, compile_model, simulate
from pnisim.model.compose import compose
from pnisim.model.core import Coupling, Parameter
from pnisim.model.modules import autoimmune as A
from pnisim.model.modules import baker2013

pytestmark = pytest.mark.slow  # a published reference or cross-check: runs in CI (make test-slow)

SOLVER = Solver(rtol=1e-9, atol=1e-10)
DAY = 24.0
REMISSION = (0.0087, 0.0250)  # MODELS.md §3
FLARE = (1.328, 0.391)


def _probe(*ports):
    """A test coupling binding ``module.port`` to its own parameter, so one kernel serves every level."""
    params, binds = [], {}
    for key, default in ports:
        name = key.replace(".", "_")
        params.append(Parameter(name, default, "1", "test level", "D", bounds=(0.0, 100.0)))
        binds[key] = lambda s, n=name: getattr(s, n)
    return Coupling("probe", "test levels for ports", "test", "D", binds, tuple(params))


def _with(model, rows, **values):
    """Parameter matrix: one row per entry of ``rows`` (a list of {name: value})."""
    p = np.tile(model.parameter_values(), (len(rows), 1))
    for i, row in enumerate(rows):
        for name, v in row.items():
            p[i, model.parameter_index(name)] = v
    return p


# ---- the Baker switch inside the hours wrapper ---------------------------------------------------------
def test_rates_are_baker_equations_divided_by_tau():
    """With drive 1, no trigger and no treatment, tau x (d/dt in hours) is the BIOMD0000000550 rate rule (the SLE
    preset has Baker's RA-prone setting, alpha2 = 10)."""
    m = A.model("sle")
    b = baker2013.model(ra_prone=True)
    sym = {p.name.split(".", 1)[1]: p.symbol for p in m.parameters if p.owner == "autoimmune"}
    bsym = {p.name.split(".", 1)[1]: p.symbol for p in b.parameters}
    x = {s.name: s.symbol for s in m.states}
    bx = {s.name: s.symbol for s in b.states}
    to_baker = {x["ai_anti"]: bx["ra_anti"], x["ai_pro"]: bx["ra_pro"], **{sym[k]: bsym[k] for k in bsym if k in sym}}
    rest = {x["Th17"]: 1, x["Treg"]: 6, **{u.symbol: 0 for u in m.inputs}}
    rest.update({p.symbol: p.parameter.value for p in m.parameters if p.owner == "tcell"})
    rest.update({sym[k]: m.parameters[m.parameter_index(f"autoimmune.{k}")].parameter.value
                 for k in ("w_th17", "c_gc", "gr_sens", "w_ps", "severity_spread", "severity_z")})
    for state, bstate in (("ai_anti", "ra_anti"), ("ai_pro", "ra_pro")):
        e = m.equations[m.state_index(state)].expr.xreplace(rest) * sym["tau"]
        be = b.equations[b.state_index(bstate)].expr.xreplace({u.symbol: 0 for u in b.inputs})
        assert sp.simplify(e.xreplace(to_baker) - be) == 0, state


@pytest.mark.parametrize("state", [REMISSION, FLARE], ids=["remission", "flare"])
def test_published_steady_states_in_hours(state):
    """Baker 2013 at alpha2 = 10 (MODELS.md §3; the SLE preset): start 3 % off each state and return to it within
    200 tau; the Jacobian at the state has eigenvalues with negative real parts."""
    m = A.model("sle")
    tau = m.parameters[m.parameter_index("autoimmune.tau")].parameter.value
    y0 = m.initial_state()
    y0[m.state_index("ai_anti")], y0[m.state_index("ai_pro")] = np.array(state) * 1.03
    ds = simulate(m, [0.0, 200 * tau], initial_state=y0, solver=SOLVER)
    y = np.array([ds.ai_anti.values[0, -1], ds.ai_pro.values[0, -1]])
    assert y == pytest.approx(state, rel=2e-3, abs=1e-4)
    kernel = compile_model(m)
    y_end = np.array([ds[s].values[0, -1] for s in m.state_names])
    J = np.zeros((len(y_end), len(y_end)))
    kernel.jac(0.0, y_end, kernel.extend(m.parameter_values()), m.input_defaults(), J)
    # the cumulative onset hazard only integrates (it feeds nothing back): its zero eigenvalue is not a state's
    keep = [i for i, n in enumerate(m.state_names) if n not in ("H_onset", "H_flare")]
    assert np.all(np.linalg.eigvals(J[np.ix_(keep, keep)]).real < 0)


def test_time_scale_maps_baker_time_to_hours():
    """A trajectory of the hours model at t hours equals the dimensionless Baker model at t / tau."""
    m, b = A.model("sle"), baker2013.model(ra_prone=True)
    tau = m.parameters[m.parameter_index("autoimmune.tau")].parameter.value
    y0 = m.initial_state()
    y0[m.state_index("ai_anti")], y0[m.state_index("ai_pro")] = 0.3, 0.2  # between the two basins
    t_h = np.linspace(0.0, 10 * tau, 11)
    hours = simulate(m, t_h, initial_state=y0, solver=SOLVER)
    dimless = simulate(b, t_h / tau, initial_state=np.array([0.3, 0.2]), solver=SOLVER)
    np.testing.assert_allclose(hours.ai_pro.values[0], dimless.ra_pro.values[0], rtol=1e-5)


# ---- triggers, stress and glucocorticoids ----------------------------------------------------------------
AMPS = np.linspace(0.0, 0.12, 49)  # flare_trigger, Baker p per day


def _flare_threshold(model, rows):
    """Smallest 48 h trigger (flare_trigger, /d) after which the person is in a flare 60 days later."""
    thresholds = []
    for row in rows:
        p = _with(model, [row] * len(AMPS))
        events = [[Event(DAY, "set_input", "flare_trigger", a), Event(3 * DAY, "set_input", "flare_trigger", 0.0)]
                  for a in AMPS]
        ds = simulate(model, [0.0, 60 * DAY], parameters=p, events=events, solver=SOLVER)
        flared = ds.flare.values[:, -1] > 0.5
        assert flared[-1] and not flared[0]
        thresholds.append(AMPS[np.argmax(flared)])
    return thresholds


@pytest.fixture(scope="module")
def switch_ports():
    """T cells + the bistable flare switch (SLE preset, Baker's alpha2 = 10) with the glucocorticoid and stress ports
    of both modules bound to test levels."""
    probe = _probe(("autoimmune.GR", 1.0), ("autoimmune.PS", 0.0), ("tcell.GR", 1.0), ("tcell.PS", 0.0),
                   ("tcell.IL6", A.IL6_REST))
    return compose("switch_ports", "test", [A.tcell, A.module("sle")], [A.th17_drives_disease, probe],
                   overrides=dict(A.DISEASES["sle"]))


LOW, HIGH = 4.0, 10.0  # SLEDAI-2K: LLDAS <= 4 (Franklyn 2016); high activity > 10 (Gordon 2018)


def test_trigger_of_sufficient_size_flips_remission_to_a_lasting_flare(switch_ports):
    """Bistable switch: a 48 h trigger of 0.1/d moves SLEDAI-2K from remission (<= 4) to a flare (> 10) within days
    that persists 60 days later; 0.02/d gives a transient bump that returns to remission."""
    t = np.array([0.0, DAY, 3 * DAY, 7 * DAY, 60 * DAY])
    runs = {}
    for a in (0.02, 0.1):
        ev = [Event(DAY, "set_input", "flare_trigger", a), Event(3 * DAY, "set_input", "flare_trigger", 0.0)]
        runs[a] = simulate(switch_ports, t, events=ev, solver=SOLVER).disease_score.values[0]
    small, big = runs[0.02], runs[0.1]
    print(f"\nSLEDAI-2K small trigger {np.round(small, 2)}; large trigger {np.round(big, 2)}")
    assert small[0] <= LOW and small[-1] == pytest.approx(small[0], abs=0.05) and small.max() < HIGH
    assert big[0] <= LOW and big[3] > HIGH and big[-1] > HIGH


def test_chronic_stress_and_low_glucocorticoid_signal_lower_the_flare_threshold(switch_ports):
    """Scenario: the bistable switch in remission; 60 days of moderate chronic perceived stress (PS = 0.5) or a nuclear GR
    signal at 60 % of rest (glucocorticoid resistance / low cortisol) lowers the size of the 48 h trigger that
    flips remission into a lasting flare (MODELS.md §3: stress and GR resistance remove the brake)."""
    rest, stress, low_gr = _flare_threshold(switch_ports, [
        {}, {"probe.autoimmune_PS": 0.5, "probe.tcell_PS": 0.5}, {"probe.autoimmune_GR": 0.6, "probe.tcell_GR": 0.6},
    ])
    print(f"\n48 h trigger threshold (/d): rest {rest:.4f}, PS 0.5 {stress:.4f}, GR 0.6 {low_gr:.4f}")
    assert stress < rest and low_gr < rest


def test_loss_of_glucocorticoid_brake_flares_without_trigger(switch_ports):
    """No glucocorticoid signal at all (drive x2, past the fold at ~1.6 x alpha1): a spontaneous flare."""
    p = _with(switch_ports, [{}, {"probe.autoimmune_GR": 0.0}])
    ds = simulate(switch_ports, [0.0, 60 * DAY], parameters=p, solver=SOLVER)
    assert ds.flare.values[0, -1] < 0.01 and ds.flare.values[1, -1] > 0.99


def test_treatment_remits_a_flare_over_weeks_and_remission_holds(switch_ports):
    """A flare of the bistable switch, 60 % cut of pro-inflammatory production from day 0 to day 60: SLEDAI-2K still
    above LLDAS after a week, within it by week 6, and still within it 90 days after treatment stops (bistable
    memory)."""
    y0 = switch_ports.initial_state()
    y0[switch_ports.state_index("ai_anti")], y0[switch_ports.state_index("ai_pro")] = FLARE
    t = np.array([0.0, 7 * DAY, 42 * DAY, 150 * DAY])
    ev = [Event(0.0, "set_input", "ai_treatment", 0.6), Event(60 * DAY, "set_input", "ai_treatment", 0.0)]
    score = simulate(switch_ports, t, initial_state=y0, events=ev, solver=SOLVER).disease_score.values[0]
    print(f"\nSLEDAI-2K under treatment (days 0, 7, 42, 150) {np.round(score, 2)}")
    assert score[0] > HIGH and score[1] > LOW and score[2] <= LOW and score[-1] <= LOW


# ---- Th17/Treg ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tcell_alone():
    probe = _probe(("tcell.IL6", A.IL6_REST), ("tcell.GR", 1.0), ("tcell.PS", 0.0))
    return compose("tcell_probe", "test", [A.tcell], [probe])


def test_il6_raises_and_glucocorticoids_lower_the_th17_treg_ratio(tcell_alone):
    """Carbo 2013 / Bettelli 2006: IL-6 polarises towards Th17 and blocks Treg induction; glucocorticoids
    favour Treg (Karagiannidis 2004) and brake Th17. After 8 weeks: IL-6 x5 raises the Th17/Treg ratio and the
    autoantibody load; GR signal x2 lowers the ratio; GR 0.5 raises it."""
    levels = [{}, {"probe.tcell_IL6": 5 * A.IL6_REST}, {"probe.tcell_GR": 2.0}, {"probe.tcell_GR": 0.5}]
    ds = simulate(tcell_alone, [0.0, 56 * DAY], parameters=_with(tcell_alone, levels), solver=SOLVER)
    ratio, aab = ds.th17_treg_ratio.values[:, -1], ds.autoantibody.values[:, -1]
    print(f"\nTh17/Treg after 8 weeks: rest {ratio[0]:.3f}, IL-6 x5 {ratio[1]:.3f}, GR x2 {ratio[2]:.3f}, "
          f"GR 0.5 {ratio[3]:.3f}; autoantibody (IL-6 x5) {aab[1]:.3f}")
    assert ratio[0] == pytest.approx(A.TH17_REST / A.TREG_REST, rel=1e-6)
    assert ratio[1] > 1.2 * ratio[0] and aab[1] > 1.1
    assert ratio[2] < ratio[0] < ratio[3]


# ---- rest and disease presets ---------------------------------------------------------------------------
@pytest.mark.parametrize("disease", list(A.DISEASES))
def test_rest_is_steady_for_30_days(disease):
    """Default inputs and ports: every state stays at its initial value for 30 days, except the cumulative onset and
    flare hazards, which grow at constant rates."""
    m = A.model(disease)
    t = np.linspace(0.0, 30 * DAY, 7)
    ds = simulate(m, t, solver=SOLVER)
    for s, y0 in zip(m.state_names, m.initial_state()):
        if s in ("H_onset", "H_flare"):
            np.testing.assert_allclose(np.diff(ds[s].values[0]), np.diff(ds[s].values[0])[0], rtol=1e-6)
            continue
        np.testing.assert_allclose(ds[s].values[0], y0, rtol=1e-7, err_msg=s)


RANGES = {  # disease: (readout, remission upper bound, high-activity lower bound)
    "sle": ("sledai2k", 4.0, 10.0),  # LLDAS <= 4 (Franklyn 2016); high > 10 (Gordon 2018)
    "ibd": ("mayo", 2.0, 6.0),       # Schroeder 1987
}


@pytest.mark.parametrize("disease", list(RANGES))
def test_bistable_presets_read_remission_and_flare_in_published_ranges(disease):
    """Remission state readout in the published remission range, flare state readout in the high-activity
    range, and the flare indicator 0 and 1 respectively."""
    name, rem_max, high_min = RANGES[disease]
    m = A.model(disease)
    y0 = np.tile(m.initial_state(), (2, 1))
    y0[1, m.state_index("ai_anti")], y0[1, m.state_index("ai_pro")] = FLARE
    ds = simulate(m, [0.0, 100 * DAY], initial_state=y0, solver=SOLVER)
    score, flare = ds[name].values[:, -1], ds.flare.values[:, -1]
    print(f"\n{disease}: {name} remission {score[0]:.2f}, flare {score[1]:.2f}")
    assert score[0] <= rem_max and score[1] > high_min
    assert flare[0] < 0.01 and flare[1] > 0.99
    np.testing.assert_allclose(ds[name].values, ds.disease_score.values)


def test_ms_relapse_remits_within_about_a_month():
    """Relapsing-remitting MS preset (Vélez de Mendizábal 2011: relapses last ~1 month, then remit): a 48 h
    infection-like trigger raises the EDSS-like score by >= 1 point (a relapse) within days; the relapse lasts
    2-8 weeks and the score returns to baseline (no lasting switch)."""
    m = A.model("ms")
    t = np.arange(0.0, 150 * DAY + 1, 6.0)
    ev = [Event(DAY, "set_input", "flare_trigger", 0.12), Event(3 * DAY, "set_input", "flare_trigger", 0.0)]
    ds = simulate(m, t, events=ev, solver=SOLVER)
    edss, flare = ds.edss.values[0], ds.flare.values[0]
    relapse = t[flare > 0.5]
    duration = relapse.max() - relapse.min()
    print(f"\nMS: EDSS baseline {edss[0]:.2f}, peak {edss.max():.2f}, relapse {duration / DAY:.1f} days, "
          f"onset {(relapse.min() - DAY) / DAY:.1f} days after the trigger")
    assert edss.max() >= edss[0] + 1.0
    assert relapse.min() - DAY <= 7 * DAY
    assert 14 * DAY <= duration <= 56 * DAY
    assert edss[-1] == pytest.approx(edss[0], rel=1e-3)


def test_unknown_disease_is_refused():
    with pytest.raises(ValueError, match="'disease' must be one of"):
        A.model("psoriasis")


def test_onset_hazard_is_the_registry_rate_scaled_by_the_relative_drive():
    """At the resting drive the cumulative onset hazard grows by the registry incidence (RA 40.9 per 100,000
    person-years, Myasoedova 2010) per year; with the glucocorticoid brake gone (GR signal 0, drive x(1 + c_gc))
    it grows in proportion to the drive (k_onset = 1)."""
    year = A.HOURS_PER_YEAR
    rest = simulate(A.model("ra"), [0.0, year], solver=Solver(rtol=1e-9, atol=1e-12))
    h = float(rest["H_onset"].values[0, -1])
    drive = float(rest["ai_drive"].values[0, -1])
    assert h == pytest.approx(40.9e-5 * drive, rel=1e-4)
    assert float(rest["autoimmune_risk"].values[0, -1]) == pytest.approx(1 - np.exp(-h), rel=1e-9)
    assert float(rest["autoimmune_hazard"].values[0, -1]) == pytest.approx(1000 * 40.9e-5 * drive, rel=1e-6)


def test_ra_is_a_graded_course_without_a_switch():
    """Established RA (ra preset, self-induction alpha2 = 3, below Baker's bistable window 7.4-15.6): one steady
    state for every basal production from the healthy 0.025 to 5 (no fold), so activity follows a patient's
    severity continuously. At the preset's median the patient is in high activity (DAS28 > 5.1, Prevoo 1995); cuts
    of 20-80 % of pro-inflammatory production (the share a drug removes) lower DAS28 step by step over 16 weeks,
    and a 20 % cut leaves moderate activity (above 3.2): a partial response, not a jump to remission."""
    par = {p.name: p.value for p in A.autoimmune.parameters}
    par.update({k.split(".", 1)[1]: o.value for k, o in A.DISEASES["ra"].items()})
    p = np.linspace(1e-6, 5.0, 200001)
    a = par["alpha4"] * p**2 / (par["alpha3"] ** 2 + p**2)
    for alpha1 in np.geomspace(0.025, 5.0, 25):
        h = par["gamma"] * p * (1 + a**2) - alpha1 - par["alpha2"] * p**2 / (1 + p**2)
        assert np.count_nonzero(np.sign(h[:-1]) != np.sign(h[1:])) == 1, alpha1
    m = A.model("ra")
    cuts = [0.0, 0.2, 0.4, 0.6, 0.8]
    events = [[Event(0.0, "set_input", "ai_treatment", c)] for c in cuts]
    ds = simulate(m, [0.0, 112 * DAY], parameters=np.tile(m.parameter_values(), (len(cuts), 1)), events=events,
                  solver=SOLVER)
    das = ds.das28.values[:, -1]
    print(f"\nDAS28 after 16 weeks by production cut {cuts}: {np.round(das, 2)}")
    assert das[0] > 5.1
    assert np.all(np.diff(das) < -0.2)
    assert das[1] > 3.2


@pytest.mark.parametrize("disease", list(A.DISEASES))
def test_flare_hazard_is_the_published_rate_at_the_resting_drive(disease):
    """Each preset's flare hazard at the resting drive accrues its published rate in a year (RA 0.36, Bechman 2018;
    SLE 0.65, Petri 1991; MS 0.40, FREEDOMS placebo; ulcerative colitis 0.11, IBSEN 2007), times the resting drive
    of the stand-alone module (1 here)."""
    m = A.model(disease)
    ds = simulate(m, [0.0, A.HOURS_PER_YEAR], solver=Solver(rtol=1e-9, atol=1e-12))
    drive = float(ds.ai_drive.values[0, -1])
    assert float(ds.H_flare.values[0, -1]) == pytest.approx(A.FLARE_RATE[disease] * drive, rel=1e-6)
    assert float(ds.flare_risk.values[0, -1]) == pytest.approx(1 - np.exp(-A.FLARE_RATE[disease] * drive), rel=1e-6)
