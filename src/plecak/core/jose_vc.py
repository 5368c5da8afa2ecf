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
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.api_jws import PyJWS

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair
from plecak.core.did import find_verification_method
from plecak.core.encoding import b64url_decode
from plecak.core.errors import DIDError, VCError
from plecak.core.integrity.proofs import DidDocumentResolver, public_key_of_method
from plecak.core.safejson import UnsafeJson, loads
from plecak.core.timeutil import utc_now

__all__ = [
    "ALGORITHMS",
    "ENVELOPED_VC",
    "ENVELOPED_VP",
    "JoseError",
    "JoseVerification",
    "SecuredJws",
    "SigningKey",
    "alg_for",
    "envelope",
    "envelope_of_text",
    "enveloped_jws",
    "looks_like_jws",
    "open_envelope",
    "parse_jws",
    "secured_content",
    "sign_jose",
    "verify_jose",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENVELOPED_VC = "EnvelopedVerifiableCredential"
ENVELOPED_VP = "EnvelopedVerifiablePresentation"
MEDIA = {"vc": "vc+jwt", "vp": "vp+jwt"}
DATA_PREFIX = {kind: f"data:application/{media}," for kind, media in MEDIA.items()}
LEGACY_PREFIX = "data:application/jwt,"
"""The generic JWT media type in a data URL: the envelope's type says credential or presentation."""
MAX_JWS_CHARS = 2 * 1024 * 1024
"""A secured credential larger than this is refused before any decoding."""

ALGORITHMS: Mapping[str, str] = {"EdDSA": "Ed25519", "ES256": "P-256", "ES384": "P-384", "RS256": "RSA"}
"""The JWS algorithms accepted, each with the one key type it may be used with. RS256 (Open Badges
3.0's minimum for VC-JWT) needs an RSA ``publicKeyJwk`` of at least 2048 bits."""
SigningKey = KeyPair | RsaKeyPair
"""What :func:`sign_jose` signs with: one of our key pairs or an RSA key (RS256)."""
MIN_RSA_BITS = 2048


class JoseError(VCError, ValueError):
    """The text is not a compact JWS of a credential or presentation."""


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


def envelope(jws: str, *, kind: str = "vc") -> dict[str, Any]:
    """The VC 2.0 ``EnvelopedVerifiableCredential`` (or ``…Presentation``) carrying ``jws``."""
    return {
        "@context": VC_V2_CONTEXT,
        "type": ENVELOPED_VC if kind == "vc" else ENVELOPED_VP,
        "id": DATA_PREFIX[kind] + jws,
    }


def looks_like_jws(text: Any) -> bool:
    """A cheap test: three base64url parts, the first a JSON object (a pasted compact JWS)."""
    if not isinstance(text, str) or len(text) > MAX_JWS_CHARS:
        return False
    parts = text.strip().split(".")
    return len(parts) == 3 and parts[0].startswith("eyJ") and "~" not in text


def _types(document: Mapping[str, Any]) -> list[Any]:
    types = document.get("type")
    return types if isinstance(types, list) else [types]


def enveloped_jws(document: Any) -> tuple[str | None, str] | None:
    """``(kind, jws)`` for an enveloped credential (``"vc"``) or presentation (``"vp"``) secured with
    JOSE, or ``(None, jws)`` for a bare compact JWS (its header's ``typ`` tells); else ``None``."""
    if isinstance(document, str):
        return (None, document.strip()) if looks_like_jws(document) else None
    if not isinstance(document, Mapping):
        return None
    ident = document.get("id")
    context = document.get("@context")
    if not isinstance(ident, str) or VC_V2_CONTEXT not in (context if isinstance(context, list) else [context]):
        return None  # an envelope without the VC 2.0 context is no envelope (the data model check says why)
    types = _types(document)
    for kind, wanted in (("vc", ENVELOPED_VC), ("vp", ENVELOPED_VP)):
        if wanted in types:
            for prefix in (DATA_PREFIX[kind], LEGACY_PREFIX):
                if ident.startswith(prefix):
                    return kind, unquote(ident[len(prefix) :]).strip()
    return None


@dataclass(frozen=True)
class SecuredJws:
    """A compact JWS split and decoded, not yet verified."""

    text: str
    header: dict[str, Any]
    payload: dict[str, Any]

    @property
    def kind(self) -> str | None:
        """``vc`` or ``vp`` from ``typ`` (or ``cty``), ``None`` when neither says."""
        for name in ("typ", "cty"):
            value = self.header.get(name)
            if isinstance(value, str):
                value = value.lower().removeprefix("application/")
                for kind, media in MEDIA.items():
                    if value in (media, kind):
                        return kind
        if "@context" not in self.payload:  # VC 1.1 JWT encoding: the claim says
            for kind in MEDIA:
                if isinstance(self.payload.get(kind), dict):
                    return kind
        return None

    def legacy(self, kind: str) -> bool:
        """The VC Data Model 1.1 JWT encoding: no ``vc+jwt``/``vp+jwt`` type, the document under the
        ``vc`` (``vp``) claim."""
        typ = self.header.get("typ")
        return (
            (typ is None or (isinstance(typ, str) and typ.lower() == "jwt"))
            and "@context" not in self.payload
            and isinstance(self.payload.get(kind), dict)
        )

    def document(self, kind: str) -> dict[str, Any]:
        """The credential (``kind="vc"``) or presentation (``"vp"``) secured: the payload, or for
        the 1.1 encoding the claim's object with ``issuer`` (``holder``) taken from ``iss`` if absent."""
        if not self.legacy(kind):
            return self.payload
        document = dict(self.payload[kind])
        name = "issuer" if kind == "vc" else "holder"
        if name not in document and isinstance(self.payload.get("iss"), str):
            document[name] = self.payload["iss"]
        return document


def _json_part(text: str, what: str) -> dict[str, Any]:
    try:
        value = loads(b64url_decode(text))
    except (ValueError, UnsafeJson) as exc:
        raise JoseError(f"the JWS {what} is not base64url JSON: {exc}") from None
    if not isinstance(value, dict):
        raise JoseError(f"the JWS {what} is not a JSON object")
    return value


def open_envelope(document: Any, not_enveloped: str) -> tuple[str | None, SecuredJws]:
    """``(kind, parsed JWS)`` of an enveloped or bare JOSE-secured document (see :func:`enveloped_jws`);
    :class:`JoseError` (``not_enveloped`` when it is no such document) if it cannot be read."""
    found = enveloped_jws(document)
    if found is None:
        raise JoseError(not_enveloped)
    return found[0], parse_jws(found[1])


def parse_jws(text: Any) -> SecuredJws:
    """Split and decode a compact JWS (no signature check); :class:`JoseError` if it is not one."""
    if not isinstance(text, str):
        raise JoseError("a compact JWS is a string")
    text = text.strip()
    if len(text) > MAX_JWS_CHARS:
        raise JoseError(f"the JWS is longer than {MAX_JWS_CHARS} characters")
    parts = text.split(".")
    if len(parts) != 3:
        raise JoseError("a compact JWS has three parts separated by '.'")
    header = _json_part(parts[0], "header")
    payload = _json_part(parts[1], "payload")
    try:
        b64url_decode(parts[2])
    except ValueError:
        raise JoseError("the JWS signature is not base64url") from None
    return SecuredJws(text, header, payload)


def secured_content(document: Any) -> Any:
    """What an enveloped document secures (decoded, **not verified**: for showing and for finding
    subjects after the pipeline ran); any other document unchanged."""
    found = enveloped_jws(document)
    if found is None or not isinstance(document, Mapping):
        return document
    try:
        secured = parse_jws(found[1])
    except JoseError:
        return document
    return secured.document(found[0] or secured.kind or "vc")


def envelope_of_text(text: Any) -> dict[str, Any] | None:
    """A bare compact JWS (pasted, uploaded, posted) as the envelope its ``typ`` names
    (``vp+jwt``: a presentation, else a credential); ``None`` when ``text`` is no compact JWS."""
    if not looks_like_jws(text):
        return None
    try:
        kind = parse_jws(text).kind or "vc"
    except JoseError:
        kind = "vc"  # the credential pipeline says why it is not one
    return envelope(str(text).strip(), kind=kind)


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

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {"securedWith": "jose", "alg": self.alg, "kid": self.kid}
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
    header, payload = parsed.header, parsed.payload
    result.header, result.payload = header, payload
    alg = header.get("alg")
    result.alg = alg if isinstance(alg, str) else None
    if not isinstance(alg, str) or alg.lower() == "none":
        return _fail(result, "alg", "the JWS is not signed (alg none is never accepted)")
    if alg not in ALGORITHMS:
        return _fail(result, "alg", f"the JWS algorithm {alg!r} is not accepted ({', '.join(ALGORITHMS)})")
    if "crit" in header:
        return _fail(result, "crit", "the JWS names critical extensions this verifier does not understand")
    if header.get("b64") is False:
        return _fail(result, "malformed", "an unencoded (b64: false) payload is not a credential")
    typ = header.get("typ")
    legacy = result.legacy = parsed.legacy(kind)
    allowed = (MEDIA[kind], "jwt") if legacy else (MEDIA[kind],)
    if typ is not None and (not isinstance(typ, str) or typ.lower().removeprefix("application/") not in allowed):
        return _fail(result, "typ", f"the JWS says typ {typ!r}, not {MEDIA[kind]}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return _fail(result, "kid", "the JWS has no kid, so nothing names the key that signed")
    if kid.startswith("#") and subject_id:
        kid = subject_id + kid
    result.kid = kid
    did = kid.split("#", 1)[0]
    if not did.startswith("did:") or "#" not in kid:
        return _fail(result, "kid", f"the kid {kid!r} is not a DID URL naming a verification method")
    relationship = "assertionMethod" if kind == "vc" else "authentication"
    try:
        method = await _method(resolver, did, kid, relationship)
        public_key, key_type = _public_key(method)
    except Exception as exc:  # unresolvable DIDs, unknown methods, bad keys: the seal cannot be checked
        return _fail(result, "key", f"the key {kid} cannot be used: {exc}")
    if ALGORITHMS[alg] != key_type:
        return _fail(result, "alg", f"the algorithm {alg} does not fit the {key_type} key {kid}")
    try:
        PyJWS().decode_complete(parsed.text, key=public_key, algorithms=[alg])
    except jwt.InvalidSignatureError:
        return _fail(
            result, "signature", "the JWS signature is not valid: the content was changed or not signed by this key"
        )
    except jwt.PyJWTError as exc:
        return _fail(result, "signature", f"the JWS cannot be verified: {exc}")
    result.controller = did
    if not legacy:
        for claim in ("vc", "vp"):
            if claim in payload:
                return _fail(result, "claims", f"the JWT claim {claim!r} must not be present (VC-JOSE-COSE)")
    iss = payload.get("iss")
    if iss is not None and subject_id is not None and iss != subject_id:
        return _fail(result, "claims", f"the JWT claim iss {iss!r} does not match the document's {subject_id!r}")
    if legacy:
        document = parsed.document(kind)
        subject = document.get("credentialSubject")
        pairs = [("jti", document.get("id")), ("sub", subject.get("id") if isinstance(subject, dict) else None)]
        for claim, value in pairs:
            if claim in payload and value is not None and payload[claim] != value:
                return _fail(result, "claims", f"the JWT claim {claim} does not match the document")
    moment = now().timestamp()
    skew = clock_skew.total_seconds()
    exp, nbf = _seconds(payload.get("exp")), _seconds(payload.get("nbf"))
    if ("exp" in payload and exp is None) or ("nbf" in payload and nbf is None):
        return _fail(result, "claims", "the JWT claims exp and nbf must be numbers (seconds)")
    if exp is not None and exp + skew < moment:
        when = datetime.fromtimestamp(exp, tz=now().tzinfo)
        return _fail(result, "expired", f"the signature expired on {when:%Y-%m-%d %H:%M} UTC (JWT exp)")
    if nbf is not None and nbf - skew > moment:
        return _fail(result, "not_yet", "the signature is not valid yet (JWT nbf)")
    result.verified = True
    return result
