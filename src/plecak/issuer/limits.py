"""Per-client limits on the issuer's public endpoints (the admin API has its bearer token instead).

Two budgets per client (:func:`plecak.runtime.clientaddr.client_limit_key`, so behind a trusted
proxy each forwarded client has its own, and an IPv6 client is counted by its /64 network), counted
per minute in Redis before the handler runs:

* the credential endpoints, which sign, verify, or spend one-time codes: OpenID4VCI offer, token,
  nonce and credential, and the certificate claims of pathways. ``PLECAK_ISSUER_PER_CLIENT`` (120) requests.
* public reads that wallets and verifiers fetch (did.json, status lists, metadata, contexts,
  achievement and pathway pages, verification links): cheap, so ten times as many.

Over a budget the answer is 429 problem details with ``Retry-After``. Every route is listed in one of
:data:`CREDENTIAL_PATHS`, :data:`READ_PATHS` or :data:`UNLIMITED_PATHS`: a test keeps new routes from
being left out by accident.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from plecak.runtime.clientaddr import client_limit_key
from plecak.runtime.ratelimit import RateLimiter
from plecak.runtime.web import problem_response

from .app_keys import SETTINGS
from .sdjwt_type_metadata import TYPE_METADATA_PATH

__all__ = [
    "CREDENTIAL_PATHS",
    "LIMITER",
    "READ_FACTOR",
    "READ_PATHS",
    "UNLIMITED_PATHS",
    "WINDOW_SECONDS",
    "client_limit_middleware",
]

LIMITER = web.AppKey("client_limiter", RateLimiter)
WINDOW_SECONDS = 60
READ_FACTOR = 10
"""A client may make this many public reads for each request its credential budget allows."""

CREDENTIAL_PATHS = frozenset(
    {
        "/credential-offers/{offer_id}",
        "/token",
        "/nonce",
        "/credential",
        "/pathways/{uuid}/claim-nonce",
        "/pathways/{uuid}/claim",
        "/programmes/{uuid}/claim-nonce",  # the pathways' older URLs, in the same budgets
        "/programmes/{uuid}/claim",
    }
)
READ_PATHS = frozenset(
    {
        "/",
        "/.well-known/did.json",
        "/did.json",
        "/contexts/plecak/mc/v1",
        "/.well-known/jwt-vc-issuer",
        TYPE_METADATA_PATH,
        "/achievements/{uuid}",
        "/credentials/shared/{token}",  # a PDF's verification link (the rest of /credentials/ is the VC-API)
        "/status-lists/{list_id}",
        "/status-lists/2021/{list_id}",
        "/status-lists/token/{list_id}",
        "/.well-known/openid-credential-issuer",
        "/.well-known/oauth-authorization-server",
        "/pathways",
        "/pathways/{uuid}",
        "/programmes",
        "/programmes/{uuid}",
    }
)
UNLIMITED_PATHS = frozenset({"/health", "/lang/{lang}"})
"""Besides these, the admin API (``/api/…``, the VC-API) and screens (``/admin…``) and static files
(``/static``, ``/shared``)."""


def _budget(request: web.Request) -> tuple[str, int] | None:
    """``(bucket, requests per window)`` for the route ``request`` matched; ``None``: not limited."""
    resource = request.match_info.route.resource
    path = resource.canonical if resource is not None else ""
    per_client = request.app[SETTINGS].issuer_per_client
    if path in CREDENTIAL_PATHS:
        return "credential", per_client
    if path in READ_PATHS:
        return "read", per_client * READ_FACTOR
    return None


@web.middleware
async def client_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    budget = _budget(request)
    if budget is not None and budget[1] > 0:
        bucket, limit = budget
        client = client_limit_key(request, request.app[SETTINGS].trusted_proxies)
        wait = await request.app[LIMITER].take(f"{bucket}:{client}", limit, WINDOW_SECONDS)
        if wait:
            detail = f"Too many requests from your address; try again in {wait} seconds."
            return problem_response(
                429,
                "Too many requests",
                detail,
                headers={"Retry-After": str(wait), "Cache-Control": "no-store"},
                retryAfter=wait,
            )
    return await handler(request)
