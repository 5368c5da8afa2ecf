"""Scanning where the browser has no BarcodeDetector (Firefox, Safari): Chromium with it removed.

The wallet's and the verifier's scan sections offer a photo of the QR code instead; choosing the
picture sends it at once and the server reads it. Real issuer, wallet and verifier servers.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer, unused_port

from qr_pictures import png_of_svg, qr_png
from test_verifier_pages import ShareServer
from test_verifier_support import start_stack
from test_wallet_support import PASSWORD, Servers, servers

__all__ = ["servers"]

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
NO_DETECTOR = "Object.defineProperty(window, 'BarcodeDetector', {value: undefined, configurable: true});"
NO_DETECTOR += "delete window.BarcodeDetector;"


async def test_wallet_scan_page_reads_a_photo_of_the_offer_qr_without_barcode_detector(
    phone: Any, servers: Servers, tmp_path: Path
) -> None:
    page = phone.page
    await page.add_init_script(NO_DETECTOR)
    wallet = servers.wallet_url
    await page.goto(f"{wallet}/signup")
    await page.fill("#email", "ola@example.org")
    await page.fill("#password", PASSWORD)
    await page.fill("#password_again", PASSWORD)
    await page.click("main button[type=submit]")
    await page.goto(f"{wallet}/scan")
    assert await page.evaluate("'BarcodeDetector' in window") is False
    assert await page.locator("#scan-start").is_hidden()
    assert "Take a photo of the QR code" in await page.inner_text("#scan-message")

    offer = await servers.issuer.offer()
    picture = tmp_path / "offer-qr.png"
    picture.write_bytes(png_of_svg(base64.b64decode(offer["qrCode"].split(",", 1)[1]).decode()))
    async with page.expect_navigation(url=re.compile(r"/receive\?credential_offer_uri=")):
        await page.set_input_files("#photo", str(picture))  # sent as soon as it is chosen
    assert "Demo University of Technology offers you" in await page.inner_text("main")
    assert phone.errors == []


async def test_verifier_scan_section_reads_a_photo_of_a_share_qr_without_barcode_detector(
    phone: Any, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    share = ShareServer()
    share_server = await aiohttp_server(share.app, host="127.0.0.1", port=unused_port())
    share.url = str(share_server.make_url("")).rstrip("/")
    insecure = {share.url.removeprefix("http://")}
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, extra_insecure=insecure)
    share.documents["valid"] = await stack.issue("Katarzyna Zielińska")
    page = phone.page
    await page.add_init_script(NO_DETECTOR)
    await page.goto(f"{stack.verifier_url}/")
    assert "Take a photo of the QR code" in await page.inner_text("#scan-message")
    assert await page.locator("#scan-toggle").is_hidden()
    picture = tmp_path / "share-qr.png"
    picture.write_bytes(qr_png(f"{share.url}/share/valid"))
    async with page.expect_navigation(url=re.compile(r"/results/")):
        await page.set_input_files("#photo-file", str(picture))  # sent as soon as it is chosen
    # the shared credential was fetched and checked (its verdict is the verifier tests' business)
    assert await page.locator("#verdict").get_attribute("data-verdict") != "failed"
    assert "Katarzyna Zielińska" in await page.inner_text("main")
    assert phone.errors == []
