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
from typing import Any
from urllib.parse import unquote

from plecak.core.sdjwt import SdJwtVerificationResult, SdJwtVerifier, looks_like_sd_jwt, open_badges_form

from .display import CredentialView, Row, check_view, credential_rows, sealed, text_of, verdict_key
from .fetch import LinkFetcher
from .service import VerificationService

__all__ = [
    "ENVELOPED_PREFIX",
    "SD_JWT_KIND",
    "SdJwtVerification",
    "sd_jwt_credential_view",
    "sd_jwt_text",
]

SD_JWT_KIND = "sd-jwt"
ENVELOPED_PREFIX = "data:application/dc+sd-jwt,"
STATUS_ACCEPT = "application/statuslist+jwt"

#: Selectively disclosable claim → the result page row that shows it.
_ROW_OF_CLAIM = {
    "name": "learner",
    "grade": "grade",
    "grading_scheme": "grading_scheme",
    "credits_earned": "credits_earned",
    "workload_hours": "workload_hours",
    "description": "description",
    "qf_ehea_level": "qf_ehea",
    "nqf_level": "nqf",
    "supervision_and_id_verification": "supervision",
    "prerequisites": "prerequisites",
    "integration_stackability": "stackability",
    "is_part_of": "part_of",
    "further_information": "further",
}


def sd_jwt_text(document: Any) -> str | None:
    """The compact SD-JWT in ``document`` (a string, or an enveloped credential), else ``None``."""
    if isinstance(document, str):
        text = document.strip()
        return text if looks_like_sd_jwt(text) else None
    if isinstance(document, Mapping):
        types = document.get("type")
        types = types if isinstance(types, list) else [types]
        ident = document.get("id")
        if "EnvelopedVerifiableCredential" in types and isinstance(ident, str):
            if ident.startswith(ENVELOPED_PREFIX):
                text = unquote(ident[len(ENVELOPED_PREFIX) :]).strip()
                return text if looks_like_sd_jwt(text) else None
    return None


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

    async def verify(
        self,
        text: str,
        *,
        nonce: str | None = None,
        audience: str | None = None,
        require_key_binding: bool = False,
    ) -> SdJwtVerificationResult:
        return await (await self.verifier()).verify(
            text, nonce=nonce, audience=audience, require_key_binding=require_key_binding
        )


def _as_document(report: Mapping[str, Any]) -> dict[str, Any]:
    claims = report.get("disclosed")
    return open_badges_form(claims if isinstance(claims, Mapping) else {}, str(report.get("issuer") or ""))


def sd_jwt_credential_view(report: Mapping[str, Any], t: Mapping[str, str]) -> CredentialView:
    """The result page's view of a verified (or failed) SD-JWT VC presentation."""
    rows = [r for r in credential_rows(_as_document(report), t) if r.key != "credential_id"]
    disclosed = report.get("disclosed") if isinstance(report.get("disclosed"), Mapping) else {}
    assert isinstance(disclosed, Mapping)
    if disclosed.get("credits_earned") is not None:
        rows.insert(
            [r.key for r in rows].index("ects") + 1,
            Row("credits_earned", t["el_credits_earned"], text_of(disclosed["credits_earned"])),
        )
    not_shared = report.get("undisclosed")
    hidden = {_ROW_OF_CLAIM[n] for n in not_shared or [] if n in _ROW_OF_CLAIM} - {
        _ROW_OF_CLAIM[n] for n in disclosed if n in _ROW_OF_CLAIM
    }
    keys = [r.key for r in rows]
    for key in sorted(hidden):
        if key in keys:
            row = rows[keys.index(key)]
            row.value, row.not_shared = None, True
        else:
            label = t.get(f"el_{key}", key)
            rows.insert(len(rows) - 1, Row(key, label, None, not_shared=True))
    results = report.get("results")
    title = next((r.value for r in rows if r.key == "title" and isinstance(r.value, str)), None)
    return CredentialView(
        title=title or t["result_title"],
        verdict=verdict_key(report),
        checks=[check_view(c, t) for c in results or [] if isinstance(c, Mapping)],
        rows=rows,
        unverified=not sealed(report),
    )
