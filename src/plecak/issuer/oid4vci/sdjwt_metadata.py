"""The OpenID4VCI credential configuration of our SD-JWT VC (``dc+sd-jwt``) micro-credential."""

from __future__ import annotations

from typing import Any

from plecak.core.oid4vci.keyproof import BINDING_DID_JWK, BINDING_DID_KEY, BINDING_JWK, PROOF_ALGORITHMS
from plecak.core.sdjwt import ALWAYS_DISCLOSED, CLAIM_LABELS, SELECTIVELY_DISCLOSABLE, VCT_MICRO_CREDENTIAL

__all__ = ["SDJWT_CONFIGURATION_ID", "sdjwt_configuration"]

SDJWT_CONFIGURATION_ID = "MicroCredential_dc+sd-jwt"
_REGISTERED = {"iss", "iat", "nbf", "exp", "vct", "cnf", "status"}


def sdjwt_configuration(vct: str = VCT_MICRO_CREDENTIAL) -> dict[str, Any]:
    """OpenID4VCI 1.0 ``credential_configurations_supported`` entry (format ``dc+sd-jwt``).

    ``mandatory`` marks the claims that are always disclosed; the others are selectively disclosable.
    """
    claims = [
        {"path": [name], "mandatory": True, "display": [{"name": CLAIM_LABELS[name], "locale": "en"}]}
        for name in ALWAYS_DISCLOSED
        if name not in _REGISTERED
    ] + [
        {"path": [name], "display": [{"name": label, "locale": "en"}]}
        for name, label in SELECTIVELY_DISCLOSABLE.items()
    ]
    return {
        "format": "dc+sd-jwt",
        "scope": "MicroCredentialSdJwt",
        "vct": vct,
        "cryptographic_binding_methods_supported": [BINDING_JWK, BINDING_DID_KEY, BINDING_DID_JWK],
        "credential_signing_alg_values_supported": ["ES256"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
        "credential_metadata": {
            "display": [
                {"name": "EU micro-credential (selective disclosure)", "locale": "en"},
                {"name": "Europejskie mikropoświadczenie (selektywne ujawnianie)", "locale": "pl"},
            ],
            "claims": claims,
        },
    }
