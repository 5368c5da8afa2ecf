"""An SD-JWT split into its parts (nothing verified), and the VC 2.0 envelope that carries one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from plecak.core import safejson

from .common import MAX_DISCLOSURES, MAX_PRESENTATION_CHARS, SdJwtError, _b64d, _digest, _json_part

__all__ = [
    "ENVELOPED_PREFIX",
    "Disclosure",
    "ParsedSdJwt",
    "envelope",
    "looks_like_sd_jwt",
    "parse_sd_jwt",
    "sd_jwt_of",
]


@dataclass(frozen=True)
class Disclosure:
    encoded: str
    digest: str
    name: str | None
    value: Any


@dataclass(frozen=True)
class ParsedSdJwt:
    """An SD-JWT split into its parts (nothing verified yet)."""

    issuer_jwt: str
    header: dict[str, Any]
    payload: dict[str, Any]
    disclosures: tuple[Disclosure, ...]
    key_binding_jwt: str | None

    @property
    def presented_part(self) -> str:
        """``<jwt>~<d1>~…~``: what a KB-JWT's ``sd_hash`` covers."""
        return "~".join([self.issuer_jwt, *(d.encoded for d in self.disclosures)]) + "~"

    def disclosable(self) -> dict[str, Disclosure]:
        """Top-level object-property disclosures whose digest is in the payload's ``_sd``."""
        digests = set(self.payload.get("_sd") or [])
        return {d.name: d for d in self.disclosures if d.name is not None and d.digest in digests}


ENVELOPED_PREFIX = "data:application/dc+sd-jwt,"


def envelope(sd_jwt: str) -> dict[str, Any]:
    """A VC 2.0 ``EnvelopedVerifiableCredential`` carrying ``sd_jwt``."""
    return {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "EnvelopedVerifiableCredential",
        "id": ENVELOPED_PREFIX + quote(sd_jwt, safe=""),
    }


def sd_jwt_of(credential: Any) -> str | None:
    """The compact SD-JWT inside an enveloped credential (or a bare SD-JWT string), else ``None``."""
    if isinstance(credential, str):
        return credential.strip() if looks_like_sd_jwt(credential) else None
    if isinstance(credential, Mapping) and credential.get("type") == "EnvelopedVerifiableCredential":
        ident = credential.get("id")
        if isinstance(ident, str) and ident.startswith(ENVELOPED_PREFIX):
            text = unquote(ident[len(ENVELOPED_PREFIX) :])
            return text if looks_like_sd_jwt(text) else None
    return None


def looks_like_sd_jwt(text: Any) -> bool:
    """A cheap test: a compact JWT followed by ``~`` (a paste box uses it to pick the format)."""
    if not isinstance(text, str):
        return False
    head = text.strip().split("~", 1)
    return len(head) == 2 and head[0].count(".") == 2


def parse_sd_jwt(text: Any) -> ParsedSdJwt:
    if not isinstance(text, str):
        raise TypeError("an SD-JWT is a string")
    text = text.strip()
    if len(text) > MAX_PRESENTATION_CHARS:
        raise SdJwtError(f"the SD-JWT is longer than {MAX_PRESENTATION_CHARS} characters")
    parts = text.split("~")
    if len(parts) < 2:
        raise SdJwtError("not an SD-JWT: no '~' separator")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise SdJwtError(f"more than {MAX_DISCLOSURES} disclosures")
    issuer_jwt, *encoded, last = parts
    segments = issuer_jwt.split(".")
    if len(segments) != 3:
        raise SdJwtError("the issuer-signed part is not a compact JWS")
    header = _json_part(segments[0], "JWS header")
    payload = _json_part(segments[1], "JWT payload")
    disclosures = []
    seen: set[str] = set()
    for item in encoded:
        if not item:
            raise SdJwtError("an empty disclosure")
        try:
            decoded = safejson.loads(_b64d(item))
        except (ValueError, SdJwtError):
            raise SdJwtError("a disclosure is not base64url-encoded JSON") from None
        if not isinstance(decoded, list) or len(decoded) not in (2, 3) or not isinstance(decoded[0], str):
            raise SdJwtError("a disclosure is not a [salt, name, value] or [salt, value] array")
        name = decoded[1] if len(decoded) == 3 else None
        if len(decoded) == 3 and (not isinstance(name, str) or name in ("_sd", "...")):
            raise SdJwtError("a disclosure's claim name is not allowed")
        digest = _digest(item)
        if digest in seen:
            raise SdJwtError("the same disclosure appears twice")
        seen.add(digest)
        disclosures.append(Disclosure(item, digest, name, decoded[-1]))
    if last and last.count(".") != 2:
        raise SdJwtError("the key-binding JWT is not a compact JWS")
    return ParsedSdJwt(issuer_jwt, header, payload, tuple(disclosures), last or None)
