"""Issuer, wallet and verifier running for the pathway browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from support.browser_services import (
    add_achievement,
    issuer_did,
    put_profile,
    running_services,
    trust_issuer,
)
from support.issuer import AUTH, achievement

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
    async with running_services(redis_url, tmp_path) as (issuer_url, wallet_url, verifier_url):
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
