"""When the threads reading pictures are full, the wallet and the verifier say so at once (503 with
``Retry-After``) instead of queueing more uploads.

Real services and Redis; each app's QR reader is given a decoder that holds its only thread until
the test lets go (an event, never a sleep), so "full" is certain and nothing depends on timing.
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
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, unused_port
from markupsafe import escape

from plecak.runtime.qr import FRAME_READER, MAX_PIXELS, PHOTO_READER, QrReader, read_qr
from plecak.runtime.workers import BUSY_RETRY_SECONDS
from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.messages import EN as VERIFIER_EN
from plecak.verifier.messages import PL as VERIFIER_PL
from plecak.wallet.app import create_app as create_wallet
from plecak.wallet.i18n import EN as WALLET_EN
from plecak.wallet.i18n import PL as WALLET_PL
from support.qr_pictures import blank_png, qr_frame, qr_png
from support.verifier import verifier_settings
from support.wallet import Browser, wallet_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
POLISH = {"Accept-Language": "pl-PL,pl;q=0.9"}
_VERIFIER_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class HeldDecoder:
    """Reads QR codes like :func:`read_qr`, but only once released; says when a picture has arrived."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()

    def __call__(self, data: bytes, *, max_pixels: int = MAX_PIXELS) -> list[str]:
        self.arrived.set()
        assert self.release.wait(30), "the test never released the reader"
        return read_qr(data, max_pixels=max_pixels)

    async def until_busy(self) -> None:
        assert await asyncio.to_thread(self.arrived.wait, 30), "no picture reached the reader"


class Held:
    """The app's photo and frame readers: one thread each, no queue, each held by its own decoder."""

    def __init__(self, app: web.Application) -> None:
        self.photo, self.frame = HeldDecoder(), HeldDecoder()
        app[PHOTO_READER] = QrReader(workers=1, waiting=0, name="held-photo", decode=self.photo)
        app[FRAME_READER] = QrReader(workers=1, waiting=0, name="held-frame", decode=self.frame)

    def release(self) -> None:
        self.photo.release.set()
        self.frame.release.set()


def upload(field: str, token: str, name: str, picture: bytes, token_field: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field(token_field, token)
    form.add_field(field, picture, filename=name, content_type="image/png")
    return form


# -- the verifier ------------------------------------------------------------------------------------
@pytest.fixture
async def verifier(
    aiohttp_client: ClientFactory, redis_url: str
) -> AsyncIterator[tuple[TestClient[Any, Any], Held, str]]:
    app = create_verifier(verifier_settings(redis_url, unused_port(), set()))
    held = Held(app)
    client = await aiohttp_client(app)
    found = _VERIFIER_CSRF.search(await (await client.get("/")).text())
    assert found
    try:
        yield client, held, html.unescape(found.group(1))
    finally:
        held.release()


async def test_verifier_answers_503_at_once_while_its_photo_reader_is_full(
    verifier: tuple[TestClient[Any, Any], Held, str],
) -> None:
    client, held, token = verifier
    first = asyncio.ensure_future(
        client.post("/verify/upload", data=upload("file", token, "a.png", blank_png(), "csrf_token"))
    )
    await held.photo.until_busy()
    for headers, texts in (({}, VERIFIER_EN), (POLISH, VERIFIER_PL)):
        form = upload("file", token, "b.png", qr_png("https://example.org/x"), "csrf_token")
        resp = await client.post("/verify/upload", data=form, headers=headers, allow_redirects=False)
        assert resp.status == 503
        assert resp.headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
        assert resp.content_type == "text/html"  # a page, like the upload's other errors
        assert str(escape(texts["upload_busy"])) in await resp.text()
    held.photo.release.set()
    assert (await first).status == 422  # the held picture is read in the end (it has no QR code)


async def test_verifier_answers_503_problem_details_while_its_frame_reader_is_full(
    verifier: tuple[TestClient[Any, Any], Held, str],
) -> None:
    client, held, token = verifier
    frame = qr_frame("https://example.org/x")
    first = asyncio.ensure_future(client.post("/scan/frame", data=upload("frame", token, "f.jpg", frame, "csrf_token")))
    await held.frame.until_busy()
    resp = await client.post("/scan/frame", data=upload("frame", token, "g.jpg", frame, "csrf_token"), headers=POLISH)
    body = await resp.json(content_type=None)
    assert (resp.status, resp.content_type) == (503, "application/problem+json")
    assert (body["status"], body["detail"]) == (503, VERIFIER_PL["scan_frame_busy"])
    assert resp.headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
    # photos have a reader of their own: not held up by the frames
    form = upload("file", token, "a.png", blank_png(), "csrf_token")
    held.photo.release.set()
    assert (await client.post("/verify/upload", data=form)).status == 422
    held.frame.release.set()
    assert await (await first).json() == {"text": "https://example.org/x"}


# -- the wallet --------------------------------------------------------------------------------------
@pytest.fixture
async def wallet(redis_url: str, tmp_path: Path) -> AsyncIterator[tuple[Browser, Held]]:
    port = unused_port()
    app = create_wallet(wallet_settings(redis_url, tmp_path, port))
    held = Held(app)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        await browser.sign_up()
        await browser.get("/scan")
        yield browser, held
    finally:
        held.release()
        await browser.close()
        await server.close()


async def test_wallet_answers_503_at_once_while_its_photo_reader_is_full(
    wallet: tuple[Browser, Held],
) -> None:
    browser, held = wallet
    token = browser.csrf or ""
    first = asyncio.ensure_future(
        browser.session.post(browser.base + "/scan/photo", data=upload("photo", token, "a.png", blank_png(), "csrf"))
    )
    await held.photo.until_busy()
    for headers, texts in (({}, WALLET_EN), (POLISH, WALLET_PL)):
        form = upload("photo", token, "b.png", qr_png("https://example.org/x"), "csrf")
        async with browser.session.post(browser.base + "/scan/photo", data=form, headers=headers) as resp:
            assert resp.status == 503
            assert resp.headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
            assert str(escape(texts["scan.photo_busy"])) in await resp.text()
    held.photo.release.set()
    answer = await first
    assert answer.status == 422
    assert str(escape(WALLET_EN["scan.photo_no_qr"])) in await answer.text()
    answer.release()


async def test_wallet_answers_503_problem_details_while_its_frame_reader_is_full(
    wallet: tuple[Browser, Held],
) -> None:
    browser, held = wallet
    token, url = browser.csrf or "", browser.base + "/scan/frame"
    frame = qr_frame("https://example.org/x")
    first = asyncio.ensure_future(browser.session.post(url, data=upload("frame", token, "f.jpg", frame, "csrf")))
    await held.frame.until_busy()
    async with browser.session.post(url, data=upload("frame", token, "g.jpg", frame, "csrf"), headers=POLISH) as resp:
        body = await resp.json(content_type=None)
        assert (resp.status, resp.content_type) == (503, "application/problem+json")
        assert body["title"] == WALLET_PL["scan.frame_busy"]
        assert resp.headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
    held.frame.release.set()
    answer = await first
    assert await answer.json() == {"text": "https://example.org/x"}
