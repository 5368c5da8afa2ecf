"""How the verifier's errors become responses: OAuth errors for wallets, problem details for
APIs, and a readable HTML page for the employer's pages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from plecak.runtime.oauth import OpenIdError, openid_error_response
from plecak.runtime.web import Problem

from .i18n import language_of, page_path, texts_of
from .messages import messages
from .oid4vp.requests import RequestExpired, RequestNotFound
from .trust import InvalidEntry

__all__ = ["domain_errors_middleware", "is_page", "page", "page_errors_middleware"]

PageHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def page(handler: PageHandler) -> PageHandler:
    """Mark a handler as an HTML page: its errors are shown as an HTML page, not JSON."""
    handler.is_page = True  # type: ignore[attr-defined]
    return handler


def is_page(request: web.Request) -> bool:
    handler = request.match_info.handler
    if getattr(handler, "is_page", False):
        return True
    unmatched = request.match_info.http_exception is not None
    return unmatched and "text/html" in request.headers.get("Accept", "")


def _message(request: web.Request, exc: web.HTTPException) -> str:
    t = texts_of(request)
    if isinstance(exc, Problem) and exc.detail:
        return exc.detail
    if exc.status == 404:
        return t["error_not_found"]
    text = exc.text or ""
    return text if text and not text.startswith(f"{exc.status}:") else exc.reason


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    t = texts_of(request)
    context: dict[str, Any] = {
        "t": t,
        "title": t.get(f"error_title_{status}", t["error_title"]),
        "lang": language_of(request),
        "path": page_path(request),
        "status": status,
        "message": message,
    }
    response = aiohttp_jinja2.render_template("error.html", request, context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@web.middleware
async def page_errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Errors of HTML pages (and unknown addresses opened in a browser) as an HTML page."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or not is_page(request):
            raise
        response = error_page(request, exc.status, _message(request, exc))
        if "Retry-After" in exc.headers:
            response.headers["Retry-After"] = exc.headers["Retry-After"]
        return response


def _texts(request: web.Request) -> Mapping[str, str]:
    """The reader's language on pages; English in JSON answers to wallets and API clients."""
    return texts_of(request) if is_page(request) else messages()


@web.middleware
async def domain_errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except OpenIdError as exc:  # OAuth 2.0 error shape, for wallets
        return openid_error_response(exc)
    except RequestNotFound:
        raise Problem(404, "Unknown request", _texts(request)["error_request_unknown"]) from None
    except RequestExpired:
        raise Problem(410, "Request expired", _texts(request)["request_expired"]) from None
    except InvalidEntry as exc:
        raise Problem(
            422,
            "Invalid trust registry entry",
            str(exc),
            type_="https://w3id.org/plecak/problems#invalid-trust-entry",
            invalid=exc.problems,
        ) from None
