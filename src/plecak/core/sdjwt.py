"""SD-JWT VC (``dc+sd-jwt``): EU micro-credentials with selective disclosure and key binding.

Three roles, one module:

* **issuer**: :func:`issue_sd_jwt_vc` turns a flat claim set (see :func:`micro_credential_claims`)
  into an SD-JWT signed with ES256 (P-256). The SD-JWT structure (salted disclosures, ``_sd``
  digests, ``cnf``) is made by the OpenWallet Foundation reference library ``sd-jwt``; the JWS
  by its JOSE library jwcrypto.
* **holder**: :func:`present` keeps only the disclosures the learner chose and appends a
  key-binding JWT (``kb+jwt``: ``nonce``, ``aud``, ``iat``, ``sd_hash``) signed with the holder
  key named in ``cnf.jwk`` (Ed25519/EdDSA for our wallet; P-256/ES256 accepted too).
* **verifier**: :class:`SdJwtVerifier` checks format, the issuer's signature (``kid`` is a DID
  URL resolved like any DID), every disclosure's digest, the key binding, the status (IETF
  Token Status List) and the validity period, and returns a :class:`SdJwtVerificationResult`:
  the usual list of checks plus the disclosed claims and the names of the claims the holder
  did not share. It never raises for a bad presentation. JWS verification uses pyjwt, so the
  issuing and verifying sides run on two independent JOSE stacks.

Which claims are always disclosed and which may be withheld is fixed per ``vct``:
:data:`ALWAYS_DISCLOSED` and :data:`SELECTIVELY_DISCLOSABLE` (docs/sd-jwt-vc.md explains why).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from plecak.core import safejson
from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, decode_multikey
from plecak.core.did import did_web_from_url, find_verification_method
from plecak.core.encoding import b64url_decode, b64url_encode
from plecak.core.errors import KeyFormatError, VCError
from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.model.elements import MANDATORY_ELEMENTS, SD_JWT_ELEMENT_CLAIMS
from plecak.core.status.token import TokenStatus, read_status_list_token
from plecak.core.timeutil import utc_now
from plecak.core.verify.credential import (
    Check,
    Outcome,
    TrustRegistry,
    VerificationResult,
    not_checked_after_seal,
    trust_check,
)

__all__ = [
    "ALWAYS_DISCLOSED",
    "CLAIM_LABELS",
    "ENVELOPED_PREFIX",
    "HOLDER_ALGS",
    "KB_JWT_TYP",
    "SD_JWT_VC_TYP",
    "SELECTIVELY_DISCLOSABLE",
    "VCT_HOSTED_PATH",
    "VCT_MICRO_CREDENTIAL",
    "Disclosure",
    "ParsedSdJwt",
    "SdJwtError",
    "SdJwtVerificationResult",
    "SdJwtVerifier",
    "StatusTokenFetcher",
    "ec_public_jwk",
    "envelope",
    "holder_jwk",
    "is_micro_credential_vct",
    "issue_sd_jwt_vc",
    "issuer_did",
    "looks_like_sd_jwt",
    "micro_credential_claims",
    "open_badges_form",
    "parse_sd_jwt",
    "present",
    "public_key_from_jwk",
    "sd_jwt_of",
]

SD_JWT_VC_TYP = "dc+sd-jwt"
KB_JWT_TYP = "kb+jwt"
ISSUER_ALG = "ES256"
VCT_MICRO_CREDENTIAL = "https://w3id.org/plecak/vct/micro-credential/v1"
VCT_HOSTED_PATH = "/vct/micro-credential/v1"
"""An issuer may name the type by its own URL, ``https://<issuer>/vct/micro-credential/v1``, where it
serves the type metadata (so the ``vct`` resolves); that is the same type."""
"""The credential type of our EU micro-credentials (a placeholder namespace, like the JSON-LD context)."""

MAX_PRESENTATION_CHARS = 256 * 1024
MAX_DISCLOSURES = 200
_HOLDER_ALGS = ("EdDSA", "ES256")

#: A label a person reads for each claim of our ``vct``.
_LABELS: dict[str, str] = {
    "title": "Title of the micro-credential",
    "achievement_type": "Kind of achievement",
    "awarding_body": "Awarding body",
    "issuer_country": "Country of the issuer",
    "awarding_date": "Date of issuing",
    "learning_outcomes": "Learning outcomes",
    "ects": "Notional workload (ECTS)",
    "eqf_level": "EQF level",
    "type_of_assessment": "Type of assessment",
    "form_of_participation": "Form of participation",
    "type_of_quality_assurance": "Type of quality assurance",
    "name": "Learner's name",
    "grade": "Grade achieved",
    "grading_scheme": "Grading scheme",
    "credits_earned": "ECTS credits earned",
    "workload_hours": "Notional workload (hours)",
    "description": "Description",
    "qf_ehea_level": "QF-EHEA cycle",
    "nqf_level": "National qualifications framework level",
    "supervision_and_id_verification": "Supervision and identity verification",
    "prerequisites": "Prerequisites",
    "integration_stackability": "Integration and stackability",
    "is_part_of": "Stacks towards",
    "further_information": "Further information",
}

_MANDATORY_CLAIMS = tuple(
    c for key in MANDATORY_ELEMENTS for c in SD_JWT_ELEMENT_CLAIMS.get(key, ()) if c != "exp"
)

#: Claims in the signed payload itself: registered JWT/SD-JWT VC claims (which the SD-JWT VC
#: draft forbids making selectively disclosable), the achievement's id and the claims of the
#: elements every format always discloses (:data:`plecak.core.disclosure.MANDATORY_ELEMENTS`).
ALWAYS_DISCLOSED: tuple[str, ...] = (
    "iss",
    "iat",
    "nbf",
    "exp",
    "vct",
    "cnf",
    "status",
    "achievement_id",
    *_MANDATORY_CLAIMS,
)

#: Claims the holder may withhold (one disclosure each), with the label a person reads.
SELECTIVELY_DISCLOSABLE: dict[str, str] = {
    c: _LABELS[c]
    for claims in SD_JWT_ELEMENT_CLAIMS.values()
    for c in claims
    if c in _LABELS
    if c not in ALWAYS_DISCLOSED
}

CLAIM_LABELS: dict[str, str] = {
    "iss": "Issuer",
    "vct": "Credential type",
    "achievement_id": "Achievement",
    **_LABELS,
}

#: Claims that are about the token rather than the learner: not shown as credential content.
_TECHNICAL = frozenset({"iss", "iat", "nbf", "exp", "vct", "cnf", "status", "_sd", "_sd_alg"})


class SdJwtError(VCError):
    """An SD-JWT, disclosure or key is malformed, or an SD-JWT cannot be made from the input."""


# -- encoding helpers --------------------------------------------------------------------
_b64e = b64url_encode


def _b64d(text: str) -> bytes:
    if not isinstance(text, str) or not text:
        raise SdJwtError("not base64url without padding")
    try:
        return b64url_decode(text)
    except ValueError:
        raise SdJwtError("not base64url without padding") from None


def _digest(text: str) -> str:
    return _b64e(hashlib.sha256(text.encode("ascii")).digest())


def _json_part(text: str, what: str) -> dict[str, Any]:
    try:
        value = safejson.loads(_b64d(text))
    except safejson.UnsafeJson as exc:
        raise SdJwtError(f"the {what} is not JSON we accept: {exc}") from None
    except (ValueError, SdJwtError):
        raise SdJwtError(f"the {what} is not base64url-encoded JSON") from None
    if not isinstance(value, dict):
        raise SdJwtError(f"the {what} is not a JSON object")
    return value


# -- keys --------------------------------------------------------------------------------
def holder_jwk(key: Ed25519KeyPair | Ed25519PublicKey | ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public JWK for ``cnf.jwk``: OKP/Ed25519 for our wallet, EC/P-256 also allowed."""
    if isinstance(key, Ed25519KeyPair):
        key = key.public_key
    if isinstance(key, Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64e(key.public_bytes_raw())}
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ec_public_jwk(key)
    raise TypeError("a holder key is an Ed25519 or P-256 public key")


def ec_public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    if not isinstance(key.curve, ec.SECP256R1):
        raise KeyFormatError("only P-256 EC keys are supported")
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64e(numbers.x.to_bytes(32, "big")),
        "y": _b64e(numbers.y.to_bytes(32, "big")),
    }


def public_key_from_jwk(jwk: Any) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """An Ed25519 or P-256 public key from a JWK (private members are refused)."""
    if not isinstance(jwk, Mapping):
        raise SdJwtError("the key is not a JWK object")
    if "d" in jwk:
        raise SdJwtError("the JWK contains a private key")
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        raw = _b64d(str(jwk.get("x", "")))
        if len(raw) != 32:
            raise SdJwtError("the Ed25519 JWK's x is not 32 bytes")
        return Ed25519PublicKey.from_public_bytes(raw)
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        x, y = _b64d(str(jwk.get("x", ""))), _b64d(str(jwk.get("y", "")))
        if len(x) != 32 or len(y) != 32:
            raise SdJwtError("the P-256 JWK's coordinates are not 32 bytes")
        try:
            return ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            ).public_key()
        except ValueError:
            raise SdJwtError("the P-256 JWK is not a point on the curve") from None
    raise SdJwtError("only Ed25519 (OKP) and P-256 (EC) JWKs are supported")


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


# -- issuing -----------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def micro_credential_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The flat SD-JWT VC claim set for an (unsigned) Open Badges micro-credential of ours.

    Registered claims (``iss``, ``iat``, ``cnf``, ``status``…) are added by :func:`issue_sd_jwt_vc`.
    """
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or not isinstance(subject.get("achievement"), Mapping):
        raise SdJwtError("the credential has no credentialSubject.achievement")
    ach: Mapping[str, Any] = subject["achievement"]
    issuer = credential.get("issuer")
    issuer_obj: Mapping[str, Any] = issuer if isinstance(issuer, Mapping) else {}
    address = issuer_obj.get("address") if isinstance(issuer_obj.get("address"), Mapping) else {}
    assert isinstance(address, Mapping)
    claims: dict[str, Any] = {
        "achievement_id": ach.get("id"),
        "title": ach.get("name"),
        "achievement_type": ach.get("achievementType"),
    }
    bodies = ach.get("awardingBody")
    if isinstance(bodies, list) and bodies:
        claims["awarding_body"] = [
            {k: v for k, v in (("id", b.get("id")), ("name", b.get("name"))) if v}
            for b in bodies
            if isinstance(b, Mapping)
        ]
    else:
        claims["awarding_body"] = [
            {k: v for k, v in (("id", issuer_obj.get("id")), ("name", issuer_obj.get("name"))) if v}
        ]
    country = address.get("addressCountryCode") or address.get("addressCountry")
    if country:
        claims["issuer_country"] = country
    date = _text(credential.get("awardedDate")) or _text(credential.get("validFrom"))
    if date:
        claims["awarding_date"] = date[:10]
    if isinstance(ach.get("learningOutcome"), list):
        claims["learning_outcomes"] = list(ach["learningOutcome"])
    points = ach.get("creditPoint")
    if isinstance(points, list) and points and isinstance(points[0], Mapping):
        try:
            claims["ects"] = float(points[0]["point"])
        except (KeyError, TypeError, ValueError):
            pass
    elif isinstance(ach.get("creditsAvailable"), int | float):
        claims["ects"] = float(ach["creditsAvailable"])
    if isinstance(claims.get("ects"), float) and claims["ects"].is_integer():
        claims["ects"] = int(claims["ects"])
    eqf = _text(ach.get("eqfLevel"))
    if eqf and eqf.rsplit("/", 1)[-1].isdigit():
        claims["eqf_level"] = int(eqf.rsplit("/", 1)[-1])
    for source, target in (
        ("typeOfAssessment", "type_of_assessment"),
        ("formOfParticipation", "form_of_participation"),
        ("typeOfQualityAssurance", "type_of_quality_assurance"),
        # selectively disclosable
        ("description", "description"),
        ("qfEheaLevel", "qf_ehea_level"),
        ("nqfLevel", "nqf_level"),
        ("supervisionAndIdVerification", "supervision_and_id_verification"),
        ("prerequisites", "prerequisites"),
        ("integrationStackability", "integration_stackability"),
        ("furtherInformation", "further_information"),
    ):
        if ach.get(source):
            claims[target] = ach[source]
    if isinstance(ach.get("isPartOf"), list) and ach["isPartOf"]:
        claims["is_part_of"] = list(ach["isPartOf"])
    volume = _text(ach.get("volumeOfLearning"))
    if volume and volume.startswith("PT") and volume.endswith("H") and volume[2:-1].isdigit():
        claims["workload_hours"] = int(volume[2:-1])
    if _text(subject.get("name")):
        claims["name"] = subject["name"]
    else:
        for ident in subject.get("identifier") or []:
            if (
                isinstance(ident, Mapping)
                and ident.get("identityType") == "name"
                and ident.get("hashed") is False
                and _text(ident.get("identityHash"))
            ):
                claims["name"] = ident["identityHash"]
                break
    earned = subject.get("creditsEarned")
    if isinstance(earned, int | float) and not isinstance(earned, bool):
        claims["credits_earned"] = earned
    results = subject.get("result")
    if isinstance(results, list) and results and isinstance(results[0], Mapping):
        if results[0].get("value") is not None:
            claims["grade"] = str(results[0]["value"])
    descriptions = ach.get("resultDescription")
    if isinstance(descriptions, list) and descriptions and isinstance(descriptions[0], Mapping):
        if _text(descriptions[0].get("name")):
            claims["grading_scheme"] = descriptions[0]["name"]
    return {k: v for k, v in claims.items() if v is not None}


def open_badges_form(c: Mapping[str, Any], issuer_id: str) -> dict[str, Any]:
    """Disclosed SD-JWT VC claims in the Open Badges shape that the pages already know how to show.

    Only for display: the result is not a credential (no context, no proof).
    """
    bodies = c.get("awarding_body")
    first = bodies[0] if isinstance(bodies, list) and bodies and isinstance(bodies[0], Mapping) else {}
    issuer: dict[str, Any] = {"id": issuer_id}
    if first.get("name"):
        issuer["name"] = first["name"]
    if c.get("issuer_country"):
        issuer["address"] = {"addressCountryCode": c["issuer_country"]}
    achievement: dict[str, Any] = {
        "id": c.get("achievement_id"),
        "name": c.get("title"),
        "achievementType": c.get("achievement_type"),
        "description": c.get("description"),
        "learningOutcome": c.get("learning_outcomes"),
        "typeOfAssessment": c.get("type_of_assessment"),
        "formOfParticipation": c.get("form_of_participation"),
        "typeOfQualityAssurance": c.get("type_of_quality_assurance"),
        "qfEheaLevel": c.get("qf_ehea_level"),
        "nqfLevel": c.get("nqf_level"),
        "supervisionAndIdVerification": c.get("supervision_and_id_verification"),
        "prerequisites": c.get("prerequisites"),
        "integrationStackability": c.get("integration_stackability"),
        "isPartOf": c.get("is_part_of"),
        "furtherInformation": c.get("further_information"),
    }
    if c.get("ects") is not None:
        achievement["creditsAvailable"] = c["ects"]
    if c.get("eqf_level") is not None:
        achievement["eqfLevel"] = f"http://data.europa.eu/snb/eqf/{c['eqf_level']}"
    if isinstance(c.get("workload_hours"), int):
        achievement["volumeOfLearning"] = f"PT{c['workload_hours']}H"
    if isinstance(bodies, list) and bodies:
        achievement["awardingBody"] = bodies
    subject: dict[str, Any] = {"achievement": {k: v for k, v in achievement.items() if v is not None}}
    if c.get("name"):
        subject["name"] = c["name"]
    if c.get("grade") is not None:
        subject["result"] = [{"value": c["grade"], "resultDescription": "#grade"}]
        if c.get("grading_scheme"):
            subject["achievement"]["resultDescription"] = [{"id": "#grade", "name": c["grading_scheme"]}]
    return {"issuer": issuer, "awardedDate": c.get("awarding_date"), "credentialSubject": subject}


def issue_sd_jwt_vc(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    kid: str,
    signing_key: ec.EllipticCurvePrivateKey,
    holder: Mapping[str, Any],
    status: Mapping[str, Any] | None = None,
    vct: str = VCT_MICRO_CREDENTIAL,
    iat: int | None = None,
    exp: int | None = None,
) -> str:
    """An SD-JWT VC (issuance form ``<jwt>~<disclosure>~…~``) for ``claims``, bound to ``holder``.

    ``holder`` is the holder's public JWK. Claims named in :data:`SELECTIVELY_DISCLOSABLE` become
    disclosures; any other claim not in :data:`ALWAYS_DISCLOSED` is refused, so nothing is
    published in the clear by accident.
    """
    from jwcrypto.jwk import JWK
    from sd_jwt.common import SDObj
    from sd_jwt.issuer import SDJWTIssuer

    if not isinstance(claims, Mapping):
        raise TypeError("claims must be a mapping")
    if not isinstance(signing_key, ec.EllipticCurvePrivateKey) or not isinstance(
        signing_key.curve, ec.SECP256R1
    ):
        raise TypeError("the issuer's signing key must be a P-256 private key")
    public_key_from_jwk(holder)  # validates the holder JWK
    unknown = sorted(set(claims) - set(ALWAYS_DISCLOSED) - set(SELECTIVELY_DISCLOSABLE))
    if unknown:
        raise SdJwtError(f"claims with no disclosure rule: {', '.join(unknown)}")
    reserved = sorted({"iss", "iat", "vct", "cnf", "status", "exp"} & set(claims))
    if reserved:
        raise SdJwtError(f"set registered claims through the arguments, not claims: {', '.join(reserved)}")
    user_claims: dict[Any, Any] = {
        "iss": issuer,
        "iat": int(time.time()) if iat is None else iat,
        "vct": vct,
    }
    if exp is not None:
        user_claims["exp"] = exp
    if status is not None:
        user_claims["status"] = dict(status)
    for name, value in claims.items():
        user_claims[SDObj(name) if name in SELECTIVELY_DISCLOSABLE else name] = value
    made = SDJWTIssuer(
        user_claims,
        JWK.from_pyca(signing_key),
        holder_key=JWK(**dict(holder)),
        sign_alg=ISSUER_ALG,
        extra_header_parameters={"typ": SD_JWT_VC_TYP, "kid": kid},
    )
    result: str = made.sd_jwt_issuance
    return result


# -- parsing -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Disclosure:
    encoded: str
    digest: str
    name: str | None
    value: Any


@dataclass(frozen=True)
class ParsedSdJwt:
    """An SD-JWT split into its parts (nothing verified yet)."""

    issuer_jwt: str
    header: dict[str, Any]
    payload: dict[str, Any]
    disclosures: tuple[Disclosure, ...]
    key_binding_jwt: str | None

    @property
    def presented_part(self) -> str:
        """``<jwt>~<d1>~…~``: what a KB-JWT's ``sd_hash`` covers."""
        return "~".join([self.issuer_jwt, *(d.encoded for d in self.disclosures)]) + "~"

    def disclosable(self) -> dict[str, Disclosure]:
        """Top-level object-property disclosures whose digest is in the payload's ``_sd``."""
        digests = set(self.payload.get("_sd") or [])
        return {d.name: d for d in self.disclosures if d.name is not None and d.digest in digests}


ENVELOPED_PREFIX = "data:application/dc+sd-jwt,"


def envelope(sd_jwt: str) -> dict[str, Any]:
    """A VC 2.0 ``EnvelopedVerifiableCredential`` carrying ``sd_jwt``."""
    return {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "EnvelopedVerifiableCredential",
        "id": ENVELOPED_PREFIX + quote(sd_jwt, safe=""),
    }


def sd_jwt_of(credential: Any) -> str | None:
    """The compact SD-JWT inside an enveloped credential (or a bare SD-JWT string), else ``None``."""
    if isinstance(credential, str):
        return credential.strip() if looks_like_sd_jwt(credential) else None
    if isinstance(credential, Mapping) and credential.get("type") == "EnvelopedVerifiableCredential":
        ident = credential.get("id")
        if isinstance(ident, str) and ident.startswith(ENVELOPED_PREFIX):
            text = unquote(ident[len(ENVELOPED_PREFIX) :])
            return text if looks_like_sd_jwt(text) else None
    return None


def looks_like_sd_jwt(text: Any) -> bool:
    """A cheap test: a compact JWT followed by ``~`` (a paste box uses it to pick the format)."""
    if not isinstance(text, str):
        return False
    head = text.strip().split("~", 1)
    return len(head) == 2 and head[0].count(".") == 2


def parse_sd_jwt(text: Any) -> ParsedSdJwt:
    if not isinstance(text, str):
        raise TypeError("an SD-JWT is a string")
    text = text.strip()
    if len(text) > MAX_PRESENTATION_CHARS:
        raise SdJwtError(f"the SD-JWT is longer than {MAX_PRESENTATION_CHARS} characters")
    parts = text.split("~")
    if len(parts) < 2:
        raise SdJwtError("not an SD-JWT: no '~' separator")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise SdJwtError(f"more than {MAX_DISCLOSURES} disclosures")
    issuer_jwt, *encoded, last = parts
    segments = issuer_jwt.split(".")
    if len(segments) != 3:
        raise SdJwtError("the issuer-signed part is not a compact JWS")
    header = _json_part(segments[0], "JWS header")
    payload = _json_part(segments[1], "JWT payload")
    disclosures = []
    seen: set[str] = set()
    for item in encoded:
        if not item:
            raise SdJwtError("an empty disclosure")
        try:
            decoded = safejson.loads(_b64d(item))
        except (ValueError, SdJwtError):
            raise SdJwtError("a disclosure is not base64url-encoded JSON") from None
        if not isinstance(decoded, list) or len(decoded) not in (2, 3) or not isinstance(decoded[0], str):
            raise SdJwtError("a disclosure is not a [salt, name, value] or [salt, value] array")
        name = decoded[1] if len(decoded) == 3 else None
        if len(decoded) == 3 and (not isinstance(name, str) or name in ("_sd", "...")):
            raise SdJwtError("a disclosure's claim name is not allowed")
        digest = _digest(item)
        if digest in seen:
            raise SdJwtError("the same disclosure appears twice")
        seen.add(digest)
        disclosures.append(Disclosure(item, digest, name, decoded[-1]))
    if last and last.count(".") != 2:
        raise SdJwtError("the key-binding JWT is not a compact JWS")
    return ParsedSdJwt(issuer_jwt, header, payload, tuple(disclosures), last or None)


# -- holder ------------------------------------------------------------------------------
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


# -- verifier ----------------------------------------------------------------------------
StatusTokenFetcher = Callable[[str], Awaitable[str]]
"""Fetches a status list token (``statuslist+jwt``) by its URI and returns the compact JWT."""


@dataclass
class SdJwtVerificationResult(VerificationResult):
    """The checks, plus what the holder shared and what it withheld."""

    disclosed: dict[str, Any] = field(default_factory=dict)
    undisclosed: list[str] = field(default_factory=list)
    hidden_count: int = 0
    issuer: str | None = None
    vct: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "format": SD_JWT_VC_TYP,
            "issuer": self.issuer,
            "vct": self.vct,
            "disclosed": self.disclosed,
            "undisclosed": self.undisclosed,
            "hiddenCount": self.hidden_count,
        }


_MAX_TIME = 253402300799  # 9999-12-31T23:59:59Z


def is_micro_credential_vct(vct: Any) -> bool:
    """``vct`` is our EU micro-credential type: the shared name or an issuer's hosted copy of it."""
    if vct == VCT_MICRO_CREDENTIAL:
        return True
    if not isinstance(vct, str) or not vct.startswith(("https://", "http://")):
        return False
    parts = urlsplit(vct)
    return bool(parts.hostname) and not parts.query and not parts.fragment and parts.path.endswith(VCT_HOSTED_PATH)


def issuer_did(iss: str) -> str:
    """The DID an SD-JWT VC ``iss`` stands for: a DID itself, or for an https URL (the issuer's
    identifier for verifiers that do not speak DIDs, keys at ``/.well-known/jwt-vc-issuer``) the
    ``did:web`` of the same URL, whose document the same host publishes with the same keys."""
    if iss.startswith("https://"):
        try:
            return did_web_from_url(iss)
        except VCError:
            return iss
    return iss


def _issuer_id_ok(iss: str) -> bool:
    if iss.startswith("did:"):
        return True
    parts = urlsplit(iss)
    return parts.scheme == "https" and bool(parts.hostname) and not parts.query and not parts.fragment


def _as_int(value: Any) -> int | None:
    """A NumericDate as seconds, or ``None`` for anything else (NaN, infinities, beyond year 9999)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 <= value <= _MAX_TIME:
        return None
    return int(value)


@dataclass
class SdJwtVerifier:
    """Verifies SD-JWT VC presentations; leave ``status_fetcher`` or ``trust`` out to skip those."""

    resolver: DidDocumentResolver
    status_fetcher: StatusTokenFetcher | None = None
    trust: TrustRegistry | None = None
    clock_skew: timedelta = timedelta(minutes=5)
    max_kb_age: timedelta = timedelta(minutes=5)
    now: Callable[[], datetime] = utc_now

    async def verify(
        self,
        presentation: Any,
        *,
        nonce: str | None,
        audience: str | None,
        require_key_binding: bool = True,
    ) -> SdJwtVerificationResult:
        """Verify a presentation. With ``require_key_binding`` it must end in a key-binding JWT.
        A KB-JWT is always checked (holder key, ``sd_hash``); its ``nonce`` when ``nonce`` is
        given (and then its ``iat`` must be within ``max_kb_age``), its ``aud`` when ``audience``
        is given. Share links and pasted text have no nonce: their binding is not fresh."""
        checks: list[Check] = []
        try:
            parsed = parse_sd_jwt(presentation)
        except (SdJwtError, TypeError) as exc:
            checks.append(Check("format", Outcome.FAILED, f"This is not a well-formed SD-JWT: {exc}"))
            return SdJwtVerificationResult(checks)
        fmt = self._check_format(parsed)
        checks.append(fmt)
        result = SdJwtVerificationResult(checks, issuer=parsed.payload.get("iss"), vct=parsed.payload.get("vct"))
        if fmt.outcome is Outcome.FAILED:
            return result
        result.issuer = issuer_did(str(parsed.payload["iss"]))
        proof = await self._check_signature(parsed)
        checks.append(proof)
        if proof.outcome is not Outcome.PASSED:
            if proof.outcome is Outcome.FAILED:  # the rows stay, saying why they were not checked
                if self.trust is not None:
                    checks.append(not_checked_after_seal("issuer"))
                if self.status_fetcher is not None:
                    checks.append(not_checked_after_seal("status"))
            return result
        disclosure_check = self._check_disclosures(parsed, result)
        checks.append(disclosure_check)
        checks.append(self._check_key_binding(parsed, nonce, audience, require_key_binding))
        if self.trust is not None:
            checks.append(self._check_issuer(parsed))
        if self.status_fetcher is not None:
            checks.append(await self._check_status(parsed))
        checks.append(self._check_validity(parsed))
        return result

    # -- individual checks -------------------------------------------------------------
    def _check_format(self, parsed: ParsedSdJwt) -> Check:
        problems = []
        if parsed.header.get("typ") != SD_JWT_VC_TYP:
            problems.append(f'the JWS header typ must be "{SD_JWT_VC_TYP}", not {parsed.header.get("typ")!r}')
        if parsed.header.get("alg") in (None, "none") or str(parsed.header.get("alg")).startswith("HS"):
            problems.append("the JWS must use an asymmetric signature algorithm")
        payload = parsed.payload
        if not isinstance(payload.get("iss"), str) or not _issuer_id_ok(payload["iss"]):
            problems.append("iss must be the issuer's DID or its https URL")
        if not isinstance(payload.get("vct"), str) or not payload["vct"]:
            problems.append("vct (the credential type) is missing")
        if payload.get("_sd_alg", "sha-256") != "sha-256":
            problems.append(f"unsupported digest algorithm {payload.get('_sd_alg')!r}")
        cnf = payload.get("cnf")
        if cnf is not None and not (isinstance(cnf, Mapping) and isinstance(cnf.get("jwk"), Mapping)):
            problems.append("cnf must hold the holder's public key as jwk")
        for name in ("iat", "nbf", "exp"):
            if name in payload and _as_int(payload[name]) is None:
                problems.append(f"{name} must be a number (seconds since 1970)")
        if problems:
            return Check(
                "format",
                Outcome.FAILED,
                "This is not a well-formed SD-JWT VC: " + "; ".join(problems),
                {"problems": problems},
            )
        details = {"format": SD_JWT_VC_TYP, "vct": payload["vct"]}
        if is_micro_credential_vct(payload["vct"]):
            return Check(
                "format", Outcome.PASSED, "A well-formed SD-JWT VC: an EU micro-credential.", details
            )
        return Check("format", Outcome.PASSED, f"A well-formed SD-JWT VC of type {payload['vct']}.", details)

    async def _check_signature(self, parsed: ParsedSdJwt) -> Check:
        issuer = issuer_did(str(parsed.payload["iss"]))
        kid = parsed.header.get("kid")
        details: dict[str, Any] = {"alg": parsed.header.get("alg"), "kid": kid}
        if parsed.header.get("alg") != ISSUER_ALG:
            return Check("proof", Outcome.FAILED, f"The signature algorithm must be {ISSUER_ALG}.", details)
        if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
            return Check(
                "proof",
                Outcome.FAILED,
                "The JWS header's kid must be a DID URL of the issuer's key.",
                details,
            )
        if kid.split("#", 1)[0] != issuer:
            return Check(
                "proof",
                Outcome.FAILED,
                f"The signature key {kid} does not belong to the issuer {issuer}.",
                details,
            )
        try:
            doc = await self.resolver.resolve(issuer)
            method = find_verification_method(doc, kid, "assertionMethod")
            key = _p256_key_of_method(method)
        except (VCError, ValueError) as exc:
            return Check("proof", Outcome.FAILED, f"The issuer's key could not be found: {exc}", details)
        except Exception as exc:  # resolver network errors
            return Check("proof", Outcome.UNKNOWN, f"The issuer's DID could not be resolved: {exc}", details)
        try:
            jwt.api_jws.PyJWS().decode_complete(parsed.issuer_jwt, key=key, algorithms=[ISSUER_ALG])
        except jwt.PyJWTError:
            return Check(
                "proof",
                Outcome.FAILED,
                "The issuer's signature is not valid: the credential was changed or not signed by "
                "this issuer.",
                details,
            )
        return Check(
            "proof",
            Outcome.PASSED,
            "The signature is valid and was made by the issuer: the content has not been changed.",
            details,
        )

    def _check_disclosures(self, parsed: ParsedSdJwt, result: SdJwtVerificationResult) -> Check:
        payload = parsed.payload
        by_digest = {d.digest: d for d in parsed.disclosures}
        used: set[str] = set()
        problems: list[str] = []

        def unpack(value: Any, depth: int) -> Any:
            if depth > 16:
                problems.append("the claims are nested too deeply")
                return None
            if isinstance(value, list):
                out = []
                for item in value:
                    if isinstance(item, dict) and set(item) == {"..."}:
                        found = by_digest.get(str(item["..."]))
                        if found is not None:
                            if found.name is not None:
                                problems.append("an array disclosure has a claim name")
                            used.add(found.digest)
                            out.append(unpack(found.value, depth + 1))
                    else:
                        out.append(unpack(item, depth + 1))
                return out
            if isinstance(value, dict):
                out_obj = {k: unpack(v, depth + 1) for k, v in value.items() if k not in ("_sd", "_sd_alg")}
                for digest in value.get("_sd") or []:
                    found = by_digest.get(str(digest))
                    if found is None:
                        continue
                    if found.name is None:
                        problems.append("an object disclosure has no claim name")
                        continue
                    if found.name in out_obj:
                        problems.append(f"the disclosed claim {found.name} is also in the clear")
                        continue
                    used.add(found.digest)
                    out_obj[found.name] = unpack(found.value, depth + 1)
                return out_obj
            return value

        if not isinstance(payload.get("_sd", []), list):
            problems.append("_sd is not an array")
        claims = unpack(payload, 0)
        stray = [d for d in parsed.disclosures if d.digest not in used]
        if stray:
            problems.append(
                f"{len(stray)} disclosure(s) match no digest the issuer signed "
                f"({', '.join(str(d.name) for d in stray)}): they were changed or added"
            )
        if problems:
            return Check(
                "disclosures",
                Outcome.FAILED,
                "The shared fields do not match what the issuer signed: " + "; ".join(problems),
                {"problems": problems},
            )
        result.disclosed = {k: v for k, v in claims.items() if k not in _TECHNICAL}
        digests = payload.get("_sd") or []
        result.hidden_count = max(0, len(digests) - sum(1 for d in parsed.disclosures if d.digest in digests))
        if result.hidden_count and is_micro_credential_vct(payload.get("vct")):
            result.undisclosed = [n for n in SELECTIVELY_DISCLOSABLE if n not in result.disclosed]
        shared = sorted(set(result.disclosed) & set(SELECTIVELY_DISCLOSABLE))
        message = (
            f"Every shared field matches what the issuer signed ({len(parsed.disclosures)} selectively "
            f"disclosed; {result.hidden_count} not shared by the holder)."
        )
        return Check(
            "disclosures",
            Outcome.PASSED,
            message,
            {"shared": shared, "notShared": result.undisclosed, "hiddenCount": result.hidden_count},
        )

    def _check_key_binding(
        self, parsed: ParsedSdJwt, nonce: str | None, audience: str | None, required: bool
    ) -> Check:
        cnf = parsed.payload.get("cnf")
        if parsed.key_binding_jwt is None:
            if required:
                return Check(
                    "key_binding",
                    Outcome.FAILED,
                    "The presentation has no key-binding JWT, so nothing shows that the holder sent it.",
                )
            return Check("key_binding", Outcome.WARNING, "No key binding was asked for or given.")
        if not isinstance(cnf, Mapping):
            return Check(
                "key_binding", Outcome.FAILED, "The credential names no holder key (cnf) to check binding."
            )
        try:
            key = public_key_from_jwk(cnf.get("jwk"))
            header = jwt.get_unverified_header(parsed.key_binding_jwt)
        except (SdJwtError, jwt.PyJWTError) as exc:
            return Check("key_binding", Outcome.FAILED, f"The key binding cannot be checked: {exc}")
        alg = "EdDSA" if isinstance(key, Ed25519PublicKey) else "ES256"
        if header.get("typ") != KB_JWT_TYP or header.get("alg") != alg or alg not in _HOLDER_ALGS:
            return Check(
                "key_binding",
                Outcome.FAILED,
                f'The key-binding JWT must have typ "{KB_JWT_TYP}" and alg {alg} (the holder key\'s).',
            )
        try:
            claims = jwt.decode(
                parsed.key_binding_jwt,
                key=key,
                algorithms=[alg],
                options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            return Check(
                "key_binding",
                Outcome.FAILED,
                "The key-binding signature is not valid: this was not sent by the holder of the credential.",
            )
        if claims.get("sd_hash") != _digest(parsed.presented_part):
            return Check(
                "key_binding",
                Outcome.FAILED,
                "The key-binding JWT does not cover these disclosures (sd_hash differs): fields were "
                "added or removed after the holder signed.",
            )
        if nonce is not None and claims.get("nonce") != nonce:
            return Check(
                "key_binding",
                Outcome.FAILED,
                "The key-binding JWT was made for another request (wrong nonce): it may be a replay.",
            )
        if audience is not None and claims.get("aud") != audience:
            return Check(
                "key_binding",
                Outcome.FAILED,
                f"The key-binding JWT was made for another verifier ({claims.get('aud')!r}).",
            )
        iat = _as_int(claims.get("iat"))
        now = self.now()
        if iat is None:
            return Check("key_binding", Outcome.FAILED, "The key-binding JWT has no iat.")
        made = datetime.fromtimestamp(iat, UTC)
        if made > now + self.clock_skew:
            return Check("key_binding", Outcome.FAILED, "The key-binding JWT was made in the future.")
        if nonce is not None and made < now - self.max_kb_age - self.clock_skew:
            return Check(
                "key_binding",
                Outcome.FAILED,
                f"The key-binding JWT is stale (made {made:%Y-%m-%d %H:%M} UTC): "
                "ask for a fresh presentation.",
            )
        if nonce is None:
            return Check(
                "key_binding",
                Outcome.PASSED,
                f"The holder of the credential signed this presentation (on {made:%Y-%m-%d %H:%M} UTC) for "
                f"{claims.get('aud')!r}; it does not answer a request of yours, so it may have been shown "
                "before.",
                {"aud": claims.get("aud"), "iat": iat, "fresh": False},
            )
        return Check(
            "key_binding",
            Outcome.PASSED,
            "The holder of the credential made this presentation for you, just now.",
            {"aud": claims.get("aud"), "iat": iat, "fresh": True},
        )

    def _check_issuer(self, parsed: ParsedSdJwt) -> Check:
        issuer = issuer_did(str(parsed.payload["iss"]))
        assert self.trust is not None
        return trust_check(self.trust, issuer)

    async def _check_status(self, parsed: ParsedSdJwt) -> Check:
        status = parsed.payload.get("status")
        if status is None:
            return Check(
                "status",
                Outcome.PASSED,
                "The issuer publishes no revocation status for this credential.",
                {"status": "none"},
            )
        ref = status.get("status_list") if isinstance(status, Mapping) else None
        idx = _as_int(ref.get("idx")) if isinstance(ref, Mapping) else None
        uri = ref.get("uri") if isinstance(ref, Mapping) else None
        if idx is None or idx < 0 or not isinstance(uri, str):
            return Check(
                "status",
                Outcome.UNKNOWN,
                "The status could not be checked: the credential's status reference is malformed.",
            )
        assert self.status_fetcher is not None
        try:
            token = await self.status_fetcher(uri)
            header = jwt.get_unverified_header(token)
            kid = header.get("kid")
            issuer = issuer_did(str(parsed.payload["iss"]))
            if not isinstance(kid, str) or kid.split("#", 1)[0] != issuer:
                raise SdJwtError("the status list was not signed by the credential's issuer")
            doc = await self.resolver.resolve(issuer)
            key = _p256_key_of_method(find_verification_method(doc, kid, "assertionMethod"))
            value = read_status_list_token(token, key=key, uri=uri, index=idx, now=self.now())
        except Exception as exc:  # network errors, bad lists: the status is unknown, never "ok"
            return Check(
                "status",
                Outcome.UNKNOWN,
                "The status could not be checked, so it is unknown whether the credential was revoked: "
                f"{exc}",
            )
        if value == TokenStatus.INVALID:
            return Check(
                "status", Outcome.FAILED, "The issuer has revoked this credential.", {"status": "revoked"}
            )
        if value == TokenStatus.SUSPENDED:
            return Check(
                "status", Outcome.FAILED, "The issuer has suspended this credential.", {"status": "suspended"}
            )
        if value != TokenStatus.VALID:
            return Check(
                "status",
                Outcome.UNKNOWN,
                f"The issuer reports a status this verifier does not know ({value}).",
                {"status": "unknown"},
            )
        return Check(
            "status",
            Outcome.PASSED,
            "The issuer has not revoked or suspended this credential.",
            {"status": "ok"},
        )

    def _check_validity(self, parsed: ParsedSdJwt) -> Check:
        now = self.now()
        payload = parsed.payload
        nbf = _as_int(payload.get("nbf"))
        exp = _as_int(payload.get("exp"))
        iat = _as_int(payload.get("iat"))
        start = nbf if nbf is not None else iat
        if start is not None and datetime.fromtimestamp(start, UTC) - self.clock_skew > now:
            return Check(
                "validity",
                Outcome.FAILED,
                f"The credential is not valid yet (from {datetime.fromtimestamp(start, UTC):%Y-%m-%d %H:%M}"
                " UTC).",
            )
        if exp is not None:
            end = datetime.fromtimestamp(exp, UTC)
            if end + self.clock_skew < now:
                return Check(
                    "validity", Outcome.FAILED, f"The credential expired on {end:%Y-%m-%d %H:%M} UTC."
                )
            return Check(
                "validity", Outcome.PASSED, f"The credential is in date (valid until {end:%Y-%m-%d})."
            )
        return Check("validity", Outcome.PASSED, "The credential is in date (it does not expire).")


HOLDER_ALGS: tuple[str, ...] = _HOLDER_ALGS
"""The key-binding JWT algorithms a holder may use (what a verifier advertises as ``kb-jwt_alg_values``)."""
