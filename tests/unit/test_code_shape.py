"""The shape issue 13 set for src/: small modules, short functions, and a reason where one is long.

A module holds one job in at most :data:`MAX_MODULE_LINES` lines (``fastrdf.py``, the hand-tuned
canonicaliser, is the one agreed exception). A function over :data:`MAX_FUNCTION_LINES` lines says
why in a ``# long:`` comment at its top, so a long function is a decision rather than an accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support import REPO

SRC = REPO / "src" / "plecak"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LARGE_BY_DECISION = {"core/jsonld/fastrdf.py"}
MODULES = sorted(SRC.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def long_functions_without_reason(source: str) -> list[str]:
    """Names of functions over the limit whose first lines carry no ``# long:`` comment."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        assert node.end_lineno is not None
        if node.end_lineno - node.lineno + 1 <= MAX_FUNCTION_LINES:
            continue
        top = "\n".join(lines[max(0, node.lineno - 4) : node.lineno + 12])
        if "# long:" not in top:
            found.append(f"{node.name} (line {node.lineno}, {node.end_lineno - node.lineno + 1} lines)")
    return found


def test_the_source_tree_is_found() -> None:
    assert len(MODULES) > 100


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_at_most_400_lines(path: Path) -> None:
    if _name(path) in LARGE_BY_DECISION:
        return
    count = len(path.read_text(encoding="utf-8").splitlines())
    assert count <= MAX_MODULE_LINES, f"{_name(path)} has {count} lines: split it by responsibility"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_every_long_function_says_why(path: Path) -> None:
    assert long_functions_without_reason(path.read_text(encoding="utf-8")) == []


def test_a_long_function_without_a_reason_is_found() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions_without_reason(f"def f():\n{body}\n") == ["f (line 1, 61 lines)"]
    reasoned = f"def f():\n    # long: a table of steps\n{body}\n"
    assert long_functions_without_reason(reasoned) == []
    short = "def g():\n    return 1\n"
    assert long_functions_without_reason(short) == []
