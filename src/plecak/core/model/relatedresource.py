"""``relatedResource`` (VC Data Model 2.0 §5.3): structure, and digests checked against what we hold.

A resource's digest is ``digestSRI`` (``sha256-``/``sha384-``/``sha512-`` + base64, Subresource
Integrity) or ``digestMultibase`` (multibase ``u`` base64url or ``z`` base58btc of the raw SHA-256
digest, optionally prefixed by the sha2-256 multihash header ``0x12 0x20``). We never fetch: a
resource is checked when it is a context we bundle (its exact bytes), or one of the earlier published
versions of an official context listed in :data:`KNOWN_DIGESTS`; other resources cannot be checked
offline and are reported by :func:`unchecked_resources`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

import base58

from plecak.core.jsonld.loader import ContextStore, default_context_store
from plecak.core.model.iri import is_url

__all__ = [
    "KNOWN_DIGESTS",
    "digest_problems",
    "related_resource_problems",
    "unchecked_resources",
]

_SRI_ALGORITHMS = {"sha256": 32, "sha384": 48, "sha512": 64}

# Hex digests of earlier published bytes of official contexts (the URL is stable, the file was edited
# since): w3c/vc-data-model commit 8d0ee1072f16 (2024-07-20), contexts/credentials/v2, 10139 bytes —
# the version whose digests the VC 2.0 specification examples and the W3C test suite use.
KNOWN_DIGESTS: dict[str, list[dict[str, str]]] = {
    "https://www.w3.org/ns/credentials/v2": [
        {
            "sha256": "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9",
            "sha384": "35239c36999d2155312091af194a1edb61634d6ad789a5e5b19f2aebdd762dd9"
            "d1dcaada40eda7ef921c6b8c0ae107a0",
            "sha512": "cb1336dfa8670d80d03344b3b0cc25faf4d45201823c35f39bb1afe5a9f911f6"
            "15ff4ec80ec5f2f89e33d14e96bec8be78e38df35b918c9cd5f3b3449bd6c88f",
        }
    ]
}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def related_resource_problems(document: Mapping[str, Any]) -> list[str]:
    """Structural problems of ``relatedResource`` (empty when absent or well formed)."""
    if "relatedResource" not in document:
        return []
    problems: list[str] = []
    seen: set[str] = set()
    for item in _as_list(document["relatedResource"]):
        if not isinstance(item, Mapping):
            problems.append("relatedResource must be an object or a list of objects")
            continue
        rid = item.get("id")
        if rid is None:
            problems.append("each relatedResource must have an id")
        elif not is_url(rid):
            problems.append("relatedResource.id must be a URL")
        elif rid in seen:
            problems.append(f"relatedResource id {rid} appears more than once")
        else:
            seen.add(rid)
        if "digestSRI" not in item and "digestMultibase" not in item:
            problems.append("each relatedResource must have a digestSRI or a digestMultibase")
        if "digestSRI" in item and _parse_sri(item["digestSRI"]) is None:
            problems.append("relatedResource.digestSRI must be sha256-, sha384- or sha512- and base64")
        if "digestMultibase" in item and _parse_multibase(item["digestMultibase"]) is None:
            problems.append("relatedResource.digestMultibase must be a multibase SHA-256 digest")
        if "mediaType" in item and not isinstance(item["mediaType"], str):
            problems.append("relatedResource.mediaType must be a string")
    return problems


def _parse_sri(value: Any) -> tuple[str, bytes] | None:
    if not isinstance(value, str):
        return None
    algorithm, sep, encoded = value.partition("-")
    if not sep or algorithm not in _SRI_ALGORITHMS:
        return None
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return (algorithm, raw) if len(raw) == _SRI_ALGORITHMS[algorithm] else None


def _parse_multibase(value: Any) -> bytes | None:
    if not isinstance(value, str) or len(value) < 2:
        return None
    try:
        if value[0] == "u":
            text = value[1:]
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        elif value[0] == "z":
            raw = base58.b58decode(value[1:])
        else:
            return None
    except (binascii.Error, ValueError):
        return None
    if len(raw) == 34 and raw[:2] == b"\x12\x20":  # sha2-256 multihash header
        raw = raw[2:]
    return raw if len(raw) == 32 else None


def _digests_of(url: str, store: ContextStore) -> list[dict[str, bytes]]:
    versions = [
        {name: bytes.fromhex(hexdigest) for name, hexdigest in known.items()}
        for known in KNOWN_DIGESTS.get(url, [])
    ]
    if url in store:
        raw = store.raw(url)
        versions.append({name: hashlib.new(name, raw).digest() for name in _SRI_ALGORITHMS})
    return versions


def digest_problems(document: Mapping[str, Any], store: ContextStore | None = None) -> list[str]:
    """Digests of related resources we hold that match no published version of that resource."""
    if "relatedResource" not in document:
        return []
    store = store or default_context_store()
    problems = []
    for item in _as_list(document["relatedResource"]):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            continue
        versions = _digests_of(item["id"], store)
        if not versions:
            continue
        sri = _parse_sri(item.get("digestSRI"))
        if sri is not None and not any(v[sri[0]] == sri[1] for v in versions):
            problems.append(f"relatedResource {item['id']}: digestSRI does not match the resource")
        multibase = _parse_multibase(item.get("digestMultibase"))
        if multibase is not None and not any(v["sha256"] == multibase for v in versions):
            problems.append(f"relatedResource {item['id']}: digestMultibase does not match the resource")
    return problems


def unchecked_resources(document: Mapping[str, Any], store: ContextStore | None = None) -> list[str]:
    """Ids of related resources whose digests cannot be checked offline."""
    store = store or default_context_store()
    items = _as_list(document.get("relatedResource", []))
    ids = [str(i["id"]) for i in items if isinstance(i, Mapping) and isinstance(i.get("id"), str)]
    return [rid for rid in ids if not _digests_of(rid, store)]
