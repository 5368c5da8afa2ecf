"""The reader's language choice, kept in a cookie (the wallet and the verifier each name theirs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from .i18n import LANGUAGES

__all__ = ["language_switch", "local_path", "remember_language"]

LANGUAGE_COOKIE_SECONDS = 365 * 86400


def remember_language(response: web.StreamResponse, cookie: str, language: str, *, secure: bool) -> None:
    """Set ``cookie`` to ``language`` for a year (sent on top-level navigation, not readable by scripts)."""
    response.set_cookie(
        cookie,
        language,
        max_age=LANGUAGE_COOKIE_SECONDS,
        path="/",
        samesite="Lax",
        httponly=True,
        secure=secure,
    )


def local_path(target: Any) -> str:
    """``target`` if it is a path on this site, else ``/`` (a language switch or a sign-in's ``next``
    is no open redirect)."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 0x20 or c == "\\" for c in target):
        return "/"
    return target


def language_switch(cookie: str, secure: Callable[[web.Request], bool]) -> Handler:
    """The ``GET /lang/{lang}?next=/path`` handler of a service: remember the language in ``cookie``
    (``secure(request)``: only over HTTPS) and go back to ``next``, a path on this site.

    A GET link, not a form: it changes only how pages are worded (no data, no account), so a
    forged request can do no more than switch the language. An unknown language changes nothing."""

    async def set_language(request: web.Request) -> web.StreamResponse:
        language = request.match_info["lang"]
        location = local_path(request.query.get("next"))
        response = web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})
        if language in LANGUAGES:
            remember_language(response, cookie, language, secure=secure(request))
        return response

    return set_language
