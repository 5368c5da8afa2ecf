"""Verifying a compact JWS of a credential or presentation (VC-JOSE-COSE, and the VC 1.1 JWT
encoding): which key may verify (the one the ``kid`` names, authorised for the relationship, with an
``alg`` of its key type), the signature (PyJWT), then the JWT claims."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.api_jws import PyJWS

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair
from plecak.core.did import find_verification_method
from plecak.core.errors import DIDError
from plecak.core.integrity.proofs import DidDocumentResolver, public_key_of_method
from plecak.core.timeutil import utc_now

from .envelope import MEDIA, JoseError, SecuredJws, parse_jws
from .sign import ALGORITHMS

__all__ = ["MIN_RSA_BITS", "JoseVerification", "verify_jose"]

MIN_RSA_BITS = 2048


@dataclass
class JoseVerification:
    """The outcome of :func:`verify_jose`: ``controller`` is the DID whose key signed."""

    verified: bool
    reason: str = ""
    error: str = ""
    header: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] | None = None
    kid: str | None = None
    alg: str | None = None
    controller: str | None = None
    legacy: bool = False
    secured_with: str = "jose"

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {"securedWith": self.secured_with, "alg": self.alg, "kid": self.kid}
        if self.legacy:
            out["encoding"] = "VC Data Model 1.1 JWT"
        if self.header.get("typ") is not None:
            out["typ"] = self.header.get("typ")
        if not self.verified:
            out["reason"] = self.reason
        return {k: v for k, v in out.items() if v is not None}


def _fail(result: JoseVerification, reason: str, error: str) -> JoseVerification:
    result.verified, result.reason, result.error = False, reason, error
    return result


def _public_key(method: Mapping[str, Any]) -> tuple[Any, str]:
    """The public key of a verification method and its key type (``RSA`` or one of our key pairs')."""
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, Mapping) and jwk.get("kty") == "RSA":
        try:
            key = RSAAlgorithm.from_jwk(json.dumps({k: v for k, v in jwk.items() if k != "d"}))
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise JoseError(f"not an RSA public key: {exc}") from None
        if not isinstance(key, rsa.RSAPublicKey):  # pragma: no cover - the private part was dropped
            raise JoseError("not an RSA public key")
        if key.key_size < MIN_RSA_BITS:
            raise JoseError(f"an RSA key of {key.key_size} bits is too small (at least {MIN_RSA_BITS})")
        return key, "RSA"
    pair = public_key_of_method(method)
    if not isinstance(pair, Ed25519KeyPair | EcdsaKeyPair):  # pragma: no cover - the key pair types
        raise JoseError("not an Ed25519 or ECDSA key")
    return pair.public_key, pair.key_type


async def _method(resolver: DidDocumentResolver, did: str, kid: str, relationship: str) -> dict[str, Any]:
    """The verification method ``kid``; a resolver that can (``resolve_again``) is asked once more
    when its copy of the DID document lacks it (e.g. the issuer's RSA key, made on first use)."""
    doc = await resolver.resolve(did)
    try:
        return find_verification_method(doc, kid, relationship)
    except DIDError:
        again = getattr(resolver, "resolve_again", None)
        if again is None:
            raise
        return find_verification_method(await again(did), kid, relationship)


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


Problem = tuple[str, str]
"""Why a JWS does not verify: a reason (``alg``, ``claims``…) and the English error."""


def _header_problem(parsed: SecuredJws, kind: str, result: JoseVerification) -> Problem | None:
    """The protected header: an accepted ``alg``, no ``crit``, an encoded payload, the right ``typ``
    (notes the ``alg`` and whether the JWS is the VC 1.1 encoding on ``result``)."""
    header = parsed.header
    alg = header.get("alg")
    result.alg = alg if isinstance(alg, str) else None
    if not isinstance(alg, str) or alg.lower() == "none":
        return "alg", "the JWS is not signed (alg none is never accepted)"
    if alg not in ALGORITHMS:
        return "alg", f"the JWS algorithm {alg!r} is not accepted ({', '.join(ALGORITHMS)})"
    if "crit" in header:
        return "crit", "the JWS names critical extensions this verifier does not understand"
    if header.get("b64") is False:
        return "malformed", "an unencoded (b64: false) payload is not a credential"
    typ = header.get("typ")
    legacy = result.legacy = parsed.legacy(kind)
    allowed = (MEDIA[kind], "jwt") if legacy else (MEDIA[kind],)
    if typ is not None and (not isinstance(typ, str) or typ.lower().removeprefix("application/") not in allowed):
        return "typ", f"the JWS says typ {typ!r}, not {MEDIA[kind]}"
    return None


def _kid_of(header: Mapping[str, Any], subject_id: str | None) -> tuple[str | None, Problem | None]:
    """The absolute DID URL of the signing key (a relative ``kid`` resolved against ``subject_id``)."""
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return None, ("kid", "the JWS has no kid, so nothing names the key that signed")
    return absolute_kid(kid, subject_id)


def absolute_kid(kid: str, subject_id: str | None) -> tuple[str, Problem | None]:
    """``kid`` as an absolute DID URL (a relative one, ``#key-1``, against ``subject_id``), or the
    problem when it names no verification method of a DID."""
    if kid.startswith("#") and subject_id:
        kid = subject_id + kid
    if not kid.split("#", 1)[0].startswith("did:") or "#" not in kid:
        return kid, ("kid", f"the kid {kid!r} is not a DID URL naming a verification method")
    return kid, None


def _claims_problem(parsed: SecuredJws, kind: str, subject_id: str | None, legacy: bool) -> Problem | None:
    """The JWT claims against the document: no ``vc``/``vp`` wrapping (VC-JOSE-COSE), ``iss`` the
    issuer (holder), and in the VC 1.1 encoding ``jti``/``sub`` the document's ids."""
    payload = parsed.payload
    if not legacy:
        for claim in ("vc", "vp"):
            if claim in payload:
                return "claims", f"the JWT claim {claim!r} must not be present (VC-JOSE-COSE)"
    iss = payload.get("iss")
    if iss is not None and subject_id is not None and iss != subject_id:
        return "claims", f"the JWT claim iss {iss!r} does not match the document's {subject_id!r}"
    if legacy:
        document = parsed.document(kind)
        subject = document.get("credentialSubject")
        pairs = [("jti", document.get("id")), ("sub", subject.get("id") if isinstance(subject, dict) else None)]
        for claim, value in pairs:
            if claim in payload and value is not None and payload[claim] != value:
                return "claims", f"the JWT claim {claim} does not match the document"
    return None


def _time_problem(payload: Mapping[str, Any], now: Callable[[], datetime], clock_skew: timedelta) -> Problem | None:
    """``exp`` and ``nbf``, with ``clock_skew`` of leeway."""
    moment = now().timestamp()
    skew = clock_skew.total_seconds()
    exp, nbf = _seconds(payload.get("exp")), _seconds(payload.get("nbf"))
    if ("exp" in payload and exp is None) or ("nbf" in payload and nbf is None):
        return "claims", "the JWT claims exp and nbf must be numbers (seconds)"
    if exp is not None and exp + skew < moment:
        when = datetime.fromtimestamp(exp, tz=now().tzinfo)
        return "expired", f"the signature expired on {when:%Y-%m-%d %H:%M} UTC (JWT exp)"
    if nbf is not None and nbf - skew > moment:
        return "not_yet", "the signature is not valid yet (JWT nbf)"
    return None


async def _signature_problem(parsed: SecuredJws, resolver: DidDocumentResolver, kind: str, kid: str) -> Problem | None:
    """The key ``kid`` names (authorised for the relationship ``kind`` needs, of the ``alg``'s key
    type) and the signature made with it."""
    alg = str(parsed.header["alg"])
    relationship = "assertionMethod" if kind == "vc" else "authentication"
    try:
        method = await _method(resolver, kid.split("#", 1)[0], kid, relationship)
        public_key, key_type = _public_key(method)
    except Exception as exc:  # unresolvable DIDs, unknown methods, bad keys: the seal cannot be checked
        return "key", f"the key {kid} cannot be used: {exc}"
    if ALGORITHMS[alg] != key_type:
        return "alg", f"the algorithm {alg} does not fit the {key_type} key {kid}"
    try:
        PyJWS().decode_complete(parsed.text, key=public_key, algorithms=[alg])
    except jwt.InvalidSignatureError:
        return "signature", "the JWS signature is not valid: the content was changed or not signed by this key"
    except jwt.PyJWTError as exc:
        return "signature", f"the JWS cannot be verified: {exc}"
    return None


async def verify_jose(
    text: str,
    resolver: DidDocumentResolver,
    *,
    kind: str,
    subject_id: str | None,
    now: Callable[[], datetime] = utc_now,
    clock_skew: timedelta = timedelta(minutes=5),
) -> JoseVerification:
    """Verify a compact JWS securing a credential (``kind="vc"``, key authorised for
    ``assertionMethod``) or a presentation (``"vp"``, ``authentication``); never raises for bad input.

    ``subject_id``: the document's ``issuer`` (``holder``) id, against which a relative ``kid``
    (``#key-1``) is resolved and which ``iss``, when present, must equal (a presentation without a
    ``holder`` is tied to its signer by the holder-binding check instead).
    """
    result = JoseVerification(False)
    try:
        parsed = parse_jws(text)
    except JoseError as exc:
        return _fail(result, "malformed", str(exc))
    result.header, result.payload = parsed.header, parsed.payload
    problem = _header_problem(parsed, kind, result)
    if problem is None:
        result.kid, problem = _kid_of(parsed.header, subject_id)
    if problem is None and result.kid is not None:
        problem = await _signature_problem(parsed, resolver, kind, result.kid)
        result.controller = None if problem else result.kid.split("#", 1)[0]
    problem = (
        problem
        or _claims_problem(parsed, kind, subject_id, result.legacy)
        or _time_problem(parsed.payload, now, clock_skew)
    )
    if problem is not None:
        return _fail(result, *problem)
    result.verified = True
    return result
