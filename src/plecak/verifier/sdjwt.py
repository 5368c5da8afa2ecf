"""SD-JWT VC (``dc+sd-jwt``) presentations at the verifier: recognising, verifying, showing them.

An SD-JWT arrives as the compact string (``<jwt>~<disclosure>~…~<kb-jwt>``): pasted on the page,
as ``verifiableCredential`` of ``POST /credentials/verify`` (the string itself, or a VC 2.0
``EnvelopedVerifiableCredential`` whose ``id`` is ``data:application/dc+sd-jwt,<sd-jwt>``), or in
an OpenID4VP ``vp_token``. :class:`SdJwtVerification` runs :class:`plecak.core.sdjwt.SdJwtVerifier` with
the verifier's DID resolver, trust registry and a status-list fetcher bound by the same rules as
links (https only, size and time limits). The result page shows every disclosed element and marks
the selectively disclosable ones the holder withheld as "not shared by the holder".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, Unpack
from urllib.parse import unquote

from plecak.core.sdjwt import SdJwtVerificationResult, SdJwtVerifier, looks_like_sd_jwt

from .display import sd_jwt_credential_view
from .fetch import LinkFetcher
from .service import VerificationService

__all__ = [
    "ENVELOPED_PREFIX",
    "SD_JWT_KIND",
    "KeyBinding",
    "SdJwtVerification",
    "sd_jwt_credential_view",
    "sd_jwt_text",
]

SD_JWT_KIND = "sd-jwt"
ENVELOPED_PREFIX = "data:application/dc+sd-jwt,"
STATUS_ACCEPT = "application/statuslist+jwt"

def sd_jwt_text(document: Any) -> str | None:
    """The compact SD-JWT in ``document`` (a string, or an enveloped credential), else ``None``."""
    if isinstance(document, str):
        text = document.strip()
        return text if looks_like_sd_jwt(text) else None
    if isinstance(document, Mapping):
        types = document.get("type")
        types = types if isinstance(types, list) else [types]
        ident = document.get("id")
        if (
            "EnvelopedVerifiableCredential" in types
            and isinstance(ident, str)
            and ident.startswith(ENVELOPED_PREFIX)
        ):
            text = unquote(ident[len(ENVELOPED_PREFIX) :]).strip()
            return text if looks_like_sd_jwt(text) else None
    return None


class KeyBinding(TypedDict, total=False):
    """What a presentation's key-binding JWT must answer (nothing by default: pasted text and share links)."""

    nonce: str | None
    audience: str | None
    require_key_binding: bool


class SdJwtVerification:
    def __init__(self, service: VerificationService, fetcher: LinkFetcher) -> None:
        self.service = service
        self.fetcher = fetcher

    async def _status_token(self, uri: str) -> str:
        return await self.fetcher.fetch_text(uri, STATUS_ACCEPT)

    async def verifier(self) -> SdJwtVerifier:
        return SdJwtVerifier(
            self.service.resolver,
            status_fetcher=self._status_token,
            trust=await self.service.trust.snapshot(),
            now=self.service.now,
        )

    async def verify(self, text: str, **binding: Unpack[KeyBinding]) -> SdJwtVerificationResult:
        """Verify an SD-JWT VC or presentation; a key-binding JWT is required only when ``binding`` says so."""
        required = binding.get("require_key_binding", False)
        return await (await self.verifier()).verify(
            text, nonce=binding.get("nonce"), audience=binding.get("audience"), require_key_binding=required
        )
