"""An achievement's public address, /achievements/{uuid}: a readable page (EN/PL) for a person who opens
it in a browser, the same JSON as before for wallets and scripts."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.issuer.app import create_app
from plecak.runtime.web import CONTENT_SECURITY_POLICY
from support.issuer import AUTH, achievement, issuer_settings, profile

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))


async def _create(client: TestClient[Any, Any], **changes: Any) -> dict[str, Any]:
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    resp = await client.post("/api/achievements", json=achievement(0) | changes, headers=AUTH)
    assert resp.status == 201, await resp.text()
    record: dict[str, Any] = await resp.json()
    return record


def _vary(headers: Any) -> set[str]:
    return {v.strip() for v in ",".join(headers.getall("Vary", [])).split(",")}


async def test_browser_gets_a_page_with_the_annex_i_elements(client: TestClient[Any, Any]) -> None:
    record = await _create(client)
    resp = await client.get(f"/achievements/{record['uuid']}", headers={"Accept": BROWSER, "Accept-Language": "en"})
    page = await resp.text()
    assert resp.status == 200
    assert resp.content_type == "text/html"
    assert resp.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert {"Accept", "Accept-Language"} <= _vary(resp.headers)
    mine = achievement(0)
    assert f"<h1>{mine['name']}</h1>" in page
    assert f'<dd id="awarded-by">{profile()["name"]}</dd>' in page
    for outcome in mine["learningOutcomes"]:
        assert f"<li>{outcome}</li>" in page
    assert '<dd id="ects">3.0</dd>' in page
    assert '<dd id="hours">75</dd>' in page
    assert '<dd id="eqf">EQF level 6</dd>' in page
    assert '<dd id="participation">blended (online and onsite)</dd>' in page
    assert f'<dd id="prerequisites">{mine["prerequisites"]}</dd>' in page
    assert f'<dd id="code">{mine["humanCode"]}</dd>' in page
    assert "Type of quality assurance" in page
    assert 'href="/lang/pl?next=' in page  # the same EN | PL switch as the other public pages


async def test_achievement_page_escapes_what_the_institution_wrote(client: TestClient[Any, Any]) -> None:
    record = await _create(client, name="<script>alert(1)</script>", prerequisites='"><img src=x onerror=alert(1)>')
    page = await (await client.get(f"/achievements/{record['uuid']}", headers={"Accept": BROWSER})).text()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_achievement_page_in_polish(client: TestClient[Any, Any]) -> None:
    record = await _create(client)
    headers = {"Accept": BROWSER, "Accept-Language": "pl-PL,pl;q=0.9"}
    resp = await client.get(f"/achievements/{record['uuid']}", headers=headers)
    page = await resp.text()
    assert resp.headers["Content-Language"] == "pl"
    assert '<html lang="pl">' in page
    assert "Efekty uczenia się" in page
    assert '<dd id="eqf">Poziom ERK 6</dd>' in page
    assert "Przyznaje" in page
    assert "Learning outcomes" not in page


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html"])
async def test_machines_still_get_the_same_json(client: TestClient[Any, Any], accept: str | None) -> None:
    record = await _create(client)
    headers = {} if accept is None else {"Accept": accept}
    resp = await client.get(f"/achievements/{record['uuid']}", headers=headers)
    assert resp.status == 200
    assert resp.content_type == "application/json"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in _vary(resp.headers)
    assert json.loads(await resp.read()) == record["achievement"]


async def test_unknown_achievement_is_404_for_browsers_too(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/achievements/0b7c3c1e-2d4f-4a8e-9a51-6f3e2b1c0d9a", headers={"Accept": BROWSER})
    assert resp.status == 404


@pytest.mark.parametrize(("accept_language", "name"), [("en", "English"), ("pl", "angielski")])
async def test_language_of_instruction_is_named_in_the_readers_language(
    client: TestClient[Any, Any], accept_language: str, name: str
) -> None:
    record = await _create(client, inLanguage="en")
    headers = {"Accept": BROWSER, "Accept-Language": accept_language}
    page = await (await client.get(f"/achievements/{record['uuid']}", headers=headers)).text()
    assert f'<dd id="language">{name}</dd>' in page
