"""The typed model of an EU micro-credential, and its one mapping to and from Open Badges 3.0.

:class:`MicroCredential` is an Open Badges 3.0 credential whose subject (:class:`LearnerResult`:
the learner, grade and credits earned) holds an :class:`Achievement` (the course: the Annex I
elements of Council Recommendation 2022/C 243/02), awarded by an :class:`Issuer`. Each class reads
the Open Badges JSON-LD form with ``from_open_badges`` and writes it with ``to_open_badges``; the
members the model does not name (``type``, ``criteria``, ``alignment``, ``image``…) are kept as they
were in ``extra``, so reading and writing again gives the same JSON. :func:`to_sd_jwt_claims` is the
one mapping to the flat claims of our SD-JWT VC type.

Reading is tolerant of missing elements (they stay ``None`` or empty) and strict about shapes: a
value of the wrong JSON type raises :class:`TypeError`, a value outside its vocabulary
:class:`ValueError`, both naming the member (``achievement.eqfLevel``). Code that shows untrusted
credentials to people reads them with the tolerant :func:`.shown.read_shown` instead.

The parts (:mod:`.credential_parts`) are re-exported here, so that users import the model from one
place; the EU controlled-vocabulary IRIs are in :mod:`.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .credential_parts import Address, CreditPoint, GradingScheme, IdentityObject, Issuer, Organisation, Result
from .members import OpenBadgesObject, member, part, parts
from .vocabulary import (
    ECTS_FRAMEWORK,
    EXTENSION_ENUMERATIONS,
    SUPERVISION_AND_ID_VERIFICATION,
    eqf_level_of,
    hours_of,
)

__all__ = [
    "Achievement",
    "Address",
    "CreditPoint",
    "GradingScheme",
    "IdentityObject",
    "Issuer",
    "LearnerResult",
    "MicroCredential",
    "Organisation",
    "Result",
    "from_open_badges",
    "to_open_badges",
    "to_sd_jwt_claims",
]

_ENUM = EXTENSION_ENUMERATIONS

# The Achievement's members in the order the issuer writes them (extras not named here go last).
_ACHIEVEMENT_ORDER = (
    "id", "type", "achievementType", "name", "description", "criteria", "image", "inLanguage",
    "fieldOfStudy", "humanCode", "creditsAvailable", "alignment", "resultDescription",
    "learningOutcome", "volumeOfLearning", "creditPoint", "eqfLevel", "nqfLevel", "qfEheaLevel",
    "typeOfAssessment", "formOfParticipation", "supervisionAndIdVerification",
    "typeOfQualityAssurance", "prerequisites", "integrationStackability", "isPartOf",
    "furtherInformation", "awardingBody",
)  # fmt: skip


@dataclass(frozen=True)
class Achievement(OpenBadgesObject):
    """The micro-credential as a course: an OB ``Achievement`` with the Annex I elements."""

    where = "achievement"
    order = _ACHIEVEMENT_ORDER

    id: str | None = member("id")
    title: str | None = member("name")
    kind: str | None = member("achievementType")
    """``achievementType`` (``MicroCredential``, ``Certificate``…)."""
    description: str | None = member("description")
    learning_outcomes: tuple[str, ...] = member("learningOutcome", "texts")
    credits_available: int | float | None = member("creditsAvailable", "number")
    """OB ``creditsAvailable`` (our issuer writes the ECTS number there too, for OB consumers)."""
    credit_points: tuple[CreditPoint, ...] = parts("creditPoint", CreditPoint)
    volume_of_learning: str | None = member("volumeOfLearning")
    """Notional workload as an ``xsd:duration`` (``PT75H``)."""
    eqf_level: str | None = member("eqfLevel")
    """An EQF concept IRI (:func:`~plecak.core.model.vocabulary.eqf_iri`)."""
    nqf_level: str | None = member("nqfLevel")
    qf_ehea_level: str | None = member("qfEheaLevel", choices=_ENUM["qfEheaLevel"])
    type_of_assessment: str | None = member("typeOfAssessment")
    form_of_participation: str | None = member("formOfParticipation", choices=_ENUM["formOfParticipation"])
    supervision_and_id_verification: str | None = member(
        "supervisionAndIdVerification", choices=_ENUM["supervisionAndIdVerification"]
    )
    type_of_quality_assurance: str | None = member("typeOfQualityAssurance")
    prerequisites: str | None = member("prerequisites")
    grading: tuple[GradingScheme, ...] = parts("resultDescription", GradingScheme)
    integration_stackability: str | None = member("integrationStackability", choices=_ENUM["integrationStackability"])
    is_part_of: tuple[str, ...] = member("isPartOf", "texts")
    """Ids of the achievements this one stacks towards."""
    further_information: str | None = member("furtherInformation")
    awarding_bodies: tuple[Organisation, ...] = parts("awardingBody", Organisation)
    """Only when they differ from the issuer or are several (otherwise the issuer awards it)."""

    @property
    def ects(self) -> float | None:
        """ECTS credits: the first ECTS credit point of more than 0 credits, else ``creditsAvailable``."""
        for point in self.credit_points:
            if point.framework == ECTS_FRAMEWORK and point.value > 0:
                return point.value
        return None if self.credits_available is None else float(self.credits_available)

    @property
    def eqf(self) -> int | None:
        return eqf_level_of(self.eqf_level)

    @property
    def workload_hours(self) -> int | None:
        return hours_of(self.volume_of_learning)


@dataclass(frozen=True)
class LearnerResult(OpenBadgesObject):
    """The credential's subject (an OB ``AchievementSubject``): who, with what grade and credits."""

    where = "credentialSubject"
    order = ("id", "type", "name", "identifier", "creditsEarned", "result", "achievement")

    id: str | None = member("id")
    name: str | None = member("name")
    identifiers: tuple[IdentityObject, ...] = parts("identifier", IdentityObject)
    credits_earned: int | float | None = member("creditsEarned", "number")
    results: tuple[Result, ...] = parts("result", Result)
    supervision_and_id_verification: str | None = member(
        "supervisionAndIdVerification", choices=SUPERVISION_AND_ID_VERIFICATION
    )
    """When the supervision of the assessment varied per learner (else it is on the achievement)."""
    achievement: Achievement | None = part("achievement", Achievement)

    @property
    def learner_name(self) -> str | None:
        """The subject's ``name``, else the clear (unhashed) ``name`` identity."""
        if self.name and self.name.strip():
            return self.name
        for ident in self.identifiers:
            if ident.identity_type == "name" and ident.hashed is False and (ident.identity_hash or "").strip():
                return ident.identity_hash
        return None

    @property
    def grade(self) -> str | None:
        return self.results[0].value if self.results else None


@dataclass(frozen=True)
class MicroCredential(OpenBadgesObject):
    """An Open Badges 3.0 credential of one achievement (unsigned; a proof is kept in ``extra``)."""

    where = "credential"
    order = ("@context", "id", "type", "name", "description", "issuer", "validFrom", "awardedDate", "validUntil")

    subject: LearnerResult = part("credentialSubject", LearnerResult, required=True)
    id: str | None = member("id")
    name: str | None = member("name")
    issuer: Issuer | None = part("issuer", Issuer)
    valid_from: str | None = member("validFrom")
    awarded_date: str | None = member("awardedDate")
    valid_until: str | None = member("validUntil")

    @property
    def achievement(self) -> Achievement | None:
        return self.subject.achievement


def from_open_badges(document: Mapping[str, Any]) -> MicroCredential | Achievement:
    """A credential (it has a ``credentialSubject``) or an achievement, read from Open Badges JSON."""
    if isinstance(document, Mapping) and "credentialSubject" in document:
        return MicroCredential.from_open_badges(document)
    return Achievement.from_open_badges(document)


def to_open_badges(model: MicroCredential | Achievement) -> dict[str, Any]:
    return model.to_open_badges()


# -- SD-JWT VC claims ---------------------------------------------------------------------
def _body(org: Organisation | Issuer | None) -> dict[str, str]:
    if org is None:
        return {}
    return {k: v for k, v in (("id", org.id), ("name", org.name)) if v}


def _achievement_claims(ach: Achievement) -> dict[str, Any]:
    ects = ach.ects
    claims: dict[str, Any] = {
        "achievement_id": ach.id,
        "title": ach.title,
        "achievement_type": ach.kind,
        "learning_outcomes": list(ach.learning_outcomes) or None,
        "ects": int(ects) if ects is not None and ects.is_integer() else ects,
        "eqf_level": ach.eqf,
        "type_of_assessment": ach.type_of_assessment,
        "form_of_participation": ach.form_of_participation,
        "type_of_quality_assurance": ach.type_of_quality_assurance,
        "description": ach.description,
        "qf_ehea_level": ach.qf_ehea_level,
        "nqf_level": ach.nqf_level,
        "supervision_and_id_verification": ach.supervision_and_id_verification,
        "prerequisites": ach.prerequisites,
        "integration_stackability": ach.integration_stackability,
        "further_information": ach.further_information,
        "is_part_of": list(ach.is_part_of) or None,
        "workload_hours": ach.workload_hours,
    }
    if ach.grading and ach.grading[0].name and ach.grading[0].name.strip():
        claims["grading_scheme"] = ach.grading[0].name
    return claims


def to_sd_jwt_claims(credential: MicroCredential) -> dict[str, Any]:
    """The flat claims of our SD-JWT VC type (``vct`` micro-credential, docs/sd-jwt-vc.md) for a
    micro-credential. Registered claims (``iss``, ``iat``, ``cnf``, ``status``…) are not included:
    the SD-JWT issuing code adds them. Empty elements are left out."""
    ach = credential.achievement
    if ach is None:
        raise ValueError("credential.credentialSubject.achievement is missing")
    subject = credential.subject
    claims = _achievement_claims(ach)
    bodies = [_body(b) for b in ach.awarding_bodies if not b.reference]
    claims["awarding_body"] = bodies if ach.awarding_bodies else [_body(credential.issuer)]
    claims["issuer_country"] = credential.issuer.country if credential.issuer else None
    date = next((d.strip() for d in (credential.awarded_date, credential.valid_from) if d and d.strip()), None)
    claims["awarding_date"] = date[:10] if date else None
    claims["name"] = subject.learner_name
    claims["credits_earned"] = subject.credits_earned
    claims["grade"] = subject.grade
    return {k: v for k, v in claims.items() if v is not None and v != ""}
