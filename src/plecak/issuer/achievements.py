"""EU micro-credential achievements: validate an admin's description and build the Open Badges form.

The admin API takes a flat, readable description of a course (``AchievementInput``). From it we
build the Open Badges 3.0 ``Achievement`` with the Plecak extension terms for every Annex I element
of the Council Recommendation on micro-credentials (2022/C 243/02), and a Markdown fact sheet in
``criteria.narrative`` generated from the same fields, so what people read and what machines read
never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from plecak.core.model.datamodel import is_image, is_link, is_safe_id, is_url
from plecak.core.model.vocabulary import EXTENSION_ENUMERATIONS

from .achievement_json import _READABLE as _READABLE
from .achievement_json import build_achievement

__all__ = [
    "ENUMERATIONS",
    "MANDATORY_ELEMENTS",
    "AchievementProblems",
    "build_achievement",
    "normalise_input",
]


#: Annex I mandatory elements carried by the achievement, with the input field that holds each.
MANDATORY_ELEMENTS: dict[str, str] = {
    "name": "title of the micro-credential",
    "description": "description",
    "learningOutcomes": "learning outcomes",
    "ects": "notional workload in ECTS credits",
    "eqfLevel": "EQF level",
    "typeOfAssessment": "type of assessment",
    "formOfParticipation": "form of participation",
    "typeOfQualityAssurance": "type of quality assurance",
}

ENUMERATIONS: dict[str, tuple[str, ...]] = {
    **EXTENSION_ENUMERATIONS,
    "achievementType": ("MicroCredential", "Certificate", "Course", "Badge"),
}


_TEXT_LIMIT = 4000
_STRING_FIELDS = (
    "name",
    "description",
    "criteria",
    "typeOfAssessment",
    "typeOfQualityAssurance",
    "prerequisites",
    "furtherInformation",
    "humanCode",
    "fieldOfStudy",
    "inLanguage",
)
_KNOWN_FIELDS = {
    *_STRING_FIELDS,
    *ENUMERATIONS,
    "learningOutcomes",
    "ects",
    "workloadHours",
    "eqfLevel",
    "nqfLevel",
    "isPartOf",
    "awardingBodies",
    "grading",
    "alignments",
    "image",
}


@dataclass
class AchievementProblems(Exception):
    """Everything wrong with an achievement description: missing Annex I elements and bad values."""

    missing: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.missing or self.invalid)

    def __str__(self) -> str:
        parts = []
        if self.missing:
            names = ", ".join(f"{m} ({MANDATORY_ELEMENTS.get(m, m)})" for m in self.missing)
            parts.append(f"missing mandatory EU micro-credential elements: {names}")
        parts += [f"{k}: {v}" for k, v in self.invalid.items()]
        return "; ".join(parts)


def _text(value: Any) -> bool:
    """Non-blank text (a name, a label): a number or an object is not text."""
    return isinstance(value, str) and bool(value.strip())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


# long: one block per form field, collecting every problem so the registrar's form shows them all
def normalise_input(data: Any) -> dict[str, Any]:
    """Validate an admin's achievement description; raises :class:`AchievementProblems`."""
    if not isinstance(data, Mapping):
        raise AchievementProblems(invalid={"$": "the achievement must be a JSON object"})
    problems = AchievementProblems()
    out: dict[str, Any] = {}
    unknown = sorted(set(data) - _KNOWN_FIELDS)
    for name in unknown:
        problems.invalid[name] = "unknown field"
    for name in MANDATORY_ELEMENTS:
        if _blank(data.get(name)):
            problems.missing.append(name)
    for name in _STRING_FIELDS:
        value = data.get(name)
        if _blank(value):
            continue
        if not isinstance(value, str):
            problems.invalid[name] = "must be text"
        elif len(value) > _TEXT_LIMIT:
            problems.invalid[name] = f"must be at most {_TEXT_LIMIT} characters"
        elif name == "furtherInformation" and is_url(value.strip()) and not is_link(value.strip()):
            problems.invalid[name] = "must be text or an http(s) URL"
        else:
            out[name] = value.strip()
    for name, allowed in ENUMERATIONS.items():
        value = data.get(name)
        if _blank(value):
            continue
        if value not in allowed:
            problems.invalid[name] = f"must be one of {', '.join(allowed)}"
        else:
            out[name] = value
    outcomes = data.get("learningOutcomes")
    if not _blank(outcomes):
        if not isinstance(outcomes, list) or not all(isinstance(o, str) and o.strip() for o in outcomes):
            problems.invalid["learningOutcomes"] = "must be a list of non-empty statements"
        elif len(outcomes) > 50:
            problems.invalid["learningOutcomes"] = "at most 50 statements"
        else:
            out["learningOutcomes"] = [o.strip() for o in outcomes]
    ects = data.get("ects")
    if ects is not None:
        if (
            isinstance(ects, bool)
            or not isinstance(ects, int | float)
            or not math.isfinite(ects)
            or not 0 < ects <= 240
        ):
            problems.invalid["ects"] = "must be a number of ECTS credits greater than 0 (at most 240)"
        else:
            out["ects"] = int(ects) if float(ects).is_integer() else float(ects)
    hours = data.get("workloadHours")
    if hours is not None:
        if isinstance(hours, bool) or not isinstance(hours, int) or not 0 < hours <= 10000:
            problems.invalid["workloadHours"] = "must be a whole number of hours greater than 0"
        else:
            out["workloadHours"] = hours
    eqf = data.get("eqfLevel")
    if eqf is not None:
        if isinstance(eqf, bool) or not isinstance(eqf, int) or not 1 <= eqf <= 8:
            problems.invalid["eqfLevel"] = "must be a whole number from 1 to 8"
        else:
            out["eqfLevel"] = eqf
    nqf = data.get("nqfLevel")
    if nqf is not None:
        if not is_safe_id(nqf):
            problems.invalid["nqfLevel"] = "must be the IRI of a national qualifications framework level"
        else:
            out["nqfLevel"] = nqf
    part_of = data.get("isPartOf")
    if not _blank(part_of):
        if not isinstance(part_of, list) or not all(is_safe_id(p) for p in part_of):
            problems.invalid["isPartOf"] = "must be a list of achievement IRIs"
        else:
            out["isPartOf"] = list(part_of)
    image = data.get("image")
    if image is not None:
        if not is_image(image):
            problems.invalid["image"] = (
                "must be an http(s) URL or a data: URI of a PNG, JPEG, GIF or WebP picture"
            )
        else:
            out["image"] = image
    _normalise_bodies(data.get("awardingBodies"), out, problems)
    _normalise_grading(data.get("grading"), out, problems)
    _normalise_alignments(data.get("alignments"), out, problems)
    if problems:
        raise problems
    out.setdefault("achievementType", "MicroCredential")
    return out


def _normalise_list(
    items: Any,
    field: str,
    out: dict[str, Any],
    problems: AchievementProblems,
    entry: Callable[[Mapping[str, Any]], dict[str, Any] | str],
    *,
    expected: str = "must be a list",
) -> None:
    """``out[field]``: each object of the list ``items`` cleaned by ``entry``, which returns the clean
    entry or what is wrong with it (after ``field[index]``); the first problem is recorded."""
    if _blank(items):
        return
    if not isinstance(items, list):
        problems.invalid[field] = expected
        return
    clean = []
    for index, item in enumerate(items):
        result = entry(item if isinstance(item, Mapping) else {})
        if isinstance(result, str):
            problems.invalid[field] = f"{field}[{index}]{result}"
            return
        clean.append(result)
    out[field] = clean


def _awarding_body(body: Mapping[str, Any]) -> dict[str, Any] | str:
    if not is_safe_id(body.get("id")) or not _text(body.get("name")):
        return ": each awarding body needs an id (an http(s) URL, urn: or did:) and a name"
    url = body.get("url")
    if url is not None and not is_link(url):
        return ".url must be an http(s) URL"
    entry = {"id": body["id"], "name": body["name"].strip()}
    if url is not None:
        entry["url"] = url
    if isinstance(body.get("countryCode"), str) and len(body["countryCode"]) == 2:
        entry["countryCode"] = body["countryCode"].upper()
    return entry


def _normalise_bodies(bodies: Any, out: dict[str, Any], problems: AchievementProblems) -> None:
    _normalise_list(
        bodies, "awardingBodies", out, problems, _awarding_body, expected="must be a list of organisations"
    )


def _normalise_grading(grading: Any, out: dict[str, Any], problems: AchievementProblems) -> None:
    if grading is None:
        return
    if not isinstance(grading, Mapping) or not _text(grading.get("name")):
        problems.invalid["grading"] = "must be an object with a name (the grading scheme, as text)"
        return
    clean: dict[str, Any] = {"name": grading["name"].strip()}
    allowed = grading.get("allowedValues")
    if allowed is not None:
        if not isinstance(allowed, list) or not allowed or not all(isinstance(v, str) and v for v in allowed):
            problems.invalid["grading"] = "allowedValues must be a non-empty list of grades (text)"
            return
        clean["allowedValues"] = list(allowed)
    required = grading.get("requiredValue")
    if required is not None:
        if not isinstance(required, str) or (allowed and required not in allowed):
            problems.invalid["grading"] = "requiredValue must be one of allowedValues"
            return
        clean["requiredValue"] = required
    out["grading"] = clean


def _alignment(item: Mapping[str, Any]) -> dict[str, Any] | str:
    if not _text(item.get("targetName")) or not is_link(item.get("targetUrl")):
        return ": each alignment needs a targetName (text) and a targetUrl (an http(s) URL)"
    entry = {"targetName": item["targetName"], "targetUrl": item["targetUrl"]}
    for key in ("targetCode", "targetFramework", "targetDescription", "targetType"):
        if isinstance(item.get(key), str) and item[key]:
            entry[key] = item[key]
    return entry


def _normalise_alignments(alignments: Any, out: dict[str, Any], problems: AchievementProblems) -> None:
    _normalise_list(alignments, "alignments", out, problems, _alignment)
