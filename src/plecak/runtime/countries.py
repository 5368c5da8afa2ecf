"""Country and language names in English and Polish, for the places and languages credentials name.

Credentials give an issuer's country as a name in the issuer's words (``addressCountry``) and/or an
ISO 3166-1 alpha-2 code (``addressCountryCode``), and a course's language as a BCP 47 tag
(``inLanguage``). Pages show them in the reader's language when we know the code; any other
value is shown as the issuer wrote it.
"""

from __future__ import annotations

__all__ = ["country_code", "country_name", "language_name"]

# ISO 3166-1 alpha-2: (English, Polish). The EU, the EEA, Switzerland, the EU's candidate and
# neighbouring countries, and the countries most often named by European higher education.
_COUNTRIES: dict[str, tuple[str, str]] = {
    "AT": ("Austria", "Austria"),
    "BE": ("Belgium", "Belgia"),
    "BG": ("Bulgaria", "Bułgaria"),
    "HR": ("Croatia", "Chorwacja"),
    "CY": ("Cyprus", "Cypr"),
    "CZ": ("Czechia", "Czechy"),
    "DK": ("Denmark", "Dania"),
    "EE": ("Estonia", "Estonia"),
    "FI": ("Finland", "Finlandia"),
    "FR": ("France", "Francja"),
    "DE": ("Germany", "Niemcy"),
    "GR": ("Greece", "Grecja"),
    "HU": ("Hungary", "Węgry"),
    "IE": ("Ireland", "Irlandia"),
    "IT": ("Italy", "Włochy"),
    "LV": ("Latvia", "Łotwa"),
    "LT": ("Lithuania", "Litwa"),
    "LU": ("Luxembourg", "Luksemburg"),
    "MT": ("Malta", "Malta"),
    "NL": ("Netherlands", "Holandia"),
    "PL": ("Poland", "Polska"),
    "PT": ("Portugal", "Portugalia"),
    "RO": ("Romania", "Rumunia"),
    "SK": ("Slovakia", "Słowacja"),
    "SI": ("Slovenia", "Słowenia"),
    "ES": ("Spain", "Hiszpania"),
    "SE": ("Sweden", "Szwecja"),
    "IS": ("Iceland", "Islandia"),
    "LI": ("Liechtenstein", "Liechtenstein"),
    "NO": ("Norway", "Norwegia"),
    "CH": ("Switzerland", "Szwajcaria"),
    "GB": ("United Kingdom", "Wielka Brytania"),
    "UA": ("Ukraine", "Ukraina"),
    "MD": ("Moldova", "Mołdawia"),
    "GE": ("Georgia", "Gruzja"),
    "AL": ("Albania", "Albania"),
    "BA": ("Bosnia and Herzegovina", "Bośnia i Hercegowina"),
    "ME": ("Montenegro", "Czarnogóra"),
    "MK": ("North Macedonia", "Macedonia Północna"),
    "RS": ("Serbia", "Serbia"),
    "TR": ("Türkiye", "Turcja"),
    "XK": ("Kosovo", "Kosowo"),
    "BY": ("Belarus", "Białoruś"),
    "US": ("United States", "Stany Zjednoczone"),
    "CA": ("Canada", "Kanada"),
    "AU": ("Australia", "Australia"),
    "JP": ("Japan", "Japonia"),
    "CN": ("China", "Chiny"),
    "IN": ("India", "Indie"),
}

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
}

# ISO 639-1: (English, Polish). The EU's 24 official languages and a few more.
_LANGUAGES: dict[str, tuple[str, str]] = {
    "bg": ("Bulgarian", "bułgarski"),
    "cs": ("Czech", "czeski"),
    "da": ("Danish", "duński"),
    "de": ("German", "niemiecki"),
    "el": ("Greek", "grecki"),
    "en": ("English", "angielski"),
    "es": ("Spanish", "hiszpański"),
    "et": ("Estonian", "estoński"),
    "fi": ("Finnish", "fiński"),
    "fr": ("French", "francuski"),
    "ga": ("Irish", "irlandzki"),
    "hr": ("Croatian", "chorwacki"),
    "hu": ("Hungarian", "węgierski"),
    "it": ("Italian", "włoski"),
    "lt": ("Lithuanian", "litewski"),
    "lv": ("Latvian", "łotewski"),
    "mt": ("Maltese", "maltański"),
    "nl": ("Dutch", "niderlandzki"),
    "pl": ("Polish", "polski"),
    "pt": ("Portuguese", "portugalski"),
    "ro": ("Romanian", "rumuński"),
    "sk": ("Slovak", "słowacki"),
    "sl": ("Slovenian", "słoweński"),
    "sv": ("Swedish", "szwedzki"),
    "uk": ("Ukrainian", "ukraiński"),
    "no": ("Norwegian", "norweski"),
    "is": ("Icelandic", "islandzki"),
    "ca": ("Catalan", "kataloński"),
    "eu": ("Basque", "baskijski"),
    "gl": ("Galician", "galicyjski"),
    "ru": ("Russian", "rosyjski"),
    "tr": ("Turkish", "turecki"),
}
_BY_ENGLISH = {en.lower(): code for code, (en, _) in _COUNTRIES.items()}


def _pick(names: tuple[str, str], language: str) -> str:
    return names[1] if language == "pl" else names[0]


def country_code(name_or_code: str | None) -> str | None:
    """The ISO code of a country given by its code or its English name, if we know it."""
    if not name_or_code:
        return None
    text = name_or_code.strip()
    if text.upper() in _COUNTRIES:
        return text.upper()
    return _BY_ENGLISH.get(text.lower()) or _ALIASES.get(text.lower())


def country_name(name_or_code: str | None, language: str) -> str | None:
    """The country's name in ``language`` (``en`` or ``pl``); an unknown value as it was given."""
    code = country_code(name_or_code)
    if code is None:
        return name_or_code.strip() if name_or_code and name_or_code.strip() else None
    return _pick(_COUNTRIES[code], language)


def language_name(tag: str | None, language: str) -> str | None:
    """The name of the language of BCP 47 ``tag`` (``en``, ``pl-PL``) in ``language``; else the tag."""
    if not tag or not tag.strip():
        return None
    names = _LANGUAGES.get(tag.strip().split("-")[0].lower())
    return _pick(names, language) if names else tag.strip()
