"""What the employer's pages share: render, redirect, the form and upload readers, the per-client
limit of stored checks, and verify-then-show (the redirect to the stored result)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp_jinja2
from aiohttp import BodyPartReader, web

from plecak.core.safejson import UnsafeJson
from plecak.runtime.clientaddr import client_limit_key
from plecak.runtime.web import FORM_ERRORS, Problem, read_form

from .app_keys import CSRF, LIMITER, SDJWT, SETTINGS, VERIFICATION
from .csrf import FIELD
from .fetch import parse_json
from .i18n import language_of, page_path, texts_of
from .sdjwt import SD_JWT_KIND, sd_jwt_text
from .service import unwrap

__all__ = [
    "forbidden",
    "limit_checks",
    "parse_text",
    "read_fields",
    "read_upload",
    "redirect",
    "render",
    "size",
    "verify_and_show",
]


def size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n // 1000} kB"


def render(request: web.Request, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
    context = {"t": texts_of(request), "lang": language_of(request), "path": page_path(request), **context}
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def forbidden(request: web.Request) -> Problem:
    return Problem(403, "Form expired", texts_of(request)["error_form_expired"])


async def limit_checks(request: web.Request) -> None:
    """Count one stored check for this client; 429 once it has started too many in the window.

    Every check (link, paste, upload) and presentation request stores a record in Redis, so an
    anonymous client may start only ``verify_per_client`` of them per ``verify_window_seconds``.
    """
    settings = request.app[SETTINGS]
    client = client_limit_key(request, settings.trusted_proxies)
    wait = await request.app[LIMITER].take(client, settings.verify_per_client, settings.verify_window_seconds)
    if wait:
        minutes = max(1, -(-wait // 60))
        raise Problem(
            429,
            "Too many checks",
            texts_of(request)["error_too_many_checks"].format(minutes=minutes),
            headers={"Retry-After": str(wait)},
        )


async def read_fields(request: web.Request) -> dict[str, str]:
    """The fields of a url-encoded form whose CSRF token checks out (else a 4xx problem)."""
    limit = request.app[SETTINGS].max_form_bytes
    if (request.content_length or 0) > limit:
        raise Problem(413, "Too large", texts_of(request)["error_too_large"].format(limit=size(limit // 3)))
    try:
        form = await read_form(request)
    except Problem:
        raise Problem(400, "Malformed form", texts_of(request)["error_bad_form"]) from None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not request.app[CSRF].valid(request, fields.get(FIELD)):
        raise forbidden(request)
    return fields


async def verify_and_show(
    request: web.Request, document: Any, *, source: str, source_url: str | None = None
) -> web.Response:
    service = request.app[VERIFICATION]
    document = unwrap(document)
    sd_jwt = sd_jwt_text(document)
    if sd_jwt is not None:
        report = (await request.app[SDJWT].verify(sd_jwt)).to_json()
        result_id = await service.save(SD_JWT_KIND, sd_jwt, report, source=source, source_url=source_url)
        return redirect(f"/results/{result_id}")
    kind, result = await service.verify_document(document)
    result_id = await service.save(kind, document, result.to_json(), source=source, source_url=source_url)
    return redirect(f"/results/{result_id}")


def parse_text(data: bytes | str, request: web.Request) -> Any:
    t = texts_of(request)
    settings = request.app[SETTINGS]
    try:
        return parse_json(data, max_depth=settings.max_json_depth)
    except ValueError as exc:
        if str(exc) == "there is no text":
            raise Problem(400, "Nothing to check", t["error_empty"]) from None
        raise Problem(400, "Not a credential", t["error_bad_json"].format(reason=_reason(exc, t))) from None


def _reason(exc: ValueError, t: Mapping[str, str]) -> str:
    """Why a text is not JSON, in the page's language: by the error's code, never its wording."""
    if t.get("lang_code", "en") == "en" or not isinstance(exc, UnsafeJson):
        return str(exc)
    if exc.code == "not_json":
        return t["reason_not_json"].format(line=exc.line, column=exc.column)
    if exc.code == "not_utf8":
        return t["reason_not_utf8"]
    if exc.code == "too_deep":
        return t["reason_too_deep"].format(depth=exc.depth)
    return str(exc)


async def _read_part(part: BodyPartReader, limit: int) -> bytes | None:
    """The part's bytes, or ``None`` if it is longer than ``limit``."""
    data = bytearray()
    while chunk := await part.read_chunk(65536):
        data += chunk
        if len(data) > limit:
            return None
    return bytes(data)


async def read_upload(
    request: web.Request, file_field: str, file_limit: int, *, not_upload: Problem, too_large: Problem
) -> tuple[str | None, bytes]:
    """The form token and the file of a multipart upload (``b""`` without one), read part by part:
    ``too_large`` as soon as the file passes ``file_limit`` (another field, 4 KiB), ``not_upload`` for
    a part that is not a body part, 400 for a malformed form."""
    token: str | None = None
    data = b""
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise not_upload
            content = await _read_part(part, file_limit if part.name == file_field else 4096)
            if content is None:
                raise too_large
            if part.name == FIELD:
                token = content.decode("utf-8", "replace")
            elif part.name == file_field:
                data = content
    except FORM_ERRORS:
        raise Problem(400, "Malformed form", texts_of(request)["error_bad_form"]) from None
    return token, data
