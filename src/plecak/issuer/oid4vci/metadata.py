"""OpenID4VCI metadata the issuer publishes: the Credential Issuer Metadata (one configuration per
suite it can sign with, and SD-JWT VC) and the Authorization Server Metadata of the pre-authorised flow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plecak.core.integrity.suites import suite_named
from plecak.core.oid4vci.keyproof import BINDING_DID_JWK, BINDING_DID_KEY, PROOF_ALGORITHMS
from plecak.core.sdjwt import VCT_MICRO_CREDENTIAL

from ..service import OB_CONTEXT, IssuerService
from .sdjwt_metadata import SDJWT_CONFIGURATION_ID, sdjwt_configuration

if TYPE_CHECKING:
    from ..sdjwt import SdJwtIssuing

__all__ = ["CONFIGURATION_ID", "CONFIGURATION_SUITES", "PRE_AUTH_GRANT", "SD_CONFIGURATION_ID", "IssuerMetadata"]

PRE_AUTH_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc"
SD_CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc_sd"
CONFIGURATION_SUITES = {CONFIGURATION_ID: "eddsa-rdfc-2022", SD_CONFIGURATION_ID: "ecdsa-sd-2023"}
"""Credential configuration -> the Data Integrity cryptosuite it is signed with. The ``_sd`` one
(``ecdsa-sd-2023``) lets the learner disclose only some fields later."""


class IssuerMetadata:
    """The metadata endpoints' answers; :class:`plecak.issuer.oid4vci.offers.OfferService` builds on it."""

    issuer: IssuerService
    sdjwt: SdJwtIssuing | None

    @property
    def base(self) -> str:
        return self.issuer.public_url

    # -- metadata ------------------------------------------------------------------------
    async def issuer_metadata(self) -> dict[str, Any]:
        profile = await self.issuer.profile()
        name = profile.get("name", "Plecak issuer")
        return {
            "credential_issuer": self.base,
            "authorization_servers": [self.base],
            "credential_endpoint": f"{self.base}/credential",
            "nonce_endpoint": f"{self.base}/nonce",
            "display": [{"name": name, "locale": "en"}],
            "credential_configurations_supported": {
                **{
                    config_id: self.configuration(config_id)
                    for config_id, suite in CONFIGURATION_SUITES.items()
                    if self._offers(suite)
                },
                **({SDJWT_CONFIGURATION_ID: self.configuration(SDJWT_CONFIGURATION_ID)} if self.sdjwt else {}),
            },
        }

    def configuration(self, config_id: str) -> dict[str, Any]:
        """The ``credential_configurations_supported`` entry of ``config_id``."""
        if config_id == SDJWT_CONFIGURATION_ID:
            return sdjwt_configuration(self.sdjwt.vct if self.sdjwt else VCT_MICRO_CREDENTIAL)
        suite = CONFIGURATION_SUITES[config_id]
        return self._configuration(suite, selective=config_id == SD_CONFIGURATION_ID)

    def _offers(self, suite: str) -> bool:
        chosen = suite_named(suite)
        return chosen is not None and self.issuer.keys.signer_for(chosen.key_types) is not None

    def _configuration(self, suite: str, *, selective: bool) -> dict[str, Any]:
        name = "EU micro-credential (selective disclosure)" if selective else "EU micro-credential"
        name_pl = "Europejskie mikropoświadczenie" + (" (selektywne ujawnianie)" if selective else "")
        return {
            "format": "ldp_vc",
            "scope": "OpenBadgeCredential",
            "cryptographic_binding_methods_supported": [BINDING_DID_KEY, BINDING_DID_JWK],
            "credential_signing_alg_values_supported": [suite],
            "cryptosuite": suite,
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
            "credential_definition": {
                "@context": ["https://www.w3.org/ns/credentials/v2", OB_CONTEXT, self.issuer.context_url],
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
            },
            "credential_metadata": {
                "display": [{"name": name, "locale": "en"}, {"name": name_pl, "locale": "pl"}]
            },
        }

    def authorization_server_metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "token_endpoint": f"{self.base}/token",
            "grant_types_supported": [PRE_AUTH_GRANT],
            "pre-authorized_grant_anonymous_access_supported": True,
            "response_types_supported": [],
        }
