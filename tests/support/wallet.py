"""Shared set-up for the wallet tests (no tests here): real issuer and wallet servers, a form-filling browser.

Every server listens on a real loopback port with a real Redis; the wallet reaches the issuer
over plain http because the issuer's host:port is in its ``insecure_hosts``.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from plecak.core.crypto.secretbox import SecretBox
from plecak.issuer.app import create_app as create_issuer
from plecak.wallet.accounts import AccountService
from plecak.wallet.app import create_app as create_wallet
from plecak.wallet.config import Settings as WalletSettings
from plecak.wallet.store import WalletStore
from plecak.wallet.vault import Vault
from support.issuer import AUTH, achievement, issuer_settings, profile
from support.ports import Listener

__all__ = [
    "PASSWORD",
    "VERIFIER_URL",
    "Browser",
    "Issuer",
    "Servers",
    "servers",
    "wallet_settings",
]

PASSWORD = "correct horse battery staple"
VERIFIER_URL = "https://verifier.example"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def wallet_settings(redis_url: str, data_dir: Path, port: int, **overrides: Any) -> WalletSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "public_url": f"http://127.0.0.1:{port}",
        "redis_url": redis_url,
        "data_dir": data_dir,
        "password_time_cost": 1,
        "password_memory_kib": 1024,
        "status_cache_seconds": 0,
        "backup_time_cost": 1,
        "backup_memory_kib": 1024,
        "http_timeout": 5.0,
    }
    values.update(overrides)
    return WalletSettings(**values)


def account_service(redis_client: Redis, **overrides: Any) -> AccountService:
    """The wallet's account service on ``redis_client`` with cheap hashing and a fresh vault key;
    sign-in limits of 5 failures an address and 30 a client address in 15 minutes unless overridden."""
    values: dict[str, Any] = {
        "session_seconds": 3600,
        "anonymous_session_seconds": 600,
        "time_cost": 1,
        "memory_kib": 1024,
        "window_seconds": 900,
        "per_email": 5,
        "per_ip": 30,
    }
    values.update(overrides)
    return AccountService(WalletStore(redis_client), Vault(SecretBox(secrets.token_bytes(32))), **values)


class Browser:
    """A person with a browser: keeps cookies, reads the CSRF token from each page, fills forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf: str | None = None
        self.last_url = ""

    async def close(self) -> None:
        await self.session.close()

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    async def get(self, path: str, **kw: Any) -> tuple[int, str]:
        async with self.session.get(self._url(path), **kw) as resp:
            text = await resp.text()
            self.last_url = str(resp.url)
            self._remember(text)
            return resp.status, text

    def _remember(self, text: str) -> None:
        found = _CSRF.search(text)
        if found:
            self.csrf = html.unescape(found.group(1))

    async def post(
        self, path: str, data: Mapping[str, Any] | aiohttp.FormData | None = None, *, csrf: bool = True
    ) -> tuple[int, str]:
        if self.csrf is None and csrf:
            await self.get("/signin")
        if isinstance(data, aiohttp.FormData):
            form = data
            if csrf:
                form.add_field("csrf", self.csrf or "")
        else:
            form = aiohttp.FormData({**(data or {}), **({"csrf": self.csrf} if csrf else {})})
        async with self.session.post(self._url(path), data=form) as resp:
            text = await resp.text()
            self.last_url = str(resp.url)
            self._remember(text)
            return resp.status, text

    async def sign_up(self, email: str = "anna@example.org", password: str = PASSWORD) -> str:
        await self.get("/signup")
        status, text = await self.post(
            "/signup", {"email": email, "password": password, "password_again": password}
        )
        assert status == 200, text
        found = re.search(r"(did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+)", text)
        assert found, text
        return found.group(1)


@dataclass
class Issuer:
    url: str
    client: aiohttp.ClientSession
    achievement_uuid: str

    async def offer(self, **body: Any) -> dict[str, Any]:
        payload = {"learner": {"name": "Anna Nowak"}, **body}
        async with self.client.post(
            f"{self.url}/api/achievements/{self.achievement_uuid}/offers", json=payload, headers=AUTH
        ) as resp:
            assert resp.status == 201, await resp.text()
            result: dict[str, Any] = await resp.json()
            return result

    async def add_achievement(self, data: dict[str, Any]) -> str:
        async with self.client.post(f"{self.url}/api/achievements", json=data, headers=AUTH) as resp:
            assert resp.status == 201, await resp.text()
            uuid: str = (await resp.json())["uuid"]
            return uuid

    async def issue(
        self,
        did: str | None = None,
        name: str = "Anna Nowak",
        achievement_uuid: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``options``: the issuing options, e.g. ``{"format": "vc+cose"}``."""
        learner: dict[str, Any] = {"name": name}
        if did:
            learner["did"] = did
        async with self.client.post(
            f"{self.url}/api/achievements/{achievement_uuid or self.achievement_uuid}/credentials",
            json={"learner": learner, "grade": "4.5", **({"options": options} if options else {})},
            headers=AUTH,
        ) as resp:
            assert resp.status == 201, await resp.text()
            result: dict[str, Any] = (await resp.json())["verifiableCredential"]
            return result

    async def set_status(self, credential_id: str, purpose: str, value: bool) -> None:
        async with self.client.post(
            f"{self.url}/credentials/status",
            json={
                "credentialId": credential_id,
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
                "status": value,
            },
            headers=AUTH,
        ) as resp:
            assert resp.status == 200, await resp.text()


@dataclass
class Servers:
    issuer: Issuer
    wallet_url: str
    browser: Browser
    redis_url: str
    data_dir: Path
    issuer_server: TestServer
    wallet_server: TestServer
    spare: Listener
    """A held loopback port the wallet may reach over plain http (for a verifier started by a test:
    ``servers.spare.server(app)``)."""

    @property
    def spare_port(self) -> int:
        return self.spare.port


@pytest.fixture
async def servers(redis_url: str, tmp_path: Path) -> AsyncIterator[Servers]:
    """A real issuer (with a profile and one achievement) and a real wallet that trusts it over http."""
    issuer_at, wallet_at, spare = Listener(), Listener(), Listener()
    issuer_url, wallet_url = issuer_at.url, wallet_at.url
    issuer_app = create_issuer(
        issuer_settings(redis_url, tmp_path / "issuer", public_url=issuer_url, wallet_url=wallet_url)
    )
    wallet_app = create_wallet(
        wallet_settings(
            redis_url,
            tmp_path / "wallet",
            wallet_at.port,
            issuer_url=issuer_url,
            verifier_url=VERIFIER_URL,
            insecure_hosts=frozenset({issuer_at.netloc, spare.netloc}),
        )
    )
    issuer_server = issuer_at.server(issuer_app)
    wallet_server = wallet_at.server(wallet_app)
    await issuer_server.start_server()
    await wallet_server.start_server()
    client = aiohttp.ClientSession()
    browser = Browser(wallet_url)
    try:
        async with client.put(f"{issuer_url}/api/issuer/profile", json=profile(), headers=AUTH) as resp:
            assert resp.status == 200
        async with client.post(f"{issuer_url}/api/achievements", json=achievement(0), headers=AUTH) as resp:
            assert resp.status == 201
            uuid = (await resp.json())["uuid"]
        yield Servers(
            Issuer(issuer_url, client, uuid),
            wallet_url,
            browser,
            redis_url,
            tmp_path,
            issuer_server,
            wallet_server,
            spare,
        )
    finally:
        await browser.close()
        await client.close()
        await wallet_server.close()
        await issuer_server.close()
        spare.close()  # a test's server on it has closed it already; closing twice is harmless
