"""The scan page and what a scanned or opened link leads to: an offer, a presentation request,
a credential to check; QR codes from photos and camera frames."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from aiohttp import web

from plecak.runtime.language import local_path
from plecak.runtime.qr import FRAME_READER, MAX_FRAME_BYTES, MAX_FRAME_PIXELS, PHOTO_READER, NotAnImage
from plecak.runtime.web import json_response, problem_response
from plecak.runtime.workers import BUSY_RETRY_SECONDS, WorkersBusy

from .app_keys import FRAME_LIMITER, SETTINGS
from .exceptions import TooLarge, Unauthorized, UserError
from .handler_tools import client_limit_key, redirect, require_account
from .middleware import account_of, render, tr
from .oid4vci.client import offer_params
from .route_table import routes

__all__ = [
    "PRESENT_PARAMS",
    "open_link",
    "route_link",
    "scan",
    "scan_frame",
    "scan_photo",
]


@routes.get("/scan")
async def scan(request: web.Request) -> web.Response:
    require_account(request)
    return await render(request, "scan.html", {"link": ""})


PRESENT_PARAMS = (
    "request_uri",
    "request_uri_method",
    "request",
    "client_id",
    "response_type",
    "response_mode",
    "response_uri",
    "nonce",
    "state",
    "dcql_query",
    "client_metadata",
)
"""The OpenID4VP request parameters a link may carry (by reference or by value)."""


def route_link(link: str, public_url: str) -> str | None:
    """Where a scanned or pasted link goes in this wallet (``None``: not something we understand)."""
    link = link.strip()
    if not link:
        return None
    parts = urlsplit(link)
    if link.startswith("{") or parts.scheme == "openid-credential-offer":
        try:
            return "/receive?" + urlencode(offer_params(link))
        except UserError:
            return None
    query = parse_qs(parts.query)
    if parts.scheme in ("openid4vp", "haip", "mdoc-openid4vp") or "request_uri" in query:
        keep = {k: v[0] for k, v in query.items() if k in PRESENT_PARAMS}
        by_value = "request" in keep or {"client_id", "response_type"} <= keep.keys()
        return "/present?" + urlencode(keep) if "request_uri" in keep or by_value else None
    if "credential_offer_uri" in query or "credential_offer" in query:
        return "/receive?" + urlencode(offer_params(link))
    if parts.scheme in ("https", "http") and re.fullmatch(r"/(?:pathways|programmes)/[A-Za-z0-9-]+", parts.path):
        return "/pathways?" + urlencode({"url": link})
    own = urlsplit(public_url)
    if parts.scheme == own.scheme and parts.netloc == own.netloc:
        return local_path(parts.path + ("?" + parts.query if parts.query else ""))
    return None


_BUSY_HEADERS = {"Retry-After": str(BUSY_RETRY_SECONDS), "Cache-Control": "no-store"}


@routes.post("/scan/photo")
async def scan_photo(request: web.Request) -> web.Response:
    """``POST /scan/photo``: a photo or screenshot of a QR code, read here (no camera API needed).

    When the threads reading pictures are full, the page says so at once (503, ``Retry-After``).
    """
    require_account(request)
    upload = (await request.post()).get("photo")
    data = upload.file.read() if isinstance(upload, web.FileField) else b""
    error, status = "scan.photo_missing", 422
    if data:
        try:
            texts = await request.app[PHOTO_READER].read(data)
        except NotAnImage:
            error = "scan.photo_not_image"
        except WorkersBusy:
            error, status = "scan.photo_busy", 503
        else:
            targets = [route_link(text, request.app[SETTINGS].public_url) for text in texts]
            if found := next((target for target in targets if target), None):
                return redirect(found)
            error = "scan.unknown" if texts else "scan.photo_no_qr"
    response = await render(request, "scan.html", {"link": "", "error": tr(request)(error)}, status=status)
    if status == 503:
        response.headers.update(_BUSY_HEADERS)
    return response


# camera frames of browsers without BarcodeDetector
@routes.post("/scan/frame")
async def scan_frame(request: web.Request) -> web.Response:
    """``POST /scan/frame``: one camera frame (a small JPEG) from the scan page of a browser without
    ``BarcodeDetector``; answers ``{"text": …}`` (``null``: no QR code in it) and problem details.

    The form's ``csrf`` token is checked by :func:`csrf_middleware`, which also refuses a body
    declaring more than :data:`MAX_FRAME_BYTES` before reading it.
    """
    if account_of(request) is None:
        raise Unauthorized("scan.frame_signed_out")
    t = tr(request)
    upload = (await request.post()).get("frame")
    if not isinstance(upload, web.FileField):
        raise UserError("scan.frame_missing")
    data = upload.file.read(MAX_FRAME_BYTES + 1)
    if len(data) > MAX_FRAME_BYTES:
        raise TooLarge("scan.frame_too_large", max=MAX_FRAME_BYTES)
    if not data:
        raise UserError("scan.frame_missing")
    settings = request.app[SETTINGS]
    wait = await request.app[FRAME_LIMITER].take(client_limit_key(request), settings.scan_frames_per_minute, 60)
    if wait:
        title = t("scan.frame_too_many", seconds=wait)
        return problem_response(429, title, headers={"Retry-After": str(wait), "Cache-Control": "no-store"})
    try:
        texts = await request.app[FRAME_READER].read(data, max_pixels=MAX_FRAME_PIXELS)
    except NotAnImage:
        return problem_response(415, t("scan.frame_not_image"), headers={"Cache-Control": "no-store"})
    except WorkersBusy:
        return problem_response(503, t("scan.frame_busy"), headers=_BUSY_HEADERS)
    return json_response({"text": texts[0] if texts else None}, headers={"Cache-Control": "no-store"})


@routes.get("/open")
async def open_link(request: web.Request) -> web.Response:
    require_account(request)
    link = request.query.get("link", "")[:8192]
    target = route_link(link, request.app[SETTINGS].public_url)
    if target is None:
        return await render(request, "scan.html", {"link": link, "error": tr(request)("scan.unknown")}, status=400)
    return redirect(target)
