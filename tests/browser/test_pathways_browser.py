"""Pathways in real Chromium on a phone (issue 6's done-criterion).

A learner receives the three parts of the Certificate in Data Literacy through offer links, opens
the pathway link, sees the pathway complete in the wallet's Pathways view, claims the
certificate, finds it among their credentials, and shares it with its parts: the verifier says
verified and shows every cited part as presented and verified. Issuer, wallet and verifier are
real test servers on 127.0.0.1 with a real Redis. Screenshots go to /tmp (pathways-*.png).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from support.browser_pathways import PASSWORD, System, system
from support.browser_services import sign_up_in_browser

__all__ = ["system"]  # fixtures used by the tests below

SHOTS = Path("/tmp")


async def test_learner_completes_a_pathway_claims_and_shares_the_certificate(
    phone: Any, system: System
) -> None:
    page = phone.page
    wallet = system.wallet_url

    await sign_up_in_browser(page, wallet, PASSWORD)

    # the learner follows the pathway before holding all parts: in progress
    await page.goto(f"{wallet}/open?link={quote(system.pathway_url, safe='')}")
    assert await page.input_value("#url") == system.pathway_url
    await page.click("main form[action='/pathways/follow'] button[type=submit]")
    card = page.locator("#pathway-list li").first
    assert "Certificate in Data Literacy" in await card.inner_text()
    assert await card.get_attribute("data-met") == "no"
    assert "0 of 3 requirements met" in await card.inner_text()

    # three offer links: the parts arrive in the wallet
    for uuid in system.achievements:
        await page.goto(await system.offer(uuid))
        await page.click("main form button[type=submit]")
        await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))

    # the Pathways view shows the pathway complete
    await page.goto(f"{wallet}/pathways")
    card = page.locator("#pathway-list li").first
    assert await card.get_attribute("data-met") == "yes"
    assert "Complete" in await card.inner_text()
    await page.screenshot(path=str(SHOTS / "pathways-1-complete.png"), full_page=True)
    await card.locator("a").click()
    requirements = await page.inner_text("#requirements")
    assert "Mandatory: Statistics for Decisions: held" in requirements
    assert "electives of at least 3 ECTS 1 of 1" in requirements

    # claim: the certificate is issued and kept
    await page.click("#claim")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    assert "Certificate in Data Literacy" in await page.inner_text("h1")
    assert "Certificate received" in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "pathways-2-certificate.png"), full_page=True)
    await page.goto(f"{wallet}/")
    titles = await page.inner_text("#credential-list")
    assert "Certificate in Data Literacy" in titles
    badges = [t.strip() for t in await page.locator("#credential-list .badge").all_inner_texts()]
    assert badges == ["Valid"] * 4
    await page.goto(f"{wallet}/pathways")
    assert "Certificate held" in await page.inner_text("#pathway-list")

    # share the certificate with its parts: the verifier verifies all and shows the composition
    await page.goto(f"{wallet}/share")
    for box in await page.locator("input[name=c]").all():
        await box.check()
    await page.click("main form button[type=submit]")
    verify_link = await page.locator("#verify-link").get_attribute("href")
    await page.goto(verify_link)
    assert await page.locator("#verdict").get_attribute("data-verdict") == "verified"
    states = await page.locator(".composition .part").evaluate_all("els => els.map(e => e.dataset.state)")
    assert states == ["verified", "verified", "verified"]
    await page.screenshot(path=str(SHOTS / "pathways-3-verified.png"), full_page=True)

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    assert phone.errors == []
