"""An employer reading Polish uploads the Commission's European Digital Credential sample on a phone:
the verifier shows its elements and says, in Polish, that its seal was not checked (never "verified").

Real Chromium on a phone-sized screen, a real verifier on 127.0.0.1 with a real Redis. The
screenshot goes to /tmp/verifier-elm-pl.png so a person can look at how the page reads.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from support.verifier import start_stack

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
SAMPLE = Path(__file__).resolve().parents[1] / "vectors" / "elm" / "sample-mc-annex1-unsigned.jsonld"


async def test_uploaded_elm_sample_reads_in_polish_with_its_seal_not_checked(
    phone: Any, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)
    page = phone.page
    await page.goto(f"{stack.verifier_url}/lang/pl?next=/")
    await page.set_input_files("#upload-file", str(SAMPLE))
    async with page.expect_navigation(url=re.compile(r"/results/")):
        await page.click("#upload form button[type=submit]")

    banner = page.locator("#verdict")
    assert await banner.get_attribute("data-verdict") == "incomplete"
    headline = (await page.inner_text("#verdict h1")).strip()
    assert headline == "Czytelne europejskie cyfrowe poświadczenie — jego pieczęci nie sprawdzono"
    assert await page.locator("[data-check=proof]").get_attribute("data-outcome") == "unknown"
    assert "Nie sprawdzono" in await page.inner_text("[data-check=proof]")
    assert await page.locator(".check-passed[data-check=proof]").count() == 0
    assert (await page.inner_text("#el-learner dd")).strip() == "Ana Andromeda"
    assert (await page.inner_text("#el-country dd")).strip() == "Irlandia"
    assert (await page.inner_text("#el-workload_hours dd")).strip() == "60 godzin"
    assert (await page.inner_text("#el-qf_ehea dd")).strip() == "nie podano"
    assert "Pieczęci nie sprawdzono." in await page.inner_text("#elm-note")
    await page.screenshot(path="/tmp/verifier-elm-pl.png", full_page=True)

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the result page scrolls sideways on a phone"
    assert phone.errors == []
