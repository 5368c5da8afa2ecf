"""Our wallet, in Chromium, answers a third-party verifier's OpenID4VP 1.0 DCQL request.

The verifier is the OpenWallet Foundation's oid4vc-ts (``@openid4vc/openid4vp`` + ``dcql``, pinned in
``tests/interop/oid4vp_peer/package.json``), run by ``tests/interop/oid4vp_peer/verifier.mjs`` on
loopback (``http://localhost:PORT``, an allowed development host of the wallet). It creates the
request (by value with a ``redirect_uri:`` client id, or as a JAR signed with an ``x509_san_dns``
certificate fetched from ``request_uri``), and checks the wallet's answer with the library: the
response (decrypted for ``direct_post.jwt``), the ``vp_token`` shape, the holder binding to its nonce
and client_id, and the DCQL match (``dcql``). The learner uses the wallet's pages in Chromium. Any
error the peer reports fails the test. Interop tests live in tests/interop/; this one is here for
the browser fixtures.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.oid4vp.jar import self_signed_certificate
from plecak.core.sdjwt import VCT_HOSTED_PATH
from plecak.issuer.app import create_app as create_issuer
from plecak.wallet.app import create_app as create_wallet
from support.browser_journey import PASSWORD
from support.browser_services import add_achievement, browser_wallet_settings, make_offer, put_profile
from support.issuer import achievement, issuer_settings
from support.oid4vp_peer import PeerError, start_peer
from support.ports import Listener


@dataclass
class Setup:
    issuer_url: str
    wallet_url: str
    achievement_uuid: str
    peer_port: int
    admin: aiohttp.ClientSession

    async def offer(self, **extra: Any) -> dict[str, Any]:
        return await make_offer(self.admin, self.issuer_url, self.achievement_uuid, **extra)


@pytest.fixture
async def setup(redis_url: str, tmp_path: Path) -> AsyncIterator[Setup]:
    issuer_port_listener, wallet_port_listener, peer_port_listener = Listener(), Listener(), Listener()
    issuer_port, wallet_port, peer_port = issuer_port_listener.port, wallet_port_listener.port, peer_port_listener.port
    issuer_url, wallet_url = f"http://127.0.0.1:{issuer_port}", f"http://127.0.0.1:{wallet_port}"
    issuer = issuer_port_listener.server(
        create_issuer(issuer_settings(redis_url, tmp_path / "issuer", public_url=issuer_url, wallet_url=wallet_url))
    )
    wallet = wallet_port_listener.server(
        create_wallet(
            browser_wallet_settings(
                redis_url,
                tmp_path / "wallet",
                wallet_port,
                wallet_url,
                issuer_url=issuer_url,
                insecure_hosts=frozenset({f"127.0.0.1:{issuer_port}", f"localhost:{peer_port}"}),
            )
        )
    )
    for server in (issuer, wallet):
        await server.start_server()
    admin = aiohttp.ClientSession()
    try:
        await put_profile(admin, issuer_url)
        uuid = (await add_achievement(admin, issuer_url, achievement(0)))["uuid"]
        yield Setup(issuer_url, wallet_url, uuid, peer_port, admin)
    finally:
        await admin.close()
        for server in (wallet, issuer):
            await server.close()


class Peer:
    """The running third-party verifier and the events it printed."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.events: list[dict[str, Any]] = []

    async def next(self, kind: str, seconds: float = 60.0) -> dict[str, Any]:
        async with asyncio.timeout(seconds):
            while True:
                assert self.proc.stdout is not None
                line = await self.proc.stdout.readline()
                if not line:
                    err = await self.proc.stderr.read() if self.proc.stderr else b""
                    raise PeerError(f"the peer verifier stopped: {err.decode()[-2000:]}")
                event = json.loads(line)
                self.events.append(event)
                if event.get("event") == kind:
                    return event

    async def stop(self) -> None:
        if self.proc.returncode is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                async with asyncio.timeout(10):
                    await self.proc.wait()
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


@pytest.fixture
async def peers() -> AsyncIterator[list[Peer]]:
    started: list[Peer] = []
    yield started
    for peer in started:
        await peer.stop()


async def start_verifier(setup: Setup, peers: list[Peer], tmp_path: Path, **config: Any) -> tuple[Peer, str]:
    # the issuer names its SD-JWT VCs by its own resolvable vct (the default): a DCQL verifier asks
    # for that exact value
    config = {"port": setup.peer_port, "host": "localhost", "vct": setup.issuer_url + VCT_HOSTED_PATH, **config}
    path = tmp_path / "peer-verifier.json"
    path.write_text(json.dumps(config))
    peer = Peer(await start_peer("verifier.mjs", str(path)))
    peers.append(peer)
    ready = await peer.next("ready")
    return peer, str(ready["link"])


def certificate_for(host: str, name: str) -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed_certificate(key, host, name=name, now=datetime.datetime.now(datetime.UTC))
    return {
        "certificate": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(),
        "keyPem": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
    }


async def learner_with_credential(page: Any, setup: Setup, **offer: Any) -> str:
    await page.goto(f"{setup.wallet_url}/signup")
    await page.fill("#email", "zofia@example.org")
    await page.fill("#password", PASSWORD)
    await page.fill("#password_again", PASSWORD)
    await page.click("main button[type=submit]")
    await page.goto((await setup.offer(**offer))["walletLink"])
    await page.click("main form button[type=submit]")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    return str(page.url.rsplit("/", 1)[1])


async def test_wallet_answers_a_third_party_dcql_request_by_value_with_an_sd_jwt(
    phone: Any, setup: Setup, peers: list[Peer], tmp_path: Path
) -> None:
    page = phone.page
    cid = await learner_with_credential(page, setup, format="dc+sd-jwt")
    peer, link = await start_verifier(
        setup, peers, tmp_path, mode="value", format="dc+sd-jwt", responseMode="direct_post"
    )
    assert link.startswith("openid4vp://?")
    assert "dcql_query=" in link
    assert "request_uri" not in link

    await page.goto(f"{setup.wallet_url}/open?link={quote(link, safe='')}")
    assert await page.locator("#verifier-signed").get_attribute("data-verified") == "unsigned"
    assert await page.locator(f'input[value="{cid}"]').count() == 1
    await page.click('main button[name="action"][value="send"]')
    await page.wait_for_selector("#present-sent")

    answer = await peer.next("answer")
    assert answer["ok"], answer
    assert answer["queryIds"] == ["learning"]
    assert not answer["encrypted"]
    detail = answer["details"]["learning"]
    assert detail["kind"] == "sd-jwt"
    assert {"title", "ects"} <= set(detail["claims"])
    assert "grade" not in detail["claims"]  # not asked, not sent
    assert phone.errors == []


async def test_wallet_answers_a_third_party_signed_request_encrypted(
    phone: Any, setup: Setup, peers: list[Peer], tmp_path: Path
) -> None:
    page = phone.page
    cid = await learner_with_credential(page, setup)
    peer, link = await start_verifier(
        setup,
        peers,
        tmp_path,
        mode="jar",
        format="ldp_vc",
        responseMode="direct_post.jwt",
        **certificate_for("localhost", "Peer Verifier Ltd"),
    )
    assert "request_uri=" in link
    assert "client_id=x509_san_dns%3Alocalhost" in link

    await page.goto(f"{setup.wallet_url}/open?link={quote(link, safe='')}")
    fetched = await peer.next("fetched")
    assert "application/oauth-authz-req+jwt" in fetched["accept"]
    signed = page.locator("#verifier-signed")
    assert await signed.get_attribute("data-verified") == "unverified-certificate"
    text = await signed.inner_text()
    assert "Peer Verifier Ltd" in text
    assert "localhost" in text
    assert "unverified certificate" in text
    assert await page.locator(f'input[value="{cid}"]').count() == 1
    await page.click('main button[name="action"][value="send"]')
    await page.wait_for_selector("#present-sent")

    answer = await peer.next("answer")
    assert answer["ok"], answer
    assert answer["encrypted"]
    assert answer["details"]["learning"]["kind"] == "ldp_vp"
    assert phone.errors == []


async def test_wallet_answers_a_third_party_x509_hash_request_passed_by_value(
    phone: Any, setup: Setup, peers: list[Peer], tmp_path: Path
) -> None:
    page = phone.page
    cid = await learner_with_credential(page, setup, format="dc+sd-jwt")
    peer, link = await start_verifier(
        setup,
        peers,
        tmp_path,
        mode="jar-value",
        prefix="x509_hash",
        format="dc+sd-jwt",
        responseMode="direct_post",
        **certificate_for("localhost", "Peer Verifier Ltd"),
    )
    assert "request=" in link
    assert "request_uri" not in link
    assert "client_id=x509_hash%3A" in link

    await page.goto(f"{setup.wallet_url}/open?link={quote(link, safe='')}")
    assert await page.locator("#verifier-signed").get_attribute("data-verified") == "unverified-certificate"
    assert "Peer Verifier Ltd" in await page.inner_text("#verifier-signed")
    assert await page.locator(f'input[value="{cid}"]').count() == 1
    await page.click('main button[name="action"][value="send"]')
    await page.wait_for_selector("#present-sent")

    answer = await peer.next("answer")
    assert answer["ok"], answer
    assert answer["details"]["learning"]["kind"] == "sd-jwt"
    assert not answer["encrypted"]
    assert not [e for e in peer.events if e.get("event") == "fetched"]  # nothing fetched: all in the link
    assert phone.errors == []


async def test_wallet_refuses_a_third_party_request_signed_for_another_host(
    phone: Any, setup: Setup, peers: list[Peer], tmp_path: Path
) -> None:
    page = phone.page
    await learner_with_credential(page, setup)
    peer, link = await start_verifier(
        setup,
        peers,
        tmp_path,
        mode="jar",
        format="ldp_vc",
        responseMode="direct_post",
        **certificate_for("verifier.example", "Somebody Else"),
    )
    await page.goto(f"{setup.wallet_url}/open?link={quote(link, safe='')}")
    await peer.next("fetched")
    main = await page.inner_text("main")
    assert "signature or certificate does not match" in main
    assert "verifier.example" in main
    assert "not for localhost" in main
    assert await page.locator('button[value="send"]').count() == 0
