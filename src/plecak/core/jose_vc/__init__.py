"""Credentials and presentations secured with JOSE: W3C "Securing Verifiable Credentials using JOSE
and COSE" (VC-JOSE-COSE, Recommendation 2025-05-15), media types ``application/vc+jwt`` and
``application/vp+jwt``.

The secured document *is* the JWS payload (no ``vc``/``vp`` claim wrapping it, which the
specification forbids); the protected header says ``typ: vc+jwt`` (``vp+jwt``), ``cty: vc``
(``vp``), the ``alg`` and a ``kid`` naming the signer's verification method by its absolute DID URL.
In a VC 2.0 document the secured form travels as an ``EnvelopedVerifiableCredential`` (or
``…Presentation``) whose ``id`` is the data URL ``data:application/vc+jwt,<compact JWS>``.

Verifying also reads the older JWT encoding of VC Data Model 1.1 (§6.3.1), which the W3C VC 2.0 test
suite's fixtures still use: ``typ`` absent or ``JWT``, often as ``data:application/jwt,…``, the
document under a ``vc`` (``vp``) claim, ``iss``/``jti``/``sub`` standing for ``issuer``/``id``/the
subject's ``id`` (they must agree when both are given). We never issue it.

Signing and signature checks are PyJWT's (:class:`jwt.api_jws.PyJWS`); this module decides which
key may verify: the one the ``kid`` names, resolved through the DID document and authorised for the
given relationship (``assertionMethod`` for credentials, ``authentication`` for presentations), with
an ``alg`` that belongs to that key's type. ``alg: none`` and unknown ``crit`` extensions are never
accepted. Tying the signer to the document's ``issuer`` (or ``holder``) is the caller's check; the
controller of the key is returned for it.

The package: :mod:`.envelope` (envelopes, reading a JWS or COSE_Sign1 back), :mod:`.sign` (signing,
the accepted algorithms), :mod:`.verify` (which key may verify, the signature, the claims);
:mod:`.cose` and :mod:`.cose_verify` do the same for ``application/vc+cose`` (COSE_Sign1).
"""

from __future__ import annotations

from .cose import COSE_ALGORITHMS, CoseError, SecuredCose, parse_cose, sign_cose
from .cose_verify import verify_cose
from .envelope import (
    ENVELOPED_VC,
    ENVELOPED_VP,
    JoseError,
    Secured,
    SecuredJws,
    envelope,
    envelope_cose,
    envelope_of_bytes,
    envelope_of_text,
    enveloped_cose,
    enveloped_jws,
    is_enveloped,
    looks_like_jws,
    open_envelope,
    parse_jws,
    secured_content,
)
from .sign import ALGORITHMS, SigningKey, alg_for, sign_jose
from .verify import JoseVerification, verify_jose

__all__ = [
    "ALGORITHMS",
    "COSE_ALGORITHMS",
    "ENVELOPED_VC",
    "ENVELOPED_VP",
    "CoseError",
    "JoseError",
    "JoseVerification",
    "Secured",
    "SecuredCose",
    "SecuredJws",
    "SigningKey",
    "alg_for",
    "envelope",
    "envelope_cose",
    "envelope_of_bytes",
    "envelope_of_text",
    "enveloped_cose",
    "enveloped_jws",
    "is_enveloped",
    "looks_like_jws",
    "open_envelope",
    "parse_cose",
    "parse_jws",
    "secured_content",
    "sign_cose",
    "sign_jose",
    "verify_cose",
    "verify_jose",
]
