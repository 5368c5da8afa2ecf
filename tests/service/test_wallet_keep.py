"""Keeping credentials: list with live status badges, search, EU detail page, delete, encryption at rest."""

from __future__ import annotations

import json
import re

from redis.asyncio import Redis

from plecak.wallet.credentials import view
from support.issuer import achievement
from support.redis_keys import keys_matching, stored_hash
from support.wallet import Browser, Servers, servers

__all__ = ["servers"]


async def _add(browser: Browser, credential: dict[str, object]) -> str:
    await browser.get("/add")
    status, text = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, text
    found = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url)
    assert found
    return found.group(1)


async def test_list_shows_status_refreshed_from_the_issuer(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    first = await servers.issuer.issue(did)
    second = await servers.issuer.issue(did)
    await _add(browser, first)
    await _add(browser, second)
    _, text = await browser.get("/")
    assert text.count("status-valid") == 2
    assert "Demo University of Technology" in text
    assert "Issued 20" in text
    await servers.issuer.set_status(first["id"], "suspension", True)
    _, text = await browser.get("/")
    assert text.count("status-valid") == 1
    assert text.count("status-suspended") == 1
    await servers.issuer.set_status(first["id"], "suspension", False)
    await servers.issuer.set_status(second["id"], "revocation", True)
    _, text = await browser.get("/")
    assert text.count("status-valid") == 1
    assert text.count("status-revoked") == 1


async def test_status_is_unknown_when_the_issuer_cannot_be_reached(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    cid = await _add(browser, await servers.issuer.issue(did))
    await servers.issuer_server.close()
    _, text = await browser.get("/")
    assert "status-unknown" in text
    assert "Status unknown" in text
    _, text = await browser.get(f"/credentials/{cid}")
    assert "it is unknown whether the credential was revoked" in text


async def test_detail_page_shows_every_eu_element(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    cid = await _add(browser, await servers.issuer.issue(did))
    _, text = await browser.get(f"/credentials/{cid}")
    for label, value in [
        ("Title", "Data Literacy Compact Course"),
        ("Awarding body", "Demo University of Technology"),
        ("Country of the awarding body", "Warszawa, Mazowieckie, Poland"),
        ("Date of issue", "20"),
        ("Learning outcomes", "Locate, access and critically evaluate data sources."),
        ("Notional workload (ECTS credits)", "3"),
        ("Volume of learning", "75 h"),
        ("EQF level", "6"),
        ("QF-EHEA cycle", "First cycle"),
        ("Type of assessment", "Online quiz (40%) and practical data-analysis project"),
        ("Form of participation", "Blended (online and on site)"),
        ("Supervision and identity verification", "Supervised on site, with identity verification"),
        ("Type of quality assurance", "Internal quality assurance system"),
        ("Prerequisites", "Basic spreadsheet skills"),
        ("Grade", "4.5"),
        ("Grading scheme", "Final grade"),
        ("Integration and stackability", "Stackable towards a larger credential"),
        ("Further information", "Demo data: not a real course."),
    ]:
        assert f"<dt>{label}</dt>" in text, label
        assert value in text, value
    assert "EU micro-credential (Council Recommendation 2022/C 243/02)" in text


def test_credential_text_is_escaped_everywhere() -> None:
    nasty = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": "did:example:x", "name": "<script>alert(1)</script>"},
        "credentialSubject": {"achievement": {"name": "<img src=x onerror=alert(1)>"}},
    }
    v = view(nasty)
    assert v.title == "<img src=x onerror=alert(1)>"  # kept as text; Jinja autoescapes it


async def test_hostile_text_from_a_credential_is_escaped_on_the_pages(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    data = achievement(0)
    data["name"] = '<script>alert("x")</script> Course'
    data["learningOutcomes"] = ['<img src=x onerror="alert(1)"> outcome']
    uuid = await servers.issuer.add_achievement(data)
    cid = await _add(browser, await servers.issuer.issue(did, achievement_uuid=uuid))
    for page in ("/", f"/credentials/{cid}"):
        _, text = await browser.get(page)
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;alert(" in text


async def test_search_finds_by_title_issuer_and_outcome(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    await _add(browser, await servers.issuer.issue(did))
    for query, hits in (("literacy", 1), ("DEMO university", 1), ("gdpr", 1), ("welding", 0)):
        _, text = await browser.get(f"/?q={query}")
        assert text.count('class="card-title"') == hits, query
    _, text = await browser.get("/?q=welding")
    assert "No credential matches" in text
    assert "welding" in text


async def test_delete_asks_first_and_removes_only_that_credential(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    keep = await _add(browser, await servers.issuer.issue(did))
    gone = await _add(browser, await servers.issuer.issue(did))
    status, text = await browser.get(f"/credentials/{gone}/delete")
    assert status == 200
    assert "Delete this credential?" in text
    status, text = await browser.post(f"/credentials/{gone}/delete")
    assert status == 200
    assert "was deleted" in text
    assert (await browser.get(f"/credentials/{gone}"))[0] == 404
    assert (await browser.get(f"/credentials/{keep}"))[0] == 200
    status, _ = await browser.post(f"/credentials/{gone}/delete")
    assert status == 404


async def test_credentials_are_encrypted_at_rest_and_private_to_their_owner(
    servers: Servers, redis_client: Redis
) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    cid = await _add(browser, await servers.issuer.issue(did))
    dump = b""
    for key in await keys_matching(redis_client, "wallet:cred:*"):
        dump += b"".join((await stored_hash(redis_client, key)).values())
    assert dump
    assert b"Data Literacy" not in dump
    assert b"Anna" not in dump
    other = Browser(servers.wallet_url)
    try:
        await other.sign_up("eve@example.org")
        status, _ = await other.get(f"/credentials/{cid}")
        assert status == 404
        status, _ = await other.post(f"/credentials/{cid}/delete")
        assert status == 404
    finally:
        await other.close()
    assert (await browser.get(f"/credentials/{cid}"))[0] == 200
