"""SD-JWT VCs in the wallet: received over OpenID4VCI from the real issuer, kept, shown, status checked."""

from __future__ import annotations

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
