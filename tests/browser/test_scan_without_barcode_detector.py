"""Scanning where the browser has no BarcodeDetector (Firefox, Safari): Chromium with it removed.

Live: Chromium's fake camera plays a video of a QR code; the page sends small JPEGs of the camera
picture to its own service (``POST /scan/frame``), which reads them, and goes on as with
BarcodeDetector. Photo: choosing a picture of the QR code sends it at once and the server reads it.
A browser that cannot send camera frames (no ``canvas.toBlob``) is told to use the photo form.
Real issuer, wallet and verifier servers; no third-party script anywhere.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient, TestServer

from support.qr_pictures import png_of_svg, qr_png, qr_y4m
from support.verifier import start_stack
from support.verifier_pages import ShareServer
from support.wallet import PASSWORD, Servers, servers

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
    assert await page.locator("#photo").is_visible()

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
    share_server = await aiohttp_server(share.app, host="127.0.0.1")
    share.url = str(share_server.make_url("")).rstrip("/")
    insecure = {share.url.removeprefix("http://")}
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, extra_insecure=insecure)
    share.documents["valid"] = await stack.issue("Katarzyna Zielińska")
    page = phone.page
    await page.add_init_script(NO_DETECTOR)
    await page.goto(f"{stack.verifier_url}/")
    assert await page.locator("#photo-file").is_visible()
    picture = tmp_path / "share-qr.png"
    picture.write_bytes(qr_png(f"{share.url}/share/valid"))
    async with page.expect_navigation(url=re.compile(r"/results/")):
        await page.set_input_files("#photo-file", str(picture))  # sent as soon as it is chosen
    # the shared credential was fetched and checked (its verdict is the verifier tests' business)
    assert await page.locator("#verdict").get_attribute("data-verdict") != "failed"
    assert "Katarzyna Zielińska" in await page.inner_text("main")
    assert phone.errors == []


async def fake_camera_phone(tmp_path: Path, text: str) -> Any:
    """A Chromium whose camera shows the QR code of ``text`` (and says yes to the camera prompt)."""
    from playwright.async_api import async_playwright

    from support.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE

    video = tmp_path / "camera.y4m"
    video.write_bytes(qr_y4m(text))
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    playwright = await async_playwright().start()
    chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
    context = await chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.add_init_script(NO_DETECTOR)
    return playwright, chromium, page


def frames_sent(page: Any) -> list[str]:
    """The URLs of the camera frames the page posts (filled in as it sends them)."""
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    return sent


async def test_wallet_live_camera_reads_an_offer_qr_through_the_wallet_without_barcode_detector(
    browser: Any, servers: Servers, tmp_path: Path
) -> None:
    offer = await servers.issuer.offer()
    playwright, chromium, page = await fake_camera_phone(tmp_path, offer["walletLink"])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        wallet = servers.wallet_url
        await page.goto(f"{wallet}/signup")
        await page.fill("#email", "ola@example.org")
        await page.fill("#password", PASSWORD)
        await page.fill("#password_again", PASSWORD)
        await page.click("main button[type=submit]")
        await page.goto(f"{wallet}/scan")
        assert await page.evaluate("typeof window.BarcodeDetector") == "undefined"
        sent = frames_sent(page)
        async with page.expect_navigation(url=re.compile(r"/receive\?credential_offer_uri="), timeout=20000):
            await page.click("#scan-start")
        assert f"{wallet}/scan/frame" in sent  # the wallet read the camera picture
        assert "Demo University of Technology offers you" in await page.inner_text("main")
        assert errors == []
    finally:
        await chromium.close()
        await playwright.stop()


async def verifier_with_a_share(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    tmp_path: Path,
    **overrides: Any,
) -> tuple[Any, str]:
    """A verifier (and issuer) and what a wallet's share QR code of a valid credential holds."""
    share = ShareServer()
    share_server = await aiohttp_server(share.app, host="127.0.0.1")
    share.url = str(share_server.make_url("")).rstrip("/")
    insecure = {share.url.removeprefix("http://")}
    stack = await start_stack(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, extra_insecure=insecure, **overrides
    )
    share.documents["valid"] = await stack.issue("Katarzyna Zielińska")
    # what a wallet's share QR code holds: its own verifier's page for the shared link
    return stack, "https://verifier.example/verify?" + urlencode({"url": f"{share.url}/share/valid"})


async def test_verifier_live_camera_reads_a_share_qr_through_the_verifier_without_barcode_detector(
    browser: Any, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack, wallet_qr = await verifier_with_a_share(aiohttp_server, aiohttp_client, redis_url, tmp_path)
    playwright, chromium, page = await fake_camera_phone(tmp_path, wallet_qr)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(f"{stack.verifier_url}/")
        assert await page.locator("#scan-toggle").is_visible()
        sent = frames_sent(page)
        async with page.expect_navigation(url=re.compile(r"/results/"), timeout=20000):
            await page.click("#scan-toggle")
        assert f"{stack.verifier_url}/scan/frame" in sent  # the verifier read the camera picture
        assert "Katarzyna Zielińska" in await page.inner_text("main")
        assert errors == []
    finally:
        await chromium.close()
        await playwright.stop()


async def test_verifier_live_camera_says_when_it_sent_too_many_frames(
    browser: Any, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack, wallet_qr = await verifier_with_a_share(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, scan_frames_per_minute=1
    )
    playwright, chromium, page = await fake_camera_phone(tmp_path, wallet_qr)
    try:
        await page.goto(f"{stack.verifier_url}/")
        # this client's one frame of the minute is used up (the way the page sends one)
        status = await page.evaluate(
            """async () => {
                const body = new FormData(document.getElementById("photo-form"));
                body.delete("file");
                body.append("frame", new Blob(["not a picture"], {type: "image/jpeg"}), "frame.jpg");
                return (await fetch("/scan/frame", {method: "POST", body})).status;
            }"""
        )
        assert status == 415
        await page.click("#scan-toggle")
        message = page.locator("#scan-message")
        await message.filter(has_text="Live scanning goes on in").wait_for(timeout=20000)
        assert await page.locator("#scan-video").is_visible()  # paused, not stopped
        assert await page.locator("#photo-file").is_visible()
    finally:
        await chromium.close()
        await playwright.stop()


async def test_scan_pages_say_so_when_the_browser_cannot_send_camera_frames(
    phone: Any, aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    page = phone.page
    await page.add_init_script(NO_DETECTOR + "delete HTMLCanvasElement.prototype.toBlob;")
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)
    await page.goto(f"{stack.verifier_url}/")
    assert "Take a photo of the QR code" in await page.inner_text("#scan-message")
    assert await page.locator("#scan-toggle").is_hidden()
    assert await page.locator("#photo-file").is_visible()
