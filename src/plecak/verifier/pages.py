"""Thin handlers of the employer's HTML pages: read the form or link, call the services, render."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp_jinja2
from aiohttp import BodyPartReader, web

from plecak.core.jose_vc import envelope_of_text
from plecak.core.safejson import UnsafeJson
from plecak.core.sdjwt import SELECTIVELY_DISCLOSABLE
from plecak.runtime.clientaddr import client_address
from plecak.runtime.language import language_switch
from plecak.runtime.qr import (
    MAX_FRAME_BYTES,
    MAX_FRAME_PIXELS,
    NotAnImage,
    QrReader,
    ReaderBusy,
    looks_like_image,
    qr_data_uri,
    read_qr,
)
from plecak.runtime.web import FORM_ERRORS, Problem, json_response, read_form

from .app_keys import CSRF, FRAME_LIMITER, LIMITER, LINKS, REQUESTS, SDJWT, SETTINGS, VERIFICATION
from .csrf import FIELD
from .display import check_view, code_text, result_view
from .errors import page
from .fetch import FetchError, parse_json
from .i18n import LANG_COOKIE, language_of, local_path, page_path, texts_of
from .messages import LANGUAGES, messages
from .oid4vp import ASKABLE_ELEMENTS, Ask, PresentationRequests, sd_jwt_claims_of
from .pdf import NoCredentialInPdf, UnreadablePdf, credential_in_pdf, looks_like_pdf
from .sdjwt import SD_JWT_KIND, sd_jwt_text
from .service import unwrap

__all__ = [
    "TRANSACTION_COOKIE",
    "create_request",
    "home",
    "request_done",
    "request_page",
    "result_page",
    "result_report",
    "scan_frame",
    "set_language",
    "verify_link",
    "verify_paste",
    "verify_upload",
]

TRANSACTION_COOKIE = "plecak_verifier_tx"
"""Set on the employer's browser for ``/openid4vp/done/{rid}``: proves the answer lands where it was asked."""


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n // 1000} kB"


def _render(
    request: web.Request, template: str, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    context = {"t": texts_of(request), "lang": language_of(request), "path": page_path(request), **context}
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def _forbidden(request: web.Request) -> Problem:
    return Problem(403, "Form expired", texts_of(request)["error_form_expired"])


async def _limit(request: web.Request) -> None:
    """Count one stored check for this client; 429 once it has started too many in the window.

    Every check (link, paste, upload) and presentation request stores a record in Redis, so an
    anonymous client may start only ``verify_per_client`` of them per ``verify_window_seconds``.
    """
    settings = request.app[SETTINGS]
    client = client_address(request, settings.trusted_proxies)
    wait = await request.app[LIMITER].take(client, settings.verify_per_client, settings.verify_window_seconds)
    if wait:
        minutes = max(1, -(-wait // 60))
        raise Problem(
            429,
            "Too many checks",
            texts_of(request)["error_too_many_checks"].format(minutes=minutes),
            headers={"Retry-After": str(wait)},
        )


async def _form(request: web.Request) -> dict[str, str]:
    """The fields of a url-encoded form whose CSRF token checks out (else a 4xx problem)."""
    limit = request.app[SETTINGS].max_form_bytes
    if (request.content_length or 0) > limit:
        raise Problem(413, "Too large", texts_of(request)["error_too_large"].format(limit=_size(limit // 3)))
    try:
        form = await read_form(request)
    except Problem:
        raise Problem(400, "Malformed form", texts_of(request)["error_bad_form"]) from None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not request.app[CSRF].valid(request, fields.get(FIELD)):
        raise _forbidden(request)
    return fields


async def _verify_and_show(
    request: web.Request, document: Any, *, source: str, source_url: str | None = None
) -> web.Response:
    service = request.app[VERIFICATION]
    document = unwrap(document)
    sd_jwt = sd_jwt_text(document)
    if sd_jwt is not None:
        report = (await request.app[SDJWT].verify(sd_jwt)).to_json()
        result_id = await service.save(SD_JWT_KIND, sd_jwt, report, source=source, source_url=source_url)
        return _redirect(f"/results/{result_id}")
    kind, result = await service.verify_document(document)
    result_id = await service.save(kind, document, result.to_json(), source=source, source_url=source_url)
    return _redirect(f"/results/{result_id}")


def _parse(data: bytes | str, request: web.Request) -> Any:
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


# -- language switch --------------------------------------------------------------------------
set_language = language_switch(LANG_COOKIE, lambda request: request.app[SETTINGS].secure_cookies)


# -- home and the four ways in ---------------------------------------------------------------
@page
async def home(request: web.Request) -> web.StreamResponse:
    cookies: dict[str, str] = {}
    guard = request.app[CSRF]
    token = guard.token(request, cookies)
    limit = _size(request.app[SETTINGS].max_body_bytes)
    t = texts_of(request)
    askable = [(e, t[f"el_{e}"]) for e in ASKABLE_ELEMENTS if f"el_{e}" in t]
    context = {"csrf": token, "field": FIELD, "limit": limit, "elements": askable}
    response = _render(request, "home.html", context)
    guard.set_cookies(response, cookies)
    return response


@page
async def verify_link(request: web.Request) -> web.StreamResponse:
    """``GET /verify?url=…``: fetch a credential or presentation (wallet share links, QR codes)."""
    t = texts_of(request)
    url = request.query.get("url", "")
    links = request.app[LINKS]
    await _limit(request)
    try:
        document = await links.fetch_json(url)
    except FetchError as exc:
        raise _link_problem(exc, t) from None
    return await _verify_and_show(request, document, source="link", source_url=url.strip())


def _link_problem(exc: FetchError, t: Mapping[str, str]) -> Problem:
    """A link that answered an error, in words: a share link the learner withdrew (410), one that
    does not exist (404), one the server refused or could not serve; anything else as it failed."""
    upstream = exc.upstream
    if upstream == 410:
        return Problem(410, "Link withdrawn", t["error_link_withdrawn"])
    if upstream == 404:
        return Problem(404, "Link not found", t["error_link_missing"])
    if upstream is not None and 400 <= upstream < 500:
        return Problem(502, "Link refused", t["error_link_refused"].format(status=upstream))
    if upstream is not None:
        return Problem(502, "Link failed", t["error_link_broken"].format(status=upstream))
    return Problem(exc.status, "Link not checked", t["error_link"].format(reason=exc))


@page
async def verify_paste(request: web.Request) -> web.StreamResponse:
    fields = await _form(request)
    await _limit(request)
    text = fields.get("credential", "")
    limit = request.app[SETTINGS].max_body_bytes
    if len(text.encode("utf-8")) > limit:
        raise Problem(413, "Too large", texts_of(request)["error_too_large"].format(limit=_size(limit)))
    if sd_jwt_text(text) is not None:
        return await _verify_and_show(request, text, source="paste")
    if (jose := envelope_of_text(text)) is not None:
        return await _verify_and_show(request, jose, source="paste")
    return await _verify_and_show(request, _parse(text, request), source="paste")


async def _read_part(part: BodyPartReader, limit: int) -> bytes | None:
    """The part's bytes, or ``None`` if it is longer than ``limit``."""
    data = bytearray()
    while chunk := await part.read_chunk(65536):
        data += chunk
        if len(data) > limit:
            return None
    return bytes(data)


async def _read_upload(
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


_PHOTO_READERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qr-photo")
"""At most two pictures are searched for QR codes at once (CPU-bound), off the event loop."""


def _not_accepted(t: Mapping[str, str]) -> Problem:
    return Problem(415, "Not a credential or a QR code", t["upload_not_accepted"])


async def _verify_photo(request: web.Request, data: bytes) -> web.StreamResponse:
    """A photo or screenshot of a QR code: check what the code holds (a link, or the credential itself)."""
    t = texts_of(request)
    try:
        texts = await asyncio.get_running_loop().run_in_executor(_PHOTO_READERS, read_qr, data)
    except NotAnImage:
        raise _not_accepted(t) from None
    if not texts:
        raise Problem(422, "No QR code found", t["upload_no_qr"])
    text = texts[0].strip()
    scheme = urlsplit(text).scheme.lower() if "://" in text[:40] else ""
    if scheme in ("http", "https"):
        own = urlsplit(request.app[SETTINGS].public_url)
        parts = urlsplit(text)
        inner = parse_qs(parts.query).get("url", [""])[0]
        if parts.path.rstrip("/").endswith("/verify") and inner.startswith(("https://", "http://")):
            # a wallet's share QR code names its own verifier: check the shared link here
            return _redirect("/verify?" + urlencode({"url": inner}))
        if (parts.scheme, parts.netloc) == (own.scheme, own.netloc):
            return _redirect(local_path(parts.path + ("?" + parts.query if parts.query else "")))
        return _redirect("/verify?" + urlencode({"url": text}))
    if scheme == "openid-credential-offer":
        raise Problem(422, "A credential offer", t["upload_qr_offer"])
    if sd_jwt_text(text) is not None:
        return await _verify_and_show(request, text, source="upload")
    if (jose := envelope_of_text(text)) is not None:
        return await _verify_and_show(request, jose, source="upload")
    if text.startswith("{"):
        return await _verify_and_show(request, _parse(text, request), source="upload")
    raise Problem(422, "Nothing to check in this QR code", t["upload_qr_unknown"])


_PDF_READERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf")
"""At most two uploaded PDFs are read at once (parsing and decompressing), off the event loop."""


async def _credential_of_pdf(data: bytes, limit: int, t: Mapping[str, str]) -> bytes:
    """The credential file attached to an uploaded PDF (a wallet's printout), else a 422 saying why."""
    try:
        return await asyncio.get_running_loop().run_in_executor(
            _PDF_READERS, lambda: credential_in_pdf(data, max_bytes=limit)
        )
    except UnreadablePdf:
        raise Problem(422, "Unreadable PDF", t["upload_pdf_unreadable"]) from None
    except NoCredentialInPdf:
        raise Problem(422, "No credential in this PDF", t["upload_pdf_no_credential"]) from None


@page
async def verify_upload(request: web.Request) -> web.StreamResponse:
    """A credential file (JSON, SD-JWT text, a wallet's PDF with the credential attached) or a
    picture of a QR code (photo or screenshot)."""
    t = texts_of(request)
    settings = request.app[SETTINGS]
    limit = settings.max_body_bytes
    photo_limit = max(limit, settings.max_photo_bytes)
    too_large = Problem(413, "Too large", t["error_too_large"].format(limit=_size(limit)))
    if (request.content_length or 0) > photo_limit + 64 * 1024:
        raise Problem(413, "Too large", t["upload_photo_too_large"].format(limit=_size(photo_limit)))
    if not request.content_type.startswith("multipart/"):
        raise Problem(400, "Not a file upload", t["error_empty"])
    token, data = await _read_upload(
        request,
        "file",
        photo_limit,
        not_upload=Problem(400, "Not a file upload", t["error_empty"]),
        too_large=Problem(413, "Too large", t["upload_photo_too_large"].format(limit=_size(photo_limit))),
    )
    if not request.app[CSRF].valid(request, token):
        raise _forbidden(request)
    if not data:
        raise Problem(400, "Nothing to check", t["error_empty"])
    await _limit(request)
    if looks_like_image(data):
        return await _verify_photo(request, data)
    if len(data) > limit:
        raise too_large
    if looks_like_pdf(data):
        data = await _credential_of_pdf(data, limit, t)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_accepted(t) from None
    if sd_jwt_text(text) is not None:
        return await _verify_and_show(request, text, source="upload")
    if (jose := envelope_of_text(text)) is not None:
        return await _verify_and_show(request, jose, source="upload")
    return await _verify_and_show(request, _parse(data, request), source="upload")


_FRAME_READER = QrReader(workers=2, waiting=6, name="qr-frame")
"""Camera frames are read two at a time; more than six waiting are refused (503) at once."""
_NO_STORE = {"Cache-Control": "no-store"}


async def scan_frame(request: web.Request) -> web.Response:
    """``POST /scan/frame``: one camera frame (a small JPEG, multipart field ``frame``, with the form
    token) from the scan section of a browser without ``BarcodeDetector``. Answers ``{"text": …}``
    (``null``: no QR code in it); errors are problem details, their ``detail`` in the page's language.
    Nothing is stored but the client's frame count (its own limit, apart from the checks' limit).
    """
    t = texts_of(request)
    too_large = Problem(413, "Frame too large", t["scan_frame_too_large"].format(limit=_size(MAX_FRAME_BYTES)))
    if (request.content_length or 0) > MAX_FRAME_BYTES + 16 * 1024:
        raise too_large
    if not request.content_type.startswith("multipart/"):
        raise Problem(400, "Not a frame upload", t["scan_frame_missing"])
    not_upload = Problem(400, "Not a frame upload", t["scan_frame_missing"])
    token, data = await _read_upload(request, "frame", MAX_FRAME_BYTES, not_upload=not_upload, too_large=too_large)
    if not request.app[CSRF].valid(request, token):
        raise Problem(403, "Form expired", t["scan_frame_expired"])
    if not data:
        raise Problem(400, "No frame", t["scan_frame_missing"])
    settings = request.app[SETTINGS]
    client = client_address(request, settings.trusted_proxies)
    wait = await request.app[FRAME_LIMITER].take(client, settings.scan_frames_per_minute, 60)
    if wait:
        detail = t["scan_frame_too_many"].format(seconds=wait)
        raise Problem(429, "Too many frames", detail, headers={"Retry-After": str(wait), **_NO_STORE})
    try:
        texts = await _FRAME_READER.read(data, max_pixels=MAX_FRAME_PIXELS)
    except NotAnImage:
        raise Problem(415, "Not a picture", t["scan_frame_not_image"], headers=_NO_STORE) from None
    except ReaderBusy:
        detail = t["scan_frame_busy"]
        raise Problem(503, "Busy", detail, headers={"Retry-After": "2", **_NO_STORE}) from None
    return json_response({"text": texts[0] if texts else None}, headers=_NO_STORE)


# -- results ---------------------------------------------------------------------------------
async def _record(request: web.Request) -> dict[str, Any]:
    record = await request.app[VERIFICATION].result(request.match_info["result_id"])
    if record is None:
        raise Problem(404, "Not found", texts_of(request)["error_not_found"])
    return record


@page
async def result_page(request: web.Request) -> web.StreamResponse:
    t = texts_of(request)
    record = await _record(request)
    hours = request.app[SETTINGS].result_seconds // 3600
    context = {"record": record, "view": result_view(record, t), "hours": hours}
    return _render(request, "result.html", context)


@page
async def result_report(request: web.Request) -> web.StreamResponse:
    record = await _record(request)
    report = request.app[VERIFICATION].json_report(record)
    language = request.query.get("lang", "")
    if language in LANGUAGES:
        report = {"language": language, **copy.deepcopy(report)}
        _add_summaries(report, messages(language))
    filename = f"verification-{str(record['checkedAt'])[:10]}-{str(record['id'])[:8]}.json"
    response = web.json_response(report, dumps=_pretty)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _add_summaries(report: dict[str, Any], t: Mapping[str, str]) -> None:
    """``?lang=pl``: each check also gets the page's ``label`` and ``summary`` in that language, and
    ``text``, its code translated with its params (codes and the English ``message`` stay as they are)."""
    for check in report.get("results") or []:
        if isinstance(check, dict):
            view = check_view(check, t)
            check["label"], check["summary"] = view.label, view.summary
            text = code_text(check, t)
            if text is not None:
                check["text"] = text
    for sub in report.get("credentialResults") or []:
        if isinstance(sub, dict):
            _add_summaries(sub, t)


def _pretty(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


# -- presentation requests (OpenID4VP) --------------------------------------------------------
@page
async def create_request(request: web.Request) -> web.StreamResponse:
    fields = await _form(request)
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
    await _limit(request)
    record = await request.app[REQUESTS].create(ask)
    response = _redirect(f"/requests/{record['transaction']}")
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
async def request_page(request: web.Request) -> web.StreamResponse:
    requests = request.app[REQUESTS]
    tx = request.match_info["tx"]
    record = await requests.by_transaction(tx)
    status = await requests.status(tx)
    if status["status"] == "answered":
        return _redirect(status["resultUrl"])
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
    return _render(request, "request.html", context)


@page
async def request_done(request: web.Request) -> web.StreamResponse:
    """Where the wallet sends the holder after answering; the result only for the asking browser."""
    result_id = await request.app[REQUESTS].finish(
        request.match_info["rid"],
        request.query.get("response_code", ""),
        request.cookies.get(TRANSACTION_COOKIE),
    )
    if result_id is not None:
        return _redirect(f"/results/{result_id}")
    return _render(request, "done.html", {})
