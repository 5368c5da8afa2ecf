"""Handlers of the credential page's "take it with you" actions: download a PDF, add to LinkedIn.

Each is a form post (CSRF-checked, signed in): the learner's click is the consent to the share
link it makes. The link shows under "My shares", where it can be withdrawn.
"""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.printout import PDF_MAKERS, draw_pdf, find_fonts
from plecak.runtime.workers import WorkersBusy

from .app_keys import ACCOUNTS, SERVICE, SETTINGS, SHARES
from .disclosure.selective import disclose
from .exceptions import Busy, UserError
from .handler_tools import require_account
from .middleware import LANG_KEY, render, tr
from .route_table import routes
from .service import StoredCredential
from .share_handlers import share_links
from .shares import EXPIRY_DAYS, Share
from .travel import TRAVEL_DEFAULT_DAYS, linkedin_url, pdf_filename, pdf_printout

__all__ = ["credential_linkedin", "credential_pdf"]


class NoFont(UserError):
    """This machine has no font to draw a PDF with (an installation problem, not the learner's)."""

    status = 503


async def _share_one(request: web.Request) -> tuple[StoredCredential, Share, str]:
    """The learner's credential and a new share link of it alone (whole), for the chosen days;
    returns the link a person opens (the verifier's page when one is configured)."""
    account = require_account(request)
    stored = await request.app[SERVICE].credential(account.uid, request.match_info["cid"])
    form = await request.post()
    try:
        days = int(str(form.get("days", TRAVEL_DEFAULT_DAYS)))
    except ValueError:
        days = -1
    if days not in EXPIRY_DAYS:
        raise UserError("share.bad_expiry")
    settings = request.app[SETTINGS]
    holder = await request.app[ACCOUNTS].holder_key(account.uid)
    token, share = await request.app[SHARES].create(
        account.uid,
        holder,
        [await disclose(stored.credential, None)],
        [stored.view.title],
        days=days,
        audience=f"{settings.public_url}/s",
    )
    raw, verify = share_links(settings.public_url, settings.verifier_url, token)
    return stored, share, verify or raw


@routes.post("/credentials/{cid}/pdf")
async def credential_pdf(request: web.Request) -> web.Response:
    """``POST /credentials/{cid}/pdf``: a one-page PDF of the credential, in the reader's language."""
    fonts = find_fonts()
    if fonts is None:
        raise NoFont("pdf.no_font")
    try:
        place = PDF_MAKERS.reserve()  # before the share link is made: a refused PDF leaves no link
    except WorkersBusy:
        raise Busy("pdf.busy") from None
    with place:
        stored, share, link = await _share_one(request)
        printout = pdf_printout(stored.view, stored.credential, share, link, tr(request), request[LANG_KEY])
        data = await draw_pdf(printout, fonts, place)
    return web.Response(
        body=data,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{pdf_filename(stored.view)}"',
            "Cache-Control": "no-store",
        },
    )


@routes.post("/credentials/{cid}/linkedin")
async def credential_linkedin(request: web.Request) -> web.Response:
    """``POST /credentials/{cid}/linkedin``: a share link for LinkedIn, and a page whose button opens
    LinkedIn's add form filled in (a link, not a redirect: the pages' CSP keeps forms on this site)."""
    stored, share, link = await _share_one(request)
    context = {"c": stored, "share": share, "cert_url": link, "linkedin": linkedin_url(stored.view, link)}
    response = await render(request, "linkedin.html", context, status=201)
    response.headers["Cache-Control"] = "no-store"  # the link's token is shown once, never cached
    return response
