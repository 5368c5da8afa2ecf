"""Thin HTTP handlers of programmes, trusted institutions and certificate claims."""

from __future__ import annotations

from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from plecak.runtime.web import json_response, problem_response

from .app_keys import CLAIMS, PROGRAMMES, SERVICE, SETTINGS
from .claims import ClaimRefused
from .handlers import json_body

__all__ = [
    "claim",
    "claim_nonce",
    "create_programme",
    "delete_trusted",
    "get_programme",
    "list_programmes",
    "list_trusted",
    "public_programme",
    "public_programmes",
    "put_trusted",
    "update_programme",
]


def _cors(resp: web.Response) -> web.Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


# -- public ------------------------------------------------------------------------------
async def public_programmes(request: web.Request) -> web.Response:
    service = request.app[PROGRAMMES]
    items = [service.public(r) for r in await service.all()]
    return _cors(json_response({"programmes": items}))


def _wants_html(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept


async def public_programme(request: web.Request) -> web.Response:
    """The definition as JSON (wallets), or a page for a person who opened the link in a browser."""
    service = request.app[PROGRAMMES]
    record = await service.get(request.match_info["uuid"])
    if _wants_html(request):
        wallet = request.app[SETTINGS].wallet_url
        follow = f"{wallet}/pathways?url={quote(str(record['id']), safe='')}" if wallet else None
        context = {"p": record, "profile": await request.app[SERVICE].profile(), "follow_link": follow}
        resp = aiohttp_jinja2.render_template("programme.html", request, context)
        resp.headers["Vary"] = "Accept"
        return resp
    resp = json_response(service.public(record))
    resp.headers["Vary"] = "Accept"
    return _cors(resp)


async def claim_nonce(request: web.Request) -> web.Response:
    result = await request.app[CLAIMS].nonce(request.match_info["uuid"])
    resp = json_response(result, status=201)
    resp.headers["Cache-Control"] = "no-store"
    return _cors(resp)


async def claim(request: web.Request) -> web.Response:
    body = await json_body(request)
    try:
        credential, new = await request.app[CLAIMS].claim(request.match_info["uuid"], body)
    except ClaimRefused as exc:
        return _cors(
            problem_response(
                exc.status, exc.title, exc.detail, type_="https://w3id.org/plecak/problems#claim", **exc.body
            )
        )
    return _cors(json_response({"verifiableCredential": credential}, status=201 if new else 200))


# -- admin -------------------------------------------------------------------------------
async def list_programmes(request: web.Request) -> web.Response:
    return json_response({"programmes": await request.app[PROGRAMMES].all()})


async def create_programme(request: web.Request) -> web.Response:
    record = await request.app[PROGRAMMES].create(await json_body(request))
    return json_response(record, status=201, headers={"Location": f"/api/programmes/{record['uuid']}"})


async def get_programme(request: web.Request) -> web.Response:
    return json_response(await request.app[PROGRAMMES].get(request.match_info["uuid"]))


async def update_programme(request: web.Request) -> web.Response:
    service = request.app[PROGRAMMES]
    return json_response(await service.update(request.match_info["uuid"], await json_body(request)))


async def list_trusted(request: web.Request) -> web.Response:
    trusted = await request.app[PROGRAMMES].trusted()
    return json_response({"trustedIssuers": [{"did": k, **v} for k, v in sorted(trusted.items())]})


async def put_trusted(request: web.Request) -> web.Response:
    entry = await request.app[PROGRAMMES].trust(request.match_info["did"], await json_body(request))
    return json_response(entry)


async def delete_trusted(request: web.Request) -> web.Response:
    await request.app[PROGRAMMES].distrust(request.match_info["did"])
    return web.Response(status=204)
