"""The registrar's PDF of an issued credential and its verification links.

Admin API (bearer token, like the registrar's other actions; the registrar screens call it):

* ``POST /api/credentials/{credential_id}/pdf`` ``{"language": "pl", "days": 90}``: a new
  verification link and the one-page PDF whose QR code opens the verifier on it;
* ``GET /api/credentials/{credential_id}/links``: the credential's links (made, expiry, state);
* ``POST /api/credentials/{credential_id}/links`` ``{"days": 90}``: a link alone (shown once);
* ``DELETE /api/credentials/{credential_id}/links/{link_id}``: withdraw one.

Public: ``GET /credentials/shared/{token}`` serves the signed credential to whoever holds the link
(a verifier), 404 for no such link, 410 once withdrawn or expired.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from plecak.runtime.i18n import LANGUAGES
from plecak.runtime.printout import draw_pdf, find_fonts, pdf_filename
from plecak.runtime.web import Problem, json_response
from plecak.runtime.workers import BUSY_RETRY_SECONDS, WorkersBusy

from .app_keys import LINKS, SERVICE, SETTINGS
from .config import MAX_SHARED_LINK_DAYS
from .issued import Conflict
from .printout import credential_printout
from .record_handlers import json_body
from .shared_links import SharedLink

__all__ = ["create_link", "credential_pdf", "list_links", "revoke_link", "shared_credential"]


def _no_store(response: web.Response) -> web.Response:
    response.headers["Cache-Control"] = "no-store"
    return response


async def _options(request: web.Request, *, language: bool) -> tuple[str, int]:
    """The body's ``language`` (``en`` or ``pl``) and ``days`` (the deployment's default when absent)."""
    body = await json_body(request)
    if not isinstance(body, dict):
        raise Problem(400, "Bad request", "the body must be a JSON object")
    chosen = body.get("language", "en")
    if language and chosen not in LANGUAGES:
        raise Problem(422, "Invalid options", f"language must be one of {', '.join(LANGUAGES)}")
    days = body.get("days", request.app[SETTINGS].shared_link_days)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_SHARED_LINK_DAYS:
        raise Problem(422, "Invalid options", f"days must be a whole number from 1 to {MAX_SHARED_LINK_DAYS}")
    return str(chosen), days


async def _signed(request: web.Request) -> tuple[dict[str, Any], Any]:
    """The credential as signed (JSON) and what a verifier reads (itself, or its ``vc+jwt`` envelope)."""
    record = await request.app[SERVICE].credential_record(request.match_info["credential_id"])
    credential = record.get("credential")
    if not isinstance(credential, dict):
        raise Conflict(
            "this credential is an SD-JWT VC bound to the learner's key: "
            "its PDF and links come from the learner's wallet"
        )
    return credential, record.get("envelope") or credential


def _urls(request: web.Request, token: str) -> tuple[str, str]:
    """The link itself and what a person opens: the verifier's page on it (the link when no verifier is set)."""
    settings = request.app[SETTINGS]
    raw = f"{settings.public_url}/credentials/shared/{token}"
    verify = f"{settings.verifier_url}/verify?url={quote(raw, safe='')}" if settings.verifier_url else raw
    return raw, verify


def _expires_text(link: SharedLink) -> str:
    return str(link.as_json()["expires"]).replace("T", " ").removesuffix("Z") + " UTC"


async def credential_pdf(request: web.Request) -> web.Response:
    """``POST /api/credentials/{credential_id}/pdf``: a new link and the PDF whose QR code opens it."""
    language, days = await _options(request, language=True)
    credential, attached = await _signed(request)
    fonts = find_fonts()
    if fonts is None:
        raise Problem(503, "No font", "PDFs cannot be made here: this server has no DejaVu Sans (fonts-dejavu-core)")
    links = request.app[LINKS]
    token, link = links.new(request.match_info["credential_id"], days=days, language=language)
    _, verify = _urls(request, token)
    printout = credential_printout(credential, attached, language=language, link=verify, expires=_expires_text(link))
    try:
        data = await draw_pdf(printout, fonts)
    except WorkersBusy:
        detail = "Other PDFs are being made; try again in a moment."
        raise Problem(503, "Busy", detail, headers={"Retry-After": str(BUSY_RETRY_SECONDS)}) from None
    await links.save(link, pdf=True)  # only a PDF that was drawn gets a working link
    return _no_store(
        web.Response(
            body=data,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{pdf_filename(printout.title)}"'},
        )
    )


async def create_link(request: web.Request) -> web.Response:
    """``POST /api/credentials/{credential_id}/links``: a link alone; its URL is in this answer only."""
    _, days = await _options(request, language=False)
    await _signed(request)
    links = request.app[LINKS]
    token, link = links.new(request.match_info["credential_id"], days=days, language="")
    await links.save(link, pdf=False)
    raw, verify = _urls(request, token)
    return _no_store(json_response({**link.as_json(), "url": raw, "verifyUrl": verify}, status=201))


async def list_links(request: web.Request) -> web.Response:
    credential_id = request.match_info["credential_id"]
    await request.app[SERVICE].credential_record(credential_id)  # 404 for a credential not issued here
    links = await request.app[LINKS].list(credential_id)
    return _no_store(json_response({"links": [link.as_json() for link in links]}))


async def revoke_link(request: web.Request) -> web.Response:
    credential_id = request.match_info["credential_id"]
    await request.app[SERVICE].credential_record(credential_id)
    changed = await request.app[LINKS].revoke(credential_id, request.match_info["link_id"])
    return _no_store(json_response({"id": request.match_info["link_id"], "state": "revoked", "changed": changed}))


async def shared_credential(request: web.Request) -> web.Response:
    """``GET /credentials/shared/{token}``: the signed credential, for a verifier (CORS open, never cached)."""
    credential_id = await request.app[LINKS].open(request.match_info["token"])
    record = await request.app[SERVICE].credential_record(credential_id)
    response = json_response(record.get("envelope") or record["credential"])
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
