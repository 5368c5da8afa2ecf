"""Thin HTTP handlers: parse the request, call the services, render a page or redirect."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from aiohttp import web

from plecak.core.jose_vc import secured_content
from plecak.runtime import clientaddr
from plecak.runtime.health import redis_health
from plecak.runtime.language import language_switch, local_path
from plecak.runtime.qr import (
    MAX_FRAME_BYTES,
    MAX_FRAME_PIXELS,
    NotAnImage,
    QrReader,
    ReaderBusy,
    read_qr,
)
from plecak.runtime.web import json_response, problem_response, read_json

from .accounts import Account
from .app_keys import ACCOUNTS, FRAME_LIMITER, REDIS, SERVICE, SETTINGS
from .credentials import subject_ids
from .derive import derive_request
from .exceptions import Refused, TooLarge, Unauthorized, UserError
from .middleware import LANG_COOKIE, LANG_KEY, SESSION_KEY, account_of, add_flash, render, set_session, tr
from .oid4vci import offer_params
from .pathways import cited_parts
from .sdjwt import sd_jwt_of
from .service import MAX_CREDENTIAL_BYTES
from .shares import EXPIRY_DAYS
from .travel import TRAVEL_DEFAULT_DAYS

__all__ = [
    "accept_offer",
    "add_credential",
    "add_form",
    "credential_detail",
    "delete_confirm",
    "delete_credential",
    "derive_credential",
    "health",
    "home",
    "manifest",
    "open_link",
    "receive",
    "route_link",
    "scan",
    "scan_frame",
    "service_worker",
    "set_language",
    "signed_out",
    "signin",
    "signin_form",
    "signout",
    "signup",
    "signup_form",
]


# -- helpers -----------------------------------------------------------------------------
def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def require_account(request: web.Request) -> Account:
    account = account_of(request)
    if account is None:
        raise web.HTTPSeeOther(f"/signin?next={quote(request.path_qs, safe='')}")
    return account


def client_address(request: web.Request) -> str:
    """The client's address for rate limits (behind a trusted proxy: the forwarded client)."""
    return clientaddr.client_address(request, request.app[SETTINGS].trusted_proxies)


async def form_text(request: web.Request, name: str, limit: int = 10_000) -> str:
    value = (await request.post()).get(name)
    return value[:limit] if isinstance(value, str) else ""


# -- public ------------------------------------------------------------------------------
health = redis_health("wallet", REDIS)


set_language = language_switch(LANG_COOKIE, lambda request: request.app[SETTINGS].secure_cookies)


async def derive_credential(request: web.Request) -> web.Response:
    """VC-API holder ``POST /credentials/derive`` (ecdsa-sd-2023); stateless, for machine clients."""
    body = await read_json(request, max_bytes=MAX_CREDENTIAL_BYTES, max_depth=64)
    return json_response(await derive_request(body), status=201)


# -- accounts ----------------------------------------------------------------------------
async def signup_form(request: web.Request) -> web.Response:
    if account_of(request):
        return redirect("/")
    return await render(request, "signup.html", {"next": local_path(request.query.get("next")), "email": ""})


async def signup(request: web.Request) -> web.Response:
    form = await request.post()
    next_path = local_path(form.get("next"))
    email = str(form.get("email", ""))[:320]
    try:
        account = await request.app[ACCOUNTS].sign_up(
            email, str(form.get("password", "")), str(form.get("password_again", ""))
        )
    except UserError as exc:
        context = {"next": next_path, "email": email, "error": tr(request)(exc.key, **exc.params)}
        return await render(request, "signup.html", context, status=exc.status)
    session = await request.app[ACCOUNTS].start_session(request.get(SESSION_KEY), account.uid)
    set_session(request, session, account)
    await add_flash(request, "flash.welcome", did=account.did)
    return redirect(next_path)


async def signin_form(request: web.Request) -> web.Response:
    if account_of(request):
        return redirect(local_path(request.query.get("next")))
    return await render(request, "signin.html", {"next": local_path(request.query.get("next")), "email": ""})


async def signin(request: web.Request) -> web.Response:
    form = await request.post()
    next_path = local_path(form.get("next"))
    email = str(form.get("email", ""))[:320]
    accounts = request.app[ACCOUNTS]
    try:
        account = await accounts.sign_in(email, str(form.get("password", ""))[:2048], client_address(request))
    except UserError as exc:
        context = {"next": next_path, "email": email, "error": tr(request)(exc.key, **exc.params)}
        return await render(request, "signin.html", context, status=exc.status)
    session = await accounts.start_session(request.get(SESSION_KEY), account.uid)
    set_session(request, session, account)
    return redirect(next_path)


async def signout(request: web.Request) -> web.Response:
    session = request.get(SESSION_KEY)
    if session is not None:
        await request.app[ACCOUNTS].end_session(session)
    set_session(request, None, None)
    return redirect("/signed-out")


async def signed_out(request: web.Request) -> web.Response:
    return await render(request, "signed_out.html", {})


# -- keep --------------------------------------------------------------------------------
async def home(request: web.Request) -> web.Response:
    account = account_of(request)
    if account is None:
        return await render(request, "welcome.html", {})
    query = request.query.get("q", "")[:200]
    service = request.app[SERVICE]
    items = await service.credentials(account.uid, query)
    await service.refresh_status(account.uid, items)
    total = len(items) if not query else await service.store.count_credentials(account.uid)
    return await render(request, "credentials.html", {"items": items, "q": query, "total": total})


async def credential_detail(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    stored = await service.credential(account.uid, request.match_info["cid"])
    await service.refresh_status(account.uid, [stored])
    parts = cited_parts(stored.credential)
    held = {str(c.credential.get("id")) for c in await service.credentials(account.uid)} if parts else set()
    context = {
        "c": stored,
        "parts": parts,
        "held": held,
        "travel_days": EXPIRY_DAYS,
        "travel_default_days": TRAVEL_DEFAULT_DAYS,
    }
    return await render(request, "credential.html", context)


async def delete_confirm(request: web.Request) -> web.Response:
    account = require_account(request)
    stored = await request.app[SERVICE].credential(account.uid, request.match_info["cid"])
    return await render(request, "delete.html", {"c": stored})


async def delete_credential(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    stored = await service.credential(account.uid, request.match_info["cid"])
    await service.delete_credential(account.uid, stored.cid)
    await add_flash(request, "flash.deleted", title=stored.view.title)
    return redirect("/")


async def add_form(request: web.Request) -> web.Response:
    require_account(request)
    return await render(request, "add.html", {"text": ""})


async def add_credential(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    form = await request.post()
    upload = form.get("file")
    text = form.get("json")
    source = "paste"
    raw: str | bytes = text if isinstance(text, str) else ""
    if isinstance(upload, web.FileField) and upload.filename:
        raw = upload.file.read(MAX_CREDENTIAL_BYTES + 1)
        source = "file"
    try:
        if not raw or (isinstance(raw, str) and not raw.strip()):
            raise Refused("refused.empty", [])
        credential = service.parse_credential_text(raw)
        stored, _ = await service.add_credential(account.uid, account.did, credential, source)
    except UserError as exc:
        context = {
            "text": raw if isinstance(raw, str) else "",
            "error": tr(request)(exc.key, **exc.params),
            "detail": exc.detail,
            "checks": exc.checks if isinstance(exc, Refused) else [],
        }
        return await render(request, "add.html", context, status=exc.status)
    await add_flash(request, "flash.added", title=stored.view.title)
    if not holder_bound(stored.credential, account.did):
        await add_flash(request, "flash.not_bound", did=account.did)
    return redirect(f"/credentials/{stored.cid}")


def holder_bound(credential: Any, did: str) -> bool:
    """Whether a kept credential can only be presented by this wallet: every subject names its DID
    (an SD-JWT VC is bound to the wallet's key, checked before it was stored)."""
    if sd_jwt_of(credential) is not None:
        return True
    credential = secured_content(credential)  # vc+jwt: the subjects of the credential it secures
    subjects = credential.get("credentialSubject") if isinstance(credential, dict) else None
    count = len(subjects) if isinstance(subjects, list) else 1
    ids = subject_ids(credential) if isinstance(credential, dict) else []
    return len(ids) == count and all(i == did for i in ids)


# -- receive -----------------------------------------------------------------------------
async def receive(request: web.Request) -> web.Response:
    account = require_account(request)
    params = {k: request.query[k] for k in ("credential_offer_uri", "credential_offer") if k in request.query}
    if not params:
        return redirect("/scan")
    pid, offer = await request.app[SERVICE].preview_offer(account.uid, params, request[LANG_KEY])
    return await render(request, "receive.html", {"offer": offer, "pid": pid})


async def accept_offer(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    pid = request.match_info["pid"]
    offer = await service.pending_offer(account.uid, pid)
    tx_code = (await form_text(request, "tx_code", 64)).strip() or None
    holder = await request.app[ACCOUNTS].holder_key(account.uid)
    try:
        stored, _ = await service.accept_offer(account.uid, holder, pid, tx_code)
    except UserError as exc:
        context = {
            "offer": offer,
            "pid": pid,
            "error": tr(request)(exc.key, **exc.params),
            "detail": exc.detail,
            "checks": exc.checks if isinstance(exc, Refused) else [],
            "retry": await service.store.get_pending(account.uid, pid) is not None,
        }
        return await render(request, "receive.html", context, status=exc.status)
    await add_flash(request, "flash.received", title=stored.view.title)
    if not holder_bound(stored.credential, account.did):
        await add_flash(request, "flash.not_bound", did=account.did)
    return redirect(f"/credentials/{stored.cid}")


# -- scan --------------------------------------------------------------------------------
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
    if parts.scheme in ("https", "http") and re.fullmatch(r"/programmes/[A-Za-z0-9-]+", parts.path):
        return "/pathways?" + urlencode({"url": link})
    own = urlsplit(public_url)
    if parts.scheme == own.scheme and parts.netloc == own.netloc:
        return local_path(parts.path + ("?" + parts.query if parts.query else ""))
    return None


_PHOTO_READERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qr-photo")
"""At most two photos are searched for QR codes at once (CPU-bound), off the event loop."""


async def scan_photo(request: web.Request) -> web.Response:
    """``POST /scan/photo``: a photo or screenshot of a QR code, read here (no camera API needed)."""
    require_account(request)
    upload = (await request.post()).get("photo")
    data = upload.file.read() if isinstance(upload, web.FileField) else b""
    error = "scan.photo_missing"
    if data:
        try:
            texts = await asyncio.get_running_loop().run_in_executor(_PHOTO_READERS, read_qr, data)
        except NotAnImage:
            error = "scan.photo_not_image"
        else:
            targets = [route_link(text, request.app[SETTINGS].public_url) for text in texts]
            if found := next((target for target in targets if target), None):
                return redirect(found)
            error = "scan.unknown" if texts else "scan.photo_no_qr"
    return await render(request, "scan.html", {"link": "", "error": tr(request)(error)}, status=422)


_FRAME_READER = QrReader(workers=2, waiting=6, name="qr-frame")
"""Camera frames are read two at a time; more than six waiting are refused (503) at once."""


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
    wait = await request.app[FRAME_LIMITER].take(client_address(request), settings.scan_frames_per_minute, 60)
    if wait:
        title = t("scan.frame_too_many", seconds=wait)
        return problem_response(429, title, headers={"Retry-After": str(wait), "Cache-Control": "no-store"})
    try:
        texts = await _FRAME_READER.read(data, max_pixels=MAX_FRAME_PIXELS)
    except NotAnImage:
        return problem_response(415, t("scan.frame_not_image"), headers={"Cache-Control": "no-store"})
    except ReaderBusy:
        headers = {"Retry-After": "2", "Cache-Control": "no-store"}
        return problem_response(503, t("scan.frame_busy"), headers=headers)
    return json_response({"text": texts[0] if texts else None}, headers={"Cache-Control": "no-store"})


async def open_link(request: web.Request) -> web.Response:
    require_account(request)
    link = request.query.get("link", "")[:8192]
    target = route_link(link, request.app[SETTINGS].public_url)
    if target is None:
        return await render(
            request, "scan.html", {"link": link, "error": tr(request)("scan.unknown")}, status=400
        )
    return redirect(target)


# -- PWA ---------------------------------------------------------------------------------
_STATIC = Path(__file__).parent / "static"


async def service_worker(request: web.Request) -> web.FileResponse:
    """``/sw.js`` at the root, so the worker may control every page (scope ``/``)."""
    return web.FileResponse(
        _STATIC / "sw.js",
        headers={
            "Content-Type": "text/javascript",
            "Cache-Control": "no-cache",
            "Service-Worker-Allowed": "/",
        },
    )


async def manifest(request: web.Request) -> web.FileResponse:
    return web.FileResponse(
        _STATIC / "manifest.webmanifest",
        headers={"Content-Type": "application/manifest+json", "Cache-Control": "public, max-age=3600"},
    )
