"""The wallet's texts in English and Polish, through the shared layer :mod:`plecak.runtime.i18n`.

The sentences live in ``locale/<lang>/LC_MESSAGES/wallet.po`` (keys as msgids). ``translator("pl")
("error.password_short", min=10)`` looks a key up in the chosen language, then in English, and fills
``{placeholders}``; a counted message takes the form of its ``n`` or ``count`` parameter, else of its first
whole-number parameter. Templates call it as ``t("key", name=value)``; Jinja escapes the result like any
other text. ``pick_language`` chooses from a cookie or ``Accept-Language``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plecak.core.pathways import Phrase
from plecak.runtime.countries import country_name
from plecak.runtime.i18n import LANGUAGES, Catalogue, Translate, negotiate

__all__ = ["CATALOGUE", "EN", "LANGUAGES", "PL", "Translate", "pick_language", "say", "translator"]

CATALOGUE = Catalogue(Path(__file__).with_name("locale"), "wallet")
EN = CATALOGUE.texts("en")
PL = CATALOGUE.texts("pl")


def translator(lang: str) -> Translate:
    return CATALOGUE.translator(lang)


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language if it is one we have, else the best match of ``Accept-Language``."""
    return negotiate(cookie, accept_language)


def say(t: Translate, lang: str, value: Any) -> str:
    """A pathway evaluation's phrase (:class:`plecak.core.pathways.Phrase`) in the reader's language:
    its ``phrase.<code>`` message when the catalogue has one, else the English text as it is."""
    if not isinstance(value, Phrase):
        return str(value)
    if value.code == "joined":
        return "; ".join(say(t, lang, part) for part in value.params.get("parts", []))
    key = f"phrase.{value.code}"
    if key not in EN:
        return str(value)
    params = dict(value.params)
    if value.code == "countries_of":
        names = [country_name(code, lang) or code for code in params.pop("codes", [])]
        params["listed"] = f" ({', '.join(names)})" if names else ""
    return t(key, **params)
