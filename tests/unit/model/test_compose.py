"""The declarative model layer: module checks, composition, ports, couplings, time rescaling, overrides."""

import numpy as np
import pytest
import sympy as sp

from pnisim.engine.simulate import Solver, simulate
from pnisim.errors import ModelDefinitionError, SpecError
from pnisim.model import Coupling, Module, Parameter, ParameterOverride, Port, Rate, State, compose


def decay_module(name="a", state="x", unit="h", k=1.0, ports=(), rate=None):
    return Module(
        name=name, title="test decay", citation="Test 2026", doi="10.0/test", changes="none", time_unit=unit,
        states=(State(state, "1", 1.0),),
        parameters=(Parameter("k", k, "1/h", "test", "C"),),
        ports=ports,
        equations=rate or (lambda s: [Rate(state, -s.k * getattr(s, state), "Eq. 1")]),
    )


def test_duplicate_state_names_are_refused():
    with pytest.raises(ModelDefinitionError, match="declared by both"):
        compose("m", "m", [decay_module("a"), decay_module("b")])


def test_missing_rate_is_refused():
    m = decay_module(rate=lambda s: [])
    with pytest.raises(ModelDefinitionError, match="exactly one rate per state: missing \\['x'\\]"):
        m.rates()


def test_typo_in_an_equation_names_the_known_symbols():
    m = decay_module(rate=lambda s: [Rate("x", -s.kk * s.x, "Eq. 1")])
    with pytest.raises(ModelDefinitionError, match="no state, parameter, input or port named 'kk'"):
        m.rates()


def test_bad_grade_is_refused():
    with pytest.raises(ModelDefinitionError, match="one of A, B, C, D"):
        Parameter("k", 1.0, "1/h", "test", "E")


def test_port_default_reproduces_module_alone_and_coupling_binds_it():
    driven = decay_module("b", "y", ports=(Port("drive", "1", 0.0),),
                          rate=lambda s: [Rate("y", s.drive - s.k * s.y, "Eq. 1")])
    alone = compose("alone", "alone", [driven])
    assert alone.equations[0].expr.free_symbols == {sp.Symbol("p_b__k", real=True), sp.Symbol("s_y", real=True)}
    link = Coupling("x_drives_y", "x drives y", "Test 2026", "C", {"b.drive": lambda s: s.x})
    both = compose("both", "both", [decay_module("a"), driven], [link])
    assert sp.Symbol("s_x", real=True) in both.equations[1].expr.free_symbols


def test_unknown_port_in_a_coupling_gets_did_you_mean():
    driven = decay_module("b", "y", ports=(Port("drive", "1", 0.0),),
                          rate=lambda s: [Rate("y", s.drive - s.k * s.y, "Eq. 1")])
    link = Coupling("bad", "bad", "Test 2026", "C", {"b.driv": lambda s: s.y})
    with pytest.raises(ModelDefinitionError, match="Did you mean 'b.drive'"):
        compose("m", "m", [driven], [link])


def test_module_in_days_inside_an_hours_model_is_rescaled():
    """k = 1/d in a days module equals k = 1/24 per hour: after 24 h, x = e^-1."""
    model = compose("m", "m", [decay_module(unit="d")], time_unit="h")
    ds = simulate(model, [0.0, 24.0], solver=Solver(rtol=1e-10, atol=1e-12))
    assert ds.x.values[0, -1] == pytest.approx(np.exp(-1.0), rel=1e-8)


def test_override_records_its_provenance():
    model = compose("m", "m", [decay_module()], overrides={"a.k": ParameterOverride(2.0, "refit", "B")})
    p = model.parameters[0].parameter
    assert (p.value, p.source, p.grade) == (2.0, "refit", "B")
    with pytest.raises(ModelDefinitionError, match="unknown parameters"):
        compose("m", "m", [decay_module()], overrides={"a.kk": ParameterOverride(2.0, "refit", "B")})


def test_parameter_names_resolve_qualified_plain_or_ambiguous():
    model = compose("m", "m", [decay_module("a", "x"), decay_module("b", "y")])
    assert model.resolve_parameter("a.k") == "a.k"
    with pytest.raises(SpecError, match="ambiguous.*'a.k', 'b.k'"):
        model.resolve_parameter("k")
    with pytest.raises(SpecError, match="no parameter 'a.kk'. Did you mean 'a.k'"):
        model.resolve_parameter("a.kk")


def test_spec_hash_changes_with_values_kernel_hash_does_not():
    m1 = compose("m", "m", [decay_module(k=1.0)])
    m2 = compose("m", "m", [decay_module(k=2.0)])
    assert m1.spec_hash() != m2.spec_hash()
    assert m1.kernel_hash() == m2.kernel_hash()
    m3 = compose("m", "m", [decay_module(rate=lambda s: [Rate("x", -s.k * s.x**2, "Eq. 1")])])
    assert m3.kernel_hash() != m1.kernel_hash()


def test_kernel_hash_is_the_same_in_every_process():
    """The hash is how a second run finds its compiled kernel on disk: it must not depend on anything that varies
    between processes, such as Python's per-process string-hash seed."""
    import os
    import subprocess
    import sys

    code = "from pnisim.model.library import get_model; m = get_model('core'); print(m.kernel_hash(), m.spec_hash())"
    out = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(out) == 1 and len(next(iter(out)).split()) == 2
