"""The registrar screens and the public pages in Polish: the EN | PL switch, Accept-Language, no English
left on the pages, and a complete Polish catalogue for the templates and for the texts the scripts show."""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from babel.messages.extract import extract_from_file
from jinja2.ext import babel_extract

from plecak.issuer.app import create_app
from plecak.issuer.i18n import LANG_COOKIE, PAGES, SCRIPTS
from support.issuer import AUTH, achievement, issuer_settings, profile

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ISSUER = Path(__file__).resolve().parents[2] / "src" / "plecak" / "issuer"
REGISTRAR_PAGES = [
    "/admin",
    "/admin/achievements",
    "/admin/achievements/new",
    "/admin/achievements/0b7c3c1e-2d4f-4a8e-9a51-6f3e2b1c0d9a/edit",
    "/admin/pathways",
    "/admin/pathways/new",
    "/admin/credentials",
]
REGISTRAR_TEMPLATES = [
    "_admin_base.html",
    "_admin_login.html",
    "_admin_nav.html",
    "_achievement_fields.html",
    "admin.html",
    "admin_achievements.html",
    "admin_credentials.html",
    "admin_pathways.html",
    "_registrar.html",
    "_languages.html",
]
PUBLIC_TEMPLATES = ["_public_base.html", "home.html", "pathway.html", "achievement.html"]
POLISH = {"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}
# Words of the registrar screens' English that no Polish sentence contains (whole words).
ENGLISH = re.compile(
    r"\b(?:the|The|and|of|is|not|your|Your|with|from|for|Add|Remove|Save|Edit|Sign|Issue|Issued|Search|"
    r"Cancel|Please|There|Achievements?|achievements?|Pathways?|Learner|learner|credentials?|"
    r"Credential|Title|Name|Country|Group|Component|Rule|Optional|required|Choose|Back|New|Create|Revoke|"
    r"Suspend|Apply|Action|Grade|Continue|token|Skip|Language|Registrar|level|Workload|hours|stated)\b"
)
# Names and codes that stay as they are in Polish.
NAMES = ("plecak up", "ecdsa-sd-2023", "criteria.narrative", "OpenID4VCI", "QF-EHEA", "ESCO", "ECTS", "EQF")


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))


def _visible(page: str) -> str:
    """What a reader sees: text and alt/label/placeholder attributes, without scripts or names."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'\b(?:alt|title|placeholder|aria-label|label)="([^"]*)"', page))
    text = html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)
    for name in NAMES:
        text = text.replace(name, " ")
    return re.sub(r"\b(?:https?|did|urn)[:][^\s]+", " ", text)


def _script_texts(page: str) -> dict[str, str]:
    found = re.search(r"<body data-texts='([^']*)'>", page)
    assert found, page[:400]
    texts: dict[str, str] = json.loads(html.unescape(found.group(1)))
    return texts


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("path", REGISTRAR_PAGES)
async def test_registrar_pages_in_polish_hold_no_english(client: TestClient[Any, Any], path: str) -> None:
    response = await client.get(path, headers=POLISH)
    page = await response.text()
    assert response.status == 200
    assert '<html lang="pl">' in page
    assert response.headers["Content-Language"] == "pl"
    assert "Accept-Language" in response.headers["Vary"]
    assert ENGLISH.findall(_visible(page)) == []
    assert 'aria-current="true">PL</a>' in page
    texts = _script_texts(page)
    assert texts == SCRIPTS.as_dict("pl")
    assert [value for value in texts.values() if ENGLISH.search(re.sub(r"\{\w+\}", " ", value))] == []


async def test_registrar_pages_stay_english_without_polish_and_send_no_catalogue(
    client: TestClient[Any, Any],
) -> None:
    response = await client.get("/admin/achievements/new", headers={"Accept-Language": "de, en;q=0.5, pl;q=0"})
    page = await response.text()
    assert '<html lang="en">' in page
    assert "Learning outcomes" in page
    assert "<option value=\"Blended\">blended (online and onsite)</option>" in page
    assert _script_texts(page) == {}
    assert len(ENGLISH.findall(_visible(page))) > 20  # the detector finds the English it looks for
    polish = await (await client.get("/admin/achievements/new", headers=POLISH)).text()
    assert "Efekty uczenia się" in polish
    assert "<option value=\"Blended\">hybrydowo (online i stacjonarnie)</option>" in polish
    assert "Poziom ERK 6" in polish  # a message with a placeholder
    assert "(60%) i projekt" in polish  # a literal percent sign survives gettext's formatting


async def test_language_switch_sets_a_cookie_that_wins_over_accept_language(client: TestClient[Any, Any]) -> None:
    switched = await client.get("/lang/pl?next=/admin/credentials", allow_redirects=False)
    assert switched.status == 303
    assert switched.headers["Location"] == "/admin/credentials"
    cookie = switched.cookies[LANG_COOKIE]
    assert cookie.value == "pl"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # the test client keeps no cookies for 127.0.0.1: send the switch's cookie as a browser would
    chosen = {"Accept-Language": "en", "Cookie": f"{LANG_COOKIE}=pl"}
    page = await (await client.get("/admin/credentials", headers=chosen)).text()
    assert '<html lang="pl">' in page
    assert "Wydane poświadczenia" in page
    back = await client.get("/lang/en?next=/admin", allow_redirects=False)
    assert back.cookies[LANG_COOKIE].value == "en"
    page = await (await client.get("/admin", headers={**POLISH, "Cookie": f"{LANG_COOKIE}=en"})).text()
    assert '<html lang="en">' in page
    page = await (await client.get("/admin", headers={**POLISH, "Cookie": f"{LANG_COOKIE}=xx"})).text()
    assert '<html lang="pl">' in page  # an unknown cookie value falls back to Accept-Language


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", None])
async def test_language_switch_is_no_open_redirect_and_ignores_unknown_languages(
    client: TestClient[Any, Any], target: str | None
) -> None:
    query = "" if target is None else "?next=" + target.replace("/", "%2F").replace("\\", "%5C")
    response = await client.get("/lang/xx" + query, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/"
    assert LANG_COOKIE not in response.cookies


@pytest.mark.parametrize("template", REGISTRAR_TEMPLATES + PUBLIC_TEMPLATES)
def test_every_template_sentence_has_polish_with_the_same_placeholders(template: str) -> None:
    polish = PAGES.catalogs["pl"]
    found = extract_from_file(babel_extract, ISSUER / "templates" / template)  # type: ignore[arg-type]  # Jinja's extractor predates babel's stubs
    messages = [message for _, message, _, _ in found]
    assert messages
    for message in messages:
        assert isinstance(message, str), message
        translated = polish.get(message)
        assert translated is not None, message
        assert translated.string, message
        pattern = r"%\((\w+)\)s"
        assert set(re.findall(pattern, str(translated.string))) == set(re.findall(pattern, message)), message


def test_every_script_sentence_has_polish_with_the_same_placeholders() -> None:
    polish = SCRIPTS.as_dict("pl")
    found = []
    for script in sorted((ISSUER / "static").glob("*.js")):
        for literal in re.findall(r'\bt\(\s*"((?:[^"\\]|\\.)*)"', script.read_text(encoding="utf-8")):
            found.append(json.loads(f'"{literal}"'))
    assert len(found) > 50
    for message in found:
        assert message in polish, message
        assert _placeholders(polish[message]) == _placeholders(message), message
    assert set(polish) <= set(found)  # no sentence left over from an older script


async def _public_pathway(client: TestClient[Any, Any]) -> dict[str, Any]:
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    part = await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json()
    did = (await (await client.get("/api/issuer/profile", headers=AUTH)).json())["did"]
    cert = {k: v for k, v in achievement(1).items() if k != "grading"} | {"achievementType": "Certificate"}
    rule = {"components": [{"achievement": part["id"], "issuer": did, "name": "Basics"}], "mandatory": [part["id"]]}
    resp = await client.post("/api/pathways", json={"achievement": cert, "rule": rule}, headers=AUTH)
    assert resp.status == 201, await resp.text()
    record: dict[str, Any] = await resp.json()
    return record


async def test_public_pages_in_polish_hold_no_english_but_the_institutions_own_texts(
    client: TestClient[Any, Any],
) -> None:
    record = await _public_pathway(client)
    own = [
        profile()["name"],
        record["achievement"]["name"],
        record["achievement"]["description"],
        record["achievement"]["compositionRule"],
        achievement(0)["name"],
        "Basics",
        "Accept: application/json",
    ]
    html_accept = {**POLISH, "Accept": "text/html"}
    for path in ("/", f"/pathways/{record['uuid']}"):
        response = await client.get(path, headers=html_accept)
        page = await response.text()
        assert response.status == 200
        assert '<html lang="pl">' in page
        assert response.headers["Content-Language"] == "pl"
        assert 'aria-current="true">PL</a>' in page
        visible = _visible(page)
        for text in own:
            visible = visible.replace(text, " ")
        assert ENGLISH.findall(visible) == [], path
    pathway = await (await client.get(f"/pathways/{record['uuid']}", headers=html_accept)).text()
    assert "Jak go zdobyć" in pathway  # the certificate (certyfikat) is masculine
    assert '<p id="rule" lang="en">' in pathway  # the certificate's own sentence is marked as English
    home = await (await client.get("/", headers=html_accept)).text()
    assert "Mikropoświadczenia" in home


async def test_public_pages_stay_english_for_english_readers(client: TestClient[Any, Any]) -> None:
    record = await _public_pathway(client)
    english = {"Accept-Language": "en", "Accept": "text/html"}
    home = await client.get("/", headers=english)
    assert '<html lang="en">' in await home.text()
    assert "Micro-credentials" in await home.text()
    response = await client.get(f"/pathways/{record['uuid']}", headers=english)
    page = await response.text()
    assert "How to earn it" in page
    assert '<p id="rule">' in page
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in ",".join(response.headers.getall("Vary")).split(",")}


async def test_public_home_names_the_issuers_country_in_the_readers_language(client: TestClient[Any, Any]) -> None:
    """The country is a code (``addressCountryCode``), so it is named in Polish for Polish readers, as the
    issuer's own PDF, the wallet and the verifier name it; the region stays as the institution wrote it."""
    assert (await client.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    polish = await (await client.get("/", headers={**POLISH, "Accept": "text/html"})).text()
    assert "<dd>Polska, Mazowieckie</dd>" in polish
    assert "Poland" not in polish
    english = await (await client.get("/", headers={"Accept-Language": "en", "Accept": "text/html"})).text()
    assert "<dd>Poland, Mazowieckie</dd>" in english
