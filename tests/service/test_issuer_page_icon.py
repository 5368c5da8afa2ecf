"""Every issuer page names its icon, so browsers never ask for ``/favicon.ico`` (a 404 in the console
of every public page and registrar screen); the icon is inline, allowed by the strict CSP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.issuer.app import create_app
from support.issuer import AUTH, achievement, issuer_settings, profile

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ICON = '<link rel="icon" href="data:,">'


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))


async def test_every_issuer_page_names_an_inline_icon_so_no_favicon_request_fails(
    client: TestClient[Any, Any],
) -> None:
    assert (await client.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    response = await client.post("/api/achievements", json=achievement(0), headers=AUTH)
    assert response.status == 201
    achievement_id = (await response.json())["id"]
    pathway = achievement(1)
    pathway["achievementType"] = "Certificate"
    did = (await (await client.get("/.well-known/did.json")).json())["id"]
    body = {
        "achievement": pathway,
        "rule": {
            "components": [{"achievement": achievement_id, "issuer": did, "name": "A"}],
            "mandatory": [achievement_id],
        },
    }
    response = await client.post("/api/pathways", json=body, headers=AUTH)
    assert response.status == 201, await response.text()
    pathway_uuid = (await response.json())["uuid"]
    pages = ["/", f"/pathways/{pathway_uuid}", "/admin", "/admin/achievements", "/admin/pathways", "/admin/credentials"]
    for path in pages:
        response = await client.get(path, headers={"Accept": "text/html"})
        assert response.status == 200, path
        assert ICON in await response.text(), path
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
    assert (await client.get("/favicon.ico")).status == 404  # nothing serves it: the pages must not ask
