"""The EU elements of a credential as rows of short plain text (any JSON shape in, never an exception)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.disclosure import ELEMENT_POINTERS, MANDATORY_ELEMENTS, is_derived_disclosure
from plecak.core.model.vocabulary import ECTS_FRAMEWORK, EQF_PREFIX
from plecak.core.timeutil import parse_datetime
from plecak.runtime.countries import country_code, country_name
from plecak.runtime.i18n import Texts

__all__ = [
    "ECTS_FRAMEWORK",
    "EQF_PREFIX",
    "MAX_ITEMS",
    "MAX_TEXT",
    "Row",
    "credential_rows",
    "learner_name",
    "list_of",
    "text_of",
]


MAX_TEXT = 4000
MAX_ITEMS = 50
_DURATION_HOURS = re.compile(r"^PT(\d{1,6})H$")


@dataclass
class Row:
    key: str
    label: str
    value: str | list[str] | None
    """``None``: not stated; a list: shown as a bulleted list."""
    not_shared: bool = False
    """Selective disclosure: the holder chose not to share this element (``value`` is ``None``)."""
    maybe_not_stated: bool = False
    """With ``not_shared``: the format cannot tell a withheld element from one the issuer never
    filled in (an ecdsa-sd-2023 disclosure hides how much was left out), so the page says both."""


# -- plain text from untrusted values ------------------------------------------------------
def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def text_of(value: Any) -> str | None:
    """A short readable string for a JSON value, or ``None`` when there is nothing to show."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, str):
        return _clip(value) or None
    if isinstance(value, Mapping):
        for key in ("@value", "name", "value", "id", "@id"):
            if key in value:
                return text_of(value[key])
        return None
    if isinstance(value, list):
        parts = [t for t in (text_of(v) for v in value[:MAX_ITEMS]) if t]
        return _clip("; ".join(parts)) if parts else None
    return None


def list_of(value: Any) -> list[str] | None:
    items = value if isinstance(value, list) else [value]
    texts = [t for t in (text_of(v) for v in items[:MAX_ITEMS]) if t]
    return texts or None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _date(value: Any) -> str | None:
    moment = parse_datetime(value)
    return f"{moment:%Y-%m-%d}" if moment else text_of(value)


def _readable(value: Any, t: Mapping[str, str]) -> str | None:
    if isinstance(value, str) and value in t:
        return t[value]
    return text_of(value)


# -- the EU elements -----------------------------------------------------------------------
def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subjects = _as_list(credential.get("credentialSubject"))
    with_achievement = [
        s for s in subjects if isinstance(s, Mapping) and isinstance(s.get("achievement"), Mapping)
    ]
    if with_achievement:
        return with_achievement[0]
    return next((s for s in subjects if isinstance(s, Mapping)), {})


def learner_name(subject: Mapping[str, Any]) -> str | None:
    name = text_of(subject.get("name"))
    if name:
        return name
    for ident in _as_list(subject.get("identifier")):
        if (
            isinstance(ident, Mapping)
            and ident.get("identityType") == "name"
            and ident.get("hashed") is False
        ):
            return text_of(ident.get("identityHash"))
    return None


def _ects(achievement: Mapping[str, Any], subject: Mapping[str, Any]) -> str | None:
    for point in _as_list(achievement.get("creditPoint")):
        if isinstance(point, Mapping) and point.get("framework") == ECTS_FRAMEWORK:
            return text_of(point.get("point"))
    credits = text_of(subject.get("creditsEarned")) or text_of(achievement.get("creditsAvailable"))
    return credits


def _eqf(achievement: Mapping[str, Any]) -> str | None:
    level = achievement.get("eqfLevel")
    if isinstance(level, str) and level.startswith(EQF_PREFIX):
        return level[len(EQF_PREFIX) :] or None
    if level is not None:
        return text_of(level)
    for alignment in _as_list(achievement.get("alignment")):
        if isinstance(alignment, Mapping) and alignment.get("targetType") == "ext:EQFLevel":
            return text_of(alignment.get("targetCode")) or text_of(alignment.get("targetName"))
    return None


def _hours(value: Any, t: Mapping[str, str]) -> str | None:
    if isinstance(value, str) and (match := _DURATION_HOURS.match(value)):
        n = int(match.group(1))
        text = t.plural("hours", n) if isinstance(t, Texts) else t["hours"]
        return text.format(n=n)
    return text_of(value)


def _grade(achievement: Mapping[str, Any], subject: Mapping[str, Any]) -> str | None:
    names = {
        rd.get("id"): text_of(rd.get("name"))
        for rd in _as_list(achievement.get("resultDescription"))
        if isinstance(rd, Mapping)
    }
    grades = []
    for result in _as_list(subject.get("result")):
        if not isinstance(result, Mapping):
            continue
        value = text_of(result.get("value")) or text_of(result.get("achievedLevel"))
        if value is None:
            continue
        scheme = names.get(result.get("resultDescription"))
        grades.append(f"{value} ({scheme})" if scheme else value)
    return "; ".join(grades) or None


def _place(issuer: Mapping[str, Any], language: str = "en") -> str | None:
    address = _mapping(issuer.get("address"))
    country = text_of(address.get("addressCountry"))
    code = text_of(address.get("addressCountryCode"))
    known = country_code(code) or (country_code(country) if not code else None)
    if language != "en" and known and (not country or country_code(country) in (None, known)):
        country, code = country_name(known, language), None  # a country we know, in the reader's words
    if country and code and code.lower() not in country.lower():
        country = f"{country} ({code})"
    parts = [country or code, text_of(address.get("addressRegion")), text_of(address.get("addressLocality"))]
    text = ", ".join(p for p in parts if p)
    return text or None


def _awarding_bodies(achievement: Mapping[str, Any], issuer: Mapping[str, Any], issuer_id: str) -> str | None:
    bodies = [text_of(b) for b in _as_list(achievement.get("awardingBody"))]
    names = [b for b in bodies if b]
    if names:
        return "; ".join(names)
    return text_of(issuer.get("name")) or issuer_id or None


def _skills(achievement: Mapping[str, Any]) -> list[str] | None:
    skills = []
    for alignment in _as_list(achievement.get("alignment")):
        if isinstance(alignment, Mapping) and (
            alignment.get("targetType") == "ext:ESCOSkill" or alignment.get("targetFramework") == "ESCO"
        ):
            name = text_of(alignment.get("targetName"))
            if name:
                skills.append(name)
    return skills[:MAX_ITEMS] or None


def credential_rows(credential: Mapping[str, Any], t: Mapping[str, str]) -> list[Row]:
    """Every EU micro-credential element of ``credential`` (``None`` values: not stated)."""
    subject = _subject(credential)
    achievement = _mapping(subject.get("achievement"))
    raw_issuer = credential.get("issuer")
    issuer = _mapping(raw_issuer)
    issuer_id = raw_issuer if isinstance(raw_issuer, str) else text_of(issuer.get("id")) or ""
    issued = credential.get("awardedDate") or credential.get("validFrom") or credential.get("issuanceDate")
    until = credential.get("validUntil") or credential.get("expirationDate")
    kind = achievement.get("achievementType")
    supervision = achievement.get("supervisionAndIdVerification") or subject.get(
        "supervisionAndIdVerification"
    )
    rows = [
        Row("title", t["el_title"], text_of(achievement.get("name")) or text_of(credential.get("name"))),
        Row("kind", t["el_kind"], t["kind_microcredential"] if kind == "MicroCredential" else text_of(kind)),
        Row("learner", t["el_learner"], learner_name(subject)),
        Row("awarding_body", t["el_awarding_body"], _awarding_bodies(achievement, issuer, issuer_id)),
        Row("country", t["el_country"], _place(issuer, t.get("lang_code", "en"))),
        Row("issued", t["el_issued"], _date(issued)),
        Row("valid_until", t["el_valid_until"], _date(until) if until else t["does_not_expire"]),
        Row("description", t["el_description"], text_of(achievement.get("description"))),
        Row("outcomes", t["el_outcomes"], list_of(achievement.get("learningOutcome"))),
        Row("ects", t["el_ects"], _ects(achievement, subject)),
        Row("workload_hours", t["el_workload_hours"], _hours(achievement.get("volumeOfLearning"), t)),
        Row("eqf", t["el_eqf"], _eqf(achievement)),
        Row("qf_ehea", t["el_qf_ehea"], _readable(achievement.get("qfEheaLevel"), t)),
        Row("assessment", t["el_assessment"], text_of(achievement.get("typeOfAssessment"))),
        Row("participation", t["el_participation"], _readable(achievement.get("formOfParticipation"), t)),
        Row("supervision", t["el_supervision"], _readable(supervision, t)),
        Row("quality", t["el_quality"], text_of(achievement.get("typeOfQualityAssurance"))),
        Row("prerequisites", t["el_prerequisites"], text_of(achievement.get("prerequisites"))),
        Row("stackability", t["el_stackability"], _readable(achievement.get("integrationStackability"), t)),
        Row("further", t["el_further"], text_of(achievement.get("furtherInformation"))),
    ]
    optional = [
        Row("grade", t["el_grade"], _grade(achievement, subject)),
        Row("nqf", t["el_nqf"], text_of(achievement.get("nqfLevel"))),
        Row("part_of", t["el_part_of"], list_of(achievement.get("isPartOf"))),
        Row("skills", t["el_skills"], _skills(achievement)),
    ]
    selective = is_derived_disclosure(credential)
    if selective:  # a selective disclosure: every element it lacks is listed as not shared
        earned = Row("credits_earned", t["el_credits_earned"], text_of(subject.get("creditsEarned")))
        rows.insert([r.key for r in rows].index("ects") + 1, earned)
    rows += [row for row in optional if row.value is not None or selective]
    rows.append(Row("issuer_id", t["el_issuer_id"], text_of(issuer_id)))
    rows.append(Row("credential_id", t["el_credential_id"], text_of(credential.get("id"))))
    if selective:
        # An issuer's mandatory element cannot be withheld: missing, it was never stated. Any other
        # missing element may have been withheld by the holder, or never filled in by the issuer:
        # an ecdsa-sd-2023 disclosure does not say which, so the page says both.
        for row in rows:
            if row.value is None and row.key in ELEMENT_POINTERS and row.key not in MANDATORY_ELEMENTS:
                row.not_shared = row.maybe_not_stated = True
    return rows
