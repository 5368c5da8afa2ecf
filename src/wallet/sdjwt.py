"""SD-JWT VCs (``dc+sd-jwt``) in the wallet: keeping, reading, checking and presenting them.

The wallet stores an SD-JWT VC, with all its disclosures, as a VC 2.0 ``EnvelopedVerifiableCredential``
(``{"id": "data:application/dc+sd-jwt,<sd-jwt>"}``), so it sits in the same sealed records, lists,
backups and searches as W3C credentials. Only the holder sees every disclosure; a presentation
(:func:`presentation`) keeps the chosen ones and adds a key-binding JWT by the holder key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from vc.dataintegrity import DidDocumentResolver
from vc.errors import KeyFormatError
from vc.keys import decode_multikey_public
from vc.sdjwt import (
    ALWAYS_DISCLOSED,
    CLAIM_LABELS,
    SELECTIVELY_DISCLOSABLE,
    SdJwtError,
    SdJwtVerificationResult,
    SdJwtVerifier,
    holder_jwk,
    looks_like_sd_jwt,
    open_badges_form,
    parse_sd_jwt,
    present,
)

from .vault import HolderKey

__all__ = [
    "ENVELOPED_PREFIX",
    "Disclosable",
    "check_issued",
    "disclosable_fields",
    "display_form",
    "envelope",
    "presentation",
    "sd_jwt_of",
]

ENVELOPED_PREFIX = "data:application/dc+sd-jwt,"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def envelope(sd_jwt: str) -> dict[str, Any]:
    """The stored form of an SD-JWT VC (and what a share link serves)."""
    return {
        "@context": VC_V2,
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


def _all_claims(sd_jwt: str) -> tuple[dict[str, Any], str]:
    parsed = parse_sd_jwt(sd_jwt)
    claims = {k: v for k, v in parsed.payload.items() if k not in ("_sd", "_sd_alg")}
    for name, disclosure in parsed.disclosable().items():
        claims[name] = disclosure.value
    return claims, str(parsed.payload.get("iss", ""))


def display_form(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """What the wallet's pages read: for an SD-JWT VC, its claims in the Open Badges shape."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        return credential
    try:
        claims, issuer = _all_claims(sd_jwt)
    except SdJwtError:
        return {"name": "SD-JWT credential (unreadable)"}
    form = open_badges_form(claims, issuer)
    if isinstance(claims.get("exp"), int | float):
        from datetime import UTC, datetime

        form["validUntil"] = datetime.fromtimestamp(claims["exp"], UTC).isoformat().replace("+00:00", "Z")
    return form


class Disclosable:
    """One field of an SD-JWT VC on the share screen: always shared, or a switch."""

    def __init__(self, name: str, label: str, value: Any, mandatory: bool) -> None:
        self.name = name
        self.label = label
        self.value = value
        self.mandatory = mandatory

    @property
    def text(self) -> str:
        if isinstance(self.value, list):
            return "; ".join(str(v.get("name", v) if isinstance(v, Mapping) else v) for v in self.value)
        if isinstance(self.value, Mapping):
            return str(self.value.get("name", self.value))
        return str(self.value)


def disclosable_fields(credential: Mapping[str, Any]) -> list[Disclosable]:
    """The share screen's rows: the always-disclosed elements, then one switch per disclosure."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        return []
    parsed = parse_sd_jwt(sd_jwt)
    rows = [
        Disclosable(name, CLAIM_LABELS.get(name, name), parsed.payload[name], True)
        for name in ALWAYS_DISCLOSED
        if name in parsed.payload and name in CLAIM_LABELS and name not in ("iss", "vct")
    ]
    available = parsed.disclosable()
    rows += [
        Disclosable(name, label, available[name].value, False)
        for name, label in SELECTIVELY_DISCLOSABLE.items()
        if name in available
    ]
    return rows


def presentation(
    credential: Mapping[str, Any], disclose: Iterable[str], holder: HolderKey, *, nonce: str, audience: str
) -> str:
    """The SD-JWT with only ``disclose`` and a key-binding JWT for ``nonce`` and ``audience``."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        raise SdJwtError("not an SD-JWT VC")
    return present(sd_jwt, disclose, holder_key=holder.pair, nonce=nonce, audience=audience)


async def check_issued(
    sd_jwt: str,
    holder_did: str,
    resolver: DidDocumentResolver,
    status_fetcher: Callable[[str], Awaitable[str]] | None,
) -> tuple[SdJwtVerificationResult, bool]:
    """Verify a received SD-JWT VC (no key binding yet); the flag says it is bound to ``holder_did``'s key."""
    verifier = SdJwtVerifier(resolver, status_fetcher=status_fetcher)
    result = await verifier.verify(sd_jwt, nonce=None, audience=None, require_key_binding=False)
    cnf = parse_sd_jwt(sd_jwt).payload.get("cnf")
    try:
        expected = holder_jwk(decode_multikey_public(holder_did.removeprefix("did:key:")))
    except (KeyFormatError, ValueError):
        return result, False
    bound = isinstance(cnf, Mapping) and cnf.get("jwk") == expected
    return result, bound
