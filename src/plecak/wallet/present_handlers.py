"""Answering a verifier's OpenID4VP request: the page that shows what is asked, and the answer the learner
approves."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .app_keys import ACCOUNTS, SERVICE
from .disclosure.selective import request_fields
from .exceptions import UserError
from .handler_tools import redirect, require_account
from .middleware import LANG_KEY, render, tr
from .route_table import routes
from .scan_handlers import PRESENT_PARAMS

__all__ = ["answer_fields", "answer_request", "approved_fields", "present"]


# -- present -----------------------------------------------------------------------------
@routes.get("/present")
async def present(request: web.Request) -> web.Response:
    account = require_account(request)
    params = {k: request.query[k] for k in PRESENT_PARAMS if k in request.query}
    by_value = "request" in params or {"client_id", "response_type"} <= params.keys()
    if "request_uri" not in params and not by_value:
        return redirect("/scan")
    pid, presentation_request, matches = await request.app[SERVICE].preview_request(account.uid, params)
    context = {
        "req": presentation_request,
        "matches": matches,
        "pid": pid,
        "fields": answer_fields(presentation_request, matches, request[LANG_KEY]),
    }
    return await render(request, "present.html", context)


def answer_fields(
    presentation_request: Any, matches: dict[str, list[Any]], lang: str = "en"
) -> dict[str, dict[str, Any]]:
    """query id -> cid -> the answer page's element switches (``None``: the credential goes whole)."""
    return {
        q.id: {
            c.cid: request_fields(c.credential, c.view, q.claims, q.claim_sets, lang) for c in matches[q.id]
        }
        for q in presentation_request.queries
    }


def approved_fields(form: Any, presentation_request: Any, matches: dict[str, list[Any]]) -> dict[str, Any]:
    """query id -> cid -> the optional elements left switched on, for the credentials whose
    switches were on the page (the others: everything that was asked)."""
    out: dict[str, dict[str, list[str]]] = {}
    for q in presentation_request.queries:
        for c in matches[q.id]:
            if form.get(f"sd.{q.id}.{c.cid}") == "1":
                kept = [v for v in form.getall(f"fields.{q.id}.{c.cid}", []) if isinstance(v, str)]
                out.setdefault(q.id, {})[c.cid] = kept
    return out


@routes.post("/present/{pid}")
async def answer_request(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[SERVICE]
    pid = request.match_info["pid"]
    form = await request.post()
    try:
        if form.get("action") == "decline":
            reply = await service.decline_request(account.uid, pid)
            return await render(request, "present_done.html", {"declined": True, "reply": reply})
        presentation_request, matches = await service.pending_request(account.uid, pid)
        choices = {
            q.id: [v for v in form.getall(f"q.{q.id}", []) if isinstance(v, str)]
            for q in presentation_request.queries
        }
        approved = approved_fields(form, presentation_request, matches)
        holder = await request.app[ACCOUNTS].holder_key(account.uid)
        reply = await service.answer_request(account.uid, holder, pid, choices, approved)
    except UserError as exc:
        pending = await service.store.get_pending(account.uid, pid)
        if pending is None:
            raise
        presentation_request, matches = await service.pending_request(account.uid, pid)
        context = {
            "req": presentation_request,
            "matches": matches,
            "pid": pid,
            "fields": answer_fields(presentation_request, matches, request[LANG_KEY]),
            "error": tr(request)(exc.key, **exc.params),
            "detail": exc.detail,
        }
        return await render(request, "present.html", context, status=exc.status)
    return await render(request, "present_done.html", {"declined": False, "reply": reply})
