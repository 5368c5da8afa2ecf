"""The wallet keeps a vc+jwt credential: pasted as the compact JWS or as its envelope, verified
before storing (bound to the learner, not revoked), listed and shown with its EU elements; a share
link of an enveloped credential (vc+jwt or vc+cose) verifies with holder binding."""

from __future__ import annotations

import re
from typing import Any

import pytest

from support.issuer import AUTH
from support.secured_vc import wallet_cards, wallet_paste
from support.wallet import Servers, servers

__all__ = ["servers"]

PREFIX = "data:application/vc+jwt,"


async def issue_jwt(servers: Servers, did: str, alg: str = "ES256") -> dict[str, Any]:
    issuer = servers.issuer
    body = {"learner": {"name": "Anna Nowak", "did": did}, "grade": "4.5", "options": {"format": "vc+jwt", "alg": alg}}
    async with issuer.client.post(
        f"{issuer.url}/api/achievements/{issuer.achievement_uuid}/credentials", json=body, headers=AUTH
    ) as resp:
        assert resp.status == 201, await resp.text()
        enveloped: dict[str, Any] = (await resp.json())["verifiableCredential"]
        return enveloped


paste, cards = wallet_paste, wallet_cards


async def test_pasted_compact_vc_jwt_is_kept_and_shown_with_its_elements(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    enveloped = await issue_jwt(servers, did)
    status, text = await paste(browser, enveloped["id"].removeprefix(PREFIX))
    assert status == 200, text[:3000]
    assert "was added to your wallet" in text, text[:3000]
    assert "not bound to your DID" not in text  # the subject inside the envelope is this wallet's DID
    _, home = await browser.get("/")
    [(cid, title)] = cards(home)
    assert title == "Data Literacy Compact Course"
    status, page = await browser.get(f"/credentials/{cid}")
    assert status == 200
    assert "Anna Nowak" in page
    assert "Demo University of Technology" in page
    # the same credential again, now as its envelope: recognised as already kept
    status, text = await paste(browser, enveloped)
    assert status == 400
    assert "already in your wallet" in text


async def test_vc_jwt_of_another_learner_or_tampered_is_refused(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    someone_else = await issue_jwt(servers, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", alg="EdDSA")
    status, text = await paste(browser, someone_else)
    assert status == 422
    assert "issued to did:key:z6MkhaXg" in text
    mine = (await issue_jwt(servers, did))["id"].removeprefix(PREFIX)
    head, _, signature = mine.split(".")
    other = (await issue_jwt(servers, did))["id"].removeprefix(PREFIX).split(".")[1]
    status, text = await paste(browser, f"{head}.{other}.{signature}")
    assert status == 422
    assert "does not verify" in text
    _, home = await browser.get("/")
    assert cards(home) == []


@pytest.mark.parametrize("secured_as", ["vc+jwt", "vc+cose"])
async def test_shared_link_of_an_enveloped_credential_holds_the_envelope_and_binds_the_learner(
    servers: Servers, secured_as: str
) -> None:
    from plecak.core.did import DidResolver
    from plecak.core.verify.credential import Verifier
    from plecak.core.verify.presentation import verify_presentation

    browser = servers.browser
    did = await browser.sign_up()
    enveloped = await servers.issuer.issue(did, options={"format": secured_as})
    await paste(browser, enveloped)
    _, home = await browser.get("/")
    [(cid, _)] = cards(home)
    await browser.get("/share")
    data = [("c", cid), ("days", "7"), ("csrf", browser.csrf or "")]
    async with browser.session.post(browser.base + "/share", data=data) as resp:
        text = await resp.text()
        assert resp.status == 201, text
    link = re.search(r'id="raw-link" href="([^"]+)"', text)
    assert link
    async with browser.session.get(link.group(1)) as resp:
        vp = await resp.json()
    assert vp["verifiableCredential"] == [enveloped]
    host = servers.issuer.url.removeprefix("http://")

    async def fetch(url: str) -> dict[str, Any]:
        async with servers.issuer.client.get(url) as reply:
            result: dict[str, Any] = await reply.json(content_type=None)
            return result

    verifier = Verifier(DidResolver(insecure_hosts={host}), status_fetcher=fetch)
    result = await verify_presentation(vp, verifier, require_holder_proof=True)
    assert result.verified, result.to_json()
    binding = result.check("binding")
    assert binding is not None
    assert binding.details["bound"] is True
