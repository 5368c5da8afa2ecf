"""axe-core (Deque's WCAG rules engine, npm) for the accessibility tests in tests/browser/.

The package, pinned in ``tests/axe/package.json``, is installed outside the repository in
``$PLECAK_AXE_CACHE`` or ``~/.cache/plecak/axe`` the first time it is needed and again when
``package.json`` changes, the same way :mod:`reference_js` installs the JS reference verifier.
:func:`require_axe` returns the path of ``axe.min.js``; without npm (or if the install fails)
it skips the test on a developer's machine and fails it in CI.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from support import TESTS

__all__ = ["AxeUnavailable", "axe_script", "cache_dir", "require_axe"]

PACKAGE_JSON = TESTS / "axe" / "package.json"
INSTALL_TIMEOUT = 180.0


class AxeUnavailable(RuntimeError):
    """axe-core cannot be installed here (no npm, or the install failed)."""


def cache_dir() -> Path:
    env = os.environ.get("PLECAK_AXE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "plecak" / "axe"


def axe_script() -> Path:
    """``axe.min.js`` matching ``tests/axe/package.json``, installed with npm if needed."""
    target = cache_dir()
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    wanted = hashlib.sha256(PACKAGE_JSON.read_bytes()).hexdigest()
    stamp = target / ".package.sha256"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = stamp.read_text().strip() if stamp.is_file() else None
        if current == wanted and script.is_file():
            return script
        npm = shutil.which("npm")
        if npm is None:
            raise AxeUnavailable("`npm` is not on PATH; the accessibility tests install axe-core with it")
        (target / "package.json").write_bytes(PACKAGE_JSON.read_bytes())
        command = [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--ignore-scripts"]
        try:
            proc = subprocess.run(
                [*command, "--loglevel=error"],
                cwd=target,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise AxeUnavailable(f"npm install did not finish within {INSTALL_TIMEOUT:.0f}s") from None
        if proc.returncode != 0 or not script.is_file():
            raise AxeUnavailable(f"npm install failed in {target}: {proc.stderr.strip()[-2000:]}")
        stamp.write_text(wanted + "\n")
    return script


def require_axe() -> Path:
    """``axe.min.js``, or end the test: a skip on a developer's machine, a failure in CI."""
    import pytest

    try:
        return axe_script()
    except AxeUnavailable as exc:
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"axe-core unavailable in CI: {exc}")
        pytest.skip(f"axe-core unavailable: {exc}")
