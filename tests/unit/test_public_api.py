"""The curated public API: a small documented set in ``pnisim.__all__``, each name the object its home module
defines, and ``import pnisim`` light enough for a fast command line."""

import importlib
import inspect
import subprocess
import sys

import pnisim


def test_every_public_name_resolves_to_its_documented_home_object():
    for name in pnisim.__all__:
        value = getattr(pnisim, name)
        if name in pnisim._HOME:
            assert value is getattr(importlib.import_module(pnisim._HOME[name]), name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert inspect.getdoc(value), f"pnisim.{name} has no docstring"
    assert sorted(dir(pnisim)) == sorted(pnisim.__all__)


def test_unknown_names_raise_attribute_error():
    try:
        pnisim.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("pnisim.no_such_thing resolved")


def test_import_pnisim_loads_no_numerical_stack():
    code = ("import sys, pnisim; heavy = [m for m in ('numpy', 'numba', 'sympy', 'xarray', 'scipy', 'pydantic') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_the_disclaimer_is_defined_once():
    from pnisim.disclaimer import DISCLAIMER

    assert pnisim.DISCLAIMER is DISCLAIMER and DISCLAIMER == "Research use only, not medical advice."


def test_every_exception_lives_in_errors_under_one_base():
    import ast
    from pathlib import Path

    from pnisim import errors

    src = Path(pnisim.__file__).parent
    for path in src.rglob("*.py"):
        if path.name == "errors.py" and path.parent == src:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b).split(".")[-1] for b in node.bases}
                assert not any(b.endswith(("Error", "Exception", "Warning")) for b in bases), \
                    f"{path.relative_to(src)}: exception class {node.name} outside errors.py"
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.PnisimError), name
