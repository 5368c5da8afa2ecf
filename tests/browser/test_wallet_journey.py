"""The learner's whole journey in real Chromium on a phone-sized screen (issue 4's done-criterion).

Sign up in the wallet → open an offer link from the issuer → the credential appears → share it →
open the share link → the verifier says verified → the issuer revokes it → the wallet and the
share both show revoked. Issuer, wallet and verifier are real test servers on 127.0.0.1 with a
real Redis; they reach each other over plain http through their ``insecure_hosts``. Screenshots
go to /tmp (wallet-journey-*.png).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from support.browser_journey import PASSWORD, SHOTS, System, system
from support.browser_services import sign_up_in_browser
from support.issuer import AUTH

__all__ = ["system"]  # fixtures used by the tests below


async def _verdict(page: Any, url: str) -> str:
    await page.goto(url)
    verdict: str = await page.locator("#verdict").get_attribute("data-verdict")
    return verdict


async def test_learner_journey_on_a_phone(phone: Any, system: System) -> None:
    page = phone.page
    wallet = system.wallet_url

    # sign up
    await sign_up_in_browser(page, wallet, PASSWORD)
    assert "Your wallet is empty" in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "wallet-journey-1-signed-up.png"), full_page=True)

    # open the offer link the issuer sent, accept: the credential appears
    offer = await system.offer()
    await page.goto(offer["walletLink"])
    assert "Demo University of Technology offers you" in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "wallet-journey-2-offer.png"), full_page=True)
    await page.click("main form button[type=submit]")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    assert "Data Literacy Compact Course" in await page.inner_text("h1")
    credential_id = (await page.inner_text("main")).split("urn:uuid:", 1)[1].split()[0]
    await page.goto(f"{wallet}/")
    card = page.locator("#credential-list li").first
    assert "Data Literacy Compact Course" in await card.inner_text()
    assert (await card.locator(".badge").inner_text()).strip() == "Valid"
    await page.screenshot(path=str(SHOTS / "wallet-journey-3-list.png"), full_page=True)

    # share it: the link opens the verifier, which says verified
    await card.locator("a").click()
    await page.click('main .actions a[href^="/share"]')
    await page.click("main form button[type=submit]")
    verify_link = await page.locator("#verify-link").get_attribute("href")
    assert verify_link.startswith(f"{system.verifier_url}/verify?url=")
    await page.screenshot(path=str(SHOTS / "wallet-journey-4-share.png"), full_page=True)
    assert await _verdict(page, verify_link) == "verified"
    await page.screenshot(path=str(SHOTS / "wallet-journey-5-verified.png"), full_page=True)

    # the issuer revokes it: the wallet and the share both show it
    await system.revoke("urn:uuid:" + credential_id)
    await page.goto(f"{wallet}/")
    badge = page.locator("#credential-list li .badge").first
    assert (await badge.inner_text()).strip() == "Revoked"
    await page.screenshot(path=str(SHOTS / "wallet-journey-6-revoked.png"), full_page=True)
    assert await _verdict(page, verify_link) == "failed"  # the verifier keeps no status list (fixture)
    assert "revoked" in (await page.inner_text("main")).lower()
    await page.screenshot(path=str(SHOTS / "wallet-journey-7-share-revoked.png"), full_page=True)

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    assert phone.errors == []


async def test_learner_b_shares_learner_a_credential_and_the_verifier_is_not_green(
    phone: Any, system: System, tmp_path: Path
) -> None:
    """Issue 15: a credential issued by name only (no DID) to learner A, uploaded into learner B's
    wallet and shared: the wallet warns B, and the verifier never shows it green, in EN and PL."""
    async with system.admin.post(
        f"{system.issuer_url}/api/achievements/{system.achievement_uuid}/credentials",
        json={"learner": {"name": "Anna Nowak"}},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        credential_of_a = (await resp.json())["verifiableCredential"]
    assert "id" not in credential_of_a["credentialSubject"]
    file = tmp_path / "anna-nowak.json"
    file.write_text(json.dumps(credential_of_a), encoding="utf-8")

    page = phone.page
    wallet = system.wallet_url
    await sign_up_in_browser(page, wallet, PASSWORD, "bartek@example.org")

    await page.goto(f"{wallet}/add")
    await page.set_input_files("#file", str(file))
    await page.click("main form button[type=submit]")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    warning = await page.locator(".flash").all_inner_texts()
    assert any("not bound to your DID" in w for w in warning), warning
    await page.screenshot(path=str(SHOTS / "wallet-unbound-1-warning.png"), full_page=True)

    await page.click('main .actions a[href^="/share"]')
    await page.click("main form button[type=submit]")
    verify_link = await page.locator("#verify-link").get_attribute("href")
    assert await _verdict(page, verify_link) == "warnings"
    assert (await page.inner_text("#verdict h1")).strip() == "Genuine, but not tied to the person showing it"
    binding = page.locator("[data-check=binding]")
    assert await binding.get_attribute("data-outcome") == "warning"
    assert "Not tied to the learner" in await binding.inner_text()
    assert "Every check passed" not in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "wallet-unbound-2-verifier-en.png"), full_page=True)

    async with page.expect_navigation(url=re.compile(r"/results/")):
        await page.click("nav.langs a[hreflang=pl]")
    assert await page.locator("#verdict").get_attribute("data-verdict") == "warnings"
    assert (await page.inner_text("#verdict h1")).strip() == (
        "Autentyczne, ale niepowiązane z osobą, która je pokazuje"
    )
    assert "Niepowiązane z osobą uczącą się" in await page.inner_text("[data-check=binding]")
    await page.screenshot(path=str(SHOTS / "wallet-unbound-3-verifier-pl.png"), full_page=True)

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    assert phone.errors == []
