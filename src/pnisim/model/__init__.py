"""Declarative model layer: states, parameters, ports, observables, modules, couplings and composition."""

from .compose import Model as Model, ParameterOverride as ParameterOverride, compose as compose
from .core import (
    GRADES as GRADES,
    TIME as TIME,
    Coupling as Coupling,
    Input as Input,
    Module as Module,
    Observable as Observable,
    Parameter as Parameter,
    Port as Port,
    Rate as Rate,
    State as State,
)

__all__ = [
    "GRADES", "TIME", "Coupling", "Input", "Model", "Module", "Observable", "Parameter",
    "ParameterOverride", "Port", "Rate", "State", "compose",
]
