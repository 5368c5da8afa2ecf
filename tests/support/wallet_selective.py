"""Issuing a credential with selectively disclosable fields for the wallet tests."""

from __future__ import annotations

from typing import Any

from support.issuer import AUTH
from support.wallet import Servers


async def issue_sd(servers: Servers, did: str) -> dict[str, Any]:
    async with servers.issuer.client.post(
        f"{servers.issuer.url}/api/achievements/{servers.issuer.achievement_uuid}/credentials",
        json={
            "learner": {"name": "Anna Nowak", "did": did},
            "grade": "4.5",
            "options": {"cryptosuite": "ecdsa-sd-2023"},
        },
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
        return credential
