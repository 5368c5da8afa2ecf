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
credentials to people keeps its own forgiving readers and uses only the vocabulary from here.

The EU controlled-vocabulary IRIs and the enumerations of our extension context are defined here,
once (docs/datamodel.md §3, shared/contexts/plecak-mc-v1.jsonld).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

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

# -- vocabulary --------------------------------------------------------------------------
ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
"""The ELM ``CreditPoint.framework`` concept for ECTS credits (EU Vocabularies, education-credit)."""
EQF_PREFIX = "http://data.europa.eu/snb/eqf/"
"""EQF level concepts are this prefix and the level number (``…/eqf/6``)."""
EQF_FRAMEWORK_NAME = "European Qualifications Framework (EQF)"
EQF_ALIGNMENT_TYPE = "ext:EQFLevel"
"""``Alignment.targetType`` of the EQF alignment an issuer adds for displayers that show alignments."""
ESCO_ALIGNMENT_TYPE = "ext:ESCOSkill"

FORMS_OF_PARTICIPATION = ("Online", "Onsite", "Blended", "Volunteering", "WorkExperience")
QF_EHEA_CYCLES = ("ShortCycle", "FirstCycle", "SecondCycle", "ThirdCycle")
SUPERVISION_AND_ID_VERIFICATION = (
    "UnsupervisedNoIdVerification",
    "SupervisedNoIdVerification",
    "SupervisedOnlineWithIdVerification",
    "SupervisedOnsiteWithIdVerification",
)
INTEGRATION_STACKABILITY = ("StandAlone", "Stackable")
EXTENSION_ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "formOfParticipation": FORMS_OF_PARTICIPATION,
    "qfEheaLevel": QF_EHEA_CYCLES,
    "supervisionAndIdVerification": SUPERVISION_AND_ID_VERIFICATION,
    "integrationStackability": INTEGRATION_STACKABILITY,
}
"""The terms of our extension context whose value is one of a closed list (the context maps each
value to an IRI; any other value would expand to a relative IRI and fail to sign)."""

_T = TypeVar("_T")
_HOURS = re.compile(r"PT(\d+)H")


def eqf_iri(level: int | str) -> str:
    return f"{EQF_PREFIX}{level}"


def eqf_level_of(value: str | None) -> int | None:
    """The EQF level of an ``eqfLevel`` value (an EQF concept IRI, or the bare number)."""
    text = value.strip() if value else ""
    last = text.rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def hours_of(duration: str | None) -> int | None:
    """Whole hours of an ``xsd:duration`` of the form ``PT75H`` (other durations: ``None``)."""
    found = _HOURS.fullmatch(duration.strip()) if duration else None
    return int(found.group(1)) if found else None


def number_text(value: float) -> str:
    """A number as ELM writes a credit point: ``3``, ``2.5`` (no ``.0``)."""
    return str(int(value)) if float(value).is_integer() else str(value)


# -- reading JSON with the member named in every error ------------------------------------
class _Reader:
    """Reads members of one JSON object, remembering which ones the model took.

    Strict (the default), a member of the wrong shape raises; ``lenient``, it is left out (an item
    of a list is skipped) and reading goes on: for code that must make the best of foreign data.
    """

    def __init__(self, document: Any, where: str, lenient: bool = False) -> None:
        if not isinstance(document, Mapping):
            raise TypeError(f"{where} must be a JSON object, not {_kind(document)}")
        self.document: Mapping[str, Any] = document
        self.where = where
        self.lenient = lenient
        self.taken: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.where}.{key}"

    def raw(self, key: str) -> Any:
        self.taken.add(key)
        return self.document.get(key)

    def _bad(self, error: Exception) -> None:
        if not self.lenient:
            raise error

    def text(self, key: str, choices: tuple[str, ...] | None = None) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self._bad(TypeError(f"{self.name(key)} must be a string, not {_kind(value)}"))
            return None
        if choices is not None and value not in choices:
            self._bad(ValueError(f"{self.name(key)} must be one of {', '.join(choices)}, not {value!r}"))
            return None
        return value

    def number(self, key: str) -> int | float | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._bad(TypeError(f"{self.name(key)} must be a number, not {_kind(value)}"))
            return None
        if not _finite(value):
            self._bad(ValueError(f"{self.name(key)} must be a finite number"))
            return None
        return value

    def flag(self, key: str) -> bool | None:
        value = self.raw(key)
        if value is not None and not isinstance(value, bool):
            self._bad(TypeError(f"{self.name(key)} must be true or false, not {_kind(value)}"))
            return None
        return value

    def items(self, key: str) -> list[Any]:
        """A JSON-LD set: a list, or one value standing for a list of one."""
        value = self.raw(key)
        return [] if value is None else list(value) if isinstance(value, list) else [value]

    def texts(self, key: str) -> tuple[str, ...]:
        values = []
        for i, value in enumerate(self.items(key)):
            if isinstance(value, str):
                values.append(value)
            else:
                self._bad(TypeError(f"{self.name(key)}[{i}] must be a string, not {_kind(value)}"))
        return tuple(values)

    def each(self, key: str, read: Callable[..., _T]) -> tuple[_T, ...]:
        """Each item of a set, read by ``read`` (a ``from_open_badges``)."""
        out = []
        for i, value in enumerate(self.items(key)):
            try:
                out.append(read(value, f"{self.name(key)}[{i}]", lenient=self.lenient))
            except (TypeError, ValueError) as error:
                self._bad(error)
        return tuple(out)

    def one(self, key: str, read: Callable[..., _T]) -> _T | None:
        """The object (or IRI) in one member, read by ``read`` (a ``from_open_badges``)."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            return read(value, self.name(key), lenient=self.lenient)
        except (TypeError, ValueError) as error:
            self._bad(error)
            return None

    def extra(self) -> dict[str, Any]:
        return {k: v for k, v in self.document.items() if k not in self.taken}


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, Mapping) else type(value).__name__


def _json(members: Iterable[tuple[str, Any]], extra: Mapping[str, Any], order: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object of the stated members (``None`` and empty tuples left out) and the kept extras,
    in ``order`` first, then the extras as they came."""
    out = dict(extra)
    for key, value in members:
        if value is None or value == ():
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    rank = {key: i for i, key in enumerate(order)}
    return dict(sorted(out.items(), key=lambda kv: rank.get(kv[0], len(order))))


# -- the parts ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CreditPoint:
    """ELM ``CreditPoint``: ``point`` credits of ``framework`` (ECTS: :data:`ECTS_FRAMEWORK`)."""

    framework: str | None
    point: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> float:
        return float(self.point)

    @classmethod
    def from_open_badges(cls, document: Any, where: str = "creditPoint", *, lenient: bool = False) -> CreditPoint:
        r = _Reader(document, where, lenient)
        framework = r.text("framework")
        point = r.raw("point")
        if isinstance(point, int | float) and not isinstance(point, bool) and _finite(point):
            point = number_text(point)
        if not isinstance(point, str):
            raise TypeError(f"{r.name('point')} must be a decimal number as a string, not {_kind(point)}")
        try:
            number = float(point)
        except ValueError:
            raise ValueError(f"{r.name('point')} must be a decimal number, not {point!r}") from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"{r.name('point')} must be a number of credits, not {point!r}")
        r.taken.add("type")
        return cls(framework, point, r.extra())

    def to_open_badges(self) -> dict[str, Any]:
        return _json(
            (("type", "CreditPoint"), ("framework", self.framework), ("point", self.point)),
            self.extra,
            ("type", "framework", "point"),
        )


@dataclass(frozen=True)
class Organisation:
    """An awarding body (an OB ``Profile``): given as an IRI only, or as an object."""

    id: str | None = None
    name: str | None = None
    url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    reference: bool = False
    """Given as a bare IRI (``id`` only) rather than as an object."""

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> Organisation:
        if isinstance(document, str):
            return cls(id=document, reference=True)
        r = _Reader(document, where, lenient)
        return cls(r.text("id"), r.text("name"), r.text("url"), r.extra())

    def to_open_badges(self) -> str | dict[str, Any]:
        if self.reference and self.id is not None:
            return self.id
        return _json(
            (("id", self.id), ("name", self.name), ("url", self.url)), self.extra, ("id", "type", "name", "url")
        )


@dataclass(frozen=True)
class Address:
    country: str | None = None
    country_code: str | None = None
    """ISO 3166-1 alpha-2, as the issuer wrote it."""
    region: str | None = None
    locality: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> Address:
        r = _Reader(document, where, lenient)
        return cls(
            r.text("addressCountry"), r.text("addressCountryCode"), r.text("addressRegion"),
            r.text("addressLocality"), r.extra(),
        )  # fmt: skip

    def to_open_badges(self) -> dict[str, Any]:
        return _json(
            (
                ("addressCountry", self.country),
                ("addressCountryCode", self.country_code),
                ("addressRegion", self.region),
                ("addressLocality", self.locality),
            ),
            self.extra,
            ("type", "addressCountry", "addressCountryCode", "addressRegion", "addressLocality"),
        )


@dataclass(frozen=True)
class Issuer:
    """The issuer (an OB ``Profile``), by IRI only or as an object with its address."""

    id: str | None = None
    name: str | None = None
    url: str | None = None
    address: Address | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    reference: bool = False

    @property
    def country(self) -> str | None:
        """The country as the credential states it: its code when given, else its name."""
        if self.address is None:
            return None
        return self.address.country_code or self.address.country

    @classmethod
    def from_open_badges(cls, document: Any, where: str = "issuer", *, lenient: bool = False) -> Issuer:
        if isinstance(document, str):
            return cls(id=document, reference=True)
        r = _Reader(document, where, lenient)
        return cls(
            r.text("id"),
            r.text("name"),
            r.text("url"),
            r.one("address", Address.from_open_badges),
            r.extra(),
        )

    def to_open_badges(self) -> str | dict[str, Any]:
        if self.reference and self.id is not None:
            return self.id
        address = self.address.to_open_badges() if self.address else None
        return _json(
            (("id", self.id), ("name", self.name), ("url", self.url), ("address", address)),
            self.extra,
            ("id", "type", "name", "url", "address"),
        )


@dataclass(frozen=True)
class GradingScheme:
    """An OB ``ResultDescription``: how the grade is given."""

    id: str | None = None
    name: str | None = None
    result_type: str | None = None
    allowed_values: tuple[str, ...] = ()
    required_value: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> GradingScheme:
        r = _Reader(document, where, lenient)
        return cls(
            r.text("id"), r.text("name"), r.text("resultType"), r.texts("allowedValue"),
            r.text("requiredValue"), r.extra(),
        )  # fmt: skip

    def to_open_badges(self) -> dict[str, Any]:
        return _json(
            (
                ("id", self.id),
                ("name", self.name),
                ("resultType", self.result_type),
                ("allowedValue", self.allowed_values),
                ("requiredValue", self.required_value),
            ),
            self.extra,
            ("id", "type", "name", "resultType", "allowedValue", "requiredValue"),
        )


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
        r = _Reader(document, where, lenient)
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
        return _json(
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
class IdentityObject:
    """An OB ``IdentityObject`` naming the learner (``identityType`` ``name``, ``emailAddress``…)."""

    identity_type: str | None = None
    hashed: bool | None = None
    identity_hash: str | None = None
    salt: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> IdentityObject:
        r = _Reader(document, where, lenient)
        return cls(r.text("identityType"), r.flag("hashed"), r.text("identityHash"), r.text("salt"), r.extra())

    def to_open_badges(self) -> dict[str, Any]:
        return _json(
            (
                ("identityType", self.identity_type),
                ("hashed", self.hashed),
                ("identityHash", self.identity_hash),
                ("salt", self.salt),
            ),
            self.extra,
            ("type", "identityType", "hashed", "identityHash", "salt"),
        )


@dataclass(frozen=True)
class Result:
    """An OB ``Result``: the grade, pointing at its :class:`GradingScheme` by id."""

    value: str | None = None
    result_description: str | None = None
    achieved_level: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> Result:
        r = _Reader(document, where, lenient)
        return cls(r.text("value"), r.text("resultDescription"), r.text("achievedLevel"), r.extra())

    def to_open_badges(self) -> dict[str, Any]:
        return _json(
            (
                ("resultDescription", self.result_description),
                ("value", self.value),
                ("achievedLevel", self.achieved_level),
            ),
            self.extra,
            ("type", "resultDescription", "value", "achievedLevel"),
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
        r = _Reader(document, where, lenient)
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
        return _json(
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
        r = _Reader(document, where, lenient)
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
        return _json(
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
