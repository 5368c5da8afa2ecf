"""Receiving credentials over OpenID4VCI from the real issuer, and adding them by pasting or uploading."""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import quote

import aiohttp

from plecak.wallet.scan_handlers import route_link
from support.wallet import Browser, Servers, servers

__all__ = ["servers"]


def _says(result: tuple[int, str], status: int, phrase: str) -> str:
    """Checks a page's HTTP status and that it says ``phrase``; returns the page."""
    got, text = result
    assert got == status, text
    assert phrase in text
    return text


async def _signed_up_and_offered(servers: Servers) -> tuple[Browser, dict[str, Any], str]:
    """A signed-up learner who has opened a fresh offer link: the browser, the offer and its preview page."""
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer()
    _, preview = await browser.get(offer["walletLink"])
    return browser, offer, preview


def _cards(text: str) -> list[str]:
    return re.findall(r'<a href="/credentials/[0-9a-f]+" class="card-title">([^<]+)</a>', text)


async def _count(browser: Browser) -> int:
    _, text = await browser.get("/")
    return len(_cards(text))


async def _accept(browser: Browser, preview_html: str, **fields: str) -> tuple[int, str]:
    action = re.search(r'action="(/receive/[A-Za-z0-9_-]+)"', preview_html)
    assert action, preview_html
    return await browser.post(action.group(1), fields)


async def test_offer_link_gives_a_verified_credential_bound_to_the_learner(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    offer = await servers.issuer.offer()
    status, text = await browser.get(offer["walletLink"])
    assert status == 200, text
    assert "Demo University of Technology offers you" in text
    assert "EU micro-credential" in text
    status, text = await _accept(browser, text)
    assert status == 200, text
    assert "/credentials/" in browser.last_url
    assert "Data Literacy Compact Course" in text
    assert "was received" in text
    assert 'class="badge status-valid"' in text
    assert did in text  # issued to the learner's did:key
    _, listing = await browser.get("/")
    assert _cards(listing) == ["Data Literacy Compact Course"]
    async with servers.issuer.client.get(
        f"{servers.issuer.url}/api/offers/{offer['id']}", headers={"Authorization": "Bearer x"}
    ) as resp:
        assert resp.status == 401  # the admin API stays closed; the wallet only used the public flow


async def test_signing_in_first_then_coming_back_to_the_offer(servers: Servers) -> None:
    browser = servers.browser
    offer = await servers.issuer.offer()
    status, text = await browser.get(offer["walletLink"])
    assert "/signin?next=" in browser.last_url
    # follow "create an account" with the same next, as a new learner would
    nxt = re.search(r'href="/signup\?next=([^"]+)"', text)
    assert nxt
    await browser.get("/signup?next=" + nxt.group(1))
    status, text = await browser.post(
        "/signup",
        {
            "email": "new@example.org",
            "password": "a long enough password",
            "password_again": "a long enough password",
            "next": "/receive?credential_offer_uri=" + quote(offer["credentialOfferUri"], safe=""),
        },
    )
    assert status == 200, text
    assert "offers you" in text, text


async def test_transaction_code_wrong_then_right(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer(txCode=True)
    _, preview = await browser.get(offer["walletLink"])
    assert 'name="tx_code"' in preview
    assert 'inputmode="numeric"' in preview
    wrong = "000000" if offer["txCode"] != "000000" else "111111"
    _says(await _accept(browser, preview, tx_code=wrong), 400, "code is wrong")
    assert await _count(browser) == 0
    _says(await _accept(browser, preview, tx_code=offer["txCode"]), 200, "was received")
    assert await _count(browser) == 1


async def test_used_offer_is_explained_and_changes_nothing(servers: Servers) -> None:
    browser, offer, preview = await _signed_up_and_offered(servers)
    await _accept(browser, preview)
    _says(await browser.get(offer["walletLink"]), 410, "already been used or has expired")
    # the same pending page, submitted again (a double tap): the issuer refuses the spent code
    _says(await _accept(browser, preview), 400, "This offer page has expired")
    assert await _count(browser) == 1


async def test_unknown_or_expired_offer(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    uri = f"{servers.issuer.url}/credential-offers/no-such-offer"
    page = await browser.get("/receive?credential_offer_uri=" + quote(uri, safe=""))
    _says(page, 410, "already been used or has expired")


async def test_wrong_pre_authorised_code_stores_nothing(servers: Servers) -> None:
    browser, offer, preview = await _signed_up_and_offered(servers)
    await _accept(browser, preview)
    forged = copy.deepcopy(offer["credentialOffer"])
    forged["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"] = "guess"
    status, preview = await browser.get("/receive?credential_offer=" + quote(json.dumps(forged), safe=""))
    assert status == 200
    _says(await _accept(browser, preview), 400, "code is wrong, already used or expired")
    assert await _count(browser) == 1


async def test_offer_links_must_be_https_outside_development_hosts(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    for uri in ("http://evil.example/offer", "ftp://issuer.example/x", "https://user:pw@issuer.example/x"):
        status, text = await browser.get("/receive?credential_offer_uri=" + quote(uri, safe=""))
        assert status == 400, (uri, text)
        assert "could not fetch the credential offer" in text
    _says(await browser.get("/receive?credential_offer=" + quote('{"credential_issuer": 1}')), 400, "not valid")


async def test_scanned_or_pasted_links_are_routed(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer()
    _says(await browser.get("/open?link=" + quote(offer["offerLink"], safe="")), 200, "offers you")
    page = await browser.get("/open?link=" + quote("https://example.org/nothing", safe=""))
    _says(page, 400, "not a credential offer")
    wallet = servers.wallet_url
    assert route_link("openid4vp://?client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr%2F1", wallet) == (
        "/present?client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr%2F1"
    )
    assert route_link(f"{wallet}/shares", wallet) == "/shares"
    assert route_link('{"credential_issuer": "https://i.example"}', wallet) == (
        "/receive?credential_offer=%7B%22credential_issuer%22%3A+%22https%3A%2F%2Fi.example%22%7D"
    )


async def _paste(browser: Browser, credential: Any) -> tuple[int, str]:
    await browser.get("/add")
    text = credential if isinstance(credential, str) else json.dumps(credential)
    return await browser.post("/add", {"json": text})


async def test_paste_a_credential_issued_to_me(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    credential = await servers.issuer.issue(did)
    _says(await _paste(browser, credential), 200, "was added to your wallet")
    _says(await _paste(browser, credential), 400, "already in your wallet")
    assert await _count(browser) == 1


async def test_upload_a_credential_file(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    credential = await servers.issuer.issue(did)
    await browser.get("/add")
    form = aiohttp.FormData()
    form.add_field("json", "")
    form.add_field(
        "file",
        json.dumps({"verifiableCredential": credential}).encode(),
        filename="c.json",
        content_type="application/json",
    )
    _says(await browser.post("/add", form), 200, "was added")


async def test_refused_credentials_say_why_and_change_nothing(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    kept = await servers.issuer.issue(did)
    await _paste(browser, kept)

    tampered = await servers.issuer.issue(did)
    tampered["credentialSubject"]["result"][0]["value"] = "5.0"
    text = _says(await _paste(browser, tampered), 422, "does not verify")
    assert "signature" in text.lower()

    someone_else = await servers.issuer.issue("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    _says(await _paste(browser, someone_else), 422, "issued to did:key:z6MkhaXg")

    revoked = await servers.issuer.issue(did)
    await servers.issuer.set_status(revoked["id"], "revocation", True)
    _says(await _paste(browser, revoked), 422, "revoked")

    _says(await _paste(browser, "this is not json"), 422, "not JSON")
    _says(await _paste(browser, "[1, 2]"), 422, "not a credential")
    _says(await _paste(browser, "   "), 422, "Paste a credential")
    assert await _count(browser) == 1
