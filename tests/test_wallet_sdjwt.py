"""SD-JWT VCs in the wallet: received over OpenID4VCI from the real issuer, kept, shown, status checked."""

from __future__ import annotations

import json
import re
from typing import Any

from test_wallet_support import AUTH, Servers, servers

__all__ = ["servers"]


def _cards(text: str) -> list[str]:
    return re.findall(r'<a href="/credentials/[0-9a-f]+" class="card-title">([^<]+)</a>', text)


async def _receive(servers: Servers) -> tuple[dict[str, Any], str]:
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer(format="dc+sd-jwt", grade="4.5")
    status, text = await browser.get(offer["walletLink"])
    assert status == 200, text
    assert "offers you" in text and "selective disclosure" in text
    action = re.search(r'action="(/receive/[A-Za-z0-9_-]+)"', text)
    assert action, text
    status, text = await browser.post(action.group(1), {})
    assert status == 200, text
    return offer, text


async def test_sd_jwt_offer_is_received_verified_and_shown_with_every_element(servers: Servers) -> None:
    _, text = await _receive(servers)
    assert "/credentials/" in servers.browser.last_url
    assert "Data Literacy Compact Course" in text and "was received" in text
    assert 'class="badge status-valid"' in text
    # the holder sees every disclosure, including the grade and its own name
    assert "Anna Nowak" in text and "4.5" in text
    _, listing = await servers.browser.get("/")
    assert _cards(listing) == ["Data Literacy Compact Course"]


async def test_sd_jwt_credential_shows_revoked_after_the_issuer_revokes_it(servers: Servers) -> None:
    offer, _ = await _receive(servers)
    async with servers.issuer.client.get(
        f"{servers.issuer.url}/api/offers/{offer['id']}", headers=AUTH
    ) as resp:
        credential_id = (await resp.json())["credentialId"]
    await servers.issuer.set_status(credential_id, "revocation", True)
    _, listing = await servers.browser.get("/")
    assert "status-revoked" in listing


async def test_share_screen_has_a_switch_per_disclosable_field_and_the_link_hides_the_grade(
    servers: Servers,
) -> None:
    from test_wallet_share import _raw_link, _share

    await _receive(servers)
    browser = servers.browser
    cid = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url).group(1)  # type: ignore[union-attr]
    _, text = await browser.get(f"/share?c={cid}")
    assert f'name="fields.{cid}" value="grade"' in text
    assert f'name="fields.{cid}" value="name"' in text
    # mandatory elements are shown as always shared, with no switch
    assert re.search(r'data-field="title"><span class="small"><strong>[^<]+</strong>: Data Literacy', text)
    assert f'name="fields.{cid}" value="title"' not in text
    assert "always shared" in text and 'data-preview="grade"' in text
    assert '<script src="/static/share.js" defer></script>' in text
    # the learner switches the grade off: everything else stays on
    status, created = await _share(browser, [cid], days="7", **{f"fields.{cid}": "name"})
    assert status == 201, created
    raw = _raw_link(created)
    async with servers.issuer.client.get(raw) as resp:
        document = await resp.json(content_type=None)
    assert document["type"] == "EnvelopedVerifiableCredential"
    from urllib.parse import unquote

    from vc.did import DidResolver
    from vc.sdjwt import SdJwtVerifier

    shown = unquote(document["id"].removeprefix("data:application/dc+sd-jwt,"))
    resolver = DidResolver(insecure_hosts={servers.issuer.url.removeprefix("http://")})
    result = await SdJwtVerifier(resolver).verify(shown, nonce=None, audience=None)
    assert result.verified, result.to_json()
    assert result.disclosed["name"] == "Anna Nowak"
    assert "grade" not in result.disclosed and "grade" in result.undisclosed


async def test_an_sd_jwt_credential_is_shared_on_its_own(servers: Servers) -> None:
    from test_wallet_share import _share

    await _receive(servers)
    browser = servers.browser
    sd_cid = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url).group(1)  # type: ignore[union-attr]
    other = await servers.issuer.issue()  # a W3C credential with no subject DID
    await browser.get("/add")
    status, _ = await browser.post("/add", {"json": json.dumps(other)})
    assert status == 200
    w3c_cid = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url).group(1)  # type: ignore[union-attr]
    status, text = await _share(browser, [sd_cid, w3c_cid], days="7")
    assert status == 400 and "on its own" in text
