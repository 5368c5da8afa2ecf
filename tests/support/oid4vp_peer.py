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
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from support import TESTS

PEER_DIR = TESTS / "interop" / "oid4vp_peer"
PACKAGE_JSON = PEER_DIR / "package.json"
SCRIPTS = ("wallet.mjs", "verifier.mjs")
INSTALL_TIMEOUT = 300.0


class PeerUnavailable(RuntimeError):
    """The peer cannot run here (no node/npm, or the install failed)."""


class PeerError(AssertionError):
    """The peer library reported an error: the interop test fails."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def cache_dir() -> Path:
    env = os.environ.get("PLECAK_OID4VP_PEER_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "plecak" / "oid4vp-peer"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PeerUnavailable(f"`{name}` is not on PATH; the OpenID4VP peer needs Node.js and npm")
    return path


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


def ensure_installed() -> Path:
    """The cache directory with ``node_modules`` matching ``package.json`` and the scripts."""
    _tool("node")
    npm = _tool("npm")
    target = cache_dir()
    wanted = hashlib.sha256(PACKAGE_JSON.read_bytes()).hexdigest()
    stamp = target / ".package.sha256"
    with _locked(target):
        current = stamp.read_text().strip() if stamp.is_file() else None
        if current != wanted or not (target / "node_modules").is_dir():
            _copy_if_changed(PACKAGE_JSON, target / "package.json")
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
                raise PeerUnavailable(f"npm install did not finish within {INSTALL_TIMEOUT:.0f}s") from None
            if proc.returncode != 0:
                raise PeerUnavailable(f"npm install failed in {target}: {proc.stderr.strip()[-2000:]}")
            stamp.write_text(wanted + "\n")
        for script in SCRIPTS:
            _copy_if_changed(PEER_DIR / script, target / script)
    return target


def installed_or_skip() -> Path:
    try:
        return ensure_installed()
    except PeerUnavailable as exc:
        if in_ci():
            pytest.fail(f"the OpenID4VP peer must run in CI: {exc}")
        pytest.skip(str(exc))


async def run_peer(
    script: str, *args: str, env: Mapping[str, str] | None = None, seconds: float = 90.0
) -> dict[str, Any]:
    """Run one peer script; its JSON result. Raises :class:`PeerError` if the library reported an error."""
    target = installed_or_skip()
    proc = await asyncio.create_subprocess_exec(
        _tool("node"),
        str(target / script),
        *args,
        cwd=target,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), seconds)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise PeerError(f"{script} did not finish within {seconds:.0f}s") from None
    lines = out.decode().strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except ValueError:
        result = {}
    if proc.returncode != 0 or not result.get("ok"):
        raise PeerError(
            f"{script} {' '.join(args[:1])} failed: {result or out.decode()[-2000:]} {err.decode()[-2000:]}"
        )
    return result


async def start_peer(script: str, *args: str, env: Mapping[str, str] | None = None) -> asyncio.subprocess.Process:
    """Start a long-running peer script (a server); the caller reads its stdout and stops it."""
    target = installed_or_skip()
    return await asyncio.create_subprocess_exec(
        _tool("node"),
        str(target / script),
        *args,
        cwd=target,
        env={**os.environ, **(env or {})},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
