"""Sign-up, sign-in and sign-out with a password (passkeys are in ``passkey_handlers``)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from plecak.runtime.language import local_path

from .app_keys import ACCOUNTS
from .exceptions import UserError
from .handler_tools import client_limit_key, redirect, redirect_with_flash
from .middleware import SESSION_KEY, account_of, render, set_session, tr
from .route_table import routes

__all__ = [
    "signed_out",
    "signin",
    "signin_form",
    "signout",
    "signup",
    "signup_form",
]


async def _posted_account_form(request: web.Request) -> tuple[Mapping[str, object], str, str]:
    """The posted sign-in or sign-up form, its safe return path and its e-mail address (at most 320 characters)."""
    form = await request.post()
    return form, local_path(form.get("next")), str(form.get("email", ""))[:320]


async def _account_form(
    request: web.Request, kind: str, next_path: str, email: str = "", error: UserError | None = None
) -> web.Response:
    """The sign-in or sign-up page (``kind``), empty or showing why the form was refused."""
    context = {"kind": kind, "next": next_path, "email": email}
    if error is not None:
        context["error"] = tr(request)(error.key, **error.params)
    response = await render(request, "account_form.html", context, status=200 if error is None else error.status)
    if error is not None and error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@routes.get("/signup")
async def signup_form(request: web.Request) -> web.Response:
    if account_of(request):
        return redirect("/")
    return await _account_form(request, "signup", local_path(request.query.get("next")))


@routes.post("/signup")
async def signup(request: web.Request) -> web.Response:
    form, next_path, email = await _posted_account_form(request)
    try:
        account = await request.app[ACCOUNTS].sign_up(
            email, str(form.get("password", "")), str(form.get("password_again", ""))
        )
    except UserError as exc:
        return await _account_form(request, "signup", next_path, email, exc)
    session = await request.app[ACCOUNTS].start_session(request.get(SESSION_KEY), account.uid)
    set_session(request, session, account)
    return await redirect_with_flash(request, next_path, "flash.welcome", did=account.did)


@routes.get("/signin")
async def signin_form(request: web.Request) -> web.Response:
    if account_of(request):
        return redirect(local_path(request.query.get("next")))
    return await _account_form(request, "signin", local_path(request.query.get("next")))


@routes.post("/signin")
async def signin(request: web.Request) -> web.Response:
    form, next_path, email = await _posted_account_form(request)
    accounts = request.app[ACCOUNTS]
    try:
        account = await accounts.sign_in(email, str(form.get("password", ""))[:2048], client_limit_key(request))
    except UserError as exc:
        return await _account_form(request, "signin", next_path, email, exc)
    session = await accounts.start_session(request.get(SESSION_KEY), account.uid)
    set_session(request, session, account)
    return redirect(next_path)


@routes.post("/signout")
async def signout(request: web.Request) -> web.Response:
    session = request.get(SESSION_KEY)
    if session is not None:
        await request.app[ACCOUNTS].end_session(session)
    set_session(request, None, None)
    return redirect("/signed-out")


@routes.get("/signed-out")
async def signed_out(request: web.Request) -> web.Response:
    return await render(request, "signed_out.html", {})
