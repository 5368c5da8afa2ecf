"""Structural checks of the W3C VC Data Model (1.1 and 2.0) that JSON-LD alone does not enforce."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from .timeutil import parse_datetime

__all__ = [
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "credential_version",
    "is_url",
    "issuer_id",
    "validate_credential",
]

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

_TYPED_MEMBERS = ("credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema")


def is_url(value: object) -> bool:
    """An absolute IRI with a scheme (``https:``, ``urn:``, ``did:`` …) and no spaces."""
    if not isinstance(value, str):
        return False
    # Remembered for short values (the same issuer, context and type IRIs come every time).
    return _is_url_cached(value) if len(value) <= 256 else _is_url(value)


def _is_url(value: str) -> bool:
    if not value or any(c.isspace() for c in value):
        return False
    scheme, sep, rest = value.partition(":")
    return bool(
        sep and rest and scheme and scheme[0].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)
    )


_is_url_cached = functools.lru_cache(maxsize=4096)(_is_url)


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
    from .relatedresource import related_resource_problems  # it imports is_url from here

    problems.extend(related_resource_problems(document))
    if require_proof and "proof" not in document:
        problems.append("the credential has no proof")
    return problems
