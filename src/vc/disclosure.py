"""Selective disclosure of EU micro-credential elements, independent of the credential format.

An *element* is one of the EU micro-credential elements the verifier shows (title, awarding
body, ECTS, EQF level, grade, …), named by the same key as :mod:`verifier.display` rows. Where
an element lives in an Open Badges 3.0 credential is a list of JSON pointers
(:data:`ELEMENT_POINTERS`). A format adapter turns "the learner keeps these elements" into a
disclosure in its own terms:

* ``ecdsa-sd-2023`` (:class:`EcdsaSdAdapter`): selective JSON pointers for :func:`vc.ecdsa_sd.derive`;
* other formats (SD-JWT VC) plug in by implementing :class:`DisclosureAdapter` and registering
  with :func:`register_adapter` (their claim paths are the same JSON paths, as lists).

:func:`default_mandatory_pointers` is what an issuer makes mandatory for micro-credentials:
who issued it, when it is valid, its status entry and what it is (title, type, awarding body).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from . import ecdsa_sd
from .errors import ProofError
from .loader import DocumentLoader

__all__ = [
    "DEFAULT_MANDATORY_POINTERS",
    "ELEMENT_POINTERS",
    "DisclosableField",
    "DisclosureAdapter",
    "EcdsaSdAdapter",
    "adapter_for",
    "default_mandatory_pointers",
    "is_derived_disclosure",
    "pointer_exists",
    "pointers_for_claim_paths",
    "register_adapter",
]

_ACH = "/credentialSubject/achievement"

ELEMENT_POINTERS: dict[str, tuple[str, ...]] = {
    "title": (f"{_ACH}/name", "/name"),
    "kind": (f"{_ACH}/achievementType",),
    "learner": ("/credentialSubject/name", "/credentialSubject/identifier"),
    "awarding_body": (f"{_ACH}/awardingBody", "/issuer/name"),
    "country": ("/issuer/address",),
    "issued": ("/awardedDate", "/validFrom"),
    "valid_until": ("/validUntil",),
    "description": (f"{_ACH}/description", "/description"),
    "outcomes": (f"{_ACH}/learningOutcome",),
    "ects": (f"{_ACH}/creditPoint", "/credentialSubject/creditsEarned", f"{_ACH}/creditsAvailable"),
    "workload_hours": (f"{_ACH}/volumeOfLearning",),
    "eqf": (f"{_ACH}/eqfLevel",),
    "qf_ehea": (f"{_ACH}/qfEheaLevel",),
    "nqf": (f"{_ACH}/nqfLevel",),
    "assessment": (f"{_ACH}/typeOfAssessment",),
    "participation": (f"{_ACH}/formOfParticipation",),
    "supervision": (f"{_ACH}/supervisionAndIdVerification",),
    "quality": (f"{_ACH}/typeOfQualityAssurance",),
    "prerequisites": (f"{_ACH}/prerequisites",),
    "stackability": (f"{_ACH}/integrationStackability",),
    "part_of": (f"{_ACH}/isPartOf",),
    "skills": (f"{_ACH}/alignment",),
    "grade": ("/credentialSubject/result", f"{_ACH}/resultDescription"),
    "further": (f"{_ACH}/furtherInformation",),
    "code": (f"{_ACH}/humanCode",),
    "language": (f"{_ACH}/inLanguage",),
}
"""EU element key -> where it may live in an Open Badges 3.0 micro-credential."""

DEFAULT_MANDATORY_POINTERS: tuple[str, ...] = (
    "/issuer",
    "/validFrom",
    "/validUntil",
    "/awardedDate",
    "/credentialStatus",
    "/credentialSchema",
    "/name",
    f"{_ACH}/name",
    f"{_ACH}/achievementType",
    f"{_ACH}/awardingBody",
)
"""Always disclosed when present: issuer, validity dates, status, title, kind, awarding body
(and, through the pointers' paths, ``type`` and ``id`` of the credential, subject and achievement)."""


def _lookup(document: Any, pointer: str) -> tuple[bool, Any]:
    try:
        tokens = ecdsa_sd.parse_pointer(pointer)
    except (ProofError, TypeError):
        return False, None
    value = document
    for token in tokens:
        if isinstance(value, Mapping) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return False, None
    return True, value


def pointer_exists(document: Any, pointer: str) -> bool:
    return _lookup(document, pointer)[0]


def default_mandatory_pointers(credential: Mapping[str, Any]) -> list[str]:
    """The :data:`DEFAULT_MANDATORY_POINTERS` present in ``credential`` (a credential without a
    field the defaults name still signs)."""
    return [p for p in DEFAULT_MANDATORY_POINTERS if pointer_exists(credential, p)]


def _covered(pointer: str, by: Sequence[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in by)


@dataclass(frozen=True)
class DisclosableField:
    """One EU element of a credential as the share screen lists it."""

    key: str
    pointers: tuple[str, ...]
    """Where the element lives in this credential (present pointers only)."""
    mandatory: bool
    """The issuer made it mandatory: always shared."""


class DisclosureAdapter(Protocol):
    """Selective disclosure for one credential format."""

    name: str

    def handles(self, credential: Any) -> bool: ...

    def fields(self, credential: Mapping[str, Any]) -> list[DisclosableField]: ...

    def disclose(
        self, credential: Mapping[str, Any], keep: Sequence[str], loader: DocumentLoader | None = None
    ) -> Any:
        """The credential to send when the learner keeps the element keys ``keep``."""
        ...

    def disclose_paths(
        self,
        credential: Mapping[str, Any],
        paths: Sequence[Sequence[Any]],
        loader: DocumentLoader | None = None,
    ) -> Any:
        """The credential to send for DCQL claim paths (none: only what the issuer made mandatory)."""
        ...


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
                out.append(DisclosableField(key, present, all(_covered(p, mandatory) for p in present)))
        return out

    def pointers(self, credential: Mapping[str, Any], keep: Sequence[str]) -> list[str]:
        wanted = set(keep)
        unknown = wanted - set(ELEMENT_POINTERS)
        if unknown:
            raise ProofError(f"unknown element {sorted(unknown)[0]!r}")
        return [p for f in self.fields(credential) if f.key in wanted and not f.mandatory for p in f.pointers]

    def disclose(
        self, credential: Mapping[str, Any], keep: Sequence[str], loader: DocumentLoader | None = None
    ) -> dict[str, Any]:
        return ecdsa_sd.derive(credential, self.pointers(credential, keep), loader)

    def disclose_paths(
        self,
        credential: Mapping[str, Any],
        paths: Sequence[Sequence[Any]],
        loader: DocumentLoader | None = None,
    ) -> dict[str, Any]:
        return ecdsa_sd.derive(credential, pointers_for_claim_paths(credential, paths), loader)


_ADAPTERS: list[DisclosureAdapter] = [EcdsaSdAdapter()]


def register_adapter(adapter: DisclosureAdapter) -> None:
    _ADAPTERS.append(adapter)


def adapter_for(credential: Any) -> DisclosureAdapter | None:
    """The adapter that can disclose parts of ``credential``; ``None``: all or nothing."""
    return next((a for a in _ADAPTERS if a.handles(credential)), None)


def is_derived_disclosure(credential: Any) -> bool:
    """Whether ``credential`` carries an ecdsa-sd-2023 *derived* proof (a selective disclosure)."""
    proof = _sd_proof(credential)
    value = proof.get("proofValue") if proof else None
    return isinstance(value, str) and value.startswith("u2V0B")


def pointers_for_claim_paths(credential: Mapping[str, Any], paths: Sequence[Sequence[Any]]) -> list[str]:
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
