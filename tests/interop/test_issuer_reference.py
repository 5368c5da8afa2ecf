"""Credentials from the issuer's HTTP API verify in an independent eddsa-rdfc-2022 implementation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.issuer.app import create_app
from support.issuer import AUTH, achievement, issuer_settings, profile
from support.reference_js import require_reference, verify_with_reference

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture(scope="module", autouse=True)
def reference_installed() -> None:
    require_reference()


async def test_micro_credential_from_issuer_api_verifies_in_reference(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    body = {"learner": {"name": "Anna Kowalska", "email": "anna@example.org"}, "grade": "5.0"}
    resp = await client.post(f"/api/achievements/{uuid}/credentials", json=body, headers=AUTH)
    vc = (await resp.json())["verifiableCredential"]
    did_doc = await (await client.get("/.well-known/did.json")).json()
    result = verify_with_reference(vc, {did_doc["id"]: did_doc})
    assert result["verified"] is True, result
    tampered = {**vc, "name": "Master of Everything"}
    assert verify_with_reference(tampered, {did_doc["id"]: did_doc})["verified"] is False


async def test_vcapi_issued_credential_verifies_in_reference(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, did_method="key")))
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner", "name": "Jan Nowak"},
    }
    resp = await client.post("/credentials/issue", json={"credential": credential}, headers=AUTH)
    vc = (await resp.json())["verifiableCredential"]
    assert verify_with_reference(vc)["verified"] is True
