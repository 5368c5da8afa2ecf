"""Structural checks of the W3C VC Data Model (1.1 and 2.0) that JSON-LD alone does not enforce."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from plecak.core.model.iri import is_url
from plecak.core.model.relatedresource import related_resource_problems
from plecak.core.timeutil import parse_datetime

__all__ = [
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "credential_version",
    "is_image",
    "is_link",
    "is_safe_id",
    "is_url",
    "issuer_id",
    "link_problems",
    "validate_credential",
]

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

_TYPED_MEMBERS = ("credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema")


LINK_SCHEMES = frozenset({"http", "https"})
"""Schemes of a value meant as a link: a person may open it, so never ``javascript:``, ``data:``,
``file:`` and the like."""
ID_SCHEMES = LINK_SCHEMES | {"urn", "did"}
"""Schemes of an identifier (an IRI naming a thing): a web address, a URN (``urn:uuid:…``) or a DID."""
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+\Z")


def _scheme(value: str) -> str:
    return value.partition(":")[0].lower()


def is_link(value: object) -> bool:
    """An absolute http(s) URL with a host: what may be shown to people as a link."""
    if not is_url(value):
        return False
    assert isinstance(value, str)
    if _scheme(value) not in LINK_SCHEMES:
        return False
    try:
        return bool(urlsplit(value).hostname)
    except ValueError:
        return False


def is_safe_id(value: object) -> bool:
    """An identifier IRI of a scheme in :data:`ID_SCHEMES` (http(s) ones with a host)."""
    if not is_url(value):
        return False
    assert isinstance(value, str)
    scheme = _scheme(value)
    return is_link(value) if scheme in LINK_SCHEMES else scheme in ID_SCHEMES


def is_image(value: object) -> bool:
    """An image address: an http(s) link, or a base64 ``data:`` URI of a PNG, JPEG, GIF or WebP
    picture (Open Badges allows embedded images; SVG, which can carry scripts, is not accepted)."""
    return is_link(value) or (isinstance(value, str) and _IMAGE_DATA.match(value) is not None)


_LINK_MEMBERS = frozenset({"url", "targetUrl", "homepage", "sameAs"})
"""Members whose value is a link people may open."""
_TEXT_OR_LINK_MEMBERS = frozenset({"furtherInformation"})
"""Free text that may be a single link: a value that looks like an IRI must then be an http(s) link."""
_ID_MEMBERS = frozenset({"id", "@id"})


def _where(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def link_problems(document: Any) -> list[str]:
    """Identifiers and links of a credential (at any depth) whose scheme people must not be sent to.

    ``id``: an http(s) URL, ``urn:`` or ``did:``; ``url``, ``targetUrl`` …: an http(s) URL;
    ``image`` (a string or ``image.id``): an http(s) URL or a data: URI of a raster picture;
    ``furtherInformation``: text, or if it is a single IRI an http(s) URL. Every problem names its
    field, e.g. ``credentialSubject.achievement.alignment[0].targetUrl``.
    """
    problems: list[str] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, list):
            stack.extend(((*path, i), item) for i, item in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, Mapping):
            continue
        image_parent = bool(path) and path[-1] == "image"
        for key, value in node.items():
            if key in ("@context", "proof"):  # term definitions, and what the issuer adds itself
                continue
            where = _where((*path, key))
            if key in _ID_MEMBERS and isinstance(value, str):
                ok = is_image(value) if image_parent else is_safe_id(value)
                if not ok:
                    problems.append(
                        f"{where} must be an http(s) URL, a urn: or a did: identifier, not {value[:60]!r}"
                    )
            elif key in _LINK_MEMBERS:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str) and not is_link(item):
                        problems.append(f"{where} must be an http(s) URL, not {item[:60]!r}")
            elif key in _TEXT_OR_LINK_MEMBERS and is_url(value) and not is_link(value):
                problems.append(f"{where} must be text or an http(s) URL, not {str(value)[:60]!r}")
            elif key == "image" and isinstance(value, str) and not is_image(value):
                problems.append(f"{where} must be an http(s) URL or a data: URI of a picture")
            if isinstance(value, Mapping | list):
                stack.append(((*path, key), value))
    return sorted(problems)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def credential_version(document: Mapping[str, Any]) -> int | None:
    """2 for a VC 2.0 document, 1 for VC 1.1, ``None`` if the first context is neither."""
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first == VC_V2_CONTEXT:
        return 2
    if first == VC_V1_CONTEXT:
        return 1
    return None


def issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


# long: one block per VC data model property, collecting every problem in one list for one answer
def validate_credential(document: Any, *, require_proof: bool = False) -> list[str]:
    """Every data-model problem of a credential, as plain sentences (empty: well formed)."""
    if not isinstance(document, Mapping):
        return ["a credential must be a JSON object"]
    problems: list[str] = []
    ctx = document.get("@context")
    if ctx is None:
        problems.append("@context is missing")
    elif not isinstance(ctx, str | list) or (isinstance(ctx, list) and not ctx):
        problems.append("@context must be a URL or a non-empty list")
    version = credential_version(document)
    if ctx is not None and version is None:
        problems.append(f"the first @context must be {VC_V2_CONTEXT} (VC 2.0) or {VC_V1_CONTEXT} (VC 1.1)")
    if "id" in document and not is_url(document["id"]):
        problems.append("id must be a URL")
    types = document.get("type")
    if types is None:
        problems.append("type is missing")
    elif not all(isinstance(t, str) for t in _as_list(types)):
        problems.append("type must be a string or a list of strings")
    elif "VerifiableCredential" not in _as_list(types):
        problems.append("type must include VerifiableCredential")
    issuer = document.get("issuer")
    if issuer is None:
        problems.append("issuer is missing")
    elif isinstance(issuer, str):
        if not is_url(issuer):
            problems.append("issuer must be a URL")
    elif isinstance(issuer, Mapping):
        if not is_url(issuer.get("id")):
            problems.append("issuer.id must be a URL")
    else:
        problems.append("issuer must be a URL or an object with an id")
    subjects = document.get("credentialSubject")
    if subjects is None:
        problems.append("credentialSubject is missing")
    else:
        items = _as_list(subjects)
        if not items:
            problems.append("credentialSubject must not be empty")
        for subject in items:
            if not isinstance(subject, Mapping) or not subject:
                problems.append("each credentialSubject must be a non-empty object")
            elif "id" in subject and not is_url(subject["id"]):
                problems.append("credentialSubject.id must be a URL")
    dates = ("validFrom", "validUntil") if version == 2 else ("issuanceDate", "expirationDate")
    for name in (*dates, "validFrom", "validUntil"):
        if name in document and parse_datetime(document[name]) is None:
            problems.append(f"{name} must be an XML Schema dateTime, e.g. 2026-01-31T12:00:00Z")
    start, end = parse_datetime(document.get(dates[0])), parse_datetime(document.get(dates[1]))
    if start and end and start > end:
        problems.append(f"{dates[0]} is after {dates[1]}")
    if version == 1 and "issuanceDate" not in document:
        problems.append("issuanceDate is required in a VC 1.1 credential")
    for member in _TYPED_MEMBERS:
        if member not in document:
            continue
        for item in _as_list(document[member]):
            if not isinstance(item, Mapping):
                problems.append(f"{member} must be an object or a list of objects")
            elif "type" not in item:
                problems.append(f"{member} must have a type")
            elif "id" in item and not is_url(item["id"]):
                problems.append(f"{member}.id must be a URL")
            elif member == "credentialSchema" and "id" not in item:
                problems.append("credentialSchema must have an id (the URL of the schema)")
    problems.extend(related_resource_problems(document))
    if require_proof and "proof" not in document:
        problems.append("the credential has no proof")
    return problems
