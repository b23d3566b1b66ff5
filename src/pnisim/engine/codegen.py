"""Model -> Python source for the compiled kernel: right-hand side, analytic Jacobian, ∂f/∂t, observables.

The composed model's sympy expressions are differentiated symbolically (so the Rosenbrock solver gets an
exact Jacobian), common subexpressions are eliminated, and everything is printed as straight-line numba
code. The source is a pure function of the model's equations (not of parameter values, which are run-time
arrays), so the compiled kernel is cached on disk and reused by every run of the same model. No user text
is ever part of this source: only the package's own module equations are printed.
"""

from __future__ import annotations

import hashlib
import textwrap
import os
from pathlib import Path

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ..model.compose import Model
from ..model.core import TIME
from . import vector

__all__ = ["model_source", "CODEGEN_VERSION"]

CODEGEN_VERSION = "1"


class _Printer(PythonCodePrinter):
    """Python printer whose output numba compiles: ``math.*`` functions, float literals."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": True, "standard": "python3", "strict": True})

    def _print_Float(self, expr: sp.Float) -> str:  # full precision, always a float literal
        return repr(float(expr))

    def _print_Rational(self, expr: sp.Rational) -> str:
        return repr(float(expr))

    def _print_Integer(self, expr: sp.Integer) -> str:
        return f"{int(expr)}.0"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.as_base_exp()
        if exp.is_Integer and 2 <= int(exp) <= 4:  # small integer powers as products: exact and fast
            b = self.parenthesize(base, sp.printing.precedence.PRECEDENCE["Mul"])
            return "(" + "*".join([b] * int(exp)) + ")"
        if exp == -1:
            return f"(1.0/{self.parenthesize(base, sp.printing.precedence.PRECEDENCE['Mul'])})"
        if not exp.is_number:  # a parameter exponent (Hill coefficient): usually integer-valued at run time
            return f"_pow({self.doprint(base)}, {self.doprint(exp)})"
        return super()._print_Pow(expr, rational=rational)


_POW_HELPER = """@numba.njit(cache=True, inline="always", fastmath=_FASTMATH)
def _pow(x, a):
    \"\"\"x**a, with the integer exponents of Hill functions as products (libm pow costs ~10x more).\"\"\"
    if a == 1.0:
        return x
    if a == 2.0:
        return x * x
    if a == 3.0:
        return x * x * x
    if a == 4.0:
        x2 = x * x
        return x2 * x2
    if a == 0.5:
        return math.sqrt(x)  # correctly rounded, ~5x cheaper than exp(a log x); NaN for x < 0 like x**0.5
    if a == 1.5:
        return x * math.sqrt(x)
    if x > 0.0:
        return math.exp(a * math.log(x))  # ~1.5x faster than libm pow; same value to ~1 ulp
    return x**a
"""

_EXTEND = """@numba.njit(cache=True)
def extend(p):
    \"\"\"Model parameters -> the vector rhs/jac/dfdt take: p followed by the derived parameters.\"\"\"
    pe = np.empty(p.shape[0] + N_DERIVED)
    for k in range(p.shape[0]):
        pe[k] = p[k]
    derive(pe)
    return pe
"""

_OBSERVE_BATCH = """@numba.njit(parallel=True, cache=True)
def observe_batch(t_out, out_y, p, out_obs):
    \"\"\"Observables for every individual and output time (states in out_y[N, M, n]).\"\"\"
    for i in numba.prange(out_y.shape[0]):
        for k in range(t_out.shape[0]):
            observe(t_out[k], out_y[i, k], p[i], out_obs[i, k])
"""


def _unpack(names_syms: list[tuple[sp.Symbol, str]], used: set[sp.Symbol]) -> list[str]:
    return [f"{sym.name} = {src}" for sym, src in names_syms if sym in used]


def _block(assign: list[tuple[sp.Symbol, sp.Expr]], outputs: list[tuple[str, sp.Expr]], printer: _Printer) -> list[str]:
    lines = [f"{lhs.name} = {printer.doprint(rhs)}" for lhs, rhs in assign]
    lines += [f"{target} = {printer.doprint(expr)}" for target, expr in outputs]
    return lines


def _function(name: str, args: str, prelude: list[str], body: list[str], doc: str) -> str:
    inner = [f'"""{doc}"""', *prelude, *body] if body or prelude else [f'"""{doc}"""', "pass"]
    return (
        "@numba.njit(cache=True, fastmath=_FASTMATH, error_model='numpy')\n"
        f"def {name}({args}):\n" + textwrap.indent("\n".join(inner), "    ") + "\n"
    )


class _Hoister:
    """Replaces parameter-only subexpressions (e.g. K**h of a Hill function) by derived-parameter symbols.

    They are computed once per individual (``derive``) instead of at every right-hand-side evaluation.
    """

    def __init__(self, params: set[sp.Symbol]):
        self.params = params
        self.table: dict[sp.Expr, sp.Symbol] = {}

    def _symbol(self, e: sp.Expr) -> sp.Symbol:
        if e not in self.table:
            self.table[e] = sp.Symbol(f"q_{len(self.table)}", real=True)
        return self.table[e]

    def _param_only(self, e: sp.Expr) -> bool:
        return bool(e.free_symbols) and e.free_symbols <= self.params

    def __call__(self, e: sp.Expr) -> sp.Expr:
        if e.is_Atom:
            return e
        if self._param_only(e):
            return self._symbol(e)
        if isinstance(e, (sp.Add, sp.Mul)):
            fixed = [a for a in e.args if self._param_only(a)]
            rest = [self(a) for a in e.args if not self._param_only(a)]
            if len(fixed) >= 2:
                return e.func(self._symbol(e.func(*fixed)), *rest)
            return e.func(*[self._symbol(a) if a in fixed and not a.is_Atom else a for a in fixed], *rest)
        return e.func(*[self(a) for a in e.args])


def _generate(model: Model) -> str:
    printer = _Printer()
    states = [s.symbol for s in model.states]
    params = [p.symbol for p in model.parameters]
    inputs = [u.symbol for u in model.inputs]
    rhs = [e.expr for e in model.equations]
    obs = [o.expr for o in model.observables]
    n_states = len(states)

    alg = [(a.symbol, a.expr) for a in model.algebraic]
    unpack_all = (
        [(s, f"y[{i}]") for i, s in enumerate(states)]
        + [(sym, f"y[{n_states + k}]") for k, (sym, _) in enumerate(alg)]
        + [(p, f"p[{i}]") for i, p in enumerate(params)]
        + [(u, f"u[{i}]") for i, u in enumerate(inputs)]
    )

    def emit(name: str, args: str, exprs: list[tuple[str, sp.Expr]], doc: str, pre: list[str] = ()) -> str:
        nonzero = [(t, e) for t, e in exprs if e != 0]
        if not nonzero:
            return _function(name, args, list(pre), [], doc)
        repl, reduced = sp.cse([e for _, e in nonzero], symbols=sp.numbered_symbols("x_"), optimizations="basic")
        used: set[sp.Symbol] = set()
        for _, e in repl:
            used |= e.free_symbols
        for e in reduced:
            used |= e.free_symbols
        prelude = list(pre) + _unpack(unpack_all, used)
        body = _block(repl, [(t, e) for (t, _), e in zip(nonzero, reduced)], printer)
        return _function(name, args, prelude, body, doc)

    n = len(states)
    jac_entries = []
    for i, f in enumerate(rhs):
        for j, s in enumerate(states):
            d = sp.diff(f, s)
            if d != 0:
                # d(x**n)/dx comes out as n*x**n/x, which is 0/0 at x = 0; x**(n-1) is finite there
                d = sp.powsimp(d)
                jac_entries.append((f"J[{i}, {j}]", d))
    dfdt = [(f"out[{i}]", sp.diff(f, TIME)) for i, f in enumerate(rhs)]

    # parameter-only subexpressions of rhs, jac and dfdt become derived parameters p[N_PARAMS + k]
    hoist = _Hoister(set(params))
    rhs_h = [hoist(f) for f in rhs]
    jac_entries = [(target, hoist(e)) for target, e in jac_entries]
    dfdt = [(target, hoist(e)) for target, e in dfdt]
    derived = list(hoist.table.items())
    unpack_all += [(q, f"p[{len(params) + k}]") for k, (_, q) in enumerate(derived)]
    derive_fn = _function(
        "derive",
        "p",
        [f"{sym.name} = p[{i}]" for i, sym in enumerate(params)],
        [f"p[{len(params) + k}] = {printer.doprint(e)}" for k, (e, _) in enumerate(derived)],
        "p[N_PARAMS:] = parameter-only subexpressions, computed once per individual",
    )

    # the same right-hand side for 4 individuals at once (vector lanes, pnisim.engine.vector), when translatable
    sources = {s: ("y", i) for i, s in enumerate(states)}
    sources.update({q: ("p", i) for i, q in enumerate(params)})
    sources.update({q: ("p", len(params) + k) for k, (_, q) in enumerate(derived)})
    sources.update({u: ("u", i) for i, u in enumerate(inputs)})
    sources[TIME] = ("t", 0)
    try:
        ops, outs = vector.to_ops(rhs_h, sources)
        lanes = (f"from pnisim.engine.vector import make_rhs4 as _make_rhs4\n\n"
                 f"# vector kernel {vector.VECTOR_VERSION}, emitter sha256 {_VECTOR_HASH}\n"
                 f"VECTOR_KERNEL = True\nVECTOR_OPS = {ops!r}\nVECTOR_OUTS = {outs!r}\n"
                 "rhs4 = _make_rhs4(VECTOR_OPS, VECTOR_OUTS)\n")
    except ValueError as exc:  # e.g. a quasi-steady state inside the equations: lanes fall back to scalar calls
        lanes = (f"# no vector kernel: {str(exc).replace(chr(10), ' ')}\nVECTOR_KERNEL = False\n\n\n"
                 "@numba.njit(cache=True, fastmath=_FASTMATH, error_model='numpy')\n"
                 "def rhs4(t, y, p, u, dy):\n"
                 "    for l in range(y.shape[1]):\n"
                 "        dl = np.empty(y.shape[0])\n"
                 "        rhs(t[l], np.ascontiguousarray(y[:, l]), np.ascontiguousarray(p[:, l]), "
                 "np.ascontiguousarray(u[:, l]), dl)\n"
                 "        dy[:, l] = dl\n")

    parts = [
        f'"""Generated by pnisim.engine.codegen (version {CODEGEN_VERSION}) for model {model.name!r}.\n\n'
        f"Do not edit: regenerated from the model's equations. Kernel hash {model.kernel_hash()[:16]}.\n"
        'State, parameter and input order:\n'
        + textwrap.indent(
            "\n".join(
                [f"y[{i}] {s.name}" for i, s in enumerate(model.states)]
                + [f"p[{i}] {p.name}" for i, p in enumerate(model.parameters)]
                + [f"u[{i}] {u.name}" for i, u in enumerate(model.inputs)]
            ),
            "    ",
        )
        + '\n"""\n',
        "import math\n\nimport numba\nimport numpy as np\n\n"
        "# fast-math without 'nnan'/'ninf': NaN and inf still propagate, so the solver's finiteness checks hold\n"
        "_FASTMATH = {'nsz', 'arcp', 'contract', 'afn', 'reassoc'}\n",
        f"N_STATES = {n}\nN_ALG = {len(alg)}\nN_PARAMS = {len(params)}\nN_DERIVED = {len(derived)}\nN_INPUTS = {len(inputs)}\n"
        f"N_OBS = {len(obs)}\n",
        _POW_HELPER,
        derive_fn,
        _EXTEND,
        emit("rhs", "t, y, p, u, dy", [(f"dy[{i}]", f) for i, f in enumerate(rhs_h)], "dy = f(t, y; p, u)"),
        emit("jac", "t, y, p, u, J", jac_entries, "J = df/dy (dense; zero entries set first)", ["J[:, :] = 0.0"]),
        emit("dfdt", "t, y, p, u, out", dfdt, "out = ∂f/∂t (explicit time dependence)", ["out[:] = 0.0"]),
        emit("algebraic", "t, y, p, u", [(f"y[{n_states + k}]", e) for k, (_, e) in enumerate(alg)],
             "y[N_STATES:] = the quasi-steady (algebraic) states at one time"),
        emit("observe", "t, y, p, out", [(f"out[{i}]", e) for i, e in enumerate(obs)], "observables at one time"),
        _OBSERVE_BATCH,
        lanes,
    ]
    if any(u in (o.free_symbols) for o in obs for u in inputs):
        raise ValueError("Observables must not depend on inputs.")
    return "\n\n".join(parts)


_MEMO: dict[str, str] = {}
# the generator's own text is part of the cache key, so editing this file never reuses stale source
_GENERATOR_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
# ... and so is the vector emitter's (its IR is built when the kernel file is imported, from the printed op list)
_VECTOR_HASH = hashlib.sha256(Path(vector.__file__).read_bytes()).hexdigest()[:8]


def default_cache_dir() -> Path:
    return Path(os.environ.get("PNISIM_CACHE_DIR", Path.home() / ".cache" / "pnisim" / "kernels"))


def model_source(model: Model, *, cache_dir: Path | None = None) -> str:
    """The generated kernel source for ``model``.

    Symbolic differentiation takes seconds for the composed core, so the source is memoised in the process
    and on disk (keyed by the model's kernel hash and the code generator's version).
    """
    key = f"{CODEGEN_VERSION}-{_GENERATOR_HASH}{_VECTOR_HASH}-{model.kernel_hash()[:24]}"
    if key in _MEMO:
        return _MEMO[key]
    path = (cache_dir or default_cache_dir()) / f"source_{key}.py.txt"
    if path.exists():
        src = path.read_text()
    else:
        src = _generate(model)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(src)
        os.replace(tmp, path)
    _MEMO[key] = src
    return src


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]
