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

The EU controlled-vocabulary IRIs (:mod:`.vocabulary`) and the parts (:mod:`.credential_parts`)
are re-exported here, so that users import the model from one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .credential_parts import Address, CreditPoint, GradingScheme, IdentityObject, Issuer, Organisation, Result
from .reading import JsonReader, json_object
from .vocabulary import (
    ECTS_FRAMEWORK,
    EQF_ALIGNMENT_TYPE,
    EQF_FRAMEWORK_NAME,
    EQF_PREFIX,
    ESCO_ALIGNMENT_TYPE,
    EXTENSION_ENUMERATIONS,
    FORMS_OF_PARTICIPATION,
    INTEGRATION_STACKABILITY,
    QF_EHEA_CYCLES,
    SUPERVISION_AND_ID_VERIFICATION,
    eqf_iri,
    eqf_level_of,
    hours_of,
    number_text,
)

__all__ = [
    "ECTS_FRAMEWORK",
    "EQF_ALIGNMENT_TYPE",
    "EQF_FRAMEWORK_NAME",
    "EQF_PREFIX",
    "ESCO_ALIGNMENT_TYPE",
    "EXTENSION_ENUMERATIONS",
    "FORMS_OF_PARTICIPATION",
    "INTEGRATION_STACKABILITY",
    "QF_EHEA_CYCLES",
    "SUPERVISION_AND_ID_VERIFICATION",
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
    "eqf_iri",
    "eqf_level_of",
    "from_open_badges",
    "hours_of",
    "number_text",
    "to_open_badges",
    "to_sd_jwt_claims",
]

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
class Achievement:
    """The micro-credential as a course: an OB ``Achievement`` with the Annex I elements."""

    id: str | None = None
    title: str | None = None
    """``name``."""
    kind: str | None = None
    """``achievementType`` (``MicroCredential``, ``Certificate``…)."""
    description: str | None = None
    learning_outcomes: tuple[str, ...] = ()
    credits_available: int | float | None = None
    """OB ``creditsAvailable`` (our issuer writes the ECTS number there too, for OB consumers)."""
    credit_points: tuple[CreditPoint, ...] = ()
    volume_of_learning: str | None = None
    """Notional workload as an ``xsd:duration`` (``PT75H``)."""
    eqf_level: str | None = None
    """An EQF concept IRI (:func:`eqf_iri`)."""
    nqf_level: str | None = None
    qf_ehea_level: str | None = None
    type_of_assessment: str | None = None
    form_of_participation: str | None = None
    supervision_and_id_verification: str | None = None
    type_of_quality_assurance: str | None = None
    prerequisites: str | None = None
    grading: tuple[GradingScheme, ...] = ()
    integration_stackability: str | None = None
    is_part_of: tuple[str, ...] = ()
    """Ids of the achievements this one stacks towards."""
    further_information: str | None = None
    awarding_bodies: tuple[Organisation, ...] = ()
    """Only when they differ from the issuer or are several (otherwise the issuer awards it)."""
    extra: Mapping[str, Any] = field(default_factory=dict)

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

    @classmethod
    def from_open_badges(cls, document: Any, where: str = "achievement", *, lenient: bool = False) -> Achievement:
        r = JsonReader(document, where, lenient)
        enum = EXTENSION_ENUMERATIONS
        return cls(
            id=r.text("id"),
            title=r.text("name"),
            kind=r.text("achievementType"),
            description=r.text("description"),
            learning_outcomes=r.texts("learningOutcome"),
            credits_available=r.number("creditsAvailable"),
            credit_points=r.each("creditPoint", CreditPoint.from_open_badges),
            volume_of_learning=r.text("volumeOfLearning"),
            eqf_level=r.text("eqfLevel"),
            nqf_level=r.text("nqfLevel"),
            qf_ehea_level=r.text("qfEheaLevel", enum["qfEheaLevel"]),
            type_of_assessment=r.text("typeOfAssessment"),
            form_of_participation=r.text("formOfParticipation", enum["formOfParticipation"]),
            supervision_and_id_verification=r.text(
                "supervisionAndIdVerification", enum["supervisionAndIdVerification"]
            ),
            type_of_quality_assurance=r.text("typeOfQualityAssurance"),
            prerequisites=r.text("prerequisites"),
            grading=r.each("resultDescription", GradingScheme.from_open_badges),
            integration_stackability=r.text("integrationStackability", enum["integrationStackability"]),
            is_part_of=r.texts("isPartOf"),
            further_information=r.text("furtherInformation"),
            awarding_bodies=r.each("awardingBody", Organisation.from_open_badges),
            extra=r.extra(),
        )

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (
                ("id", self.id),
                ("achievementType", self.kind),
                ("name", self.title),
                ("description", self.description),
                ("creditsAvailable", self.credits_available),
                ("resultDescription", tuple(g.to_open_badges() for g in self.grading)),
                ("learningOutcome", self.learning_outcomes),
                ("volumeOfLearning", self.volume_of_learning),
                ("creditPoint", tuple(p.to_open_badges() for p in self.credit_points)),
                ("eqfLevel", self.eqf_level),
                ("nqfLevel", self.nqf_level),
                ("qfEheaLevel", self.qf_ehea_level),
                ("typeOfAssessment", self.type_of_assessment),
                ("formOfParticipation", self.form_of_participation),
                ("supervisionAndIdVerification", self.supervision_and_id_verification),
                ("typeOfQualityAssurance", self.type_of_quality_assurance),
                ("prerequisites", self.prerequisites),
                ("integrationStackability", self.integration_stackability),
                ("isPartOf", self.is_part_of),
                ("furtherInformation", self.further_information),
                ("awardingBody", tuple(b.to_open_badges() for b in self.awarding_bodies)),
            ),
            self.extra,
            _ACHIEVEMENT_ORDER,
        )


@dataclass(frozen=True)
class LearnerResult:
    """The credential's subject (an OB ``AchievementSubject``): who, with what grade and credits."""

    id: str | None = None
    name: str | None = None
    identifiers: tuple[IdentityObject, ...] = ()
    credits_earned: int | float | None = None
    results: tuple[Result, ...] = ()
    supervision_and_id_verification: str | None = None
    """When the supervision of the assessment varied per learner (else it is on the achievement)."""
    achievement: Achievement | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

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

    @classmethod
    def from_open_badges(
        cls, document: Any, where: str = "credentialSubject", *, lenient: bool = False
    ) -> LearnerResult:
        r = JsonReader(document, where, lenient)
        return cls(
            id=r.text("id"),
            name=r.text("name"),
            identifiers=r.each("identifier", IdentityObject.from_open_badges),
            credits_earned=r.number("creditsEarned"),
            results=r.each("result", Result.from_open_badges),
            supervision_and_id_verification=r.text("supervisionAndIdVerification", SUPERVISION_AND_ID_VERIFICATION),
            achievement=r.one("achievement", Achievement.from_open_badges),
            extra=r.extra(),
        )

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (
                ("id", self.id),
                ("name", self.name),
                ("identifier", tuple(i.to_open_badges() for i in self.identifiers)),
                ("creditsEarned", self.credits_earned),
                ("result", tuple(r.to_open_badges() for r in self.results)),
                ("supervisionAndIdVerification", self.supervision_and_id_verification),
                ("achievement", self.achievement.to_open_badges() if self.achievement else None),
            ),
            self.extra,
            ("id", "type", "name", "identifier", "creditsEarned", "result", "achievement"),
        )


@dataclass(frozen=True)
class MicroCredential:
    """An Open Badges 3.0 credential of one achievement (unsigned; a proof is kept in ``extra``)."""

    subject: LearnerResult
    id: str | None = None
    name: str | None = None
    issuer: Issuer | None = None
    valid_from: str | None = None
    awarded_date: str | None = None
    valid_until: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def achievement(self) -> Achievement | None:
        return self.subject.achievement

    @classmethod
    def from_open_badges(cls, document: Any, where: str = "credential", *, lenient: bool = False) -> MicroCredential:
        r = JsonReader(document, where, lenient)
        return cls(
            subject=LearnerResult.from_open_badges(
                r.raw("credentialSubject"), r.name("credentialSubject"), lenient=lenient
            ),
            id=r.text("id"),
            name=r.text("name"),
            issuer=r.one("issuer", Issuer.from_open_badges),
            valid_from=r.text("validFrom"),
            awarded_date=r.text("awardedDate"),
            valid_until=r.text("validUntil"),
            extra=r.extra(),
        )

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (
                ("id", self.id),
                ("name", self.name),
                ("issuer", self.issuer.to_open_badges() if self.issuer else None),
                ("validFrom", self.valid_from),
                ("awardedDate", self.awarded_date),
                ("validUntil", self.valid_until),
                ("credentialSubject", self.subject.to_open_badges()),
            ),
            self.extra,
            ("@context", "id", "type", "name", "description", "issuer", "validFrom", "awardedDate", "validUntil"),
        )


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
