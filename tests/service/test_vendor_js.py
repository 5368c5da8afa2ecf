"""Our copy of jsQR (the browser's camera QR reader) is the pinned npm release, served by the
wallet and the verifier from our own files under the strict CSP (no eval)."""

from __future__ import annotations

import hashlib

from aiohttp.test_utils import TestClient

from plecak.runtime.qr import JS_DECODER, VENDOR_DIR
from support import REPO
from support.verifier import Stack
from support.verifier_pages import share, stack
from support.wallet import Servers, servers

__all__ = ["servers", "share", "stack"]

JSQR_SHA256 = "bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859"  # npm jsqr 1.4.0


def test_vendored_jsqr_is_the_pinned_release_with_its_licence() -> None:
    code = (VENDOR_DIR / JS_DECODER).read_bytes()
    assert hashlib.sha256(code).hexdigest() == JSQR_SHA256
    assert b"eval(" not in code
    assert b"new Function" not in code
    assert "Apache License" in (VENDOR_DIR / "jsQR-LICENSE.txt").read_text()
    makefile = (REPO / "Makefile").read_text()
    assert f"JSQR_SHA256 := {JSQR_SHA256}" in makefile


async def test_wallet_serves_jsqr_and_loads_it_before_its_scan_script(servers: Servers) -> None:
    expected = (VENDOR_DIR / JS_DECODER).read_bytes()
    async with servers.browser.session.get(f"{servers.wallet_url}/vendor/{JS_DECODER}") as resp:
        assert resp.status == 200
        assert await resp.read() == expected
        assert "javascript" in resp.headers["Content-Type"]
    await servers.browser.sign_up()
    _, scan = await servers.browser.get("/scan")
    assert scan.index(f'src="/vendor/{JS_DECODER}"') < scan.index('src="/static/scan.js"')


async def test_verifier_serves_jsqr_and_loads_it_before_its_scan_script(stack: Stack) -> None:
    verifier: TestClient = stack.verifier  # type: ignore[type-arg]
    resp = await verifier.get(f"/vendor/{JS_DECODER}")
    assert resp.status == 200
    assert await resp.read() == (VENDOR_DIR / JS_DECODER).read_bytes()
    home = await (await verifier.get("/")).text()
    assert home.index(f'src="/vendor/{JS_DECODER}"') < home.index('src="/static/scan.js"')
