"""Independent peers for the issuer's interop tests, and our issuer served over https on loopback.

The Node packages (pinned in ``tests/interop/vci/package.json``: ``@openid4vc/openid4vci``,
``@sd-jwt/sd-jwt-vc``, Digital Bazaar's ``@digitalbazaar/vc``) are installed outside the repository,
in ``$PLECAK_INTEROP_VCI_CACHE`` or ``~/.cache/plecak/interop-vci``, the first time they are needed and
again whenever ``package.json`` changes. The scripts next to it (our code) play the other party and
print one JSON line; a script that reports ``"ok": false`` fails the test.

Without node/npm, or when the install fails, the tests skip locally and fail in CI (``CI`` set).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import os
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support import TESTS
from support.ports import Listener

HERE = TESTS / "interop" / "vci"
PACKAGE_JSON = HERE / "package.json"
SCRIPTS = ("wallet.mjs", "ldp_verify.mjs", "sdjwt_verify.mjs")
INSTALL_TIMEOUT = 300.0
PEER_TIMEOUT = 90.0
ADMIN_TOKEN = "interop-admin-token-not-secret"


class PeerUnavailable(RuntimeError):
    """node/npm are missing or the pinned packages could not be installed."""


def cache_dir() -> Path:
    env = os.environ.get("PLECAK_INTEROP_VCI_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "plecak" / "interop-vci"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PeerUnavailable(f"`{name}` is not on PATH")
    return path


def _copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


def ensure_installed() -> Path:
    _tool("node")
    npm = _tool("npm")
    target = cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    wanted = hashlib.sha256(PACKAGE_JSON.read_bytes()).hexdigest()
    stamp = target / ".package.sha256"
    with open(target / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = stamp.read_text().strip() if stamp.is_file() else None
            if current != wanted or not (target / "node_modules").is_dir():
                _copy_if_changed(PACKAGE_JSON, target / "package.json")
                command = [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund"]
                command += ["--ignore-scripts", "--loglevel=error"]
                try:
                    proc = subprocess.run(
                        command, cwd=target, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
                    )
                except subprocess.TimeoutExpired:
                    raise PeerUnavailable(f"npm install did not finish within {INSTALL_TIMEOUT:.0f}s") from None
                if proc.returncode != 0:
                    raise PeerUnavailable(f"npm install failed in {target}: {proc.stderr.strip()[-2000:]}")
                stamp.write_text(wanted + "\n")
            for script in SCRIPTS:
                _copy_if_changed(HERE / script, target / script)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def require_peers() -> Path:
    """The installed peers, or the end of the test: a skip on a developer machine, a failure in CI."""
    try:
        return ensure_installed()
    except PeerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"interop peers unavailable in CI: {exc}")
        pytest.skip(f"interop peers unavailable: {exc}")


async def run_peer(script: str, request: dict[str, Any], *, ca_file: Path) -> dict[str, Any]:
    """Run one peer script with ``request`` on stdin; returns its JSON answer (``ok`` is checked by
    the caller, so a test can also expect a refusal)."""
    target = require_peers()
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(ca_file), "NODE_NO_WARNINGS": "1"}
    proc = await asyncio.create_subprocess_exec(
        _tool("node"),
        str(target / script),
        cwd=target,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(json.dumps(request).encode()), PEER_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"{script} did not answer within {PEER_TIMEOUT:.0f}s") from None
    lines = [line for line in out.decode().splitlines() if line.strip()]
    assert lines, f"{script} printed nothing (exit {proc.returncode}): {err.decode()[-2000:]}"
    result: dict[str, Any] = json.loads(lines[-1])
    assert (proc.returncode == 0) == bool(result.get("ok")), (proc.returncode, result, err.decode()[-2000:])
    return result


@dataclass
class HttpsIssuer:
    url: str
    ca_file: Path
    app: Any


@asynccontextmanager
async def https_issuer(redis_url: str, work: Path, **settings: Any) -> AsyncIterator[HttpsIssuer]:
    """Our issuer app served over https on 127.0.0.1 with a fresh self-signed certificate."""
    from aiohttp import web

    from plecak.issuer.app import create_app
    from plecak.issuer.config import Settings
    from w3c.serve import make_certificate  # tests/w3c/serve.py (tests/ is on the path, as `support` is)

    cert, key = make_certificate(work)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    listener = Listener()
    port = listener.port
    url = f"https://127.0.0.1:{port}"
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "admin_token": ADMIN_TOKEN,
        "public_url": url,
        "port": port,
        "data_dir": work,
        **settings,
    }
    app = create_app(Settings(**values))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, listener.socket, ssl_context=tls).start()
        yield HttpsIssuer(url, cert, app)
    finally:
        await runner.cleanup()
