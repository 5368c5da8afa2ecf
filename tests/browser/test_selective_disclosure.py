"""Selective disclosure in real Chromium (issue 5's done-criterion for ecdsa-sd-2023).

The learner accepts an ecdsa-sd-2023 micro-credential offer, switches the grade off on the share
screen (the preview shows it as not shared), shares, and the verifier page says verified with the
grade "not shared by the holder". A copy of the shared credential with a disclosed value changed,
pasted into the verifier, fails. Screenshots go to /tmp (sd-*.png).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import quote

import aiohttp

from support.browser_journey import PASSWORD, SHOTS, System, system
from support.browser_services import sign_up_in_browser
from support.issuer import AUTH

__all__ = ["system"]


async def sd_offer(system: System) -> dict[str, Any]:
    async with system.admin.post(
        f"{system.issuer_url}/api/achievements/{system.achievement_uuid}/offers",
        json={"learner": {"name": "Zofia Mazur"}, "grade": "4.5", "cryptosuite": "ecdsa-sd-2023"},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        result: dict[str, Any] = await resp.json()
        return result


def element(text: str) -> str:
    return " ".join(text.split())


async def test_learner_hides_grade_and_verifier_shows_it_not_shared(phone: Any, system: System) -> None:
    page = phone.page
    wallet = system.wallet_url
    await sign_up_in_browser(page, wallet, PASSWORD)

    offer = await sd_offer(system)
    assert offer["credentialOffer"]["credential_configuration_ids"] == ["OpenBadgeCredential_ldp_vc_sd"]
    await page.goto(offer["walletLink"])
    await page.click("main form button[type=submit]")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    assert "Data Literacy Compact Course" in await page.inner_text("h1")

    # the share screen: one switch per field, mandatory ones always shared, a live preview
    await page.click('main .actions a[href^="/share"]')
    grade_switch = page.locator('input[data-sd-field$=":grade"]')
    assert await grade_switch.is_checked()
    title_switch = page.locator("label.switch", has_text="Title").locator("input")
    assert await title_switch.is_disabled()
    assert await title_switch.is_checked()
    preview_grade = page.locator('[data-preview$=":grade"]').first
    assert "4.5" in await preview_grade.inner_text()
    await grade_switch.uncheck()
    assert "not shared" in await preview_grade.inner_text()
    assert "4.5" not in await preview_grade.inner_text()
    await page.screenshot(path=str(SHOTS / "sd-1-share-screen.png"), full_page=True)
    await page.click("main form button[type=submit]")
    verify_link = await page.locator("#verify-link").get_attribute("href")
    raw_link = await page.locator("#raw-link").get_attribute("href")

    # the verifier: verified, the grade not shared by the holder, the rest shown
    await page.goto(verify_link)
    assert await page.locator("#verdict").get_attribute("data-verdict") == "verified"
    # ecdsa-sd-2023 cannot tell withheld from never stated, so the page says both
    assert (
        element(await page.inner_text("#el-grade dd"))
        == "not shared by the holder, or not filled in by the issuer"
    )
    assert element(await page.inner_text("#el-ects dd")) == "3"
    assert element(await page.inner_text("#el-title dd")) == "Data Literacy Compact Course"
    assert "not stated" not in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "sd-2-verified-grade-not-shared.png"), full_page=True)

    # a disclosed value changed: the verifier says not valid
    async with aiohttp.ClientSession() as client, client.get(raw_link) as resp:
        vp = await resp.json()
    tampered = copy.deepcopy(vp["verifiableCredential"][0])
    assert "result" not in tampered["credentialSubject"]
    tampered["credentialSubject"]["creditsEarned"] = 30
    await page.goto(f"{system.verifier_url}/")
    await page.fill("#paste-json", json.dumps(tampered))
    await page.locator("#paste-json").locator("xpath=..").locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/results/"))
    assert await page.locator("#verdict").get_attribute("data-verdict") == "failed"
    await page.screenshot(path=str(SHOTS / "sd-3-tampered-failed.png"), full_page=True)

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    assert phone.errors == []


async def test_employer_asks_for_elements_and_the_learner_declines_the_grade_over_openid4vp(
    phone: Any, system: System
) -> None:
    page = phone.page
    wallet = system.wallet_url
    await sign_up_in_browser(page, wallet, PASSWORD)
    offer = await sd_offer(system)
    await page.goto(offer["walletLink"])
    await page.click("main form button[type=submit]")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    cid = page.url.rsplit("/", 1)[1]

    # the employer asks for a W3C micro-credential with the grade and the workload in hours
    await page.goto(f"{system.verifier_url}/")
    await page.check("#ask-grade")
    await page.check("#ask-workload_hours")
    await page.locator("#ask button[type=submit]").click()
    link = await page.get_attribute("#same-device", "href")
    assert link is not None
    assert link.startswith("openid4vp://")

    # the learner's answer page: a switch per asked element, the rest always or never shared
    await page.goto(f"{wallet}/open?link={quote(link, safe='')}")
    grade = page.locator(f"#answer-q1-{cid}-grade")
    assert await grade.is_checked()
    title = page.locator(f'[data-answer="{cid}"] [data-field="title"]')
    assert "the issuer requires it" in await title.inner_text()
    assert await title.locator("input").is_disabled()
    assert await page.locator(f'[data-answer="{cid}"] [data-field="learner"]').count() == 0
    preview = page.locator(f'[data-preview="q1-{cid}:grade"]').first
    assert "4.5" in await preview.inner_text()
    assert "not shared" in await page.locator(f'[data-preview="q1-{cid}:learner"]').inner_text()
    await grade.uncheck()
    assert "not shared" in await preview.inner_text()
    assert "4.5" not in await preview.inner_text()
    await page.screenshot(path=str(SHOTS / "sd-4-openid4vp-answer.png"), full_page=True)
    await page.click('main button[name="action"][value="send"]')
    await page.wait_for_selector("#present-sent")
    await page.click("main a.button")  # back to the verifier, which holds the transaction cookie
    await page.wait_for_url(re.compile(r"/results/"))
    # ecdsa-sd-2023 cannot tell withheld from never stated, so the page says both
    assert (
        element(await page.inner_text("#el-grade dd"))
        == "not shared by the holder, or not filled in by the issuer"
    )
    assert (
        element(await page.inner_text("#el-learner dd"))
        == "not shared by the holder, or not filled in by the issuer"
    )
    assert element(await page.inner_text("#el-eqf dd")) == "6"
    assert "not shared by the holder" not in await page.inner_text("#el-workload_hours dd")
    await page.screenshot(path=str(SHOTS / "sd-5-openid4vp-result.png"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    assert phone.errors == []
