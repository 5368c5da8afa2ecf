"""Wallet backup: export, import, and a second wallet to import into."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from plecak.wallet.app import create_app
from support.ports import Listener
from support.wallet import Browser, Servers, wallet_settings

PASSPHRASE = "a backup passphrase"


@pytest.fixture
async def second_wallet(servers: Servers, tmp_path: Path, second_redis_url: str) -> AsyncIterator[Browser]:
    """Another wallet instance: its own Redis database and its own key-encryption key."""
    port_listener = Listener()
    port = port_listener.port
    issuer_host = servers.issuer.url.removeprefix("http://")
    app = create_app(
        wallet_settings(
            second_redis_url,
            tmp_path / "second",
            port,
            insecure_hosts=frozenset({issuer_host}),
        )
    )
    server = port_listener.server(app)
    await server.start_server()
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        yield browser
    finally:
        await browser.close()
        await server.close()


async def export_backup(
    browser: Browser, passphrase: str = PASSPHRASE, again: str | None = None
) -> tuple[int, bytes]:
    await browser.get("/backup")
    form = {"passphrase": passphrase, "passphrase_again": passphrase if again is None else again}
    async with browser.session.post(
        browser.base + "/backup/export", data={**form, "csrf": browser.csrf or ""}
    ) as resp:
        return resp.status, await resp.read()


async def import_backup(browser: Browser, data: bytes, passphrase: str = PASSPHRASE) -> tuple[int, str]:
    await browser.get("/backup")
    form = aiohttp.FormData()
    form.add_field("passphrase", passphrase)
    form.add_field("file", data, filename="backup.json", content_type="application/json")
    return await browser.post("/backup/import", form)


def credential_titles(text: str) -> list[str]:
    return re.findall(r'class="card-title">([^<]+)<', text)
