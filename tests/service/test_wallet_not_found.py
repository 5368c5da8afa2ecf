"""An unknown wallet address: the HTML "not found" page (EN/PL, 404, a link home) for a browser, as on
the verifier; problem details for API and JSON clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.runtime.web import CONTENT_SECURITY_POLICY
from plecak.wallet.app import create_app
from support.wallet import wallet_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(wallet_settings(redis_url, tmp_path, 8002)))


@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [("en", "Page not found", "Back to my credentials"), ("pl", "Nie znaleziono strony", "Wróć do moich poświadczeń")],
)
async def test_browser_gets_the_not_found_page_with_a_link_home(
    client: TestClient[Any, Any], language: str, heading: str, home: str
) -> None:
    resp = await client.get("/nope", headers={"Accept": BROWSER, "Accept-Language": language})
    page = await resp.text()
    assert resp.status == 404
    assert resp.content_type == "text/html"
    assert resp.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'<a href="/">{home}</a>' in page


async def test_not_found_page_does_not_echo_the_address(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/%3Cscript%3Ealert(1)%3C/script%3E", headers={"Accept": BROWSER})
    assert resp.status == 404
    assert "<script>alert(1)" not in await resp.text()


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/problem+json"])
async def test_api_clients_keep_problem_details_for_unknown_addresses(
    client: TestClient[Any, Any], accept: str | None
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    resp = await client.get("/nope", headers=headers)
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"
    assert (await resp.json())["status"] == 404


async def test_machine_paths_keep_problem_details_even_for_browsers(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/s/nope/deeper", headers={"Accept": BROWSER})
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"
