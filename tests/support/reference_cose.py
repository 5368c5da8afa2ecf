"""Run an independent COSE implementation (Auth0's ``@auth0/cose`` for Node, pinned in
``tests/reference_cose/package.json``) against our ``vc+cose`` credentials.

Installed outside the repository, in ``$PLECAK_COSE_CACHE`` or ``~/.cache/plecak/cose-peer``, the
first time it is needed and again when ``package.json`` changes (:class:`support.npm_peer.NpmPeer`).
Without ``node``/``npm`` the tests skip on a developer machine and fail in CI.
"""

from __future__ import annotations

from typing import Any

from support import TESTS
from support.npm_peer import NpmPeer
from support.reference_js import ReferenceUnavailable

__all__ = ["cose_peer", "require_cose_peer"]

RUN_TIMEOUT = 60.0

PEER = NpmPeer(
    name="cose-peer",
    label="the COSE peer (@auth0/cose)",
    package_dir=TESTS / "reference_cose",
    cache_env="PLECAK_COSE_CACHE",
    scripts=("cose.mjs",),
    install_timeout=180.0,
    unavailable=ReferenceUnavailable,
)


def require_cose_peer() -> None:
    """Install the peer or end the test: a skip on a developer machine, a failure in CI."""
    PEER.require()


def cose_peer(request: dict[str, Any]) -> dict[str, Any]:
    """One request to ``cose.mjs`` (see its header), its JSON answer."""
    answer = PEER.run_script("cose.mjs", request, RUN_TIMEOUT)
    if answer.returncode != 0:
        raise RuntimeError(f"the COSE peer failed (exit {answer.returncode}): {answer.stderr}")
    return answer.json
