"""Holder role: keep the chosen disclosures and append a key-binding JWT (``kb+jwt``)."""

from __future__ import annotations

import time
from collections.abc import Iterable

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.errors import KeyFormatError

from .common import KB_JWT_TYP, SdJwtError, _digest
from .parse import parse_sd_jwt

__all__ = ["present"]


def present(
    issued: str,
    disclose: Iterable[str],
    *,
    holder_key: Ed25519KeyPair | ec.EllipticCurvePrivateKey,
    nonce: str,
    audience: str,
    iat: int | None = None,
) -> str:
    """A presentation with only the chosen disclosures and a key-binding JWT.

    ``disclose`` names top-level selectively disclosable claims; a name the credential does
    not have is an error (so a wallet never claims to share what is not there).
    """
    parsed = parse_sd_jwt(issued)
    wanted = set(disclose)
    available = parsed.disclosable()
    missing = sorted(wanted - set(available))
    if missing:
        raise SdJwtError(f"the credential has no disclosable claim {', '.join(missing)}")
    chosen = [d for d in parsed.disclosures if d.name in wanted]
    shown = "~".join([parsed.issuer_jwt, *(d.encoded for d in chosen)]) + "~"
    claims = {
        "iat": int(time.time()) if iat is None else iat,
        "aud": audience,
        "nonce": nonce,
        "sd_hash": _digest(shown),
    }
    private: Ed25519PrivateKey | ec.EllipticCurvePrivateKey
    if isinstance(holder_key, Ed25519KeyPair):
        if holder_key.private_key is None:
            raise KeyFormatError("the holder key has no private key")
        private, alg = holder_key.private_key, "EdDSA"
    elif isinstance(holder_key, ec.EllipticCurvePrivateKey):
        private, alg = holder_key, "ES256"
    else:
        raise TypeError("the holder key is an Ed25519KeyPair or a P-256 private key")
    kb = jwt.encode(claims, private, algorithm=alg, headers={"typ": KB_JWT_TYP})
    return shown + kb
