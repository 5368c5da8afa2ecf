"""Independent peers for the issuer's interop tests, and our issuer served over https on loopback.

The Node packages (pinned in ``tests/interop/vci/package.json``: ``@openid4vc/openid4vci``,
``@sd-jwt/sd-jwt-vc``, Digital Bazaar's ``@digitalbazaar/vc``) are installed outside the repository,
in ``$PLECAK_INTEROP_VCI_CACHE`` or ``~/.cache/plecak/interop-vci``, the first time they are needed and
again whenever ``package.json`` changes. The scripts next to it (our code) play the other party and
print one JSON line; a script that reports ``"ok": false`` fails the test.

Without node/npm, or when the install fails, the tests skip locally and fail in CI (``CI`` set).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support import TESTS
from support.npm_peer import NpmPeer, NpmUnavailable
from support.ports import Listener

PEER_TIMEOUT = 90.0
ADMIN_TOKEN = "interop-admin-token-not-secret"


class PeerUnavailable(NpmUnavailable):
    """node/npm are missing or the pinned packages could not be installed."""


PEER = NpmPeer(
    name="interop-vci",
    label="the interop peers",
    package_dir=TESTS / "interop" / "vci",
    cache_env="PLECAK_INTEROP_VCI_CACHE",
    scripts=("wallet.mjs", "ldp_verify.mjs", "sdjwt_verify.mjs"),
    unavailable=PeerUnavailable,
    failure=AssertionError,
)


def cache_dir() -> Path:
    return PEER.cache_dir()


def ensure_installed() -> Path:
    return PEER.ensure_installed()


def require_peers() -> Path:
    """The installed peers, or the end of the test: a skip on a developer machine, a failure in CI."""
    return PEER.require()


async def run_peer(script: str, request: dict[str, Any], *, ca_file: Path) -> dict[str, Any]:
    """Run one peer script with ``request`` on stdin; returns its JSON answer (``ok`` is checked by
    the caller, so a test can also expect a refusal)."""
    env = {"NODE_EXTRA_CA_CERTS": str(ca_file), "NODE_NO_WARNINGS": "1"}
    answer = await PEER.run_script_async(script, request, PEER_TIMEOUT, env=env)
    assert (answer.returncode == 0) == bool(answer.json.get("ok")), (answer.returncode, answer.json, answer.stderr)
    return answer.json


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
