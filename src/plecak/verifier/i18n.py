"""The employer pages' language: a cookie set by the EN | PL switch, else ``Accept-Language``.

``language_middleware`` picks it once per request; pages read it with :func:`language_of` and
:func:`texts_of`. JSON answers (API, reports) stay English and language-neutral codes.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler

from plecak.runtime.language import local_path

from .messages import LANGUAGES, messages, pick_language

__all__ = [
    "LANG_COOKIE",
    "LANG_KEY",
    "language_middleware",
    "language_of",
    "local_path",
    "page_path",
    "texts_of",
]

LANG_COOKIE = "plecak_verifier_lang"
LANG_KEY: web.RequestKey[str] = web.RequestKey("verifier.lang")


def language_of(request: web.Request) -> str:
    return str(request.get(LANG_KEY, "en"))


def texts_of(request: web.Request) -> Mapping[str, str]:
    return messages(language_of(request))


def page_path(request: web.Request) -> str:
    """Where the language switch returns to: this page, or home after a form post."""
    return request.path_qs if request.method == "GET" else "/"


@web.middleware
async def language_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    language = pick_language(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))
    request[LANG_KEY] = language if language in LANGUAGES else "en"
    response = await handler(request)
    if not response.prepared and response.content_type == "text/html":
        response.headers["Content-Language"] = request[LANG_KEY]
        response.headers.add("Vary", "Accept-Language, Cookie")
    return response
