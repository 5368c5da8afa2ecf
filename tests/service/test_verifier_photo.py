"""The verifier reads a QR code from an uploaded photo or screenshot, and says what it accepts.

Real issuer, verifier and share-link server (real Redis), as in ``test_verifier_pages``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import aiohttp
import pytest
from markupsafe import escape

from plecak.verifier.messages import EN, PL
from support.qr_pictures import blank_png, qr_photo, qr_png
from support.verifier import Stack
from support.verifier_pages import ShareServer, result_page, share, stack, verdict

__all__ = ["share", "stack"]  # fixtures used by the tests below

POLISH = {"Accept-Language": "pl-PL,pl;q=0.9"}


def shown(message: str) -> str:
    """A catalogue sentence as the HTML page writes it (escaped)."""
    return str(escape(message))


def picture_form(token: str, content: bytes, name: str, content_type: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", content, filename=name, content_type=content_type)
    return form


async def upload(
    stack: Stack, content: bytes, name: str = "qr.png", content_type: str = "image/png", **kw: object
) -> aiohttp.ClientResponse:
    form = picture_form(await stack.csrf(), content, name, content_type)
    return await stack.verifier.post("/verify/upload", data=form, allow_redirects=False, **kw)  # type: ignore[arg-type]


async def test_screenshot_of_a_share_link_qr_checks_the_linked_credential(
    stack: Stack, share: ShareServer
) -> None:
    share.documents["valid"] = await stack.issue()
    link = f"{share.url}/share/valid"
    resp = await upload(stack, qr_png(link))
    assert resp.status == 303, await resp.text()
    assert resp.headers["Location"] == "/verify?url=" + quote(link, safe="")
    checked = await stack.verifier.get(resp.headers["Location"], allow_redirects=False)
    _, page = await result_page(stack, checked)
    assert verdict(page) != "failed"
    assert "Anna Nowak" in page


async def test_phone_photo_larger_than_a_credential_file_is_read(stack: Stack, share: ShareServer) -> None:
    photo = qr_photo(f"{share.url}/share/any")
    assert len(photo) > 1_000_000  # over the credential-file limit, under the photo limit
    resp = await upload(stack, photo, "IMG_0042.jpg", "image/jpeg")
    assert resp.status == 303, await resp.text()
    assert resp.headers["Location"].startswith("/verify?url=http")


async def test_photo_form_is_on_the_home_page_in_the_scan_section(stack: Stack) -> None:
    page = await (await stack.verifier.get("/")).text()
    scan = page.split('id="scan"', 1)[1].split("</section>", 1)[0]
    assert 'action="/verify/upload"' in scan
    assert 'accept="image/*"' in scan
    assert 'name="csrf_token"' in scan
    assert shown(EN["photo_intro"]) in scan


async def test_picture_without_a_qr_code_says_so_in_english_and_polish(stack: Stack) -> None:
    resp = await upload(stack, blank_png())
    assert resp.status == 422
    assert resp.content_type == "text/html"
    assert shown(EN["upload_no_qr"]) in await resp.text()
    resp = await upload(stack, blank_png(), headers=POLISH)
    assert resp.status == 422
    assert shown(PL["upload_no_qr"]) in await resp.text()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\xff\xfe\x9a", "diploma.docx"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "IMG_0001.HEIC"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR broken", "broken.png"),
    ],
)
async def test_file_that_is_neither_credential_nor_picture_says_what_is_accepted(
    stack: Stack, content: bytes, name: str
) -> None:
    resp = await upload(stack, content, name, "application/octet-stream")
    assert resp.status == 415
    assert resp.content_type == "text/html"
    text = await resp.text()
    assert "It accepts a credential file (.json or .jsonld)" in text
    assert "HEIC" in text
    assert "PDF" in text


async def test_photo_of_a_credential_offer_qr_explains_it_is_for_a_wallet(stack: Stack) -> None:
    offer = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Fo%2F1"
    resp = await upload(stack, qr_png(offer))
    assert resp.status == 422
    assert shown(EN["upload_qr_offer"]) in await resp.text()


async def test_photo_of_a_qr_without_link_or_credential_is_refused(stack: Stack) -> None:
    resp = await upload(stack, qr_png("just some words"))
    assert resp.status == 422
    assert shown(EN["upload_qr_unknown"]) in await resp.text()


async def test_photo_of_a_qr_pointing_at_the_verifier_itself_opens_that_page(stack: Stack) -> None:
    resp = await upload(stack, qr_png(f"{stack.verifier_url}/requests/abc"))
    assert resp.status == 303
    assert resp.headers["Location"] == "/requests/abc"


async def test_photo_over_the_photo_limit_is_413_with_the_limit(stack: Stack) -> None:
    resp = await upload(stack, b"\xff\xd8\xff" + b"\x00" * 10_100_000, "huge.jpg", "image/jpeg")
    assert resp.status == 413
    assert "at most 10 MB" in await resp.text()


def test_pictures_claiming_a_huge_canvas_are_refused_before_decoding() -> None:
    import io

    from PIL import Image

    from plecak.runtime.qr import NotAnImage, read_qr

    out = io.BytesIO()
    Image.new("1", (5000, 4000)).save(out, "PNG")  # 20 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(NotAnImage):
        read_qr(out.getvalue())
    with pytest.raises(NotAnImage):
        read_qr(qr_png("x"), max_pixels=100)


async def test_photo_of_a_share_qr_naming_another_verifier_checks_the_shared_link_here(
    stack: Stack, share: ShareServer
) -> None:
    link = f"{share.url}/share/valid"
    other = "https://verifier.example/verify?" + urlencode({"url": link})
    resp = await upload(stack, qr_png(other))
    assert resp.status == 303
    assert resp.headers["Location"] == "/verify?" + urlencode({"url": link})
