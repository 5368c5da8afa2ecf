"""Sessions, language and CSRF for every request, and the context every template gets."""

from __future__ import annotations

from functools import partial
from http.cookies import Morsel
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler
from multidict import CIMultiDict

from plecak.runtime.qr import MAX_FRAME_BYTES
from plecak.runtime.web import Problem, read_form

from .accounts import Account, Session
from .app_keys import ACCOUNTS, PASSKEYS, SETTINGS
from .exceptions import TooLarge, UserError
from .i18n import Translate, pick_language, say, translator

__all__ = [
    "ACCOUNT_KEY",
    "LANG_COOKIE",
    "LANG_KEY",
    "NO_SESSION_PREFIXES",
    "SESSION_KEY",
    "T_KEY",
    "account_of",
    "add_flash",
    "base_context",
    "csrf_middleware",
    "ensure_session",
    "render",
    "session_cookie_name",
    "session_middleware",
    "set_session",
    "tr",
]

LANG_COOKIE = "lang"
NO_SESSION_PREFIXES = (
    "/static/",
    "/shared/",
    "/s/",
    "/health",
    "/sw.js",
    "/manifest.webmanifest",
    "/credentials/derive",
)
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_BODY_LIMITS = {"/scan/frame": (MAX_FRAME_BYTES + 16 * 1024, "scan.frame_too_large", MAX_FRAME_BYTES)}
"""Paths whose bodies are much smaller than ``max_body_bytes``: refused (413) before they are read."""
SESSION_KEY: web.RequestKey[Session | None] = web.RequestKey("wallet.session")
ACCOUNT_KEY: web.RequestKey[Account | None] = web.RequestKey("wallet.account")
LANG_KEY: web.RequestKey[str] = web.RequestKey("wallet.lang")
T_KEY: web.RequestKey[Translate] = web.RequestKey("wallet.t")
CHANGED_KEY: web.RequestKey[bool] = web.RequestKey("wallet.session_changed")


class Forbidden(UserError):
    status = 403


def session_cookie_name(secure: bool) -> str:
    # The __Host- prefix makes the browser insist on Secure, Path=/ and no Domain.
    return "__Host-wallet" if secure else "wallet_session"


def tr(request: web.Request) -> Translate:
    return request[T_KEY]


def account_of(request: web.Request) -> Account | None:
    return request.get(ACCOUNT_KEY)


async def ensure_session(request: web.Request) -> Session:
    """The request's session; an anonymous one is created (and its cookie set) if there is none."""
    session = request.get(SESSION_KEY)
    if session is None:
        accounts = request.app[ACCOUNTS]
        session = accounts.new_session()
        await accounts.save_session(session)
        request[SESSION_KEY] = session
    return session


def set_session(request: web.Request, session: Session | None, account: Account | None) -> None:
    """Replace the request's session (after sign-in or sign-out); the cookie follows."""
    request[SESSION_KEY] = session
    request[ACCOUNT_KEY] = account
    request[CHANGED_KEY] = True


async def add_flash(request: web.Request, key: str, **params: Any) -> None:
    """A message shown once on the next page (e.g. after a redirect)."""
    session = await ensure_session(request)
    session.flash.append({"key": key, "params": params})
    await request.app[ACCOUNTS].update_session(session)


def _cookie(name: str, value: str, *, secure: bool, max_age: int | None, http_only: bool = True) -> str:
    morsel: Morsel[str] = Morsel()
    morsel.set(name, value, value)
    morsel["path"] = "/"
    morsel["samesite"] = "Lax"
    if http_only:
        morsel["httponly"] = True
    if secure:
        morsel["secure"] = True
    if max_age is not None:
        morsel["max-age"] = max_age
    return morsel.OutputString()


def _apply_cookie(request: web.Request, headers: CIMultiDict[str]) -> None:
    settings = request.app[SETTINGS]
    name = session_cookie_name(settings.secure_cookies)
    session = request.get(SESSION_KEY)
    if session is not None and (session.is_new or request.get(CHANGED_KEY)):
        max_age = settings.session_seconds if session.uid else None
        headers.add("Set-Cookie", _cookie(name, session.sid, secure=settings.secure_cookies, max_age=max_age))
    elif session is None and request.get(CHANGED_KEY):
        headers.add("Set-Cookie", _cookie(name, "", secure=settings.secure_cookies, max_age=0))


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    lang = pick_language(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))
    request[LANG_KEY] = lang
    request[T_KEY] = translator(lang)
    if request.path.startswith(NO_SESSION_PREFIXES):
        return await handler(request)
    settings = request.app[SETTINGS]
    accounts = request.app[ACCOUNTS]
    session = await accounts.load_session(request.cookies.get(session_cookie_name(settings.secure_cookies)))
    account = await accounts.account(session.uid) if session is not None and session.uid else None
    if session is not None and session.uid and account is None:
        session = None  # the account is gone
    request[SESSION_KEY] = session
    request[ACCOUNT_KEY] = account
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _apply_cookie(request, exc.headers)
        raise
    if not response.prepared:
        _apply_cookie(request, response.headers)
        # Same-origin form posts then carry a real Origin; other sites still get no referrer.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.content_type == "text/html":
            response.headers.setdefault("Cache-Control", "private, no-cache")
            response.headers.setdefault("Vary", "Cookie")
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every state-changing request is a form from our own pages: same origin and the session's token."""
    if request.method in _SAFE_METHODS or request.path.startswith(NO_SESSION_PREFIXES):
        return await handler(request)
    origin = request.headers.get("Origin")
    allowed = {_origin(request.app[SETTINGS].public_url), _origin(str(request.url))}
    # "null" is what browsers send under a no-referrer policy; the CSRF token still has to match.
    if origin and origin != "null" and origin.lower() not in allowed:
        raise Forbidden("error.cross_site")
    limit = _BODY_LIMITS.get(request.path)
    if limit is not None and (request.content_length or 0) > limit[0]:
        raise TooLarge(limit[1], max=limit[2])
    session = request.get(SESSION_KEY)
    try:
        form = await read_form(request)
    except Problem:
        raise UserError("error.bad_form") from None
    token = form.get("csrf")
    if session is None or not isinstance(token, str) or not session.csrf_ok(token):
        raise Forbidden("error.csrf")
    return await handler(request)


async def base_context(request: web.Request) -> dict[str, Any]:
    session = await ensure_session(request)
    flash = session.flash
    if flash:
        session.flash = []
        await request.app[ACCOUNTS].update_session(session)
    settings = request.app[SETTINGS]
    return {
        "t": request[T_KEY],
        "say": partial(say, request[T_KEY], request[LANG_KEY]),
        "lang": request[LANG_KEY],
        "account": account_of(request),
        "csrf": session.csrf,
        "flash": flash,
        "path": request.path_qs,
        "verifier_url": settings.verifier_url,
        "passkeys_available": request.app[PASSKEYS].available,
    }


async def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    """Render a page with the context every page needs (language, account, CSRF token, messages)."""
    return aiohttp_jinja2.render_template(
        template, request, {**await base_context(request), **context}, status=status
    )
