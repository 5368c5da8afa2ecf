"""The verifier's VC-API and trust registry over real HTTP: a real issuer, real Redis, no mocks.

Each case checks the verdict *and* the HTTP status, and that nothing answers 500.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.integrity.proofs import add_proof
from support.verifier import (
    AUTH,
    Holder,
    Stack,
    stack_with_unreachable_status,
    start_stack,
)

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]

VCDM = "https://www.w3.org/TR/vc-data-model#"


@pytest.fixture
async def stack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)


def outcomes(body: dict[str, Any]) -> dict[str, str]:
    return {r["check"]: r["outcome"] for r in body["results"]}


def problem_types(body: dict[str, Any]) -> set[str]:
    return {p["type"] for p in body["problemDetails"]}


async def refused(stack: Stack, credential: Any) -> dict[str, Any]:
    """The VC-API's answer for CREDENTIAL, which must be 422 (not verified)."""
    status, body = await stack.verify(credential)
    assert status == 422, body
    return body


async def refused_once_set(stack: Stack, purpose: str) -> dict[str, Any]:
    """The VC-API's 422 answer for a new credential whose status bit for PURPOSE the issuer has set."""
    credential = await stack.issue()
    await stack.set_status(credential, purpose)
    return await refused(stack, credential)


def unsigned(credential: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in copy.deepcopy(credential).items() if k != "proof"}


# -- credentials -------------------------------------------------------------------------------
async def test_valid_credential_is_verified(stack: Stack) -> None:
    status, body = await stack.verify(await stack.issue())
    assert status == 200, body
    # Genuine (verified), but nobody presented it, so the verdict is not green.
    assert body["verified"] is True
    assert body["verdict"] == "warnings"
    assert outcomes(body) == {
        "format": "passed",
        "proof": "passed",
        "issuer": "passed",
        "status": "passed",
        "validity": "passed",
        "binding": "warning",
    }
    assert body["warnings"][0]["details"] == {"bound": False, "reason": "not_presented"}
    assert body["problemDetails"] == []
    assert body["errors"] == []


async def test_tampered_claim_fails_the_proof(stack: Stack) -> None:
    credential = await stack.issue()
    credential["credentialSubject"]["name"] = "Mallory Impostor"
    body = await refused(stack, credential)
    assert body["verified"] is False
    assert body["verdict"] == "failed"
    assert outcomes(body)["proof"] == "failed"
    assert VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR" in problem_types(body)


async def test_tampered_ects_fails_the_proof(stack: Stack) -> None:
    credential = await stack.issue()
    credential["credentialSubject"]["achievement"]["creditPoint"][0]["point"] = "30"
    body = await refused(stack, credential)
    assert outcomes(body)["proof"] == "failed"


async def test_tampered_proof_value_fails(stack: Stack) -> None:
    credential = await stack.issue()
    value = credential["proof"]["proofValue"]
    credential["proof"]["proofValue"] = value[:-4] + ("1111" if not value.endswith("1111") else "2222")
    body = await refused(stack, credential)
    assert body["verdict"] == "failed"
    assert outcomes(body)["proof"] == "failed"
    assert VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR" in problem_types(body)


async def test_signed_with_the_wrong_key_fails(stack: Stack) -> None:
    """A forger signs with their own key but names the issuer's verification method."""
    credential = await stack.issue()
    method = credential["proof"]["verificationMethod"]
    forged = add_proof(unsigned(credential), Ed25519KeyPair.generate(), method)
    body = await refused(stack, forged)
    assert outcomes(body)["proof"] == "failed"
    assert "signature" in body["errors"][0]["message"]


async def test_signed_by_someone_else_than_the_issuer_fails(stack: Stack) -> None:
    """A valid signature, but by a did:key that is not the credential's issuer."""
    credential = await stack.issue()
    key = Ed25519KeyPair.generate()
    forged = add_proof(unsigned(credential), key, f"{did_key(key)}#{key.public_multibase}")
    body = await refused(stack, forged)
    assert outcomes(body)["proof"] == "failed"
    assert "not sealed by its issuer" in body["errors"][0]["message"]


def _dated(stack: Stack, **dates: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": "Course attendance",
        "credentialSubject": {"id": "did:example:learner", "name": "Anna Kowalska"},
        **dates,
    }


async def test_expired_credential_fails_validity(stack: Stack) -> None:
    credential = await stack.issue_vcapi(
        _dated(stack, validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")
    )
    body = await refused(stack, credential)
    assert body["verdict"] == "failed"
    results = outcomes(body)
    assert results["proof"] == "passed"
    assert results["validity"] == "failed"
    assert "expired" in body["errors"][0]["message"]
    assert VCDM + "RANGE_ERROR" in problem_types(body)


async def test_not_yet_valid_credential_fails_validity(stack: Stack) -> None:
    credential = await stack.issue_vcapi(_dated(stack, validFrom="2099-01-01T00:00:00Z"))
    body = await refused(stack, credential)
    assert body["verdict"] == "failed"
    assert outcomes(body)["validity"] == "failed"
    assert "not valid yet" in body["errors"][0]["message"]


async def test_revoked_credential_fails_status(stack: Stack) -> None:
    body = await refused_once_set(stack, "revocation")
    assert body["verdict"] == "failed"
    assert outcomes(body)["status"] == "failed"
    assert "https://w3id.org/plecak/problems#revoked" in problem_types(body)


async def test_suspended_credential_fails_status(stack: Stack) -> None:
    body = await refused_once_set(stack, "suspension")
    assert body["verdict"] == "failed"
    assert outcomes(body)["status"] == "failed"
    assert "https://w3id.org/plecak/problems#suspended" in problem_types(body)
    assert "suspended" in body["errors"][0]["message"]


async def test_unreachable_status_list_is_unknown_never_ok(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path, closed_port: int
) -> None:
    stack, credential = await stack_with_unreachable_status(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, closed_port
    )
    body = await refused(stack, credential)
    assert body["verified"] is False
    assert body["verdict"] == "warnings"
    results = outcomes(body)
    assert results["proof"] == "passed"
    assert results["issuer"] == "passed"
    assert results["status"] == "unknown"
    assert "https://www.w3.org/ns/credentials/status-list#STATUS_RETRIEVAL_ERROR" in problem_types(body)


async def test_issuer_not_in_registry_is_a_warning(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, trusted=False)
    status, body = await stack.verify(await stack.issue())
    assert status == 200
    assert body["verified"] is True
    assert body["verdict"] == "warnings"
    assert outcomes(body)["issuer"] == "warning"
    assert "not in your trusted list" in body["warnings"][0]["message"]
    assert body["problemDetails"] == []


async def test_undefined_term_fails_format(stack: Stack) -> None:
    credential = await stack.issue()
    credential["credentialSubject"]["favouriteColour"] = "blue"
    body = await refused(stack, credential)
    assert body["verdict"] == "failed"
    assert outcomes(body) == {"format": "failed"}
    assert "favouriteColour" in body["errors"][0]["message"]
    assert VCDM + "PARSING_ERROR" in problem_types(body)


async def test_unknown_context_fails_format_without_fetching(stack: Stack) -> None:
    credential = await stack.issue()
    credential["@context"].append("https://contexts.example/never-fetched/v1")
    body = await refused(stack, credential)
    assert outcomes(body) == {"format": "failed"}
    assert "https://contexts.example/never-fetched/v1" in body["errors"][0]["message"]


async def test_not_a_credential_is_422_not_400(stack: Stack) -> None:
    """Well-formed request, but the credential itself is nonsense: a verification failure."""
    body = await refused(stack, {"hello": "world"})
    assert body["verdict"] == "failed"
    assert outcomes(body) == {"format": "failed"}
    assert VCDM + "MALFORMED_VALUE_ERROR" in problem_types(body)


async def test_unknown_option_keys_are_ignored(stack: Stack) -> None:
    credential = await stack.issue()
    resp = await stack.verifier.post(
        "/credentials/verify",
        json={"verifiableCredential": credential, "options": {"checks": ["proof"], "frobnicate": True}},
    )
    assert resp.status == 200
    assert (await resp.json())["verified"] is True


# -- malformed requests ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "content_type", "status", "fragment"),
    [
        (b'{"verifiableCredential": {', "application/json", 400, "malformed JSON"),
        (b"", "application/json", 400, "empty"),
        (b"[1, 2]", "application/json", 400, "the body must be"),
        (b'{"options": {}}', "application/json", 400, "verifiableCredential is missing"),
        (b'{"verifiableCredential": "{\\"@context\\": []}"}', "application/json", 400, "not a JSON string"),
        (b'{"verifiableCredential": 42}', "application/json", 400, "must be a JSON object"),
        (b'{"verifiableCredential": {}, "options": []}', "application/json", 400, "options must be"),
        (b'{"verifiableCredential": {"a": NaN}}', "application/json", 400, "NaN"),
        (b'{"verifiableCredential": {}}', "text/plain", 415, "application/json"),
        (b"[" * 100 + b"]" * 100, "application/json", 400, "nest"),
    ],
    ids=[
        "bad-json",
        "empty",
        "array-body",
        "missing-credential",
        "json-string-credential",
        "number-credential",
        "options-not-object",
        "nan",
        "wrong-content-type",
        "too-deep",
    ],
)
async def test_malformed_request_is_4xx_with_problem_details(
    stack: Stack, body: bytes, content_type: str, status: int, fragment: str
) -> None:
    resp = await stack.verifier.post("/credentials/verify", data=body, headers={"Content-Type": content_type})
    assert resp.status == status, await resp.text()
    answer = await resp.json()
    assert answer["verified"] is False
    problem = answer["problemDetails"][0]
    assert problem["type"].startswith(VCDM)
    assert problem["title"]
    assert fragment in problem["detail"]


async def test_oversized_body_is_413(stack: Stack) -> None:
    big = json.dumps({"verifiableCredential": {"padding": "x" * 1_100_000}}).encode()
    resp = await stack.verifier.post(
        "/credentials/verify", data=big, headers={"Content-Type": "application/json"}
    )
    assert resp.status == 413
    answer = await resp.json()
    assert answer["verified"] is False
    assert "at most 1000000 bytes" in answer["problemDetails"][0]["detail"]
    resp = await stack.verifier.post(
        "/presentations/verify", data=big, headers={"Content-Type": "application/json"}
    )
    assert resp.status == 413


# -- presentations -----------------------------------------------------------------------------
async def test_presentation_with_challenge_is_verified(stack: Stack) -> None:
    holder = Holder()
    credential = await stack.issue(did=holder.did)
    vp = holder.present([credential], challenge="c-123", domain="https://employer.example")
    resp = await stack.verifier.post(
        "/presentations/verify",
        json={
            "verifiablePresentation": vp,
            "options": {"challenge": "c-123", "domain": "https://employer.example"},
        },
    )
    body = await resp.json()
    assert resp.status == 200, body
    assert body["verified"] is True
    assert body["verdict"] == "verified"
    assert {"presentation", "holder", "replay", "binding"} <= set(body["checks"])
    assert body["credentialResults"][0]["verified"] is True


async def test_presentation_with_wrong_challenge_fails(stack: Stack) -> None:
    holder = Holder()
    vp = holder.present([await stack.issue(did=holder.did)], challenge="old-challenge")
    resp = await stack.verifier.post(
        "/presentations/verify",
        json={"verifiablePresentation": vp, "options": {"challenge": "fresh-challenge"}},
    )
    body = await resp.json()
    assert resp.status == 422
    assert body["verdict"] == "failed"
    assert outcomes(body)["holder"] == "failed"
    assert "challenge" in body["errors"][0]["message"]


async def test_replayed_presentation_is_rejected(stack: Stack) -> None:
    holder = Holder()
    vp = holder.present([await stack.issue(did=holder.did)], challenge="once-only")
    request = {"verifiablePresentation": vp, "options": {"challenge": "once-only"}}
    first = await stack.verifier.post("/presentations/verify", json=request)
    assert first.status == 200
    second = await stack.verifier.post("/presentations/verify", json=request)
    body = await second.json()
    assert second.status == 422
    assert body["verdict"] == "failed"
    assert outcomes(body)["replay"] == "failed"
    assert "https://w3id.org/plecak/problems#replay" in problem_types(body)


async def test_unsigned_presentation_fails_when_a_challenge_is_given(stack: Stack) -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [await stack.issue()],
    }
    resp = await stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "abc"}}
    )
    assert resp.status == 422
    assert outcomes(await resp.json())["holder"] == "failed"
    resp = await stack.verifier.post("/presentations/verify", json={"verifiablePresentation": vp})
    body = await resp.json()
    assert resp.status == 200
    assert body["verdict"] == "warnings"
    assert outcomes(body)["holder"] == "warning"


async def test_presentation_of_someone_elses_credential_fails_binding(stack: Stack) -> None:
    learner, thief = Holder(), Holder()
    vp = thief.present([await stack.issue(did=learner.did)], challenge="c-1")
    resp = await stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "c-1"}}
    )
    body = await resp.json()
    assert resp.status == 422
    assert outcomes(body)["binding"] == "failed"


async def test_presentation_with_a_revoked_credential_fails(stack: Stack) -> None:
    holder = Holder()
    credential = await stack.issue(did=holder.did)
    await stack.set_status(credential, "revocation")
    vp = holder.present([credential], challenge="c-2")
    resp = await stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "c-2"}}
    )
    body = await resp.json()
    assert resp.status == 422
    assert body["verdict"] == "failed"
    assert body["credentialResults"][0]["verdict"] == "failed"
    assert any(p.get("credential") == 1 for p in body["problemDetails"])


@pytest.mark.parametrize(
    "body",
    [
        {"verifiableCredential": {}},
        {"verifiablePresentation": "a string"},
        {"verifiablePresentation": {}, "options": {"challenge": 7}},
    ],
    ids=["wrong-member", "string-presentation", "numeric-challenge"],
)
async def test_malformed_presentation_request_is_400(stack: Stack, body: dict[str, Any]) -> None:
    resp = await stack.verifier.post("/presentations/verify", json=body)
    assert resp.status == 400
    assert (await resp.json())["verified"] is False


# -- trust registry ----------------------------------------------------------------------------
async def test_trust_registry_needs_the_admin_token(stack: Stack) -> None:
    assert (await stack.verifier.get("/api/trusted-issuers")).status == 401
    bad = {"Authorization": "Bearer wrong-token-0123456789"}
    assert (
        await stack.verifier.put("/api/trusted-issuers/did:example:x", json={"name": "X"}, headers=bad)
    ).status == 401


async def test_trust_registry_crud(stack: Stack) -> None:
    listed = await (await stack.verifier.get("/api/trusted-issuers", headers=AUTH)).json()
    assert [e["did"] for e in listed["trustedIssuers"]] == [stack.issuer_did]
    path = "/api/trusted-issuers/" + quote(stack.issuer_did, safe=":")
    entry = await (await stack.verifier.get(path, headers=AUTH)).json()
    assert entry["did"] == stack.issuer_did
    assert entry["country"] == "PL"

    other = "/api/trusted-issuers/did:web:college.example"
    body = {"name": "Example College", "country": "ie", "accreditation": "QQI", "region": "Leinster"}
    resp = await stack.verifier.put(other, json=body, headers=AUTH)
    assert resp.status == 201
    created = await resp.json()
    assert created["country"] == "IE"
    assert created["accreditation"] == "QQI"
    resp = await stack.verifier.put(other, json={**body, "accreditation": "QQI (2024)"}, headers=AUTH)
    assert resp.status == 200
    assert (await resp.json())["addedAt"] == created["addedAt"]

    resp = await stack.verifier.put(other, json={"country": "Ireland", "colour": "green"}, headers=AUTH)
    assert resp.status == 422
    problem = await resp.json()
    assert set(problem["invalid"]) == {"name", "country", "colour"}
    resp = await stack.verifier.put("/api/trusted-issuers/not-a-did", json=body, headers=AUTH)
    assert resp.status == 422

    assert (await stack.verifier.delete(other, headers=AUTH)).status == 204
    assert (await stack.verifier.delete(other, headers=AUTH)).status == 404
    assert (await stack.verifier.get(other, headers=AUTH)).status == 404


async def test_trust_entry_shows_in_the_issuer_check(stack: Stack) -> None:
    await stack.trust(accreditation="Polish Accreditation Committee (PKA)")
    status, body = await stack.verify(await stack.issue())
    assert status == 200
    issuer = next(r for r in body["results"] if r["check"] == "issuer")
    assert issuer["details"]["accreditation"] == "Polish Accreditation Committee (PKA)"
    assert issuer["details"]["name"] == "Demo University of Technology"


async def test_trusted_issuers_file_seeds_the_registry(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    seed = tmp_path / "trusted.json"
    seed.write_text(
        json.dumps(
            {
                "trustedIssuers": [
                    {"did": "did:web:uni.example", "name": "Uni", "country": "DE", "source": "api"}
                ]
            }
        )
    )
    stack = await start_stack(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, trusted=False, trusted_issuers_file=seed
    )
    listed = await (await stack.verifier.get("/api/trusted-issuers", headers=AUTH)).json()
    assert [(e["did"], e["source"]) for e in listed["trustedIssuers"]] == [("did:web:uni.example", "file")]


async def test_health(stack: Stack) -> None:
    resp = await stack.verifier.get("/health")
    assert resp.status == 200
    assert (await resp.json()) == {"status": "ok", "service": "verifier"}
