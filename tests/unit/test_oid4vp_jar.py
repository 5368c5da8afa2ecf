"""Signed OpenID4VP Request Objects and encrypted answers (``plecak.core.oid4vp.jar``): what a wallet accepts
and refuses, checked with real keys and certificates (no network: did:key resolves locally)."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from plecak.core.crypto.keys import EcdsaKeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.oid4vp.jar import (
    JarError,
    decrypt_response,
    encrypt_response,
    ephemeral_encryption_key,
    self_signed_certificate,
    sign_request_object,
    verify_request_object,
)

NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)


def claims(client_id: str, response_uri: str = "https://verifier.example/openid4vp/response/1") -> dict[str, Any]:
    return {
        "client_id": client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri,
        "nonce": "n-0S6_WzA2Mj",
        "dcql_query": {"credentials": [{"id": "q", "format": "ldp_vc"}]},
    }


async def verify(token: str, **kw: Any) -> Any:
    return await verify_request_object(token, resolve_did=DidResolver().resolve, now=NOW, **kw)


def b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def ca_and_leaf(host: str) -> tuple[x509.Certificate, x509.Certificate, ec.EllipticCurvePrivateKey]:
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Employer Sp. z o.o.")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(2)
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return ca, leaf, leaf_key


async def test_x509_san_dns_request_verifies_and_a_self_signed_certificate_is_unverified() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "verifier.example", name="Plecak verifier", now=NOW)
    token = sign_request_object(claims("x509_san_dns:verifier.example"), key, x5c=[cert])
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ES256"
    assert header["typ"] == "oauth-authz-req+jwt"
    assert len(header["x5c"]) == 1
    verified = await verify(token)
    assert verified.prefix == "x509_san_dns"
    assert verified.identifier == "verifier.example"
    assert verified.name == "Plecak verifier"
    assert verified.trusted is False
    assert verified.claims["nonce"] == "n-0S6_WzA2Mj"


async def test_x509_chain_to_a_configured_anchor_is_trusted() -> None:
    ca, leaf, leaf_key = ca_and_leaf("verifier.example")
    token = sign_request_object(claims("x509_san_dns:verifier.example"), leaf_key, x5c=[leaf, ca])
    assert (await verify(token, trust_anchors=[ca])).trusted is True
    assert (await verify(token)).trusted is False
    other_ca, _, _ = ca_and_leaf("x.example")
    assert (await verify(token, trust_anchors=[other_ca])).trusted is False
    assert (await verify(token, trust_anchors=[ca])).name == "Employer Sp. z o.o."


async def test_a_leaf_certificate_cannot_vouch_for_another_name() -> None:
    """The holder of a leaf certificate from a trusted CA signs itself a certificate for somebody
    else's host: the chain links up, but a leaf is no CA, so the request is not shown as verified."""
    ca, attacker_leaf, attacker_key = ca_and_leaf("attacker.example")
    victim_key = ec.generate_private_key(ec.SECP256R1())
    forged = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Victim Bank")]))
        .issuer_name(attacker_leaf.subject)
        .public_key(victim_key.public_key())
        .serial_number(3)
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("verifier.example")]), critical=False)
        .sign(attacker_key, hashes.SHA256())
    )
    token = sign_request_object(claims("x509_san_dns:verifier.example"), victim_key, x5c=[forged, attacker_leaf, ca])
    assert (await verify(token, trust_anchors=[ca])).trusted is False


async def test_certificate_for_another_host_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "elsewhere.example", name="x", now=NOW)
    token = sign_request_object(claims("x509_san_dns:verifier.example"), key, x5c=[cert])
    with pytest.raises(JarError, match=r"elsewhere\.example, not for verifier\.example"):
        await verify(token)


async def test_answer_to_another_host_than_the_certificate_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "verifier.example", name="x", now=NOW)
    token = sign_request_object(claims("x509_san_dns:verifier.example", "https://attacker.example/cb"), key, x5c=[cert])
    with pytest.raises(JarError, match=r"attacker\.example"):
        await verify(token)


async def test_signature_by_another_key_than_the_certificate_is_refused() -> None:
    key, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "verifier.example", name="x", now=NOW)
    token = sign_request_object(claims("x509_san_dns:verifier.example"), other, x5c=[cert])
    with pytest.raises(JarError, match="signature"):
        await verify(token)


async def test_expired_certificate_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "verifier.example", name="x", now=NOW - datetime.timedelta(days=900))
    token = sign_request_object(claims("x509_san_dns:verifier.example"), key, x5c=[cert])
    with pytest.raises(JarError, match="not valid now"):
        await verify(token)


async def test_alg_none_is_refused_for_signed_prefixes_and_allowed_only_for_redirect_uri() -> None:
    unsigned = (
        b64({"alg": "none", "typ": "oauth-authz-req+jwt"}) + "." + b64(claims("x509_san_dns:verifier.example")) + "."
    )
    with pytest.raises(JarError, match="unsigned request cannot use the client identifier prefix x509_san_dns"):
        await verify(unsigned)
    uri = "https://verifier.example/openid4vp/response/1"
    plain = b64({"alg": "none"}) + "." + b64(claims("redirect_uri:" + uri, uri)) + "."
    assert (await verify(plain)).prefix == "redirect_uri"


async def test_decentralized_identifier_request_verifies_against_the_did_key() -> None:
    pair = EcdsaKeyPair.generate("P-256")
    assert pair.private_key is not None
    did = did_key(pair)
    kid = f"{did}#{pair.public_multibase}"
    token = sign_request_object(claims(f"decentralized_identifier:{did}"), pair.private_key, kid=kid)
    verified = await verify(token)
    assert verified.prefix == "decentralized_identifier"
    assert verified.identifier == did
    assert verified.trusted is None
    # a kid of another DID than the client identifier
    other = EcdsaKeyPair.generate("P-256")
    assert other.private_key is not None
    forged = sign_request_object(
        claims(f"decentralized_identifier:{did}"), other.private_key, kid=f"{did_key(other)}#{other.public_multibase}"
    )
    with pytest.raises(JarError, match="kid must be a key of the client identifier's DID"):
        await verify(forged)
    # the right kid, signed by another key
    stolen = sign_request_object(claims(f"decentralized_identifier:{did}"), other.private_key, kid=kid)
    with pytest.raises(JarError, match="signature"):
        await verify(stolen)


async def test_x509_hash_request_names_the_certificate_by_its_hash() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, "anything.example", name="Hashed", now=NOW)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(cert.public_bytes(serialization.Encoding.DER))
    thumb = base64.urlsafe_b64encode(digest.finalize()).rstrip(b"=").decode()
    token = sign_request_object(claims(f"x509_hash:{thumb}"), key, x5c=[cert])
    verified = await verify(token)
    assert verified.prefix == "x509_hash"
    assert verified.name == "Hashed"
    assert verified.trusted is False
    other = self_signed_certificate(key, "anything.example", name="Hashed", now=NOW - datetime.timedelta(hours=1))
    with pytest.raises(JarError, match="hash"):
        await verify(sign_request_object(claims(f"x509_hash:{thumb}"), key, x5c=[other]))


async def test_unknown_prefix_is_refused_for_signed_requests() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    token = sign_request_object(claims("pre-registered:abc"), key, kid="k1")
    with pytest.raises(JarError, match="not supported"):
        await verify(token)


def test_encrypted_response_round_trip_and_wrong_key() -> None:
    public, private = ephemeral_encryption_key()
    assert public["alg"] == "ECDH-ES"
    assert public["use"] == "enc"
    assert "d" not in public
    metadata = {"jwks": {"keys": [public]}, "encrypted_response_enc_values_supported": ["A256GCM"]}
    token = encrypt_response({"vp_token": {"q": ["x"]}, "state": "s"}, metadata, apv="nonce")
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ECDH-ES"
    assert header["enc"] == "A256GCM"
    assert header["kid"] == public["kid"]
    assert decrypt_response(token, private) == {"vp_token": {"q": ["x"]}, "state": "s"}
    _, other = ephemeral_encryption_key()
    with pytest.raises(JarError):
        decrypt_response(token, other)
    with pytest.raises(JarError, match="no encryption key"):
        encrypt_response({"state": "s"}, {})
    with pytest.raises(JarError, match="accepts none of the encryptions"):
        encrypt_response({"state": "s"}, {**metadata, "encrypted_response_enc_values_supported": ["A128CBC-HS256"]})
