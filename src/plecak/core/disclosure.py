"""Selective disclosure of EU micro-credential elements, independent of the credential format.

An *element* is one of the EU micro-credential elements the verifier shows (title, awarding
body, ECTS, EQF level, grade, …), named by the same key as :mod:`verifier.display` rows. Where
an element lives in an Open Badges 3.0 credential is a list of JSON pointers
(:data:`ELEMENT_POINTERS`). A format adapter turns "the learner keeps these elements" into a
disclosure in its own terms:

* ``ecdsa-sd-2023`` (:class:`EcdsaSdAdapter`): selective JSON pointers for :func:`plecak.core.integrity.ecdsa_sd.derive`;
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

from plecak.core.integrity import ecdsa_sd
from plecak.core.errors import ProofError
from plecak.core.jsonld.loader import DocumentLoader

__all__ = [
    "DEFAULT_MANDATORY_POINTERS",
    "ELEMENT_POINTERS",
    "MANDATORY_ELEMENTS",
    "SD_JWT_ELEMENT_CLAIMS",
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
    "ects": (f"{_ACH}/creditPoint", f"{_ACH}/creditsAvailable"),
    "credits_earned": ("/credentialSubject/creditsEarned",),
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

MANDATORY_ELEMENTS: tuple[str, ...] = (
    "title",
    "kind",
    "awarding_body",
    "country",
    "issued",
    "valid_until",
    "outcomes",
    "ects",
    "eqf",
    "assessment",
    "participation",
    "quality",
)
"""EU elements an issuer makes always disclosed, in every format (Annex I mandatory course
elements: title, awarding body, issuer country, date of issuing, learning outcomes, workload in
ECTS, EQF level, type of assessment, form of participation, quality assurance; plus the kind of
credential and its end of validity). Everything else is the learner's choice."""

_RECORD_POINTERS: tuple[str, ...] = (
    "/issuer",
    "/validFrom",
    "/validUntil",
    "/awardedDate",
    "/credentialStatus",
    "/credentialSchema",
)


def _under(pointer: str, by: Sequence[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in by)


DEFAULT_MANDATORY_POINTERS: tuple[str, ...] = _RECORD_POINTERS + tuple(
    p for key in MANDATORY_ELEMENTS for p in ELEMENT_POINTERS[key] if not _under(p, _RECORD_POINTERS)
)
"""Always disclosed when present: the issuer, validity dates, status and schema, and the pointers
of :data:`MANDATORY_ELEMENTS` (and, through the pointers' paths, ``type`` and ``id`` of the
credential, subject and achievement)."""

SD_JWT_ELEMENT_CLAIMS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "kind": ("achievement_type",),
    "learner": ("name",),
    "awarding_body": ("awarding_body",),
    "country": ("issuer_country",),
    "issued": ("awarding_date",),
    "valid_until": ("exp",),
    "description": ("description",),
    "outcomes": ("learning_outcomes",),
    "ects": ("ects",),
    "credits_earned": ("credits_earned",),
    "workload_hours": ("workload_hours",),
    "eqf": ("eqf_level",),
    "qf_ehea": ("qf_ehea_level",),
    "nqf": ("nqf_level",),
    "assessment": ("type_of_assessment",),
    "participation": ("form_of_participation",),
    "supervision": ("supervision_and_id_verification",),
    "quality": ("type_of_quality_assurance",),
    "prerequisites": ("prerequisites",),
    "stackability": ("integration_stackability",),
    "part_of": ("is_part_of",),
    "grade": ("grade", "grading_scheme"),
    "further": ("further_information",),
}
"""EU element key -> the SD-JWT VC claims (``vct`` micro-credential) that carry it."""


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

    def claim_paths(self, field: DisclosableField) -> list[list[Any]]:
        """DCQL claim paths that select ``field`` (the inverse of :meth:`element_of_path`)."""
        ...

    def element_of_path(self, credential: Mapping[str, Any], path: Sequence[Any]) -> str | None:
        """The EU element a DCQL claim path asks for in ``credential`` (``None``: none of them)."""
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
                out.append(DisclosableField(key, present, all(_under(p, mandatory) for p in present)))
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

    def claim_paths(self, field: DisclosableField) -> list[list[Any]]:
        return [list(ecdsa_sd.parse_pointer(p)) for p in field.pointers]

    def element_of_path(self, credential: Mapping[str, Any], path: Sequence[Any]) -> str | None:
        selected = pointers_for_claim_paths(credential, [path])
        for field in self.fields(credential):
            for pointer in selected:
                if _under(pointer, field.pointers) or any(_under(p, [pointer]) for p in field.pointers):
                    return field.key
        return None


def _enveloped_sd_jwt(credential: Any) -> Any:
    from plecak.core.sdjwt import SdJwtError, parse_sd_jwt, sd_jwt_of

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
        from plecak.core.sdjwt import envelope

        parsed = _enveloped_sd_jwt(credential)
        if parsed is None:
            raise ProofError("not an SD-JWT VC")
        kept = [d.encoded for d in parsed.disclosures if d.name in names and d.name in parsed.disclosable()]
        return envelope("~".join([parsed.issuer_jwt, *kept]) + "~")

    def disclose(
        self, credential: Mapping[str, Any], keep: Sequence[str], loader: DocumentLoader | None = None
    ) -> dict[str, Any]:
        wanted = set(keep)
        unknown = wanted - set(ELEMENT_POINTERS)
        if unknown:
            raise ProofError(f"unknown element {sorted(unknown)[0]!r}")
        fields = self.fields(credential)
        names = {c for f in fields if f.key in wanted and not f.mandatory for c in f.pointers}
        return self._reduced(credential, names)

    def disclose_paths(
        self,
        credential: Mapping[str, Any],
        paths: Sequence[Sequence[Any]],
        loader: DocumentLoader | None = None,
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
