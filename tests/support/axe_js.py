"""axe-core (Deque's WCAG rules engine, npm) for the accessibility tests in tests/browser/.

The package, pinned in ``tests/axe/package.json``, is installed outside the repository in
``$PLECAK_AXE_CACHE`` or ``~/.cache/plecak/axe`` the first time it is needed and again when
``package.json`` changes, the same way :mod:`reference_js` installs the JS reference verifier.
:func:`require_axe` returns the path of ``axe.min.js``; without npm (or if the install fails)
it skips the test on a developer's machine and fails it in CI.
"""

from __future__ import annotations

from pathlib import Path

from support import TESTS
from support.npm_peer import NpmPeer, NpmUnavailable

__all__ = ["AxeUnavailable", "axe_script", "cache_dir", "require_axe"]

SCRIPT = Path("node_modules") / "axe-core" / "axe.min.js"


class AxeUnavailable(NpmUnavailable):
    """axe-core cannot be installed here (no npm, or the install failed)."""


PEER = NpmPeer(
    name="axe",
    label="axe-core",
    package_dir=TESTS / "axe",
    cache_env="PLECAK_AXE_CACHE",
    installed_file=str(SCRIPT),
    needs_node=False,
    install_timeout=180.0,
    unavailable=AxeUnavailable,
)


def cache_dir() -> Path:
    return PEER.cache_dir()


def axe_script() -> Path:
    """``axe.min.js`` matching ``tests/axe/package.json``, installed with npm if needed."""
    return PEER.ensure_installed() / SCRIPT


def require_axe() -> Path:
    """``axe.min.js``, or end the test: a skip on a developer's machine, a failure in CI."""
    return PEER.require() / SCRIPT
