"""Signing a credential or presentation as a compact JWS (VC-JOSE-COSE), and the algorithms accepted,
each with the one key type it may be used with."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jwt.api_jws import PyJWS

from plecak.core.crypto.keys import KeyPair, RsaKeyPair

from .envelope import MEDIA, JoseError

__all__ = ["ALGORITHMS", "SigningKey", "alg_for", "sign_jose"]

ALGORITHMS: Mapping[str, str] = {"EdDSA": "Ed25519", "ES256": "P-256", "ES384": "P-384", "RS256": "RSA"}
"""The JWS algorithms accepted, each with the one key type it may be used with. RS256 (Open Badges
3.0's minimum for VC-JWT) needs an RSA ``publicKeyJwk`` of at least 2048 bits."""
SigningKey = KeyPair | RsaKeyPair
"""What :func:`sign_jose` signs with: one of our key pairs or an RSA key (RS256)."""


def alg_for(key: SigningKey) -> str:
    """The JWS ``alg`` of ``key``: EdDSA (Ed25519), ES256 (P-256), ES384 (P-384) or RS256 (RSA)."""
    for alg, key_type in ALGORITHMS.items():
        if key.key_type == key_type:
            return alg
    raise JoseError(f"no JWS algorithm for a {key.key_type} key")  # pragma: no cover - all types mapped


def _private(key: SigningKey) -> Any:
    if key.private_key is None:
        raise JoseError("cannot sign with a public-only key")
    return key.private_key


def sign_jose(document: Mapping[str, Any], key: SigningKey, kid: str, *, kind: str = "vc") -> str:
    """``document`` (a credential, ``kind="vc"``, or a presentation, ``"vp"``) as a compact JWS."""
    if kind not in MEDIA:
        raise ValueError("kind is vc or vp")
    if "proof" in document:
        raise JoseError("send the document unsecured: it already has a Data Integrity proof")
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"kid": kid, "typ": MEDIA[kind], "cty": kind}
    return PyJWS().encode(payload, _private(key), algorithm=alg_for(key), headers=headers)
