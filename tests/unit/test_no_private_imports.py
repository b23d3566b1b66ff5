"""No module imports another package's private names: what crosses a package boundary is public.

A name or module starting with one underscore (``_build``, ``_did_you_mean``) may be imported only from inside its
own top-level package of pnisim (``pnisim.scenario``, ``pnisim.engine``, ...); dunder names (``__version__``)
are public.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "pnisim"


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def _package(parts: list[str]) -> str:
    """Top-level package of a dotted pnisim path ('pnisim.scenario.clock' -> 'scenario'; the root -> '')."""
    return parts[1].removesuffix(".py") if len(parts) > 1 else ""


def private_imports(path: Path, src: Path = SRC) -> list[str]:
    """'file:line: from x import y' for each private name ``path`` imports from another package."""
    rel = path.relative_to(src.parent)
    module = list(rel.with_suffix("").parts)
    package = module if module[-1] == "__init__" else module[:-1]
    package = [p for p in package if p != "__init__"]
    own = _package(module if module[-1] != "__init__" else package)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                target = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            else:
                target = node.module.split(".") if node.module else []
            if not target or target[0] != "pnisim":
                continue
            for alias in node.names:
                dotted = [*target, alias.name]
                if _package(dotted) != own and any(_private(p) for p in dotted[1:]):
                    found.append(f"{rel}:{node.lineno}: from {'.'.join(target)} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                dotted = alias.name.split(".")
                if dotted[0] == "pnisim" and _package(dotted) != own and any(_private(p) for p in dotted[1:]):
                    found.append(f"{rel}:{node.lineno}: import {alias.name}")
    return found


def test_no_module_imports_a_private_name_of_another_package():
    bad = [line for path in sorted(SRC.rglob("*.py")) for line in private_imports(path)]
    assert not bad, "import public names across packages (make the name public or move it):\n" + "\n".join(bad)


def test_the_check_sees_private_imports(tmp_path):
    """The scan flags cross-package private imports (names and modules) and lets same-package ones pass."""
    pkg = tmp_path / "pnisim"
    (pkg / "scenario").mkdir(parents=True)
    (pkg / "scenario" / "units.py").write_text(
        "from ..engine._build import default_cache_dir\nfrom ._dump import x\nfrom ..spec import _hidden\n"
        "import pnisim.engine._build\nfrom pnisim.scenario._dump import y\nfrom .. import __version__\n")
    found = private_imports(pkg / "scenario" / "units.py", pkg)
    assert found == ["pnisim/scenario/units.py:1: from pnisim.engine._build import default_cache_dir",
                     "pnisim/scenario/units.py:3: from pnisim.spec import _hidden",
                     "pnisim/scenario/units.py:4: import pnisim.engine._build"]
