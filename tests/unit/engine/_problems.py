"""Hand-written model sources (the generated-prelude interface) for the solver tests."""

from __future__ import annotations

_HEADER = """\
import math

import numba
import numpy as np

N_DERIVED = 0
N_ALG = 0


@numba.njit(cache=True)
def derive(pe):
    pass


@numba.njit(cache=True)
def algebraic(t, y, p, u):
    pass
"""

# y' = p0*(y - cos t) - sin t, y(0) = 1  ->  y = cos t  (Prothero-Robinson; stiff for p0 = -1e4)
PROTHERO_ROBINSON = _HEADER + """
N_STATES = 1


@numba.njit(cache=True, fastmath=False)
def rhs(t, y, p, u, dy):
    dy[0] = p[0] * (y[0] - math.cos(t)) - math.sin(t)


@numba.njit(cache=True)
def jac(t, y, p, u, J):
    J[0, 0] = p[0]


@numba.njit(cache=True)
def dfdt(t, y, p, u, out):
    out[0] = p[0] * math.sin(t) - math.cos(t)
"""

# y' = [[a, -b], [b, a]] y, y(0) = (1, 0)  ->  y = e^{a t} (cos b t, sin b t);  p = (a, b)
LINEAR2 = _HEADER + """
N_STATES = 2


@numba.njit(cache=True, fastmath=False)
def rhs(t, y, p, u, dy):
    dy[0] = p[0] * y[0] - p[1] * y[1]
    dy[1] = p[1] * y[0] + p[0] * y[1]


@numba.njit(cache=True)
def jac(t, y, p, u, J):
    J[0, 0] = p[0]
    J[0, 1] = -p[1]
    J[1, 0] = p[1]
    J[1, 1] = p[0]


@numba.njit(cache=True)
def dfdt(t, y, p, u, out):
    out[0] = 0.0
    out[1] = 0.0
"""

# Robertson chemical kinetics; p = (0.04, 1e4, 3e7)
ROBERTSON = _HEADER + """
N_STATES = 3


@numba.njit(cache=True, fastmath=False)
def rhs(t, y, p, u, dy):
    r1 = p[0] * y[0]
    r2 = p[1] * y[1] * y[2]
    r3 = p[2] * y[1] * y[1]
    dy[0] = -r1 + r2
    dy[1] = r1 - r2 - r3
    dy[2] = r3


@numba.njit(cache=True)
def jac(t, y, p, u, J):
    J[0, 0] = -p[0]
    J[0, 1] = p[1] * y[2]
    J[0, 2] = p[1] * y[1]
    J[1, 0] = p[0]
    J[1, 1] = -p[1] * y[2] - 2.0 * p[2] * y[1]
    J[1, 2] = -p[1] * y[1]
    J[2, 0] = 0.0
    J[2, 1] = 2.0 * p[2] * y[1]
    J[2, 2] = 0.0


@numba.njit(cache=True)
def dfdt(t, y, p, u, out):
    out[0] = 0.0
    out[1] = 0.0
    out[2] = 0.0
"""

# y' = -p0*y + p1*y^2 + u0 + p2*cos(p3*t)  (decay with an input; p1 > 0 and y0 > 0 gives finite-time blow-up;
# p1 = 0 with p0, p2 large gives a stiff, periodically forced component)
DECAY = _HEADER + """
N_STATES = 1


@numba.njit(cache=True, fastmath=False)
def rhs(t, y, p, u, dy):
    dy[0] = -p[0] * y[0] + p[1] * y[0] * y[0] + u[0] + p[2] * math.cos(p[3] * t)


@numba.njit(cache=True)
def jac(t, y, p, u, J):
    J[0, 0] = -p[0] + 2.0 * p[1] * y[0]


@numba.njit(cache=True)
def dfdt(t, y, p, u, out):
    out[0] = -p[2] * p[3] * math.sin(p[3] * t)
"""


def trivial_source(tag: str) -> str:
    """A distinct, valid model source (nothing is compiled by importing it)."""
    return f"# build-cache test model {tag}\n" + DECAY


def with_lanes(source: str, exprs) -> str:
    """``source`` plus the 4-lane right-hand side (pnisim.engine.vector) of the same equations, given as a
    function of sympy symbols (t, y, p, u) -> list of expressions, one per state."""
    import sympy as sp

    from pnisim.engine.vector import to_ops

    t = sp.Symbol("t")
    y = sp.symbols("y0:4")
    p = sp.symbols("p0:4")
    u = sp.symbols("u0:2")
    sources = {t: ("t", 0), **{s: ("y", i) for i, s in enumerate(y)}, **{s: ("p", i) for i, s in enumerate(p)},
               **{s: ("u", i) for i, s in enumerate(u)}}
    ops, outs = to_ops(exprs(t, y, p, u), sources)
    return (source + "\n\nfrom pnisim.engine.vector import make_rhs4\n\nVECTOR_KERNEL = True\n"
            f"rhs4 = make_rhs4({ops!r}, {outs!r})\n")
