"""Selective disclosure of EU micro-credential elements, independent of the credential format.

An *element* is one of the EU micro-credential elements the verifier shows (title, awarding
body, ECTS, EQF level, grade, …), named by the same key as :mod:`verifier.display` rows. Where
an element lives in an Open Badges 3.0 credential is a list of JSON pointers
(:data:`ELEMENT_POINTERS`). A format adapter turns "the learner keeps these elements" into a
disclosure in its own terms:

* ``ecdsa-sd-2023`` (:class:`EcdsaSdAdapter`): selective JSON pointers for :func:`.integrity.ecdsa_sd.derive`;
* SD-JWT VC (:class:`SdJwtAdapter`): the disclosures to keep (:data:`SD_JWT_ELEMENT_CLAIMS`);
* other formats plug in by implementing :class:`DisclosureAdapter` and registering with
  :func:`register_adapter`.

:data:`MANDATORY_ELEMENTS` is the one definition of what an issuer makes always disclosed, in
every format: the Annex I mandatory course elements (what was achieved, who awards it, where,
when, with what workload and level, how it was assessed and quality assured). The ecdsa-sd-2023
default mandatory pointers (:func:`default_mandatory_pointers`, adding the issuer, validity dates,
status and schema) and the SD-JWT VC claims issued in the clear (``plecak.core.sdjwt.ALWAYS_DISCLOSED``) are
both derived from it. The learner's name, grade, credits earned and the optional elements stay
the learner's choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from plecak.core.errors import ProofError
from plecak.core.integrity import ecdsa_sd
from plecak.core.integrity.ecdsa_sd import is_derived_disclosure
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.model.elements import (
    DEFAULT_MANDATORY_POINTERS,
    ELEMENT_POINTERS,
    MANDATORY_ELEMENTS,
    SD_JWT_ELEMENT_CLAIMS,
    default_mandatory_pointers,
    is_under,
    pointer_exists,
)
from plecak.core.sdjwt import SdJwtError, envelope, parse_sd_jwt, sd_jwt_of

__all__ = [
    "DEFAULT_MANDATORY_POINTERS",
    "ELEMENT_POINTERS",
    "MANDATORY_ELEMENTS",
    "SD_JWT_ELEMENT_CLAIMS",
    "ClaimPaths",
    "DisclosableField",
    "DisclosureAdapter",
    "EcdsaSdAdapter",
    "SdJwtAdapter",
    "adapter_for",
    "default_mandatory_pointers",
    "is_derived_disclosure",
    "pointer_exists",
    "pointers_for_claim_paths",
    "register_adapter",
]

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


def _known_elements(keep: Sequence[str]) -> set[str]:
    """The element keys ``keep``, each one an EU element (:data:`ELEMENT_POINTERS`)."""
    wanted = set(keep)
    unknown = wanted - set(ELEMENT_POINTERS)
    if unknown:
        raise ProofError(f"unknown element {sorted(unknown)[0]!r}")
    return wanted


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
        wanted = _known_elements(keep)
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
        wanted = _known_elements(keep)
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


_ADAPTERS: list[DisclosureAdapter] = [EcdsaSdAdapter(), SdJwtAdapter()]


def register_adapter(adapter: DisclosureAdapter) -> None:
    _ADAPTERS.append(adapter)


def adapter_for(credential: Any) -> DisclosureAdapter | None:
    """The adapter that can disclose parts of ``credential``; ``None``: all or nothing."""
    return next((a for a in _ADAPTERS if a.handles(credential)), None)


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
