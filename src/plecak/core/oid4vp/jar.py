"""Signed OpenID4VP Request Objects (JAR, RFC 9101) and encrypted responses (``direct_post.jwt``).

Both sides of OpenID4VP 1.0 use this module:

* a verifier signs its Authorization Request as a JWT (``typ: oauth-authz-req+jwt``, ES256) with
  either an X.509 certificate chain in ``x5c`` (client identifier prefix ``x509_san_dns``) or a
  ``kid`` naming a verification method of its DID (prefix ``decentralized_identifier``);
* a wallet checks that signature against the client identifier prefix before it shows anything
  (:func:`verify_request_object`), and encrypts its answer to the verifier's ephemeral key when the
  request asks for ``direct_post.jwt`` (:func:`encrypt_response`, ECDH-ES).

``alg: none`` is never produced, and never accepted for a signed prefix. Built on ``jwcrypto``
(JWS, JWE) and ``cryptography`` (X.509).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import ipaddress
import itertools
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwcrypto import jwe, jwk, jws
from jwcrypto.common import JWException

from plecak.core.crypto.keys import EcdsaKeyPair
from plecak.core.did import find_verification_method
from plecak.core.errors import DIDError, VCError
from plecak.core.integrity.proofs import public_key_of_method

__all__ = [
    "JAR_MEDIA_TYPE",
    "JAR_TYP",
    "RESPONSE_ENC_VALUES",
    "JarError",
    "VerifiedRequest",
    "decrypt_response",
    "encrypt_response",
    "ephemeral_encryption_key",
    "self_signed_certificate",
    "sign_request_object",
    "verify_request_object",
]

JAR_TYP = "oauth-authz-req+jwt"
JAR_MEDIA_TYPE = "application/oauth-authz-req+jwt"
SIGNED_PREFIXES = ("x509_san_dns", "x509_hash", "decentralized_identifier")
RESPONSE_ENC_VALUES = ("A128GCM", "A256GCM")
"""Content encryption for ``direct_post.jwt`` answers (HAIP: A128GCM and A256GCM)."""
MAX_CHAIN = 5


class JarError(ValueError):
    """A Request Object or an encrypted response that must not be used; the message says why."""


def _b64url_json(part: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, TypeError):
        raise JarError("the request object is not a JWT") from None


def _jwk_of(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> jwk.JWK:
    return jwk.JWK.from_pyca(key)


# -- the verifier's side ---------------------------------------------------------------------
def sign_request_object(
    claims: Mapping[str, Any],
    key: ec.EllipticCurvePrivateKey,
    *,
    x5c: Sequence[x509.Certificate] = (),
    kid: str | None = None,
) -> str:
    """``claims`` as a compact JWS: ES256, ``typ: oauth-authz-req+jwt``, ``x5c`` or ``kid``."""
    if not isinstance(key.curve, ec.SECP256R1):
        raise JarError("a request object is signed with a P-256 key (ES256)")
    header: dict[str, Any] = {"alg": "ES256", "typ": JAR_TYP}
    if x5c:
        header["x5c"] = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in x5c]
    if kid:
        header["kid"] = kid
    token = jws.JWS(json.dumps(dict(claims), separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    token.add_signature(_jwk_of(key), protected=json.dumps(header))
    return str(token.serialize(compact=True))


def self_signed_certificate(
    key: ec.EllipticCurvePrivateKey, dns_name: str, *, name: str, now: datetime.datetime, days: int = 825
) -> x509.Certificate:
    """A self-signed verifier certificate whose SAN names ``dns_name`` (for development)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name[:64] or dns_name)])
    san: list[x509.GeneralName] = [x509.DNSName(dns_name)]
    with contextlib.suppress(ValueError):
        san = [x509.IPAddress(ipaddress.ip_address(dns_name))]
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def ephemeral_encryption_key() -> tuple[dict[str, Any], dict[str, Any]]:
    """A fresh P-256 key for one ``direct_post.jwt`` request: (public JWK for ``client_metadata.jwks``,
    private JWK kept with the request)."""
    key = jwk.JWK.generate(kty="EC", crv="P-256")
    kid = key.thumbprint()
    public = {**json.loads(key.export_public()), "kid": kid, "use": "enc", "alg": "ECDH-ES"}
    private = {**json.loads(key.export_private()), "kid": kid}
    return public, private


def decrypt_response(token: str, private_jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The Authorization Response parameters inside a ``direct_post.jwt`` JWE."""
    if not isinstance(token, str) or token.count(".") != 4:
        raise JarError("the response is not a compact JWE")
    header = _b64url_json(token.split(".", 1)[0])
    if not isinstance(header, dict) or header.get("alg") != "ECDH-ES":
        raise JarError("the response must be encrypted with ECDH-ES")
    if header.get("enc") not in RESPONSE_ENC_VALUES:
        raise JarError(f"the response must use one of {', '.join(RESPONSE_ENC_VALUES)}")
    if header.get("kid") not in (None, private_jwk.get("kid")):
        raise JarError("the response is encrypted to another key")
    try:
        message = jwe.JWE()
        message.deserialize(token, key=jwk.JWK(**dict(private_jwk)))
        payload = json.loads(message.payload)
    except (JWException, ValueError, TypeError) as exc:
        raise JarError(f"the response cannot be decrypted: {exc}") from None
    if not isinstance(payload, dict):
        raise JarError("the decrypted response is not a JSON object")
    return payload


# -- the wallet's side -----------------------------------------------------------------------
@dataclass(frozen=True)
class VerifiedRequest:
    claims: dict[str, Any]
    prefix: str
    """``x509_san_dns``, ``x509_hash``, ``decentralized_identifier`` or ``redirect_uri`` (unsigned)."""
    identifier: str
    """The client identifier without its prefix (a DNS name, a DID, a URL)."""
    name: str
    """Who signed, as the wallet shows it: the certificate's subject or organisation, or the DID."""
    trusted: bool | None
    """For certificates: the chain ends at a configured trust anchor (``False``: not verified, e.g.
    self-signed in development); ``None`` for the other prefixes."""


def split_client_id(client_id: Any) -> tuple[str, str]:
    """``x509_san_dns:verifier.example`` → (``x509_san_dns``, ``verifier.example``)."""
    if not isinstance(client_id, str) or ":" not in client_id:
        raise JarError("client_id must carry a client identifier prefix (such as x509_san_dns:)")
    prefix, _, identifier = client_id.partition(":")
    if not identifier:
        raise JarError("client_id has no identifier after its prefix")
    return prefix, identifier


def _certificates(header: Mapping[str, Any]) -> list[x509.Certificate]:
    chain = header.get("x5c")
    if not isinstance(chain, list) or not chain or len(chain) > MAX_CHAIN:
        raise JarError("a request signed with a certificate must carry its certificate chain in x5c")
    certs = []
    for item in chain:
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode(item, validate=True)))
        except (ValueError, TypeError):
            raise JarError("x5c holds something that is not a certificate") from None
    return certs


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _chain_trusted(
    certs: Sequence[x509.Certificate], anchors: Sequence[x509.Certificate], now: datetime.datetime
) -> bool:
    for cert in certs:
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise JarError(f"the verifier's certificate {cert.subject.rfc4514_string()} is not valid now")
    for lower, upper in itertools.pairwise(certs):
        if not _signed_by(lower, upper):
            raise JarError("the certificates in x5c do not form a chain")
    if not anchors:
        return False
    # every certificate that signs another must be a CA: else the holder of any leaf certificate
    # from a trusted CA could issue itself one for somebody else's name
    if not all(_is_ca(c) for c in certs[1:]):
        return False
    anchor_der = {a.public_bytes(serialization.Encoding.DER) for a in anchors}
    last = certs[-1]
    if last.public_bytes(serialization.Encoding.DER) in anchor_der:
        return len(certs) == 1 or _is_ca(last)
    return any(_signed_by(last, a) for a in anchors)


def _is_ca(cert: x509.Certificate) -> bool:
    """A certificate authority: basic constraints ``ca`` (and, when key usage is given, keyCertSign)."""
    try:
        if not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return bool(cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign)
    except x509.ExtensionNotFound:
        return True


def _certificate_name(cert: x509.Certificate) -> str:
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = cert.subject.get_attributes_for_oid(oid)
        if values:
            return str(values[0].value)
    return cert.subject.rfc4514_string()


def _check_signature(token: str, key: jwk.JWK) -> None:
    try:
        check = jws.JWS()
        check.deserialize(token)
        check.verify(key, alg="ES256")
    except (JWException, ValueError, TypeError):
        raise JarError("the request object's signature does not match the verifier's key") from None


def _response_host(claims: Mapping[str, Any]) -> str:
    uri = claims.get("response_uri") or claims.get("redirect_uri")
    return (urlsplit(uri).hostname or "") if isinstance(uri, str) else ""


def _check_san_dns(leaf: x509.Certificate, identifier: str, claims: Mapping[str, Any]) -> None:
    """``x509_san_dns``: a SAN dNSName of the leaf is the client identifier, and the answer goes there."""
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = names.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        dns_names = []
    if identifier not in dns_names:
        raise JarError(
            f"the verifier's certificate is for {', '.join(dns_names) or 'no DNS name'}, not for {identifier}"
        )
    if _response_host(claims) != identifier:
        raise JarError(f"the answer would go to {_response_host(claims) or 'nowhere'}, not to {identifier}")


# long: one check per signed-request rule, in the order of the client identifier prefixes
async def verify_request_object(
    token: str,
    *,
    resolve_did: Callable[[str], Awaitable[Mapping[str, Any]]],
    trust_anchors: Sequence[x509.Certificate] = (),
    now: datetime.datetime,
) -> VerifiedRequest:
    """Check a signed Request Object against its client identifier prefix; the verified claims.

    ``x509_san_dns``: the leaf certificate in ``x5c`` signed it, a SAN dNSName of the leaf is the
    client identifier, and the response goes to that host; the chain is *trusted* only if it ends
    at one of ``trust_anchors``. ``x509_hash``: the client identifier is the base64url SHA-256 of the
    leaf certificate (DER), which signed it. ``decentralized_identifier``: ``kid`` is a verification method of
    the client identifier's DID (``resolve_did``) authorised for ``authentication`` or
    ``assertionMethod``.
    """
    if not isinstance(token, str) or token.count(".") != 2:
        raise JarError("the request object is not a compact JWT")
    header = _b64url_json(token.split(".", 1)[0])
    claims = _b64url_json(token.split(".")[1])
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JarError("the request object is not a JWT")
    prefix, identifier = split_client_id(claims.get("client_id"))
    if header.get("alg") in (None, "none"):
        if prefix != "redirect_uri":
            raise JarError(f"an unsigned request cannot use the client identifier prefix {prefix}")
        return VerifiedRequest(claims, prefix, identifier, urlsplit(identifier).netloc, None)
    if prefix not in SIGNED_PREFIXES:
        raise JarError(f"the client identifier prefix {prefix} is not supported for signed requests")
    if header.get("alg") != "ES256":
        raise JarError(f"the request object must be signed with ES256, not {header.get('alg')}")
    if header.get("typ") != JAR_TYP:
        raise JarError(f'the request object must have typ "{JAR_TYP}"')
    if prefix in ("x509_san_dns", "x509_hash"):
        certs = _certificates(header)
        leaf = certs[0]
        if prefix == "x509_san_dns":
            _check_san_dns(leaf, identifier, claims)
        else:
            digest = hashes.Hash(hashes.SHA256())
            digest.update(leaf.public_bytes(serialization.Encoding.DER))
            if base64.urlsafe_b64encode(digest.finalize()).rstrip(b"=").decode("ascii") != identifier:
                raise JarError("the client identifier is not the hash of the verifier's certificate (x509_hash)")
        public = leaf.public_key()
        if not isinstance(public, ec.EllipticCurvePublicKey):
            raise JarError("the verifier's certificate does not hold a P-256 key")
        _check_signature(token, _jwk_of(public))
        trusted = _chain_trusted(certs, trust_anchors, now)
        return VerifiedRequest(claims, prefix, identifier, _certificate_name(leaf), trusted)
    # decentralized_identifier
    kid = header.get("kid")
    if not isinstance(kid, str) or kid.split("#", 1)[0] != identifier or not identifier.startswith("did:"):
        raise JarError("the request object's kid must be a key of the client identifier's DID")
    try:
        document = await resolve_did(identifier)
    except Exception as exc:  # a DID we cannot resolve is a request we cannot check
        raise JarError(f"the verifier's DID cannot be resolved: {exc}") from None
    method = _authorised_method(document, kid)
    try:
        pair = public_key_of_method(method)
    except VCError as exc:
        raise JarError(f"the verifier's DID key cannot be read: {exc}") from None
    if not isinstance(pair, EcdsaKeyPair) or pair.key_type != "P-256":
        raise JarError("the verifier's DID key is not a P-256 key (ES256)")
    _check_signature(token, _jwk_of(pair.public_key))
    return VerifiedRequest(claims, prefix, identifier, identifier, None)


def _authorised_method(document: Mapping[str, Any], kid: str) -> Mapping[str, Any]:
    for relationship in ("authentication", "assertionMethod"):
        try:
            return find_verification_method(document, kid, relationship)
        except DIDError:
            continue
    raise JarError(f"{kid} is not a key the verifier's DID document authorises")


def encrypt_response(params: Mapping[str, Any], client_metadata: Mapping[str, Any], *, apv: str | None = None) -> str:
    """``params`` as a JWE for the verifier's encryption key in ``client_metadata.jwks`` (ECDH-ES)."""
    keys = (client_metadata.get("jwks") or {}).get("keys") if isinstance(client_metadata, Mapping) else None
    if not isinstance(keys, list):
        raise JarError("the request asks for an encrypted answer but gives no encryption key (jwks)")
    candidates = [
        k
        for k in keys
        if isinstance(k, Mapping)
        and k.get("kty") == "EC"
        and k.get("crv") == "P-256"
        and k.get("use") != "sig"
        and k.get("alg", "ECDH-ES") == "ECDH-ES"
    ]
    if not candidates:
        raise JarError("the request gives no P-256 ECDH-ES encryption key")
    chosen = dict(candidates[0])
    wanted = client_metadata.get("encrypted_response_enc_values_supported") or ["A128GCM"]
    enc = next((e for e in wanted if e in RESPONSE_ENC_VALUES), None) if isinstance(wanted, list) else None
    if enc is None:
        raise JarError(
            f"the verifier accepts none of the encryptions this wallet makes ({', '.join(RESPONSE_ENC_VALUES)})"
        )
    try:
        key = jwk.JWK(**{k: v for k, v in chosen.items() if k in ("kty", "crv", "x", "y", "kid")})
    except (JWException, ValueError, TypeError):
        raise JarError("the verifier's encryption key is not a valid JWK") from None
    header: dict[str, Any] = {"alg": "ECDH-ES", "enc": enc}
    if chosen.get("kid"):
        header["kid"] = chosen["kid"]
    if apv:
        header["apv"] = base64.urlsafe_b64encode(apv.encode()).rstrip(b"=").decode("ascii")
    message = jwe.JWE(json.dumps(dict(params), separators=(",", ":")).encode("utf-8"), protected=json.dumps(header))
    message.add_recipient(key)
    return str(message.serialize(compact=True))
