"""OpenID4VP 1.0 presentation requests end to end: the employer asks, a wallet answers, the page shows it.

Real issuer and verifier over real HTTP with a real Redis; the "wallet" is the test, holding a
did:key and signing presentations with ``plecak.core.verify.presentation`` exactly as a wallet would.
"""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from plecak.core.did import DidResolver
from plecak.core.oid4vp.jar import JarError, encrypt_response, verify_request_object
from plecak.verifier.app_keys import REQUESTS
from support.issuer import achievement
from support.openid4vp import (
    ClientFactory,
    ServerFactory,
    answer,
    answered,
    ask,
    fetch_request,
    own_credential_presented,
    result,
    stack,
    status,
)
from support.verifier import AUTH, Stack, start_stack

__all__ = ["stack"]  # fixtures used by the tests below

OB_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"


def checks_of(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-check="([a-z]+)" data-outcome="([a-z]+)"', page))


@pytest.fixture
async def jwt_stack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    """A verifier whose requests ask for encrypted answers (direct_post.jwt)."""
    return await start_stack(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, oid4vp_response_mode="direct_post.jwt"
    )


async def asked_and_answered(stack: Stack, **presentation: str) -> tuple[str, str]:
    """The employer asks for any micro-credential; a learner answers with their own, the presentation
    signed with PRESENTATION's challenge or domain where given. The verdict and the result page."""
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    vp = await own_credential_presented(stack, claims, **presentation)
    return await answered(stack, request, claims, vp)


# -- the happy path ----------------------------------------------------------------------------
async def test_request_answer_status_result(stack: Stack) -> None:
    request = await ask(stack)
    # the verifier's public URL is an IP address: its requests are signed with its own did:key
    assert request.client_id.startswith("decentralized_identifier:did:key:zDn")
    claims = await fetch_request(stack, request)
    assert claims["client_id"] == request.client_id
    assert claims["response_type"] == "vp_token"
    assert claims["response_mode"] == "direct_post"
    assert claims["response_uri"] == f"{stack.verifier_url}/openid4vp/response/" + request.request_uri.rsplit("/", 1)[1]
    assert len(claims["nonce"]) >= 22
    assert claims["state"]
    query = claims["dcql_query"]["credentials"][0]
    assert query["id"] == "micro_credential"
    assert query["format"] == "ldp_vc"
    assert query["meta"] == {"type_values": [[OB_TYPE]]}
    assert query["claims"][0]["values"] == ["MicroCredential"]
    assert (await status(stack, request))["status"] == "pending"

    vp = await own_credential_presented(stack, claims)
    resp = await answer(stack, claims, vp)
    assert resp.status == 200
    assert resp.headers["Cache-Control"] == "no-store"
    redirect = (await resp.json())["redirect_uri"]
    assert redirect.startswith(f"{stack.verifier_url}/openid4vp/done/")

    verdict, page = await result(stack, request)
    assert verdict == "verified"
    checks = checks_of(page)
    for name in ("presentation", "holder", "replay", "binding", "request", "proof", "status"):
        assert checks[name] == "passed", (name, checks)
    assert "answer to your request" in page
    # the request page now leads straight to the result
    resp = await stack.verifier.get(request.page_url, allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == (await status(stack, request))["resultUrl"]


def _jwt_part(token: str, index: int) -> Any:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


async def test_request_object_is_a_signed_jar_never_alg_none(stack: Stack) -> None:
    request = await ask(stack)
    assert "request_uri_method=post" in request.link
    for accept in ("application/oauth-authz-req+jwt", "application/json", "*/*"):
        resp = await stack.verifier.get(urlsplit(request.request_uri).path, headers={"Accept": accept})
        assert resp.status == 200
        assert resp.content_type == "application/oauth-authz-req+jwt"
        token = await resp.text()
        header = _jwt_part(token, 0)
        assert header["alg"] == "ES256"
        assert header["typ"] == "oauth-authz-req+jwt"
        assert header["kid"].split("#")[0] == request.client_id.removeprefix("decentralized_identifier:")
        assert token.split(".")[2]
    # a tampered payload no longer verifies
    claims = _jwt_part(token, 1)
    claims["response_uri"] = "https://attacker.example/cb"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    parts = token.split(".")
    with pytest.raises(JarError, match="signature"):
        await verify_request_object(
            f"{parts[0]}.{forged}.{parts[2]}", resolve_did=DidResolver().resolve, now=datetime.now(UTC)
        )


async def test_request_uri_method_post_binds_the_wallet_nonce(stack: Stack) -> None:
    request = await ask(stack)
    resp = await stack.verifier.post(
        urlsplit(request.request_uri).path,
        data={"wallet_nonce": "wallet-nonce-123", "wallet_metadata": json.dumps({"vp_formats_supported": {}})},
        headers={"Accept": "application/oauth-authz-req+jwt"},
    )
    assert resp.status == 200
    assert resp.content_type == "application/oauth-authz-req+jwt"
    verified = await verify_request_object(await resp.text(), resolve_did=DidResolver().resolve, now=datetime.now(UTC))
    assert verified.claims["wallet_nonce"] == "wallet-nonce-123"
    resp = await stack.verifier.post(urlsplit(request.request_uri).path, json={"wallet_nonce": "x"})
    assert resp.status == 400
    assert (await resp.json())["error"] == "invalid_request"


async def test_client_metadata_advertises_every_cryptosuite_the_verifier_verifies(stack: Stack) -> None:
    claims = await fetch_request(stack, await ask(stack))
    formats = claims["client_metadata"]["vp_formats_supported"]
    assert set(formats["ldp_vc"]["cryptosuite_values"]) == {
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "ecdsa-rdfc-2019",
        "ecdsa-jcs-2019",
        "ecdsa-sd-2023",
    }
    assert set(formats["ldp_vc"]["proof_type_values"]) == {"DataIntegrityProof", "Ed25519Signature2020"}
    assert formats["dc+sd-jwt"] == {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["EdDSA", "ES256"]}
    assert "jwks" not in claims["client_metadata"]


async def test_same_device_redirect_shows_the_result_only_to_the_asking_browser(
    stack: Stack, aiohttp_client: ClientFactory
) -> None:
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    vp = await own_credential_presented(stack, claims)
    redirect = urlsplit((await (await answer(stack, claims, vp)).json())["redirect_uri"])
    done = f"{redirect.path}?{redirect.query}"
    stranger = await aiohttp_client(stack.verifier.server)  # another browser: no transaction cookie
    resp = await stranger.get(done, allow_redirects=False)
    assert resp.status == 200
    assert "Answer sent" in await resp.text()
    resp = await stack.verifier.get(done, allow_redirects=False)  # the browser that asked
    assert resp.status == 303
    assert resp.headers["Location"].startswith("/results/")
    wrong_code = done.rsplit("=", 1)[0] + "=not-the-code"
    assert (await stack.verifier.get(wrong_code, allow_redirects=False)).status == 200


async def test_specific_achievement_from_a_trusted_issuer(stack: Stack) -> None:
    request = await ask(stack, what="specific", achievement=stack.achievement_id, trusted_only="1")
    claims = await fetch_request(stack, request)
    assert claims["dcql_query"]["credentials"][0]["claims"] == [
        {"path": ["credentialSubject", "achievement", "id"], "values": [stack.achievement_id]}
    ]
    vp = await own_credential_presented(stack, claims)
    verdict, page = await answered(stack, request, claims, vp)
    assert verdict == "verified"
    assert checks_of(page)["request"] == "passed"


# -- answers that fail -------------------------------------------------------------------------
async def test_wrong_nonce_fails(stack: Stack) -> None:
    verdict, page = await asked_and_answered(stack, challenge="a-nonce-of-my-own")
    assert verdict == "failed"
    assert checks_of(page)["holder"] == "failed"
    assert "challenge does not match" in page


async def test_wrong_audience_fails(stack: Stack) -> None:
    verdict, page = await asked_and_answered(stack, domain="redirect_uri:https://other.example")
    assert verdict == "failed"
    assert checks_of(page)["holder"] == "failed"


async def test_replayed_presentation_is_rejected(stack: Stack) -> None:
    first = await ask(stack)
    claims = await fetch_request(stack, first)
    vp = await own_credential_presented(stack, claims)
    assert (await answer(stack, claims, vp)).status == 200
    again = await answer(stack, claims, vp)  # the same answer to the same request
    assert again.status == 400
    assert (await again.json())["error"] == "invalid_request"
    # the same presentation sent to a new request: bound to the old nonce and audience
    second = await ask(stack)
    claims2 = await fetch_request(stack, second)
    verdict, page = await answered(stack, second, claims2, vp)
    assert verdict == "failed"
    assert checks_of(page)["holder"] == "failed"


async def test_credential_not_matching_the_query_fails(stack: Stack) -> None:
    resp = await stack.issuer.post("/api/achievements", json=achievement(1), headers=AUTH)
    other = (await resp.json())["id"]
    request = await ask(stack, what="specific", achievement=other)
    claims = await fetch_request(stack, request)
    vp = await own_credential_presented(stack, claims)  # a valid credential, but of the first achievement
    verdict, page = await answered(stack, request, claims, vp)
    assert verdict == "failed"
    checks = checks_of(page)
    assert checks["request"] == "failed"
    assert checks["proof"] == "passed"
    assert checks["holder"] == "passed"
    assert "not for the achievement" in html.unescape(page)


async def test_untrusted_issuer_fails_a_trusted_only_request(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, trusted=False)
    request = await ask(stack, trusted_only="1")
    claims = await fetch_request(stack, request)
    vp = await own_credential_presented(stack, claims)
    verdict, page = await answered(stack, request, claims, vp)
    assert verdict == "failed"
    assert checks_of(page)["request"] == "failed"
    assert "not on your trusted list" in page


async def test_unsigned_presentation_fails_holder_binding(stack: Stack) -> None:
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [await stack.issue()],
    }
    verdict, page = await answered(stack, request, claims, vp)
    assert verdict == "failed"
    assert checks_of(page)["holder"] == "failed"


# -- malformed answers, unknown and expired requests -------------------------------------------
@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"state": "STATE"}, "vp_token is missing"),
        ({"vp_token": "{not json", "state": "STATE"}, "must be a JSON object"),
        ({"vp_token": '["a"]', "state": "STATE"}, "must be a JSON object"),
        ({"vp_token": '{"other_query": [{}]}', "state": "STATE"}, "exactly one presentation"),
        ({"vp_token": '{"micro_credential": [{}, {}]}', "state": "STATE"}, "exactly one presentation"),
        ({"vp_token": '{"micro_credential": [42]}', "state": "STATE"}, "must be a JSON object"),
        ({"vp_token": '{"micro_credential": [{}]}', "state": "wrong-state"}, "state does not match"),
        ({"vp_token": '{"micro_credential": [{}]}'}, "state does not match"),
    ],
    ids=["no-vp-token", "bad-json", "array", "wrong-query-id", "two", "number", "wrong-state", "no-state"],
)
async def test_malformed_answers_are_400_and_leave_the_request_open(
    stack: Stack, data: dict[str, str], fragment: str
) -> None:
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    data = {k: v.replace("STATE", claims["state"]) for k, v in data.items()}
    resp = await stack.verifier.post(urlsplit(claims["response_uri"]).path, data=data)
    assert resp.status == 400
    body = await resp.json()
    assert body["error"] == "invalid_request"
    assert fragment in body["error_description"]
    assert (await status(stack, request))["status"] == "pending"


async def test_answer_must_be_form_encoded(stack: Stack) -> None:
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    resp = await stack.verifier.post(urlsplit(claims["response_uri"]).path, json={"vp_token": {}})
    assert resp.status == 400
    assert (await resp.json())["error"] == "invalid_request"


async def test_wallet_declining_is_shown(stack: Stack) -> None:
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    resp = await stack.verifier.post(
        urlsplit(claims["response_uri"]).path,
        data={"error": "access_denied", "error_description": "the user said no", "state": claims["state"]},
    )
    assert resp.status == 200
    assert await resp.json() == {}
    assert (await status(stack, request))["status"] == "declined"


async def test_unknown_request_ids_are_404(stack: Stack) -> None:
    resp = await stack.verifier.get("/openid4vp/request/no-such-request")
    assert resp.status == 404
    assert (await resp.json())["error"] == "invalid_request"
    resp = await stack.verifier.post(
        "/openid4vp/response/no-such-request", data={"vp_token": "{}", "state": "x"}
    )
    assert resp.status == 404
    assert (await resp.json())["error"] == "invalid_request"
    resp = await stack.verifier.get("/requests/no-such-request/status")
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"
    resp = await stack.verifier.get("/requests/no-such-request")
    assert resp.status == 404
    assert resp.content_type == "text/html"
    assert "does not exist or has expired" in await resp.text()


async def test_expired_request_cannot_be_answered(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    lifetime = 60
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, request_seconds=lifetime)
    # The requests' clock is the test's: the lifetime passes without waiting for it.
    clock = [datetime.now(UTC)]
    stack.verifier.app[REQUESTS].now = lambda: clock[0]
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    vp = await own_credential_presented(stack, claims)
    clock[0] += timedelta(seconds=lifetime - 1)
    assert (await status(stack, request))["status"] == "pending"
    clock[0] += timedelta(seconds=1)
    resp = await stack.verifier.get(urlsplit(request.request_uri).path)
    assert resp.status == 410
    assert (await resp.json())["error"] == "invalid_request"
    resp = await answer(stack, claims, vp)
    assert resp.status == 410
    assert "expired" in (await resp.json())["error_description"]
    assert (await status(stack, request))["status"] == "expired"
    page = await (await stack.verifier.get(request.page_url)).text()
    assert "This request has expired" in page


async def test_request_form_needs_its_token_and_a_url_for_a_specific_achievement(stack: Stack) -> None:
    resp = await stack.verifier.post("/requests", data={"what": "any"})
    assert resp.status == 403
    token = await stack.csrf()
    resp = await stack.verifier.post(
        "/requests", data={"csrf_token": token, "what": "specific", "achievement": "not a url"}
    )
    assert resp.status == 400
    assert "must be a URL" in await resp.text()


async def test_direct_post_jwt_takes_only_an_answer_encrypted_to_the_request_key(jwt_stack: Stack) -> None:
    stack = jwt_stack
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    assert claims["response_mode"] == "direct_post.jwt"
    metadata = claims["client_metadata"]
    assert metadata["jwks"]["keys"][0]["alg"] == "ECDH-ES"
    assert "d" not in metadata["jwks"]["keys"][0]
    assert metadata["encrypted_response_enc_values_supported"] == ["A128GCM", "A256GCM"]
    vp = await own_credential_presented(stack, claims)
    path = urlsplit(claims["response_uri"]).path
    # in the clear: refused, the request stays open
    resp = await answer(stack, claims, vp)
    assert resp.status == 400
    assert "encrypted" in (await resp.json())["error_description"]
    # encrypted to another request's key: refused
    other = await fetch_request(stack, await ask(stack))
    params = {"vp_token": {"micro_credential": [vp]}, "state": claims["state"]}
    wrong = encrypt_response(params, other["client_metadata"])
    resp = await stack.verifier.post(path, data={"response": wrong})
    assert resp.status == 400
    assert (await status(stack, request))["status"] == "pending"
    token = encrypt_response(
        {"vp_token": {"micro_credential": [vp]}, "state": claims["state"]}, metadata, apv=claims["nonce"]
    )
    resp = await stack.verifier.post(path, data={"response": token})
    assert resp.status == 200, await resp.text()
    verdict, _ = await result(stack, request)
    assert verdict == "verified"


async def test_direct_post_jwt_request_may_be_declined_in_the_clear(jwt_stack: Stack) -> None:
    stack = jwt_stack
    request = await ask(stack)
    claims = await fetch_request(stack, request)
    resp = await stack.verifier.post(
        urlsplit(claims["response_uri"]).path, data={"error": "access_denied", "state": claims["state"]}
    )
    assert resp.status == 200
    assert (await status(stack, request))["status"] == "declined"
