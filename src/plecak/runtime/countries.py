"""Country and language names in the reader's language, from Babel's CLDR data.

Credentials give an issuer's country as a name in the issuer's words (``addressCountry``) and/or an
ISO 3166-1 alpha-2 code (``addressCountryCode``), and a course's language as a BCP 47 tag
(``inLanguage``). Pages show them in the reader's language when we know the code; any other
value is shown as the issuer wrote it.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

__all__ = ["country_code", "country_name", "language_name"]

# CLDR regions that are not countries (unknown region, groupings, private-use codes; XK Kosovo stays).
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})

# Other English names issuers write for the same countries.
_ALIASES = {
    "czech republic": "CZ",
    "the netherlands": "NL",
    "holland": "NL",
    "uk": "GB",
    "great britain": "GB",
    "turkey": "TR",
    "usa": "US",
    "united states of america": "US",
    "bosnia and herzegovina": "BA",
}


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language if language in ("en", "pl") else "en")


@cache
def _countries(language: str) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code to the country's name in ``language``."""
    names = _locale(language).territories
    return {
        code: str(name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


@cache
def _by_english() -> dict[str, str]:
    return {name.lower(): code for code, name in _countries("en").items()}


def country_code(name_or_code: str | None) -> str | None:
    """The ISO code of a country given by its code or its English name, if we know it."""
    if not name_or_code:
        return None
    text = name_or_code.strip()
    if text.upper() in _countries("en"):
        return text.upper()
    return _by_english().get(text.lower()) or _ALIASES.get(text.lower())


def country_name(name_or_code: str | None, language: str) -> str | None:
    """The country's name in ``language`` (``en`` or ``pl``); an unknown value as it was given."""
    code = country_code(name_or_code)
    if code is None:
        return name_or_code.strip() if name_or_code and name_or_code.strip() else None
    return _countries(language)[code]


def language_name(tag: str | None, language: str) -> str | None:
    """The name of the language of BCP 47 ``tag`` (``en``, ``pl-PL``) in ``language``; else the tag."""
    if not tag or not tag.strip():
        return None
    primary = tag.strip().split("-")[0].lower()
    name = _locale(language).languages.get(primary) if len(primary) == 2 else None
    return str(name) if name else tag.strip()
