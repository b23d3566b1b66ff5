"""Right-hand side for 4 individuals at once: sympy -> a flat op list -> LLVM IR on ``<4 x double>``.

Why: in the whole model one right-hand-side evaluation costs ~0.46 µs, of which ~38 % are scalar libm calls
(exp, log, cos, tanh, non-integer Hill powers; ``benchmarks/bench_profile.py``). numba does not vectorise those
calls (the PyPI llvmlite has no SVML and its LLVM takes no vector-library option), and 4 scalar copies of the
code are not packed by LLVM's SLP vectoriser either (measured: no faster). So the kernel generator also emits
the equations as a list of operations, and :func:`make_rhs4` turns that list into straight-line LLVM IR in which
every value is a vector of the 4 lanes (individuals): +, ×, ÷ and √ as vector instructions, and the
transcendental functions as calls to glibc's libmvec (``_ZGVdN4v_exp`` etc., AVX2, ≤ 4 ulp). Measured on the
whole model: 0.20 µs per individual against 0.46-0.50 µs scalar; the IR compiles in under a second.

Each lane's result depends on that lane's inputs only (vector lanes do not mix), so an individual gets the same
numbers whichever lane, batch or chunk it runs in. They differ from the scalar kernel by rounding (≤ 4 ulp per
libmvec call; relative 4e-14 on the whole model's derivatives).

Op list (one tuple per SSA value, in order): ``("const", v)``, ``("load", array, index)`` with array one of
``t y p u``, ``("add"|"mul"|"div", a, b)``, ``("sqrt"|"exp"|"log"|"cos"|"sin"|"tanh", a)``, ``("pow", a, b)``
(libmvec pow), ``("hpow", a, b)`` (a Hill power with a parameter exponent: exact products for the exponents
1, 2, 3, 4, 0.5 and 1.5 as in the scalar ``_pow``, libmvec pow otherwise, and that call is skipped when no lane
needs it). Outputs: ``(state index, value index)``. The list is data, printed into the generated kernel file;
nothing is evaluated from text.
"""

from __future__ import annotations

import ctypes.util
import functools
import platform

import sympy as sp

__all__ = ["LANES", "VECTOR_VERSION", "make_rhs4", "to_ops", "vector_available"]

LANES = 4
VECTOR_VERSION = "1"  # printed into generated kernels: a change here must not reuse old compiled kernels

_FUNCS = {sp.exp: "exp", sp.log: "log", sp.cos: "cos", sp.sin: "sin", sp.tanh: "tanh"}
_LIBMVEC = {"exp": "_ZGVdN4v_exp", "log": "_ZGVdN4v_log", "cos": "_ZGVdN4v_cos", "sin": "_ZGVdN4v_sin",
            "tanh": "_ZGVdN4v_tanh", "pow": "_ZGVdN4vv_pow"}
_HILL_EXPONENTS = (1.5, 0.5, 4.0, 3.0, 2.0, 1.0)  # those the scalar _pow computes exactly


@functools.lru_cache(maxsize=1)
def vector_available() -> bool:
    """True when this process can run the 4-lane kernel: x86-64 with AVX2 and glibc's libmvec loadable."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return False
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "")
    except OSError:
        return False
    if " avx2" not in flags or " fma" not in flags:
        return False
    import llvmlite.binding as llb

    for name in ("libmvec.so.1", ctypes.util.find_library("mvec")):
        if not name:
            continue
        try:
            llb.load_library_permanently(name)
        except RuntimeError:
            continue
        return all(llb.address_of_symbol(s) for s in _LIBMVEC.values())
    return False


def to_ops(exprs: list[sp.Expr], sources: dict[sp.Symbol, tuple[str, int]]) -> tuple[tuple, tuple]:
    """Translate expressions (one per state; zeros skipped) to the op list and the output pairs.

    ``sources`` maps every free symbol to where its value lives: ``("y", i)``, ``("p", k)``, ``("u", j)`` or
    ``("t", 0)``. Common subexpressions are shared (sympy ``cse``), so the op count is about that of the scalar
    code.
    """
    nonzero = [(i, e) for i, e in enumerate(exprs) if e != 0]
    repl, reduced = sp.cse([e for _, e in nonzero], symbols=sp.numbered_symbols("v_"), optimizations="basic")
    ops: list[tuple] = []
    memo: dict = {}

    def emit(op: tuple) -> int:
        ops.append(op)
        return len(ops) - 1

    def const(v: float) -> int:
        key = ("const", float(v))
        if key not in memo:
            memo[key] = emit(key)
        return memo[key]

    def chain(kind: str, items: list[int]) -> int:
        r = items[0]
        for x in items[1:]:
            r = emit((kind, r, x))
        return r

    def tr(e: sp.Expr) -> int:
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            if e not in sources:
                raise ValueError(f"The symbol {e} has no source array.")
            r = emit(("load", *sources[e]))
        elif e.is_Number or e.is_NumberSymbol:
            return const(float(e))
        elif e.is_Add:
            r = chain("add", [tr(a) for a in e.args])
        elif e.is_Mul:
            num = [a for a in e.args if not (a.is_Pow and a.exp.is_Integer and int(a.exp) < 0)]
            den = [a.base ** (-a.exp) for a in e.args if a.is_Pow and a.exp.is_Integer and int(a.exp) < 0]
            r = chain("mul", [tr(a) for a in num]) if num else const(1.0)
            if den:
                r = emit(("div", r, chain("mul", [tr(a) for a in den])))
        elif e.is_Pow:
            b, x = e.base, e.exp
            if x.is_Integer and 0 < int(x) <= 8:
                bb = tr(b)
                r = chain("mul", [bb] * int(x))
            elif x.is_Integer and int(x) < 0:
                r = emit(("div", const(1.0), tr(b ** (-x))))
            elif x.is_number and float(x) == 0.5:
                r = emit(("sqrt", tr(b)))
            elif x.is_number:
                r = emit(("pow", tr(b), const(float(x))))
            else:
                r = emit(("hpow", tr(b), tr(x)))
        elif e.func in _FUNCS:
            r = emit((_FUNCS[e.func], tr(e.args[0])))
        else:
            raise ValueError(f"The vector kernel cannot translate {e.func.__name__} (in {e}).")
        memo[e] = r
        return r

    for sym, e in repl:
        memo[sym] = tr(e)
    outs = tuple((i, tr(e)) for (i, _), e in zip(nonzero, reduced))
    return tuple(ops), outs


def make_rhs4(ops: tuple, outs: tuple):
    """A numba intrinsic ``rhs4(t, y, p, u, dy)`` for C-contiguous arrays t[4], y[n, 4], p[k, 4], u[j, 4] and
    dy[n, 4] (lane = last axis): dy[:, l] = f(t[l], y[:, l]; p[:, l], u[:, l]). States without an output keep
    whatever dy held (the caller zeroes dy once)."""
    from llvmlite import ir
    from numba import types
    from numba.core import cgutils
    from numba.extending import intrinsic

    flags = ("nsz", "arcp", "contract", "afn", "reassoc")  # the scalar kernel's fast-math set (no nnan/ninf)

    def codegen(context, builder, signature, args):
        vt = ir.VectorType(ir.DoubleType(), LANES)
        pv = ir.PointerType(vt)
        i64 = ir.IntType(64)
        mod = builder.module
        ptrs = {name: context.make_array(ty)(context, builder, val).data
                for name, ty, val in zip("typu", signature.args[:4], args[:4])}
        dy = context.make_array(signature.args[4])(context, builder, args[4]).data

        def splat(v: float):
            return ir.Constant(vt, [v] * LANES)

        def vfunc(name: str, n_args: int = 1):
            return cgutils.get_or_insert_function(mod, ir.FunctionType(vt, [vt] * n_args), name)

        sqrt = vfunc("llvm.sqrt.v4f64")
        vals = []
        for op in ops:
            kind = op[0]
            if kind == "const":
                v = splat(op[1])
            elif kind == "load":
                ptr = builder.gep(ptrs[op[1]], [ir.Constant(i64, LANES * op[2])])
                v = builder.load(builder.bitcast(ptr, pv), align=8)
            elif kind == "add":
                v = builder.fadd(vals[op[1]], vals[op[2]], flags=flags)
            elif kind == "mul":
                v = builder.fmul(vals[op[1]], vals[op[2]], flags=flags)
            elif kind == "div":
                v = builder.fdiv(vals[op[1]], vals[op[2]], flags=flags)
            elif kind == "sqrt":
                v = builder.call(sqrt, [vals[op[1]]])
            elif kind == "pow":
                v = builder.call(vfunc(_LIBMVEC["pow"], 2), [vals[op[1]], vals[op[2]]])
            elif kind == "hpow":
                x, a = vals[op[1]], vals[op[2]]
                x2 = builder.fmul(x, x, flags=flags)
                sq = builder.call(sqrt, [x])
                exact = {1.5: builder.fmul(x, sq, flags=flags), 0.5: sq, 4.0: builder.fmul(x2, x2, flags=flags),
                         3.0: builder.fmul(x2, x, flags=flags), 2.0: x2, 1.0: x}
                masks = {c: builder.fcmp_ordered("==", a, splat(c)) for c in _HILL_EXPONENTS}
                covered = masks[_HILL_EXPONENTS[0]]
                for c in _HILL_EXPONENTS[1:]:
                    covered = builder.or_(covered, masks[c])
                all_exact = builder.icmp_unsigned("==", builder.bitcast(covered, ir.IntType(LANES)),
                                                  ir.Constant(ir.IntType(LANES), (1 << LANES) - 1))
                with builder.if_else(all_exact) as (then, otherwise):
                    with then:
                        then_block = builder.block
                    with otherwise:
                        general = builder.call(vfunc(_LIBMVEC["pow"], 2), [x, a])
                        other_block = builder.block
                r = builder.phi(vt)
                r.add_incoming(splat(0.0), then_block)
                r.add_incoming(general, other_block)
                v = r
                for c in _HILL_EXPONENTS:
                    v = builder.select(masks[c], exact[c], v)
            elif kind in _LIBMVEC:
                v = builder.call(vfunc(_LIBMVEC[kind]), [vals[op[1]]])
            else:  # pragma: no cover - to_ops emits only the kinds above
                raise ValueError(f"unknown vector op {kind!r}")
            vals.append(v)
        for i, r in outs:
            ptr = builder.gep(dy, [ir.Constant(i64, LANES * i)])
            builder.store(vals[r], builder.bitcast(ptr, pv), align=8)
        return context.get_dummy_value()

    @intrinsic
    def rhs4(typingctx, t, y, p, u, dy):
        for name, ty, ndim in (("t", t, 1), ("y", y, 2), ("p", p, 2), ("u", u, 2), ("dy", dy, 2)):
            if not (isinstance(ty, types.Array) and ty.dtype == types.float64 and ty.ndim == ndim
                    and ty.layout == "C"):
                raise TypeError(f"rhs4: {name} must be a C-contiguous float64 array with {ndim} dimensions")
        return types.void(t, y, p, u, dy), codegen

    return rhs4
