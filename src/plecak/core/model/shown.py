"""A tolerant, typed reading of any credential, for showing it to people.

:class:`~plecak.core.model.micro_credential.MicroCredential` reads what our issuer writes and is
strict about shapes. The wallet's credential page and the verifier's result rows must also show
credentials from anyone else (other Open Badges 3.0 issuers, plain VC 2.0 or 1.1 credentials, an
SD-JWT VC's claims in the Open Badges shape, what a ``vc+jwt`` envelope secures), so
:func:`read_shown` never raises and turns every value it can into text: a JSON-LD value object or
language map gives its text, a number its digits, a list its items joined (``;``), an object its
``name`` or ``id``. Each Annex I element is then *stated* (a value to show) or *not stated*
(``None``): :meth:`ShownCredential.elements`, keyed like :data:`~.elements.ELEMENT_POINTERS`.

Values are the credential's own words, untrusted: whoever shows them escapes them. Dates stay as
written (pages format them); vocabulary values (``FirstCycle``) are left for pages to translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .elements import ELEMENT_POINTERS
from .reading import as_list, mapping, text_of, texts_of
from .shown_parts import Alignment, Body, Evidence, Grade, Place
from .vocabulary import ECTS_FRAMEWORK, EQF_PREFIX

__all__ = [
    "Alignment",
    "Body",
    "Evidence",
    "Grade",
    "Place",
    "ShownAchievement",
    "ShownCredential",
    "Value",
    "read_shown",
]

Value = str | tuple[str, ...] | None
"""An element as shown: a text, a list of texts, or ``None`` (not stated)."""


@dataclass(frozen=True)
class ShownAchievement:
    """The achievement's Annex I elements as text (all ``None``/empty when there is no achievement)."""

    id: str | None = None
    title: str | None = None
    kind: str | None = None
    description: str | None = None
    outcomes: tuple[str, ...] = ()
    ects_points: tuple[str, ...] = ()
    """The ``point`` of each ECTS ``creditPoint``."""
    credits_available: str | None = None
    workload: str | None = None
    eqf_level: str | None = None
    """``eqfLevel`` as written (an EQF concept IRI, or anything else)."""
    nqf: str | None = None
    qf_ehea: str | None = None
    assessment: str | None = None
    participation: str | None = None
    supervision: str | None = None
    quality: str | None = None
    prerequisites: str | None = None
    grading_schemes: tuple[tuple[str | None, str | None], ...] = ()
    """``(id, name)`` of each ``resultDescription``."""
    stackability: str | None = None
    part_of: tuple[str, ...] = ()
    further: str | None = None
    awarding_bodies: tuple[Body, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    code: str | None = None
    """``humanCode``."""
    language: str | None = None
    """``inLanguage`` (a BCP 47 tag, as written)."""
    composition_rule: str | None = None

    @property
    def eqf(self) -> str | None:
        """The EQF level: the number of an EQF concept IRI, ``eqfLevel`` as written, else an EQF
        alignment's code or name."""
        level = self.eqf_level
        if level is not None:
            return level.removeprefix(EQF_PREFIX) or None
        for alignment in self.alignments:
            if alignment.is_eqf and (alignment.code or alignment.name):
                return alignment.code or alignment.name
        return None

    @property
    def skills(self) -> tuple[str, ...]:
        """Names of the ESCO skills it is aligned with."""
        return tuple(a.name for a in self.alignments if a.is_esco and a.name)

    @classmethod
    def read(cls, value: Any) -> ShownAchievement:
        a = mapping(value)
        return cls(
            id=text_of(a.get("id")),
            title=text_of(a.get("name")),
            kind=text_of(a.get("achievementType")),
            description=text_of(a.get("description")),
            outcomes=texts_of(a.get("learningOutcome")),
            ects_points=tuple(
                t
                for p in as_list(a.get("creditPoint"))
                if isinstance(p, Mapping) and p.get("framework") == ECTS_FRAMEWORK
                for t in [text_of(p.get("point"))]
                if t
            ),
            credits_available=text_of(a.get("creditsAvailable")),
            workload=text_of(a.get("volumeOfLearning")),
            eqf_level=text_of(a.get("eqfLevel")),
            nqf=text_of(a.get("nqfLevel")),
            qf_ehea=text_of(a.get("qfEheaLevel")),
            assessment=text_of(a.get("typeOfAssessment")),
            participation=text_of(a.get("formOfParticipation")),
            supervision=text_of(a.get("supervisionAndIdVerification")),
            quality=text_of(a.get("typeOfQualityAssurance")),
            prerequisites=text_of(a.get("prerequisites")),
            grading_schemes=tuple(
                (text_of(d.get("id")), text_of(d.get("name")))
                for d in as_list(a.get("resultDescription"))
                if isinstance(d, Mapping)
            ),
            stackability=text_of(a.get("integrationStackability")),
            part_of=texts_of(a.get("isPartOf")),
            further=text_of(a.get("furtherInformation")),
            awarding_bodies=tuple(b for b in map(Body.read, as_list(a.get("awardingBody"))) if b.label),
            alignments=tuple(Alignment.read(x) for x in as_list(a.get("alignment")) if isinstance(x, Mapping)),
            code=text_of(a.get("humanCode")),
            language=text_of(a.get("inLanguage")),
            composition_rule=text_of(a.get("compositionRule")),
        )


def _learner(subject: Mapping[str, Any]) -> str | None:
    """The subject's ``name``, else the clear (not hashed) ``name`` identity."""
    name = text_of(subject.get("name"))
    if name:
        return name
    for ident in as_list(subject.get("identifier")):
        if isinstance(ident, Mapping) and ident.get("identityType") == "name" and ident.get("hashed") is not True:
            found = text_of(ident.get("identityHash"))
            if found:
                return found
    return None


def _grades(subject: Mapping[str, Any], schemes: tuple[tuple[str | None, str | None], ...]) -> tuple[Grade, ...]:
    names = {scheme_id: name for scheme_id, name in schemes if scheme_id}
    grades = []
    for result in as_list(subject.get("result")):
        if isinstance(result, Mapping):
            pointer = result.get("resultDescription")
            scheme = names.get(pointer) if isinstance(pointer, str) else None
            grades.append(Grade(text_of(result.get("value")), text_of(result.get("achievedLevel")), scheme))
    return tuple(grades)


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """The subject shown: the first with an achievement, else the first object."""
    subjects = [s for s in as_list(credential.get("credentialSubject")) if isinstance(s, Mapping)]
    with_achievement = [s for s in subjects if isinstance(s.get("achievement"), Mapping)]
    return next(iter(with_achievement or subjects), {})


@dataclass(frozen=True)
class ShownCredential:
    """Any credential, read for showing: the EU micro-credential elements it states, as text."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    types: tuple[str, ...] = ()
    issuer: Body = field(default_factory=Body)
    place: Place = field(default_factory=Place)
    awarded_date: str | None = None
    valid_from: str | None = None
    issuance_date: str | None = None
    """VC 1.1."""
    valid_until: str | None = None
    expiration_date: str | None = None
    """VC 1.1."""
    subject_ids: tuple[str, ...] = ()
    subject_id: str | None = None
    learner: str | None = None
    credits_earned: str | None = None
    supervision_of_learner: str | None = None
    """The subject's ``supervisionAndIdVerification`` (when it varied per learner)."""
    grades: tuple[Grade, ...] = ()
    achievement: ShownAchievement = field(default_factory=ShownAchievement)
    evidence: tuple[Evidence, ...] = ()

    @property
    def title(self) -> str | None:
        return self.achievement.title or self.name

    @property
    def issued(self) -> str | None:
        """The date of issuing as written: ``awardedDate``, else ``validFrom``, else ``issuanceDate``."""
        return self.awarded_date or self.valid_from or self.issuance_date

    @property
    def until(self) -> str | None:
        return self.valid_until or self.expiration_date

    @property
    def ects(self) -> str | None:
        """ECTS credits: an ECTS credit point, else the credits earned, else ``creditsAvailable``."""
        points = self.achievement.ects_points
        return (points[0] if points else None) or self.credits_earned or self.achievement.credits_available

    @property
    def awarding_bodies(self) -> tuple[str, ...]:
        """The awarding bodies' names (or ids); the issuer's when the achievement names none."""
        named = tuple(b.label for b in self.achievement.awarding_bodies if b.label)
        return named or tuple(x for x in (self.issuer.label,) if x)

    @property
    def supervision(self) -> str | None:
        """On the achievement, else on the learner's result."""
        return self.achievement.supervision or self.supervision_of_learner

    def elements(self) -> dict[str, Value]:
        """Every EU element key of :data:`~.elements.ELEMENT_POINTERS` → its value, ``None`` when the
        credential does not state it (grades joined, each with its scheme)."""
        a = self.achievement
        grades = "; ".join(f"{g.text} ({g.scheme})" if g.scheme else str(g.text) for g in self.grades if g.text)
        values: dict[str, Value] = {
            "title": self.title,
            "kind": a.kind,
            "learner": self.learner,
            "awarding_body": "; ".join(self.awarding_bodies) or None,
            "country": self.place.country or self.place.country_code,
            "issued": self.issued,
            "valid_until": self.until,
            "description": a.description,
            "outcomes": a.outcomes,
            "ects": self.ects,
            "credits_earned": self.credits_earned,
            "workload_hours": a.workload,
            "eqf": a.eqf,
            "qf_ehea": a.qf_ehea,
            "nqf": a.nqf,
            "assessment": a.assessment,
            "participation": a.participation,
            "supervision": self.supervision,
            "quality": a.quality,
            "prerequisites": a.prerequisites,
            "stackability": a.stackability,
            "part_of": a.part_of,
            "skills": a.skills,
            "grade": grades or None,
            "further": a.further,
            "code": a.code,
            "language": a.language,
        }
        return {key: values[key] or None for key in ELEMENT_POINTERS}

    def stated(self, key: str) -> bool:
        """Whether the credential states the element ``key`` (else: not stated, or not shared)."""
        return self.elements().get(key) is not None


def read_shown(document: Any) -> ShownCredential:
    """Read any credential (any JSON, in fact) for showing; never raises."""
    credential = mapping(document)
    subject = _subject(credential)
    achievement = ShownAchievement.read(subject.get("achievement"))
    issuer = credential.get("issuer")
    return ShownCredential(
        id=text_of(credential.get("id")),
        name=text_of(credential.get("name")),
        description=text_of(credential.get("description")),
        types=tuple(t for t in as_list(credential.get("type")) if isinstance(t, str)),
        issuer=Body.read(issuer),
        place=Place.read(issuer.get("address") if isinstance(issuer, Mapping) else None),
        awarded_date=text_of(credential.get("awardedDate")),
        valid_from=text_of(credential.get("validFrom")),
        issuance_date=text_of(credential.get("issuanceDate")),
        valid_until=text_of(credential.get("validUntil")),
        expiration_date=text_of(credential.get("expirationDate")),
        subject_ids=tuple(
            str(s["id"])
            for s in as_list(credential.get("credentialSubject"))
            if isinstance(s, Mapping) and isinstance(s.get("id"), str)
        ),
        subject_id=text_of(subject.get("id")),
        learner=_learner(subject),
        credits_earned=text_of(subject.get("creditsEarned")),
        supervision_of_learner=text_of(subject.get("supervisionAndIdVerification")),
        grades=_grades(subject, achievement.grading_schemes),
        achievement=achievement,
        evidence=tuple(Evidence.read(e) for e in as_list(credential.get("evidence")) if isinstance(e, Mapping)),
    )
