"""The issuer's SD-JWT VC: OpenID4VCI metadata and issuance (dc+sd-jwt), did.json, Token Status List."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from plecak.core.did import DidResolver
from plecak.core.sdjwt import SdJwtVerifier, holder_jwk, issuer_did, parse_sd_jwt, present
from plecak.core.verify.credential import Outcome
from plecak.issuer.app import create_app
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile
from support.oid4vci import ClientFactory, Holder, code_of, make_offer, nonce, token

CONFIG = "MicroCredential_dc+sd-jwt"
VERIFIER = "https://verifier.example"


@pytest.fixture
async def issuer(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> tuple[TestClient[Any, Any], str]:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    return client, uuid


async def _issue(client: TestClient[Any, Any], uuid: str, holder: Holder) -> tuple[dict[str, Any], str]:
    offer = await make_offer(client, uuid, format="dc+sd-jwt")
    assert offer["credentialOffer"]["credential_configuration_ids"] == [CONFIG]
    access = (await (await token(client, code_of(offer))).json())["access_token"]
    body = {"credential_configuration_id": CONFIG, "proofs": {"jwt": [holder.proof(await nonce(client))]}}
    resp = await client.post("/credential", json=body, headers={"Authorization": f"Bearer {access}"})
    assert resp.status == 200, await resp.text()
    sd_jwt: str = (await resp.json())["credentials"][0]["credential"]
    return offer, sd_jwt


async def _verifier(client: TestClient[Any, Any]) -> SdJwtVerifier:
    did_doc = await (await client.get("/.well-known/did.json")).json()

    async def fetch(uri: str) -> str:
        assert uri.startswith(PUBLIC_URL + "/status-lists/token/")
        resp = await client.get(uri.removeprefix(PUBLIC_URL))
        assert resp.status == 200
        assert resp.content_type == "application/statuslist+jwt"
        return await resp.text()

    return SdJwtVerifier(DidResolver(static={did_doc["id"]: did_doc}), status_fetcher=fetch)


async def test_metadata_offers_a_dc_sd_jwt_configuration_with_vct_and_claim_paths(
    issuer: tuple[TestClient[Any, Any], str],
) -> None:
    client, _ = issuer
    meta = await (await client.get("/.well-known/openid-credential-issuer")).json()
    configs = meta["credential_configurations_supported"]
    assert "OpenBadgeCredential_ldp_vc" in configs
    config = configs[CONFIG]
    assert config["format"] == "dc+sd-jwt"
    assert config["vct"].startswith("https://")
    claims = {tuple(c["path"]): c for c in config["credential_metadata"]["claims"]}
    assert claims[("title",)]["mandatory"] is True
    assert "mandatory" not in claims[("grade",)]


async def test_sd_jwt_offer_issues_a_credential_bound_to_the_key_proof_and_it_verifies(
    issuer: tuple[TestClient[Any, Any], str],
) -> None:
    client, uuid = issuer
    holder = Holder()
    offer, sd_jwt = await _issue(client, uuid, holder)
    parsed = parse_sd_jwt(sd_jwt)
    did_doc = await (await client.get("/.well-known/did.json")).json()
    assert parsed.payload["iss"] == PUBLIC_URL
    assert issuer_did(PUBLIC_URL) == did_doc["id"]
    assert parsed.header["kid"] in did_doc["assertionMethod"]
    assert parsed.payload["cnf"]["jwk"] == holder_jwk(holder.key)
    assert parsed.payload["status"]["status_list"]["uri"] == f"{PUBLIC_URL}/status-lists/token/1"
    assert {"grade", "name"} <= set(parsed.disclosable())

    presentation = present(sd_jwt, ["name"], holder_key=holder.key, nonce="n1", audience=VERIFIER)
    result = await (await _verifier(client)).verify(presentation, nonce="n1", audience=VERIFIER)
    assert result.verified, result.to_json()
    assert result.disclosed["name"] == "Anna Kowalska"
    assert "grade" in result.undisclosed
    status = await (await client.get(f"/api/offers/{offer['id']}", headers=AUTH)).json()
    assert status["state"] == "issued"
    assert status["credentialId"].startswith("urn:uuid:")


async def test_revoking_an_sd_jwt_vc_shows_in_the_token_status_list(
    issuer: tuple[TestClient[Any, Any], str],
) -> None:
    client, uuid = issuer
    holder = Holder()
    offer, sd_jwt = await _issue(client, uuid, holder)
    credential_id = (await (await client.get(f"/api/offers/{offer['id']}", headers=AUTH)).json())[
        "credentialId"
    ]
    for purpose, expected in (("suspension", "suspended"), ("revocation", "revoked")):
        body = {"credentialId": credential_id, "credentialStatus": {"statusPurpose": purpose}, "status": True}
        resp = await client.post("/credentials/status", json=body, headers=AUTH)
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["statusListCredential"] == f"{PUBLIC_URL}/status-lists/token/1"
        presentation = present(sd_jwt, [], holder_key=holder.key, nonce="n", audience=VERIFIER)
        result = await (await _verifier(client)).verify(presentation, nonce="n", audience=VERIFIER)
        check = result.check("status")
        assert check is not None
        assert check.outcome is Outcome.FAILED
        assert check.details["status"] == expected


async def test_sd_jwt_credential_request_is_refused_for_an_unknown_configuration(
    issuer: tuple[TestClient[Any, Any], str],
) -> None:
    client, uuid = issuer
    offer = await make_offer(client, uuid, format="dc+sd-jwt")
    access = (await (await token(client, code_of(offer))).json())["access_token"]
    body = {
        "credential_configuration_id": "mso_mdoc",
        "proofs": {"jwt": [Holder().proof(await nonce(client))]},
    }
    resp = await client.post("/credential", json=body, headers={"Authorization": f"Bearer {access}"})
    assert resp.status == 400
    assert (await resp.json())["error"] == "unknown_credential_configuration"


async def test_offer_refuses_an_unknown_format(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    body = {"learner": {"name": "Anna"}, "format": "jwt_vc_json"}
    resp = await client.post(f"/api/achievements/{uuid}/offers", json=body, headers=AUTH)
    assert resp.status == 422
    assert "format" in await resp.text()


async def test_unknown_token_status_list_is_404(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, _ = issuer
    assert (await client.get("/status-lists/token/7")).status == 404
    assert (await client.get("/status-lists/token/01")).status == 404


async def test_a_did_key_issuer_signs_sd_jwt_vcs_as_its_p256_did_key(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, did_method="key")))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    holder = Holder()
    _, sd_jwt = await _issue(client, uuid, holder)
    parsed = parse_sd_jwt(sd_jwt)
    assert parsed.payload["iss"].startswith("did:key:zDna")
    assert parsed.header["kid"].startswith(parsed.payload["iss"] + "#")
    presentation = present(sd_jwt, ["grade"], holder_key=holder.key, nonce="n", audience=VERIFIER)
    result = await SdJwtVerifier(DidResolver()).verify(presentation, nonce="n", audience=VERIFIER)
    assert result.verified
    assert result.disclosed["grade"] == "4.0"


async def test_concurrent_sd_jwt_credential_requests_with_one_token_issue_one_credential(
    issuer: tuple[TestClient[Any, Any], str], redis_client: Redis
) -> None:
    """Ten wallets racing with one access token: exactly one SD-JWT VC, one status index."""
    client, uuid = issuer
    offer = await make_offer(client, uuid, format="dc+sd-jwt")
    access = (await (await token(client, code_of(offer))).json())["access_token"]
    bodies = [
        {"credential_configuration_id": CONFIG, "proofs": {"jwt": [Holder().proof(await nonce(client))]}}
        for _ in range(10)
    ]
    before = int(await redis_client.get("issuer:status:next") or 0)

    async def request(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        resp = await client.post("/credential", json=body, headers={"Authorization": f"Bearer {access}"})
        return resp.status, await resp.json()

    answers = await asyncio.gather(*(request(b) for b in bodies))
    issued = [body for status, body in answers if status == 200]
    assert len(issued) == 1, answers
    refused = [body for status, body in answers if status != 200]
    assert len(refused) == 9
    assert all(b["error"] == "invalid_token" for b in refused)
    assert int(await redis_client.get("issuer:status:next") or 0) == before + 1
    assert await redis_client.zcard("issuer:{records}:credentials") == 1
    status = await (await client.get(f"/api/offers/{offer['id']}", headers=AUTH)).json()
    assert status["state"] == "issued"
