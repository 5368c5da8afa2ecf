"""The test suite's own rules: helpers are shared through tests/support, never by one test module
importing another, and the unit tests ask for no server and no Redis (so `make test-unit` stays fast)."""

from __future__ import annotations

import ast
from pathlib import Path

from support import TESTS

SERVER_OR_REDIS_FIXTURES = {
    "redis_url",
    "redis_client",
    "redis_server_url",
    "second_redis_url",
    "aiohttp_client",
    "aiohttp_server",
    "aiohttp_raw_server",
    "servers",
    "stack",
}


def _python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "node_modules" not in p.parts)


def _imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def _is_test_module(name: str) -> bool:
    """A test module or a conftest, as imported from tests/ (``test_x``, ``conftest``, ``interop.test_x``)."""
    first = name.split(".", 1)[0]
    return first.startswith("test_") or first == "conftest" or first in ("unit", "service", "browser", "interop")


def test_the_rule_tells_test_modules_from_libraries() -> None:
    assert _is_test_module("test_wallet_share")
    assert _is_test_module("conftest")
    assert _is_test_module("interop.test_vci_interop")
    assert not _is_test_module("aiohttp.test_utils")
    assert not _is_test_module("support.wallet")


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    offenders = [
        f"{path.relative_to(TESTS)} imports {name}"
        for path in _python_files()
        for name in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if _is_test_module(name)
    ]
    assert offenders == []


def test_unit_tests_ask_for_no_server_and_no_redis() -> None:
    offenders = []
    for path in sorted((TESTS / "unit").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                wanted = {arg.arg for arg in node.args.args + node.args.kwonlyargs}
                offenders += [f"{path.name}::{node.name} uses {name}" for name in wanted & SERVER_OR_REDIS_FIXTURES]
    assert offenders == []


def test_the_layout_check_sees_the_suite() -> None:
    """The two checks above walk real files: the unit directory and the support package are there."""
    assert (TESTS / "unit" / Path(__file__).name).is_file()
    assert (TESTS / "support" / "__init__.py").is_file()
    assert len(list((TESTS / "unit").glob("test_*.py"))) > 10
