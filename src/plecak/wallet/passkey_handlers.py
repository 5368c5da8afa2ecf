"""Thin HTTP handlers of passkeys: the account page and the WebAuthn ceremonies' JSON endpoints.

The ceremony endpoints take ordinary form posts (``csrf`` and the credential as a JSON string), so
the CSRF middleware checks them like every other form; they answer JSON, or problem details.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from plecak.runtime.language import local_path
from plecak.runtime.web import json_response

from .accounts import Account, Session
from .app_keys import ACCOUNTS, PASSKEYS
from .exceptions import Unauthorized
from .handler_tools import client_limit_key, form_text, redirect_with_flash, require_account
from .middleware import SESSION_KEY, account_of, add_flash, ensure_session, render, set_session
from .passkeys import MAX_CREDENTIAL_JSON
from .route_table import routes

__all__ = [
    "account_page",
    "register_finish",
    "register_options",
    "remove_passkey",
    "signin_finish",
    "signin_options",
    "signup_finish",
    "signup_options",
]


def _when(stamp: int | None) -> str:
    return "" if not stamp else datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _json_text(text: str) -> web.Response:
    response = web.Response(text=text, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.get("/account")
async def account_page(request: web.Request) -> web.Response:
    account = require_account(request)
    service = request.app[PASSKEYS]
    user = await request.app[ACCOUNTS].store.get_user(account.uid)
    passkeys = [
        {
            "id": p["id"],
            "name": p["name"],
            "created_text": _when(p.get("created")),
            "last_used_text": _when(p.get("last_used")),
        }
        for p in await service.list(account.uid)
    ]
    context = {"passkeys": passkeys, "has_password": bool(user and user.get("password"))}
    return await render(request, "account.html", context)


def _signed_in(request: web.Request) -> Account:
    """The account adding a passkey; signed out, a 401 for the page's script (not a redirect)."""
    account = account_of(request)
    if account is None:
        raise Unauthorized("passkey.signed_out")
    return account


@routes.post("/passkeys/register/options")
async def register_options(request: web.Request) -> web.Response:
    account = _signed_in(request)
    session = await ensure_session(request)
    return _json_text(await request.app[PASSKEYS].registration_options(session.sid, account))


@routes.post("/passkeys/register")
async def register_finish(request: web.Request) -> web.Response:
    account = _signed_in(request)
    session = await ensure_session(request)
    data = await form_text(request, "credential", MAX_CREDENTIAL_JSON + 1)
    name = await form_text(request, "name", 200)
    passkey = await request.app[PASSKEYS].register(session.sid, account, data, name)
    await add_flash(request, "flash.passkey_added", name=passkey["name"])
    return json_response({"redirect": "/account"}, status=201)


@routes.post("/account/passkeys/{cred}/delete")
async def remove_passkey(request: web.Request) -> web.Response:
    account = require_account(request)
    await request.app[PASSKEYS].remove(account.uid, request.match_info["cred"])
    return await redirect_with_flash(request, "/account", "flash.passkey_removed")


@routes.post("/passkeys/signin/options")
async def signin_options(request: web.Request) -> web.Response:
    session = await ensure_session(request)
    return _json_text(await request.app[PASSKEYS].signin_options(session.sid))


async def _ceremony_answer(request: web.Request) -> tuple[Session, str, str]:
    """What a signing-in or signing-up page posts: its session, the authenticator's answer (JSON) and
    the safe return path."""
    session = await ensure_session(request)
    data = await form_text(request, "credential", MAX_CREDENTIAL_JSON + 1)
    return session, data, local_path(await form_text(request, "next", 2000))


@routes.post("/passkeys/signin")
async def signin_finish(request: web.Request) -> web.Response:
    session, data, next_path = await _ceremony_answer(request)
    email = await form_text(request, "email", 320)
    accounts = request.app[ACCOUNTS]
    account = await request.app[PASSKEYS].sign_in(session.sid, data, email, client_limit_key(request))
    # Exactly as a password sign-in: a new session (id and CSRF token) replaces the old one.
    new = await accounts.start_session(request.get(SESSION_KEY), account.uid)
    set_session(request, new, account)
    return json_response({"redirect": next_path})


@routes.post("/passkeys/signup/options")
async def signup_options(request: web.Request) -> web.Response:
    session = await ensure_session(request)
    email = await form_text(request, "email", 320)
    return _json_text(await request.app[PASSKEYS].signup_options(session.sid, email))


@routes.post("/passkeys/signup")
async def signup_finish(request: web.Request) -> web.Response:
    """A new account with a passkey and no password; signed in like after a password sign-up."""
    session, data, next_path = await _ceremony_answer(request)
    name = await form_text(request, "name", 200)
    account = await request.app[PASSKEYS].sign_up(session.sid, data, name)
    new = await request.app[ACCOUNTS].start_session(request.get(SESSION_KEY), account.uid)
    set_session(request, new, account)
    await add_flash(request, "flash.welcome", did=account.did)
    return json_response({"redirect": next_path}, status=201)
