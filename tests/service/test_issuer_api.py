"""The issuer service over real HTTP with a real Redis: catalogue, issuing, status, bad input."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from plecak.core.did import DidResolver
from plecak.core.errors import SecretBoxError
from plecak.core.integrity.proofs import verify_proofs
from plecak.core.jsonld.rdf import canonicalize
from plecak.core.status.bitstring import Bitstring
from plecak.issuer.app import create_app
from plecak.issuer.app_keys import SERVICE
from plecak.issuer.service import _request_hash
from support import REPO
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile, simple_credential_v2
from support.redis_keys import stored_value

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))


@pytest.fixture
async def ready(client: TestClient[Any, Any]) -> tuple[TestClient[Any, Any], str]:
    """A client whose issuer has a profile and one achievement, and that achievement's uuid."""
    resp = await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    assert resp.status == 200
    resp = await client.post("/api/achievements", json=achievement(0), headers=AUTH)
    assert resp.status == 201, await resp.text()
    return client, (await resp.json())["uuid"]


async def resolver_for(client: TestClient[Any, Any]) -> DidResolver:
    doc = await (await client.get("/.well-known/did.json")).json()
    return DidResolver(static={doc["id"]: doc})


async def assert_problem(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status == status, await resp.text()
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = await resp.json()
    assert body["title"]
    assert "Traceback" not in str(body)
    return body


async def test_admin_api_rejects_missing_and_wrong_tokens(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/api/achievements")
    await assert_problem(resp, 401)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    await assert_problem(await client.get("/api/achievements", headers={"Authorization": "Bearer nope"}), 401)
    await assert_problem(await client.post("/credentials/issue", json={"credential": {}}), 401)
    assert (await client.get("/api/achievements", headers=AUTH)).status == 200


async def test_achievement_gets_open_badges_form_and_fact_sheet(
    ready: tuple[TestClient[Any, Any], str],
) -> None:
    client, uuid = ready
    record = await (await client.get(f"/api/achievements/{uuid}", headers=AUTH)).json()
    ach = record["achievement"]
    assert ach["id"] == f"{PUBLIC_URL}/achievements/{uuid}"
    assert ach["achievementType"] == "MicroCredential"
    assert ach["creditsAvailable"] == 3
    assert ach["creditPoint"][0]["point"] == "3"
    assert ach["eqfLevel"] == "http://data.europa.eu/snb/eqf/6"
    assert ach["formOfParticipation"] == "Blended"
    assert ach["learningOutcome"][0].startswith("Locate")
    narrative = ach["criteria"]["narrative"]
    for fragment in ("3 ECTS (75 hours)", "EQF 6", "blended", "Quality assurance", "Locate, access"):
        assert fragment in narrative
    public = await (await client.get(f"/achievements/{uuid}")).json()
    assert public == ach


async def test_achievement_missing_eu_elements_is_422_naming_them(
    ready: tuple[TestClient[Any, Any], str],
) -> None:
    client, _ = ready
    data = achievement(0)
    for key in ("learningOutcomes", "ects", "typeOfQualityAssurance", "formOfParticipation"):
        del data[key]
    body = await assert_problem(await client.post("/api/achievements", json=data, headers=AUTH), 422)
    assert set(body["missing"]) == {
        "learningOutcomes",
        "ects",
        "typeOfQualityAssurance",
        "formOfParticipation",
    }
    assert "learning outcomes" in body["detail"]
    listed = await (await client.get("/api/achievements", headers=AUTH)).json()
    assert len(listed["achievements"]) == 1


async def test_achievement_rejects_unknown_enumeration_value(ready: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = ready
    data = achievement(0)
    data["formOfParticipation"] = "Hybrid"
    body = await assert_problem(await client.put(f"/api/achievements/{uuid}", json=data, headers=AUTH), 422)
    assert "formOfParticipation" in body["invalid"]
    record = await (await client.get(f"/api/achievements/{uuid}", headers=AUTH)).json()
    assert record["input"]["formOfParticipation"] == "Blended"
    assert record["version"] == 1


async def test_achievement_needs_issuer_profile_first(client: TestClient[Any, Any]) -> None:
    body = await assert_problem(
        await client.post("/api/achievements", json=achievement(1), headers=AUTH), 422
    )
    assert "issuer profile" in body["missing"]


async def test_issued_micro_credential_verifies_and_carries_eu_elements(
    ready: tuple[TestClient[Any, Any], str],
) -> None:
    client, uuid = ready
    learner = {
        "name": "Anna Kowalska",
        "email": "anna@example.org",
        "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    }
    resp = await client.post(
        f"/api/achievements/{uuid}/credentials", json={"learner": learner, "grade": "4.5"}, headers=AUTH
    )
    assert resp.status == 201, await resp.text()
    vc = (await resp.json())["verifiableCredential"]
    assert vc["@context"][:3] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        f"{PUBLIC_URL}/contexts/plecak/mc/v1",
    ]
    assert vc["relatedResource"][0]["id"] == f"{PUBLIC_URL}/contexts/plecak/mc/v1"
    subject = vc["credentialSubject"]
    assert subject["id"] == learner["did"]
    assert subject["result"][0]["value"] == "4.5"
    emails = [i for i in subject["identifier"] if i["identityType"] == "emailAddress"]
    assert emails[0]["hashed"] is True
    assert "anna@" not in emails[0]["identityHash"]
    assert vc["issuer"]["address"]["addressCountryCode"] == "PL"
    purposes = {e["statusPurpose"]: e for e in vc["credentialStatus"]}
    assert set(purposes) == {"revocation", "suspension"}
    assert purposes["revocation"]["statusListCredential"] == f"{PUBLIC_URL}/status-lists/revocation-1"
    assert purposes["revocation"]["statusListIndex"] == purposes["suspension"]["statusListIndex"]
    checks = await verify_proofs(vc, await resolver_for(client))
    assert [c.verified for c in checks] == [True], checks
    assert checks[0].controller == vc["issuer"]["id"]
    assert len(canonicalize({k: v for k, v in vc.items() if k != "proof"}).splitlines()) > 100


async def test_issue_rejects_grade_outside_scheme_and_missing_name(
    ready: tuple[TestClient[Any, Any], str], redis_client: Redis
) -> None:
    client, uuid = ready
    url = f"/api/achievements/{uuid}/credentials"
    body = await assert_problem(
        await client.post(url, json={"learner": {"name": "A"}, "grade": "6.0"}, headers=AUTH), 422
    )
    assert "grade" in body["invalid"]
    body = await assert_problem(
        await client.post(url, json={"learner": {"email": "a@b.c"}}, headers=AUTH), 422
    )
    assert "learner.name" in body["missing"]
    await assert_problem(
        await client.post(
            f"/api/achievements/{uuid[:-1]}{'1' if uuid.endswith('0') else '0'}/credentials",
            json={"learner": {"name": "A"}},
            headers=AUTH,
        ),
        404,
    )
    assert await redis_client.get("issuer:status:next") is None
    assert await redis_client.zcard("issuer:{records}:credentials") == 0


async def test_vcapi_issue_signs_v2_credential_with_status_entries(client: TestClient[Any, Any]) -> None:
    resp = await client.post(
        "/credentials/issue",
        json={"credential": simple_credential_v2(), "options": {"unknown": 1}},
        headers=AUTH,
    )
    assert resp.status == 201, await resp.text()
    vc = (await resp.json())["verifiableCredential"]
    assert vc["id"].startswith("urn:uuid:")
    assert vc["issuer"].startswith("did:web:issuer.example")
    assert {e["type"] for e in vc["credentialStatus"]} == {"BitstringStatusListEntry"}
    assert all(
        e["statusListCredential"].startswith(PUBLIC_URL + "/status-lists/") for e in vc["credentialStatus"]
    )
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert [c.verified for c in await verify_proofs(vc, await resolver_for(client))] == [True]


async def test_vcapi_issue_picks_the_cryptosuite_named_in_options(client: TestClient[Any, Any]) -> None:
    resp = await client.post(
        "/credentials/issue",
        json={"credential": simple_credential_v2(), "options": {"cryptosuite": "Ed25519Signature2020"}},
        headers=AUTH,
    )
    assert resp.status == 201, await resp.text()
    vc = (await resp.json())["verifiableCredential"]
    assert vc["proof"]["type"] == "Ed25519Signature2020"
    assert "cryptosuite" not in vc["proof"]
    assert [c.verified for c in await verify_proofs(vc, await resolver_for(client))] == [True]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"cryptosuite": "rsa-2048-rdfc"}, "is not offered here; use one of"),
        ({"cryptosuite": 7}, "options.cryptosuite must be a string"),
        ({"mandatoryPointers": "/issuer"}, "options.mandatoryPointers must be a list"),
    ],
)
async def test_vcapi_issue_rejects_bad_suite_options_without_using_an_index(
    client: TestClient[Any, Any], redis_client: Redis, options: dict[str, Any], named: str
) -> None:
    before = await redis_client.get("issuer:status:next")
    resp = await client.post(
        "/credentials/issue", json={"credential": simple_credential_v2(), "options": options}, headers=AUTH
    )
    assert resp.status == 422
    assert named in json.dumps(await resp.json())
    assert await redis_client.get("issuer:status:next") == before


async def test_vcapi_issue_signs_vc_1_1_credential(client: TestClient[Any, Any]) -> None:
    cred = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    resp = await client.post("/credentials/issue", json={"credential": cred}, headers=AUTH)
    assert resp.status == 201, await resp.text()
    vc = (await resp.json())["verifiableCredential"]
    assert "https://w3id.org/security/data-integrity/v2" in vc["@context"]
    assert {e["type"] for e in vc["credentialStatus"]} == {"StatusList2021Entry"}
    assert [c.verified for c in await verify_proofs(vc, await resolver_for(client))] == [True]
    legacy = await client.get(vc["credentialStatus"][0]["statusListCredential"].removeprefix(PUBLIC_URL))
    assert legacy.status == 200
    assert "StatusList2021Credential" in (await legacy.json())["type"]


@pytest.mark.parametrize(
    ("mutate", "status", "field", "expected"),
    [
        (
            lambda c: c["@context"].append("https://example.com/unknown/v1"),
            422,
            "url",
            "https://example.com/unknown/v1",
        ),
        (lambda c: c["credentialSubject"].update({"undefinedThing": 1}), 422, "term", "undefinedThing"),
        (lambda c: c["type"].append("InvalidType"), 422, "term", "InvalidType"),
        (lambda c: c.pop("credentialSubject"), 422, "problems", ["credentialSubject is missing"]),
        (lambda c: c.update({"issuer": "did:example:someone-else"}), 422, None, None),
        (
            lambda c: c.update({"validFrom": "2026-02-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"}),
            422,
            None,
            None,
        ),
        (lambda c: c.update({"@context": ["https://example.com/v1"]}), 422, None, None),
    ],
)
async def test_vcapi_issue_rejects_bad_credentials_without_side_effects(
    client: TestClient[Any, Any],
    redis_client: Redis,
    mutate: Callable[[dict[str, Any]], Any],
    status: int,
    field: str | None,
    expected: Any,
) -> None:
    cred = simple_credential_v2()
    mutate(cred)
    body = await assert_problem(
        await client.post("/credentials/issue", json={"credential": cred}, headers=AUTH), status
    )
    if field:
        assert body[field] == expected
    assert await redis_client.get("issuer:status:next") is None
    assert await redis_client.zcard("issuer:{records}:credentials") == 0


async def test_malformed_oversized_and_non_json_bodies_get_problem_details(
    client: TestClient[Any, Any],
) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    await assert_problem(
        await client.post("/credentials/issue", data=b'{"credential": ', headers=headers), 400
    )
    await assert_problem(await client.post("/credentials/issue", data=b"x" * 1_100_000, headers=headers), 413)
    await assert_problem(
        await client.post("/credentials/issue", data=b"{}", headers={**AUTH, "Content-Type": "text/plain"}),
        415,
    )
    await assert_problem(await client.post("/credentials/issue", json={"nope": 1}, headers=AUTH), 400)


async def test_revocation_sets_bit_in_published_signed_list(client: TestClient[Any, Any]) -> None:
    vc = (
        await (
            await client.post("/credentials/issue", json={"credential": simple_credential_v2()}, headers=AUTH)
        ).json()
    )["verifiableCredential"]
    entry = next(e for e in vc["credentialStatus"] if e["statusPurpose"] == "revocation")
    path = entry["statusListCredential"].removeprefix(PUBLIC_URL)
    before = await client.get(path)
    assert before.status == 200
    etag = before.headers["ETag"]
    assert (await client.get(path, headers={"If-None-Match": etag})).status == 304
    resp = await client.post(
        "/credentials/status",
        json={
            "credentialId": vc["id"],
            "credentialStatus": {"type": "BitstringStatusListCredential", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=AUTH,
    )
    assert resp.status == 200, await resp.text()
    after = await client.get(path, headers={"If-None-Match": etag})
    assert after.status == 200
    assert after.headers["ETag"] != etag
    assert "max-age" in after.headers["Cache-Control"]
    list_vc = await after.json()
    assert list_vc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = Bitstring.decode(list_vc["credentialSubject"]["encodedList"])
    assert len(bits) >= 131072
    assert bits.get(int(entry["statusListIndex"])) is True
    assert [c.verified for c in await verify_proofs(list_vc, await resolver_for(client))] == [True]
    suspension_path = path.replace("revocation", "suspension")
    suspension = Bitstring.decode(
        (await (await client.get(suspension_path)).json())["credentialSubject"]["encodedList"]
    )
    assert suspension.get(int(entry["statusListIndex"])) is False


async def test_suspension_is_reversible_and_revocation_is_not(client: TestClient[Any, Any]) -> None:
    vc = (
        await (
            await client.post("/credentials/issue", json={"credential": simple_credential_v2()}, headers=AUTH)
        ).json()
    )["verifiableCredential"]

    async def set_status(purpose: str, value: Any) -> Any:
        body = {
            "credentialId": vc["id"],
            "credentialStatus": {"type": "BitstringStatusListCredential", "statusPurpose": purpose},
            "status": value,
        }
        return await client.post("/credentials/status", json=body, headers=AUTH)

    assert (await set_status("suspension", True)).status == 200
    record = await (await client.get(f"/api/credentials/{vc['id']}", headers=AUTH)).json()
    assert record["currentStatus"] == {"revocation": False, "suspension": True}
    assert (await set_status("suspension", False)).status == 200
    assert (await set_status("revocation", True)).status == 200
    await assert_problem(await set_status("revocation", False), 409)
    await assert_problem(await set_status("expiry", True), 422)
    await assert_problem(await set_status("revocation", "yes"), 422)
    record = await (await client.get(f"/api/credentials/{vc['id']}", headers=AUTH)).json()
    assert record["currentStatus"] == {"revocation": True, "suspension": False}
    unknown = {
        "credentialId": "urn:uuid:00000000-0000-0000-0000-000000000000",
        "credentialStatus": {"statusPurpose": "revocation"},
        "status": True,
    }
    await assert_problem(await client.post("/credentials/status", json=unknown, headers=AUTH), 404)


async def test_status_list_ids_outside_allocation_are_404(client: TestClient[Any, Any]) -> None:
    assert (await client.get("/status-lists/revocation-1")).status == 200
    for bad in ("revocation-2", "revocation-0", "revocation-01", "expiry-1", "revocation"):
        await assert_problem(await client.get(f"/status-lists/{bad}"), 404)


async def test_idempotency_key_returns_same_credential_and_uses_one_index(
    client: TestClient[Any, Any], redis_client: Redis
) -> None:
    headers = {**AUTH, "Idempotency-Key": "batch-7-row-12"}
    body = {"credential": simple_credential_v2()}
    first = await client.post("/credentials/issue", json=body, headers=headers)
    second = await client.post("/credentials/issue", json=body, headers=headers)
    assert first.status == second.status == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert (await first.json()) == (await second.json())
    assert int(await stored_value(redis_client, "issuer:status:next")) == 1
    other = {"credential": {**simple_credential_v2(), "name": "Other"}}
    await assert_problem(await client.post("/credentials/issue", json=other, headers=headers), 422)


async def test_vcapi_issue_retry_with_own_id_and_same_key_returns_same_credential(
    client: TestClient[Any, Any], redis_client: Redis
) -> None:
    """A client whose first answer was lost retries: same credential, same status indices, no 409."""
    headers = {**AUTH, "Idempotency-Key": "lost-answer-1"}
    credential = {**simple_credential_v2(), "id": "urn:uuid:0b5c5b8e-2a4b-4d8e-9a59-6d1f4f1b7c11"}
    body = {"credential": credential}
    first = await client.post("/credentials/issue", json=body, headers=headers)
    second = await client.post("/credentials/issue", json=body, headers=headers)
    assert first.status == 201, await first.text()
    assert second.status == 201, await second.text()
    assert second.headers.get("Idempotent-Replayed") == "true"
    one, two = (await first.json())["verifiableCredential"], (await second.json())["verifiableCredential"]
    assert one == two
    assert [e["statusListIndex"] for e in one["credentialStatus"]] == [
        e["statusListIndex"] for e in two["credentialStatus"]
    ]
    assert int(await stored_value(redis_client, "issuer:status:next")) == 1
    changed = {"credential": {**credential, "name": "Other"}}
    await assert_problem(await client.post("/credentials/issue", json=changed, headers=headers), 422)
    # the same id without the key (or under another key) is still refused as already issued
    await assert_problem(await client.post("/credentials/issue", json=body, headers=AUTH), 409)
    other_key = {**AUTH, "Idempotency-Key": "another-key"}
    await assert_problem(await client.post("/credentials/issue", json=body, headers=other_key), 409)
    assert int(await stored_value(redis_client, "issuer:status:next")) == 1


async def test_idempotency_record_holds_no_digest_of_the_clear_email_and_old_records_still_replay(
    ready: tuple[TestClient[Any, Any], str], redis_client: Redis
) -> None:
    client, uuid = ready
    body = {"learner": {"name": "Anna Nowak", "email": "anna@example.org"}}
    headers = {**AUTH, "Idempotency-Key": "row-1"}
    first = await client.post(f"/api/achievements/{uuid}/credentials", json=body, headers=headers)
    assert first.status == 201
    key = "issuer:{records}:idem:" + hashlib.sha256(b"row-1").hexdigest()
    record = json.loads(await stored_value(redis_client, key))
    clear_digest = _request_hash(f"achievement:{uuid}", body)
    assert record["state"] == "done"
    assert record["request"] != clear_digest
    # a record written by the previous version (digest of the body as sent) is still recognised
    await redis_client.set(key, json.dumps({**record, "request": clear_digest}))
    again = await client.post(f"/api/achievements/{uuid}/credentials", json=body, headers=headers)
    assert again.status == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert (await again.json()) == (await first.json())
    other = {"learner": {"name": "Anna Nowak", "email": "other@example.org"}}
    await assert_problem(
        await client.post(f"/api/achievements/{uuid}/credentials", json=other, headers=headers), 422
    )


async def test_concurrent_issuance_allocates_distinct_indices(client: TestClient[Any, Any]) -> None:
    async def issue() -> str:
        resp = await client.post(
            "/credentials/issue", json={"credential": simple_credential_v2()}, headers=AUTH
        )
        assert resp.status == 201
        vc = (await resp.json())["verifiableCredential"]
        entry = vc["credentialStatus"][0]
        return f"{entry['statusListCredential']}#{entry['statusListIndex']}"

    positions = await asyncio.gather(*(issue() for _ in range(200)))
    assert len(set(positions)) == 200


async def test_status_index_rolls_over_to_a_second_list(
    aiohttp_client: ClientFactory, redis_url: str, redis_client: Redis, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    await redis_client.set("issuer:status:next", 131071)
    urls = []
    for _ in range(2):
        vc = (
            await (
                await client.post(
                    "/credentials/issue", json={"credential": simple_credential_v2()}, headers=AUTH
                )
            ).json()
        )["verifiableCredential"]
        urls.append(
            (vc["credentialStatus"][0]["statusListCredential"], vc["credentialStatus"][0]["statusListIndex"])
        )
    assert urls == [
        (f"{PUBLIC_URL}/status-lists/revocation-1", "131071"),
        (f"{PUBLIC_URL}/status-lists/revocation-2", "0"),
    ]
    assert (await client.get("/status-lists/revocation-2")).status == 200


async def test_keys_are_encrypted_at_rest_and_survive_restart(
    aiohttp_client: ClientFactory, redis_url: str, redis_client: Redis, tmp_path: Path
) -> None:
    first = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    doc1 = await (await first.get("/.well-known/did.json")).json()
    vc = (
        await (
            await first.post("/credentials/issue", json={"credential": simple_credential_v2()}, headers=AUTH)
        ).json()
    )["verifiableCredential"]
    await first.close()
    raw = await redis_client.hgetall("issuer:keys")
    records = [json.loads(v) for v in raw.values()]
    assert sorted(r["type"] for r in records) == ["Ed25519", "P-256", "P-384"]  # EdDSA, ECDSA/JOSE, P-384
    for record in records:
        assert set(record) == {"type", "publicKeyMultibase", "sealed", "created"}  # no secret in the clear
    published = {m["publicKeyMultibase"] for m in doc1["verificationMethod"]}
    assert published == {r["publicKeyMultibase"] for r in records}  # both keys are in the DID document
    assert (tmp_path / "issuer-kek").stat().st_mode & 0o777 == 0o600
    second = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    assert await (await second.get("/.well-known/did.json")).json() == doc1
    record2 = await (await second.get(f"/api/credentials/{vc['id']}", headers=AUTH)).json()
    assert record2["credential"] == vc
    resp = await second.post(
        "/credentials/status",
        json={"credentialId": vc["id"], "credentialStatus": {"statusPurpose": "revocation"}, "status": True},
        headers=AUTH,
    )
    assert resp.status == 200


async def test_wrong_key_encryption_key_refuses_to_start(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    await (await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))).close()
    (tmp_path / "issuer-kek").unlink()
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(SecretBoxError):
        await aiohttp_client(create_app(issuer_settings(redis_url, other)))


async def test_did_key_mode_and_extension_context_endpoint(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, did_method="key")))
    doc = await (await client.get("/.well-known/did.json")).json()
    assert doc["id"].startswith("did:key:z6Mk")
    vc = (
        await (
            await client.post("/credentials/issue", json={"credential": simple_credential_v2()}, headers=AUTH)
        ).json()
    )["verifiableCredential"]
    assert vc["issuer"] == doc["id"]
    assert [c.verified for c in await verify_proofs(vc, DidResolver())] == [True]
    ctx = await client.get("/contexts/plecak/mc/v1")
    assert ctx.headers["Content-Type"].startswith("application/ld+json")
    assert (
        await ctx.read() == (REPO / "contexts" / "plecak-mc-v1.jsonld").read_bytes()
    )


async def test_demo_seed_creates_two_achievements_once(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    for _ in range(2):
        client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, seed_demo=True)))
        listed = await (await client.get("/api/achievements", headers=AUTH)).json()
        assert [a["achievement"]["name"] for a in listed["achievements"]] == [
            "Data Literacy Compact Course",
            "Climate Action Foundations",
        ]
        page = await client.get("/")
        text = await page.text()
        assert "Demo University of Technology" in text
        assert "Data Literacy Compact Course" in text
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        await client.close()


async def test_issuer_signers_are_made_once_and_handed_out_as_fresh_lists(
    client: TestClient[Any, Any],
) -> None:
    keys = client.app[SERVICE].keys
    first = keys.signers()
    first.clear()  # a caller's list is its own
    again = keys.signers()
    assert [s.key.key_type for s in again] == ["Ed25519", "P-256", "P-384"]
    assert again[0] is keys.signers()[0]  # the same Signer objects every time
    assert again[0].verification_method == keys.verification_method
