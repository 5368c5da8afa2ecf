"""Wallet Pathways: follow a pathway by link, see progress from held credentials, claim the certificate."""

from __future__ import annotations

import json
import re
from typing import Any

from plecak.wallet.scan_handlers import route_link
from support.issuer import AUTH
from support.wallet import Servers, servers
from support.wallet_pathways import course, data_literacy_pathway

__all__ = ["servers"]


async def _add(servers: Servers, credential: dict[str, Any]) -> None:
    await servers.browser.get("/add")
    status, text = await servers.browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, text


async def _follow(servers: Servers, url: str) -> str:
    status, text = await servers.browser.post("/pathways/follow", {"url": url})
    assert status == 200, text
    assert "You now follow Certificate in Data Literacy." in text
    found = re.search(r'href="/pathways/([0-9a-f]{32})"', text)
    assert found
    return found.group(1)


async def test_progress_shows_what_is_missing_then_complete_and_claim_stores_certificate(
    servers: Servers,
) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    url, uuids = await data_literacy_pathway(servers)
    await _add(servers, await servers.issuer.issue(did))
    key = await _follow(servers, url)
    _, text = await browser.get(f"/pathways/{key}")
    assert "1 of 3 requirements met" in text
    assert "Mandatory: Statistics for Decisions</strong>: missing" in text
    assert 'id="claim"' not in text
    await _add(servers, await servers.issuer.issue(did, achievement_uuid=uuids["stats"]))
    await _add(servers, await servers.issuer.issue(did, achievement_uuid=uuids["viz"]))
    _, text = await browser.get(f"/pathways/{key}")
    assert "You hold every part: claim the certificate." in text
    assert 'id="claim"' in text
    status, text = await browser.post(f"/pathways/{key}/claim")
    assert status == 200, text
    assert "Certificate received: Certificate in Data Literacy." in text
    assert re.search(r"/credentials/[0-9a-f]{32}$", browser.last_url)
    assert "Parts this certificate cites" in text
    assert text.count("in your wallet") == 3
    assert "not in your wallet" not in text
    assert "claimed from its parts (Pathways)" in text
    _, text = await browser.get(f"/pathways/{key}")
    assert "Certificate held" in text
    assert 'id="claim"' not in text


async def test_revoked_part_does_not_count_and_claim_is_not_offered(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    url, uuids = await data_literacy_pathway(servers)
    basics = await servers.issuer.issue(did)
    for cred in (
        basics,
        *[await servers.issuer.issue(did, achievement_uuid=uuids[k]) for k in ("stats", "viz")],
    ):
        await _add(servers, cred)
    await servers.issuer.set_status(basics["id"], "revocation", True)
    key = await _follow(servers, url)
    _, text = await browser.get(f"/pathways/{key}")
    assert "2 of 3 requirements met" in text
    assert "Credentials that do not count" in text
    assert "revoked" in text
    assert 'id="claim"' not in text
    status, text = await browser.post(f"/pathways/{key}/claim")
    assert status == 400
    assert "The requirements are not met yet." in text


async def test_following_something_that_is_not_a_pathway_is_refused(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    status, text = await browser.post(
        "/pathways/follow", {"url": f"{servers.issuer.url}/.well-known/did.json"}
    )
    assert status == 400
    assert "does not lead to a pathway definition" in text
    status, text = await browser.post("/pathways/follow", {"url": "ftp://example.org/pathways/x"})
    assert status == 400
    assert "could not be loaded" in text
    _, text = await browser.get("/pathways")
    assert "You do not follow any pathway yet." in text


async def test_pathway_link_under_the_older_programmes_name_is_followed(servers: Servers) -> None:
    did = await servers.browser.sign_up()
    url, _ = await data_literacy_pathway(servers)
    await _add(servers, await servers.issuer.issue(did))
    key = await _follow(servers, url.replace("/pathways/", "/programmes/"))  # answers "type": "Programme"
    _, text = await servers.browser.get(f"/pathways/{key}")
    assert "1 of 3 requirements met" in text


async def test_pathways_need_an_account_and_csrf(servers: Servers) -> None:
    browser = servers.browser
    _, _ = await browser.get("/pathways")
    assert "/signin" in browser.last_url
    await browser.sign_up()
    status, _ = await browser.post("/pathways/follow", {"url": "https://x.example/pathways/1"}, csrf=False)
    assert status == 403


def test_pathway_link_is_routed_to_pathways() -> None:
    target = route_link("https://uni.example/pathways/abc-123", "https://wallet.example")
    assert target == "/pathways?url=https%3A%2F%2Funi.example%2Fpathways%2Fabc-123"
    older = route_link("https://uni.example/programmes/abc-123", "https://wallet.example")
    assert older == "/pathways?url=https%3A%2F%2Funi.example%2Fprogrammes%2Fabc-123"
    assert route_link("https://uni.example/other/abc", "https://wallet.example") is None


async def test_discovery_finds_pathways_that_use_held_credentials(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    _, text = await browser.get("/pathways")
    assert 'id="discover"' in text
    _, text = await browser.get("/pathways?discover=1")
    assert "publishes a pathway that uses them" in text  # nothing held yet
    url, _ = await data_literacy_pathway(servers)
    await _add(servers, await servers.issuer.issue(did))
    _, text = await browser.get("/pathways?discover=1")
    assert "Certificate in Data Literacy" in text
    assert "Uses 1 of your credentials (3 parts in all)" in text
    assert f'name="url" value="{url}"' in text
    await _follow(servers, url)
    _, text = await browser.get("/pathways?discover=1")
    assert 'id="discovered-none"' in text  # already followed: not offered again


async def test_credential_not_bound_to_the_wallet_did_does_not_count(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    url, uuids = await data_literacy_pathway(servers)
    await _add(servers, await servers.issuer.issue(None))  # issued to a name only, no DID
    for k in ("stats", "viz"):
        await _add(servers, await servers.issuer.issue(did, achievement_uuid=uuids[k]))
    key = await _follow(servers, url)
    _, text = await browser.get(f"/pathways/{key}")
    assert "2 of 3 requirements met" in text
    assert "not issued to your wallet&#39;s DID" in text
    assert 'id="claim"' not in text


async def test_claim_uses_the_issuers_current_rule(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    url, uuids = await data_literacy_pathway(servers)
    for k in ("basics", "stats", "viz"):
        await _add(servers, await servers.issuer.issue(did, achievement_uuid=uuids[k]))
    key = await _follow(servers, url)
    _, text = await browser.get(f"/pathways/{key}")
    assert 'id="claim"' in text
    # the coordinator adds a mandatory course afterwards
    issuer = servers.issuer
    extra = await issuer.add_achievement(course("Data Ethics", 2))
    async with issuer.client.get(url.replace("/pathways/", "/api/pathways/"), headers=AUTH) as resp:
        record = await resp.json()
    rule = record["rule"]
    extra_id = f"{issuer.url}/achievements/{extra}"
    rule["components"].append(
        {"achievement": extra_id, "issuer": rule["components"][0]["issuer"], "name": "Data Ethics"}
    )
    rule["mandatory"].append(extra_id)
    async with issuer.client.put(
        url.replace("/pathways/", "/api/pathways/"),
        json={"achievement": record["input"], "rule": rule},
        headers=AUTH,
    ) as resp:
        assert resp.status == 200, await resp.text()
    status, text = await browser.post(f"/pathways/{key}/claim")
    assert status == 400
    assert "The requirements are not met yet." in text
    assert "Mandatory: Data Ethics: missing" in text


async def test_claim_presents_a_selective_disclosure_credential_in_full(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    url, uuids = await data_literacy_pathway(servers)
    async with servers.issuer.client.post(
        f"{servers.issuer.url}/api/achievements/{uuids['basics']}/credentials",
        json={"learner": {"name": "Anna Nowak", "did": did}, "options": {"cryptosuite": "ecdsa-sd-2023"}},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        await _add(servers, (await resp.json())["verifiableCredential"])
    await _add(servers, await servers.issuer.issue(did, achievement_uuid=uuids["stats"]))
    await _add(servers, await servers.issuer.issue(did, achievement_uuid=uuids["viz"]))
    key = await _follow(servers, url)
    status, text = await browser.post(f"/pathways/{key}/claim")
    assert status == 200, text
    assert "Certificate received: Certificate in Data Literacy." in text
