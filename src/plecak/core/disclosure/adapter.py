"""What every selective-disclosure format adapter provides (:class:`DisclosureAdapter`), the fields a
share screen lists (:class:`DisclosableField`), and reading DCQL claim paths as JSON pointers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from plecak.core.errors import ProofError
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.model.elements import ELEMENT_POINTERS

__all__ = ["ClaimPaths", "DisclosableField", "DisclosureAdapter", "known_elements", "pointers_for_claim_paths"]

ClaimPaths = Sequence[Sequence[Any]]
"""DCQL claim paths (OpenID4VP): each a list of member names and array indexes, ``["credentialSubject", "name"]``."""


@dataclass(frozen=True)
class DisclosableField:
    """One EU element of a credential as the share screen lists it."""

    key: str
    pointers: tuple[str, ...]
    """Where the element lives in this credential: JSON pointers (ecdsa-sd-2023) or claim names
    (SD-JWT VC), present ones only."""
    mandatory: bool
    """The issuer made it mandatory: always shared."""


class DisclosureAdapter(Protocol):
    """Selective disclosure for one credential format."""

    name: str

    def handles(self, credential: Any) -> bool: ...

    def fields(self, credential: Mapping[str, Any]) -> list[DisclosableField]: ...

    def disclose(self, credential: Mapping[str, Any], keep: Sequence[str], loader: DocumentLoader | None = None) -> Any:
        """The credential to send when the learner keeps the element keys ``keep``."""
        ...

    def disclose_paths(
        self, credential: Mapping[str, Any], paths: ClaimPaths, loader: DocumentLoader | None = None
    ) -> Any:
        """The credential to send for DCQL claim paths (none: only what the issuer made mandatory)."""
        ...

    def claim_paths(self, field: DisclosableField) -> list[list[Any]]:
        """DCQL claim paths that select ``field`` (the inverse of :meth:`element_of_path`)."""
        ...

    def element_of_path(self, credential: Mapping[str, Any], path: Sequence[Any]) -> str | None:
        """The EU element a DCQL claim path asks for in ``credential`` (``None``: none of them)."""
        ...


def known_elements(keep: Sequence[str]) -> set[str]:
    """The element keys ``keep``, each one an EU element (:data:`ELEMENT_POINTERS`)."""
    wanted = set(keep)
    unknown = wanted - set(ELEMENT_POINTERS)
    if unknown:
        raise ProofError(f"unknown element {sorted(unknown)[0]!r}")
    return wanted


def pointers_for_claim_paths(credential: Mapping[str, Any], paths: ClaimPaths) -> list[str]:
    """JSON pointers for DCQL claim paths (lists of keys, indexes, or ``None`` for every element),
    keeping only the pointers that select something in ``credential``."""
    pointers: list[str] = []
    for path in paths:
        prefixes = [""]
        value_sets: list[list[Any]] = [[credential]]
        for step in path:
            next_prefixes, next_values = [], []
            for prefix, values in zip(prefixes, value_sets, strict=True):
                for value in values:
                    if step is None and isinstance(value, list):
                        for i, item in enumerate(value):
                            next_prefixes.append(f"{prefix}/{i}")
                            next_values.append([item])
                    elif isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value):
                        next_prefixes.append(f"{prefix}/{step}")
                        next_values.append([value[step]])
                    elif isinstance(step, str) and isinstance(value, Mapping) and step in value:
                        escaped = step.replace("~", "~0").replace("/", "~1")
                        next_prefixes.append(f"{prefix}/{escaped}")
                        next_values.append([value[step]])
            prefixes, value_sets = next_prefixes, next_values
        pointers += [p for p in prefixes if p and p not in pointers]
    return pointers
