"""Sharing: a holder-signed presentation behind an unguessable link: expiring, one-time or revoked."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from redis.asyncio import Redis

from plecak.core.verify.presentation import verify_presentation
from support.redis_keys import keys_matching, stored_hash
from support.wallet import VERIFIER_URL, Browser, Servers, servers
from support.wallet_share import add_credential, link_verifier, raw_share_link, share_credentials

__all__ = ["servers"]


async def test_share_link_serves_a_presentation_signed_by_the_learner(
    servers: Servers, redis_client: Redis
) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    first = await add_credential(browser, await servers.issuer.issue(did))
    second = await add_credential(browser, await servers.issuer.issue(did))
    status, text = await browser.get(f"/share?c={first}")
    assert f'value="{first}" checked' in text
    assert "shared whole" in text
    status, text = await share_credentials(browser, [first, second], days="7")
    assert status == 201, text
    raw = raw_share_link(text)
    token = raw.rsplit("/s/", 1)[1]
    assert len(token) >= 43  # 256 bits, base64url
    verify = f"{VERIFIER_URL}/verify?url={quote(raw, safe='')}"
    assert verify.replace("&", "&amp;") in text or verify in text
    assert 'src="data:image/svg+xml;base64,' in text
    # only the token's hash is stored
    keys = [k.decode() for k in await keys_matching(redis_client, "wallet:share:*")]
    assert len(keys) == 1
    assert token not in keys[0]
    assert token.encode() not in b"".join((await stored_hash(redis_client, keys[0])).values())

    async with browser.session.get(raw) as resp:
        assert resp.status == 200
        assert resp.headers["Cache-Control"] == "no-store"
        vp = await resp.json()
    assert vp["holder"] == did
    assert len(vp["verifiableCredential"]) == 2
    result = await verify_presentation(vp, await link_verifier(servers), require_holder_proof=True)
    assert result.verified, result.to_json()
    assert result.check("binding") is not None

    _, listing = await browser.get("/shares")
    assert "Active" in listing
    assert "Opened 1 time" in listing


async def test_revoked_credential_shows_in_the_shared_presentation(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    credential = await servers.issuer.issue(did)
    cid = await add_credential(browser, credential)
    _, text = await share_credentials(browser, [cid])
    await servers.issuer.set_status(credential["id"], "revocation", True)
    async with browser.session.get(raw_share_link(text)) as resp:
        vp = await resp.json()
    result = await verify_presentation(vp, await link_verifier(servers))
    assert not result.verified
    assert "revoked" in json.dumps(result.to_json())


async def test_one_time_link_works_once(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    cid = await add_credential(browser, await servers.issuer.issue(did))
    _, text = await share_credentials(browser, [cid], one_time="1")
    raw = raw_share_link(text)
    async with browser.session.head(raw) as resp:
        assert resp.status == 200  # a link preview does not use it up
    async with browser.session.get(raw) as resp:
        assert resp.status == 200
    async with browser.session.get(raw) as resp:
        assert resp.status == 410
        assert resp.headers["Content-Type"].startswith("application/problem+json")
        assert "already used" in (await resp.json())["title"]
    _, listing = await browser.get("/shares")
    assert "Used up" in listing


async def test_revoke_and_expiry(servers: Servers, redis_client: Redis) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    cid = await add_credential(browser, await servers.issuer.issue(did))
    _, text = await share_credentials(browser, [cid])
    raw = raw_share_link(text)
    _, listing = await browser.get("/shares")
    action = re.search(r'action="(/shares/[0-9a-f]{64}/revoke)"', listing)
    assert action
    other = Browser(servers.wallet_url)
    try:
        await other.sign_up("eve@example.org")
        status, _ = await other.post(action.group(1))
        assert status == 404  # not hers
    finally:
        await other.close()
    async with browser.session.get(raw) as resp:
        assert resp.status == 200
    status, listing = await browser.post(action.group(1))
    assert status == 200
    assert "was revoked" in listing
    assert "Revoked" in listing
    async with browser.session.get(raw) as resp:
        assert resp.status == 410
        assert "revoked" in (await resp.json())["title"]

    _, text = await share_credentials(browser, [cid], days="1")
    raw = raw_share_link(text)
    key = "wallet:share:" + hashlib.sha256(raw.rsplit("/s/", 1)[1].encode()).hexdigest()
    await redis_client.hset(key, "expires", "1000")
    async with browser.session.get(raw) as resp:
        assert resp.status == 410
        assert "expired" in (await resp.json())["title"]
    async with browser.session.get(servers.wallet_url + "/s/" + "x" * 43) as resp:
        assert resp.status == 404


async def test_share_form_problems(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    cid = await add_credential(browser, await servers.issuer.issue(did))
    status, text = await share_credentials(browser, [])
    assert status == 400
    assert "Choose at least one credential" in text
    status, text = await share_credentials(browser, [cid], days="3650")
    assert status == 400
    assert "how long" in text
    status, text = await share_credentials(browser, ["f" * 32])
    assert status == 400  # not a credential of this learner
