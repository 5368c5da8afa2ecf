"""vc+cose over real HTTP: the issuer secures an achievement with COSE (learner API and VC-API), the
verifier checks it through the same pipeline as vc+jwt (VC-API, paste, upload), revocation reaches
it, broken COSE gets a clear failure (never a 500), an independent COSE implementation accepts what
the issuer published, and the wallet keeps it. Real Redis, real servers.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest

from plecak.core.integrity.proofs import public_key_of_method
from plecak.core.jose_vc import envelope_cose, parse_cose
from support.issuer import simple_credential_v2
from support.reference_cose import cose_peer, require_cose_peer
from support.reference_jose import public_jwk
from support.verifier import AUTH, Stack
from support.verifier_pages import check, paste, result_page, share, stack, upload_report

PREFIX = "data:application/vc+cose;base64,"
__all__ = ["share", "stack"]


async def issue_cose(stack: Stack, **options: Any) -> dict[str, Any]:
    return await stack.issue("Zofia Wiśniewska", options={"format": "vc+cose", **options})


def message_of(enveloped: dict[str, Any]) -> bytes:
    assert enveloped["id"].startswith(PREFIX)
    return base64.b64decode(enveloped["id"].removeprefix(PREFIX))


def outcomes(body: dict[str, Any]) -> dict[str, str]:
    return {r["check"]: r["outcome"] for r in body["results"]}


@pytest.mark.parametrize(("alg", "number", "key_type"), [("ES256", -7, "P-256"), ("EdDSA", -8, "Ed25519")])
async def test_learner_credential_secured_as_vc_cose_verifies_with_every_check(
    stack: Stack, alg: str, number: int, key_type: str
) -> None:
    enveloped = await issue_cose(stack, alg=alg)
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    secured = parse_cose(message_of(enveloped))
    assert secured.tagged is True
    assert secured.protected[1] == number
    assert secured.protected[16] == "application/vc+cose"
    assert secured.protected[3] == "application/vc"
    kid = secured.protected[4].decode()
    assert kid.startswith(stack.issuer_did + "#")
    assert secured.payload["issuer"]["id"] == stack.issuer_did
    assert "proof" not in secured.payload
    did_doc = await (await stack.issuer.get("/.well-known/did.json")).json()
    method = next(m for m in did_doc["verificationMethod"] if kid.endswith(m["id"]))
    assert public_key_of_method(method).key_type == key_type

    status, body = await stack.verify(enveloped)
    assert status == 200, body
    assert list(outcomes(body)) == ["format", "proof", "issuer", "status", "validity", "binding"]
    assert set(outcomes(body).values()) == {"passed", "warning"}
    assert outcomes(body)["binding"] == "warning"  # nobody presented it
    assert body["results"][0]["details"]["securedAs"] == "vc+cose"
    assert body["results"][1]["details"] | {"alg": alg, "securedWith": "cose"} == body["results"][1]["details"]


async def test_revoking_a_vc_cose_credential_is_seen_by_the_verifier(stack: Stack) -> None:
    enveloped = await issue_cose(stack)
    await stack.set_status(parse_cose(message_of(enveloped)).payload, "revocation")
    status, body = await stack.verify(enveloped)
    assert status == 422
    assert outcomes(body)["status"] == "failed"


async def test_tampered_vc_cose_fails_with_a_cryptographic_problem(stack: Stack) -> None:
    message = message_of(await issue_cose(stack))
    forged = message.replace("Wiśniewska".encode(), "Wiśniewscy".encode())
    assert forged != message
    status, body = await stack.verify(envelope_cose(forged))
    assert status == 422
    assert outcomes(body)["proof"] == "failed"
    assert any(p["type"].endswith("CRYPTOGRAPHIC_SECURITY_ERROR") for p in body["problemDetails"])


@pytest.mark.parametrize(
    "data", ["!!!", base64.b64encode(b"\xd2\x84\x40").decode(), base64.b64encode(b"\x9f" * 3000).decode()]
)
async def test_broken_cose_is_a_failed_format_check_not_a_server_error(stack: Stack, data: str) -> None:
    document = {"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential"}
    status, body = await stack.verify({**document, "id": PREFIX + data})
    assert status == 422, body
    assert outcomes(body) == {"format": "failed"}


async def test_vc_api_issue_secures_a_callers_credential_as_vc_cose(stack: Stack) -> None:
    resp = await stack.issuer.post(
        "/credentials/issue",
        json={"credential": simple_credential_v2(), "options": {"format": "application/vc+cose", "alg": "EdDSA"}},
        headers=AUTH,
    )
    assert resp.status == 201, await resp.text()
    enveloped = (await resp.json())["verifiableCredential"]
    secured = parse_cose(message_of(enveloped))
    assert secured.protected[1] == -8
    assert secured.payload["issuer"] == stack.issuer_did
    status, body = await stack.verify(enveloped)
    assert status == 200, body
    assert body["verified"] is True, body


async def test_rs256_is_refused_for_vc_cose(stack: Stack) -> None:
    resp = await stack.issuer.post(
        "/credentials/issue",
        json={"credential": simple_credential_v2(), "options": {"format": "vc+cose", "alg": "RS256"}},
        headers=AUTH,
    )
    assert resp.status == 422, await resp.text()
    assert "options.alg must be one of ES256, EdDSA for vc+cose" in json.dumps(await resp.json())


@pytest.mark.parametrize("as_data_url", [True, False])
async def test_pasted_vc_cose_shows_its_micro_credential_on_the_result_page(stack: Stack, as_data_url: bool) -> None:
    enveloped = await issue_cose(stack)
    text = enveloped["id"] if as_data_url else enveloped["id"].removeprefix(PREFIX)
    _, page = await result_page(stack, await paste(stack, text))
    assert check(page, "proof") == "passed"
    assert "Data Literacy Compact Course" in page
    assert "Zofia Wiśniewska" in page


async def test_uploaded_vc_cose_envelope_file_is_verified(stack: Stack) -> None:
    report = await upload_report(stack, await issue_cose(stack))
    assert report["verdict"] == "warnings"
    assert report["errors"] == []
    assert "status" in report["checks"]


async def test_uploaded_binary_cose_file_is_verified(stack: Stack) -> None:
    message = message_of(await issue_cose(stack))
    form = aiohttp.FormData()
    form.add_field("csrf_token", await stack.csrf())
    form.add_field("file", message, filename="credential.cose", content_type="application/vc+cose")
    resp = await stack.verifier.post("/verify/upload", data=form, allow_redirects=False)
    _, page = await result_page(stack, resp)
    assert check(page, "proof") == "passed"
    assert "Zofia Wiśniewska" in page


async def test_presentation_carrying_a_vc_cose_is_verified_over_the_vc_api(stack: Stack) -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [await issue_cose(stack)],
    }
    resp = await stack.verifier.post("/presentations/verify", json={"verifiablePresentation": vp, "options": {}})
    body = await resp.json()
    assert body["credentialResults"][0]["verified"] is True, body


async def test_independent_cose_accepts_what_the_issuer_published(stack: Stack) -> None:
    require_cose_peer()
    message = message_of(await issue_cose(stack))
    kid = parse_cose(message).protected[4].decode()
    did_doc = await (await stack.issuer.get("/.well-known/did.json")).json()
    method = next(m for m in did_doc["verificationMethod"] if kid.endswith(m["id"]))
    key = public_key_of_method({**method, "id": kid})
    request = {"action": "verify", "cose": base64.b64encode(message).decode(), "jwk": public_jwk(key), "alg": "ES256"}
    answer = cose_peer(request)
    assert answer["verified"] is True, answer
    assert answer["payload"]["credentialSubject"]["name"] == "Zofia Wiśniewska"
    assert answer["protected"]["kid"] == kid
