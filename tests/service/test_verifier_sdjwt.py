"""SD-JWT VC presentations at the verifier over real HTTP: VC-API, the paste page, undisclosed fields."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.sdjwt import VCT_MICRO_CREDENTIAL, parse_sd_jwt, present
from support.sdjwt import issue_over_oid4vci
from support.verifier import AUTH, Stack, start_stack
from support.verifier_pages import ClientFactory, ServerFactory, check, element, paste, result_page, verdict


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
    assert body["verified"]
    assert body["format"] == "dc+sd-jwt"
    assert body["disclosed"]["name"] == "Anna Kowalska"
    assert "grade" in body["undisclosed"]
    assert {"proof", "disclosures", "key_binding", "issuer", "status", "validity"} <= set(body["checks"])
    # the same presentation for another nonce fails with a problem detail
    status, body = await _vcapi(stack, shown, challenge="c-2", domain=stack.verifier_url)
    assert status == 422
    assert not body["verified"]
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
    assert status == 200
    assert body["disclosed"]["grade"] == "4.5"


async def test_vcapi_rejects_a_tampered_disclosure(stack: Stack) -> None:
    holder, _, sd_jwt = await _issued(stack)
    shown = present(sd_jwt, ["grade"], holder_key=holder, nonce="n", audience="aud")
    parts = shown.split("~")
    salt, name, _ = json.loads(base64.urlsafe_b64decode(parts[1] + "=="))
    parts[1] = base64.urlsafe_b64encode(json.dumps([salt, name, "5.0"]).encode()).rstrip(b"=").decode()
    status, body = await _vcapi(stack, "~".join(parts))
    assert status == 422
    assert not body["verified"]
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
    assert element(page, "title")
    assert "not shared" not in element(page, "title")
    assert element(page, "credits_earned") == "3"
    assert check(page, "disclosures") == "passed"
    assert check(page, "key_binding") == "passed"
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


# -- OpenID4VP with a DCQL query for dc+sd-jwt --------------------------------------------------
async def test_openid4vp_dcql_request_for_chosen_claims_is_answered_with_only_those(stack: Stack) -> None:
    from support.openid4vp import answer, ask, fetch_request, result

    holder, _, sd_jwt = await _issued(stack)
    request = await ask(stack, format="dc+sd-jwt", claim_name="1", claim_credits_earned="1")
    claims = await fetch_request(stack, request)
    query = claims["dcql_query"]["credentials"][0]
    assert query["format"] == "dc+sd-jwt"
    # the shared type name and the trusted issuer's own (default) vct, which the credential carries
    hosted = f"{stack.issuer_url}/vct/micro-credential/v1"
    assert query["meta"] == {"vct_values": ["https://w3id.org/plecak/vct/micro-credential/v1", hosted]}
    assert parse_sd_jwt(sd_jwt).payload["vct"] == hosted
    paths = [c["path"] for c in query["claims"]]
    assert ["name"] in paths
    assert ["credits_earned"] in paths
    assert ["grade"] not in paths
    assert "dc+sd-jwt" in claims["client_metadata"]["vp_formats_supported"]

    asked = [p[0] for p in paths if p[0] in ("name", "credits_earned")]
    shown = present(sd_jwt, asked, holder_key=holder, nonce=claims["nonce"], audience=claims["client_id"])
    resp = await answer(stack, claims, shown)
    assert resp.status == 200, await resp.text()
    verdict_, page = await result(stack, request)
    assert verdict_ == "verified", page[:3000]
    assert element(page, "grade") == "not shared by the holder"
    assert element(page, "learner") == "Anna Kowalska"
    assert check(page, "request") == "passed"


async def test_sd_jwt_request_lists_the_shared_vct_and_the_hosted_vct_of_every_trusted_did_web_issuer(
    stack: Stack,
) -> None:
    from support.openid4vp import ask, fetch_request

    await stack.trust("did:web:uni.example%3A8443:wut")
    await stack.trust("did:web:college.example")
    await stack.trust("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")  # no URL: no hosted vct
    claims = await fetch_request(stack, await ask(stack, format="dc+sd-jwt"))
    vct_values = claims["dcql_query"]["credentials"][0]["meta"]["vct_values"]
    assert sorted(vct_values) == sorted(
        [
            VCT_MICRO_CREDENTIAL,
            f"{stack.issuer_url}/vct/micro-credential/v1",  # an insecure (development) host: http
            "https://uni.example:8443/wut/vct/micro-credential/v1",
            "https://college.example/vct/micro-credential/v1",
        ]
    )
    # DCQL matches vct exactly: a credential with either form is one the request asks for
    holder = Ed25519KeyPair.generate()
    _, hosted = await issue_over_oid4vci(stack.issuer, stack.issuer_url, stack.achievement_uuid, holder)
    assert parse_sd_jwt(hosted).payload["vct"] in vct_values
    assert VCT_MICRO_CREDENTIAL in vct_values
    # a W3C credential request carries no vct
    ldp = await fetch_request(stack, await ask(stack))
    assert "vct_values" not in ldp["dcql_query"]["credentials"][0]["meta"]


async def test_sd_jwt_request_lists_only_the_shared_vct_when_no_did_web_issuer_is_trusted(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    from support.openid4vp import ask, fetch_request

    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, trusted=False)
    claims = await fetch_request(stack, await ask(stack, format="dc+sd-jwt"))
    assert claims["dcql_query"]["credentials"][0]["meta"]["vct_values"] == [VCT_MICRO_CREDENTIAL]


async def test_openid4vp_rejects_an_sd_jwt_bound_to_another_request(stack: Stack) -> None:
    from support.openid4vp import answered, ask, fetch_request

    holder, _, sd_jwt = await _issued(stack)
    request = await ask(stack, format="dc+sd-jwt", claim_grade="1")
    claims = await fetch_request(stack, request)
    replayed = present(
        sd_jwt, ["grade"], holder_key=holder, nonce="an-old-nonce", audience=claims["client_id"]
    )
    verdict_, page = await answered(stack, request, claims, replayed)
    assert verdict_ == "failed"
    assert check(page, "key_binding") == "failed"


async def test_openid4vp_sd_jwt_request_refuses_a_w3c_credential_answer(stack: Stack) -> None:
    from support.openid4vp import answered, ask, fetch_request, own_credential_presented

    request = await ask(stack, format="dc+sd-jwt")
    claims = await fetch_request(stack, request)
    vp = await own_credential_presented(stack, claims)
    verdict_, page = await answered(stack, request, claims, vp)
    assert verdict_ == "failed"
    assert check(page, "request") == "failed"


def test_ask_accepts_claims_only_for_sd_jwt_and_only_disclosable_ones() -> None:
    from plecak.verifier.oid4vp.requests import Ask, dcql_query

    with pytest.raises(ValueError, match="claims can be asked only of an SD-JWT VC"):
        Ask(format="ldp_vc", claims=("grade",))
    with pytest.raises(ValueError, match="claims can be asked only of an SD-JWT VC"):
        Ask(format="dc+sd-jwt", claims=("password",))
    with pytest.raises(ValueError, match="the format must be"):
        Ask(format="mso_mdoc")
    ask = Ask("https://uni.example/achievements/1", format="dc+sd-jwt", claims=("grade",))
    assert Ask.from_json(ask.to_json()) == ask
    claims = dcql_query(ask)["credentials"][0]["claims"]
    assert {"id": "achievement", "path": ["achievement_id"], "values": [ask.achievement_id]} in claims
    assert dcql_query(Ask())["credentials"][0]["format"] == "ldp_vc"


async def test_grade_hidden_with_its_grading_scheme_shared_is_still_marked_not_shared(stack: Stack) -> None:
    holder, _, sd_jwt = await _issued(stack)
    shown = present(sd_jwt, ["name", "grading_scheme"], holder_key=holder, nonce="s", audience="wallet")
    _, page = await result_page(stack, await paste(stack, shown))
    assert verdict(page) == "verified"
    assert element(page, "grade") == "not shared by the holder"
