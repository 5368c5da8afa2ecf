"""vc+jwt over real HTTP: the issuer secures an achievement with JOSE (learner API and VC-API), the
verifier checks it through the same pipeline (VC-API, paste, upload), revocation reaches it, and an
independent JOSE implementation accepts what the issuer published. Real Redis, real servers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from plecak.core.integrity.proofs import public_key_of_method
from plecak.core.jose_vc import envelope, parse_jws
from plecak.issuer.app import create_app as create_issuer
from plecak.runtime.storage import connect
from support.issuer import issuer_settings, simple_credential_v2
from support.reference_jose import jose_peer, public_jwk, require_jose_peer
from support.verifier import AUTH, Stack, start_stack
from support.verifier_pages import upload_report

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
PREFIX = "data:application/vc+jwt,"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def stack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)


async def issue_jwt(stack: Stack, **options: Any) -> dict[str, Any]:
    body = {"learner": {"name": "Zofia Wiśniewska"}, "options": {"format": "vc+jwt", **options}}
    resp = await stack.issuer.post(f"/api/achievements/{stack.achievement_uuid}/credentials", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    enveloped: dict[str, Any] = (await resp.json())["verifiableCredential"]
    return enveloped


def outcomes(body: dict[str, Any]) -> dict[str, str]:
    return {r["check"]: r["outcome"] for r in body["results"]}


@pytest.mark.parametrize(("alg", "key_type"), [("ES256", "P-256"), ("EdDSA", "Ed25519")])
async def test_learner_credential_secured_as_vc_jwt_verifies_with_every_check(
    stack: Stack, alg: str, key_type: str
) -> None:
    enveloped = await issue_jwt(stack, alg=alg)
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    assert enveloped["id"].startswith(PREFIX)
    secured = parse_jws(enveloped["id"].removeprefix(PREFIX))
    assert secured.header["alg"] == alg
    assert secured.header["typ"] == "vc+jwt"
    assert secured.header["cty"] == "vc"
    assert secured.header["kid"].startswith(stack.issuer_did + "#")
    credential = secured.payload
    assert credential["issuer"]["id"] == stack.issuer_did
    assert "proof" not in credential
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "MicroCredential"
    # the kid names a key of the issuer's DID document of the wanted type
    did_doc = await (await stack.issuer.get("/.well-known/did.json")).json()
    method = next(m for m in did_doc["verificationMethod"] if secured.header["kid"].endswith(m["id"]))
    assert public_key_of_method(method).key_type == key_type

    status, body = await stack.verify(enveloped)
    assert status == 200, body
    assert outcomes(body) == {
        "format": "passed",
        "proof": "passed",
        "issuer": "passed",
        "status": "passed",
        "validity": "passed",
        "binding": "warning",
    }
    format_check = body["results"][0]
    assert format_check["details"]["microCredential"] is True
    assert format_check["details"]["securedAs"] == "vc+jwt"
    assert body["results"][1]["details"]["alg"] == alg


async def test_bare_compact_jws_can_be_posted_to_the_vc_api(stack: Stack) -> None:
    enveloped = await issue_jwt(stack)
    status, body = await stack.verify(enveloped["id"].removeprefix(PREFIX))
    assert status == 200, body
    assert body["verified"] is True, body


async def test_revoking_a_vc_jwt_credential_is_seen_by_the_verifier(stack: Stack) -> None:
    enveloped = await issue_jwt(stack)
    credential = parse_jws(enveloped["id"].removeprefix(PREFIX)).payload
    await stack.set_status(credential, "revocation")
    status, body = await stack.verify(enveloped)
    assert status == 422
    assert outcomes(body)["status"] == "failed"
    assert body["results"][3]["details"]["status"] == "revoked"


async def test_tampered_vc_jwt_fails_with_a_cryptographic_problem(stack: Stack) -> None:
    enveloped = await issue_jwt(stack)
    head, body_part, signature = enveloped["id"].removeprefix(PREFIX).split(".")
    other = await issue_jwt(stack)  # a payload signed for someone else, under the first signature
    forged = f"{head}.{other['id'].removeprefix(PREFIX).split('.')[1]}.{signature}"
    assert forged.split(".")[1] != body_part
    status, body = await stack.verify(envelope(forged))
    assert status == 422
    assert outcomes(body)["proof"] == "failed"
    assert any(p["type"].endswith("CRYPTOGRAPHIC_SECURITY_ERROR") for p in body["problemDetails"])


async def test_vc_api_issue_secures_a_callers_credential_as_vc_jwt(stack: Stack) -> None:
    resp = await stack.issuer.post(
        "/credentials/issue",
        json={"credential": simple_credential_v2(), "options": {"format": "vc+jwt", "alg": "EdDSA"}},
        headers=AUTH,
    )
    assert resp.status == 201, await resp.text()
    enveloped = (await resp.json())["verifiableCredential"]
    secured = parse_jws(enveloped["id"].removeprefix(PREFIX))
    assert secured.header["alg"] == "EdDSA"
    assert secured.payload["issuer"] == stack.issuer_did
    assert secured.payload["credentialStatus"][0]["type"] == "BitstringStatusListEntry"
    status, body = await stack.verify(enveloped)
    assert status == 200, body
    assert body["verified"] is True, body


async def test_idempotent_repeat_returns_the_same_envelope(stack: Stack) -> None:
    body = {"learner": {"name": "Jan Kowalski"}, "options": {"format": "vc+jwt"}}
    headers = {**AUTH, "Idempotency-Key": "jose-once-1"}
    path = f"/api/achievements/{stack.achievement_uuid}/credentials"
    first = await stack.issuer.post(path, json=body, headers=headers)
    again = await stack.issuer.post(path, json=body, headers=headers)
    assert first.status == again.status == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert (await again.json()) == (await first.json())


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"format": "vc+jwt", "alg": "HS256"}, "options.alg must be one of ES256, EdDSA, RS256"),
        ({"format": "vc+jwt", "alg": "none"}, "options.alg must be one of"),
        ({"format": "vc+cwt"}, "options.format must be vc+jwt, vc+cose or ldp_vc"),
        ({"format": "vc+jwt", "cryptosuite": "eddsa-rdfc-2022"}, "options.cryptosuite is for Data Integrity"),
        ({"alg": "ES256"}, "options.alg is for vc+jwt and vc+cose credentials"),
        ({"securingMechanism": 5}, "options.securingMechanism must be"),
    ],
)
async def test_bad_jose_options_are_refused(stack: Stack, options: dict[str, Any], named: str) -> None:
    resp = await stack.issuer.post(
        "/credentials/issue", json={"credential": simple_credential_v2(), "options": options}, headers=AUTH
    )
    assert resp.status == 422, await resp.text()
    assert named in json.dumps(await resp.json())


async def _csrf(stack: Stack) -> str:
    match = CSRF.search(await (await stack.verifier.get("/")).text())
    assert match
    return match.group(1)


async def test_pasted_vc_jwt_shows_its_micro_credential_on_the_result_page(stack: Stack) -> None:
    jws = (await issue_jwt(stack))["id"].removeprefix(PREFIX)
    resp = await stack.verifier.post(
        "/verify", data={"csrf_token": await _csrf(stack), "credential": jws}, allow_redirects=False
    )
    assert resp.status == 303, await resp.text()
    page = await (await stack.verifier.get(resp.headers["Location"])).text()
    assert re.search(r'data-check="proof" data-outcome="passed"', page)
    assert "Data Literacy Compact Course" in page
    assert "Zofia Wiśniewska" in page


async def test_uploaded_vc_jwt_file_is_verified(stack: Stack) -> None:
    report = await upload_report(stack, await issue_jwt(stack))
    assert report["verdict"] == "warnings"
    assert report["errors"] == []
    assert "proof" in report["checks"]
    assert "status" in report["checks"]


async def test_presentation_carrying_a_vc_jwt_is_verified_over_the_vc_api(stack: Stack) -> None:
    enveloped = await issue_jwt(stack)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [enveloped],
    }
    resp = await stack.verifier.post("/presentations/verify", json={"verifiablePresentation": vp, "options": {}})
    body = await resp.json()
    assert body["credentialResults"][0]["verified"] is True, body
    assert {r["check"]: r["outcome"] for r in body["credentialResults"][0]["results"]}["proof"] == "passed"


async def test_independent_jose_accepts_what_the_issuer_published(stack: Stack) -> None:
    require_jose_peer()
    jws = (await issue_jwt(stack))["id"].removeprefix(PREFIX)
    kid = parse_jws(jws).header["kid"]
    did_doc = await (await stack.issuer.get("/.well-known/did.json")).json()
    method = next(m for m in did_doc["verificationMethod"] if kid.endswith(m["id"]))
    key = public_key_of_method({**method, "id": kid})
    answer = jose_peer({"action": "verify", "jws": jws, "jwk": public_jwk(key), "alg": "ES256"})
    assert answer["verified"] is True, answer
    assert answer["payload"]["credentialSubject"]["name"] == "Zofia Wiśniewska"


# -- RS256 on request (Open Badges 3.0's minimum) ----------------------------------------------------
def _rsa_methods(did_doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in did_doc["verificationMethod"] if m["type"] == "JsonWebKey"]


async def test_rs256_vc_jwt_is_signed_by_a_sealed_rsa_key_the_did_document_lists_and_verifies(
    stack: Stack, redis_url: str
) -> None:
    before = await (await stack.issuer.get("/.well-known/did.json")).json()
    assert _rsa_methods(before) == []  # made on first use, not before
    enveloped = await issue_jwt(stack, alg="RS256")
    secured = parse_jws(enveloped["id"].removeprefix(PREFIX))
    assert secured.header["alg"] == "RS256"
    assert secured.header["typ"] == "vc+jwt"
    kid = secured.header["kid"]
    assert kid.startswith(stack.issuer_did + "#")

    did_doc = await (await stack.issuer.get("/.well-known/did.json")).json()
    (method,) = _rsa_methods(did_doc)
    assert method["id"] == kid
    assert method["controller"] == stack.issuer_did
    jwk = method["publicKeyJwk"]
    assert jwk["kty"] == "RSA"
    assert jwk["e"] == "AQAB"
    assert "d" not in jwk
    assert len(base64_bytes(jwk["n"])) * 8 >= 3072
    assert kid in did_doc["assertionMethod"]
    assert kid not in did_doc["authentication"]
    assert "https://w3id.org/security/jwk/v1" in did_doc["@context"]

    status, body = await stack.verify(enveloped)
    assert status == 200, body
    assert body["verified"] is True, body
    assert outcomes(body)["proof"] == "passed"
    assert outcomes(body)["issuer"] == "passed"
    assert body["results"][1]["details"]["alg"] == "RS256"

    # the key is made once and kept sealed in Redis: no private part in the clear
    again = parse_jws((await issue_jwt(stack, alg="RS256"))["id"].removeprefix(PREFIX))
    assert again.header["kid"] == kid
    client = connect(redis_url)  # one server or a cluster, as the services connect
    try:
        stored = await client.hget("issuer:keys", kid.split("#", 1)[1])
        assert isinstance(stored, bytes)
        record = json.loads(stored)
    finally:
        await client.aclose()
    assert set(record) == {"type", "publicKeyJwk", "sealed", "created"}
    assert record["type"] == "RSA"
    assert record["publicKeyJwk"] == jwk


def base64_bytes(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def test_rsa_key_made_by_one_issuer_process_is_listed_and_used_by_another(
    stack: Stack, redis_url: str, tmp_path: Path, aiohttp_client: ClientFactory
) -> None:
    other = await aiohttp_client(create_issuer(issuer_settings(redis_url, tmp_path, public_url=stack.issuer_url)))
    assert _rsa_methods(await (await other.get("/.well-known/did.json")).json()) == []
    kid = parse_jws((await issue_jwt(stack, alg="RS256"))["id"].removeprefix(PREFIX)).header["kid"]
    # the other process (started before the key existed) publishes it and signs with the same key
    assert [m["id"] for m in _rsa_methods(await (await other.get("/.well-known/did.json")).json())] == [kid]
    body = {"learner": {"name": "Jan Kowalski"}, "options": {"format": "vc+jwt", "alg": "RS256"}}
    resp = await other.post(f"/api/achievements/{stack.achievement_uuid}/credentials", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    enveloped = (await resp.json())["verifiableCredential"]
    assert parse_jws(enveloped["id"].removeprefix(PREFIX)).header["kid"] == kid
    status, report = await stack.verify(enveloped)
    assert status == 200, report


async def test_independent_jose_verifies_an_rs256_vc_jwt_with_the_key_from_the_did_document(stack: Stack) -> None:
    require_jose_peer()
    jws = (await issue_jwt(stack, alg="RS256"))["id"].removeprefix(PREFIX)
    did_doc = await (await stack.issuer.get("/.well-known/did.json")).json()
    (method,) = _rsa_methods(did_doc)
    assert method["id"] == parse_jws(jws).header["kid"]
    answer = jose_peer({"action": "verify", "jws": jws, "jwk": method["publicKeyJwk"], "alg": "RS256"})
    assert answer["verified"] is True, answer
    assert answer["header"]["alg"] == "RS256"
    assert answer["payload"]["credentialSubject"]["name"] == "Zofia Wiśniewska"
    head, _, signature = jws.split(".")
    forged = parse_jws((await issue_jwt(stack, alg="ES256"))["id"].removeprefix(PREFIX)).text.split(".")[1]
    refused = jose_peer(
        {"action": "verify", "jws": f"{head}.{forged}.{signature}", "jwk": method["publicKeyJwk"], "alg": "RS256"}
    )
    assert refused["verified"] is False


async def test_rs256_is_refused_for_a_did_key_issuer(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    from support.issuer import achievement, profile

    client = await aiohttp_client(create_issuer(issuer_settings(redis_url, tmp_path, did_method="key")))
    assert (await client.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    body = {"learner": {"name": "Jan Kowalski"}, "options": {"format": "vc+jwt", "alg": "RS256"}}
    resp = await client.post(f"/api/achievements/{uuid}/credentials", json=body, headers=AUTH)
    assert resp.status == 422, await resp.text()
    assert resp.content_type == "application/problem+json"
    assert "did:web" in await resp.text()
    did_doc = await (await client.get("/.well-known/did.json")).json()
    assert _rsa_methods(did_doc) == []
    credentials = await (await client.get("/api/credentials", headers=AUTH)).json()
    assert credentials.get("credentials", credentials) in ([], {"credentials": []})


async def test_a_resolver_with_an_older_copy_of_the_did_document_fetches_it_again_for_the_new_rsa_key(
    stack: Stack,
) -> None:
    from plecak.core.did import DidResolver
    from plecak.core.jose_vc import verify_jose

    host = stack.issuer_url.removeprefix("http://")
    cached = DidResolver(insecure_hosts={host}, refetch_after=0)
    never = DidResolver(insecure_hosts={host}, refetch_after=3600)
    first = (await issue_jwt(stack, alg="ES256"))["id"].removeprefix(PREFIX)
    for resolver in (cached, never):  # both now hold the document without an RSA key
        assert (await verify_jose(first, resolver, kind="vc", subject_id=stack.issuer_did)).verified
        assert _rsa_methods(await resolver.resolve(stack.issuer_did)) == []
    jws = (await issue_jwt(stack, alg="RS256"))["id"].removeprefix(PREFIX)
    result = await verify_jose(jws, cached, kind="vc", subject_id=stack.issuer_did)
    assert result.verified, result.error
    # a copy younger than refetch_after is not fetched again: the key stays unknown to it
    stale = await verify_jose(jws, never, kind="vc", subject_id=stack.issuer_did)
    assert not stale.verified
    assert stale.reason == "key"
