"""The reader's language choice, kept in a cookie (the wallet and the verifier each name theirs)."""

from __future__ import annotations

from aiohttp import web

__all__ = ["remember_language"]

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
