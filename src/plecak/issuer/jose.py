"""Issuing credentials secured with JOSE or COSE (VC-JOSE-COSE ``application/vc+jwt``,
``application/vc+cose``) instead of a Data Integrity proof: which request options ask for it, and
with which algorithm.

``options.format: "vc+jwt"`` (or ``"application/vc+jwt"``), or ``options.securingMechanism:
"vc-jose-cose"``, asks for an enveloped credential; ``options.alg`` picks ``ES256`` (the issuer's
P-256 key, the default), ``EdDSA`` (its Ed25519 key) or ``RS256`` (its RSA key, made on first use;
Open Badges 3.0's minimum; ``did:web`` issuers only). The answer is an
``EnvelopedVerifiableCredential`` whose ``id`` is ``data:application/vc+jwt,<compact JWS>``.
``options.format: "vc+cose"`` (or ``"application/vc+cose"``) does the same with a COSE_Sign1
(``ES256`` or ``EdDSA``): ``data:application/vc+cose;base64,<COSE_Sign1>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.errors import DataModelError

__all__ = ["COSE_ALGORITHMS", "DEFAULT_ALG", "ISSUED_ALGORITHMS", "jose_alg", "secured_media"]

ISSUED_ALGORITHMS = {"ES256": "P-256", "EdDSA": "Ed25519", "RS256": "RSA"}
"""What the issuer signs vc+jwt with, and the key type each takes."""
COSE_ALGORITHMS = ("ES256", "EdDSA")
"""What the issuer signs vc+cose with (no RSA: COSE verifiers seldom take it)."""
DEFAULT_ALG = "ES256"
_COSE_FORMATS = ("vc+cose", "application/vc+cose")
_FORMATS = ("vc+jwt", "application/vc+jwt", *_COSE_FORMATS)
_MECHANISMS = ("vc-jose-cose", "jose")


def jose_alg(options: Mapping[str, Any] | None) -> str | None:
    """The JWS ``alg`` when ``options`` ask for a ``vc+jwt`` credential, else ``None``;
    :class:`DataModelError` for options that cannot be honoured."""
    if not options:
        return None
    fmt, mechanism, alg = options.get("format"), options.get("securingMechanism"), options.get("alg")
    if fmt is not None and fmt not in (*_FORMATS, "ldp_vc", "application/vc"):
        raise DataModelError([f"options.format must be vc+jwt, vc+cose or ldp_vc, not {fmt!r}"])
    if mechanism is not None and mechanism not in (*_MECHANISMS, "data-integrity"):
        raise DataModelError([f"options.securingMechanism must be vc-jose-cose or data-integrity, not {mechanism!r}"])
    wanted = fmt in _FORMATS or mechanism in _MECHANISMS
    if not wanted:
        if alg is not None:
            raise DataModelError(["options.alg is for vc+jwt and vc+cose credentials (options.format: vc+jwt)"])
        return None
    if options.get("cryptosuite") is not None:
        raise DataModelError(["options.cryptosuite is for Data Integrity proofs, not vc+jwt credentials"])
    if alg is None:
        return DEFAULT_ALG
    if fmt in _COSE_FORMATS and alg not in COSE_ALGORITHMS:
        raise DataModelError([f"options.alg must be one of {', '.join(COSE_ALGORITHMS)} for vc+cose, not {alg!r}"])
    if alg not in ISSUED_ALGORITHMS:
        raise DataModelError([f"options.alg must be one of {', '.join(ISSUED_ALGORITHMS)}, not {alg!r}"])
    return str(alg)


def secured_media(options: Mapping[str, Any] | None) -> str:
    """``vc+cose`` when ``options.format`` asks for COSE, else ``vc+jwt`` (for options that ask for
    an envelope at all: see :func:`jose_alg`)."""
    return "vc+cose" if (options or {}).get("format") in _COSE_FORMATS else "vc+jwt"
