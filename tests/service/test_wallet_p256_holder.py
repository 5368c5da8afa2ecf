"""The wallet's P-256 holder key for SD-JWT VCs (EUDI-style): derived from the learner's seed, used
with an ES256 ``jwk`` key proof when the issuer announces that binding, and for the key-binding JWT."""

from __future__ import annotations

from typing import Any

import pytest

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.sdjwt import parse_sd_jwt
from plecak.wallet.exceptions import UserError
from plecak.wallet.oid4vci.client import _proof_alg
from plecak.wallet.vault import HolderKey
from support.issuer import AUTH
from support.wallet import Servers, servers
from support.wallet_sdjwt import receive_sd_jwt

__all__ = ["servers"]


def test_p256_key_is_derived_from_the_seed_and_differs_per_learner() -> None:
    seed = bytes(range(32))
    one, again = HolderKey(Ed25519KeyPair.from_seed(seed)), HolderKey(Ed25519KeyPair.from_seed(seed))
    assert one.p256.public_jwk() == again.p256.public_jwk()  # a restored backup keeps the key
    assert one.p256.public_jwk()["crv"] == "P-256"
    assert HolderKey.generate().p256.public_jwk() != one.p256.public_jwk()
    assert one.public_jwks()[1] == one.p256.public_jwk()


@pytest.mark.parametrize(
    ("config", "alg"),
    [
        (
            {
                "format": "dc+sd-jwt",
                "cryptographic_binding_methods_supported": ["jwk"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
            },
            "ES256",
        ),
        (
            {
                "format": "dc+sd-jwt",
                "cryptographic_binding_methods_supported": ["did:key"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}},
            },
            "EdDSA",
        ),
        (
            {
                "format": "ldp_vc",
                "cryptographic_binding_methods_supported": ["did:key", "jwk"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}},
            },
            "EdDSA",
        ),
        ({"format": "ldp_vc"}, "EdDSA"),
    ],
)
def test_wallet_proves_its_key_the_way_the_configuration_announces(config: dict[str, Any], alg: str) -> None:
    assert _proof_alg(config) == alg


def test_wallet_refuses_an_offer_whose_key_proofs_it_cannot_make() -> None:
    config = {
        "format": "ldp_vc",
        "cryptographic_binding_methods_supported": ["did:web"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["RS256"]}},
    }
    with pytest.raises(UserError):
        _proof_alg(config)


async def test_sd_jwt_is_bound_to_the_wallets_p256_key_with_a_jwk_proof(servers: Servers) -> None:
    offer, text = await receive_sd_jwt(servers)
    assert "was received" in text
    async with servers.issuer.client.get(f"{servers.issuer.url}/api/offers/{offer['id']}", headers=AUTH) as resp:
        credential_id = (await resp.json())["credentialId"]
    async with servers.issuer.client.get(f"{servers.issuer.url}/api/credentials/{credential_id}", headers=AUTH) as resp:
        record = await resp.json()
    cnf = parse_sd_jwt(record["credential"]).payload["cnf"]["jwk"]
    assert cnf["kty"] == "EC"
    assert cnf["crv"] == "P-256"
