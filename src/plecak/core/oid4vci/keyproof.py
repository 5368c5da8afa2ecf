"""OpenID4VCI 1.0 key proofs of type ``jwt`` (Appendix F.1), checked without any server state.

A wallet proves it holds the key a credential is to be bound to by signing a small JWT
(``typ: openid4vci-proof+jwt``, ``aud`` = the credential issuer, ``iat``, the issuer's ``nonce``).
The key travels in exactly one header parameter, which is the *cryptographic binding method*:

- ``jwk``: the public key itself (EUDI-style wallets, P-256);
- ``kid``: a DID URL of a ``did:key`` (Ed25519 or P-256) or a ``did:jwk``.

Accepted algorithms are ``EdDSA`` (Ed25519) and ``ES256`` (P-256); the key type must match the
algorithm. Checking that the nonce is fresh and unused is the caller's job (it needs storage).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plecak.core.crypto.jwk import public_jwk, public_key_of_jwk
from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, decode_multikey
from plecak.core.errors import KeyFormatError, VCError

__all__ = [
    "BINDING_DID_JWK",
    "BINDING_DID_KEY",
    "BINDING_JWK",
    "PROOF_ALGORITHMS",
    "PROOF_TYP",
    "KeyProof",
    "KeyProofError",
    "did_jwk",
    "jwk_of_did_jwk",
    "public_jwk",
    "verify_key_proof",
]

PROOF_TYP = "openid4vci-proof+jwt"
BINDING_JWK = "jwk"
BINDING_DID_KEY = "did:key"
BINDING_DID_JWK = "did:jwk"
PROOF_ALGORITHMS = ("ES256", "EdDSA")
"""The JWS algorithms accepted for key proofs (what ``proof_signing_alg_values_supported`` says)."""
_KEY_HEADERS = ("jwk", "kid", "x5c", "trust_chain", "key_attestation")

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey


class KeyProofError(VCError, ValueError):
    """The key proof is unacceptable; ``code`` is the OpenID4VCI error code (``invalid_proof``)."""

    code = "invalid_proof"


@dataclass(frozen=True)
class KeyProof:
    method: str
    """The binding method used: ``jwk``, ``did:key`` or ``did:jwk``."""
    jwk: dict[str, str]
    """The proven public key as a JWK (for ``cnf.jwk``)."""
    did: str | None
    """The holder's DID (``did:key``/``did:jwk``); ``None`` for a bare ``jwk``."""
    alg: str
    nonce: str | None
    issued_at: float


def _b64d(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _key_from_jwk(jwk: Any) -> PublicKey:
    if not isinstance(jwk, Mapping):
        raise KeyProofError("the jwk header is not a JSON object")
    try:
        return public_key_of_jwk(jwk)
    except ValueError as exc:
        raise KeyProofError(str(exc)) from None


def did_jwk(jwk: Mapping[str, str]) -> str:
    """The ``did:jwk`` of a public JWK (its members sorted, no whitespace)."""
    text = json.dumps(dict(jwk), sort_keys=True, separators=(",", ":"))
    return "did:jwk:" + _b64e(text.encode())


def jwk_of_did_jwk(did: str) -> dict[str, Any]:
    """The JWK inside a ``did:jwk`` (fragment ignored)."""
    value = did.split("#", 1)[0].removeprefix("did:jwk:")
    try:
        jwk = json.loads(_b64d(value))
    except (ValueError, UnicodeDecodeError):
        raise KeyProofError("the did:jwk does not hold base64url-encoded JSON") from None
    if not isinstance(jwk, dict):
        raise KeyProofError("the did:jwk does not hold a JWK object")
    return jwk


def _key_from_kid(kid: str, methods: Collection[str]) -> tuple[str, PublicKey, str]:
    did, _, fragment = kid.partition("#")
    if did.startswith("did:key:") and BINDING_DID_KEY in methods:
        multibase = did.removeprefix("did:key:")
        if fragment and fragment != multibase:
            raise KeyProofError("the kid fragment does not match the did:key")
        try:
            pair = decode_multikey(multibase)
        except (KeyFormatError, ValueError) as exc:
            raise KeyProofError(f"the kid is not a usable did:key: {exc}") from None
        if isinstance(pair, Ed25519KeyPair):
            return BINDING_DID_KEY, pair.public_key, did
        if isinstance(pair, EcdsaKeyPair) and pair.key_type == "P-256":
            return BINDING_DID_KEY, pair.public_key, did
        raise KeyProofError("the did:key must be an Ed25519 or P-256 key")
    if did.startswith("did:jwk:") and BINDING_DID_JWK in methods:
        if fragment not in ("", "0"):
            raise KeyProofError("a did:jwk key is referenced as #0")
        return BINDING_DID_JWK, _key_from_jwk(jwk_of_did_jwk(did)), did
    allowed = ", ".join(m for m in methods if m.startswith("did:")) or "none"
    raise KeyProofError(f"the kid must be a DID URL of an accepted method ({allowed})")


# long: one check per OpenID4VCI key-proof rule (header, key, signature, claims), each with its own refusal
def verify_key_proof(
    token: str,
    *,
    audience: str,
    methods: Collection[str],
    algorithms: Collection[str] = PROOF_ALGORITHMS,
    now: float,
    max_age: float,
    leeway: float = 300,
) -> KeyProof:
    """Check a key-proof JWT: header, key binding method, signature, ``aud`` and ``iat``.

    ``methods`` are the binding methods the credential configuration announces; a proof using
    another one is refused. Raises :class:`KeyProofError` with a message for the wallet."""
    if not isinstance(token, str):
        raise KeyProofError("the key proof must be a compact JWT string")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise KeyProofError(f"the key proof is not a JWT: {exc}") from None
    if header.get("typ") != PROOF_TYP:
        raise KeyProofError(f'the key proof must have typ "{PROOF_TYP}"')
    alg = header.get("alg")
    if alg not in algorithms:
        raise KeyProofError(f"the key proof must be signed with one of {', '.join(sorted(algorithms))}")
    present = [name for name in _KEY_HEADERS if name in header]
    if len(present) != 1 or present[0] not in ("jwk", "kid"):
        raise KeyProofError("the key proof's header must carry exactly one of jwk or kid")
    if "crit" in header:
        raise KeyProofError("the key proof has critical header parameters we do not understand")
    did: str | None = None
    if present[0] == "jwk":
        if BINDING_JWK not in methods:
            raise KeyProofError("this credential is bound to a DID: send a kid (did:key or did:jwk), not a jwk")
        method, key = BINDING_JWK, _key_from_jwk(header["jwk"])
    else:
        kid = header["kid"]
        if not isinstance(kid, str):
            raise KeyProofError("the kid must be a string")
        method, key, did = _key_from_kid(kid, methods)
    expected = "EdDSA" if isinstance(key, Ed25519PublicKey) else "ES256"
    if alg != expected:
        raise KeyProofError(f"alg {alg} does not match the key (an {expected} key)")
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[expected],
            audience=audience,
            options={"require": ["iat", "aud"], "verify_iat": False},
            leeway=leeway,
        )
    except jwt.PyJWTError as exc:
        raise KeyProofError(f"the key proof does not verify: {exc}") from None
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        raise KeyProofError("iat must be a number")
    if issued > now + leeway:
        raise KeyProofError("the key proof is issued in the future")
    if now - issued > max_age + leeway:
        raise KeyProofError("the key proof is too old")
    nonce = claims.get("nonce")
    return KeyProof(
        method=method,
        jwk=public_jwk(key),
        did=did,
        alg=expected,
        nonce=nonce if isinstance(nonce, str) else None,
        issued_at=float(issued),
    )
