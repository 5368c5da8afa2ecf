"""Shared set-up for SD-JWT VC tests: an issuer with a P-256 key in a did:web document."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from vc.did import DidResolver
from vc.keys import Ed25519KeyPair
from vc.sdjwt import ec_public_jwk, holder_jwk, issue_sd_jwt_vc, micro_credential_claims

EXAMPLE = Path(__file__).parent / "vectors" / "examples" / "microcredential-data-literacy.json"
ISSUER_DID = "did:web:uni.example"
KID = f"{ISSUER_DID}#p256-1"
VERIFIER = "https://verifier.example"


def example_credential() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return result


def issuer_document(did: str, kid: str, key: ec.EllipticCurvePublicKey) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [
            {"id": kid, "type": "JsonWebKey", "controller": did, "publicKeyJwk": ec_public_jwk(key)}
        ],
        "assertionMethod": [kid],
    }


@dataclass
class Issuer:
    did: str = ISSUER_DID
    kid: str = KID
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def resolver(self) -> DidResolver:
        return DidResolver(static={self.did: issuer_document(self.did, self.kid, self.key.public_key())})

    def issue(self, holder: Ed25519KeyPair | ec.EllipticCurvePrivateKey, **kwargs: Any) -> str:
        public = holder.public_key() if isinstance(holder, ec.EllipticCurvePrivateKey) else holder
        claims = kwargs.pop("claims", None) or micro_credential_claims(example_credential())
        return issue_sd_jwt_vc(
            claims, issuer=self.did, kid=self.kid, signing_key=self.key, holder=holder_jwk(public), **kwargs
        )
