"""The employer's presentation requests (OpenID4VP): ask, show the QR code, land after the wallet answered."""

from __future__ import annotations

from aiohttp import web

from plecak.core.sdjwt import SELECTIVELY_DISCLOSABLE
from plecak.runtime.qr import (
    qr_data_uri,
)
from plecak.runtime.web import Problem

from .app_keys import REQUESTS, SETTINGS
from .errors import page
from .i18n import texts_of
from .oid4vp.requests import ASKABLE_ELEMENTS, Ask, PresentationRequests, sd_jwt_claims_of
from .page_tools import (
    limit_checks,
    read_fields,
    redirect,
    render,
)
from .route_table import routes

__all__ = [
    "TRANSACTION_COOKIE",
    "create_request",
    "request_done",
    "request_page",
]


TRANSACTION_COOKIE = "plecak_verifier_tx"
"""Set on the employer's browser for ``/openid4vp/done/{rid}``: proves the answer lands where it was asked."""


@page
@routes.post("/requests")
async def create_request(request: web.Request) -> web.StreamResponse:
    fields = await read_fields(request)
    achievement = fields.get("achievement", "").strip() if fields.get("what") == "specific" else ""
    sd_jwt = fields.get("format") == "dc+sd-jwt"
    elements = tuple(e for e in ASKABLE_ELEMENTS if fields.get(f"element_{e}") == "1")
    claims = tuple(c for c in SELECTIVELY_DISCLOSABLE if sd_jwt and fields.get(f"claim_{c}") == "1")
    if sd_jwt:
        claims = tuple(c for c in SELECTIVELY_DISCLOSABLE if c in claims or c in sd_jwt_claims_of(elements))
    try:
        ask = Ask(
            achievement or None,
            trusted_only=fields.get("trusted_only") == "1",
            format="dc+sd-jwt" if sd_jwt else "ldp_vc",
            claims=claims,
            elements=() if sd_jwt else elements,
        )
    except ValueError as exc:
        raise Problem(400, "Invalid request", str(exc)) from None
    await limit_checks(request)
    record = await request.app[REQUESTS].create(ask)
    response = redirect(f"/requests/{record['transaction']}")
    settings = request.app[SETTINGS]
    response.set_cookie(
        TRANSACTION_COOKIE,
        record["transaction"],
        path=f"/openid4vp/done/{record['id']}",
        httponly=True,
        samesite="Lax",
        secure=settings.secure_cookies,
        max_age=settings.request_seconds + 3600,
    )
    return response


@page
@routes.get("/requests/{tx}")
async def request_page(request: web.Request) -> web.StreamResponse:
    requests = request.app[REQUESTS]
    tx = request.match_info["tx"]
    record = await requests.by_transaction(tx)
    status = await requests.status(tx)
    if status["status"] == "answered":
        return redirect(status["resultUrl"])
    link = PresentationRequests.wallet_link(record)
    t = texts_of(request)
    context = {
        "record": record,
        "status": status,
        "link": link,
        "qr": qr_data_uri(link),
        "status_url": f"/requests/{tx}/status",
        "asked": [t[f"el_{e}"] for e in Ask.from_json(record["ask"]).asked_elements if f"el_{e}" in t],
        "expires": str(record["expiresAt"]).replace("T", " ").rstrip("Z"),
    }
    return render(request, "request.html", context)


@page
@routes.get("/openid4vp/done/{rid}")
async def request_done(request: web.Request) -> web.StreamResponse:
    """Where the wallet sends the holder after answering; the result only for the asking browser."""
    result_id = await request.app[REQUESTS].finish(
        request.match_info["rid"],
        request.query.get("response_code", ""),
        request.cookies.get(TRANSACTION_COOKIE),
    )
    if result_id is not None:
        return redirect(f"/results/{result_id}")
    return render(request, "done.html", {})
