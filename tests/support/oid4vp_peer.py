"""Run the third-party OpenID4VP peer (``tests/interop/oid4vp_peer/*.mjs``) against our services.

The peer is the OpenWallet Foundation's oid4vc-ts (``@openid4vc/openid4vp``, ``dcql``; exact versions
pinned in ``oid4vp_peer/package.json``), installed outside the repository in
``$PLECAK_OID4VP_PEER_CACHE`` or ``~/.cache/plecak/oid4vp-peer`` the first time it is needed and again
whenever ``package.json`` changes. The scripts run with ``asyncio`` subprocesses, so the servers
under test keep answering in the same event loop while the peer talks to them.

If ``node``/``npm`` is missing or the install fails, :class:`PeerUnavailable` is raised: the tests
fail in CI (``CI=true``) and skip, with the reason, elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from support import TESTS
from support.npm_peer import NpmPeer, NpmUnavailable, in_ci

__all__ = ["PeerError", "PeerUnavailable", "cache_dir", "ensure_installed", "in_ci", "run_peer", "start_peer"]


class PeerUnavailable(NpmUnavailable):
    """The peer cannot run here (no node/npm, or the install failed)."""


class PeerError(AssertionError):
    """The peer library reported an error: the interop test fails."""


PEER = NpmPeer(
    name="oid4vp-peer",
    label="the OpenID4VP peer",
    package_dir=TESTS / "interop" / "oid4vp_peer",
    cache_env="PLECAK_OID4VP_PEER_CACHE",
    scripts=("wallet.mjs", "verifier.mjs"),
    unavailable=PeerUnavailable,
    failure=PeerError,
)


def cache_dir() -> Path:
    return PEER.cache_dir()


def ensure_installed() -> Path:
    """The cache directory with ``node_modules`` matching ``package.json`` and the scripts."""
    return PEER.ensure_installed()


def installed_or_skip() -> Path:
    return PEER.require()


async def run_peer(
    script: str, *args: str, env: Mapping[str, str] | None = None, seconds: float = 90.0
) -> dict[str, Any]:
    """Run one peer script; its JSON result. Raises :class:`PeerError` if the library reported an error."""
    answer = await PEER.run_script_async(script, None, seconds, args=args, env=env)
    if answer.returncode != 0 or not answer.json.get("ok"):
        raise PeerError(f"{script} {' '.join(args[:1])} failed: {answer.json} {answer.stderr}")
    return answer.json


async def start_peer(script: str, *args: str, env: Mapping[str, str] | None = None) -> asyncio.subprocess.Process:
    """Start a long-running peer script (a server); the caller reads its stdout and stops it."""
    return await PEER.start(script, *args, env=env)
