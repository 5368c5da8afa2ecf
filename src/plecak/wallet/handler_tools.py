"""What the wallet's handlers share: redirect, the signed-in account, the client's rate-limit key, a form field."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from plecak.runtime import clientaddr

from .accounts import Account
from .app_keys import SETTINGS
from .middleware import account_of, add_flash

__all__ = [
    "client_limit_key",
    "form_text",
    "redirect",
    "redirect_with_flash",
    "require_account",
]


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


async def redirect_with_flash(request: web.Request, location: str, key: str, **params: Any) -> web.Response:
    """After a form post: the message ``key`` (with ``params``) shown on the next page, and a redirect there."""
    await add_flash(request, key, **params)
    return redirect(location)


def require_account(request: web.Request) -> Account:
    account = account_of(request)
    if account is None:
        raise web.HTTPSeeOther(f"/signin?next={quote(request.path_qs, safe='')}")
    return account


def client_limit_key(request: web.Request) -> str:
    """What rate limits count the client as (behind a trusted proxy: the forwarded client; IPv6 by /64)."""
    return clientaddr.client_limit_key(request, request.app[SETTINGS].trusted_proxies)


async def form_text(request: web.Request, name: str, limit: int = 10_000) -> str:
    value = (await request.post()).get(name)
    return value[:limit] if isinstance(value, str) else ""
