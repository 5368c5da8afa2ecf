"""SD-JWT VC presentations at the verifier over real HTTP: VC-API, the paste page, undisclosed fields."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sdjwt_helpers import issue_over_oid4vci
from test_verifier_pages import ClientFactory, ServerFactory, check, element, paste, result_page, verdict
from test_verifier_support import AUTH, Stack, start_stack
from vc.keys import Ed25519KeyPair
from vc.sdjwt import present


@pytest.fixture
async def stack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)


async def _issued(stack: Stack) -> tuple[Ed25519KeyPair, str, str]:
    holder = Ed25519KeyPair.generate()
    credential_id, sd_jwt = await issue_over_oid4vci(
        stack.issuer, stack.issuer_url, stack.achievement_uuid, holder
    )
    return holder, credential_id, sd_jwt


async def _vcapi(stack: Stack, credential: Any, **options: Any) -> tuple[int, dict[str, Any]]:
    resp = await stack.verifier.post(
        "/credentials/verify", json={"verifiableCredential": credential, "options": options}
    )
    assert resp.content_type == "application/json", await resp.text()
    return resp.status, await resp.json()


async def test_vcapi_verifies_an_sd_jwt_presentation_with_nonce_and_audience(stack: Stack) -> None:
    holder, _, sd_jwt = await _issued(stack)
    shown = present(sd_jwt, ["name"], holder_key=holder, nonce="c-1", audience=stack.verifier_url)
    status, body = await _vcapi(stack, shown, challenge="c-1", domain=stack.verifier_url)
    assert status == 200, body
    assert body["verified"] and body["format"] == "dc+sd-jwt"
    assert body["disclosed"]["name"] == "Anna Kowalska"
    assert "grade" in body["undisclosed"]
    assert {"proof", "disclosures", "key_binding", "issuer", "status", "validity"} <= set(body["checks"])
    # the same presentation for another nonce fails with a problem detail
    status, body = await _vcapi(stack, shown, challenge="c-2", domain=stack.verifier_url)
    assert status == 422 and not body["verified"]
    assert any(p["check"] == "key_binding" for p in body["problemDetails"])


async def test_vcapi_accepts_an_enveloped_sd_jwt_credential(stack: Stack) -> None:
    holder, _, sd_jwt = await _issued(stack)
    shown = present(sd_jwt, ["grade"], holder_key=holder, nonce="n", audience="aud")
    enveloped = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/dc+sd-jwt," + quote(shown, safe=""),
    }
    status, body = await _vcapi(stack, enveloped)
    assert status == 200 and body["disclosed"]["grade"] == "4.5"


async def test_vcapi_rejects_a_tampered_disclosure(stack: Stack) -> None:
    holder, _, sd_jwt = await _issued(stack)
    shown = present(sd_jwt, ["grade"], holder_key=holder, nonce="n", audience="aud")
    parts = shown.split("~")
    salt, name, _ = json.loads(base64.urlsafe_b64decode(parts[1] + "=="))
    parts[1] = base64.urlsafe_b64encode(json.dumps([salt, name, "5.0"]).encode()).rstrip(b"=").decode()
    status, body = await _vcapi(stack, "~".join(parts))
    assert status == 422 and not body["verified"]
    assert any(p["check"] == "disclosures" for p in body["problemDetails"])


async def test_vcapi_shows_a_revoked_sd_jwt_as_revoked(stack: Stack) -> None:
    holder, credential_id, sd_jwt = await _issued(stack)
    body = {
        "credentialId": credential_id,
        "credentialStatus": {"statusPurpose": "revocation"},
        "status": True,
    }
    assert (await stack.issuer.post("/credentials/status", json=body, headers=AUTH)).status == 200
    shown = present(sd_jwt, [], holder_key=holder, nonce="n", audience="aud")
    status, report = await _vcapi(stack, shown)
    assert status == 422
    assert any(p["type"].endswith("#revoked") for p in report["problemDetails"])


async def test_pasted_sd_jwt_shows_verified_with_the_grade_not_shared(stack: Stack) -> None:
    holder, _, sd_jwt = await _issued(stack)
    shown = present(sd_jwt, ["name", "credits_earned"], holder_key=holder, nonce="share", audience="wallet")
    _, page = await result_page(stack, await paste(stack, shown))
    assert verdict(page) == "verified", page[:3000]
    assert element(page, "grade") == "not shared by the holder"
    assert element(page, "learner") == "Anna Kowalska"
    assert element(page, "title") and "not shared" not in element(page, "title")
    assert element(page, "credits_earned") == "3"
    assert check(page, "disclosures") == "passed" and check(page, "key_binding") == "passed"
    assert re.search(r'class="not-shared"', page)


async def test_pasted_sd_jwt_with_a_changed_grade_fails(stack: Stack) -> None:
    holder, _, sd_jwt = await _issued(stack)
    shown = present(sd_jwt, ["grade"], holder_key=holder, nonce="share", audience="wallet")
    parts = shown.split("~")
    salt, name, _ = json.loads(base64.urlsafe_b64decode(parts[1] + "=="))
    parts[1] = base64.urlsafe_b64encode(json.dumps([salt, name, "5.0"]).encode()).rstrip(b"=").decode()
    _, page = await result_page(stack, await paste(stack, "~".join(parts)))
    assert verdict(page) == "failed"
    assert check(page, "disclosures") == "failed"
    assert "5.0" not in page  # a value that fails its digest is never shown
