"""The house rules a newcomer relies on, checked so they stay true: small modules by job, short
functions (a longer one says why in a comment), imports at module top, stages that never import
each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted((REPO / "src").rglob("*.py"))
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
WHY = "# long:"  # a comment on the line above a longer function says why it is kept whole


def _functions(path: Path):
    tree = ast.parse(path.read_text())
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO / "src")))
def test_module_is_small_and_its_functions_short(path):
    lines = path.read_text().splitlines()
    assert len(lines) <= MAX_MODULE_LINES, f"{path}: {len(lines)} lines"
    for fn in _functions(path):
        length = fn.end_lineno - fn.lineno + 1
        first = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
        explained = first >= 2 and lines[first - 2].strip().startswith(WHY)
        assert length <= MAX_FUNCTION_LINES or explained, f"{path}:{fn.lineno} {fn.name}: {length}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO / "src")))
def test_imports_sit_at_module_top(path):
    """An import inside a function hides a dependency; the one exception says why."""
    for fn in _functions(path):
        for node in ast.walk(fn):
            if isinstance(node, ast.Import | ast.ImportFrom):
                line = path.read_text().splitlines()[node.lineno - 1]
                assert "# lazy:" in line, f"{path}:{node.lineno}: import inside {fn.name}"


def test_stages_never_import_each_other():
    stages = {p.stem for p in (REPO / "src/forecastops/stages").glob("*.py")} - {"__init__"}
    for name in stages:
        tree = ast.parse((REPO / f"src/forecastops/stages/{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "forecastops.stages"
            ):
                raise AssertionError(f"stages/{name}.py imports {node.module}")
