"""One translation layer for every service's pages, on Babel (CLDR data) and gettext catalogues.

Each service keeps its messages in ``locale/<language>/LC_MESSAGES/<domain>.po`` beside its code: the
msgid is a stable key (``"error.csrf"``), the msgstr the sentence, with ``{name}`` placeholders filled
by :meth:`str.format` after lookup. A counted message is a gettext plural entry (``msgid_plural``
repeats the key); which form a number takes comes from the ``Plural-Forms`` header that Babel writes
for the language (checked against Babel's CLDR rules in the tests). The ``.po`` files are compiled in
memory when a :class:`Catalogue` is first built, so no ``.mo`` file and no build step are needed.

The reader's language is the cookie's, if it is one we have, else the best ``Accept-Language`` match
(:func:`negotiate`, ``q=0`` meaning "not acceptable"), else English. Python code and templates use
``translator(lang)("key", name=value)``; the employer pages read ``texts(lang)`` as a mapping
(``t.key`` in templates).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from plecak.core.timeutil import parse_datetime

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Catalogue",
    "Texts",
    "Translate",
    "moment_text",
    "negotiate",
    "parse_accept_language",
    "plural_category",
]

LANGUAGES = ("en", "pl")
DEFAULT_LANGUAGE = "en"

Translate = Callable[..., str]


class _Keep(dict[str, Any]):
    """Placeholders without a value stay as they are (``{name}``) instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def parse_accept_language(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first, without ``q=0`` ones."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:  # q=0 means "not acceptable"
            weighted.append((-q, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(cookie: str | None, accept_language: str | None, languages: tuple[str, ...] = LANGUAGES) -> str:
    """The cookie's language if we have it, else Babel's best match of ``Accept-Language``, else English."""
    if cookie in languages:
        return str(cookie)
    best = negotiate_locale(parse_accept_language(accept_language), list(languages), sep="-")
    if best is None:
        return DEFAULT_LANGUAGE
    language = str(Locale.parse(best, sep="-").language)
    return language if language in languages else DEFAULT_LANGUAGE


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def plural_category(language: str, n: float) -> str:
    """The CLDR plural category (``one``, ``few``, ``many``, ``other``) of ``n`` in ``language``."""
    return str(_locale(language).plural_form(abs(n)))


def moment_text(language: str, value: str) -> str:
    """An ``xsd:dateTime`` as a reader in ``language`` writes it, in UTC (``7 grudnia 2026, 17:48 UTC``).

    Anything that is not a date and time is returned as it is."""
    moment = parse_datetime(value)
    if moment is None:
        return value
    # English dates read the European way (7 December 2026, 17:48), as on the rest of our pages
    locale = Locale.parse("en_GB") if language == "en" else _locale(language)
    day = format_date(moment.astimezone(UTC), "long", locale=locale)
    return f"{day}, {format_time(moment, 'short', tzinfo=UTC, locale=locale)} UTC"


def _count(params: Mapping[str, Any]) -> int | None:
    """The number a counted message agrees with: ``n``, ``count``, else the first whole number."""
    for name in ("n", "count"):
        value = params.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    for value in params.values():
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _compile(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


class Catalogue:
    """One service's messages in every language, read from ``<directory>/<lang>/LC_MESSAGES/<domain>.po``.

    Messages missing in a language fall back to English, and a key missing everywhere is shown as itself.
    """

    def __init__(self, directory: Path, domain: str, languages: tuple[str, ...] = LANGUAGES) -> None:
        self.languages = languages
        self.catalogs: dict[str, Catalog] = {}
        self._translations: dict[str, Translations] = {}
        for language in languages:
            path = directory / language / "LC_MESSAGES" / f"{domain}.po"
            if language == DEFAULT_LANGUAGE and not path.exists():
                # English source text as msgids (the registrar screens): English needs no file
                self.catalogs[language] = Catalog(locale=language, domain=domain)
            else:
                with path.open("rb") as source:
                    self.catalogs[language] = read_po(source, locale=language, domain=domain)
            self._translations[language] = _compile(self.catalogs[language])
        default = self._translations[DEFAULT_LANGUAGE]
        for language, translations in self._translations.items():
            if language != DEFAULT_LANGUAGE:
                translations.add_fallback(default)
        self.plural_keys = frozenset(
            str(message.id[0]) for message in self.catalogs[DEFAULT_LANGUAGE] if message.id and message.pluralizable
        )

    def _language(self, language: str) -> str:
        return language if language in self._translations else DEFAULT_LANGUAGE

    def keys(self, language: str = DEFAULT_LANGUAGE) -> set[str]:
        """Every key the language's file translates (plural entries by their key)."""
        catalog = self.catalogs[self._language(language)]
        return {
            str(message.id[0] if message.pluralizable else message.id)
            for message in catalog
            if message.id and message.string and (not message.pluralizable or all(message.string))
        }

    def forms(self, language: str, key: str) -> list[str]:
        """The sentences of ``key`` in ``language``: one, or one per plural form of the language."""
        message = self.catalogs[self._language(language)].get(key)
        if message is None:
            return []
        if isinstance(message.string, (list, tuple)):
            return [str(text) for text in message.string]
        return [str(message.string)]

    def text(self, language: str, key: str, n: int | None = None) -> str:
        """The unformatted sentence of ``key`` (the form for ``n`` if it is a counted message)."""
        translations = self._translations[self._language(language)]
        if key in self.plural_keys:
            return str(translations.ngettext(key, key, 1 if n is None else n))
        return str(translations.gettext(key))

    def translator(self, language: str) -> Translate:
        """``t(key, **params)``: the sentence in ``language``, placeholders filled."""
        language = self._language(language)

        def t(key: str, **params: Any) -> str:
            text = self.text(language, key, _count(params))
            return text.format_map(_Keep(params)) if params else text

        return t

    def translations(self, language: str) -> Translations:
        """The compiled gettext catalogue of ``language`` (English behind it), e.g. for Jinja's i18n extension."""
        return self._translations[self._language(language)]

    def as_dict(self, language: str) -> dict[str, str]:
        """Every translated singular message of ``language`` (msgid to msgstr), e.g. for a page's scripts."""
        return {
            str(message.id): str(message.string)
            for message in self.catalogs[self._language(language)]
            if message.id and message.string and not message.pluralizable
        }

    def texts(self, language: str) -> Texts:
        return Texts(self, self._language(language))


class Texts(Mapping[str, str]):
    """A language's sentences as a read-only mapping (``t.key`` in templates, ``t["key"]`` in code).

    A counted message's key gives its last form; :meth:`plural` picks the form for a number.
    """

    def __init__(self, catalogue: Catalogue, language: str) -> None:
        self.catalogue = catalogue
        self.language = language
        self._keys = catalogue.keys(DEFAULT_LANGUAGE)

    def __getitem__(self, key: str) -> str:
        if key not in self._keys:
            raise KeyError(key)
        if key in self.catalogue.plural_keys:
            forms = self.catalogue.forms(self.language, key) or self.catalogue.forms(DEFAULT_LANGUAGE, key)
            return forms[-1]
        return self.catalogue.text(self.language, key)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._keys))

    def __len__(self) -> int:
        return len(self._keys)

    def plural(self, key: str, n: int) -> str:
        """The unformatted form of the counted message ``key`` for ``n``."""
        return self.catalogue.text(self.language, key, n)
