"""How the wallet's domain errors reach people: an HTML page, or problem details for machine paths."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from plecak.runtime.web import problem_response

from .exceptions import Refused, UserError
from .middleware import render, tr

__all__ = ["user_errors_middleware"]

_MACHINE_PREFIXES = ("/s/", "/credentials/derive", "/passkeys/", "/scan/frame")


@web.middleware
async def user_errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
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
