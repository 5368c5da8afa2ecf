"""Answering OpenID4VP 1.0 requests: who asks, what matches, only what the learner approves is sent.

The verifier side here is a small contract double written from the OpenID4VP request/response
contract (request object at ``request_uri``, ``direct_post`` to ``response_uri``); it verifies what
it receives with the project's own ``plecak.core.verify.presentation.verify_presentation`` (nonce and client_id
bound, holder proof required).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

from plecak.core.crypto.keys import EcdsaKeyPair
from plecak.core.did import did_key
from plecak.core.oid4vp.jar import sign_request_object
from support.wallet import Browser, Servers, servers
from support.wallet_present import OB_TYPE, ContractVerifier, verifier

__all__ = ["servers", "verifier"]


async def _open(browser: Browser, link: str) -> tuple[int, str]:
    """The learner opens a presentation request ``link`` in the wallet."""
    return await browser.get("/open?link=" + quote(link, safe=""))


def _link_by_value(request: dict[str, Any]) -> str:
    """An ``openid4vp://`` link carrying the request's parameters themselves (no request_uri)."""
    params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in request.items()}
    return "openid4vp://?" + urlencode(params)


def _present_action(text: str) -> str:
    action = re.search(r'action="(/present/[A-Za-z0-9_-]+)"', text)
    assert action
    return action.group(1)


def _send(cid: str) -> dict[str, str]:
    """The answer form: send credential ``cid`` for the query ``micro_credential``."""
    return {"q.micro_credential": cid, "action": "send"}


async def _send_and_see_it_accepted(browser: Browser, action: str, cid: str, verifier: ContractVerifier) -> None:
    status, text = await browser.post(action, _send(cid))
    assert status == 200
    assert "The verifier accepted your credentials" in text
    assert verifier.answers[-1]["verified"] == {"micro_credential": True}


def micro_credential_query(query_id: str = "micro_credential") -> dict[str, Any]:
    return {
        "credentials": [
            {
                "id": query_id,
                "format": "ldp_vc",
                "meta": {"type_values": [[OB_TYPE]]},
                "claims": [
                    {
                        "path": ["credentialSubject", "achievement", "achievementType"],
                        "values": ["MicroCredential"],
                    }
                ],
            }
        ]
    }


async def _wallet_with_two(servers: Servers) -> tuple[Browser, list[str]]:
    browser = servers.browser
    did = await browser.sign_up()
    cids = []
    for _ in range(2):
        await browser.get("/add")
        await browser.post("/add", {"json": json.dumps(await servers.issuer.issue(did))})
        cids.append(browser.last_url.rsplit("/", 1)[1])
    return browser, cids


async def test_request_shows_who_asks_and_sends_only_the_chosen_credential(
    servers: Servers, verifier: ContractVerifier
) -> None:
    browser, cids = await _wallet_with_two(servers)
    link = verifier.ask(micro_credential_query())
    status, text = await _open(browser, link)
    assert status == 200, text
    assert verifier.url.removeprefix("http://") in text  # who asks
    assert "OpenBadgeCredential" in text
    assert "MicroCredential" in text
    assert text.count('name="q.micro_credential"') == 2
    action = _present_action(text)
    status, text = await browser.post(action, _send(cids[1]))
    assert status == 200, text
    assert "The verifier accepted your credentials" in text
    assert f'href="{verifier.url}/done/' in text
    assert verifier.accepts == ["application/oauth-authz-req+jwt"]  # the media type OpenID4VP names
    answer = verifier.answers[-1]
    assert answer["verified"] == {"micro_credential": True}
    sent = answer["token"]["micro_credential"][0]["verifiableCredential"]
    assert len(sent) == 1
    # the request can be answered once: the pending page is gone
    status, text = await browser.post(action, _send(cids[0]))
    assert status == 400
    assert "expired" in text


async def test_request_for_something_not_held(servers: Servers, verifier: ContractVerifier) -> None:
    browser, _ = await _wallet_with_two(servers)
    link = verifier.ask(
        {
            "credentials": [
                {
                    "id": "licence",
                    "format": "ldp_vc",
                    "meta": {"type_values": [["https://example.org/vocab#DrivingLicence"]]},
                }
            ]
        }
    )
    status, text = await _open(browser, link)
    assert status == 200
    assert "You hold no credential that matches" in text
    assert 'value="send"' not in text
    action = _present_action(text)
    status, text = await browser.post(action, {"action": "send"})
    assert status == 400
    assert "no credential that matches" in text
    assert verifier.answers == []  # nothing was sent
    status, text = await browser.post(action, {"action": "decline"})
    assert status == 200
    assert "You declined" in text
    assert verifier.answers == [{"declined": "access_denied"}]
    _, listing = await browser.get("/")
    assert listing.count('class="card-title"') == 2  # nothing stored changed


async def test_verifier_error_is_shown(servers: Servers, verifier: ContractVerifier) -> None:
    browser, cids = await _wallet_with_two(servers)
    link = verifier.ask(micro_credential_query())
    rid = next(iter(verifier.requests))
    _, text = await _open(browser, link)
    verifier.requests[rid]["state"] = "changed-by-the-verifier"
    action = _present_action(text)
    status, text = await browser.post(action, _send(cids[0]))
    assert status == 400
    assert "did not accept the answer" in text


async def test_bad_requests_are_refused(servers: Servers, verifier: ContractVerifier) -> None:
    browser, _ = await _wallet_with_two(servers)
    link = verifier.ask(micro_credential_query())
    rid = next(iter(verifier.requests))
    verifier.requests[rid]["client_id"] = "redirect_uri:https://elsewhere.example/cb"
    status, text = await _open(browser, link)
    assert status == 400
    assert "not valid" in text
    assert "client_id" in text
    status, text = await browser.get("/present?request_uri=" + quote("http://evil.example/r", safe=""))
    assert status == 400
    assert "could not fetch the presentation request" in text
    status, text = await browser.get("/present?request_uri=" + quote(f"{verifier.url}/nope", safe=""))
    assert status == 410
    assert "could not fetch the presentation request" in text


async def test_request_passed_by_value_is_answered(servers: Servers, verifier: ContractVerifier) -> None:
    browser, cids = await _wallet_with_two(servers)
    verifier.ask(micro_credential_query())
    _rid, req = next(iter(verifier.requests.items()))
    link = _link_by_value(req)
    status, text = await _open(browser, link)
    assert status == 200, text
    assert 'data-verified="unsigned"' in text
    assert text.count('name="q.micro_credential"') == 2
    assert verifier.accepts == []  # nothing fetched: the request came in the link
    action = _present_action(text)
    await _send_and_see_it_accepted(browser, action, cids[0], verifier)


async def test_unsigned_request_with_a_signed_client_id_prefix_is_refused(
    servers: Servers, verifier: ContractVerifier
) -> None:
    browser, _ = await _wallet_with_two(servers)
    verifier.ask(micro_credential_query())
    rid, req = next(iter(verifier.requests.items()))
    req["client_id"] = "x509_san_dns:127.0.0.1"
    link = "openid4vp://?" + urlencode({"request_uri": f"{verifier.url}/request/{rid}"})
    status, text = await _open(browser, link)
    assert status == 400
    assert "signature or certificate does not match" in text
    assert "must be signed" in text
    status, text = await _open(browser, _link_by_value(req))
    assert status == 400
    assert "must be signed" in text
    assert verifier.answers == []


async def test_request_honours_the_cryptosuites_the_verifier_accepts(
    servers: Servers, verifier: ContractVerifier
) -> None:
    browser, _ = await _wallet_with_two(servers)
    verifier.ask(micro_credential_query())
    rid, req = next(iter(verifier.requests.items()))
    link = "openid4vp://?" + urlencode({"request_uri": f"{verifier.url}/request/{rid}"})
    # our credentials are sealed with eddsa-rdfc-2022; a verifier that takes only ECDSA gets no match
    req["client_metadata"] = {"vp_formats_supported": {"ldp_vc": {"cryptosuite_values": ["ecdsa-rdfc-2019"]}}}
    status, text = await _open(browser, link)
    assert status == 200
    assert "You hold no credential that matches" in text
    req["client_metadata"] = {"vp_formats_supported": {"ldp_vc": {"cryptosuite_values": ["eddsa-rdfc-2022"]}}}
    status, text = await _open(browser, link)
    assert status == 200
    assert text.count('name="q.micro_credential"') == 2
    # DCQL meta narrows it too
    req["dcql_query"]["credentials"][0]["meta"]["cryptosuite_values"] = ["ecdsa-sd-2023"]
    status, text = await _open(browser, link)
    assert status == 200
    assert "You hold no credential that matches" in text


async def test_signed_request_by_value_shows_the_verifiers_did_and_is_answered(
    servers: Servers, verifier: ContractVerifier
) -> None:
    browser, cids = await _wallet_with_two(servers)
    verifier.ask(micro_credential_query())
    _rid, req = next(iter(verifier.requests.items()))
    pair = EcdsaKeyPair.generate("P-256")
    assert pair.private_key is not None
    did = did_key(pair)
    req["client_id"] = f"decentralized_identifier:{did}"  # the contract verifier binds answers to it
    token = sign_request_object(req, pair.private_key, kid=f"{did}#{pair.public_multibase}")
    link = "openid4vp://?" + urlencode({"client_id": req["client_id"], "request": token})
    status, text = await _open(browser, link)
    assert status == 200, text
    assert 'data-verified="did"' in text
    assert did in text
    action = _present_action(text)
    await _send_and_see_it_accepted(browser, action, cids[0], verifier)
    # the same request signed by a key that is not the DID's: refused before anything is shown
    other = EcdsaKeyPair.generate("P-256")
    assert other.private_key is not None
    forged = sign_request_object(req, other.private_key, kid=f"{did}#{pair.public_multibase}")
    link = "openid4vp://?" + urlencode({"client_id": req["client_id"], "request": forged})
    status, text = await _open(browser, link)
    assert status == 400
    assert "signature or certificate does not match" in text
    assert len(verifier.answers) == 1
