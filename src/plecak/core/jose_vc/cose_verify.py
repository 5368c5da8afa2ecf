"""Verifying a COSE_Sign1 of a credential or presentation (VC-JOSE-COSE ``vc+cose``/``vp+cose``):
the protected header (an accepted ``alg``, no ``crit``, the right ``typ`` and content type), the key
the ``kid`` names (resolved through the DID document, authorised for the relationship, of the
``alg``'s key type), the signature over the Sig_structure, then the CWT claims in the protected
header (``iss`` the issuer; ``exp``/``nbf``), if any.

The outcome is a :class:`~.verify.JoseVerification` (``securedWith: cose``), as for a JWS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Required, TypedDict, Unpack

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair
from plecak.core.integrity.proofs import DidDocumentResolver, public_key_of_method
from plecak.core.timeutil import utc_now

from .cose import (
    ALG,
    COSE_ALGORITHMS,
    COSE_MEDIA,
    CRIT,
    CTY,
    CWT_CLAIMS,
    KID,
    TYP,
    CoseError,
    SecuredCose,
    parse_cose,
    sig_structure,
)
from .verify import JoseVerification, Problem, _fail, _method, _time_problem, absolute_kid

__all__ = ["CoseOptions", "verify_cose"]

_CWT_NAMES = {1: "iss", 4: "exp", 5: "nbf", 6: "iat"}


def _media(value: Any) -> str | None:
    return value.lower().removeprefix("application/") if isinstance(value, str) else None


def _header_problem(secured: SecuredCose, kind: str, result: JoseVerification) -> Problem | None:
    """``alg`` protected and accepted, no ``crit``, ``typ`` and ``content type`` naming ``kind``."""
    alg = secured.protected.get(ALG)
    if isinstance(alg, int) and not isinstance(alg, bool) and alg in COSE_ALGORITHMS:
        result.alg = COSE_ALGORITHMS[alg][0]
    elif ALG in secured.unprotected:
        return "alg", "the COSE algorithm must be in the protected header"
    else:
        names = ", ".join(f"{name} ({number})" for number, (name, _) in COSE_ALGORITHMS.items())
        return "alg", f"the COSE algorithm {alg!r} is not accepted ({names})"
    if CRIT in secured.protected:
        return "crit", "the COSE message names critical headers this verifier does not understand"
    typ = secured.header(TYP)
    if typ is not None and _media(typ) != COSE_MEDIA[kind]:
        return "typ", f"the COSE typ is {typ!r}, not application/{COSE_MEDIA[kind]}"
    cty = secured.header(CTY)
    if cty is not None and _media(cty) not in (kind, f"{kind}+ld+json"):
        return "cty", f"the COSE content type is {cty!r}, not application/{kind}"
    return None


def _kid_of(secured: SecuredCose, subject_id: str | None) -> tuple[str | None, Problem | None]:
    """The absolute DID URL the ``kid`` names (UTF-8 bytes or text; relative to ``subject_id``)."""
    raw = secured.header(KID)
    try:
        kid = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        return None, ("kid", "the COSE kid is not UTF-8 text naming a key")
    if not isinstance(kid, str) or not kid:
        return None, ("kid", "the COSE message has no kid, so nothing names the key that signed")
    return absolute_kid(kid, subject_id)


async def _signature_problem(
    secured: SecuredCose, resolver: DidDocumentResolver, kind: str, kid: str, alg: str
) -> Problem | None:
    relationship = "assertionMethod" if kind == "vc" else "authentication"
    try:
        method = await _method(resolver, kid.split("#", 1)[0], kid, relationship)
        pair = public_key_of_method(method)
    except Exception as exc:  # unresolvable DIDs, unknown methods, bad keys: the seal cannot be checked
        return "key", f"the key {kid} cannot be used: {exc}"
    wanted = next(key_type for name, key_type in COSE_ALGORITHMS.values() if name == alg)
    if not isinstance(pair, Ed25519KeyPair | EcdsaKeyPair) or pair.key_type != wanted:
        return "alg", f"the algorithm {alg} does not fit the {pair.key_type} key {kid}"
    try:
        valid = pair.verify(secured.signature, sig_structure(secured.protected_bytes, secured.payload_bytes))
    except Exception:  # a signature of the wrong length or encoding
        valid = False
    if not valid:
        return "signature", "the COSE signature is not valid: the content was changed or not signed by this key"
    return None


def _claims(secured: SecuredCose) -> tuple[dict[str, Any], Problem | None]:
    """The CWT claims of the protected header (RFC 9597) by their JWT names."""
    raw = secured.protected.get(CWT_CLAIMS, {})
    if not isinstance(raw, Mapping):
        return {}, ("claims", "the CWT claims header is not a map")
    return {_CWT_NAMES[k]: v for k, v in raw.items() if k in _CWT_NAMES}, None


class CoseOptions(TypedDict, total=False):
    """What :func:`verify_cose` checks against: ``kind`` (``vc``/``vp``) and ``subject_id`` (the
    issuer or holder id) are required; ``now`` and ``clock_skew`` (5 minutes) time the CWT claims."""

    kind: Required[str]
    subject_id: Required[str | None]
    now: Callable[[], datetime]
    clock_skew: timedelta


async def verify_cose(
    data: bytes | SecuredCose, resolver: DidDocumentResolver, **options: Unpack[CoseOptions]
) -> JoseVerification:
    """Verify a COSE_Sign1 securing a credential (``kind="vc"``, key authorised for
    ``assertionMethod``) or presentation (``"vp"``, ``authentication``); never raises for bad input.
    ``subject_id`` is as for :func:`~.verify.verify_jose`."""
    kind, subject_id = options["kind"], options["subject_id"]
    now, clock_skew = options.get("now", utc_now), options.get("clock_skew", timedelta(minutes=5))
    result = JoseVerification(False, secured_with="cose")
    try:
        secured = data if isinstance(data, SecuredCose) else parse_cose(data)
    except CoseError as exc:
        return _fail(result, "malformed", str(exc))
    result.header = {"typ": secured.header(TYP)} if isinstance(secured.header(TYP), str) else {}
    result.payload = secured.payload
    problem = _header_problem(secured, kind, result)
    if problem is None:
        result.kid, problem = _kid_of(secured, subject_id)
    if problem is None and result.kid is not None and result.alg is not None:
        problem = await _signature_problem(secured, resolver, kind, result.kid, result.alg)
        result.controller = None if problem else result.kid.split("#", 1)[0]
    claims, claims_problem = _claims(secured)
    problem = problem or claims_problem
    if problem is None and "iss" in claims and subject_id is not None and claims["iss"] != subject_id:
        problem = "claims", f"the CWT claim iss {claims['iss']!r} does not match the document's {subject_id!r}"
    problem = problem or _time_problem(claims, now, clock_skew)
    if problem is not None:
        return _fail(result, *problem)
    result.verified = True
    return result
