"""Reading a stored credential for people: title, awarding body and every EU micro-credential element.

Credentials are untrusted data: everything here returns plain strings and lists that templates
escape. Unknown shapes give ``None`` rather than errors, so a foreign credential still shows what it has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plecak.core.model.vocabulary import ECTS_FRAMEWORK, EQF_PREFIX
from plecak.core.timeutil import parse_datetime
from plecak.runtime.countries import country_code, country_name, language_name

__all__ = ["CredentialView", "matches", "subject_ids", "types_of", "view"]


@dataclass
class CredentialView:
    title: str
    issuer_name: str | None = None
    issuer_id: str | None = None
    issuer_country: str | None = None
    issuer_place: str | None = None
    issuer_locality: list[str] = field(default_factory=list)
    """Town and region, as the issuer wrote them (the country is shown in the reader's language)."""
    issuer_url: str | None = None
    issued: str | None = None
    valid_until: str | None = None
    description: str | None = None
    achievement_type: str | None = None
    learner_name: str | None = None
    subject_id: str | None = None
    credential_id: str | None = None
    learning_outcomes: list[str] = field(default_factory=list)
    ects: str | None = None
    credits_earned: str | None = None
    workload: str | None = None
    eqf_level: str | None = None
    nqf_level: str | None = None
    qf_ehea_level: str | None = None
    assessment: str | None = None
    participation: str | None = None
    supervision: str | None = None
    quality_assurance: str | None = None
    prerequisites: str | None = None
    grade: str | None = None
    grading_scheme: str | None = None
    stackability: str | None = None
    part_of: list[str] = field(default_factory=list)
    further_information: str | None = None
    awarding_bodies: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    code: str | None = None
    language: str | None = None

    @property
    def is_micro_credential(self) -> bool:
        return self.achievement_type == "MicroCredential"

    def country(self, lang: str = "en") -> str | None:
        """The issuer's country in the reader's language (as the issuer wrote it when unknown to us)."""
        return country_name(self.issuer_country, lang)

    def place(self, lang: str = "en") -> str | None:
        """Town, region and country of the issuer, the country in the reader's language."""
        parts = [*self.issuer_locality, self.country(lang)]
        return ", ".join(p for p in parts if p) or None

    def fields(self, lang: str = "en") -> list[tuple[str, Any]]:
        """``(message key, value)`` of every element present, in Annex I order (for the detail page);
        country and language names in ``lang``."""
        rows: list[tuple[str, Any]] = [
            ("field.title", self.title),
            ("field.awarding_body", "; ".join(self.awarding_bodies) or self.issuer_name),
            ("field.country", self.place(lang)),
            ("field.issued", self.issued),
            ("field.valid_until", self.valid_until),
            ("field.learner", self.learner_name),
            ("field.description", self.description),
            ("field.learning_outcomes", self.learning_outcomes),
            ("field.ects", self.ects),
            ("field.credits_earned", self.credits_earned),
            ("field.workload", self.workload),
            ("field.eqf", self.eqf_level),
            ("field.nqf", self.nqf_level),
            ("field.qf_ehea", self.qf_ehea_level),
            ("field.assessment", self.assessment),
            ("field.participation", self.participation),
            ("field.supervision", self.supervision),
            ("field.quality_assurance", self.quality_assurance),
            ("field.prerequisites", self.prerequisites),
            ("field.grade", self.grade),
            ("field.grading_scheme", self.grading_scheme),
            ("field.stackability", self.stackability),
            ("field.part_of", self.part_of),
            ("field.skills", self.skills),
            ("field.further_information", self.further_information),
            ("field.code", self.code),
            ("field.language", language_name(self.language, lang)),
        ]
        return [(k, v) for k, v in rows if v]


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, Mapping):  # a JSON-LD language map or value object
        for key in ("@value", "en", "pl"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _texts(value: Any) -> list[str]:
    return [t for t in (_text(v) for v in _list(value)) if t]


def _duration(value: str | None) -> str | None:
    """``PT75H`` → ``75 h``; other ISO 8601 durations are shown as they are."""
    found = re.fullmatch(r"PT(\d+)H", value or "")
    return f"{found.group(1)} h" if found else value


def _date(value: Any) -> str | None:
    moment = parse_datetime(value)
    return moment.date().isoformat() if moment else None


def types_of(document: Mapping[str, Any]) -> list[str]:
    return [t for t in _list(document.get("type")) if isinstance(t, str)]


def _subjects(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in _list(credential.get("credentialSubject")) if isinstance(s, Mapping)]


def subject_ids(credential: Mapping[str, Any]) -> list[str]:
    return [str(s["id"]) for s in _subjects(credential) if isinstance(s.get("id"), str)]


def _name_of(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return _text(value.get("name")) or _text(value.get("id"))
    return _text(value)


# long: one block per element shown on the card, in the order the page shows them
def view(credential: Mapping[str, Any]) -> CredentialView:
    subject = next(iter(_subjects(credential)), {})
    achievement = subject.get("achievement")
    ach: Mapping[str, Any] = achievement if isinstance(achievement, Mapping) else {}
    issuer = credential.get("issuer")
    iss: Mapping[str, Any] = issuer if isinstance(issuer, Mapping) else {"id": issuer}
    address = iss.get("address") if isinstance(iss.get("address"), Mapping) else {}
    assert isinstance(address, Mapping)
    title = _text(ach.get("name")) or _text(credential.get("name")) or ", ".join(types_of(credential))
    v = CredentialView(title=title or "Credential")
    v.issuer_name = _text(iss.get("name")) or _text(iss.get("id"))
    v.issuer_id = _text(iss.get("id"))
    v.issuer_url = _text(iss.get("url"))
    v.issuer_country = _text(address.get("addressCountry")) or _text(address.get("addressCountryCode"))
    place = [_text(address.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")] + (
        [None] if address.get("addressCountry") else [_text(address.get("addressCountryCode"))]
    )
    v.issuer_place = ", ".join(p for p in place if p) or None
    v.issuer_locality = [
        p for p in (_text(address.get(k)) for k in ("addressLocality", "addressRegion")) if p
    ]
    # a country code we know is shown in the reader's language; any other name as the issuer wrote it
    v.issuer_country = country_code(_text(address.get("addressCountryCode"))) or v.issuer_country
    v.issued = _date(credential.get("awardedDate")) or _date(
        credential.get("validFrom") or credential.get("issuanceDate")
    )
    v.valid_until = _date(credential.get("validUntil") or credential.get("expirationDate"))
    v.description = _text(ach.get("description")) or _text(credential.get("description"))
    v.achievement_type = _text(ach.get("achievementType"))
    v.learner_name = _text(subject.get("name"))
    if not v.learner_name:
        for ident in _list(subject.get("identifier")):
            if isinstance(ident, Mapping) and ident.get("identityType") == "name" and not ident.get("hashed"):
                v.learner_name = _text(ident.get("identityHash"))
    v.subject_id = _text(subject.get("id"))
    v.credential_id = _text(credential.get("id"))
    v.learning_outcomes = _texts(ach.get("learningOutcome"))
    for point in _list(ach.get("creditPoint")):
        if isinstance(point, Mapping) and point.get("framework") == ECTS_FRAMEWORK:
            v.ects = _text(point.get("point"))
    v.ects = v.ects or _text(subject.get("creditsEarned")) or _text(ach.get("creditsAvailable"))
    v.credits_earned = _text(subject.get("creditsEarned"))
    v.workload = _duration(_text(ach.get("volumeOfLearning")))
    eqf = _text(ach.get("eqfLevel"))
    if eqf and eqf.startswith(EQF_PREFIX):
        eqf = eqf[len(EQF_PREFIX) :]
    v.eqf_level = eqf
    v.nqf_level = _text(ach.get("nqfLevel"))
    v.qf_ehea_level = _text(ach.get("qfEheaLevel"))
    v.assessment = _text(ach.get("typeOfAssessment"))
    v.participation = _text(ach.get("formOfParticipation"))
    v.supervision = _text(subject.get("supervisionAndIdVerification")) or _text(
        ach.get("supervisionAndIdVerification")
    )
    v.quality_assurance = _text(ach.get("typeOfQualityAssurance"))
    v.prerequisites = _text(ach.get("prerequisites"))
    results = [r for r in _list(subject.get("result")) if isinstance(r, Mapping)]
    if results:
        v.grade = _text(results[0].get("value")) or _text(results[0].get("achievedLevel"))
    descriptions = [d for d in _list(ach.get("resultDescription")) if isinstance(d, Mapping)]
    if descriptions:
        v.grading_scheme = _text(descriptions[0].get("name"))
    v.stackability = _text(ach.get("integrationStackability"))
    v.part_of = _texts(ach.get("isPartOf"))
    v.further_information = _text(ach.get("furtherInformation"))
    v.awarding_bodies = [n for n in (_name_of(b) for b in _list(ach.get("awardingBody"))) if n]
    for alignment in _list(ach.get("alignment")):
        if isinstance(alignment, Mapping) and alignment.get("targetType") != "ext:EQFLevel":
            name = _text(alignment.get("targetName"))
            if name:
                v.skills.append(name)
    v.code = _text(ach.get("humanCode"))
    v.language = _text(ach.get("inLanguage"))
    return v


def matches(v: CredentialView, query: str) -> bool:
    """Whether a search query (words, any order, any case) matches the credential's text."""
    words = query.casefold().split()
    if not words:
        return True
    haystack = " ".join(
        str(x)
        for x in (
            v.title,
            v.issuer_name,
            v.description,
            v.assessment,
            v.code,
            *v.learning_outcomes,
            *v.skills,
            *v.awarding_bodies,
        )
        if x
    ).casefold()
    return all(w in haystack for w in words)
