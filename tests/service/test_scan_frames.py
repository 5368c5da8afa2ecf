"""``POST /scan/frame`` of the wallet and the verifier: the live camera scanner of browsers without
``BarcodeDetector`` (Firefox, Safari) sends a JPEG of the camera picture and the service reads it.

Real wallet and verifier servers with real Redis; the frames are JPEGs like the scan pages send.
What the pages do with the answer is in ``tests/browser/test_scan_without_barcode_detector.py``.
"""

from __future__ import annotations

import asyncio
import html
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer, unused_port

from plecak.runtime.qr import MAX_FRAME_BYTES, QrReader, ReaderBusy
from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.messages import EN as VERIFIER_EN
from plecak.verifier.messages import PL as VERIFIER_PL
from plecak.wallet.app import create_app as create_wallet
from plecak.wallet.i18n import EN as WALLET_EN
from plecak.wallet.i18n import PL as WALLET_PL
from support.qr_pictures import qr_frame, qr_png
from support.verifier import verifier_settings
from support.wallet import Browser, wallet_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
OFFER = "https://wallet.example/receive?credential_offer_uri=https%3A%2F%2Fissuer.example%2Fo%2F1"
POLISH = {"Accept-Language": "pl-PL,pl;q=0.9"}
_VERIFIER_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def frame_form(field: str, token: str | None, frame: bytes | None) -> aiohttp.FormData:
    form = aiohttp.FormData()
    if token is not None:
        form.add_field(field, token)
    if frame is not None:
        form.add_field("frame", frame, filename="frame.jpg", content_type="image/jpeg")
    return form


async def answer(resp: aiohttp.ClientResponse) -> tuple[int, str, Any]:
    """Status, content type and parsed JSON body (every answer of the route is JSON)."""
    return resp.status, resp.content_type, await resp.json(content_type=None)


# -- the wallet ------------------------------------------------------------------------------------
@pytest.fixture
async def wallet(redis_url: str, tmp_path: Path) -> AsyncIterator[Browser]:
    """A wallet allowing 3 frames a minute per client, and a browser signed in to it."""
    port = unused_port()
    server = TestServer(
        create_wallet(wallet_settings(redis_url, tmp_path, port, scan_frames_per_minute=3)),
        host="127.0.0.1",
        port=port,
    )
    await server.start_server()
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        await browser.sign_up()
        await browser.get("/scan")
        yield browser
    finally:
        await browser.close()
        await server.close()


async def wallet_frame(
    browser: Browser, frame: bytes | None, *, token: str | None = "", headers: dict[str, str] | None = None
) -> tuple[int, str, Any]:
    form = frame_form("csrf", browser.csrf if token == "" else token, frame)
    async with browser.session.post(browser.base + "/scan/frame", data=form, headers=headers) as resp:
        return await answer(resp)


async def test_wallet_reads_the_qr_code_in_a_camera_frame(wallet: Browser) -> None:
    assert await wallet_frame(wallet, qr_frame(OFFER)) == (200, "application/json", {"text": OFFER})


async def test_wallet_answers_null_for_a_frame_without_a_qr_code(wallet: Browser) -> None:
    assert await wallet_frame(wallet, qr_frame(None)) == (200, "application/json", {"text": None})


# just over (read, then refused) and far over (refused by its Content-Length, before it is read)
OVERSIZE = pytest.mark.parametrize("size", [MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES + 100_000])


@OVERSIZE
async def test_wallet_refuses_a_frame_over_one_megabyte_with_a_problem(wallet: Browser, size: int) -> None:
    big = b"\xff\xd8\xff" + bytes(size - 3)
    status, kind, body = await wallet_frame(wallet, big)
    assert (status, kind, body["status"]) == (413, "application/problem+json", 413)
    assert body["title"] == WALLET_EN["scan.frame_too_large"].format(max=MAX_FRAME_BYTES)


async def test_wallet_refuses_a_frame_that_is_not_a_picture(wallet: Browser) -> None:
    status, kind, body = await wallet_frame(wallet, b"%PDF-1.7\n" + b"x" * 100)
    assert (status, kind, body["title"]) == (415, "application/problem+json", WALLET_EN["scan.frame_not_image"])


async def test_wallet_refuses_a_frame_without_the_form_token(wallet: Browser) -> None:
    for token in (None, "forged-token"):
        status, kind, body = await wallet_frame(wallet, qr_frame(OFFER), token=token)
        assert (status, kind, body["status"]) == (403, "application/problem+json", 403)


async def test_wallet_refuses_a_frame_from_a_signed_out_browser(wallet: Browser) -> None:
    await wallet.post("/signout")
    await wallet.get("/signin")  # a fresh anonymous session: its form token is valid, but no account
    status, kind, body = await wallet_frame(wallet, qr_frame(OFFER))
    assert (status, kind, body["title"]) == (401, "application/problem+json", WALLET_EN["scan.frame_signed_out"])


async def test_wallet_limits_frames_per_client_and_says_when_to_go_on(wallet: Browser) -> None:
    for _ in range(3):
        assert (await wallet_frame(wallet, qr_frame(None)))[0] == 200
    async with wallet.session.post(
        wallet.base + "/scan/frame", data=frame_form("csrf", wallet.csrf, qr_frame(OFFER)), headers=POLISH
    ) as resp:
        status, kind, body = await answer(resp)
        wait = int(resp.headers["Retry-After"])
    assert (status, kind) == (429, "application/problem+json")
    assert 1 <= wait <= 60
    assert body["title"] == WALLET_PL["scan.frame_too_many"].format(seconds=wait)


# -- the verifier ----------------------------------------------------------------------------------
class Verifier:
    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.token = ""

    async def open_home(self) -> None:
        resp = await self.client.get("/")
        found = _VERIFIER_CSRF.search(await resp.text())
        assert found
        self.token = html.unescape(found.group(1))

    async def frame(
        self, frame: bytes | None, *, token: str | None = "", headers: dict[str, str] | None = None
    ) -> tuple[int, str, Any]:
        form = frame_form("csrf_token", self.token if token == "" else token, frame)
        async with self.client.post("/scan/frame", data=form, headers=headers) as resp:
            return await answer(resp)


@pytest.fixture
async def verifier(aiohttp_client: ClientFactory, redis_url: str) -> Verifier:
    """A verifier allowing 3 frames a minute per client, and a browser that opened its home page."""
    settings = verifier_settings(redis_url, unused_port(), set(), scan_frames_per_minute=3)
    client = Verifier(await aiohttp_client(create_verifier(settings)))
    await client.open_home()
    return client


async def test_verifier_reads_the_qr_code_in_a_camera_frame(verifier: Verifier) -> None:
    share = "https://verifier.example/verify?url=https%3A%2F%2Fwallet.example%2Fs%2Fabc"
    assert await verifier.frame(qr_frame(share)) == (200, "application/json", {"text": share})


async def test_verifier_answers_null_for_a_frame_without_a_qr_code(verifier: Verifier) -> None:
    assert await verifier.frame(qr_frame(None)) == (200, "application/json", {"text": None})


@OVERSIZE
async def test_verifier_refuses_a_frame_over_one_megabyte_with_a_problem(verifier: Verifier, size: int) -> None:
    status, kind, body = await verifier.frame(b"\xff\xd8\xff" + bytes(size - 3))
    assert (status, kind, body["status"]) == (413, "application/problem+json", 413)
    assert body["detail"] == VERIFIER_EN["scan_frame_too_large"].format(limit="1 MB")


async def test_verifier_refuses_a_frame_that_is_not_a_picture(verifier: Verifier) -> None:
    status, kind, body = await verifier.frame(b"%PDF-1.7\n" + b"x" * 100)
    assert (status, kind, body["detail"]) == (415, "application/problem+json", VERIFIER_EN["scan_frame_not_image"])


async def test_verifier_refuses_a_frame_without_a_valid_form_token(verifier: Verifier) -> None:
    for token in (None, "forged-token"):
        status, kind, body = await verifier.frame(qr_frame(OFFER), token=token)
        assert (status, kind, body["detail"]) == (403, "application/problem+json", VERIFIER_EN["scan_frame_expired"])


async def test_verifier_refuses_a_form_without_a_frame(verifier: Verifier) -> None:
    status, kind, body = await verifier.frame(None)
    assert (status, kind, body["detail"]) == (400, "application/problem+json", VERIFIER_EN["scan_frame_missing"])


async def test_verifier_limits_frames_per_client_apart_from_checks(verifier: Verifier) -> None:
    for _ in range(3):
        assert (await verifier.frame(qr_frame(None)))[0] == 200
    async with verifier.client.post(
        "/scan/frame", data=frame_form("csrf_token", verifier.token, qr_frame(OFFER)), headers=POLISH
    ) as resp:
        status, kind, body = await answer(resp)
        wait = int(resp.headers["Retry-After"])
    assert (status, kind) == (429, "application/problem+json")
    assert 1 <= wait <= 60
    assert body["detail"] == VERIFIER_PL["scan_frame_too_many"].format(seconds=wait)
    # the frames did not use up the client's checks: a pasted credential is still checked
    form = {"csrf_token": verifier.token, "credential": "{}"}
    resp = await verifier.client.post("/verify", data=form, allow_redirects=False)
    assert resp.status != 429


# -- shared ------------------------------------------------------------------------------------------
async def test_reader_refuses_at_once_when_its_threads_and_queue_are_full() -> None:
    reader = QrReader(workers=1, waiting=0)
    release = threading.Event()
    blocker = reader._pool.submit(release.wait)  # the only thread is busy
    first = asyncio.ensure_future(reader.read(qr_png("first")))
    await asyncio.sleep(0)  # the first picture takes the only slot and queues behind the blocker
    with pytest.raises(ReaderBusy):
        await reader.read(qr_png("second"))
    release.set()
    assert await first == ["first"]
    blocker.result()
    assert await reader.read(qr_png("third")) == ["third"]  # its slot was given back


async def test_scan_pages_load_no_third_party_script(wallet: Browser, verifier: Verifier) -> None:
    _, scan = await wallet.get("/scan")
    home = await (await verifier.client.get("/")).text()
    for page in (scan, home):
        scripts = re.findall(r'<script src="([^"]+)"', page)
        # the camera reader both services share comes first, then the page's own script
        assert scripts.index("/shared/scan-camera.js") < scripts.index("/static/scan.js"), scripts
        assert all(src.startswith(("/static/", "/shared/")) for src in scripts), scripts
    status, shared = await wallet.get("/shared/scan-camera.js")
    assert status == 200
    assert "PlecakScan" in shared
    assert (await verifier.client.get("/shared/scan-camera.js")).status == 200
    status, _ = await wallet.get("/vendor/jsQR-1.4.0.js")
    assert status == 404
    assert (await verifier.client.get("/vendor/jsQR-1.4.0.js")).status == 404
