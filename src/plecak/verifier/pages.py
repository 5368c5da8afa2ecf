"""Thin handlers of the employer's HTML pages: read the form or link, call the services, render.

Uploads live in ``upload_pages``, presentation requests in ``request_pages``, shared helpers in
``page_tools``."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from plecak.core.jose_vc import envelope_of_text
from plecak.runtime.language import language_switch
from plecak.runtime.web import Problem

from .app_keys import CSRF, LINKS, SETTINGS, VERIFICATION
from .csrf import FIELD
from .display import check_view, code_text, result_view
from .errors import page
from .fetch import FetchError
from .i18n import LANG_COOKIE, texts_of
from .messages import LANGUAGES, messages
from .oid4vp.requests import ASKABLE_ELEMENTS
from .page_tools import (
    limit_checks,
    parse_text,
    read_fields,
    render,
    size,
    verify_and_show,
)
from .route_table import routes
from .sdjwt import sd_jwt_text

__all__ = [
    "home",
    "result_page",
    "result_report",
    "set_language",
    "verify_link",
    "verify_paste",
]


# -- language switch --------------------------------------------------------------------------
set_language = language_switch(LANG_COOKIE, lambda request: request.app[SETTINGS].secure_cookies)


# -- home and the four ways in ---------------------------------------------------------------
@page
@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    cookies: dict[str, str] = {}
    guard = request.app[CSRF]
    token = guard.token(request, cookies)
    limit = size(request.app[SETTINGS].max_body_bytes)
    t = texts_of(request)
    askable = [(e, t[f"el_{e}"]) for e in ASKABLE_ELEMENTS if f"el_{e}" in t]
    context = {"csrf": token, "field": FIELD, "limit": limit, "elements": askable}
    response = render(request, "home.html", context)
    guard.set_cookies(response, cookies)
    return response


@page
@routes.get("/verify")
async def verify_link(request: web.Request) -> web.StreamResponse:
    """``GET /verify?url=…``: fetch a credential or presentation (wallet share links, QR codes)."""
    t = texts_of(request)
    url = request.query.get("url", "")
    links = request.app[LINKS]
    await limit_checks(request)
    try:
        document = await links.fetch_json(url)
    except FetchError as exc:
        raise _link_problem(exc, t) from None
    return await verify_and_show(request, document, source="link", source_url=url.strip())


def _link_problem(exc: FetchError, t: Mapping[str, str]) -> Problem:
    """A link that answered an error, in words: a share link the learner withdrew (410), one that
    does not exist (404), one the server refused or could not serve; anything else as it failed."""
    upstream = exc.upstream
    if upstream == 410:
        return Problem(410, "Link withdrawn", t["error_link_withdrawn"])
    if upstream == 404:
        return Problem(404, "Link not found", t["error_link_missing"])
    if upstream is not None and 400 <= upstream < 500:
        return Problem(502, "Link refused", t["error_link_refused"].format(status=upstream))
    if upstream is not None:
        return Problem(502, "Link failed", t["error_link_broken"].format(status=upstream))
    return Problem(exc.status, "Link not checked", t["error_link"].format(reason=exc))


@page
@routes.post("/verify")
async def verify_paste(request: web.Request) -> web.StreamResponse:
    fields = await read_fields(request)
    await limit_checks(request)
    text = fields.get("credential", "")
    limit = request.app[SETTINGS].max_body_bytes
    if len(text.encode("utf-8")) > limit:
        raise Problem(413, "Too large", texts_of(request)["error_too_large"].format(limit=size(limit)))
    if sd_jwt_text(text) is not None:
        return await verify_and_show(request, text, source="paste")
    if (jose := envelope_of_text(text)) is not None:
        return await verify_and_show(request, jose, source="paste")
    return await verify_and_show(request, parse_text(text, request), source="paste")


# -- results ---------------------------------------------------------------------------------
async def _record(request: web.Request) -> dict[str, Any]:
    record = await request.app[VERIFICATION].result(request.match_info["result_id"])
    if record is None:
        raise Problem(404, "Not found", texts_of(request)["error_not_found"])
    return record


@page
@routes.get("/results/{result_id}")
async def result_page(request: web.Request) -> web.StreamResponse:
    t = texts_of(request)
    record = await _record(request)
    hours = request.app[SETTINGS].result_seconds // 3600
    context = {"record": record, "view": result_view(record, t), "hours": hours}
    return render(request, "result.html", context)


@page
@routes.get("/results/{result_id}/report.json")
async def result_report(request: web.Request) -> web.StreamResponse:
    record = await _record(request)
    report = request.app[VERIFICATION].json_report(record)
    language = request.query.get("lang", "")
    if language in LANGUAGES:
        report = {"language": language, **copy.deepcopy(report)}
        _add_summaries(report, messages(language))
    filename = f"verification-{str(record['checkedAt'])[:10]}-{str(record['id'])[:8]}.json"
    response = web.json_response(report, dumps=_pretty)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _add_summaries(report: dict[str, Any], t: Mapping[str, str]) -> None:
    """``?lang=pl``: each check also gets the page's ``label`` and ``summary`` in that language, and
    ``text``, its code translated with its params (codes and the English ``message`` stay as they are)."""
    for check in report.get("results") or []:
        if isinstance(check, dict):
            view = check_view(check, t)
            check["label"], check["summary"] = view.label, view.summary
            text = code_text(check, t)
            if text is not None:
                check["text"] = text
    for sub in report.get("credentialResults") or []:
        if isinstance(sub, dict):
            _add_summaries(sub, t)


def _pretty(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
