"""dvc.yaml's code deps are exactly the modules each stage imports, so a changed module reruns the
stages that use it and no others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from forecastops.cli import COMMANDS

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
OWN = ("forecastops", "forecastops_synth")


def module_file(name: str) -> Path | None:
    base = SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported(path: Path, package: str) -> set[str]:
    """Own modules a file imports (``from a import b`` counts ``a.b`` when b is a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n.split(".")[0] in OWN and module_file(n)}


def closure(module: str) -> set[str]:
    """Source files (repo-relative) of ``module`` and everything it imports, transitively, with what
    its packages' ``__init__`` files import (Python runs them first). Those files hold only a
    docstring, or in forecastops' own the NumPy kernel pin (checked below), and are left out."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += imported(module_file(name), name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
    files = {module_file(n) for n in seen}
    return {f.relative_to(REPO).as_posix() for f in files if f.name != "__init__.py"}


def stage_code_deps() -> dict[str, tuple[set[str], set[str]]]:
    """Per stage: (declared src/ deps, import closure of the command it runs)."""
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    out = {}
    for name, stage in stages.items():
        stage = stage.get("do", stage)
        command = stage["cmd"].split()[1]
        declared = {d for d in stage.get("deps", []) if d.startswith("src/")}
        out[name] = (declared, closure(COMMANDS[command][0]))
    return out


@pytest.mark.parametrize("stage", sorted(stage_code_deps()))
def test_stage_code_deps_are_its_import_closure(stage):
    declared, needed = stage_code_deps()[stage]
    assert declared == needed, (
        f"dvc.yaml stage {stage}: missing {sorted(needed - declared)}, "
        f"not imported {sorted(declared - needed)}"
    )


def test_package_inits_hold_no_code():
    """Only forecastops' own ``__init__`` imports one module: the NumPy kernel pin, which must run
    before anything loads NumPy (``forecastops.numpy_kernels``)."""
    root = SRC / "forecastops" / "__init__.py"
    for init in SRC.rglob("__init__.py"):
        body = [n for n in ast.parse(init.read_text()).body if not isinstance(n, ast.Expr)]
        if init == root:
            assert len(body) == 1 and isinstance(body[0], ast.ImportFrom), ast.dump(body[0])
            assert [(body[0].module, a.name) for a in body[0].names] == [
                ("forecastops", "numpy_kernels")
            ]
        else:
            assert not body, f"{init}: code in a package __init__"
