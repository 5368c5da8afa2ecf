"""Issuer, wallet and verifier running on loopback for the browser journeys, and where screenshots go."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from plecak.issuer.app import create_app as create_issuer
from plecak.verifier.app import create_app as create_verifier
from plecak.wallet.app import create_app as create_wallet
from support.browser_services import (
    add_achievement,
    browser_verifier_settings,
    browser_wallet_settings,
    issuer_did,
    put_profile,
    trust_issuer,
)
from support.issuer import AUTH, achievement, issuer_settings
from support.ports import Listener

SHOTS = Path("/tmp")
PASSWORD = "a phone-friendly passphrase"


@dataclass
class System:
    issuer_url: str
    wallet_url: str
    verifier_url: str
    achievement_uuid: str
    admin: aiohttp.ClientSession

    async def offer(self) -> dict[str, Any]:
        async with self.admin.post(
            f"{self.issuer_url}/api/achievements/{self.achievement_uuid}/offers",
            json={"learner": {"name": "Zofia Mazur"}, "grade": "4.5"},
            headers=AUTH,
        ) as resp:
            assert resp.status == 201, await resp.text()
            result: dict[str, Any] = await resp.json()
            return result

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


@pytest.fixture
async def system(redis_url: str, tmp_path: Path) -> AsyncIterator[System]:
    listeners = [Listener() for _ in range(3)]
    ports = [listener.port for listener in listeners]
    issuer_url, wallet_url, verifier_url = (f"http://127.0.0.1:{p}" for p in ports)
    hosts = {f"127.0.0.1:{p}" for p in ports}
    issuer = listeners[0].server(
        create_issuer(
            issuer_settings(redis_url, tmp_path / "issuer", public_url=issuer_url, wallet_url=wallet_url)
        )
    )
    wallet = listeners[1].server(
        create_wallet(
            browser_wallet_settings(
                redis_url,
                tmp_path / "wallet",
                ports[1],
                wallet_url,
                issuer_url=issuer_url,
                verifier_url=verifier_url,
                insecure_hosts=frozenset(hosts),
            )
        )
    )
    verifier = listeners[2].server(
        create_verifier(
            browser_verifier_settings(
                redis_url,
                tmp_path / "verifier",
                ports[2],
                verifier_url,
                insecure_hosts=frozenset(hosts),
                status_cache_seconds=0,  # a revocation shows at the next check, without waiting
            )
        )
    )
    for server in (issuer, wallet, verifier):
        await server.start_server()
    admin = aiohttp.ClientSession()
    try:
        await put_profile(admin, issuer_url)
        uuid = (await add_achievement(admin, issuer_url, achievement(0)))["uuid"]
        await trust_issuer(admin, verifier_url, await issuer_did(admin, issuer_url))
        yield System(issuer_url, wallet_url, verifier_url, uuid, admin)
    finally:
        await admin.close()
        for server in (verifier, wallet, issuer):
            await server.close()
