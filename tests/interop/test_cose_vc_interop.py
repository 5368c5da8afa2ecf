"""``application/vc+cose`` against an independent COSE implementation (Auth0's ``@auth0/cose`` for
Node, pinned in tests/reference_cose/package.json, run by tests/support/reference_cose.py): it
verifies credentials we sign, and we verify credentials it signs, with ES256 (P-256) and EdDSA
(Ed25519); each direction also has a negative control.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair
from plecak.core.did import did_key, resolve_did_key
from plecak.core.jose_vc import envelope_cose, sign_cose
from plecak.core.verify.credential import Verifier
from support.reference_cose import cose_peer, require_cose_peer
from support.reference_jose import private_jwk, public_jwk

V2 = "https://www.w3.org/ns/credentials/v2"


class KeyResolver:
    async def resolve(self, did: str) -> dict[str, Any]:
        return resolve_did_key(did)


def kid_of(key: KeyPair) -> str:
    return f"{did_key(key)}#{key.public_multibase}"


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [V2],
        "id": "urn:uuid:3f1e2d4c-5b6a-4789-8a9b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Mikropoświadczenie: Zarządzanie łańcuchem dostaw",
        "credentialSubject": {"id": "did:example:learner"},
    }


@pytest.fixture(params=["ES256", "EdDSA"])
def issuer_key(request: pytest.FixtureRequest) -> KeyPair:
    return EcdsaKeyPair.generate("P-256") if request.param == "ES256" else Ed25519KeyPair.generate()


def alg_of(key: KeyPair) -> str:
    return "ES256" if isinstance(key, EcdsaKeyPair) else "EdDSA"


async def test_independent_cose_verifies_our_vc_cose(issuer_key: KeyPair) -> None:
    require_cose_peer()
    vc = credential(did_key(issuer_key))
    message = sign_cose(vc, issuer_key, kid_of(issuer_key))
    request = {"action": "verify", "jwk": public_jwk(issuer_key), "alg": alg_of(issuer_key)}
    answer = cose_peer({**request, "cose": base64.b64encode(message).decode()})
    assert answer["verified"] is True, answer
    assert answer["payload"] == vc
    assert answer["tagged"] is True
    assert answer["protected"] == {
        "alg": -7 if isinstance(issuer_key, EcdsaKeyPair) else -8,
        "cty": "application/vc",
        "kid": kid_of(issuer_key),
        "typ": "application/vc+cose",
    }
    # … and it refuses the same message once a byte of the payload changed
    changed = message.replace(b"did:example:learner", b"did:example:mallory")
    refused = cose_peer({**request, "cose": base64.b64encode(changed).decode()})
    assert refused["verified"] is False
    assert "signature" in refused["error"].lower()


@pytest.mark.parametrize("tagged", [True, False])
async def test_we_verify_a_vc_cose_made_by_the_independent_cose(issuer_key: KeyPair, tagged: bool) -> None:
    require_cose_peer()
    vc = credential(did_key(issuer_key))
    request = {"action": "sign", "payload": vc, "alg": alg_of(issuer_key), "kid": kid_of(issuer_key)}
    made = cose_peer({**request, "jwk": private_jwk(issuer_key), "tagged": tagged})
    assert made["tagged"] is tagged
    result = await Verifier(KeyResolver()).verify(envelope_cose(base64.b64decode(made["cose"])))
    assert result.verdict == "verified", result.to_json()
    assert result.check("proof").code == "proof.passed_cose"  # type: ignore[union-attr]
    assert result.credential == vc
    # negative control: the same credential signed by a stranger under the issuer's kid
    stranger = EcdsaKeyPair.generate("P-256") if isinstance(issuer_key, EcdsaKeyPair) else Ed25519KeyPair.generate()
    forged = cose_peer({**request, "jwk": private_jwk(stranger), "tagged": tagged})
    proof = (await Verifier(KeyResolver()).verify(envelope_cose(base64.b64decode(forged["cose"])))).check("proof")
    assert proof is not None
    assert proof.details["reason"] == "signature"


async def test_a_vc_cose_made_by_the_independent_cose_with_another_content_type_is_refused() -> None:
    require_cose_peer()
    key = EcdsaKeyPair.generate("P-256")
    request = {"action": "sign", "payload": credential(did_key(key)), "alg": "ES256", "kid": kid_of(key)}
    made = cose_peer({**request, "jwk": private_jwk(key), "cty": "application/vp"})
    proof = (await Verifier(KeyResolver()).verify(envelope_cose(base64.b64decode(made["cose"])))).check("proof")
    assert proof is not None
    assert proof.details["reason"] == "cty"
