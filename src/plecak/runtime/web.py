"""aiohttp helpers shared by the issuer, wallet and verifier: problem details, JSON, headers, auth.

Errors are RFC 9457 problem details (``application/problem+json``). A typical app::

    web.Application(
        client_max_size=MAX_BODY + 1,
        middlewares=[security_headers_middleware, problem_middleware, ...],
    )

``security_headers_middleware`` goes first (outermost) so that it also sees the responses
``problem_middleware`` builds from exceptions.
"""

from __future__ import annotations

import hmac
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware
from multidict import MultiDictProxy

from plecak.core import safejson
from plecak.core.errors import (
    DataModelError,
    DIDError,
    DocumentLoaderError,
    JsonLdError,
    KeyFormatError,
    ProofError,
    SecretBoxError,
    StatusListError,
    UndefinedTermError,
    VCError,
)

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "FORM_ERRORS",
    "PROBLEM_CONTENT_TYPE",
    "SECURITY_HEADERS",
    "Problem",
    "bearer_auth_middleware",
    "json_response",
    "problem_middleware",
    "problem_response",
    "raise_problem",
    "read_form",
    "read_json",
    "require_bearer",
    "security_headers_middleware",
]

PROBLEM_CONTENT_TYPE = "application/problem+json"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
"""Added to every response; a header the handler already set is kept (e.g. its own CSP)."""

_log = logging.getLogger(__name__)

_RESERVED = frozenset({"type", "title", "status", "detail"})

# Headers of an HTTPException that describe its own body, not the problem body replacing it.
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding", "transfer-encoding"})

_VC_ERROR_TITLES: Mapping[type[VCError], str] = {
    UndefinedTermError: "Undefined JSON-LD term",
    JsonLdError: "Invalid JSON-LD",
    DocumentLoaderError: "Unsupported context or document",
    DataModelError: "Invalid credential",
    KeyFormatError: "Invalid key",
    DIDError: "Invalid or unresolvable DID",
    ProofError: "Invalid proof options",
    StatusListError: "Invalid status list",
}


def _problem_body(status: int, title: str, detail: str | None, type_: str, extra: Mapping[str, Any]) -> str:
    clash = _RESERVED.intersection(extra)
    if clash:
        raise ValueError(f"problem members {sorted(clash)} are set by the positional arguments")
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> web.Response:
    """An RFC 9457 problem details response; ``extra`` adds extension members (``errorId=…``)."""
    return web.Response(
        status=status,
        text=_problem_body(status, title, detail, type_, extra),
        content_type=PROBLEM_CONTENT_TYPE,
        headers=dict(headers or {}),
    )


class Problem(web.HTTPException):
    """An ``HTTPException`` whose body is problem details: ``raise Problem(404, "Not found", "…")``.

    It renders correctly with or without :func:`problem_middleware`.
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type_: str = "about:blank",
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"a problem status is 400 to 599, not {status!r}")
        self.status_code = status
        self.title = title
        self.detail = detail
        super().__init__(
            headers=dict(headers or {}),
            text=_problem_body(status, title, detail, type_, extra),
            content_type=PROBLEM_CONTENT_TYPE,
        )


def raise_problem(
    status: int, title: str, detail: str | None = None, *, type_: str = "about:blank", **extra: Any
) -> NoReturn:
    """``raise Problem(status, title, detail, …)`` as a statement-like call."""
    raise Problem(status, title, detail, type_=type_, **extra)


def _from_http_exception(exc: web.HTTPException) -> web.StreamResponse:
    if exc.content_type == PROBLEM_CONTENT_TYPE:
        return web.Response(status=exc.status, body=exc.body, headers=exc.headers)
    headers = {k: v for k, v in exc.headers.items() if k.lower() not in _BODY_HEADERS}
    text = exc.text if exc.body is not None and exc.content_type == "text/plain" else None
    default_text = f"{exc.status}: {exc.reason}"
    detail = text if text and text != default_text else None
    return problem_response(exc.status, exc.reason, detail, headers=headers)


def _vc_error_title(exc: VCError) -> str:
    for cls in type(exc).__mro__:
        if cls in _VC_ERROR_TITLES:
            return _VC_ERROR_TITLES[cls]
    return "Unprocessable content"


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn errors into problem details.

    * ``HTTPException`` with status ≥ 400 → a problem with the same status and headers
      (``WWW-Authenticate``, ``Allow`` …); 1xx–3xx exceptions (redirects) pass through.
    * a :class:`~plecak.core.errors.VCError` that escaped the handler → 422 naming the error
      (``SecretBoxError`` is a server-side key problem: 500);
    * anything else → 500 with an ``errorId``; the traceback is logged with that id only.
    """
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _from_http_exception(exc)
    except VCError as exc:
        if isinstance(exc, SecretBoxError):
            return _internal_error(request, exc)
        extra: dict[str, Any] = {"error": type(exc).__name__}
        if isinstance(exc, DataModelError):
            extra["problems"] = exc.problems
        return problem_response(422, _vc_error_title(exc), str(exc), **extra)
    except OSError as exc:
        if isinstance(request.match_info.route.resource, web.StaticResource):
            # a file name the file system refuses (too long …) names no file we serve
            return problem_response(404, "Not Found")
        return _internal_error(request, exc)
    except Exception as exc:  # the last line of defence
        return _internal_error(request, exc)


def _internal_error(request: web.Request, exc: BaseException) -> web.Response:
    error_id = uuid.uuid4().hex
    _log.error("unhandled error %s in %s %s", error_id, request.method, request.path, exc_info=exc)
    return problem_response(
        500,
        "Internal server error",
        f"An unexpected error occurred. Quote error id {error_id} when reporting it.",
        errorId=error_id,
    )


def _apply_security_headers(headers: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = value


@web.middleware
async def security_headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add :data:`SECURITY_HEADERS` to every response (already-prepared streams cannot be changed)."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _apply_security_headers(exc.headers)
        raise
    if not response.prepared:
        _apply_security_headers(response.headers)
    return response


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def json_response(data: Any, status: int = 200, **kw: Any) -> web.Response:
    """``web.json_response`` with compact separators, UTF-8 and no NaN/Infinity (``ValueError``)."""
    return web.json_response(data, status=status, dumps=_dumps, **kw)


# --- request bodies -------------------------------------------------------------------------


def _is_json_type(content_type: str) -> bool:
    main, _, sub = content_type.lower().partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def _too_large(max_bytes: int) -> Problem:
    return Problem(413, "Request body too large", f"the request body must be at most {max_bytes} bytes")


async def read_json(request: web.Request, *, max_bytes: int = 1_000_000, max_depth: int = 64) -> Any:
    """The request body parsed as JSON, or a :class:`Problem`.

    * 415 unless the Content-Type is ``application/json``, ``application/ld+json`` or
      another ``application/*+json``;
    * 413 if ``Content-Length`` exceeds ``max_bytes`` or, for chunked bodies, as soon as
      more than ``max_bytes`` arrive (the body is read from the stream, so aiohttp's
      ``client_max_size`` does not apply here; still set it to about ``max_bytes + 1`` for
      ``request.read()``/``post()`` elsewhere, the default is 1 MiB);
    * 400 for a body that is empty, not UTF-8, malformed (with line/column), nested more
      than ``max_depth`` arrays/objects deep, or holding what :func:`plecak.core.safejson.loads`
      refuses (``NaN``/``Infinity``, numbers of more than 64 characters, lone surrogates).
    """
    if not _is_json_type(request.content_type):
        given = request.headers.get(hdrs.CONTENT_TYPE) or "no Content-Type"
        raise Problem(415, "Unsupported media type", f"the body must be application/json, not {given}")
    try:
        declared = request.content_length
    except ValueError:
        raise Problem(400, "Bad request", "invalid Content-Length") from None
    if declared is not None and declared > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    while chunk := await request.content.read(65536):
        body += chunk
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    if not body.strip():
        raise Problem(400, "Malformed JSON", "the request body is empty")
    try:
        return safejson.loads(body, max_depth=max_depth)
    except safejson.UnsafeJson as exc:
        if exc.line is None:
            title = "JSON nested too deeply" if "nest" in str(exc) else "Malformed JSON"
            raise Problem(400, title, f"the request body: {exc}") from None
        raise Problem(
            400, "Malformed JSON", str(exc), line=exc.line, column=exc.column, position=exc.position
        ) from None


FORM_ERRORS: tuple[type[Exception], ...] = (ValueError, LookupError)
"""What aiohttp raises for a form body it cannot parse: a multipart body without a boundary or
cut short, a part without a name, bytes that are not in the declared charset, an unknown charset."""


async def read_form(request: web.Request) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """``request.post()``, with a body that is not a readable form answered ``400`` (a
    :class:`Problem`) instead of escaping as a 500; 413 still comes from ``client_max_size``."""
    try:
        return await request.post()
    except FORM_ERRORS as exc:
        raise Problem(400, "Malformed form", f"the form body cannot be read: {exc}") from None


# --- authentication -------------------------------------------------------------------------


def require_bearer(request: web.Request, expected_token: str, *, realm: str = "plecak") -> None:
    """Check ``Authorization: Bearer <expected_token>`` in constant time, else a 401 problem.

    No bearer credentials: ``WWW-Authenticate: Bearer realm="…"``; a wrong token adds
    ``error="invalid_token"`` (RFC 6750 §3).
    """
    if not isinstance(expected_token, str):
        raise TypeError("expected_token must be a string")
    if not expected_token:
        raise ValueError("an empty bearer token would let anyone in")
    scheme, _, presented = request.headers.get(hdrs.AUTHORIZATION, "").strip().partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        raise Problem(
            401,
            "Authentication required",
            "send Authorization: Bearer <token>",
            headers={hdrs.WWW_AUTHENTICATE: f'Bearer realm="{realm}"'},
        )
    try:
        ok = hmac.compare_digest(presented.encode("utf-8"), expected_token.encode("utf-8"))
    except UnicodeEncodeError:
        ok = False
    if not ok:
        raise Problem(
            401,
            "Invalid token",
            "the bearer token is not valid",
            headers={hdrs.WWW_AUTHENTICATE: f'Bearer realm="{realm}", error="invalid_token"'},
        )


def bearer_auth_middleware(
    token: str, protect: Callable[[web.Request], bool], *, realm: str = "plecak"
) -> Middleware:
    """A middleware calling :func:`require_bearer` for the requests ``protect`` selects."""
    if not isinstance(token, str):
        raise TypeError("token must be a string")
    if not token:
        raise ValueError("an empty bearer token would let anyone in")

    @web.middleware
    async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
        if protect(request):
            require_bearer(request, token, realm=realm)
        return await handler(request)

    return bearer_auth
