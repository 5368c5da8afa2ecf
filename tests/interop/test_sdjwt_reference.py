"""Interop with the OpenWallet Foundation reference implementation (PyPI ``sd-jwt``), both ways.

The reference ``SDJWTVerifier`` (0.10.4) verifies key-binding JWTs only with ES256 (the
algorithm is fixed in its constructor), so the case it checks with key binding uses a P-256
holder key; for our wallet's Ed25519 holder keys it checks the issuer signature and disclosures.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.sdjwt import SdJwtVerifier, holder_jwk, present
from plecak.core.verify.credential import Outcome
from support.sdjwt import ISSUER_DID, KID, VERIFIER, Issuer

NONCE = "reference-nonce-1"


def _issuer_key(issuer: Issuer) -> Any:
    def lookup(iss: str, header: dict[str, Any]) -> JWK:
        assert iss == ISSUER_DID
        assert header["kid"] == KID
        assert header["typ"] == "dc+sd-jwt"
        return JWK.from_pyca(issuer.key.public_key())

    return lookup


def test_reference_verifier_accepts_our_presentation_with_key_binding() -> None:
    issuer = Issuer()
    holder = ec.generate_private_key(ec.SECP256R1())
    presentation = present(issuer.issue(holder), ["name"], holder_key=holder, nonce=NONCE, audience=VERIFIER)
    verified = SDJWTVerifier(presentation, _issuer_key(issuer), expected_aud=VERIFIER, expected_nonce=NONCE)
    payload = verified.get_verified_payload()
    assert payload["name"] == "Anna Kowalska"
    assert "grade" not in payload
    assert payload["vct"]
    assert payload["title"] == "Data Literacy Compact Course"


def test_reference_verifier_rejects_our_presentation_for_another_audience() -> None:
    issuer = Issuer()
    holder = ec.generate_private_key(ec.SECP256R1())
    presentation = present(issuer.issue(holder), ["name"], holder_key=holder, nonce=NONCE, audience=VERIFIER)
    with pytest.raises(ValueError, match="audience"):
        SDJWTVerifier(
            presentation, _issuer_key(issuer), expected_aud="https://other.example", expected_nonce=NONCE
        )


def test_reference_verifier_accepts_our_ed25519_bound_credential_and_disclosures() -> None:
    issuer = Issuer()
    holder = Ed25519KeyPair.generate()
    presentation = present(
        issuer.issue(holder), ["grade", "name"], holder_key=holder, nonce=NONCE, audience=VERIFIER
    )
    without_kb = presentation.rsplit("~", 1)[0] + "~"
    payload = SDJWTVerifier(without_kb, _issuer_key(issuer)).get_verified_payload()
    assert payload["grade"] == "4.5"
    assert payload["name"] == "Anna Kowalska"
    assert payload["cnf"]["jwk"] == holder_jwk(holder)


def test_reference_verifier_rejects_our_credential_signed_by_another_key() -> None:
    issuer, other = Issuer(), Issuer()
    presentation = present(
        other.issue(Ed25519KeyPair.generate()),
        [],
        holder_key=Ed25519KeyPair.generate(),
        nonce=NONCE,
        audience=VERIFIER,
    )
    with pytest.raises(Exception, match=r"[Vv]erification failed"):
        SDJWTVerifier(presentation.rsplit("~", 1)[0] + "~", _issuer_key(issuer))


def _reference_issuance(issuer: Issuer, holder: JWK) -> str:
    claims = {
        "iss": ISSUER_DID,
        "iat": 1_800_000_000 - 10**8,
        "vct": "https://w3id.org/plecak/vct/micro-credential/v1",
        "title": "Data Literacy Compact Course",
        SDObj("name"): "Jan Nowak",
        SDObj("grade"): "5.0",
    }
    made = SDJWTIssuer(
        claims,
        JWK.from_pyca(issuer.key),
        holder_key=holder,
        sign_alg="ES256",
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": KID},
    )
    result: str = made.sd_jwt_issuance
    return result


async def test_we_verify_the_reference_holders_presentation() -> None:
    issuer = Issuer()
    holder = JWK.generate(kty="OKP", crv="Ed25519")
    reference = SDJWTHolder(_reference_issuance(issuer, holder))
    reference.create_presentation(
        {"name": True}, nonce=NONCE, aud=VERIFIER, holder_key=holder, sign_alg="EdDSA"
    )
    result = await SdJwtVerifier(issuer.resolver()).verify(
        reference.sd_jwt_presentation, nonce=NONCE, audience=VERIFIER
    )
    assert result.verified, result.to_json()
    assert result.disclosed["name"] == "Jan Nowak"
    assert "grade" not in result.disclosed
    assert "grade" in result.undisclosed
    # decoy digests count as hidden: the verifier cannot tell them from withheld claims
    assert result.hidden_count >= 1


async def test_we_reject_the_reference_holders_presentation_for_another_nonce() -> None:
    issuer = Issuer()
    holder = JWK.generate(kty="OKP", crv="Ed25519")
    reference = SDJWTHolder(_reference_issuance(issuer, holder))
    reference.create_presentation(
        {"grade": True}, nonce="stolen", aud=VERIFIER, holder_key=holder, sign_alg="EdDSA"
    )
    result = await SdJwtVerifier(issuer.resolver()).verify(
        reference.sd_jwt_presentation, nonce=NONCE, audience=VERIFIER
    )
    check = result.check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
