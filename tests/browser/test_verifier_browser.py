"""The verifier in real Chromium on a phone-sized screen: paste a credential, read the verdict.

The issuer and the verifier are real test servers on 127.0.0.1 with a real Redis. Screenshots go
to /tmp (verifier-*.png) so a person can look at how the pages read on a phone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from plecak.core.did import DidResolver
from plecak.core.oid4vp.jar import verify_request_object
from support.verifier import Holder, Stack, start_stack

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
SHOTS = Path("/tmp")


async def paste_and_check(phone: Any, stack: Stack, credential: dict[str, Any]) -> Any:
    page = phone.page
    await page.goto(f"{stack.verifier_url}/")
    await page.fill("#paste-json", json.dumps(credential, indent=2))
    async with page.expect_navigation(url=re.compile(r"/results/")):
        await page.click("#paste button[type=submit]")
    return page


async def test_paste_a_credential_and_see_green_then_a_revoked_one_in_red(
    phone: Any, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)
    valid = await stack.issue("Katarzyna Zielińska", grade="5.0")
    revoked = await stack.issue("Piotr Wójcik")
    await stack.set_status(revoked, "revocation")  # before any check: status lists are cached a minute

    page = phone.page
    await page.goto(f"{stack.verifier_url}/")
    assert await page.title() == "Plecak verifier"
    # no BarcodeDetector in Chromium on Linux: the camera scanner sends frames to the verifier
    assert await page.locator("#scan-toggle").is_visible()  # live scanning without BarcodeDetector
    await page.screenshot(path=str(SHOTS / "verifier-home.png"), full_page=True)

    await paste_and_check(phone, stack, valid)
    banner = page.locator("#verdict")
    # Genuine, but a pasted file is not presented by its holder: amber, and the banner says why.
    assert await banner.get_attribute("data-verdict") == "warnings"
    assert (await page.inner_text("#verdict h1")).strip() == "Genuine, but the holder was not checked"
    assert await page.locator("[data-check=binding]").get_attribute("data-outcome") == "warning"
    assert (await page.inner_text("#el-ects dd")).strip() == "3"
    assert (await page.inner_text("#el-eqf dd")).strip() == "6"
    assert (await page.inner_text("#el-learner dd")).strip() == "Katarzyna Zielińska"
    assert await page.locator(".check-passed").count() == 5
    await page.screenshot(path=str(SHOTS / "verifier-result-verified.png"), full_page=True)
    await page.screenshot(path=str(SHOTS / "verifier-result-verified-top.png"))

    await paste_and_check(phone, stack, revoked)
    assert await page.locator("#verdict").get_attribute("data-verdict") == "failed"
    headline = (await page.inner_text("#verdict h1")).strip()
    assert re.fullmatch(r"Revoked by the issuer on or before \d{4}-\d{2}-\d{2}", headline), headline
    assert "Revoked by the issuer." in await page.inner_text("[data-check=status]")
    await page.screenshot(path=str(SHOTS / "verifier-result-revoked.png"))

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the result page scrolls sideways on a phone"
    assert phone.errors == []


async def test_request_page_follows_the_wallet_answer_by_itself(
    phone: Any, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)
    page = phone.page
    await page.clock.install()  # the page's timers run on the test's clock (see run_for below)
    await page.goto(f"{stack.verifier_url}/")
    async with page.expect_navigation(url=re.compile(r"/requests/")):
        await page.click("#ask button[type=submit]")
    assert await page.locator("#request-qr").is_visible()
    await page.screenshot(path=str(SHOTS / "verifier-request.png"), full_page=True)
    link = await page.get_attribute("#same-device", "href")
    assert link is not None
    assert link.startswith("openid4vp://")
    request_uri = parse_qs(urlsplit(link).query)["request_uri"][0]

    # the learner's wallet (this test) fetches the request and answers it
    holder = Holder()
    credential = await stack.issue("Marta Lis", did=holder.did)
    async with aiohttp.ClientSession() as wallet:
        async with wallet.get(request_uri, headers={"Accept": "application/oauth-authz-req+jwt"}) as resp:
            verified = await verify_request_object(
                await resp.text(), resolve_did=DidResolver().resolve, now=datetime.now(UTC)
            )
            claims = verified.claims
        vp = holder.present([credential], challenge=claims["nonce"], domain=claims["client_id"])
        form = {"vp_token": json.dumps({"micro_credential": [vp]}), "state": claims["state"]}
        async with wallet.post(claims["response_uri"], data=form) as resp:
            assert resp.status == 200

    await page.clock.run_for(2000)  # request.js asks for the request's status every 2 s: now
    await page.wait_for_url(re.compile(r"/results/"), timeout=15_000)
    assert await page.locator("#verdict").get_attribute("data-verdict") == "verified"
    assert (await page.inner_text("#el-learner dd")).strip() == "Marta Lis"
    assert phone.errors == []
