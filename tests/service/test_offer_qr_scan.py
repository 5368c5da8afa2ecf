"""Offer QR codes open the web wallet from a phone's camera app, and the wallet reads a QR code
from a photo or screenshot (for browsers without a live scanner).

Real issuer and wallet over HTTP with real Redis; the QR codes are the issuer's own SVGs, drawn as
pixels and decoded.
"""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest
from markupsafe import escape

from plecak.issuer.handlers import offer_qr_payload
from plecak.runtime.qr import qr_svg, read_qr
from plecak.wallet.i18n import EN, PL
from support.qr_pictures import blank_png, png_of_svg, qr_photo, qr_png
from support.wallet import Browser, Servers, servers

__all__ = ["servers"]


def decoded(data_uri: str) -> str:
    """What a QR code shown as an SVG data URI holds, read back from its pixels."""
    prefix = "data:image/svg+xml;base64,"
    assert data_uri.startswith(prefix)
    texts = read_qr(png_of_svg(base64.b64decode(data_uri.removeprefix(prefix)).decode()))
    assert len(texts) == 1, texts
    return texts[0]


async def send_photo(browser: Browser, content: bytes, name: str = "qr.png") -> tuple[int, str]:
    await browser.get("/scan")
    form = aiohttp.FormData()
    form.add_field("photo", content, filename=name, content_type="image/png")
    return await browser.post("/scan/photo", form)


async def test_offer_qr_code_holds_an_https_link_into_the_web_wallet(servers: Servers) -> None:
    offer: dict[str, Any] = await servers.issuer.offer()
    in_qr = decoded(offer["qrCode"])
    assert in_qr == offer["walletLink"]
    assert in_qr.startswith(f"{servers.wallet_url}/receive?credential_offer_uri=")
    # native wallets keep the custom-scheme link and a QR code of their own
    assert offer["offerLink"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert decoded(offer["appQrCode"]) == offer["offerLink"]


async def test_link_in_the_offer_qr_opens_the_wallet_receive_flow(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer()
    link = decoded(offer["qrCode"])
    assert link.startswith(f"{servers.wallet_url}/receive?")  # what a camera app opens in the browser
    status, text = await browser.get(link)
    assert browser.last_url.startswith(f"{servers.wallet_url}/receive?credential_offer_uri=")
    assert status == 200
    assert "Demo University of Technology offers you" in text


async def test_photo_of_the_offer_qr_opens_the_offer_in_the_wallet(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer()
    status, text = await send_photo(browser, png_of_svg(base64.b64decode(offer["qrCode"][26:]).decode()))
    assert status == 200, text
    assert "/receive?credential_offer_uri=" in browser.last_url
    assert "offers you" in text


async def test_phone_photo_of_a_native_wallet_offer_qr_also_works(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer()
    status, text = await send_photo(browser, qr_photo(offer["offerLink"]), "IMG_0042.jpg")
    assert status == 200, text
    assert "offers you" in text, text


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (blank_png(), "scan.photo_no_qr"),
        (b"%PDF-1.7\n1 0 obj\n", "scan.photo_not_image"),
        (qr_png("https://example.org/nothing"), "scan.unknown"),
    ],
)
async def test_unreadable_photo_says_why_in_english_and_polish(
    servers: Servers, content: bytes, key: str
) -> None:
    browser = servers.browser
    await browser.sign_up()
    status, text = await send_photo(browser, content)
    assert status == 422
    assert str(escape(EN[key])) in text
    await browser.get("/lang/pl?next=/scan")
    status, text = await send_photo(browser, content)
    assert status == 422
    assert str(escape(PL[key])) in text


async def test_photo_needs_the_form_token_and_an_account(servers: Servers) -> None:
    browser = servers.browser
    form = aiohttp.FormData()
    form.add_field("photo", qr_png("x"), filename="qr.png", content_type="image/png")
    status, _ = await browser.post("/scan/photo", form, csrf=False)
    assert status == 403


def test_offer_qr_payload_prefers_the_wallet_link() -> None:
    offer = {
        "offerLink": "openid-credential-offer://?credential_offer_uri=x",
        "walletLink": "https://w/receive?x",
    }
    assert offer_qr_payload(offer) == "https://w/receive?x"
    assert offer_qr_payload({"offerLink": offer["offerLink"]}) == offer["offerLink"]
    assert read_qr(png_of_svg(qr_svg(offer_qr_payload(offer)))) == ["https://w/receive?x"]


async def test_photo_over_the_wallet_body_limit_is_413_not_500(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    status, text = await send_photo(browser, b"\xff\xd8\xff" + b"\x00" * 6_000_000, "big.jpg")
    assert status == 413, text[:300]
