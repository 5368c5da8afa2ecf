"""How the wallet's errors reach people: an HTML page, or problem details for machine paths.

An unknown address opened in a browser (``Accept`` naming ``text/html``) gets the HTML "not found" page,
as on the verifier; API and JSON clients keep problem details.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from plecak.runtime.web import problem_response

from .exceptions import Refused, UserError
from .middleware import NO_SESSION_PREFIXES, render, tr

__all__ = ["user_errors_middleware"]

_MACHINE_PREFIXES = ("/s/", "/credentials/derive", "/passkeys/", "/scan/frame")


def _unknown_page(request: web.Request) -> bool:
    """An address no route matches, opened in a browser (not under a machine path)."""
    unmatched = request.match_info.http_exception is not None
    browser = "text/html" in request.headers.get("Accept", "")
    return unmatched and browser and not request.path.startswith(_MACHINE_PREFIXES + NO_SESSION_PREFIXES)


@web.middleware
async def user_errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPNotFound:
        if not _unknown_page(request):
            raise
        message = tr(request)("error.page_not_found")
        context: dict[str, Any] = {
            "title_key": "error.title_not_found",
            "message": message,
            "detail": None,
            "checks": [],
        }
        return await render(request, "error.html", context, status=404)
    except UserError as exc:
        message = tr(request)(exc.key, **exc.params)
        response: web.Response
        if request.path.startswith(_MACHINE_PREFIXES):
            response = problem_response(exc.status, message, exc.detail)
        else:
            checks = exc.checks if isinstance(exc, Refused) else []
            context = {"message": message, "detail": exc.detail, "checks": checks}
            response = await render(request, "error.html", context, status=exc.status)
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
