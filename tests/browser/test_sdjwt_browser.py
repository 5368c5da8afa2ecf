"""Selective disclosure in real Chromium on a phone (issue 5's browser criterion, SD-JWT VC half).

The learner receives an SD-JWT VC, switches the grade off on the share screen (the preview says
"not shared"), shares, and the verifier page says verified with the grade marked "not shared by the
holder". A presentation whose disclosed value was changed is pasted into the verifier: it fails.
Real issuer, wallet and verifier test servers (see test_wallet_journey.py); screenshots go to /tmp.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import unquote

from support.browser_journey import PASSWORD, SHOTS, System, system
from support.browser_services import sign_up_in_browser
from support.issuer import AUTH

__all__ = ["system"]


async def _sd_jwt_offer(system: System) -> dict[str, Any]:
    async with system.admin.post(
        f"{system.issuer_url}/api/achievements/{system.achievement_uuid}/offers",
        json={"learner": {"name": "Zofia Mazur"}, "grade": "4.5", "format": "dc+sd-jwt"},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        result: dict[str, Any] = await resp.json()
        return result


def _tampered(sd_jwt: str, claim: str, value: str) -> str:
    parts = sd_jwt.split("~")
    for i, part in enumerate(parts[1:-1], start=1):
        salt, name, _ = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        if name == claim:
            parts[i] = (
                base64.urlsafe_b64encode(json.dumps([salt, name, value]).encode()).rstrip(b"=").decode()
            )
    return "~".join(parts)


async def test_learner_hides_the_grade_and_the_verifier_shows_it_not_shared(
    phone: Any, system: System
) -> None:
    page = phone.page
    wallet = system.wallet_url
    await sign_up_in_browser(page, wallet, PASSWORD)

    offer = await _sd_jwt_offer(system)
    await page.goto(offer["walletLink"])
    assert "selective disclosure" in await page.inner_text("main")
    await page.click("main form button[type=submit]")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    cid = page.url.rsplit("/", 1)[1]
    assert "Data Literacy Compact Course" in await page.inner_text("h1")

    # the share screen: the same switch list as for JSON-LD credentials, mandatory ones always shared
    await page.click('main .actions a[href^="/share"]')
    grade = page.locator(f"#field-{cid}-grade")
    assert await grade.is_checked()
    assert (
        await page.locator(f'[data-disclose="{cid}"] [data-field="title"] .badge').inner_text()
        == "always shared"
    )
    assert await page.locator(f'[data-disclose="{cid}"] [data-field="title"] input').is_disabled()
    assert await page.locator(f'[data-disclose="{cid}"] input[value="title"]').count() == 0
    assert "on its own link" in await page.locator(f'[data-alone="{cid}"]').inner_text()
    preview = page.locator(f'[data-preview="{cid}:grade"]').first
    assert "4.5" in await preview.inner_text()
    await grade.uncheck()
    assert (await preview.inner_text()).strip().endswith("not shared")
    assert "4.5" not in await preview.inner_text()
    await page.screenshot(path=str(SHOTS / "sdjwt-1-share-screen.png"), full_page=True)
    await page.click("main form button[type=submit]")
    verify_link = await page.locator("#verify-link").get_attribute("href")
    raw_link = await page.locator("#raw-link").get_attribute("href")

    # the verifier: verified, the grade marked not shared (never missing or invalid)
    await page.goto(verify_link)
    assert await page.locator("#verdict").get_attribute("data-verdict") == "verified"
    assert (await page.locator("#el-grade dd").inner_text()).strip() == "not shared by the holder"
    assert "Zofia Mazur" in await page.locator("#el-learner dd").inner_text()
    assert "Data Literacy Compact Course" in await page.locator("#el-title dd").inner_text()
    await page.screenshot(path=str(SHOTS / "sdjwt-2-verified-grade-not-shared.png"), full_page=True)

    # tampering: change the learner's name in the shared presentation and paste it: it fails
    async with system.admin.get(raw_link) as resp:
        document = await resp.json(content_type=None)
    shown = unquote(document["id"].removeprefix("data:application/dc+sd-jwt,"))
    await page.goto(f"{system.verifier_url}/")
    await page.fill("#paste-json", _tampered(shown, "name", "Somebody Else"))
    await page.click("#paste button[type=submit]")
    await page.wait_for_url(re.compile(r"/results/"))
    assert await page.locator("#verdict").get_attribute("data-verdict") == "failed"
    assert "Somebody Else" not in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "sdjwt-3-tampered-fails.png"), full_page=True)

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    assert phone.errors == []
