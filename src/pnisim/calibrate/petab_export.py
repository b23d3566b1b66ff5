"""Export a time-course calibration problem (:mod:`.timecourse`) to a PEtab v1 problem.

PEtab: Schmiester L, Schälte Y, Bergmann FT et al. PEtab — interoperable specification of parameter estimation
problems in systems biology. PLoS Comput Biol 2021;17:e1008646, doi:10.1371/journal.pcbi.1008646; tables
written and checked with the ``petab`` library (``petab.v1``). Files written to ``out_dir``:

* ``model.xml`` — the SBML L3V2 export of :mod:`pnisim.engine.sbml` with the problem's nominal parameters, the
  settled state as initial values and the experiment as time-triggered SBML events;
* ``conditions.tsv`` — one simulation condition, no overrides (the experiment lives in the model's events);
* ``observables.tsv`` — one observable per pnisim observable, ``observableFormula = o_<name>`` (the SBML
  assignment-rule parameter of that observable), ``observableTransformation = log`` (natural log) with
  ``noiseDistribution = normal`` for the log-normal error model (``lin``/normal for the linear one), and
  ``noiseFormula = noiseParameter1_<id>`` whose value is given per datum in the measurement table;
* ``measurements.tsv`` — the data, in the observables' units, with their sigma (natural-log scale for log
  observables) as numeric ``noiseParameters``;
* ``parameters.tsv`` — the estimated parameters: PEtab id = SBML id (``p_<module>__<name>``), bounds and
  nominal value on the natural scale, ``parameterScale`` ``log10`` for log parameters and ``lin`` otherwise,
  ``objectivePriorType = parameterScaleUniform`` on the bounds (the prior of :mod:`.posterior`);
* ``problem.yaml`` — the PEtab v1 problem file.

**Time and events.** PEtab v1 has no event table. Of the options (pre-equilibration plus an initial-value
override, a shifted time axis, or events in the model), only events in the model keep the model's clock right:
the circadian drive is a function of model time (``t mod 24``), so the time axis cannot be shifted to the
bolus, and a pre-equilibration to steady state does not exist for a 24-h rhythm. So: simulated time 0 is the
midnight at which every pnisim residual evaluation starts (``problem.t_start``, a whole number of days, hence
the same clock phase), the SBML initial values are the problem's stored settled state, and the LPS bolus
(``E := E + dose``) or the stressor (``u_acute_stress := 1`` then ``0``) are SBML events triggered at
``time >= T``. Measurement times are hours since that midnight. Tools that read PEtab v1 with SBML events:
AMICI / pyPESTO (time-triggered events; ``useValuesFromTriggerTime = true``, as written here, needs AMICI >=
0.33), PEtab.jl, libRoadRunner-based simulators and COPASI. The exported problem is the pnisim problem
exactly: same initial state, parameters, events, data and likelihood (checked in the tests with
``petab.v1.calculate_llh`` and libRoadRunner).

Relative data (the TSST problem with ``relative=True``, ratios to each person's own onset value) cannot be
written as PEtab v1 observables (a ratio to the simulated value at another time); export it with
``relative=False``.

Research use only, not medical advice.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..disclaimer import DISCLAIMER
from ..engine.sbml import OBSERVABLE_PREFIX, write_sbml
from ..errors import SpecError
from ..spec import did_you_mean
from .timecourse import CortisolDayProblem, LpsProblem, TimecourseProblem, TsstProblem

__all__ = ["export_petab", "petab_tables", "petab_problem", "PETAB_PROBLEMS"]

#: The time-course problems that export, by name. The TSST goes on its absolute scale: its relative data have no
#: PEtab v1 observable (see the module docstring).
PETAB_PROBLEMS = {"lps": LpsProblem, "cortisol_day": CortisolDayProblem, "tsst": lambda: TsstProblem(relative=False)}

FILES = {
    "sbml": "model.xml",
    "conditions": "conditions.tsv",
    "observables": "observables.tsv",
    "measurements": "measurements.tsv",
    "parameters": "parameters.tsv",
    "yaml": "problem.yaml",
}


def _condition_id(problem: TimecourseProblem) -> str:
    cid = "".join(c if c.isalnum() or c == "_" else "_" for c in problem.id)
    return cid if cid[:1].isalpha() else f"c_{cid}"


def petab_tables(problem: TimecourseProblem) -> dict[str, pd.DataFrame]:
    """The four PEtab v1 tables of ``problem`` (conditions, observables, measurements, parameters)."""
    if not isinstance(problem, TimecourseProblem):
        raise SpecError(
            f"export_petab needs a time-course problem (pnisim.calibrate.timecourse). Got "
            f"{type(problem).__name__} instead."
        )
    data = problem.data
    if data.relative:
        raise SpecError(
            f"Problem {problem.id!r} scores ratios to a simulated reference time, which PEtab v1 "
            f"observables cannot express. Export it with relative=False."
        )
    model = problem.model
    cond = _condition_id(problem)
    conditions = pd.DataFrame({"conditionId": [cond], "conditionName": [problem.description or problem.id]})

    transform = "log" if data.error_model == "log" else "lin"
    obs_names = list(dict.fromkeys(np.asarray(data.observable).tolist()))
    obs_ids = {name: f"obs_{name}" for name in obs_names}
    observables = pd.DataFrame(
        {
            "observableId": [obs_ids[n] for n in obs_names],
            "observableName": [
                f"{n} ({model.observables[model.observable_index(n)].observable.unit})" for n in obs_names
            ],
            "observableFormula": [OBSERVABLE_PREFIX + n for n in obs_names],
            "observableTransformation": [transform] * len(obs_names),
            "noiseFormula": [f"noiseParameter1_{obs_ids[n]}" for n in obs_names],
            "noiseDistribution": ["normal"] * len(obs_names),
        }
    )

    times = problem.day0 + np.asarray(data.clock, float) - problem.t_start
    measurements = pd.DataFrame(
        {
            "observableId": [obs_ids[n] for n in np.asarray(data.observable).tolist()],
            "simulationConditionId": [cond] * len(times),
            "time": times,
            "measurement": np.asarray(data.value, float),
            "noiseParameters": np.asarray(data.sigma, float),
        }
    )

    rows = []
    for fp, nominal in zip(problem.parameters, problem.nominal):
        pe = model.parameters[model.parameter_index(fp.name)]
        scale = "log10" if fp.scale == "log" else "lin"
        lo, hi = (math.log10(fp.lower), math.log10(fp.upper)) if scale == "log10" else (fp.lower, fp.upper)
        rows.append(
            {
                "parameterId": pe.symbol.name,
                "parameterName": fp.name,
                "parameterScale": scale,
                "lowerBound": fp.lower,
                "upperBound": fp.upper,
                "nominalValue": float(nominal),
                "estimate": 1,
                "objectivePriorType": "parameterScaleUniform",
                "objectivePriorParameters": f"{lo!r};{hi!r}",
            }
        )
    parameters = pd.DataFrame(rows)
    return {
        "conditions": conditions,
        "observables": observables,
        "measurements": measurements,
        "parameters": parameters,
    }


def petab_problem(name: str) -> TimecourseProblem:
    """The time-course problem ``name`` (a key of :data:`PETAB_PROBLEMS`) with its default settings."""
    if name not in PETAB_PROBLEMS:
        raise SpecError(f"The time-course problem must be one of {', '.join(PETAB_PROBLEMS)}."
                        f"{did_you_mean(name, list(PETAB_PROBLEMS))} Got {name!r} instead.")
    return PETAB_PROBLEMS[name]()


def export_petab(problem: TimecourseProblem, out_dir: str | Path) -> Path:
    """Write ``problem`` as a PEtab v1 problem into ``out_dir`` (created if needed); returns the YAML path."""
    tables = petab_tables(problem)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    events = problem.absolute_events()
    shifted = [type(e)(e.time - problem.t_start, e.kind, e.target, e.value, e.label) for e in events]
    write_sbml(
        problem.model,
        out / FILES["sbml"],
        events=shifted,
        parameters=problem.parameter_vector(problem.nominal),
        initial_state=problem.initial_state,
    )
    tables["conditions"].to_csv(out / FILES["conditions"], sep="\t", index=False)
    tables["observables"].to_csv(out / FILES["observables"], sep="\t", index=False)
    tables["measurements"].to_csv(out / FILES["measurements"], sep="\t", index=False, float_format="%.17g")
    tables["parameters"].to_csv(out / FILES["parameters"], sep="\t", index=False, float_format="%.17g")
    doc = {
        "format_version": 1,
        "parameter_file": FILES["parameters"],
        "problems": [
            {
                "sbml_files": [FILES["sbml"]],
                "condition_files": [FILES["conditions"]],
                "measurement_files": [FILES["measurements"]],
                "observable_files": [FILES["observables"]],
            }
        ],
    }
    header = (
        f"# PEtab v1 problem {problem.id!r} exported by pnisim.calibrate.petab_export. {DISCLAIMER}\n"
        f"# time 0 = model time {problem.t_start:g} h (a midnight, settled state); targets: "
        f"{', '.join(problem.targets)}; data: {problem.data.source}\n"
    )
    path = out / FILES["yaml"]
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False))
    return path
