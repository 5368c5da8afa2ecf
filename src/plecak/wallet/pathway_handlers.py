"""Thin handlers of the Pathways pages: follow a pathway, see progress, claim the certificate."""

from __future__ import annotations

from aiohttp import web

from .app_keys import ACCOUNTS, PATHWAYS
from .exceptions import UserError
from .handler_tools import form_text, redirect, redirect_with_flash, require_account
from .middleware import render, tr
from .route_table import routes

__all__ = ["claim", "follow", "pathway", "pathways", "unfollow"]


@routes.get("/pathways")
async def pathways(request: web.Request) -> web.Response:
    account = require_account(request)
    items = await request.app[PATHWAYS].progress(account.uid, account.did)
    url = request.query.get("url", "")[:2048]
    context: dict[str, object] = {"items": items, "url": url}
    if request.query.get("discover") == "1":
        context["discovered"] = await request.app[PATHWAYS].discover(account.uid)
    return await render(request, "pathways.html", context)


@routes.post("/pathways/follow")
async def follow(request: web.Request) -> web.Response:
    account = require_account(request)
    url = await form_text(request, "url", 2048)
    service = request.app[PATHWAYS]
    try:
        pathway = await service.follow(account.uid, url)
    except UserError as exc:
        items = await service.progress(account.uid, account.did)
        context = {
            "items": items,
            "url": url,
            "error": tr(request)(exc.key, **exc.params),
            "detail": exc.detail,
        }
        return await render(request, "pathways.html", context, status=exc.status)
    return await redirect_with_flash(request, "/pathways", "flash.following", name=pathway["name"])


@routes.get("/pathways/{key}")
async def pathway(request: web.Request) -> web.Response:
    account = require_account(request)
    item = await request.app[PATHWAYS].one(account.uid, account.did, request.match_info["key"])
    return await render(request, "pathway.html", {"p": item})


@routes.post("/pathways/{key}/claim")
async def claim(request: web.Request) -> web.Response:
    account = require_account(request)
    key = request.match_info["key"]
    service = request.app[PATHWAYS]
    holder = await request.app[ACCOUNTS].holder_key(account.uid)
    try:
        stored = await service.claim(account.uid, holder, key)
    except UserError as exc:
        item = await service.one(account.uid, account.did, key)
        context = {"p": item, "error": tr(request)(exc.key, **exc.params), "detail": exc.detail}
        return await render(request, "pathway.html", context, status=exc.status)
    return await redirect_with_flash(request, f"/credentials/{stored.cid}", "flash.claimed", title=stored.view.title)


@routes.post("/pathways/{key}/unfollow")
async def unfollow(request: web.Request) -> web.Response:
    account = require_account(request)
    await request.app[PATHWAYS].unfollow(account.uid, request.match_info["key"])
    return redirect("/pathways")
