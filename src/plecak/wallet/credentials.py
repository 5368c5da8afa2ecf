"""Reading a stored credential for people: title, awarding body and every EU micro-credential element.

The credential is read through the model's tolerant reading (:func:`plecak.core.model.shown.read_shown`),
so a foreign credential shows what it has; this module only arranges it for the card and the detail
page. Credentials are untrusted data: everything here is plain strings and lists that templates escape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plecak.core.model.shown import ShownCredential, read_shown
from plecak.core.model.vocabulary import EQF_PREFIX
from plecak.core.timeutil import parse_datetime
from plecak.runtime.countries import country_code, country_name, language_name

__all__ = ["CredentialView", "matches", "subject_ids", "types_of", "view"]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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


def _duration(value: str | None) -> str | None:
    """``PT75H`` → ``75 h``; other ISO 8601 durations are shown as they are."""
    found = re.fullmatch(r"PT(\d+)H", value or "")
    return f"{found.group(1)} h" if found else value


def _date(value: str | None) -> str | None:
    """The day of an ``xsd:dateTime`` (or of a bare ``xsd:date``), else ``None``."""
    moment = parse_datetime(value)
    if moment:
        return moment.date().isoformat()
    return value if value and _DAY.fullmatch(value) else None


def types_of(document: Mapping[str, Any]) -> list[str]:
    return list(read_shown(document).types)


def subject_ids(credential: Mapping[str, Any]) -> list[str]:
    return list(read_shown(credential).subject_ids)


def _issuer(v: CredentialView, shown: ShownCredential) -> None:
    place = shown.place
    v.issuer_name = shown.issuer.label
    v.issuer_id = shown.issuer.id
    v.issuer_url = shown.issuer.url
    # a country code we know is shown in the reader's language; any other name as the issuer wrote it
    v.issuer_country = country_code(place.country_code) or place.country or place.country_code
    parts = [place.locality, place.region, place.country or place.country_code]
    v.issuer_place = ", ".join(p for p in parts if p) or None
    v.issuer_locality = [p for p in (place.locality, place.region) if p]


def view(credential: Mapping[str, Any]) -> CredentialView:
    """The card and detail page of any credential, read through the model's tolerant reading."""
    shown = read_shown(credential)
    ach = shown.achievement
    v = CredentialView(title=shown.title or ", ".join(shown.types) or "Credential")
    _issuer(v, shown)
    v.issued = _date(shown.awarded_date) or _date(shown.valid_from or shown.issuance_date)
    v.valid_until = _date(shown.until)
    v.description = ach.description or shown.description
    v.achievement_type = ach.kind
    v.learner_name = shown.learner
    v.subject_id = shown.subject_id
    v.credential_id = shown.id
    v.learning_outcomes = list(ach.outcomes)
    v.ects = shown.ects
    v.credits_earned = shown.credits_earned
    v.workload = _duration(ach.workload)
    v.eqf_level = ach.eqf_level.removeprefix(EQF_PREFIX) if ach.eqf_level else None
    v.nqf_level = ach.nqf
    v.qf_ehea_level = ach.qf_ehea
    v.assessment = ach.assessment
    v.participation = ach.participation
    v.supervision = shown.supervision_of_learner or ach.supervision
    v.quality_assurance = ach.quality
    v.prerequisites = ach.prerequisites
    v.grade = shown.grades[0].text if shown.grades else None
    v.grading_scheme = ach.grading_schemes[0][1] if ach.grading_schemes else None
    v.stackability = ach.stackability
    v.part_of = list(ach.part_of)
    v.further_information = ach.further
    v.awarding_bodies = [b.label for b in ach.awarding_bodies if b.label]
    v.skills = [a.name for a in ach.alignments if not a.is_eqf and a.name]
    v.code = ach.code
    v.language = ach.language
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
