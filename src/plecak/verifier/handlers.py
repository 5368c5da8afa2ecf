"""Thin handlers of the machine interfaces: VC-API, the trust registry, OpenID4VP, health."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from plecak.core.jose_vc import envelope_of_text
from plecak.runtime.health import redis_health
from plecak.runtime.oauth import OpenIdError
from plecak.runtime.web import FORM_ERRORS, Problem, json_response, raise_problem, read_form, read_json

from .app_keys import REDIS, REQUESTS, SDJWT, SETTINGS, TRUST, VERIFICATION
from .oid4vp.requests import RequestExpired, RequestNotFound
from .route_table import routes
from .sdjwt import sd_jwt_text
from .service import PROBLEM_TYPES, problem_details

__all__ = [
    "delete_trusted_issuer",
    "get_trusted_issuer",
    "health",
    "list_trusted_issuers",
    "openid4vp_request",
    "openid4vp_response",
    "put_trusted_issuer",
    "request_status",
    "verify_credential",
    "verify_presentation",
]

JWT_REQUEST_TYPE = "application/oauth-authz-req+jwt"


def _no_store(response: web.Response) -> web.Response:
    response.headers["Cache-Control"] = "no-store"
    return response


health = redis_health("verifier", REDIS)


# -- W3C VC-API ------------------------------------------------------------------------------
def _request_error(status: int, kind: str, title: str, detail: str) -> web.Response:
    problem = {"type": PROBLEM_TYPES[kind], "title": title, "detail": detail}
    return json_response({"verified": False, "problemDetails": [problem]}, status=status)


async def _vcapi_body(
    request: web.Request, member: str, *, sd_jwt: bool = False
) -> tuple[dict[str, Any] | str, dict[str, Any]]:
    """``(document, options)`` of a VC-API verify request, or a 4xx :class:`_BadRequest`."""
    settings = request.app[SETTINGS]
    try:
        body = await read_json(request, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth)
    except Problem as exc:
        raise _BadRequest(exc.status, "parsing", exc.title, exc.detail or exc.title) from None
    if not isinstance(body, dict):
        raise _BadRequest(400, "malformed", "Malformed request", f'the body must be {{"{member}": {{…}}}}')
    document = body.get(member)
    if document is None:
        raise _BadRequest(400, "malformed", "Malformed request", f"{member} is missing")
    options = body.get("options")
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise _BadRequest(400, "malformed", "Malformed request", "options must be a JSON object")
    text = sd_jwt_text(document) if sd_jwt else None
    if text is not None:
        return text, options
    document = envelope_of_text(document) or document  # a bare compact JWS: vc+jwt (vp+jwt)
    if not isinstance(document, dict):
        kind = "a JSON string" if isinstance(document, str) else f"a JSON {type(document).__name__}"
        raise _BadRequest(400, "malformed", "Malformed request", f"{member} must be a JSON object, not {kind}")
    return document, options


class _BadRequest(Exception):
    def __init__(self, status: int, kind: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.response = _request_error(status, kind, title, detail)


def _verification_response(report: dict[str, Any]) -> web.Response:
    body = {"verified": bool(report["verified"]), **report, "problemDetails": problem_details(report)}
    return _no_store(json_response(body, status=200 if body["verified"] else 422))


@routes.post("/credentials/verify")
async def verify_credential(request: web.Request) -> web.Response:
    """``POST /credentials/verify`` ``{verifiableCredential, options}`` (unknown options are ignored).

    ``verifiableCredential`` may also be an SD-JWT VC: the compact string, or an
    ``EnvelopedVerifiableCredential`` (``data:application/dc+sd-jwt,…``); then ``options.challenge``
    and ``options.domain`` are the nonce and audience its key-binding JWT must carry (and with a
    challenge a key binding is required).
    """
    try:
        credential, options = await _vcapi_body(request, "verifiableCredential", sd_jwt=True)
        for name in ("challenge", "domain"):
            if options.get(name) is not None and not isinstance(options[name], str):
                raise _BadRequest(400, "malformed", "Malformed request", f"options.{name} must be a string")
    except _BadRequest as exc:
        return exc.response
    if isinstance(credential, str):
        sd_result = await request.app[SDJWT].verify(
            credential,
            nonce=options.get("challenge"),
            audience=options.get("domain"),
            require_key_binding=options.get("challenge") is not None,
        )
        return _verification_response(sd_result.to_json())
    result = await request.app[VERIFICATION].verify_credential(credential)
    return _verification_response(result.to_json())


@routes.post("/presentations/verify")
async def verify_presentation(request: web.Request) -> web.Response:
    """``POST /presentations/verify`` ``{verifiablePresentation, options: {challenge, domain}}``."""
    try:
        presentation, options = await _vcapi_body(request, "verifiablePresentation")
        assert isinstance(presentation, dict)
        for name in ("challenge", "domain"):
            if options.get(name) is not None and not isinstance(options[name], str):
                raise _BadRequest(400, "malformed", "Malformed request", f"options.{name} must be a string")
    except _BadRequest as exc:
        return exc.response
    result = await request.app[VERIFICATION].verify_presentation(
        presentation,
        challenge=options.get("challenge"),
        domain=options.get("domain"),
        strict=request.app[SETTINGS].vcapi_policy == "strict",
    )
    return _verification_response(result.to_json())


# -- trust registry (admin, bearer token) ----------------------------------------------------
@routes.get("/api/trusted-issuers")
async def list_trusted_issuers(request: web.Request) -> web.Response:
    return json_response({"trustedIssuers": await request.app[TRUST].entries()})


@routes.get("/api/trusted-issuers/{did}")
async def get_trusted_issuer(request: web.Request) -> web.Response:
    did = request.match_info["did"]
    entry = await request.app[TRUST].lookup(did)
    if entry is None:
        raise_problem(404, "Not found", f"{did} is not in the trust registry")
    return json_response({"did": did, **entry})


@routes.put("/api/trusted-issuers/{did}")
async def put_trusted_issuer(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    body = await read_json(request, max_bytes=64 * 1024, max_depth=settings.max_json_depth)
    entry, created = await request.app[TRUST].put(request.match_info["did"], body)
    return json_response(entry, status=201 if created else 200)


@routes.delete("/api/trusted-issuers/{did}")
async def delete_trusted_issuer(request: web.Request) -> web.Response:
    did = request.match_info["did"]
    if not await request.app[TRUST].delete(did):
        raise_problem(404, "Not found", f"{did} is not in the trust registry")
    return web.Response(status=204)


# -- OpenID4VP (wallet side) -----------------------------------------------------------------
async def _wallet_nonce(request: web.Request) -> str | None:
    """``request_uri_method=post``: the form may carry ``wallet_nonce`` (and ``wallet_metadata``)."""
    if request.method != "POST":
        return None
    if request.content_type != "application/x-www-form-urlencoded":
        raise OpenIdError("invalid_request", "post wallet_metadata and wallet_nonce form-encoded")
    if (request.content_length or 0) > 64 * 1024:
        raise OpenIdError("invalid_request", "the wallet metadata is too large", 413)
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise OpenIdError("invalid_request", "the wallet metadata is too large", 413) from None
    except FORM_ERRORS:
        raise OpenIdError("invalid_request", "the form body cannot be read") from None
    nonce = form.get("wallet_nonce")
    if nonce is not None and (not isinstance(nonce, str) or not 0 < len(nonce) <= 256):
        raise OpenIdError("invalid_request", "wallet_nonce must be text of at most 256 characters")
    return nonce


@routes.get("/openid4vp/request/{rid}")
@routes.post("/openid4vp/request/{rid}")
async def openid4vp_request(request: web.Request) -> web.Response:
    """``GET`` or ``POST request_uri``: the Authorization Request as a signed JAR
    (``application/oauth-authz-req+jwt``), whatever the wallet asks for."""
    requests = request.app[REQUESTS]
    wallet_nonce = await _wallet_nonce(request)
    try:
        record = await requests.get(request.match_info["rid"])
        token = requests.signed_request(record, wallet_nonce)
    except RequestNotFound:
        raise OpenIdError("invalid_request", "there is no such presentation request", 404) from None
    except RequestExpired:
        raise OpenIdError("invalid_request", "the presentation request has expired", 410) from None
    response = web.Response(text=token, content_type=JWT_REQUEST_TYPE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _no_store(response)


@routes.post("/openid4vp/response/{rid}")
async def openid4vp_response(request: web.Request) -> web.Response:
    """``POST response_uri`` (``direct_post``): form-encoded ``vp_token`` and ``state``."""
    if request.content_type != "application/x-www-form-urlencoded":
        raise OpenIdError("invalid_request", "send the response form-encoded (application/x-www-form-urlencoded)")
    if (request.content_length or 0) > request.app[SETTINGS].max_form_bytes:
        raise OpenIdError("invalid_request", "the response is too large", 413)
    try:
        form = await read_form(request)
    except web.HTTPRequestEntityTooLarge:
        raise OpenIdError("invalid_request", "the response is too large", 413) from None
    except Problem as exc:
        raise OpenIdError("invalid_request", exc.detail or "the form cannot be read") from None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    answer = await request.app[REQUESTS].respond(request.match_info["rid"], fields)
    return _no_store(json_response(answer))


@routes.get("/requests/{tx}/status")
async def request_status(request: web.Request) -> web.Response:
    """``GET /requests/{tx}/status``: what the employer's page polls."""
    return _no_store(json_response(await request.app[REQUESTS].status(request.match_info["tx"])))
