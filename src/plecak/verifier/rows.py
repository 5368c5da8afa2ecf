"""The EU elements of a credential as rows of short plain text (any JSON shape in, never an exception).

The credential is read through the model's tolerant reading (:func:`plecak.core.model.shown.read_shown`);
this module lays its elements out as the result page's rows, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.disclosure import ELEMENT_POINTERS, MANDATORY_ELEMENTS, is_derived_disclosure
from plecak.core.model.reading import as_list, mapping, texts_of
from plecak.core.model.reading import text_of as model_text
from plecak.core.model.shown import Place, ShownCredential, Value, read_shown
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
    text = model_text(value)
    return _clip(text) if text else None


def list_of(value: Any) -> list[str] | None:
    return _many(texts_of(value))


def _one(value: Value) -> str | None:
    """An element's text, clipped (a list of texts joined)."""
    if isinstance(value, tuple):
        value = "; ".join(value[:MAX_ITEMS])
    return _clip(value) if value else None


def _many(value: Value) -> list[str] | None:
    """An element's texts, at most :data:`MAX_ITEMS`, each clipped."""
    items = value if isinstance(value, tuple) else (value,) if value else ()
    return [_clip(v) for v in items[:MAX_ITEMS]] or None


_as_list = as_list  # the result page reads reports with the model's tolerant helpers too
_mapping = mapping


def _date(value: Any) -> str | None:
    moment = parse_datetime(value)
    return f"{moment:%Y-%m-%d}" if moment else text_of(value)


def _readable(value: Value, t: Mapping[str, str]) -> str | None:
    """A vocabulary value (``FirstCycle``) in the reader's words; any other value as written."""
    if isinstance(value, str) and value in t:
        return t[value]
    return _one(value)


def _hours(value: Any, t: Mapping[str, str]) -> str | None:
    if isinstance(value, str) and (match := _DURATION_HOURS.match(value)):
        n = int(match.group(1))
        text = t.plural("hours", n) if isinstance(t, Texts) else t["hours"]
        return text.format(n=n)
    return text_of(value)


# -- the EU elements, read through the model (plecak.core.model.shown) ---------------------
def _place(place: Place, language: str = "en") -> str | None:
    country, code = place.country, place.country_code
    known = country_code(code) or (country_code(country) if not code else None)
    if language != "en" and known and (not country or country_code(country) in (None, known)):
        country, code = country_name(known, language), None  # a country we know, in the reader's words
    if country and code and code.lower() not in country.lower():
        country = f"{country} ({code})"
    parts = [country or code, place.region, place.locality]
    text = ", ".join(p for p in parts if p)
    return _one(text)


def _yes_no(row: Row, t: Mapping[str, str]) -> Row:
    """A JSON ``true``/``false`` (the model's text of a boolean) in the reader's words."""
    if row.value in ("true", "false"):
        row.value = t.get(f"value_{row.value}", row.value)
    return row


def _course_rows(shown: ShownCredential, t: Mapping[str, str]) -> list[Row]:
    """The rows every credential has, stated or not, in Annex I order."""
    el = shown.elements()
    kind = shown.achievement.kind
    until = shown.until
    rows = [
        Row("title", t["el_title"], _one(el["title"])),
        Row("kind", t["el_kind"], t["kind_microcredential"] if kind == "MicroCredential" else _one(kind)),
        Row("learner", t["el_learner"], _one(el["learner"])),
        Row("awarding_body", t["el_awarding_body"], _one(el["awarding_body"])),
        Row("country", t["el_country"], _place(shown.place, t.get("lang_code", "en"))),
        Row("issued", t["el_issued"], _date(shown.issued)),
        Row("valid_until", t["el_valid_until"], _date(until) if until else t["does_not_expire"]),
        Row("description", t["el_description"], _one(el["description"])),
        Row("outcomes", t["el_outcomes"], _many(el["outcomes"])),
        Row("ects", t["el_ects"], _one(el["ects"])),
        Row("workload_hours", t["el_workload_hours"], _hours(el["workload_hours"], t)),
        Row("eqf", t["el_eqf"], _one(el["eqf"])),
        Row("qf_ehea", t["el_qf_ehea"], _readable(el["qf_ehea"], t)),
        Row("assessment", t["el_assessment"], _one(el["assessment"])),
        Row("participation", t["el_participation"], _readable(el["participation"], t)),
        Row("supervision", t["el_supervision"], _readable(el["supervision"], t)),
        Row("quality", t["el_quality"], _one(el["quality"])),
        Row("prerequisites", t["el_prerequisites"], _one(el["prerequisites"])),
        Row("stackability", t["el_stackability"], _readable(el["stackability"], t)),
        Row("further", t["el_further"], _one(el["further"])),
    ]
    return [_yes_no(row, t) for row in rows]


def credential_rows(credential: Mapping[str, Any], t: Mapping[str, str]) -> list[Row]:
    """Every EU micro-credential element of ``credential`` (``None`` values: not stated)."""
    shown = read_shown(credential)
    el = shown.elements()
    rows = _course_rows(shown, t)
    optional = [
        Row("grade", t["el_grade"], _one(el["grade"])),
        Row("nqf", t["el_nqf"], _one(el["nqf"])),
        Row("part_of", t["el_part_of"], _many(el["part_of"])),
        Row("skills", t["el_skills"], _many(el["skills"])),
    ]
    selective = is_derived_disclosure(credential)
    if selective:  # a selective disclosure: every element it lacks is listed as not shared
        earned = Row("credits_earned", t["el_credits_earned"], _one(el["credits_earned"]))
        rows.insert([r.key for r in rows].index("ects") + 1, earned)
    rows += [row for row in optional if row.value is not None or selective]
    rows.append(Row("issuer_id", t["el_issuer_id"], _one(shown.issuer.id)))
    rows.append(Row("credential_id", t["el_credential_id"], _one(shown.id)))
    if selective:
        # An issuer's mandatory element cannot be withheld: missing, it was never stated. Any other
        # missing element may have been withheld by the holder, or never filled in by the issuer:
        # an ecdsa-sd-2023 disclosure does not say which, so the page says both.
        for row in rows:
            if row.value is None and row.key in ELEMENT_POINTERS and row.key not in MANDATORY_ELEMENTS:
                row.not_shared = row.maybe_not_stated = True
    return rows
