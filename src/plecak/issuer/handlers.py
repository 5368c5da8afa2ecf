"""Thin HTTP handlers: parse the request, call the service, shape the response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from plecak.core.jsonld.loader import default_context_store
from plecak.core.model.micro_credential import Achievement
from plecak.runtime.countries import country_name, language_name
from plecak.runtime.health import redis_health
from plecak.runtime.language import language_switch
from plecak.runtime.oauth import OpenIdError
from plecak.runtime.qr import qr_data_uri
from plecak.runtime.web import Problem, json_response, read_form

from .achievements import _READABLE as READABLE
from .achievements import ENUMERATIONS
from .app_keys import OFFERS, REDIS, SDJWT, SERVICE, SETTINGS
from .config import MAX_SHARED_LINK_DAYS
from .i18n import LANG_COOKIE, language_of, render_page, wants_html
from .record_handlers import RecordApi, json_body
from .sdjwt_type_metadata import type_metadata
from .service import NotFound

PLECAK_CONTEXT_URL = "https://w3id.org/plecak/mc/v1"
MAX_IDEMPOTENCY_KEY = 255
_PAGE_EXTRAS = ("humanCode", "fieldOfStudy", "inLanguage")
"""Achievement members the typed model keeps in ``extra`` that its public page shows."""


def _idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise web.HTTPBadRequest(reason="Idempotency-Key must be 1 to 255 printable characters")
    return key


# -- public ------------------------------------------------------------------------------
async def home(request: web.Request) -> web.Response:
    """The public home page, in the reader's language (the institution's own texts as written)."""
    service = request.app[SERVICE]
    profile = await service.profile()
    code = profile.get("addressCountryCode")
    context = {
        "profile": profile,
        # the country in the reader's words (a code we know), else as the institution wrote it
        "country": country_name(code, language_of(request)) if code else profile.get("addressCountry"),
        "did": service.keys.did,
        "achievements": await service.achievements(),
        "readable": READABLE,
    }
    return render_page(request, "home.html", context)


async def admin_page(request: web.Request) -> web.Response:
    """The "issue to learner" screen; its script calls the admin API with the token the admin types."""
    service = request.app[SERVICE]
    return render_page(request, "admin.html", {"profile": await service.profile(), "did": service.keys.did})


async def _registrar_context(request: web.Request) -> dict[str, Any]:
    service = request.app[SERVICE]
    editing = request.match_info.get("uuid")
    mode = "edit" if editing else "new" if request.path.endswith("/new") else "list"
    return {
        "profile": await service.profile(),
        "did": service.keys.did,
        "enums": ENUMERATIONS,
        "readable": READABLE,
        "mode": mode,
        "editing": editing or "",
    }


async def admin_achievements_page(request: web.Request) -> web.Response:
    """Registrar screen: list, create and edit achievements (data comes from the admin API)."""
    return render_page(request, "admin_achievements.html", await _registrar_context(request))


async def admin_credentials_page(request: web.Request) -> web.Response:
    """Registrar screen: find issued credentials, revoke/suspend them, see their history."""
    context = await _registrar_context(request)
    context.update(link_days=request.app[SETTINGS].shared_link_days, max_link_days=MAX_SHARED_LINK_DAYS)
    return render_page(request, "admin_credentials.html", context)


async def admin_pathways_page(request: web.Request) -> web.Response:
    """Registrar screen: list, create and edit pathways; trusted institutions."""
    return render_page(request, "admin_pathways.html", await _registrar_context(request))


set_language = language_switch(LANG_COOKIE, lambda request: request.app[SETTINGS].public_url.startswith("https://"))
"""``GET /lang/{lang}?next=/path``: the registrar screens' language."""


health = redis_health("issuer", REDIS)


async def did_document(request: web.Request) -> web.Response:
    doc = await request.app[SERVICE].did_document()
    resp = json_response(doc, content_type="application/did+json")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


async def extension_context(request: web.Request) -> web.Response:
    body = default_context_store().raw(PLECAK_CONTEXT_URL)
    return web.Response(
        body=body,
        content_type="application/ld+json",
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=86400, immutable"},
    )


async def public_achievement(request: web.Request) -> web.Response:
    """The achievement as JSON (wallets, scripts), or a page for a person who opened it in a browser."""
    service = request.app[SERVICE]
    record = await service.achievement(request.match_info["uuid"])
    if wants_html(request):
        document = record["achievement"]
        more = {key: document[key] for key in _PAGE_EXTRAS if isinstance(document.get(key), str)}
        if "inLanguage" in more:  # a BCP 47 tag: named in the reader's language ("en" -> "angielski")
            more["inLanguage"] = language_name(more["inLanguage"], language_of(request)) or more["inLanguage"]
        context = {
            "a": Achievement.from_open_badges(document, lenient=True),
            "more": more,
            "profile": await service.profile(),
            "readable": READABLE,
        }
        page = render_page(request, "achievement.html", context)  # in the reader's language
        page.headers.add("Vary", "Accept")
        return page
    resp = json_response(record["achievement"])
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Vary"] = "Accept"
    return resp


async def _serve_list(request: web.Request, *, legacy: bool) -> web.Response:
    body, etag = await request.app[SERVICE].status_list(request.match_info["list_id"], legacy=legacy)
    max_age = request.app[SETTINGS].status_list_max_age
    headers = {
        "ETag": etag,  # strong: a digest of the exact bytes
        "Cache-Control": f"public, max-age={max_age}, must-revalidate",
        "Access-Control-Allow-Origin": "*",
    }
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return web.Response(status=304, headers=headers)
    content_type = "application/vc+ld+json" if not legacy else "application/ld+json"
    return web.Response(body=body, content_type=content_type, headers=headers)


async def status_list(request: web.Request) -> web.Response:
    return await _serve_list(request, legacy=False)


async def legacy_status_list(request: web.Request) -> web.Response:
    return await _serve_list(request, legacy=True)


async def token_status_list(request: web.Request) -> web.Response:
    """The IETF Token Status List (``statuslist+jwt``) that SD-JWT VCs point at."""
    token = await request.app[SDJWT].status_list_token(request.match_info["list_id"])
    return web.Response(
        text=token,
        content_type="application/statuslist+jwt",
        headers={
            "Access-Control-Allow-Origin": "*",
            "Cache-Control": f"public, max-age={request.app[SETTINGS].status_list_max_age}",
        },
    )


async def jwt_vc_issuer(request: web.Request) -> web.Response:
    """JWT VC Issuer Metadata: the key of our SD-JWT VCs for verifiers that do not resolve DIDs."""
    metadata = request.app[SDJWT].issuer_metadata()
    if metadata is None:
        raise NotFound("this issuer signs SD-JWT VCs as a did:key; its key is in the DID itself")
    resp = json_response(metadata)
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


async def sdjwt_type_metadata(request: web.Request) -> web.Response:
    """SD-JWT VC Type Metadata of our micro-credential ``vct`` (display in EN and PL, claims)."""
    resp = json_response(type_metadata(request.app[SDJWT].vct))
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


# -- admin -------------------------------------------------------------------------------
async def get_profile(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    return json_response({"did": service.keys.did, "profile": await service.profile()})


async def put_profile(request: web.Request) -> web.Response:
    profile = await request.app[SERVICE].set_profile(await json_body(request))
    return json_response({"did": request.app[SERVICE].keys.did, "profile": profile})


ACHIEVEMENT_API = RecordApi("achievements", lambda request: request.app[SERVICE].achievement_records)


def _issued(result: Any) -> web.Response:
    resp = json_response({"verifiableCredential": result.credential}, status=201)
    if result.replayed:
        resp.headers["Idempotent-Replayed"] = "true"
    return resp


async def issue_for_learner(request: web.Request) -> web.Response:
    key = _idempotency_key(request)
    body = await json_body(request)
    result = await request.app[SERVICE].issue_for_learner(request.match_info["uuid"], body, key)
    return _issued(result)


MAX_SEARCH_TEXT = 320


async def list_credentials(request: web.Request) -> web.Response:
    """``GET /api/credentials?q=…&achievement=…&limit=…``: the registrar's search."""
    query = request.query.get("q", "")
    achievement = request.query.get("achievement", "") or None
    limit_text = request.query.get("limit", "100")
    if len(query) > MAX_SEARCH_TEXT or not query.isprintable():
        raise web.HTTPBadRequest(reason=f"q must be at most {MAX_SEARCH_TEXT} printable characters")
    if achievement is not None and (len(achievement) > 100 or not achievement.isprintable()):
        raise web.HTTPBadRequest(reason="achievement must be an achievement's uuid")
    if (
        not (limit_text.isascii() and limit_text.isdigit())
        or len(limit_text) > 3
        or not 1 <= int(limit_text) <= 500
    ):
        raise web.HTTPBadRequest(reason="limit must be a whole number from 1 to 500")
    found = await request.app[SERVICE].search_credentials(query, achievement, limit=int(limit_text))
    return _no_store(json_response(found))


async def credential_history(request: web.Request) -> web.Response:
    history = await request.app[SERVICE].credential_history(request.match_info["credential_id"])
    return _no_store(json_response(history))


async def get_credential(request: web.Request) -> web.Response:
    return json_response(await request.app[SERVICE].credential_record(request.match_info["credential_id"]))


# -- VC-API ------------------------------------------------------------------------------
async def vcapi_issue(request: web.Request) -> web.Response:
    key = _idempotency_key(request)
    body = await json_body(request)
    if not isinstance(body, dict) or "credential" not in body:
        raise web.HTTPBadRequest(reason='the body must be {"credential": {...}, "options": {...}}')
    result = await request.app[SERVICE].issue_credential(body["credential"], body.get("options"), key)
    return _issued(result)


async def vcapi_status(request: web.Request) -> web.Response:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="the body must be a JSON object")
    status = body.get("credentialStatus")
    purpose = status.get("statusPurpose") if isinstance(status, dict) else None
    result = await request.app[SERVICE].update_status(body.get("credentialId"), purpose, body.get("status"))
    return json_response(result)


# -- OpenID4VCI ---------------------------------------------------------------------------
def _no_store(resp: web.Response) -> web.Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


def offer_qr_payload(offer: Mapping[str, Any]) -> str:
    """What an offer's main QR code holds: the https link into the web wallet when the issuer knows
    the wallet (``PLECAK_WALLET_URL``), else the ``openid-credential-offer://`` link."""
    return str(offer.get("walletLink") or offer["offerLink"])


async def create_offer(request: web.Request) -> web.Response:
    offer = await request.app[OFFERS].create_offer(request.match_info["uuid"], await json_body(request))
    # A phone's camera app opens https links, not openid-credential-offer:// (no handler on most
    # phones): the main QR code opens the web wallet, which reads the offer; native wallets get
    # their own QR code of the custom-scheme link.
    offer["qrCode"] = qr_data_uri(offer_qr_payload(offer))
    offer["appQrCode"] = qr_data_uri(offer["offerLink"])
    return _no_store(json_response(offer, status=201))


async def get_offer(request: web.Request) -> web.Response:
    try:
        offer = await request.app[OFFERS].offer_status(request.match_info["offer_id"])
    except OpenIdError as exc:  # the admin API answers problem details, not OAuth errors
        raise Problem(
            exc.status, "Not found" if exc.status == 404 else "Offer unavailable", exc.description
        ) from None
    return json_response(offer)


async def oid4vci_issuer_metadata(request: web.Request) -> web.Response:
    resp = json_response(await request.app[OFFERS].issuer_metadata())
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


async def oid4vci_as_metadata(request: web.Request) -> web.Response:
    resp = json_response(request.app[OFFERS].authorization_server_metadata())
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


async def oid4vci_offer(request: web.Request) -> web.Response:
    return _no_store(json_response(await request.app[OFFERS].public_offer(request.match_info["offer_id"])))


async def oid4vci_token(request: web.Request) -> web.Response:
    if request.content_type != "application/x-www-form-urlencoded":
        raise OpenIdError("invalid_request", "send the token request form-encoded")
    if (request.content_length or 0) > 8192:
        raise OpenIdError("invalid_request", "the token request is too large")
    try:
        form = await read_form(request)
    except Problem as exc:
        raise OpenIdError("invalid_request", exc.detail or "the form cannot be read") from None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return _no_store(json_response(await request.app[OFFERS].token(fields)))


async def oid4vci_nonce(request: web.Request) -> web.Response:
    return _no_store(json_response(await request.app[OFFERS].nonce()))


async def oid4vci_credential(request: web.Request) -> web.Response:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    access_token = token.strip() if scheme.lower() in ("bearer", "dpop") else None
    body = await json_body(request)
    return _no_store(json_response(await request.app[OFFERS].credential(access_token, body)))
