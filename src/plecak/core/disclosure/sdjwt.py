"""Selective disclosure of SD-JWT VCs: EU elements as the disclosures to keep
(:data:`plecak.core.model.elements.SD_JWT_ELEMENT_CLAIMS`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from plecak.core.errors import ProofError
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.model.elements import SD_JWT_ELEMENT_CLAIMS
from plecak.core.sdjwt import SdJwtError, envelope, parse_sd_jwt, sd_jwt_of

from .adapter import ClaimPaths, DisclosableField, known_elements

__all__ = ["SdJwtAdapter"]


def _enveloped_sd_jwt(credential: Any) -> Any:
    text = sd_jwt_of(credential)
    if text is None:
        return None
    try:
        return parse_sd_jwt(text)
    except (SdJwtError, TypeError):
        return None


class SdJwtAdapter:
    """SD-JWT VC (``dc+sd-jwt``) as the wallet keeps it: an ``EnvelopedVerifiableCredential`` with
    every disclosure. An element is mandatory when the issuer put its claims in the signed payload;
    disclosing keeps only the chosen elements' disclosures (no key binding: the presenter adds it)."""

    name = "dc+sd-jwt"

    def handles(self, credential: Any) -> bool:
        parsed = _enveloped_sd_jwt(credential)
        return parsed is not None and parsed.key_binding_jwt is None

    def fields(self, credential: Mapping[str, Any]) -> list[DisclosableField]:
        parsed = _enveloped_sd_jwt(credential)
        if parsed is None:
            return []
        clear = {k for k in parsed.payload if k not in ("_sd", "_sd_alg")}
        hidden = set(parsed.disclosable())
        out = []
        for key, claims in SD_JWT_ELEMENT_CLAIMS.items():
            present = tuple(c for c in claims if c in clear or c in hidden)
            if present:
                out.append(DisclosableField(key, present, all(c in clear for c in present)))
        return out

    def _reduced(self, credential: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
        parsed = _enveloped_sd_jwt(credential)
        if parsed is None:
            raise ProofError("not an SD-JWT VC")
        kept = [d.encoded for d in parsed.disclosures if d.name in names and d.name in parsed.disclosable()]
        return envelope("~".join([parsed.issuer_jwt, *kept]) + "~")

    def disclose(
        self, credential: Mapping[str, Any], keep: Sequence[str], loader: DocumentLoader | None = None
    ) -> dict[str, Any]:
        wanted = known_elements(keep)
        fields = self.fields(credential)
        names = {c for f in fields if f.key in wanted and not f.mandatory for c in f.pointers}
        return self._reduced(credential, names)

    def disclose_paths(
        self, credential: Mapping[str, Any], paths: ClaimPaths, loader: DocumentLoader | None = None
    ) -> dict[str, Any]:
        return self._reduced(credential, {str(p[0]) for p in paths if p and isinstance(p[0], str)})

    def claim_paths(self, field: DisclosableField) -> list[list[Any]]:
        return [[name] for name in field.pointers]

    def element_of_path(self, credential: Mapping[str, Any], path: Sequence[Any]) -> str | None:
        if not path or not isinstance(path[0], str):
            return None
        return next((f.key for f in self.fields(credential) if path[0] in f.pointers), None)
