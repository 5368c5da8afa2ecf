"""Issuer, wallet and verifier running for the pathway browser tests."""

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

PASSWORD = "a phone-friendly passphrase"
COURSES = [("Data Literacy Basics", 3), ("Statistics for Decisions", 4), ("Data Visualisation", 4)]


@dataclass
class System:
    issuer_url: str
    wallet_url: str
    verifier_url: str
    achievements: list[str]
    pathway_url: str
    admin: aiohttp.ClientSession

    async def offer(self, uuid: str) -> str:
        async with self.admin.post(
            f"{self.issuer_url}/api/achievements/{uuid}/offers",
            json={"learner": {"name": "Zofia Mazur"}},
            headers=AUTH,
        ) as resp:
            assert resp.status == 201, await resp.text()
            link: str = (await resp.json())["walletLink"]
            return link


def _course(name: str, ects: int, kind: str = "MicroCredential") -> dict[str, Any]:
    data = achievement(0)
    data.update(name=name, ects=ects, achievementType=kind)
    del data["humanCode"], data["grading"]
    return data


@pytest.fixture
async def system(redis_url: str, tmp_path: Path) -> AsyncIterator[System]:
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
                    redis_url, tmp_path / "verifier", ports[2], verifier_url, insecure_hosts=hosts
                )
            )
        ),
    ]
    for server in servers:
        await server.start_server()
    admin = aiohttp.ClientSession()
    try:
        await put_profile(admin, issuer_url)
        uuids, ids = [], []
        for name, ects in COURSES:
            record = await add_achievement(admin, issuer_url, _course(name, ects))
            uuids.append(record["uuid"])
            ids.append(record["id"])
        did = await issuer_did(admin, issuer_url)
        pathway = {
            "achievement": _course("Certificate in Data Literacy", 11, "Certificate"),
            "rule": {
                "components": [
                    {"achievement": a, "issuer": did, "name": n}
                    for a, (n, _) in zip(ids, COURSES, strict=True)
                ],
                "mandatory": ids[:2],
                "electiveGroups": [
                    {"name": "Electives", "components": ids[2:], "minCount": 1, "minEctsEach": 3}
                ],
            },
        }
        async with admin.post(f"{issuer_url}/api/pathways", json=pathway, headers=AUTH) as resp:
            assert resp.status == 201, await resp.text()
            pathway_url = (await resp.json())["id"]
        await trust_issuer(admin, verifier_url, did)
        yield System(issuer_url, wallet_url, verifier_url, uuids, pathway_url, admin)
    finally:
        await admin.close()
        for server in reversed(servers):
            await server.close()
