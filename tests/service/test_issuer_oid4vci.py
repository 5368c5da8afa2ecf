"""OpenID4VCI pre-authorised code flow against the real issuer over HTTP, with a minimal holder."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from plecak.core.did import DidResolver
from plecak.core.integrity.proofs import verify_proofs
from plecak.issuer.app import create_app
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile
from support.oid4vci import GRANT, ClientFactory, Holder, code_of, make_offer, nonce, token
from support.redis_keys import keys_matching, stored_value


@pytest.fixture
async def issuer(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> tuple[TestClient[Any, Any], str]:
    settings = issuer_settings(redis_url, tmp_path, wallet_url="https://wallet.example")
    client = await aiohttp_client(create_app(settings))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    return client, uuid


async def request_credential(client: TestClient[Any, Any], access: str, proof: str) -> Any:
    body = {"credential_configuration_id": "OpenBadgeCredential_ldp_vc", "proofs": {"jwt": [proof]}}
    return await client.post("/credential", json=body, headers={"Authorization": f"Bearer {access}"})


async def test_full_flow_issues_credential_bound_to_holder_key(
    issuer: tuple[TestClient[Any, Any], str],
) -> None:
    client, uuid = issuer
    offer = await make_offer(client, uuid)
    assert offer["qrCode"].startswith("data:image/svg+xml;base64,")
    link = urlsplit(offer["offerLink"])
    assert link.scheme == "openid-credential-offer"
    offer_uri = parse_qs(link.query)["credential_offer_uri"][0]
    assert offer["walletLink"].startswith("https://wallet.example/receive?credential_offer_uri=")
    doc = await (await client.get(offer_uri.removeprefix(PUBLIC_URL))).json()
    assert doc["credential_issuer"] == PUBLIC_URL
    meta = await (await client.get("/.well-known/openid-credential-issuer")).json()
    assert doc["credential_configuration_ids"][0] in meta["credential_configurations_supported"]
    as_meta = await (await client.get("/.well-known/oauth-authorization-server")).json()
    assert as_meta["token_endpoint"] == f"{PUBLIC_URL}/token"

    resp = await token(client, doc["grants"][GRANT]["pre-authorized_code"])
    assert resp.status == 200
    assert resp.headers["Cache-Control"] == "no-store"
    access = (await resp.json())["access_token"]
    holder = Holder()
    resp = await request_credential(client, access, holder.proof(await nonce(client)))
    assert resp.status == 200, await resp.text()
    vc = (await resp.json())["credentials"][0]["credential"]
    assert vc["credentialSubject"]["id"] == holder.did
    assert vc["credentialSubject"]["result"][0]["value"] == "4.0"
    did_doc = await (await client.get("/.well-known/did.json")).json()
    assert [c.verified for c in await verify_proofs(vc, DidResolver(static={did_doc["id"]: did_doc}))] == [
        True
    ]
    status = await (await client.get(f"/api/offers/{offer['id']}", headers=AUTH)).json()
    assert status["state"] == "issued"
    assert status["credentialId"] == vc["id"]
    assert (await client.get(offer_uri.removeprefix(PUBLIC_URL))).status == 410


async def test_pre_authorised_code_works_once(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    code = code_of(await make_offer(client, uuid))
    first, second = await asyncio.gather(token(client, code), token(client, code))
    assert sorted([first.status, second.status]) == [200, 400]
    loser = second if second.status == 400 else first
    assert (await loser.json())["error"] == "invalid_grant"


async def test_wrong_code_is_invalid_grant_and_leaves_offer_usable(
    issuer: tuple[TestClient[Any, Any], str],
) -> None:
    client, uuid = issuer
    offer = await make_offer(client, uuid)
    resp = await token(client, "not-the-code")
    assert resp.status == 400
    assert (await resp.json())["error"] == "invalid_grant"
    assert (await token(client, code_of(offer))).status == 200


async def test_transaction_code_is_required_and_limited(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    offer = await make_offer(client, uuid, txCode=True)
    assert len(offer["txCode"]) == 6
    assert offer["credentialOffer"]["grants"][GRANT]["tx_code"]["length"] == 6
    assert (await token(client, code_of(offer))).status == 400
    assert (
        await token(client, code_of(offer), "000000" if offer["txCode"] != "000000" else "111111")
    ).status == 400
    assert (await token(client, code_of(offer), offer["txCode"])).status == 200

    locked = await make_offer(client, uuid, txCode=True)
    for _ in range(5):
        await token(client, code_of(locked), "x")
    resp = await token(client, code_of(locked), locked["txCode"])
    assert resp.status == 400
    assert "too many" in (await resp.json())["error_description"]


async def test_key_proof_is_checked(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    access = (await (await token(client, code_of(await make_offer(client, uuid)))).json())["access_token"]
    holder, stranger = Holder(), Holder()
    cases = [
        holder.proof(await nonce(client), aud="https://elsewhere.example"),
        holder.proof(await nonce(client), typ="JWT"),
        holder.proof(await nonce(client), signer=stranger.key),
        holder.proof("made-up-nonce"),
        "not.a.jwt",
    ]
    for proof in cases:
        resp = await request_credential(client, access, proof)
        assert resp.status == 400
        assert (await resp.json())["error"] in ("invalid_proof", "invalid_nonce")
    used = await nonce(client)
    assert (await request_credential(client, access, holder.proof(used))).status == 200
    replay = await request_credential(client, access, holder.proof(used))
    assert replay.status == 400
    assert (await replay.json())["error"] == "invalid_nonce"


async def test_credential_endpoint_needs_valid_access_token(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, _ = issuer
    holder = Holder()
    resp = await request_credential(client, "wrong", holder.proof(await nonce(client)))
    assert resp.status == 401
    assert (await resp.json())["error"] == "invalid_token"
    resp = await client.post("/credential", json={})
    assert resp.status == 401


async def test_expired_offer_is_gone(issuer: tuple[TestClient[Any, Any], str], redis_client: Redis) -> None:
    client, uuid = issuer
    offer = await make_offer(client, uuid)
    # The offer's keys expire by Redis's own clock, which a test cannot move: an expiry time in the
    # past makes Redis expire them at once, as when their lifetime has run out.
    for key in await keys_matching(redis_client, "issuer:oid4vci:*"):
        assert await redis_client.pexpireat(key, 1)
    assert (await client.get(offer["credentialOfferUri"].removeprefix(PUBLIC_URL))).status == 404
    resp = await token(client, code_of(offer))
    assert resp.status == 400
    assert (await resp.json())["error"] == "invalid_grant"


async def test_offer_creation_validates_and_needs_admin(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    url = f"/api/achievements/{uuid}/offers"
    assert (await client.post(url, json={"learner": {"name": "A"}})).status == 401
    resp = await client.post(url, json={"learner": {}}, headers=AUTH)
    assert resp.status == 422
    assert "learner.name" in (await resp.json())["missing"]
    resp = await client.post(url, json={"learner": {"name": "A"}, "expiresInDays": 365}, headers=AUTH)
    assert resp.status == 422


async def _all_redis_text(redis: Redis) -> str:
    """Every string, hash, set and stream value in Redis, as text (to look for a clear address)."""
    parts: list[str] = []
    async for key in redis.scan_iter(count=1000):
        kind = await redis.type(key)
        assert isinstance(kind, bytes)  # else no branch below would match and nothing would be searched
        if kind == b"string":
            parts.append((await stored_value(redis, key)).decode("utf-8", "replace"))
        elif kind == b"hash":
            parts.extend(str(v) for v in (await redis.hgetall(key)).values())
        elif kind == b"zset":
            parts.extend(str(m) for m in await redis.zrange(key, 0, -1))
        elif kind == b"stream":
            parts.extend(str(e) for e in await redis.xrange(key) or [])
    return "\n".join(parts)


async def test_learner_email_is_stored_and_returned_only_hashed(
    issuer: tuple[TestClient[Any, Any], str], redis_client: Redis
) -> None:
    """The offer form promises a hashed e-mail: neither the API nor Redis ever holds it in clear."""
    client, uuid = issuer
    address = "Anna.Kowalska@Example.org"
    body = {"learner": {"name": "Anna Kowalska", "email": address}}
    resp = await client.post(f"/api/achievements/{uuid}/offers", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    assert address.lower() not in (await resp.text()).lower()
    status_resp = await client.get(f"/api/offers/{created['id']}", headers=AUTH)
    assert status_resp.status == 200
    assert address.lower() not in (await status_resp.text()).lower()
    learner = (await status_resp.json())["learner"]
    assert learner["name"] == "Anna Kowalska"
    assert "email" not in learner
    assert address.lower() not in (await _all_redis_text(redis_client)).lower()

    # the credential still carries the learner's salted e-mail identifier, which matches the address
    access = (await (await token(client, code_of(created))).json())["access_token"]
    resp = await request_credential(client, access, Holder().proof(await nonce(client)))
    assert resp.status == 200, await resp.text()
    vc = (await resp.json())["credentials"][0]["credential"]
    email_id = next(i for i in vc["credentialSubject"]["identifier"] if i["identityType"] == "emailAddress")
    expected = hashlib.sha256((address.lower() + email_id["salt"]).encode()).hexdigest()
    assert email_id["hashed"] is True
    assert email_id["identityHash"] == f"sha256${expected}"
    assert address.lower() not in (await _all_redis_text(redis_client)).lower()

    # issuing directly (not by offer) keeps no clear address either
    direct = {"learner": {"name": "Bartosz Nowak", "email": "bartosz@example.org"}}
    resp = await client.post(f"/api/achievements/{uuid}/credentials", json=direct, headers=AUTH)
    assert resp.status == 201, await resp.text()
    assert "bartosz@example.org" not in (await _all_redis_text(redis_client)).lower()
