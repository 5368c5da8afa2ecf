"""The EU micro-credential elements (Annex I) and where each lives in a credential.

An *element* is named by the same key as the verifier's display rows. :data:`ELEMENT_POINTERS`
says where it lives in an Open Badges 3.0 credential (JSON pointers), :data:`SD_JWT_ELEMENT_CLAIMS`
which SD-JWT VC claims carry it, and :data:`MANDATORY_ELEMENTS` which ones an issuer always
discloses, in every format. :mod:`plecak.core.disclosure` and :mod:`plecak.core.sdjwt` both read
them from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from plecak.core.errors import ProofError
from plecak.core.jsonld.select import parse_pointer

__all__ = [
    "DEFAULT_MANDATORY_POINTERS",
    "ELEMENT_POINTERS",
    "MANDATORY_ELEMENTS",
    "SD_JWT_ELEMENT_CLAIMS",
    "default_mandatory_pointers",
    "is_under",
    "lookup_pointer",
    "pointer_exists",
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


def is_under(pointer: str, by: Sequence[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in by)


DEFAULT_MANDATORY_POINTERS: tuple[str, ...] = _RECORD_POINTERS + tuple(
    p for key in MANDATORY_ELEMENTS for p in ELEMENT_POINTERS[key] if not is_under(p, _RECORD_POINTERS)
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


def lookup_pointer(document: Any, pointer: str) -> tuple[bool, Any]:
    try:
        tokens = parse_pointer(pointer)
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
    return lookup_pointer(document, pointer)[0]


def default_mandatory_pointers(credential: Mapping[str, Any]) -> list[str]:
    """The :data:`DEFAULT_MANDATORY_POINTERS` present in ``credential`` (a credential without a
    field the defaults name still signs)."""
    return [p for p in DEFAULT_MANDATORY_POINTERS if pointer_exists(credential, p)]
