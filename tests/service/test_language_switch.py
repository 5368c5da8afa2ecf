"""plecak.runtime.language.language_switch: the one ``GET /lang/{lang}`` handler of the three services."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from plecak.runtime.language import language_switch


async def _switch(aiohttp_client: Any, *, secure: bool) -> Any:
    app = web.Application()
    app.router.add_get("/lang/{lang}", language_switch("test_lang", lambda request: secure))
    return await aiohttp_client(app)


async def test_switch_remembers_a_known_language_and_goes_back_uncached(aiohttp_client: Any) -> None:
    client = await _switch(aiohttp_client, secure=True)
    resp = await client.get("/lang/pl?next=/pathways?x=1", allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == "/pathways?x=1"
    assert resp.headers["Cache-Control"] == "no-store"
    cookie = resp.cookies["test_lang"]
    assert cookie.value == "pl"
    assert cookie["secure"]
    assert cookie["httponly"]


async def test_switch_ignores_an_unknown_language_and_never_leaves_the_site(aiohttp_client: Any) -> None:
    client = await _switch(aiohttp_client, secure=False)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/a\\b", "/a\tb"):
        resp = await client.get("/lang/xx", params={"next": target}, allow_redirects=False)
        assert resp.status == 303
        assert resp.headers["Location"] == "/", target
        assert "test_lang" not in resp.cookies
