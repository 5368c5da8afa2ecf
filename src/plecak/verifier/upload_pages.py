"""The employer's upload pages: a credential file, a wallet's PDF, a photo of a QR code, camera frames."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from aiohttp import web

from plecak.core.jose_vc import envelope_of_bytes, envelope_of_text
from plecak.runtime.clientaddr import client_limit_key
from plecak.runtime.qr import (
    FRAME_READER,
    MAX_FRAME_BYTES,
    MAX_FRAME_PIXELS,
    PHOTO_READER,
    NotAnImage,
    looks_like_image,
)
from plecak.runtime.web import Problem, json_response
from plecak.runtime.workers import BUSY_RETRY_SECONDS, BoundedWorkers, WorkersBusy

from .app_keys import CSRF, FRAME_LIMITER, SETTINGS
from .errors import page
from .i18n import local_path, texts_of
from .page_tools import (
    forbidden,
    limit_checks,
    parse_text,
    read_upload,
    redirect,
    size,
    verify_and_show,
)
from .pdf import NoCredentialInPdf, UnreadablePdf, credential_in_pdf, looks_like_pdf
from .route_table import routes
from .sdjwt import sd_jwt_text

__all__ = [
    "scan_frame",
    "verify_upload",
]


_NO_STORE = {"Cache-Control": "no-store"}


def _busy(t: Mapping[str, str], key: str) -> Problem:
    """503 at once when the threads reading pictures or PDFs are full, rather than queueing more."""
    headers = {"Retry-After": str(BUSY_RETRY_SECONDS), **_NO_STORE}
    return Problem(503, "Busy", t[key], headers=headers)


def _not_accepted(t: Mapping[str, str]) -> Problem:
    return Problem(415, "Not a credential or a QR code", t["upload_not_accepted"])


async def _verify_photo(request: web.Request, data: bytes) -> web.StreamResponse:
    """A photo or screenshot of a QR code: check what the code holds (a link, or the credential itself)."""
    t = texts_of(request)
    try:
        texts = await request.app[PHOTO_READER].read(data)
    except NotAnImage:
        raise _not_accepted(t) from None
    except WorkersBusy:
        raise _busy(t, "upload_busy") from None
    if not texts:
        raise Problem(422, "No QR code found", t["upload_no_qr"])
    text = texts[0].strip()
    scheme = urlsplit(text).scheme.lower() if "://" in text[:40] else ""
    if scheme in ("http", "https"):
        own = urlsplit(request.app[SETTINGS].public_url)
        parts = urlsplit(text)
        inner = parse_qs(parts.query).get("url", [""])[0]
        if parts.path.rstrip("/").endswith("/verify") and inner.startswith(("https://", "http://")):
            # a wallet's share QR code names its own verifier: check the shared link here
            return redirect("/verify?" + urlencode({"url": inner}))
        if (parts.scheme, parts.netloc) == (own.scheme, own.netloc):
            return redirect(local_path(parts.path + ("?" + parts.query if parts.query else "")))
        return redirect("/verify?" + urlencode({"url": text}))
    if scheme == "openid-credential-offer":
        raise Problem(422, "A credential offer", t["upload_qr_offer"])
    if sd_jwt_text(text) is not None:
        return await verify_and_show(request, text, source="upload")
    if (jose := envelope_of_text(text)) is not None:
        return await verify_and_show(request, jose, source="upload")
    if text.startswith("{"):
        return await verify_and_show(request, parse_text(text, request), source="upload")
    raise Problem(422, "Nothing to check in this QR code", t["upload_qr_unknown"])


_PDF_READERS = BoundedWorkers(workers=2, waiting=4, name="pdf")
"""At most two uploaded PDFs are read at once (parsing and decompressing), four more waiting."""


async def _credential_of_pdf(data: bytes, limit: int, t: Mapping[str, str]) -> bytes:
    """The credential file attached to an uploaded PDF (a wallet's printout), else a 422 saying why."""
    try:
        return await _PDF_READERS.run(credential_in_pdf, data, max_bytes=limit)
    except WorkersBusy:
        raise _busy(t, "upload_busy") from None
    except UnreadablePdf:
        raise Problem(422, "Unreadable PDF", t["upload_pdf_unreadable"]) from None
    except NoCredentialInPdf:
        raise Problem(422, "No credential in this PDF", t["upload_pdf_no_credential"]) from None


@page
@routes.post("/verify/upload")
async def verify_upload(request: web.Request) -> web.StreamResponse:
    """A credential file (JSON, SD-JWT text, a wallet's PDF with the credential attached) or a
    picture of a QR code (photo or screenshot)."""
    t = texts_of(request)
    settings = request.app[SETTINGS]
    limit = settings.max_body_bytes
    photo_limit = max(limit, settings.max_photo_bytes)
    too_large = Problem(413, "Too large", t["error_too_large"].format(limit=size(limit)))
    if (request.content_length or 0) > photo_limit + 64 * 1024:
        raise Problem(413, "Too large", t["upload_photo_too_large"].format(limit=size(photo_limit)))
    if not request.content_type.startswith("multipart/"):
        raise Problem(400, "Not a file upload", t["error_empty"])
    token, data = await read_upload(
        request,
        "file",
        photo_limit,
        not_upload=Problem(400, "Not a file upload", t["error_empty"]),
        too_large=Problem(413, "Too large", t["upload_photo_too_large"].format(limit=size(photo_limit))),
    )
    if not request.app[CSRF].valid(request, token):
        raise forbidden(request)
    if not data:
        raise Problem(400, "Nothing to check", t["error_empty"])
    await limit_checks(request)
    if looks_like_image(data):
        return await _verify_photo(request, data)
    if len(data) > limit:
        raise too_large
    if looks_like_pdf(data):
        data = await _credential_of_pdf(data, limit, t)
    if (cose := envelope_of_bytes(data)) is not None:  # a binary vc+cose file
        return await verify_and_show(request, cose, source="upload")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_accepted(t) from None
    if sd_jwt_text(text) is not None:
        return await verify_and_show(request, text, source="upload")
    if (jose := envelope_of_text(text)) is not None:
        return await verify_and_show(request, jose, source="upload")
    return await verify_and_show(request, parse_text(data, request), source="upload")




# camera frames of browsers without BarcodeDetector
@routes.post("/scan/frame")
async def scan_frame(request: web.Request) -> web.Response:
    """``POST /scan/frame``: one camera frame (a small JPEG, multipart field ``frame``, with the form
    token) from the scan section of a browser without ``BarcodeDetector``. Answers ``{"text": …}``
    (``null``: no QR code in it); errors are problem details, their ``detail`` in the page's language.
    Nothing is stored but the client's frame count (its own limit, apart from the checks' limit).
    """
    t = texts_of(request)
    too_large = Problem(413, "Frame too large", t["scan_frame_too_large"].format(limit=size(MAX_FRAME_BYTES)))
    if (request.content_length or 0) > MAX_FRAME_BYTES + 16 * 1024:
        raise too_large
    if not request.content_type.startswith("multipart/"):
        raise Problem(400, "Not a frame upload", t["scan_frame_missing"])
    not_upload = Problem(400, "Not a frame upload", t["scan_frame_missing"])
    token, data = await read_upload(request, "frame", MAX_FRAME_BYTES, not_upload=not_upload, too_large=too_large)
    if not request.app[CSRF].valid(request, token):
        raise Problem(403, "Form expired", t["scan_frame_expired"])
    if not data:
        raise Problem(400, "No frame", t["scan_frame_missing"])
    settings = request.app[SETTINGS]
    client = client_limit_key(request, settings.trusted_proxies)
    wait = await request.app[FRAME_LIMITER].take(client, settings.scan_frames_per_minute, 60)
    if wait:
        detail = t["scan_frame_too_many"].format(seconds=wait)
        raise Problem(429, "Too many frames", detail, headers={"Retry-After": str(wait), **_NO_STORE})
    try:
        texts = await request.app[FRAME_READER].read(data, max_pixels=MAX_FRAME_PIXELS)
    except NotAnImage:
        raise Problem(415, "Not a picture", t["scan_frame_not_image"], headers=_NO_STORE) from None
    except WorkersBusy:
        raise _busy(t, "scan_frame_busy") from None
    return json_response({"text": texts[0] if texts else None}, headers=_NO_STORE)
