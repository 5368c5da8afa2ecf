"""The issuer signs no link people could be sent to that is not a web address (javascript:, data:, file: …).

Links (``alignments[].targetUrl``, ``awardingBodies[].url``, ``furtherInformation`` when it is a
link, ``url``) must be http(s); identifiers (``achievement.id``, ``awardingBodies[].id``, any ``id``)
may also be ``urn:`` or ``did:``; an image may also be a base64 data: URI of a raster picture. A
refusal is a 422 naming the field, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.core.model.datamodel import is_image, is_link, is_safe_id, link_problems
from plecak.issuer.app import create_app
from support.issuer import AUTH, achievement, issuer_settings, profile

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]

HOSTILE = (
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
    "http:no-host",
)


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    assert (await client.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    return client


def test_links_ids_and_images_allow_only_their_schemes() -> None:
    for url in HOSTILE:
        assert not is_link(url), url
        assert not is_safe_id(url), url
        assert not is_image(url), url
    assert is_link("https://esco.ec.europa.eu/x")
    assert is_link("http://data.europa.eu/esco/skill/1")
    assert not is_link("urn:uuid:4f0c3c4e-7d0e-4d21-a0a5-2c4b1f0f8d7e")
    assert not is_link("did:web:uni.example")
    for iri in (
        "https://uni.example",
        "urn:uuid:4f0c3c4e-7d0e-4d21-a0a5-2c4b1f0f8d7e",
        "did:web:uni.example",
    ):
        assert is_safe_id(iri), iri
    assert is_image("data:image/png;base64,iVBORw0KGgo=")
    assert is_image("https://uni.example/logo.png")
    assert not is_image("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=")  # SVG can carry scripts


async def _refused(client: TestClient[Any, Any], data: dict[str, Any], field: str) -> dict[str, Any]:
    resp = await client.post("/api/achievements", json=data, headers=AUTH)
    assert resp.status == 422, await resp.text()
    assert resp.content_type == "application/problem+json"
    body: dict[str, Any] = await resp.json()
    assert field in body["invalid"], body
    return body


@pytest.mark.parametrize("url", HOSTILE)
async def test_achievement_links_that_are_not_web_addresses_are_refused(
    client: TestClient[Any, Any], url: str
) -> None:
    data = achievement()
    data["alignments"][0]["targetUrl"] = url
    body = await _refused(client, data, "alignments")
    assert "targetUrl" in body["invalid"]["alignments"]

    data = achievement()
    data["awardingBodies"] = [{"id": "did:web:uni.example", "name": "Uni", "url": url}]
    body = await _refused(client, data, "awardingBodies")
    assert "awardingBodies[0].url" in body["invalid"]["awardingBodies"]

    data = achievement()
    data["awardingBodies"] = [{"id": url, "name": "Uni"}]
    await _refused(client, data, "awardingBodies")

    for name in ("image", "nqfLevel"):
        data = achievement()
        data[name] = url
        await _refused(client, data, name)

    data = achievement()
    data["isPartOf"] = [url]
    await _refused(client, data, "isPartOf")

    if " " not in url:
        data = achievement()
        data["furtherInformation"] = url
        await _refused(client, data, "furtherInformation")
    listing = await (await client.get("/api/achievements", headers=AUTH)).json()
    assert listing["achievements"] == []  # nothing was stored


async def test_achievement_with_web_links_urn_and_did_identifiers_is_accepted(
    client: TestClient[Any, Any],
) -> None:
    data = achievement()
    data["awardingBodies"] = [
        {"id": "did:web:uni.example", "name": "Uni", "url": "https://uni.example"},
        {"id": "urn:uuid:4f0c3c4e-7d0e-4d21-a0a5-2c4b1f0f8d7e", "name": "Partner"},
    ]
    data["furtherInformation"] = "https://uni.example/courses/dl-101"
    data["image"] = "data:image/png;base64,iVBORw0KGgo="
    resp = await client.post("/api/achievements", json=data, headers=AUTH)
    assert resp.status == 201, await resp.text()
    data["furtherInformation"] = "Ask the dean's office: room 12."  # text stays text
    resp = await client.post("/api/achievements", json=data, headers=AUTH)
    assert resp.status == 201, await resp.text()


@pytest.mark.parametrize("name", ["grading", "alignments", "awardingBodies"])
async def test_achievement_names_must_be_text_not_other_json_types(
    client: TestClient[Any, Any], name: str
) -> None:
    data = achievement()
    if name == "grading":
        data["grading"]["name"] = {"k": "v"}
    elif name == "alignments":
        data["alignments"][0]["targetName"] = 12
    else:
        data["awardingBodies"] = [{"id": "did:web:uni.example", "name": ["Uni"]}]
    await _refused(client, data, name)


def _ob_credential(did: str) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Uni", "url": "https://uni.example"},
        "name": "Data literacy",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://uni.example/achievements/1",
                "type": ["Achievement"],
                "name": "Data literacy",
                "description": "A course.",
                "criteria": {"narrative": "Pass."},
                "image": {"id": "https://uni.example/badge.png", "type": "Image"},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "data analysis",
                        "targetUrl": "https://esco.example/skill/1",
                    }
                ],
            },
        },
    }


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("credentialSubject", "achievement", "id"), "credentialSubject.achievement.id"),
        (("credentialSubject", "achievement", "image", "id"), "credentialSubject.achievement.image.id"),
        (
            ("credentialSubject", "achievement", "alignment", 0, "targetUrl"),
            "credentialSubject.achievement.alignment[0].targetUrl",
        ),
        (("issuer", "url"), "issuer.url"),
    ],
)
async def test_vc_api_refuses_credentials_with_script_links(
    client: TestClient[Any, Any], path: tuple[Any, ...], field: str
) -> None:
    did = (await (await client.get("/api/issuer/profile", headers=AUTH)).json())["did"]
    good = _ob_credential(did)
    resp = await client.post("/credentials/issue", json={"credential": good}, headers=AUTH)
    assert resp.status == 201, await resp.text()
    bad = _ob_credential(did)
    node: Any = bad
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "javascript:alert(1)"
    resp = await client.post("/credentials/issue", json={"credential": bad}, headers=AUTH)
    assert resp.status == 422, await resp.text()
    problems = (await resp.json())["problems"]
    assert any(p.startswith(field + " ") for p in problems), problems


def test_link_problems_name_every_bad_field_and_accept_good_ones() -> None:
    good = _ob_credential("did:web:uni.example")
    good["id"] = "urn:uuid:4f0c3c4e-7d0e-4d21-a0a5-2c4b1f0f8d7e"
    good["credentialSubject"]["id"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert link_problems(good) == []
    good["credentialSubject"]["achievement"]["furtherInformation"] = "data:text/html,<script>"
    good["credentialSubject"]["achievement"]["image"]["id"] = "data:image/svg+xml;base64,PHN2Zz4="
    problems = link_problems(good)
    assert [p.split(" ")[0] for p in problems] == [
        "credentialSubject.achievement.furtherInformation",
        "credentialSubject.achievement.image.id",
    ]
