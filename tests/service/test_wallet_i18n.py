"""English and Polish: complete catalogues, language from Accept-Language or a cookie switch."""

from __future__ import annotations

import json
import re
import string

import pytest
from babel.dates import get_month_names

from plecak.runtime.i18n import plural_category
from plecak.wallet.i18n import CATALOGUE, translator
from support.wallet import Servers, servers

__all__ = ["servers"]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_polish_has_every_message_with_the_same_placeholders() -> None:
    assert CATALOGUE.keys("pl") == CATALOGUE.keys("en")
    for key in CATALOGUE.keys("en"):
        (english, *_) = CATALOGUE.forms("en", key)
        for text in CATALOGUE.forms("pl", key):
            assert _placeholders(text) == _placeholders(english), key


async def test_language_follows_accept_language_then_the_switch(servers: Servers) -> None:
    browser = servers.browser
    status, text = await browser.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert '<html lang="pl">' in text
    assert "Załóż konto" in text
    status, text = await browser.get("/lang/en?next=/signin", headers={"Accept-Language": "pl"})
    assert status == 200
    assert browser.last_url.endswith("/signin")
    assert '<html lang="en">' in text
    assert "Sign in" in text
    await browser.sign_up()
    _, text = await browser.get("/lang/pl?next=/")
    assert "Twój portfel jest pusty" in text
    _, text = await browser.get("/lang/xx?next=https://evil.example/")
    assert browser.last_url == servers.wallet_url + "/"  # unknown language ignored, no open redirect
    assert "Twój portfel jest pusty" in text


async def test_error_messages_are_translated(servers: Servers) -> None:
    browser = servers.browser
    await browser.get("/lang/pl?next=/signup")
    status, text = await browser.post(
        "/signup", {"email": "anna@example.org", "password": "short", "password_again": "short"}
    )
    assert status == 400
    assert "Hasło jest za krótkie: użyj co najmniej 10 znaków." in text


@pytest.mark.parametrize(
    ("n", "days", "uses"),
    [
        (1, "1 dniu", "Otwarto 1 raz"),
        (2, "2 dniach", "Otwarto 2 razy"),
        (5, "5 dniach", "Otwarto 5 razy"),
        (12, "12 dniach", "Otwarto 12 razy"),
        (22, "22 dniach", "Otwarto 22 razy"),
    ],
)
def test_polish_counts_take_the_plural_form_of_their_number(n: int, days: str, uses: str) -> None:
    t = translator("pl")
    assert t("share.days", n=n) == days
    assert t("share.uses", n=n) == uses


def test_polish_plural_categories_follow_cldr() -> None:
    assert [plural_category("pl", n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112)] == [
        "many", "one", "few", "few", "many", "many", "many", "many", "many", "few", "many", "few", "many",
    ]  # fmt: skip
    assert [plural_category("en", n) for n in (0, 1, 2)] == ["other", "one", "other"]


def test_counted_messages_agree_with_their_number_in_both_languages() -> None:
    pl, en = translator("pl"), translator("en")
    assert pl("error.too_many_attempts", minutes=1).endswith("Odczekaj 1 minutę i spróbuj ponownie.")
    assert pl("error.too_many_attempts", minutes=3).endswith("Odczekaj 3 minuty i spróbuj ponownie.")
    assert pl("error.too_many_attempts", minutes=15).endswith("Odczekaj 15 minut i spróbuj ponownie.")
    assert pl("flash.imported", count=1) == "Zaimportowano 1 poświadczenie i klucz portfela."
    assert pl("flash.imported", count=5) == "Zaimportowano 5 poświadczeń i klucz portfela."
    assert pl("pathways.uses", uses=2, total=5).startswith("Liczą się 2 Twoje poświadczenia")
    assert pl("pathways.uses", uses=5, total=6).startswith("Liczy się 5 Twoich poświadczeń")
    assert en("share.days", n=1) == "1 day"
    assert en("share.days", n=7) == "7 days"
    assert en("share.uses", n=1) == "Opened 1 time"
    assert en("flash.imported", count=1).startswith(
        "Imported 1 credential "
    )


async def test_transaction_code_hint_is_in_the_page_language_not_the_issuers_english(servers: Servers) -> None:
    """The issuer's ``tx_code.description`` is in a language the wallet cannot know (ours is English), so a
    Polish page gives the wallet's own hint; an English page keeps the issuer's words."""
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer(txCode=True)
    _, polish = await browser.get(offer["walletLink"], headers={"Accept-Language": "pl"})
    assert '<html lang="pl">' in polish
    assert "Wystawca wysłał Ci ten kod osobno (e-mailem lub SMS-em)." in polish
    assert "sent you separately" not in polish
    _, english = await browser.get(offer["walletLink"], headers={"Accept-Language": "en"})
    assert "The 6-digit code your university sent you separately" in english


async def test_credential_page_shows_when_it_was_added_as_a_date_in_the_page_language(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    credential = await servers.issuer.issue(did)
    await browser.get("/add")
    status, detail = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, detail
    page = browser.last_url.removeprefix(servers.wallet_url)
    shown = {}
    for language, label in (("en", "Added to the wallet"), ("pl", "Dodano do portfela")):
        await browser.get(f"/lang/{language}?next={page}")
        _, text = await browser.get(page)
        found = re.search(rf"<dt>{label}</dt><dd>([^(<]*) \(", text)
        assert found, text
        shown[language] = found.group(1)
        months = "|".join(get_month_names("wide", locale=language).values())
        assert re.fullmatch(rf"(?:(?:{months}) \d{{1,2}}|\d{{1,2}} (?:{months})),? \d{{4}}, .+ UTC", shown[language])
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}T", value) for value in shown.values()), shown
    for value in shown.values():  # day before month and a 24-hour clock, in English too
        assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d{2}:\d{2} UTC", value), shown


def test_polish_addresses_the_learner_without_a_grammatical_gender() -> None:
    """Past forms such as "udostępniłeś" / "udostępniłaś" assume the learner's gender: none is used."""
    gendered = re.compile(r"\b\w+ł(?:eś|aś|byś|abyś)\b")
    found = {key: text for key in CATALOGUE.keys("pl") for text in CATALOGUE.forms("pl", key) if gendered.search(text)}
    assert found == {}
    pl = translator("pl")
    assert pl("share.list_empty") == "Nic jeszcze nie udostępniono."
    assert pl("present.declined").startswith("Prośba odrzucona")


@pytest.mark.parametrize("language", ["en", "pl"])
def test_why_a_field_is_always_shared_reads_without_nested_brackets(language: str) -> None:
    """The answer page puts the reason in brackets after the field's name, so it holds none itself."""
    t = translator(language)
    for state in ("mandatory", "required"):
        text = t(f"present.{state}")
        assert "(" not in text
        assert ")" not in text
    assert "the issuer requires it" in translator("en")("present.mandatory")
