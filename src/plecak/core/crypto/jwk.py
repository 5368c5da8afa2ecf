"""Public keys to and from JWKs, for the two curves the JOSE code accepts: Ed25519 (OKP) and P-256 (EC).

Shared by the OpenID4VCI key proofs (:mod:`plecak.core.oid4vci.keyproof`) and SD-JWT (:mod:`plecak.core.sdjwt.keys`),
which turn the ``ValueError`` raised here into their own error type, its text unchanged."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plecak.core.encoding import b64url_decode, b64url_encode
from plecak.core.errors import KeyFormatError

__all__ = ["PRIVATE_MEMBERS", "public_jwk", "public_key_of_jwk"]

PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")
"""The JWK members that carry private or symmetric key material (RFC 7518 §6)."""


def _coordinate(jwk: Mapping[str, Any], name: str) -> bytes:
    try:
        return b64url_decode(str(jwk.get(name, "")))
    except ValueError:
        raise ValueError(f"the JWK's {name} is not base64url") from None


def public_key_of_jwk(
    jwk: Mapping[str, Any], *, refused: Collection[str] = PRIVATE_MEMBERS
) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """The Ed25519 or P-256 public key of ``jwk``; ``ValueError`` saying what is wrong with it (a
    member of ``refused`` present, a coordinate of the wrong length, a point off the curve, another key type)."""
    if any(member in jwk for member in refused):
        raise ValueError("the JWK contains private key material")
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        raw = _coordinate(jwk, "x")
        if len(raw) != 32:
            raise ValueError("the Ed25519 JWK's x is not 32 bytes")
        return Ed25519PublicKey.from_public_bytes(raw)
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        x, y = _coordinate(jwk, "x"), _coordinate(jwk, "y")
        if len(x) != 32 or len(y) != 32:
            raise ValueError("the P-256 JWK's coordinates are not 32 bytes")
        numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1())
        try:
            return numbers.public_key()
        except ValueError:
            raise ValueError("the P-256 JWK is not a point on the curve") from None
    raise ValueError("only Ed25519 (OKP) and P-256 (EC) JWKs are supported")


def public_jwk(key: Ed25519PublicKey | ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public JWK of an Ed25519 or P-256 key (for ``cnf.jwk``, key proofs, issuer metadata);
    :class:`KeyFormatError` for another curve."""
    if isinstance(key, Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key.public_bytes_raw())}
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big")),
        }
    raise KeyFormatError("only Ed25519 and P-256 keys are supported")
