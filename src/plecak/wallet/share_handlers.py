"""Share links: the learner picks credentials (and fields) to share; a verifier fetches the signed presentation
at ``/s/{token}``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from plecak.runtime.qr import qr_data_uri
from plecak.runtime.web import json_response

from .app_keys import ACCOUNTS, SERVICE, SETTINGS, SHARES
from .disclosure.selective import disclose as disclose_selected
from .disclosure.selective import share_fields
from .exceptions import UserError
from .handler_tools import redirect_with_flash, require_account
from .middleware import LANG_KEY, render, tr
from .route_table import routes
from .sdjwt import sd_jwt_of
from .shares import DEFAULT_DAYS, EXPIRY_DAYS

__all__ = [
    "create_share",
    "revoke_share",
    "selective_fields",
    "serve_share",
    "share_form",
    "share_links",
    "shares_list",
]


# -- share -------------------------------------------------------------------------------
@routes.get("/share")
async def share_form(request: web.Request) -> web.Response:
    account = require_account(request)
    items = await request.app[SERVICE].credentials(account.uid)
    chosen = set(request.query.getall("c", []))
    context = {
        "items": items,
        "chosen": chosen,
        "days": EXPIRY_DAYS,
        "default_days": DEFAULT_DAYS,
        "sd": selective_fields(items, request[LANG_KEY]),
        "sd_jwt": {c.cid for c in items if sd_jwt_of(c.credential)},
    }
    return await render(request, "share.html", context)


def selective_fields(items: list[Any], lang: str = "en") -> dict[str, Any]:
    """cid -> the share screen's field switches, for credentials that allow selective disclosure."""
    out = {}
    for c in items:
        fields = share_fields(c.credential, c.view, lang)
        if fields:
            out[c.cid] = fields
    return out


def share_links(public_url: str, verifier_url: str | None, token: str) -> tuple[str, str | None]:
    """The share's own URL (the presentation JSON) and the verifier page that checks it."""
    raw = f"{public_url}/s/{token}"
    return raw, (f"{verifier_url}/verify?url={quote(raw, safe='')}" if verifier_url else None)


@routes.post("/share")
async def create_share(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    form = await request.post()
    wanted = [v for v in form.getall("c", []) if isinstance(v, str)]
    try:
        days = int(str(form.get("days", DEFAULT_DAYS)))
    except ValueError:
        days = -1
    items = [c for c in await service.credentials(account.uid) if c.cid in wanted]
    holder = await request.app[ACCOUNTS].holder_key(account.uid)
    settings = request.app[SETTINGS]
    try:
        if len(items) > 1 and any(sd_jwt_of(c.credential) for c in items):
            raise UserError("share.sd_jwt_alone")
        shared = [
            await disclose_selected(
                c.credential,
                [v for v in form.getall(f"fields.{c.cid}", []) if isinstance(v, str)]
                if form.get(f"sd.{c.cid}") == "1"
                else None,
            )
            for c in items
        ]
        token, share = await request.app[SHARES].create(
            account.uid,
            holder,
            shared,
            [c.view.title for c in items],
            days=days,
            one_time=form.get("one_time") == "1",
            audience=f"{settings.public_url}/s",
        )
    except UserError as exc:
        all_items = await service.credentials(account.uid)
        context = {
            "items": all_items,
            "sd": selective_fields(all_items, request[LANG_KEY]),
            "sd_jwt": {c.cid for c in all_items if sd_jwt_of(c.credential)},
            "chosen": set(wanted),
            "days": EXPIRY_DAYS,
            "default_days": days if days in EXPIRY_DAYS else DEFAULT_DAYS,
            "error": tr(request)(exc.key, **exc.params),
        }
        return await render(request, "share.html", context, status=exc.status)
    raw, verify = share_links(settings.public_url, settings.verifier_url, token)
    context = {"share": share, "raw_link": raw, "verify_link": verify, "qr": qr_data_uri(verify or raw)}
    response = await render(request, "share_created.html", context, status=201)
    response.headers["Cache-Control"] = "no-store"  # the token is shown once, never cached
    return response


@routes.get("/shares")
async def shares_list(request: web.Request) -> web.Response:
    account = require_account(request)
    return await render(request, "shares.html", {"shares": await request.app[SHARES].list(account.uid)})


@routes.post("/shares/{share}/revoke")
async def revoke_share(request: web.Request) -> web.Response:
    account = require_account(request)
    await request.app[SHARES].revoke(account.uid, request.match_info["share"])
    return await redirect_with_flash(request, "/shares", "flash.share_revoked")


@routes.get("/s/{token}")
async def serve_share(request: web.Request) -> web.Response:
    """``GET /s/{token}``: the signed presentation, for a verifier (public, CORS open, never cached)."""
    vp = await request.app[SHARES].open(request.match_info["token"], count=request.method != "HEAD")
    response = json_response(vp)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
