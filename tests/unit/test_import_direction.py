"""Imports flow one way (HOUSE_STYLE): model -> engine -> population -> scenario -> trial/validation/calibrate -> cli."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "pnisim"
LAYERS = ["errors", "disclaimer", "spec", "model", "engine", "data", "population", "scenario", "evidence", "io",
          "analysis", "trial", "validation", "calibrate", "io.specs", "cli"]
# Modules ranked apart from their package: the registry of spec kinds loads every kind (trial, calibrate's
# sensitivity), so it sits above them, while io's writers sit below the reports that use them.
MODULE_LAYERS = {"io/specs.py": "io.specs"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level >= 1:
            parts = path.relative_to(SRC).parts
            base = list(parts[: len(parts) - node.level])
            target = (base + node.module.split("."))[0] if base else node.module.split(".")[0]
            out.add(target)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pnisim."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("pnisim."):
                    out.add(a.name.split(".")[1])
    return out


def test_layers_import_downwards_only():
    bad = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        layer = MODULE_LAYERS.get(rel.as_posix(), rel.parts[0].removesuffix(".py"))
        if layer not in LAYERS:
            continue
        rank = LAYERS.index(layer)
        for target in _imports(path):
            if target in LAYERS and LAYERS.index(target) > rank and target != "data":
                bad.append(f"{path.relative_to(SRC)} imports {target}")
    assert not bad, bad


def test_no_eval_or_exec_in_src():
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec"}, f"{path}: {node.func.id}()"
