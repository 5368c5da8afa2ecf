"""Holder and issuer keys as JWKs (``cnf.jwk``) and as DID verification methods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plecak.core.crypto.jwk import public_jwk, public_key_of_jwk
from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, decode_multikey

from .common import SdJwtError

__all__ = ["ec_public_jwk", "holder_jwk", "public_key_from_jwk"]


# -- keys --------------------------------------------------------------------------------
def holder_jwk(key: Ed25519KeyPair | Ed25519PublicKey | ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public JWK for ``cnf.jwk``: OKP/Ed25519 for our wallet, EC/P-256 also allowed."""
    if isinstance(key, Ed25519KeyPair):
        key = key.public_key
    if isinstance(key, Ed25519PublicKey | ec.EllipticCurvePublicKey):
        return public_jwk(key)
    raise TypeError("a holder key is an Ed25519 or P-256 public key")


def ec_public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public JWK of a P-256 key; :class:`KeyFormatError` for another curve."""
    return public_jwk(key)


def public_key_from_jwk(jwk: Any) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """An Ed25519 or P-256 public key from a JWK (a private ``d`` is refused)."""
    if not isinstance(jwk, Mapping):
        raise SdJwtError("the key is not a JWK object")
    try:
        return public_key_of_jwk(jwk, refused=("d",))
    except ValueError as exc:
        raise SdJwtError(str(exc)) from None


def _p256_key_of_method(method: Mapping[str, Any]) -> ec.EllipticCurvePublicKey:
    """The P-256 key of a verification method (``publicKeyJwk`` or a ``zDn…`` Multikey)."""
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, Mapping):
        key = public_key_from_jwk(jwk)
        if isinstance(key, ec.EllipticCurvePublicKey):
            return key
        raise SdJwtError("the verification method's JWK is not a P-256 key")
    multibase = method.get("publicKeyMultibase")
    if isinstance(multibase, str):
        pair = decode_multikey(multibase)
        if isinstance(pair, EcdsaKeyPair) and pair.key_type == "P-256":
            return pair.public_key
    raise SdJwtError("the verification method does not carry a P-256 key")
