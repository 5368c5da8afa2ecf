"""Shared set-up for SD-JWT VC tests: an issuer with a P-256 key in a did:web document."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver
from plecak.core.sdjwt import ec_public_jwk, holder_jwk, issue_sd_jwt_vc, micro_credential_claims
from support import VECTORS

EXAMPLE = VECTORS / "examples" / "microcredential-data-literacy.json"
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


async def issue_over_oid4vci(
    issuer: Any, issuer_url: str, achievement_uuid: str, holder: Ed25519KeyPair, **offer: Any
) -> tuple[str, str]:
    """Run the OpenID4VCI pre-authorised flow for a ``dc+sd-jwt`` offer; returns (credential id, SD-JWT).

    ``issuer`` is a test client of the real issuer; ``holder`` signs the key proof.
    """
    import time

    import jwt

    from plecak.core.did import did_key

    auth = {"Authorization": "Bearer test-admin-token-0123456789abcdef"}
    body = {"learner": {"name": "Anna Kowalska"}, "grade": "4.5", "format": "dc+sd-jwt", **offer}
    resp = await issuer.post(f"/api/achievements/{achievement_uuid}/offers", json=body, headers=auth)
    assert resp.status == 201, await resp.text()
    made = await resp.json()
    code = made["credentialOffer"]["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"][
        "pre-authorized_code"
    ]
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": code}
    access = (await (await issuer.post("/token", data=form)).json())["access_token"]
    c_nonce = (await (await issuer.post("/nonce")).json())["c_nonce"]
    did = did_key(holder)
    proof = jwt.encode(
        {"aud": issuer_url, "iat": int(time.time()), "nonce": c_nonce},
        holder.private_key,  # type: ignore[arg-type]
        algorithm="EdDSA",
        headers={"typ": "openid4vci-proof+jwt", "kid": f"{did}#{holder.public_multibase}"},
    )
    request = {"credential_configuration_id": "MicroCredential_dc+sd-jwt", "proofs": {"jwt": [proof]}}
    resp = await issuer.post("/credential", json=request, headers={"Authorization": f"Bearer {access}"})
    assert resp.status == 200, await resp.text()
    sd_jwt: str = (await resp.json())["credentials"][0]["credential"]
    status = await (await issuer.get(f"/api/offers/{made['id']}", headers=auth)).json()
    return str(status["credentialId"]), sd_jwt
