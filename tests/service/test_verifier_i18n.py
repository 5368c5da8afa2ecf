"""The employer pages in English and Polish: complete catalogue, Accept-Language, the EN | PL switch.

A real issuer and verifier over HTTP (real Redis); JSON answers stay English.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from plecak.verifier.i18n import LANG_COOKIE, local_path
from plecak.verifier.messages import CATALOGUE, EN, PL, messages, pick_language
from support.verifier import Stack, start_stack
from support.verifier_pages import check, element, paste, result_page, verdict

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
POLISH = {"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}


@pytest.fixture
async def stack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_polish_has_every_message_with_the_same_placeholders() -> None:
    assert CATALOGUE.keys("pl") == CATALOGUE.keys("en")
    for key, text in EN.items():
        assert PL[key].strip(), key
        assert _placeholders(PL[key]) == _placeholders(text), key
    # Not a copy of the English table: only names, codes and loanwords may stay the same.
    same = {key for key in EN if PL[key] == EN[key]}
    assert same <= {"check_format", "source_link", "Online"}, same


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "en"),
        (None, "pl-PL,pl;q=0.9,en;q=0.5", "pl"),
        (None, "de-DE, en;q=0.4, pl;q=0.8", "pl"),
        (None, "en-GB, pl;q=0.5", "en"),
        (None, "pl;q=0", "en"),
        (None, "fr, de", "en"),
        ("pl", "en", "pl"),
        ("xx", "pl", "pl"),
    ],
)
def test_language_is_the_cookie_then_accept_language_then_english(
    cookie: str | None, header: str | None, expected: str
) -> None:
    assert pick_language(cookie, header) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/results/abc?x=1", "/results/abc?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
        (None, "/"),
    ],
)
def test_switch_returns_only_to_a_page_of_this_site(target: str | None, expected: str) -> None:
    assert local_path(target) == expected


async def test_home_follows_accept_language(stack: Stack) -> None:
    resp = await stack.verifier.get("/")
    page = await resp.text()
    assert '<html lang="en">' in page
    assert "Check a micro-credential" in page
    resp = await stack.verifier.get("/", headers=POLISH)
    page = await resp.text()
    assert resp.status == 200
    assert resp.headers["Content-Language"] == "pl"
    assert "Accept-Language" in resp.headers["Vary"]
    assert '<html lang="pl">' in page
    assert "Sprawdź mikropoświadczenie" in page
    assert "Check a micro-credential" not in page
    assert 'href="/lang/en?next=/"' in page
    assert 'href="/lang/pl?next=/" lang="pl" hreflang="pl" aria-current="true"' in page
    assert "Nakład pracy w godzinach" in page  # the elements an employer may ask for, too
    assert 'data-start="Włącz aparat"' in page  # and the texts scan.js shows


async def test_switch_sets_a_cookie_that_wins_over_accept_language(stack: Stack) -> None:
    credential = await stack.issue("Zofia Wiśniewska", grade="4.5")
    location, page = await result_page(stack, await paste(stack, credential))
    assert f'href="/lang/pl?next={location}"' in page
    resp = await stack.verifier.get(f"/lang/pl?next={location}", allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == location
    cookie = resp.cookies[LANG_COOKIE]
    assert cookie.value == "pl"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert set(resp.cookies) == {LANG_COOKIE}  # the switch touches nothing but the language
    page = await (await stack.verifier.get(location, headers={"Accept-Language": "en"})).text()
    assert '<html lang="pl">' in page
    assert verdict(page) == "warnings"
    assert ">Autentyczne, ale posiadacza nie sprawdzono<" in page
    assert check(page, "proof") == "passed"
    assert check(page, "binding") == "warning"
    assert "każdy, kto ma ten plik, może je pokazać" in page
    assert "Pieczęć wystawcy jest nienaruszona: od wydania niczego nie zmieniono." in page
    assert "Wystawca jest na Twojej liście zaufanych." in page
    assert ">Nakład pracy (punkty ECTS)<" in page
    assert ">Forma uczestnictwa<" in page
    assert element(page, "workload_hours") == "75 godzin"
    assert element(page, "qf_ehea") == "pierwszy cykl (poziom licencjacki)"
    assert element(page, "participation") == "hybrydowo (online i stacjonarnie)"
    assert element(page, "valid_until") == "bezterminowo"
    assert element(page, "learner") == "Zofia Wiśniewska"  # the credential's own words are not translated
    assert "Pobierz raport JSON" in page
    back = await stack.verifier.get(f"/lang/en?next={location}")
    assert "Genuine, but the holder was not checked" in await back.text()


async def test_unknown_language_or_foreign_next_is_ignored(stack: Stack) -> None:
    resp = await stack.verifier.get("/lang/xx?next=https://evil.example/", allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == "/"
    assert LANG_COOKIE not in resp.cookies


async def test_revoked_and_failed_results_in_polish(stack: Stack) -> None:
    credential = await stack.issue()
    await stack.set_status(credential, "revocation")
    location, _ = await result_page(stack, await paste(stack, credential))
    page = await (await stack.verifier.get(location, headers=POLISH)).text()
    assert verdict(page) == "failed"
    assert re.search(r">Unieważnione przez wystawcę najpóźniej \d{4}-\d{2}-\d{2}<", page)
    assert "co najmniej jedno sprawdzenie" not in page
    assert "Unieważnione przez wystawcę." in page
    assert ">Negatywnie<" in page
    tampered = await stack.issue()
    tampered["credentialSubject"]["achievement"]["name"] = "Changed"
    location, _ = await result_page(stack, await paste(stack, tampered))
    page = await (await stack.verifier.get(location, headers=POLISH)).text()
    assert "Pieczęć jest naruszona" in page
    assert ">Treść została zmieniona<" in page
    assert "Treść niepotwierdzona." in page
    assert "Nie sprawdzono, bo pieczęć jest naruszona." in page
    assert "Pieczęć jest ważna" not in page


async def test_errors_and_the_request_page_in_polish(stack: Stack) -> None:
    await stack.verifier.get("/lang/pl")
    resp = await paste(stack, "{not json")
    page = html.unescape(await resp.text())
    assert resp.status == 400
    assert '<html lang="pl">' in page
    assert "Nie udało się tego sprawdzić" in page
    assert "Ten tekst nie jest poświadczeniem" in page
    assert "Coś poszło nie tak" not in page
    assert 'href="/lang/en?next=/"' in page  # after a form post the switch goes home
    resp = await stack.verifier.post("/verify", data={"credential": "{}"})
    assert resp.status == 403
    assert "Ten formularz wygasł" in await resp.text()
    missing = await stack.verifier.get("/results/" + "A" * 32)
    assert missing.status == 404
    assert "albo wynik już wygasł" in await missing.text()
    token = await stack.csrf()
    resp = await stack.verifier.post(
        "/requests", data={"csrf_token": token, "what": "any", "element_workload_hours": "1"}
    )
    page = await resp.text()
    assert resp.status == 200
    assert "/requests/" in str(resp.url)
    assert "<h1>Poproś o poświadczenie</h1>" in page
    assert "Dowolne europejskie mikropoświadczenie" in page
    assert 'data-waiting="Czekam na odpowiedź osoby uczącej się…"' in page
    assert 'alt="Kod QR z prośbą o poświadczenie"' in page
    assert "Prośba obejmuje też (posiadacz może odmówić): Nakład pracy w godzinach" in page


async def test_json_answers_stay_english_whatever_the_language(stack: Stack) -> None:
    await stack.verifier.get("/lang/pl")
    credential = await stack.issue()
    await stack.set_status(credential, "revocation")
    resp = await stack.verifier.post(
        "/credentials/verify", json={"verifiableCredential": credential}, headers=POLISH
    )
    body = await resp.json()
    status = next(r for r in body["results"] if r["check"] == "status")
    assert status["outcome"] == "failed"
    assert "revoked" in status["message"].lower()
    assert "Unieważ" not in await resp.text()
    location, _ = await result_page(stack, await paste(stack, credential))
    report = await (await stack.verifier.get(f"{location}/report.json", headers=POLISH)).text()
    assert '"outcome": "failed"' in report
    assert "Unieważ" not in report
    unknown = await stack.verifier.get("/requests/no-such-request/status", headers=POLISH)
    assert unknown.status == 404
    assert "does not exist" in (await unknown.json())["detail"]


def test_every_check_sentence_has_both_languages() -> None:
    for language in ("en", "pl"):
        table = messages(language)
        for name in ("format", "proof", "status", "validity", "holder", "replay", "binding", "request"):
            assert table[f"check_{name}"]
            assert table[f"check.{name}.passed"]


async def test_report_can_add_polish_summaries_beside_the_codes(stack: Stack) -> None:
    credential = await stack.issue()
    await stack.set_status(credential, "revocation")
    location, _ = await result_page(stack, await paste(stack, credential))
    plain = await (await stack.verifier.get(f"{location}/report.json")).json()
    assert "language" not in plain
    assert all("summary" not in r for r in plain["results"])
    report = await (await stack.verifier.get(f"{location}/report.json?lang=pl")).json()
    assert report["language"] == "pl"
    status = next(r for r in report["results"] if r["check"] == "status")
    assert status["outcome"] == "failed"
    assert status["message"] == next(
        r["message"] for r in plain["results"] if r["check"] == "status"
    )
    assert status["label"] == "Unieważnienie i zawieszenie"
    assert status["summary"] == "Unieważnione przez wystawcę."
    assert report["verifiableCredential"] == plain["verifiableCredential"]
    unknown = await (await stack.verifier.get(f"{location}/report.json?lang=xx")).json()
    assert unknown == plain
