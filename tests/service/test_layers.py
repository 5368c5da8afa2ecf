"""The layer rules of ``make lint`` (import-linter, ``[tool.importlinter]`` in pyproject.toml) hold for
the real tree and fail for a copy of it with one forbidden import added.

Each case copies ``src/plecak`` into a temporary tree, edits one module, and runs ``lint-imports``
on the copy with the project's own configuration, the way ``make lint`` runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

ROOT = REPO
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a test dependency")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=src.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _tree_with(tmp_path: Path, module: str, line: str) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "plecak", src / "plecak", ignore=shutil.ignore_patterns("__pycache__"))
    path = src.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(path.read_text() + f"\n{line}\n")
    return src


def test_layers_hold_for_the_real_tree(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "plecak", src / "plecak", ignore=shutil.ignore_patterns("__pycache__"))
    result = _lint(src)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # the core must not know the services, the runtime or the launcher
        ("plecak.core.timeutil", "from plecak.wallet import config  # noqa", "Layers"),
        ("plecak.core.verify.credential", "import plecak.runtime.web  # noqa", "Layers"),
        # the runtime serves the services, never the other way round
        ("plecak.runtime.storage", "from plecak.issuer import store  # noqa", "Layers"),
        # the three services are independent of each other
        ("plecak.verifier.display", "from plecak.wallet import shares  # noqa", "Layers"),
        # only the launcher knows all three services; nothing imports it
        ("plecak.issuer.service", "from plecak import cli  # noqa", "Layers"),
        # no circle between sibling modules
        ("plecak.core.model.iri", "from plecak.core.model import datamodel  # noqa", "cycles"),
    ],
)
def test_lint_fails_on_a_forbidden_import(tmp_path: Path, module: str, line: str, contract: str) -> None:
    result = _lint(_tree_with(tmp_path, module, line))
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
    assert module.rsplit(".", 1)[-1] in broken
