"""Issuer pathways: definition with validation, public listing, and claims verified end to end.

Two real issuers: the Polish university (did:web, the claim endpoint) and a German one (did:key, a
real HTTP server whose status lists the first fetches). Credentials are really issued, revoked and
presented by a learner key; nothing is mocked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.pathways import credential_digest
from plecak.core.verify.credential import Verifier
from plecak.core.verify.presentation import create_presentation
from plecak.issuer.app import create_app
from plecak.issuer.app_keys import CERTIFICATE_CLAIMS
from plecak.issuer.pathways_store import PathwayStore
from support.issuer import AUTH, achievement, issuer_settings, profile
from support.ports import Listener

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]


def _key(label: str) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(hashlib.sha256(f"pathways learner: {label}".encode()).digest())


def course(name: str, ects: int) -> dict[str, Any]:
    data = achievement(0)
    data.update(name=name, ects=ects)
    del data["grading"], data["humanCode"]
    return data


def certificate(name: str, ects: int = 10) -> dict[str, Any]:
    data = course(name, ects)
    data["achievementType"] = "Certificate"
    data["integrationStackability"] = "StandAlone"
    return data


@dataclass
class World:
    pw: TestClient[Any, Any]  # Polish university: defines pathways, answers claims
    tum: TestClient[Any, Any]  # German university (did:key)
    pw_did: str
    tum_did: str
    courses: dict[str, tuple[str, str]]  # slug -> (achievement uuid on its issuer, achievement id)

    async def issue(self, slug: str, holder: str, name: str = "Anna Kowalska") -> dict[str, Any]:
        client = self.tum if slug.startswith("tum-") else self.pw
        uuid, _ = self.courses[slug]
        resp = await client.post(
            f"/api/achievements/{uuid}/credentials",
            json={"learner": {"name": name, "did": holder}},
            headers=AUTH,
        )
        assert resp.status == 201, await resp.text()
        credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
        return credential

    def component(self, slug: str, name: str) -> dict[str, Any]:
        return {
            "achievement": self.courses[slug][1],
            "issuer": self.tum_did if slug.startswith("tum-") else self.pw_did,
            "name": name,
        }


COURSES = {
    "dl-basics": ("Data Literacy Basics", 3),
    "dl-stats": ("Statistics for Decisions", 4),
    "dl-viz": ("Data Visualisation", 4),
    "dl-ethics": ("Data Ethics", 2),
    "ca-science": ("Climate Science", 3),
    "ca-policy": ("Climate Policy", 3),
    "ca-summer": ("Climate Summer School", 5),
    "tum-ca-energy": ("Energy Transition", 4),
    "tum-ca-law": ("Environmental Law", 3),
}


@pytest.fixture
async def world(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    redis_url: str,
    second_redis_url: str,
    tmp_path: Path,
) -> World:
    port_listener = Listener()
    port = port_listener.port
    tum_url = f"http://127.0.0.1:{port}"
    tum_app = create_app(
        issuer_settings(second_redis_url, tmp_path / "tum", public_url=tum_url, did_method="key")
    )
    tum_server = await aiohttp_server(tum_app, listener=port_listener)
    tum = await aiohttp_client(tum_server)
    pw = await aiohttp_client(
        create_app(
            issuer_settings(redis_url, tmp_path / "pw", insecure_hosts=frozenset({f"127.0.0.1:{port}"}))
        )
    )
    german = dict(profile(), name="Technical University Example", addressCountry="Germany")
    german["addressCountryCode"] = "DE"
    german.pop("addressRegion")
    german["addressLocality"] = "München"
    assert (await pw.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    assert (await tum.put("/api/issuer/profile", json=german, headers=AUTH)).status == 200
    pw_did = (await (await pw.get("/api/issuer/profile", headers=AUTH)).json())["did"]
    tum_did = (await (await tum.get("/api/issuer/profile", headers=AUTH)).json())["did"]
    courses = {}
    for slug, (name, ects) in COURSES.items():
        client = tum if slug.startswith("tum-") else pw
        resp = await client.post("/api/achievements", json=course(name, ects), headers=AUTH)
        assert resp.status == 201, await resp.text()
        record = await resp.json()
        courses[slug] = (record["uuid"], record["id"])
    return World(pw, tum, pw_did, tum_did, courses)


def data_literacy(w: World) -> dict[str, Any]:
    return {
        "achievement": certificate("Certificate in Data Literacy"),
        "rule": {
            "components": [
                w.component(s, COURSES[s][0]) for s in ("dl-basics", "dl-stats", "dl-viz", "dl-ethics")
            ],
            "mandatory": [w.courses["dl-basics"][1], w.courses["dl-stats"][1]],
            "electiveGroups": [
                {
                    "name": "Electives",
                    "components": [w.courses["dl-viz"][1], w.courses["dl-ethics"][1]],
                    "minCount": 1,
                    "minEctsEach": 3,
                }
            ],
        },
    }


def climate(w: World, *, mini: bool = False) -> dict[str, Any]:
    modules = [
        {"name": "Science", "components": [w.courses["ca-science"][1]]},
        {"name": "Policy", "components": [w.courses["ca-policy"][1], w.courses["tum-ca-law"][1]]},
        {"name": "Action", "components": [w.courses["tum-ca-energy"][1]]},
    ]
    slugs = ["ca-science", "ca-policy", "tum-ca-law", "tum-ca-energy", "ca-summer"]
    rule: dict[str, Any] = {
        "components": [w.component(s, COURSES[s][0]) for s in slugs],
        "mandatory": [w.courses["ca-summer"][1]],
        "modules": modules,
        "minInstitutions": 2,
        "minCountries": 2,
    }
    name = "Certificate in Climate Action"
    if mini:
        rule["components"] = rule["components"][:3]
        rule["modules"] = modules[:2]
        del rule["mandatory"]
        name = "Mini-certificate in Climate Action"
    return {"achievement": certificate(name, 6 if mini else 15), "rule": rule}


async def define(w: World, pathway: dict[str, Any]) -> str:
    resp = await w.pw.post("/api/pathways", json=pathway, headers=AUTH)
    assert resp.status == 201, await resp.text()
    uuid: str = (await resp.json())["uuid"]
    return uuid


async def trust_tum(w: World) -> None:
    resp = await w.pw.put(
        f"/api/trusted-issuers/{w.tum_did}", json={"name": "TU Example", "country": "DE"}, headers=AUTH
    )
    assert resp.status == 200, await resp.text()


async def claim(
    w: World, uuid: str, creds: list[dict[str, Any]], key: Ed25519KeyPair, *, challenge: str | None = None
) -> tuple[int, dict[str, Any]]:
    if challenge is None:
        nonce = await (await w.pw.post(f"/pathways/{uuid}/claim-nonce")).json()
        challenge = nonce["challenge"]
        assert nonce["domain"] == "https://issuer.example"
    holder = did_key(key)
    vp = create_presentation(
        creds,
        key,
        holder,
        f"{holder}#{key.public_multibase}",
        challenge=challenge,
        domain="https://issuer.example",
    )
    resp = await w.pw.post(f"/pathways/{uuid}/claim", json={"presentation": vp})
    body: dict[str, Any] = await resp.json(content_type=None)
    return resp.status, body


# -- pathway definitions ------------------------------------------------------------------
async def test_pathway_is_saved_and_published_with_its_rule(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    public = await (await world.pw.get(f"/pathways/{uuid}")).json()
    assert public["achievement"]["achievementType"] == "Certificate"
    assert public["achievement"]["mandatoryComponent"] == [
        world.courses["dl-basics"][1],
        world.courses["dl-stats"][1],
    ]
    assert len(public["achievement"]["hasPart"]) == 4
    assert "Data Literacy Basics" in public["achievement"]["compositionRule"]
    assert public["claim"]["endpoint"] == f"https://issuer.example/pathways/{uuid}/claim"
    listing = await (await world.pw.get("/pathways")).json()
    assert [p["id"] for p in listing["pathways"]] == [public["id"]]


async def test_pathway_with_bad_rule_is_rejected_naming_the_problem(world: World) -> None:
    pathway = data_literacy(world)
    pathway["rule"]["mandatory"].append("https://elsewhere.example/achievements/x")
    pathway["achievement"].pop("learningOutcomes")
    resp = await world.pw.post("/api/pathways", json=pathway, headers=AUTH)
    assert resp.status == 422
    body = await resp.json()
    assert "not one of the pathway's components" in body["invalid"]["rule"]
    assert "achievement.learningOutcomes" in body["missing"]
    assert (await (await world.pw.get("/pathways")).json())["pathways"] == []


async def test_pathway_admin_api_needs_the_token(world: World) -> None:
    resp = await world.pw.post("/api/pathways", json=data_literacy(world))
    assert resp.status == 401


# -- claims: Data Literacy -------------------------------------------------------------------
async def test_claim_data_literacy_issues_a_certificate_citing_its_parts(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    key = _key("anna")
    holder = did_key(key)
    creds = [await world.issue(s, holder) for s in ("dl-basics", "dl-stats", "dl-viz")]
    status, body = await claim(world, uuid, creds, key)
    assert status == 201, body
    cert = body["verifiableCredential"]
    assert cert["credentialSubject"]["id"] == holder
    assert cert["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    cited = {e["id"]: e["digestMultibase"] for e in cert["evidence"]}
    assert cited == {c["id"]: credential_digest(c) for c in creds}
    did_doc = await (await world.pw.get("/.well-known/did.json")).json()
    result = await Verifier(DidResolver(static={did_doc["id"]: did_doc})).verify(cert)
    assert result.verified, result.to_json()
    # A second claim returns the same certificate instead of issuing another.
    status, again = await claim(world, uuid, creds, key)
    assert status == 200
    assert again["verifiableCredential"]["id"] == cert["id"]


async def test_claim_without_an_elective_answers_what_is_missing(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    key = _key("anna")
    creds = [await world.issue(s, did_key(key)) for s in ("dl-basics", "dl-stats", "dl-ethics")]
    status, body = await claim(world, uuid, creds, key)
    assert status == 422
    assert body["title"] == "Pathway requirements not met"
    assert body["evaluation"]["missing"][0].startswith("Electives: electives of at least 3 ECTS 0 of 1")


async def test_claim_with_a_revoked_component_is_refused(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    key = _key("anna")
    creds = [await world.issue(s, did_key(key)) for s in ("dl-basics", "dl-stats", "dl-viz")]
    resp = await world.pw.post(
        "/credentials/status",
        json={
            "credentialId": creds[1]["id"],
            "credentialStatus": {"statusPurpose": "revocation"},
            "status": True,
        },
        headers=AUTH,
    )
    assert resp.status == 200
    status, body = await claim(world, uuid, creds, key)
    assert status == 422
    assert body["evaluation"]["missing"] == ["Mandatory: Statistics for Decisions: missing"]
    (excluded,) = body["evaluation"]["excluded"]
    assert excluded["credentialId"] == creds[1]["id"]
    assert "revoked" in excluded["reason"]


async def test_claim_with_a_component_held_by_someone_else_is_refused(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    key = _key("anna")
    mine = [await world.issue(s, did_key(key)) for s in ("dl-basics", "dl-viz")]
    theirs = await world.issue("dl-stats", did_key(_key("jan")), name="Jan Nowak")
    status, body = await claim(world, uuid, [*mine, theirs], key)
    assert status == 422
    (excluded,) = body["evaluation"]["excluded"]
    assert excluded["credentialId"] == theirs["id"]
    assert f"issued to {did_key(_key('jan'))}" in excluded["reason"]


async def test_claim_with_duplicate_components_counts_them_once(world: World) -> None:
    pathway = data_literacy(world)
    pathway["rule"]["electiveGroups"][0].update(minCount=2, minEctsEach=None)
    del pathway["rule"]["electiveGroups"][0]["minEctsEach"]
    uuid = await define(world, pathway)
    key = _key("anna")
    holder = did_key(key)
    creds = [await world.issue(s, holder) for s in ("dl-basics", "dl-stats", "dl-viz")]
    second_viz = await world.issue("dl-viz", holder)
    status, body = await claim(world, uuid, [*creds, creds[2], second_viz], key)
    assert status == 422
    assert body["evaluation"]["missing"] == ["Electives: electives 1 of 2"]
    reasons = sorted(e["reason"] for e in body["evaluation"]["excluded"])
    assert reasons[0].startswith("a duplicate of urn:uuid:")
    assert reasons[1] == "the same credential was presented twice"


async def test_claim_rejects_a_replayed_or_unknown_challenge(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    key = _key("anna")
    creds = [await world.issue(s, did_key(key)) for s in ("dl-basics", "dl-stats", "dl-viz")]
    status, body = await claim(world, uuid, creds, key, challenge="made-up")
    assert status == 422
    assert body["title"] == "Presentation refused"
    nonce = (await (await world.pw.post(f"/pathways/{uuid}/claim-nonce")).json())["challenge"]
    assert (await claim(world, uuid, creds, key, challenge=nonce))[0] == 201
    status, body = await claim(world, uuid, creds, key, challenge=nonce)
    assert status == 422
    assert "already used" in body["detail"]


async def test_claim_with_a_presentation_signed_by_another_key_is_refused(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    anna = _key("anna")
    creds = [await world.issue(s, did_key(anna)) for s in ("dl-basics", "dl-stats", "dl-viz")]
    status, body = await claim(world, uuid, creds, _key("mallory"))
    assert status == 422
    assert len(body["evaluation"]["excluded"]) == 3
    assert all("issued to" in e["reason"] for e in body["evaluation"]["excluded"])


async def test_claim_with_garbage_is_a_client_error(world: World) -> None:
    uuid = await define(world, data_literacy(world))
    resp = await world.pw.post(f"/pathways/{uuid}/claim", json={"presentation": [1, 2]})
    assert resp.status == 400
    resp = await world.pw.post("/pathways/nope/claim-nonce")
    assert resp.status == 404


# -- claims: Climate Action (two universities, two countries) --------------------------------
async def test_claim_climate_action_with_a_trusted_german_university(world: World) -> None:
    await trust_tum(world)
    uuid = await define(world, climate(world))
    key = _key("anna")
    holder = did_key(key)
    creds = [await world.issue(s, holder) for s in ("ca-science", "ca-policy", "tum-ca-energy", "ca-summer")]
    status, body = await claim(world, uuid, creds, key)
    assert status == 201, body
    assert len(body["verifiableCredential"]["evidence"]) == 4
    assert len(world.pw.app[CERTIFICATE_CLAIMS].status_client) == 2  # TUM's revocation and suspension lists


async def test_climate_component_from_an_untrusted_university_does_not_count(world: World) -> None:
    uuid = await define(world, climate(world))  # TUM not trusted
    key = _key("anna")
    creds = [
        await world.issue(s, did_key(key)) for s in ("ca-science", "ca-policy", "tum-ca-energy", "ca-summer")
    ]
    status, body = await claim(world, uuid, creds, key)
    assert status == 422
    missing = body["evaluation"]["missing"]
    assert "Module: Action: 0 of 1 course" in missing
    assert "Countries: 1 country (PL) of 2" in missing
    (excluded,) = body["evaluation"]["excluded"]
    assert "not in this issuer's list of trusted institutions" in excluded["reason"]
    assert len(world.pw.app[CERTIFICATE_CLAIMS].status_client) == 0  # its status lists were not fetched


async def test_climate_revoked_component_at_the_other_university_is_seen(world: World) -> None:
    await trust_tum(world)
    uuid = await define(world, climate(world))
    key = _key("anna")
    creds = [
        await world.issue(s, did_key(key)) for s in ("ca-science", "ca-policy", "tum-ca-energy", "ca-summer")
    ]
    resp = await world.tum.post(
        "/credentials/status",
        json={
            "credentialId": creds[2]["id"],
            "credentialStatus": {"statusPurpose": "revocation"},
            "status": True,
        },
        headers=AUTH,
    )
    assert resp.status == 200
    status, body = await claim(world, uuid, creds, key)
    assert status == 422
    assert "revoked" in body["evaluation"]["excluded"][0]["reason"]


async def test_climate_mini_certificate_and_the_two_countries_rule(world: World) -> None:
    await trust_tum(world)
    uuid = await define(world, climate(world, mini=True))
    key = _key("anna")
    holder = did_key(key)
    polish_only = [await world.issue(s, holder) for s in ("ca-science", "ca-policy")]
    status, body = await claim(world, uuid, polish_only, key)
    assert status == 422
    assert body["evaluation"]["missing"] == [
        "Awarding institutions: 1 institution of 2",
        "Countries: 1 country (PL) of 2",
    ]
    with_law = [polish_only[0], await world.issue("tum-ca-law", holder)]
    status, body = await claim(world, uuid, with_law, key)
    assert status == 201, body
    assert body["verifiableCredential"]["name"] == "Mini-certificate in Climate Action"


async def test_trusted_issuer_list_is_managed_by_admin(world: World) -> None:
    await trust_tum(world)
    listing = await (await world.pw.get("/api/trusted-issuers", headers=AUTH)).json()
    assert listing["trustedIssuers"] == [{"did": world.tum_did, "name": "TU Example", "country": "DE"}]
    bad = await world.pw.put("/api/trusted-issuers/not-a-did", json={"name": "x"}, headers=AUTH)
    assert bad.status == 422
    assert (await world.pw.delete(f"/api/trusted-issuers/{world.tum_did}", headers=AUTH)).status == 204
    assert (await world.pw.delete(f"/api/trusted-issuers/{world.tum_did}", headers=AUTH)).status == 404


async def test_claim_while_another_claim_is_issuing_is_a_conflict(world: World, redis_client: Redis) -> None:
    uuid = await define(world, data_literacy(world))
    key = _key("anna")
    creds = [await world.issue(s, did_key(key)) for s in ("dl-basics", "dl-stats", "dl-viz")]
    store = PathwayStore(redis_client)
    assert await store.begin_claim(uuid, did_key(key))  # as if another request were issuing right now
    status, body = await claim(world, uuid, creds, key)
    assert status == 409
    assert body["title"] == "Claim in progress"
    await store.end_claim(uuid, did_key(key))
    status, body = await claim(world, uuid, creds, key)
    assert status == 201, body
    assert await store.begin_claim(uuid, "did:key:z6MkOther")  # other holders are independent


async def test_pathway_update_bumps_version_and_warns_about_untrusted_components(world: World) -> None:
    resp = await world.pw.post("/api/pathways", json=climate(world), headers=AUTH)
    record = await resp.json()
    assert len(record["warnings"]) == 2
    assert all(world.tum_did in w for w in record["warnings"])
    await trust_tum(world)
    pathway = climate(world, mini=True)
    resp = await world.pw.put(f"/api/pathways/{record['uuid']}", json=pathway, headers=AUTH)
    assert resp.status == 200
    updated = await resp.json()
    assert updated["version"] == 2
    assert updated["warnings"] == []
    assert updated["achievement"]["name"] == "Mini-certificate in Climate Action"
    assert (await world.pw.get("/pathways/no-such-pathway")).status == 404
    resp = await world.pw.put("/api/pathways/no-such-pathway", json=pathway, headers=AUTH)
    assert resp.status == 404


async def test_pathway_link_opened_in_a_browser_shows_a_page_with_a_follow_link(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await aiohttp_client(
        create_app(issuer_settings(redis_url, tmp_path, wallet_url="https://wallet.example"))
    )
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    record = await (
        await client.post("/api/achievements", json=course("<b>Basics</b>", 3), headers=AUTH)
    ).json()
    did = (await (await client.get("/api/issuer/profile", headers=AUTH)).json())["did"]
    pathway = {
        "achievement": certificate("Certificate <script>"),
        "rule": {
            "components": [{"achievement": record["id"], "issuer": did, "name": "<b>Basics</b>"}],
            "mandatory": [record["id"]],
        },
    }
    uuid = (await (await client.post("/api/pathways", json=pathway, headers=AUTH)).json())["uuid"]
    resp = await client.get(f"/pathways/{uuid}", headers={"Accept": "text/html,application/xhtml+xml"})
    assert resp.status == 200
    assert resp.content_type == "text/html"
    page = await resp.text()
    assert "Certificate &lt;script&gt;" in page
    assert "<script>" not in page.split("</head>")[1]
    assert "&lt;b&gt;Basics&lt;/b&gt;" in page
    url = quote(f"https://issuer.example/pathways/{uuid}", safe="")
    assert f'href="https://wallet.example/pathways?url={url}"' in page
    resp = await client.get(f"/pathways/{uuid}")
    assert resp.content_type == "application/json"
    assert (await resp.json())["type"] == "Pathway"
