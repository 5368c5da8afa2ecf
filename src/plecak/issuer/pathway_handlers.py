"""Thin HTTP handlers of pathways, trusted institutions and certificate claims.

Every pathway URL also answers under its older name, ``programmes`` (``/programmes/…``,
``/api/programmes/…``), so wallets and scripts written before the rename keep working: those URLs
keep the older JSON names too (``"type": "Programme"``, a ``programmes`` list).
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from plecak.runtime.web import json_response, problem_response

from .app_keys import CERTIFICATE_CLAIMS, PATHWAYS, SERVICE, SETTINGS
from .certificate_claims import ClaimRefused
from .i18n import render_page, wants_html
from .record_handlers import RecordApi, json_body

__all__ = [
    "LEGACY_API",
    "PATHWAY_API",
    "claim",
    "claim_nonce",
    "delete_trusted",
    "list_trusted",
    "public_pathway",
    "public_pathways",
    "put_trusted",
]

PATHWAY_API = RecordApi("pathways", lambda request: request.app[PATHWAYS])
LEGACY_API = RecordApi("programmes", lambda request: request.app[PATHWAYS])
"""``/api/programmes``: the admin API under the name pathways had before."""


def _cors(resp: web.Response) -> web.Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def _legacy(request: web.Request) -> bool:
    """Whether the request came in under the older name, ``/programmes``."""
    return request.path.startswith("/programmes")


# -- public ------------------------------------------------------------------------------
async def public_pathways(request: web.Request) -> web.Response:
    service = request.app[PATHWAYS]
    legacy = _legacy(request)
    items = [service.public(r, legacy=legacy) for r in await service.all()]
    return _cors(json_response({"programmes" if legacy else "pathways": items}))


async def public_pathway(request: web.Request) -> web.Response:
    """The definition as JSON (wallets), or a page for a person who opened the link in a browser."""
    service = request.app[PATHWAYS]
    record = await service.get(request.match_info["uuid"])
    if wants_html(request):
        wallet = request.app[SETTINGS].wallet_url
        follow = f"{wallet}/pathways?url={quote(str(record['id']), safe='')}" if wallet else None
        context = {"p": record, "profile": await request.app[SERVICE].profile(), "follow_link": follow}
        resp = render_page(request, "pathway.html", context)  # in the reader's language
        resp.headers.add("Vary", "Accept")
        return resp
    resp = json_response(service.public(record, legacy=_legacy(request)))
    resp.headers["Vary"] = "Accept"
    return _cors(resp)


async def claim_nonce(request: web.Request) -> web.Response:
    result = await request.app[CERTIFICATE_CLAIMS].nonce(request.match_info["uuid"])
    resp = json_response(result, status=201)
    resp.headers["Cache-Control"] = "no-store"
    return _cors(resp)


async def claim(request: web.Request) -> web.Response:
    body = await json_body(request)
    try:
        credential, new = await request.app[CERTIFICATE_CLAIMS].claim(request.match_info["uuid"], body)
    except ClaimRefused as exc:
        return _cors(
            problem_response(
                exc.status, exc.title, exc.detail, type_="https://w3id.org/plecak/problems#claim", **exc.body
            )
        )
    return _cors(json_response({"verifiableCredential": credential}, status=201 if new else 200))


# -- admin: trusted institutions ------------------------------------------------------------
async def list_trusted(request: web.Request) -> web.Response:
    trusted = await request.app[PATHWAYS].trusted()
    return json_response({"trustedIssuers": [{"did": k, **v} for k, v in sorted(trusted.items())]})


async def put_trusted(request: web.Request) -> web.Response:
    entry = await request.app[PATHWAYS].trust(request.match_info["did"], await json_body(request))
    return json_response(entry)


async def delete_trusted(request: web.Request) -> web.Response:
    await request.app[PATHWAYS].distrust(request.match_info["did"])
    return web.Response(status=204)
