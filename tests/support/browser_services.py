"""Pieces shared by the browser tests' set-ups: the wallet's and verifier's settings for loopback
services, the issuer's first requests, the verifier trusting the issuer, and a learner signing up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp

from plecak.issuer.app import create_app as create_issuer
from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.config import Settings as VerifierSettings
from plecak.wallet.app import create_app as create_wallet
from plecak.wallet.config import Settings as WalletSettings
from support.issuer import AUTH, TOKEN, issuer_settings, profile
from support.ports import Listener


@dataclass
class OneCourseSystem:
    """Running services with one course (achievement) at the issuer, and the admin's HTTP session."""

    issuer_url: str
    wallet_url: str
    verifier_url: str
    achievement_uuid: str
    admin: aiohttp.ClientSession

    async def revoke(self, credential_id: str) -> None:
        async with self.admin.post(
            f"{self.issuer_url}/credentials/status",
            json={
                "credentialId": credential_id,
                "credentialStatus": {"statusPurpose": "revocation"},
                "status": True,
            },
            headers=AUTH,
        ) as resp:
            assert resp.status == 200, await resp.text()


def browser_wallet_settings(
    redis_url: str, data_dir: Path, port: int, public_url: str, **overrides: Any
) -> WalletSettings:
    """A wallet whose password hashing is cheap and whose status checks are never cached."""
    values: dict[str, Any] = {
        "port": port,
        "public_url": public_url,
        "redis_url": redis_url,
        "data_dir": data_dir,
        "password_time_cost": 1,
        "password_memory_kib": 8 * 1024,
        "status_cache_seconds": 0,
    }
    values.update(overrides)
    return WalletSettings(**values)


def browser_verifier_settings(
    redis_url: str, data_dir: Path, port: int, public_url: str, **overrides: Any
) -> VerifierSettings:
    values: dict[str, Any] = {
        "admin_token": TOKEN,
        "port": port,
        "public_url": public_url,
        "redis_url": redis_url,
        "data_dir": data_dir,
    }
    values.update(overrides)
    return VerifierSettings(**values)


@asynccontextmanager
async def running_services(
    redis_url: str, tmp_path: Path, **verifier_overrides: Any
) -> AsyncIterator[tuple[str, str, str]]:
    """An issuer, a wallet and a verifier on loopback, each allowing the others over plain HTTP:
    their URLs while they run; closed afterwards, the verifier first."""
    listeners = [Listener() for _ in range(3)]
    ports = [listener.port for listener in listeners]
    issuer_url, wallet_url, verifier_url = (f"http://127.0.0.1:{p}" for p in ports)
    hosts = frozenset(f"127.0.0.1:{p}" for p in ports)
    servers = [
        listeners[0].server(
            create_issuer(
                issuer_settings(redis_url, tmp_path / "issuer", public_url=issuer_url, wallet_url=wallet_url)
            )
        ),
        listeners[1].server(
            create_wallet(
                browser_wallet_settings(
                    redis_url,
                    tmp_path / "wallet",
                    ports[1],
                    wallet_url,
                    issuer_url=issuer_url,
                    verifier_url=verifier_url,
                    insecure_hosts=hosts,
                )
            )
        ),
        listeners[2].server(
            create_verifier(
                browser_verifier_settings(
                    redis_url, tmp_path / "verifier", ports[2], verifier_url, insecure_hosts=hosts, **verifier_overrides
                )
            )
        ),
    ]
    for server in servers:
        await server.start_server()
    try:
        yield issuer_url, wallet_url, verifier_url
    finally:
        for server in reversed(servers):
            await server.close()


async def put_profile(admin: aiohttp.ClientSession, issuer_url: str) -> None:
    async with admin.put(f"{issuer_url}/api/issuer/profile", json=profile(), headers=AUTH) as resp:
        assert resp.status == 200


async def add_achievement(admin: aiohttp.ClientSession, issuer_url: str, body: dict[str, Any]) -> dict[str, Any]:
    """Creates an achievement; returns the issuer's record of it (``uuid``, ``id`` …)."""
    async with admin.post(f"{issuer_url}/api/achievements", json=body, headers=AUTH) as resp:
        assert resp.status == 201, await resp.text()
        record: dict[str, Any] = await resp.json()
        return record


async def make_offer(admin: aiohttp.ClientSession, issuer_url: str, uuid: str, **extra: Any) -> dict[str, Any]:
    """The issuer's offer of course ``uuid`` (grade 4.5) to Zofia Mazur, with ``extra`` request fields."""
    async with admin.post(
        f"{issuer_url}/api/achievements/{uuid}/offers",
        json={"learner": {"name": "Zofia Mazur"}, "grade": "4.5", **extra},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        result: dict[str, Any] = await resp.json()
        return result


async def issuer_did(admin: aiohttp.ClientSession, issuer_url: str) -> str:
    async with admin.get(f"{issuer_url}/.well-known/did.json") as resp:
        did: str = (await resp.json())["id"]
        return did


async def trust_issuer(admin: aiohttp.ClientSession, verifier_url: str, did: str) -> None:
    """The verifier's administrator adds the demo university to the trusted issuers."""
    async with admin.put(
        f"{verifier_url}/api/trusted-issuers/{quote(did, safe=':')}",
        json={"name": "Demo University of Technology", "country": "PL"},
        headers=AUTH,
    ) as resp:
        assert resp.status in (200, 201), await resp.text()


async def sign_up_in_browser(page: Any, wallet_url: str, password: str, email: str = "zofia@example.org") -> None:
    """The learner fills in the wallet's sign-up form in the browser ``page``."""
    await page.goto(f"{wallet_url}/signup")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.fill("#password_again", password)
    await page.click("main button[type=submit]")
