"""Phillips & Robinson 2007 — sleep–wake switch of the brainstem ascending arousal system.

Phillips AJK, Robinson PA. A quantitative model of sleep-wake dynamics based on the physiology of the brainstem
ascending arousal system. J Biol Rhythms 2007;22:167–179. doi:10.1177/0748730406297512. Equations and values
as encoded in the curated BioModels entry BIOMD0000000917 (MODELS.md §4.2): mean voltages of the
sleep-active ventrolateral preoptic area (V_v) and the wake-active monoaminergic group (V_m) inhibit each other
(a flip-flop), and the homeostatic somnogen H, produced while the monoaminergic group fires, pushes the VLPO
towards sleep against the circadian drive C(t).

What pnisim changed: time is in hours (τ_v, τ_m converted from 10 s, which makes the system stiff); the
circadian drive C is a port whose default is the SBML's C(t) = c0 + cos(ωt) with c0 = 1, so the composed model
can bind it to the pnisim clock (with ν_vc < 0 the drive is most wake-promoting at t = 0 mod 24 h and the
model sleeps around t ≈ 9–14 h mod 24 h); an input ``sleep_deprivation`` (mV, default 0) adds a wake drive to
the monoaminergic group, the way the sleep-deprivation version (Phillips & Robinson 2008, J Theor Biol
255:413, MODEL1006230115) forces wake; observables ``awake`` (a smooth indicator of V_m above the wake
threshold) and ``sleep_pressure`` (H). Equation tags number the three ODEs in the order the paper writes them.
"""

from __future__ import annotations

import math

import sympy as sp

from .._table import table
from ..compose import Model, compose
from ..core import Input, Module, Observable, Port, Rate, State

CITATION = (
    "Phillips AJK, Robinson PA. A quantitative model of sleep-wake dynamics based on the physiology of the "
    "brainstem ascending arousal system. J Biol Rhythms 2007;22:167-179"
)
DOI = "10.1177/0748730406297512"
SOURCE = "Phillips & Robinson 2007 Table 1 / BIOMD0000000917"
SECONDS = 1.0 / 3600.0  # h per s: τ_v and τ_m are 10 s in the paper

sleep = Module(
    name="sleep",
    title="VLPO–monoaminergic flip-flop with homeostatic and circadian drives (Phillips & Robinson 2007)",
    citation=CITATION,
    doi=DOI,
    changes=(
        "hours (τ in s converted); circadian drive C is a port (default c0 + cos ωt, as in BIOMD0000000917); "
        "sleep_deprivation input adds a wake drive to D_m (as in MODEL1006230115); awake and sleep_pressure observables"
    ),
    time_unit="h",
    states=(
        State("Vv", "mV", -10.0, "mean voltage of the ventrolateral preoptic area (sleep-active)", nonnegative=False),
        State("Vm", "mV", 1.0, "mean voltage of the monoaminergic group (wake-active)", nonnegative=False),
        State("H", "nM", 10.0, "homeostatic sleep drive (somnogen concentration)"),
    ),
    parameters=table(SOURCE, "B", [
        ("Q_max", 100.0, "1/s", "maximal mean firing rate"),
        ("theta", 10.0, "mV", "mean firing threshold", {"bounds": (0.0, 30.0)}),
        ("sigma", 3.0, "mV", "spread of firing thresholds"),
        ("nu_vm", -1.9, "mV s", "inhibition of the VLPO by the monoaminergic group"),
        ("nu_mv", -1.9, "mV s", "inhibition of the monoaminergic group by the VLPO"),
        ("nu_vc", -6.3, "mV", "circadian drive to the VLPO (negative: wake-promoting)"),
        ("nu_vh", 0.19, "mV/nM", "homeostatic drive to the VLPO"),
        ("D_m", 1.0, "mV", "constant drive to the monoaminergic group (ν_ma Q_a, cholinergic/orexin input)"),
        ("chi", 10.8, "h", "somnogen clearance time"),
        ("mu", 3.6, "nM s", "somnogen production per monoaminergic firing"),
        ("tau_v", 10.0 * SECONDS, "h", "VLPO voltage time constant (10 s)"),
        ("tau_m", 10.0 * SECONDS, "h", "monoaminergic voltage time constant (10 s)"),
        ("c0", 1.0, "1", "offset of the circadian drive C = c0 + cos ωt (BIOMD0000000917)",
         {"bounds": (0.0, 2.0)}),
        ("omega", 2 * math.pi / 24.0, "1/h", "circadian angular frequency (24-h period)"),
        # readout only (no effect on the dynamics): wake if Q_m > 1/s, i.e. V_m > θ − σ ln(Q_max − 1) = −3.79 mV
        ("V_wake", 10.0 - 3.0 * math.log(99.0), "mV", "wake threshold on V_m (Q_m = 1/s)",
         {"source": "pnisim readout: firing-rate criterion Q_m > 1/s", "grade": "C", "bounds": (-10.0, 0.0)}),
        ("dV_wake", 0.5, "mV", "width of the smooth awake indicator",
         {"source": "pnisim readout choice", "grade": "C"}),
    ]),
    inputs=(Input("sleep_deprivation", "mV", 0.0, "forced-wake drive added to D_m (0 = free sleep)"),),
    ports=(
        Port("C", "1", lambda s: s.c0 + sp.cos(s.omega * s.t),
             "circadian drive C(t); default c0 + cos(ωt), maximal (most wake-promoting) at t = 0 mod 24 h"),
    ),
    observables=(
        Observable("awake", "1", lambda s: 1 / (1 + sp.exp(-(s.Vm - s.V_wake) / s.dV_wake)),
                   "awake indicator: 1 in wake, 0 in sleep (sigmoid of V_m about the wake threshold)"),
        Observable("sleep_pressure", "nM", lambda s: s.H, "homeostatic sleep pressure H"),
    ),
    equations=lambda s: _rates(s),
)


def _Q(s, V):
    """Mean firing rate Q(V) = Q_max / (1 + exp(−(V − θ)/σ)) in 1/s."""
    return s.Q_max / (1 + sp.exp(-(V - s.theta) / s.sigma))


def _rates(s):
    Q_v, Q_m = _Q(s, s.Vv), _Q(s, s.Vm)
    D_v = s.nu_vc * s.C + s.nu_vh * s.H  # circadian and homeostatic drives enter at the VLPO
    yield Rate("Vv", (-s.Vv + s.nu_vm * Q_m + D_v) / s.tau_v, "Eq. 1 (τ_v dV_v/dt)")
    yield Rate("Vm", (-s.Vm + s.nu_mv * Q_v + s.D_m + s.sleep_deprivation) / s.tau_m, "Eq. 2 (τ_m dV_m/dt)")
    yield Rate("H", (-s.H + s.mu * Q_m) / s.chi, "Eq. 3 (χ dH/dt)")


def model() -> Model:
    """The published 3-state model, time in hours."""
    return compose("phillips_robinson2007", "Phillips & Robinson 2007 sleep-wake switch (3 states, hours)",
                   [sleep], (), time_unit="h")
