"""Pathways were called programmes before: the older URLs, JSON names and stored data keep working."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from plecak.issuer.app import create_app
from plecak.issuer.pathways_store import PathwayStore
from support.issuer import AUTH, achievement, issuer_settings, profile

ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
Issuer = tuple[TestClient[Any, Any], dict[str, Any]]


def _pathway(component: dict[str, Any], did: str) -> dict[str, Any]:
    cert = achievement(0)
    cert.update(name="Certificate in Basics", ects=10, achievementType="Certificate")
    del cert["grading"], cert["humanCode"]
    return {
        "achievement": cert,
        "rule": {
            "components": [{"achievement": component["id"], "issuer": did, "name": "Basics"}],
            "mandatory": [component["id"]],
        },
    }


@pytest.fixture
async def issuer(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> Issuer:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    component = await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json()
    did = (await (await client.get("/api/issuer/profile", headers=AUTH)).json())["did"]
    return client, _pathway(component, did)


async def test_api_programmes_is_the_same_admin_api_under_its_older_name(
    issuer: Issuer,
) -> None:
    client, pathway = issuer
    resp = await client.post("/api/programmes", json=pathway, headers=AUTH)
    assert resp.status == 201
    record = await resp.json()
    assert resp.headers["Location"] == f"/api/programmes/{record['uuid']}"
    assert record["id"] == f"https://issuer.example/pathways/{record['uuid']}"
    old_list = await (await client.get("/api/programmes", headers=AUTH)).json()
    new_list = await (await client.get("/api/pathways", headers=AUTH)).json()
    assert [r["uuid"] for r in old_list["programmes"]] == [r["uuid"] for r in new_list["pathways"]] == [
        record["uuid"]
    ]
    pathway["achievement"]["name"] = "Certificate in Basics, second edition"
    resp = await client.put(f"/api/programmes/{record['uuid']}", json=pathway, headers=AUTH)
    assert resp.status == 200
    assert (await resp.json())["version"] == 2
    edited = await (await client.get(f"/api/pathways/{record['uuid']}", headers=AUTH)).json()
    assert edited["achievement"]["name"] == "Certificate in Basics, second edition"
    assert (await client.post("/api/programmes", json=pathway)).status == 401  # still needs the token


async def test_public_programmes_urls_keep_the_older_json_names(
    issuer: Issuer,
) -> None:
    client, pathway = issuer
    record = await (await client.post("/api/pathways", json=pathway, headers=AUTH)).json()
    old = await (await client.get(f"/programmes/{record['uuid']}")).json()
    new = await (await client.get(f"/pathways/{record['uuid']}")).json()
    assert old["type"] == "Programme"
    assert new["type"] == "Pathway"
    assert {k: v for k, v in old.items() if k != "type"} == {k: v for k, v in new.items() if k != "type"}
    assert [p["type"] for p in (await (await client.get("/programmes")).json())["programmes"]] == ["Programme"]
    assert [p["type"] for p in (await (await client.get("/pathways")).json())["pathways"]] == ["Pathway"]
    nonce = await client.post(f"/programmes/{record['uuid']}/claim-nonce")
    assert nonce.status == 201
    assert (await nonce.json())["domain"] == "https://issuer.example"


async def test_pathway_stored_before_the_rename_is_read_and_keeps_its_programmes_id(
    issuer: Issuer, redis_client: Redis
) -> None:
    client, pathway = issuer
    created = await (await client.post("/api/pathways", json=pathway, headers=AUTH)).json()
    uuid = created["uuid"]
    # what an earlier version wrote: the same Redis keys, an id under /programmes/
    old_id = f"https://issuer.example/programmes/{uuid}"
    old = {**created, "id": old_id, "achievement": {**created["achievement"], "id": old_id}}
    await PathwayStore(redis_client).save(uuid, old)
    assert await redis_client.exists(f"issuer:{{prog}}:programme:{uuid}") == 1
    resp = await client.put(f"/api/pathways/{uuid}", json=pathway, headers=AUTH)
    assert resp.status == 200
    edited = await resp.json()
    assert edited["id"] == edited["achievement"]["id"] == old_id  # certificates already issued cite it
    public = await (await client.get(f"/pathways/{uuid}")).json()
    assert public["claim"]["endpoint"] == f"{old_id}/claim"


@pytest.mark.parametrize("segment", ["pathways", "programmes"])
async def test_admin_pathway_screens_answer_under_both_names(
    issuer: Issuer, segment: str
) -> None:
    client, _ = issuer
    for path in (f"/admin/{segment}", f"/admin/{segment}/new"):
        resp = await client.get(path)
        assert resp.status == 200
        assert 'src="/static/admin-pathways.js"' in await resp.text()
