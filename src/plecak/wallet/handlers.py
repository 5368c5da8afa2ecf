"""Thin HTTP handlers: parse the request, call the services, render a page or redirect.

Accounts are in ``account_handlers``, scanning and opening links in ``scan_handlers``, shared
helpers in ``handler_tools``; larger features in their own ``<feature>_handlers``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from plecak.core.jose_vc import secured_content
from plecak.runtime.health import redis_health
from plecak.runtime.i18n import moment_text
from plecak.runtime.language import language_switch
from plecak.runtime.web import json_response, read_json

from .app_keys import ACCOUNTS, REDIS, SERVICE, SETTINGS
from .credentials import subject_ids
from .disclosure.derive import derive_request
from .exceptions import Refused, UserError
from .handler_tools import form_text, redirect, redirect_with_flash, require_account
from .middleware import LANG_COOKIE, LANG_KEY, account_of, add_flash, render, tr
from .pathways import cited_parts
from .route_table import routes
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
    "receive",
    "service_worker",
    "set_language",
]


# -- public ------------------------------------------------------------------------------
health = redis_health("wallet", REDIS)


set_language = language_switch(LANG_COOKIE, lambda request: request.app[SETTINGS].secure_cookies)


@routes.post("/credentials/derive")
async def derive_credential(request: web.Request) -> web.Response:
    """VC-API holder ``POST /credentials/derive`` (ecdsa-sd-2023); stateless, for machine clients."""
    body = await read_json(request, max_bytes=MAX_CREDENTIAL_BYTES, max_depth=64)
    return json_response(await derive_request(body), status=201)


# -- keep --------------------------------------------------------------------------------
@routes.get("/")
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


@routes.get("/credentials/{cid}")
async def credential_detail(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    stored = await service.credential(account.uid, request.match_info["cid"])
    await service.refresh_status(account.uid, [stored])
    parts = cited_parts(stored.credential)
    held = {str(c.credential.get("id")) for c in await service.credentials(account.uid)} if parts else set()
    context = {
        "c": stored,
        "added_text": moment_text(request[LANG_KEY], stored.added),
        "parts": parts,
        "held": held,
        "travel_days": EXPIRY_DAYS,
        "travel_default_days": TRAVEL_DEFAULT_DAYS,
    }
    return await render(request, "credential.html", context)


@routes.get("/credentials/{cid}/delete")
async def delete_confirm(request: web.Request) -> web.Response:
    account = require_account(request)
    stored = await request.app[SERVICE].credential(account.uid, request.match_info["cid"])
    return await render(request, "delete.html", {"c": stored})


@routes.post("/credentials/{cid}/delete")
async def delete_credential(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    stored = await service.credential(account.uid, request.match_info["cid"])
    await service.delete_credential(account.uid, stored.cid)
    return await redirect_with_flash(request, "/", "flash.deleted", title=stored.view.title)


@routes.get("/add")
async def add_form(request: web.Request) -> web.Response:
    require_account(request)
    return await render(request, "add.html", {"text": ""})


@routes.post("/add")
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
@routes.get("/receive")
async def receive(request: web.Request) -> web.Response:
    account = require_account(request)
    params = {k: request.query[k] for k in ("credential_offer_uri", "credential_offer") if k in request.query}
    if not params:
        return redirect("/scan")
    pid, offer = await request.app[SERVICE].preview_offer(account.uid, params, request[LANG_KEY])
    return await render(request, "receive.html", {"offer": offer, "pid": pid})


@routes.post("/receive/{pid}")
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


# -- PWA ---------------------------------------------------------------------------------
_STATIC = Path(__file__).parent / "static"


@routes.get("/sw.js")
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


@routes.get("/manifest.webmanifest")
async def manifest(request: web.Request) -> web.FileResponse:
    return web.FileResponse(
        _STATIC / "manifest.webmanifest",
        headers={"Content-Type": "application/manifest+json", "Cache-Control": "public, max-age=3600"},
    )
