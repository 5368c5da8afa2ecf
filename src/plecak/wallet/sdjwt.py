"""SD-JWT VCs (``dc+sd-jwt``) in the wallet: keeping, reading, checking and presenting them.

The wallet stores an SD-JWT VC, with all its disclosures, as a VC 2.0 ``EnvelopedVerifiableCredential``
(``{"id": "data:application/dc+sd-jwt,<sd-jwt>"}``), so it sits in the same sealed records, lists,
backups and searches as W3C credentials. Only the holder sees every disclosure; a presentation
(:func:`bind`) holds the ones :class:`plecak.core.disclosure.SdJwtAdapter` kept and a key-binding JWT by
the holder key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from plecak.core.crypto.keys import decode_multikey_public
from plecak.core.errors import KeyFormatError
from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.sdjwt import (
    ENVELOPED_PREFIX,
    SdJwtError,
    SdJwtVerificationResult,
    SdJwtVerifier,
    envelope,
    holder_jwk,
    open_badges_form,
    parse_sd_jwt,
    present,
    sd_jwt_of,
)

from .vault import HolderKey

__all__ = [
    "ENVELOPED_PREFIX",
    "bind",
    "check_issued",
    "display_form",
    "envelope",
    "sd_jwt_of",
]


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
    if claims.get("credits_earned") is not None:
        form["credentialSubject"]["creditsEarned"] = claims["credits_earned"]
    if isinstance(claims.get("exp"), int | float):
        from datetime import UTC, datetime

        form["validUntil"] = datetime.fromtimestamp(claims["exp"], UTC).isoformat().replace("+00:00", "Z")
    return form


def bind(credential: Mapping[str, Any], holder: HolderKey, *, nonce: str, audience: str) -> str:
    """A disclosure made by :class:`plecak.core.disclosure.SdJwtAdapter` (only the chosen disclosures),
    presented: every disclosure it holds and a key-binding JWT for ``nonce`` and ``audience``."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        raise SdJwtError("not an SD-JWT VC")
    parsed = parse_sd_jwt(sd_jwt)
    names = list(parsed.disclosable())
    cnf = parsed.payload.get("cnf")
    p256 = isinstance(cnf, Mapping) and cnf.get("jwk") == holder.p256.public_jwk()
    key = holder.p256.private_key if p256 and holder.p256.private_key is not None else holder.pair
    return present(sd_jwt, names, holder_key=key, nonce=nonce, audience=audience)


async def check_issued(
    sd_jwt: str,
    holder_did: str,
    resolver: DidDocumentResolver,
    status_fetcher: Callable[[str], Awaitable[str]] | None,
    holder_jwks: Sequence[Mapping[str, str]] = (),
) -> tuple[SdJwtVerificationResult, bool]:
    """Verify a received SD-JWT VC (no key binding yet); the flag says it is bound to ``holder_did``'s
    key or to one of ``holder_jwks`` (the holder's other keys: :meth:`HolderKey.public_jwks`)."""
    verifier = SdJwtVerifier(resolver, status_fetcher=status_fetcher)
    result = await verifier.verify(sd_jwt, nonce=None, audience=None, require_key_binding=False)
    cnf = parse_sd_jwt(sd_jwt).payload.get("cnf")
    if isinstance(cnf, Mapping) and any(cnf.get("jwk") == jwk for jwk in holder_jwks):
        return result, True
    try:
        expected = holder_jwk(decode_multikey_public(holder_did.removeprefix("did:key:")))
    except (KeyFormatError, ValueError):
        return result, False
    bound = isinstance(cnf, Mapping) and cnf.get("jwk") == expected
    return result, bound
