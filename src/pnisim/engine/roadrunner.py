"""Run an SBML export of :func:`pnisim.engine.sbml.to_sbml` with libRoadRunner (CVODE) — for cross-checks
and benchmarks.

Exported: :func:`simulate_roadrunner` (one individual, results by pnisim name) and :func:`load_roadrunner`
(the cached loaded model it uses). libRoadRunner is an optional dependency: it is imported inside functions
only. A document is compiled once per process (cached by its text); every call then does only
``resetAll()``, sets the individual's parameter values by index, and calls ``simulate(times=t_out)`` with
CVODE (BDF), the requested tolerances and variable step size off, so rows are exactly ``t_out``. Events at an
output time are reported after they apply, as in :func:`pnisim.engine.simulate.simulate`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libsbml
import numpy as np

from ..errors import SpecError
from .sbml import OBSERVABLE_PREFIX

__all__ = ["simulate_roadrunner", "load_roadrunner", "LoadedModel"]

MAX_STEPS = 10_000_000  # CVODE steps allowed between two output times


@dataclass
class LoadedModel:
    """A compiled libRoadRunner instance plus the id <-> pnisim-name maps read from the SBML document."""

    rr: object
    parameter_ids: list[str]  # constant parameters, in model order (= document order)
    parameter_names: list[str]  # qualified pnisim names
    parameter_index: np.ndarray  # their indices among libRoadRunner's global parameters
    output_ids: list[str]  # states (rate rules), then observables (assignment rules)
    output_names: list[str]
    settings: tuple[float, float] | None = None

    def set_parameters(self, parameters: Sequence[float] | Mapping[str, float] | None) -> None:
        """Set parameter values: a 1-D array in model order, or a mapping from qualified name (or id)."""
        if parameters is None:
            return
        if isinstance(parameters, Mapping):
            lookup = {**dict(zip(self.parameter_names, self.parameter_index)),
                      **dict(zip(self.parameter_ids, self.parameter_index))}
            try:
                idx = np.array([lookup[k] for k in parameters], dtype=np.int32)
            except KeyError as exc:
                raise SpecError(f"The SBML model has no parameter {exc.args[0]!r}.") from None
            vals = np.array(list(parameters.values()), dtype=float)
        else:
            vals = np.asarray(parameters, dtype=float)
            if vals.shape != (len(self.parameter_ids),):
                raise SpecError(
                    f"The 'parameters' array must have shape ({len(self.parameter_ids)},). Got {vals.shape} instead."
                )
            idx = self.parameter_index
        self.rr.model.setGlobalParameterValues(idx, vals)


@functools.lru_cache(maxsize=8)
def load_roadrunner(sbml_str: str) -> LoadedModel:
    """Compile ``sbml_str`` with libRoadRunner once (cached per process) and read its name maps."""
    import roadrunner

    doc = libsbml.readSBMLFromString(sbml_str)
    m = doc.getModel()
    if m is None:
        raise SpecError("The SBML text does not contain a model.")
    rules = [m.getRule(i) for i in range(m.getNumRules())]
    rate_vars = [r.getVariable() for r in rules if r.isRate()]
    obs_vars = [r.getVariable() for r in rules if r.isAssignment() and r.getVariable().startswith(OBSERVABLE_PREFIX)]
    consts = [m.getParameter(i) for i in range(m.getNumParameters()) if m.getParameter(i).getConstant()]

    def name_of(pid: str) -> str:
        el = m.getElementBySId(pid)
        return el.getName() if el is not None and el.isSetName() else pid

    rr = roadrunner.RoadRunner(sbml_str)
    gp = list(rr.model.getGlobalParameterIds())
    out_ids = rate_vars + obs_vars
    rr.timeCourseSelections = ["time", *out_ids]
    rr.setIntegrator("cvode")
    integ = rr.integrator
    integ.variable_step_size = False
    integ.stiff = True
    integ.maximum_num_steps = MAX_STEPS
    return LoadedModel(
        rr=rr,
        parameter_ids=[p.getId() for p in consts],
        parameter_names=[p.getName() or p.getId() for p in consts],
        parameter_index=np.array([gp.index(p.getId()) for p in consts], dtype=np.int32),
        output_ids=out_ids,
        output_names=[name_of(i) for i in out_ids],
    )


def simulate_roadrunner(
    sbml_str: str,
    t_out: Sequence[float] | np.ndarray,
    *,
    rtol: float,
    atol: float,
    parameters: Sequence[float] | Mapping[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """Simulate one individual from ``t_out[0]``; return ``{pnisim name: values at t_out}`` for every state
    and observable. ``parameters``: 1-D array in model order, or ``{qualified name: value}``; unset ones
    keep the values written in the document. The state, inputs and events restart from the document's."""
    lm = load_roadrunner(sbml_str)
    rr = lm.rr
    if lm.settings != (rtol, atol):
        rr.integrator.relative_tolerance = float(rtol)
        rr.integrator.absolute_tolerance = float(atol)
        lm.settings = (rtol, atol)
    rr.resetAll()
    lm.set_parameters(parameters)
    res = np.asarray(rr.simulate(times=np.asarray(t_out, dtype=float)))
    return {name: res[:, k + 1].copy() for k, name in enumerate(lm.output_names)}
