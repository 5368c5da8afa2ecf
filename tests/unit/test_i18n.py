"""The shared translation layer on Babel: language negotiation, CLDR plural forms, complete catalogues."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from plecak.runtime.countries import country_name, language_name
from plecak.runtime.i18n import Catalogue, negotiate, parse_accept_language, plural_category
from plecak.verifier.messages import CATALOGUE as VERIFIER
from plecak.wallet.i18n import CATALOGUE as WALLET


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "en"),
        (None, "", "en"),
        (None, "pl", "pl"),
        (None, "pl-PL", "pl"),  # a regional tag matches its language
        (None, "PL-pl;q=0.8", "pl"),
        (None, "de-DE, en;q=0.4, pl;q=0.8", "pl"),  # highest q among languages we have
        (None, "en-GB, pl;q=0.5", "en"),
        (None, "pl;q=0, en;q=0.1", "en"),  # q=0: not acceptable
        (None, "pl;q=0", "en"),
        (None, "pl;q=abc", "en"),  # an unreadable weight counts as 0
        (None, "fr, de", "en"),
        (None, "*", "en"),
        (None, ",,;q=1,", "en"),
        ("pl", "en", "pl"),  # the switch's cookie wins
        ("en", "pl", "en"),
        ("xx", "pl", "pl"),  # an unknown cookie is ignored
        ("", "pl", "pl"),
    ],
)
def test_language_is_negotiated_from_the_cookie_then_accept_language(
    cookie: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(cookie, header) == expected


def test_accept_language_is_ordered_by_weight_then_position() -> None:
    assert parse_accept_language("de;q=0.5, fr, pl;q=0.9, en;q=0.5, it;q=0") == ["fr", "pl", "de", "en"]


def test_polish_plural_categories_come_from_babels_cldr_data() -> None:
    assert [plural_category("pl", n) for n in (1, 2, 5, 22, 25)] == ["one", "few", "many", "few", "many"]
    assert [plural_category("pl", n) for n in (0, 12, 14, 112, 1001)] == ["many", "many", "many", "many", "many"]
    assert [plural_category("en", n) for n in (0, 1, 2, 22)] == ["other", "one", "other", "other"]


@pytest.mark.parametrize(("language", "forms"), [("pl", ("one", "few", "many")), ("en", ("one", "other"))])
def test_gettext_plural_header_agrees_with_cldr_for_whole_numbers(language: str, forms: tuple[str, ...]) -> None:
    """The .po files' Plural-Forms (written by Babel) pick form i where CLDR says forms[i]. The
    header's wording differs between Babel releases; what it selects must not."""
    catalog = WALLET.catalogs[language]
    assert catalog.num_plurals == len(forms) == get_plural(language).num_plurals
    count = "share.days"
    for n in range(0, 1200):
        expected = WALLET.forms(language, count)[forms.index(plural_category(language, n))]
        assert WALLET.text(language, count, n) == expected, n


@pytest.mark.parametrize(
    ("n", "days", "hours"),
    [(1, "1 dniu", "1 godzina"), (2, "2 dniach", "2 godziny"), (5, "5 dniach", "5 godzin"),
     (22, "22 dniach", "22 godziny"), (25, "25 dniach", "25 godzin")],
)  # fmt: skip
def test_polish_counted_messages_take_the_cldr_form(n: int, days: str, hours: str) -> None:
    assert WALLET.translator("pl")("share.days", n=n) == days
    assert VERIFIER.texts("pl").plural("hours", n).format(n=n) == hours


@pytest.mark.parametrize("catalogue", [WALLET, VERIFIER], ids=["wallet", "verifier"])
def test_every_key_exists_in_both_languages_with_the_same_placeholders(catalogue: Catalogue) -> None:
    english, polish = catalogue.keys("en"), catalogue.keys("pl")
    assert english == polish, (english ^ polish)
    assert len(english) > 100
    for key in english:
        names = {frozenset(_placeholders(text)) for text in catalogue.forms("en", key) + catalogue.forms("pl", key)}
        assert len(names) == 1, key


def test_a_message_missing_in_polish_falls_back_to_english_and_an_unknown_key_shows_itself(tmp_path: Path) -> None:
    for language, body in (
        ("en", 'msgid "greet"\nmsgstr "Hello {name}"\n\nmsgid "only.en"\nmsgstr "English only"\n'),
        ("pl", 'msgid "greet"\nmsgstr "Cześć {name}"\n'),
    ):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "test.po").write_text(body, encoding="utf-8")
    catalogue = Catalogue(tmp_path, "test")
    t = catalogue.translator("pl")
    assert t("greet", name="Ola") == "Cześć Ola"
    assert t("only.en") == "English only"
    assert t("no.such.key") == "no.such.key"
    assert t("greet") == "Cześć {name}"
    assert catalogue.translator("xx")("greet", name="Al") == "Hello Al"
    assert catalogue.keys("pl") == {"greet"}
    assert dict(catalogue.texts("pl")) == {"greet": "Cześć {name}", "only.en": "English only"}


def test_country_and_language_names_come_from_cldr_in_the_readers_language() -> None:
    assert [country_name(code, "pl") for code in ("DE", "pl", "GB", "BR")] == [
        "Niemcy", "Polska", "Wielka Brytania", "Brazylia",
    ]  # fmt: skip
    assert country_name("Czech Republic", "pl") == "Czechy"  # an English alias
    assert country_name("Germany", "en") == "Germany"
    assert country_name("Narnia", "pl") == "Narnia"  # unknown: as the issuer wrote it
    assert country_name("ZZ", "pl") == "ZZ"  # CLDR's "unknown region" is no country
    assert country_name("  ", "pl") is None
    assert [language_name(tag, "pl") for tag in ("pl-PL", "de", "EN")] == ["polski", "niemiecki", "angielski"]
    assert language_name("de", "en") == "German"
    assert language_name("x-klingon", "pl") == "x-klingon"
