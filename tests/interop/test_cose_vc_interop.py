"""``application/vc+cose`` against an independent COSE implementation (Auth0's ``@auth0/cose`` for
Node, pinned in tests/reference_cose/package.json, run by tests/support/reference_cose.py): it
verifies credentials we sign, and we verify credentials it signs, with ES256 (P-256) and EdDSA
(Ed25519); each direction also has a negative control.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, KeyPair
from plecak.core.did import did_key
from plecak.core.jose_vc import envelope_cose, sign_cose
from plecak.core.verify.credential import Verifier
from support.reference_cose import cose_peer, require_cose_peer
from support.reference_jose import private_jwk, public_jwk
from support.secured_vc import KeyResolver, credential, key_for, kid_of


def payload(issuer: str) -> dict[str, Any]:
    return credential(issuer, name="Mikropoświadczenie: Zarządzanie łańcuchem dostaw")


@pytest.fixture(params=["ES256", "EdDSA"])
def issuer_key(request: pytest.FixtureRequest) -> KeyPair:
    return key_for(request.param)


def alg_of(key: KeyPair) -> str:
    return "ES256" if isinstance(key, EcdsaKeyPair) else "EdDSA"


async def test_independent_cose_verifies_our_vc_cose(issuer_key: KeyPair) -> None:
    require_cose_peer()
    vc = payload(did_key(issuer_key))
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
    vc = payload(did_key(issuer_key))
    request = {"action": "sign", "payload": vc, "alg": alg_of(issuer_key), "kid": kid_of(issuer_key)}
    made = cose_peer({**request, "jwk": private_jwk(issuer_key), "tagged": tagged})
    assert made["tagged"] is tagged
    result = await Verifier(KeyResolver()).verify(envelope_cose(base64.b64decode(made["cose"])))
    assert result.verdict == "verified", result.to_json()
    assert result.check("proof").code == "proof.passed_cose"  # type: ignore[union-attr]
    assert result.credential == vc
    # negative control: the same credential signed by a stranger under the issuer's kid
    stranger = key_for(alg_of(issuer_key))
    forged = cose_peer({**request, "jwk": private_jwk(stranger), "tagged": tagged})
    proof = (await Verifier(KeyResolver()).verify(envelope_cose(base64.b64decode(forged["cose"])))).check("proof")
    assert proof is not None
    assert proof.details["reason"] == "signature"


async def test_a_vc_cose_made_by_the_independent_cose_with_another_content_type_is_refused() -> None:
    require_cose_peer()
    key = EcdsaKeyPair.generate("P-256")
    request = {"action": "sign", "payload": payload(did_key(key)), "alg": "ES256", "kid": kid_of(key)}
    made = cose_peer({**request, "jwk": private_jwk(key), "cty": "application/vp"})
    proof = (await Verifier(KeyResolver()).verify(envelope_cose(base64.b64decode(made["cose"])))).check("proof")
    assert proof is not None
    assert proof.details["reason"] == "cty"
