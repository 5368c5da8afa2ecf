"""The reader's language choice, kept in a cookie (the wallet and the verifier each name theirs)."""

from __future__ import annotations

from aiohttp import web

__all__ = ["local_path", "remember_language"]

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


def local_path(target: str | None) -> str:
    """``target`` if it is a path on this site, else ``/`` (a language switch is no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 0x20 or c == "\\" for c in target):
        return "/"
    return target
