"""OAuth 2.0 error answers (RFC 6749 §5.2), the shape OpenID4VCI and OpenID4VP use instead of
problem details: ``{"error": code, "error_description": …}``, never cached, with a
``WWW-Authenticate`` challenge on 401 (RFC 6750 §3)."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.web import json_response

__all__ = ["OpenIdError", "openid_error_response"]


class OpenIdError(Exception):
    """An OAuth/OpenID error answer: ``code`` (e.g. ``invalid_request``), a description, a status."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


def openid_error_response(exc: OpenIdError) -> web.Response:
    response = json_response({"error": exc.code, "error_description": exc.description}, status=exc.status)
    response.headers["Cache-Control"] = "no-store"
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer error="{exc.code}"'
    return response
