"""Installable app: manifest, service worker at the root, offline page; strict CSP with no inline code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from plecak import wallet
from support.wallet import Servers, servers

__all__ = ["servers"]

TEMPLATES = Path(wallet.__file__).parent / "templates"
STATIC = Path(wallet.__file__).parent / "static"


async def test_manifest_and_service_worker_are_served(servers: Servers) -> None:
    session = servers.browser.session
    async with session.get(servers.wallet_url + "/manifest.webmanifest") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("application/manifest+json")
        manifest = json.loads(await resp.text())
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        async with session.get(servers.wallet_url + icon["src"]) as resp:
            assert resp.status == 200
    async with session.get(servers.wallet_url + "/sw.js") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/javascript")
        assert resp.headers["Service-Worker-Allowed"] == "/"
        worker = await resp.text()
    for url in re.findall(r'"(/(?:static|shared)/[^"]+)"', worker):  # the shell the worker caches
        async with session.get(servers.wallet_url + url) as resp:
            assert resp.status == 200, url
    assert "/s\\/" in worker or "s\\/" in worker  # share links are never cached


async def test_pages_carry_a_strict_csp_and_register_the_worker_externally(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    async with browser.session.get(servers.wallet_url + "/") as resp:
        csp = resp.headers["Content-Security-Policy"]
        text = await resp.text()
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert '<script src="/static/app.js" defer></script>' in text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in text


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    for path in [*TEMPLATES.glob("*.html"), STATIC / "offline.html"]:
        text = path.read_text()
        for script in re.findall(r"<script[^>]*>", text):
            assert "src=" in script, (path.name, script)
        assert "<style" not in text, path.name
        assert not re.search(r"\sstyle=", text), path.name
        assert not re.search(r"\son[a-z]+=", text), path.name
