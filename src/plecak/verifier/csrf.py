"""Form protection: a random cookie and, in every form, that cookie signed with a server key.

The cookie is ``HttpOnly`` and ``SameSite=Strict``, so another site can neither read it nor make
the browser send it; the form token is ``HMAC(key, cookie)``, so a cookie planted from a sibling
domain is useless without the key. Both must arrive together and match.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

from plecak.core.encoding import b64url_encode

__all__ = ["COOKIE", "FIELD", "CsrfGuard"]

COOKIE = "plecak_verifier_csrf"
FIELD = "csrf_token"


_b64 = b64url_encode


class CsrfGuard:
    def __init__(self, key: bytes, *, secure: bool) -> None:
        self._key = key
        self._secure = secure

    def _sign(self, cookie: str) -> str:
        return _b64(hmac.new(self._key, cookie.encode("utf-8"), hashlib.sha256).digest())

    def token(self, request: web.Request, response_cookies: dict[str, str]) -> str:
        """The form token for this browser; a new cookie is put in ``response_cookies`` if needed."""
        cookie = request.cookies.get(COOKIE, "")
        if len(cookie) != 43:
            cookie = _b64(secrets.token_bytes(32))
            response_cookies[COOKIE] = cookie
        return self._sign(cookie)

    def set_cookies(self, response: web.StreamResponse, cookies: dict[str, str]) -> None:
        for name, value in cookies.items():
            response.set_cookie(
                name,
                value,
                httponly=True,
                samesite="Strict",
                secure=self._secure,
                path="/",
                max_age=7 * 86400,
            )

    def valid(self, request: web.Request, token: object) -> bool:
        cookie = request.cookies.get(COOKIE, "")
        if not cookie or not isinstance(token, str) or not token:
            return False
        return hmac.compare_digest(self._sign(cookie).encode(), token.encode("utf-8", "replace"))
