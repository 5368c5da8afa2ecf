"""The registrar's search of issued credentials, status changes from it and their history: the admin
API over real HTTP with a real Redis (the browser side is tests/browser/test_registrar_browser.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from plecak.issuer.app import create_app
from support.issuer import AUTH, achievement, issuer_settings, profile, simple_credential_v2

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def registry(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> tuple[TestClient[Any, Any], list[str], dict[str, str]]:
    """An issuer with two achievements and four credentials; yields the client, the achievement
    uuids and learner name -> credential id."""
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    assert (await client.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    uuids = []
    for index in (0, 1):
        resp = await client.post("/api/achievements", json=achievement(index), headers=AUTH)
        assert resp.status == 201
        uuids.append((await resp.json())["uuid"])
    ids = {}
    for name, email, which in (
        ("Anna Kowalska", "Anna.Kowalska@Example.org", 0),
        ("Paweł Zięba", "pawel@example.org", 0),
        ("Jan Nowak", None, 1),
    ):
        learner: dict[str, Any] = {"name": name, **({"email": email} if email else {})}
        resp = await client.post(
            f"/api/achievements/{uuids[which]}/credentials", json={"learner": learner}, headers=AUTH
        )
        assert resp.status == 201, await resp.text()
        ids[name] = (await resp.json())["verifiableCredential"]["id"]
    credential = {**simple_credential_v2(), "name": "Course attendance"}
    resp = await client.post("/credentials/issue", json={"credential": credential}, headers=AUTH)
    assert resp.status == 201
    ids["VC-API"] = (await resp.json())["verifiableCredential"]["id"]
    return client, uuids, ids


async def _search(client: TestClient[Any, Any], **params: str) -> dict[str, Any]:
    resp = await client.get("/api/credentials", params=params, headers=AUTH)
    assert resp.status == 200, await resp.text()
    assert resp.headers["Cache-Control"] == "no-store"
    body: dict[str, Any] = await resp.json()
    return body


def _names(found: dict[str, Any]) -> set[str]:
    return {c["learner"] for c in found["credentials"]}


async def test_registrar_finds_credentials_by_name_email_and_achievement(
    registry: tuple[TestClient[Any, Any], list[str], dict[str, str]],
) -> None:
    client, uuids, ids = registry
    everything = await _search(client)
    assert everything["total"] == 4
    assert _names(everything) == {"Anna Kowalska", "Paweł Zięba", "Jan Nowak"}  # VC-API subject: Anna too
    assert {c["id"] for c in everything["credentials"]} == set(ids.values())
    # by name: part of it, any case, accents and ł ignored
    assert _names(await _search(client, q="kowal")) == {"Anna Kowalska"}
    assert {c["id"] for c in (await _search(client, q="PAWEL ZIEBA"))["credentials"]} == {ids["Paweł Zięba"]}
    # by e-mail: the whole address (any case), matched by its keyed hash; part of one finds nothing
    by_email = await _search(client, q="  anna.kowalska@example.ORG ")
    assert [c["id"] for c in by_email["credentials"]] == [ids["Anna Kowalska"]]
    assert (await _search(client, q="example.org"))["total"] == 0
    assert (await _search(client, q="kowalska@example.org"))["total"] == 0
    # by achievement, and by title
    second = await _search(client, achievement=uuids[1])
    assert [c["id"] for c in second["credentials"]] == [ids["Jan Nowak"]]
    assert (await _search(client, q="Jan", achievement=uuids[0]))["total"] == 0
    title = second["credentials"][0]["title"]
    assert ids["Jan Nowak"] in {c["id"] for c in (await _search(client, q=title[:12].lower()))["credentials"]}
    # nothing hashed or in clear about e-mail addresses comes back
    assert "emailIndex" not in str(everything)
    assert "@" not in str(everything)
    assert all(c["status"] == "active" for c in everything["credentials"])


async def test_registrar_search_refuses_bad_parameters_with_problems(
    registry: tuple[TestClient[Any, Any], list[str], dict[str, str]],
) -> None:
    client, _, _ = registry
    for params in (
        {"q": "x" * 321},
        {"limit": "0"},
        {"limit": "many"},
        {"limit": "501"},
        {"limit": "9" * 5000},
        {"limit": "٣"},
        {"q": "a\u0000b"},
    ):
        resp = await client.get("/api/credentials", params=params, headers=AUTH)
        assert resp.status == 400, params
        assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert (await client.get("/api/credentials")).status == 401
    assert (await client.get("/api/credentials/urn:uuid:x/history")).status == 401
    resp = await client.get("/api/credentials/urn:uuid:nope/history", headers=AUTH)
    assert resp.status == 404


async def _set(client: TestClient[Any, Any], credential_id: str, purpose: str, value: bool) -> int:
    body = {"credentialId": credential_id, "credentialStatus": {"statusPurpose": purpose}, "status": value}
    resp = await client.post("/credentials/status", json=body, headers=AUTH)
    return resp.status


async def test_status_changes_show_in_the_search_and_the_credential_history(
    registry: tuple[TestClient[Any, Any], list[str], dict[str, str]], redis_client: Redis
) -> None:
    client, _, ids = registry
    anna = ids["Anna Kowalska"]
    assert await _set(client, anna, "suspension", True) == 200
    assert await _set(client, anna, "suspension", True) == 200  # no change: no history entry
    found = await _search(client, q="Anna")
    assert {c["id"]: c["status"] for c in found["credentials"]}[anna] == "suspended"
    assert await _set(client, anna, "suspension", False) == 200
    assert await _set(client, anna, "revocation", True) == 200
    assert await _set(client, anna, "revocation", False) == 409  # permanent
    found = await _search(client, q="anna.kowalska@example.org")
    assert found["credentials"][0]["status"] == "revoked"

    resp = await client.get(f"/api/credentials/{quote(anna, safe=':')}/history", headers=AUTH)
    assert resp.status == 200
    history = await resp.json()
    assert history["credential"]["learner"] == "Anna Kowalska"
    assert history["credential"]["status"] == "revoked"
    assert [e["event"] for e in history["events"]] == ["issued", "suspended", "unsuspended", "revoked"]
    assert all(e["at"].endswith("Z") for e in history["events"])
    assert [e["at"] for e in history["events"]] == sorted(e["at"] for e in history["events"])
    others = await (await client.get(f"/api/credentials/{ids['Jan Nowak']}/history", headers=AUTH)).json()
    assert [e["event"] for e in others["events"]] == ["issued"]


async def test_credentials_issued_before_the_index_are_found_after_a_backfill(
    registry: tuple[TestClient[Any, Any], list[str], dict[str, str]], redis_client: Redis
) -> None:
    client, _, ids = registry
    await redis_client.delete("issuer:{records}:credential-index")  # as data written by an older version
    found = await _search(client, q="Nowak")
    assert [c["id"] for c in found["credentials"]] == [ids["Jan Nowak"]]
    assert await redis_client.hlen("issuer:{records}:credential-index") == 4
