"""Selective disclosure of ``ecdsa-sd-2023`` credentials: EU elements as selective JSON pointers for
:func:`plecak.core.integrity.ecdsa_sd.derive` (the cryptosuite itself stays in :mod:`plecak.core.integrity`,
where the suite registry finds it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from plecak.core.errors import ProofError
from plecak.core.integrity import ecdsa_sd
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.model.elements import ELEMENT_POINTERS, is_under, pointer_exists

from .adapter import ClaimPaths, DisclosableField, known_elements, pointers_for_claim_paths

__all__ = ["EcdsaSdAdapter"]


def _sd_proof(credential: Any) -> dict[str, Any] | None:
    if not isinstance(credential, Mapping):
        return None
    try:
        return ecdsa_sd.find_sd_proof(credential)
    except ProofError:
        return None


class EcdsaSdAdapter:
    """``ecdsa-sd-2023``: a credential holding a *base* proof; elements become selective pointers."""

    name = ecdsa_sd.ECDSA_SD_2023

    def handles(self, credential: Any) -> bool:
        proof = _sd_proof(credential)
        return proof is not None and ecdsa_sd.is_base_proof(proof.get("proofValue"))

    def mandatory_pointers(self, credential: Mapping[str, Any]) -> list[str]:
        proof = _sd_proof(credential)
        if proof is None:
            return []
        try:
            return ecdsa_sd.parse_base_proof_value(str(proof.get("proofValue"))).mandatory_pointers
        except ProofError:
            return []

    def fields(self, credential: Mapping[str, Any]) -> list[DisclosableField]:
        mandatory = self.mandatory_pointers(credential)
        out = []
        for key, candidates in ELEMENT_POINTERS.items():
            present = tuple(p for p in candidates if pointer_exists(credential, p))
            if present:
                out.append(DisclosableField(key, present, all(is_under(p, mandatory) for p in present)))
        return out

    def pointers(self, credential: Mapping[str, Any], keep: Sequence[str]) -> list[str]:
        wanted = known_elements(keep)
        return [p for f in self.fields(credential) if f.key in wanted and not f.mandatory for p in f.pointers]

    def disclose(
        self, credential: Mapping[str, Any], keep: Sequence[str], loader: DocumentLoader | None = None
    ) -> dict[str, Any]:
        return ecdsa_sd.derive(credential, self.pointers(credential, keep), loader)

    def disclose_paths(
        self, credential: Mapping[str, Any], paths: ClaimPaths, loader: DocumentLoader | None = None
    ) -> dict[str, Any]:
        return ecdsa_sd.derive(credential, pointers_for_claim_paths(credential, paths), loader)

    def claim_paths(self, field: DisclosableField) -> list[list[Any]]:
        return [list(ecdsa_sd.parse_pointer(p)) for p in field.pointers]

    def element_of_path(self, credential: Mapping[str, Any], path: Sequence[Any]) -> str | None:
        selected = pointers_for_claim_paths(credential, [path])
        for field in self.fields(credential):
            for pointer in selected:
                if is_under(pointer, field.pointers) or any(is_under(p, [pointer]) for p in field.pointers):
                    return field.key
        return None
