"""Global sensitivity analysis of model endpoints: Morris screening and Sobol' variance decomposition (SALib).

Which parameters move a key endpoint — the CBT effect on CRP at 6 months, the cortisol nadir, PHQ-9 at 12 weeks
under chronic stress, the RA flare rate — and how much of its variance each one explains, alone or with others.

Methods (both through SALib; Herman J, Usher W. SALib. J Open Source Softw 2017;2:97, doi:10.21105/joss.00097,
and Iwanaga T, Usher W, Herman J. Socio-Environ Syst Model 2022;4:18155, doi:10.18174/sesmo.18155):

* **Morris screening** (Morris MD. Technometrics 1991;33:161, doi:10.1080/00401706.1991.10484804) with the
  absolute-mean measure mu* of Campolongo F, Cariboni J, Saltelli A. Environ Model Softw 2007;22:1509
  (doi:10.1016/j.envsoft.2006.10.004): ``trajectories`` one-at-a-time paths on a grid of ``levels``; mu* is the
  mean absolute elementary effect (importance), sigma their SD (non-linearity or interactions). Elementary
  effects are taken in the unit space of each parameter's range (on the log scale for relative ranges), so mu*
  is "change of the endpoint over the whole range" and comparable across parameters.
* **Sobol' indices** (Sobol IM. Math Comput Simul 2001;55:271) from Saltelli's cross-sampling design on a
  scrambled Sobol' sequence (Saltelli A et al. Global Sensitivity Analysis: The Primer. Wiley 2008, ch. 4;
  Saltelli A et al. Comput Phys Commun 2010;181:259, doi:10.1016/j.cpc.2009.09.018): first-order S1 (share of
  the variance explained by a parameter alone) and total ST (alone and through all its interactions), with
  bootstrap confidence intervals; N base samples cost N·(D+2) runs (N·(2D+2) with second-order indices).

A sensitivity file (TOML or YAML) is data, validated like a trial file (:func:`pnisim.scenario.loading.validate_spec`)::

    name = "phq9_chronic_stress"
    [base]                                  # a scenario: the same keys as a scenario file (optional [[arms]])
    model = "whole"
    person = { phenotype = "chronic_stress" }
    run = { duration = "12 week", burn_in = "14 d" }

    [[parameters]]
    name = "psyche.w_ps"                    # module.name
    factor = 2                              # x/÷ 2 around the person's value, sampled log-uniformly
    [[parameters]]
    name = "psyche.stress_load"
    range = [0.3, 0.7]                      # explicit range, sampled uniformly (scale = "log" for log-uniform)

    [[outputs]]
    name = "phq9_12w"
    kind = "value"                          # value | difference | mean | cortisol_day | flare_rate
    observable = "phq9"
    at = "12 week"                          # model time: from midnight of day 0, like exposures

    [method]
    seed = 1
    morris = { trajectories = 10, levels = 4 }
    sobol = { n = 256 }

Every SALib sample is one "individual" of a batched engine run (no between-person variability): it settles
through the base scenario's burn-in with its own parameters, then lives through the scenario (each arm an
outputs needs, all from the same settled state). Runs go in chunks whose engine arrays stay within a fixed
budget, and only the output times the endpoints need are kept. The cortisol day readout uses the
window and the parabola-refined extreme of :func:`pnisim.analysis.readouts.cortisol_day` on each run's samples
(a test checks that both agree). Research use only, not medical advice.

Layout: ``spec`` (the file: ranges, outputs, method, checks), ``salib`` (samples and indices), ``runs`` (every
sample as a settled run through the population runner, and its readouts), ``result`` (:func:`run_sensitivity`),
``report`` (figures and HTML).
"""

from .spec import Factor as Factor
from .spec import MethodSpec as MethodSpec
from .spec import MorrisSpec as MorrisSpec
from .spec import OutputSpec as OutputSpec
from .spec import ParameterRange as ParameterRange
from .spec import SensitivitySpec as SensitivitySpec
from .spec import SobolSpec as SobolSpec
from .spec import load_sensitivity as load_sensitivity
from .spec import parse_sensitivity as parse_sensitivity
from .spec import sensitivity_json_schema as sensitivity_json_schema
from .spec import write_sensitivity_json_schema as write_sensitivity_json_schema
from .spec import SENSITIVITY_SCHEMA_PATH as SENSITIVITY_SCHEMA_PATH
from .spec import MAX_SOBOL_N as MAX_SOBOL_N
from .spec import ENGINE_CHUNK_BYTES as ENGINE_CHUNK_BYTES
from .spec import check_sensitivity as check_sensitivity
from .spec import estimate_bytes as estimate_bytes
from .salib import analyse as analyse
from .result import SensitivityResult as SensitivityResult
from .result import run_sensitivity as run_sensitivity
from .report import figure_png as figure_png
from .report import figures as figures
from .report import morris_figure as morris_figure
from .report import render_sensitivity_report as render_sensitivity_report
from .report import sobol_figure as sobol_figure

__all__ = [
    "Factor",
    "MethodSpec",
    "MorrisSpec",
    "OutputSpec",
    "ParameterRange",
    "SensitivitySpec",
    "SobolSpec",
    "load_sensitivity",
    "parse_sensitivity",
    "sensitivity_json_schema",
    "write_sensitivity_json_schema",
    "SENSITIVITY_SCHEMA_PATH",
    "MAX_SOBOL_N",
    "ENGINE_CHUNK_BYTES",
    "check_sensitivity",
    "estimate_bytes",
    "analyse",
    "SensitivityResult",
    "run_sensitivity",
    "figure_png",
    "figures",
    "morris_figure",
    "render_sensitivity_report",
    "sobol_figure",
]
