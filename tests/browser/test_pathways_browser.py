"""Pathways in real Chromium on a phone (issue 6's done-criterion).

A learner receives the three parts of the Certificate in Data Literacy through offer links, opens
the programme link, sees the programme complete in the wallet's Pathways view, claims the
certificate, finds it among their credentials, and shares it with its parts: the verifier says
verified and shows every cited part as presented and verified. Issuer, wallet and verifier are
real test servers on 127.0.0.1 with a real Redis. Screenshots go to /tmp (pathways-*.png).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp.test_utils import TestServer, unused_port

from plecak.issuer.app import create_app as create_issuer
from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.config import Settings as VerifierSettings
from plecak.wallet.app import create_app as create_wallet
from plecak.wallet.config import Settings as WalletSettings
from support.issuer import AUTH, TOKEN, achievement, issuer_settings, profile

SHOTS = Path("/tmp")
PASSWORD = "a phone-friendly passphrase"
COURSES = [("Data Literacy Basics", 3), ("Statistics for Decisions", 4), ("Data Visualisation", 4)]


@dataclass
class System:
    issuer_url: str
    wallet_url: str
    verifier_url: str
    achievements: list[str]
    programme_url: str
    admin: aiohttp.ClientSession

    async def offer(self, uuid: str) -> str:
        async with self.admin.post(
            f"{self.issuer_url}/api/achievements/{uuid}/offers",
            json={"learner": {"name": "Zofia Mazur"}},
            headers=AUTH,
        ) as resp:
            assert resp.status == 201, await resp.text()
            link: str = (await resp.json())["walletLink"]
            return link


def _course(name: str, ects: int, kind: str = "MicroCredential") -> dict[str, Any]:
    data = achievement(0)
    data.update(name=name, ects=ects, achievementType=kind)
    del data["humanCode"], data["grading"]
    return data


@pytest.fixture
async def system(redis_url: str, tmp_path: Path) -> AsyncIterator[System]:
    ports = [unused_port() for _ in range(3)]
    issuer_url, wallet_url, verifier_url = (f"http://127.0.0.1:{p}" for p in ports)
    hosts = frozenset(f"127.0.0.1:{p}" for p in ports)
    servers = [
        TestServer(
            create_issuer(
                issuer_settings(redis_url, tmp_path / "issuer", public_url=issuer_url, wallet_url=wallet_url)
            ),
            host="127.0.0.1",
            port=ports[0],
        ),
        TestServer(
            create_wallet(
                WalletSettings(
                    port=ports[1],
                    public_url=wallet_url,
                    redis_url=redis_url,
                    data_dir=tmp_path / "wallet",
                    issuer_url=issuer_url,
                    verifier_url=verifier_url,
                    insecure_hosts=hosts,
                    password_time_cost=1,
                    password_memory_kib=8 * 1024,
                    status_cache_seconds=0,
                )
            ),
            host="127.0.0.1",
            port=ports[1],
        ),
        TestServer(
            create_verifier(
                VerifierSettings(
                    admin_token=TOKEN,
                    port=ports[2],
                    public_url=verifier_url,
                    redis_url=redis_url,
                    data_dir=tmp_path / "verifier",
                    insecure_hosts=hosts,
                )
            ),
            host="127.0.0.1",
            port=ports[2],
        ),
    ]
    for server in servers:
        await server.start_server()
    admin = aiohttp.ClientSession()
    try:
        async with admin.put(f"{issuer_url}/api/issuer/profile", json=profile(), headers=AUTH) as resp:
            assert resp.status == 200
        uuids, ids = [], []
        for name, ects in COURSES:
            async with admin.post(
                f"{issuer_url}/api/achievements", json=_course(name, ects), headers=AUTH
            ) as resp:
                assert resp.status == 201, await resp.text()
                record = await resp.json()
                uuids.append(record["uuid"])
                ids.append(record["id"])
        async with admin.get(f"{issuer_url}/.well-known/did.json") as resp:
            did = (await resp.json())["id"]
        programme = {
            "achievement": _course("Certificate in Data Literacy", 11, "Certificate"),
            "rule": {
                "components": [
                    {"achievement": a, "issuer": did, "name": n}
                    for a, (n, _) in zip(ids, COURSES, strict=True)
                ],
                "mandatory": ids[:2],
                "electiveGroups": [
                    {"name": "Electives", "components": ids[2:], "minCount": 1, "minEctsEach": 3}
                ],
            },
        }
        async with admin.post(f"{issuer_url}/api/programmes", json=programme, headers=AUTH) as resp:
            assert resp.status == 201, await resp.text()
            programme_url = (await resp.json())["id"]
        async with admin.put(
            f"{verifier_url}/api/trusted-issuers/{quote(did, safe=':')}",
            json={"name": "Demo University of Technology", "country": "PL"},
            headers=AUTH,
        ) as resp:
            assert resp.status in (200, 201), await resp.text()
        yield System(issuer_url, wallet_url, verifier_url, uuids, programme_url, admin)
    finally:
        await admin.close()
        for server in reversed(servers):
            await server.close()


async def test_learner_completes_a_programme_claims_and_shares_the_certificate(
    phone: Any, system: System
) -> None:
    page = phone.page
    wallet = system.wallet_url

    await page.goto(f"{wallet}/signup")
    await page.fill("#email", "zofia@example.org")
    await page.fill("#password", PASSWORD)
    await page.fill("#password_again", PASSWORD)
    await page.click("main button[type=submit]")

    # the learner follows the programme before holding all parts: in progress
    await page.goto(f"{wallet}/open?link={quote(system.programme_url, safe='')}")
    assert await page.input_value("#url") == system.programme_url
    await page.click("main form[action='/pathways/follow'] button[type=submit]")
    card = page.locator("#pathway-list li").first
    assert "Certificate in Data Literacy" in await card.inner_text()
    assert await card.get_attribute("data-met") == "no"
    assert "0 of 3 requirements met" in await card.inner_text()

    # three offer links: the parts arrive in the wallet
    for uuid in system.achievements:
        await page.goto(await system.offer(uuid))
        await page.click("main form button[type=submit]")
        await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))

    # the Pathways view shows the programme complete
    await page.goto(f"{wallet}/pathways")
    card = page.locator("#pathway-list li").first
    assert await card.get_attribute("data-met") == "yes"
    assert "Complete" in await card.inner_text()
    await page.screenshot(path=str(SHOTS / "pathways-1-complete.png"), full_page=True)
    await card.locator("a").click()
    requirements = await page.inner_text("#requirements")
    assert "Mandatory: Statistics for Decisions: held" in requirements
    assert "electives of at least 3 ECTS 1 of 1" in requirements

    # claim: the certificate is issued and kept
    await page.click("#claim")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    assert "Certificate in Data Literacy" in await page.inner_text("h1")
    assert "Certificate received" in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "pathways-2-certificate.png"), full_page=True)
    await page.goto(f"{wallet}/")
    titles = await page.inner_text("#credential-list")
    assert "Certificate in Data Literacy" in titles
    badges = [t.strip() for t in await page.locator("#credential-list .badge").all_inner_texts()]
    assert badges == ["Valid"] * 4
    await page.goto(f"{wallet}/pathways")
    assert "Certificate held" in await page.inner_text("#pathway-list")

    # share the certificate with its parts: the verifier verifies all and shows the composition
    await page.goto(f"{wallet}/share")
    for box in await page.locator("input[name=c]").all():
        await box.check()
    await page.click("main form button[type=submit]")
    verify_link = await page.locator("#verify-link").get_attribute("href")
    await page.goto(verify_link)
    assert await page.locator("#verdict").get_attribute("data-verdict") == "verified"
    states = await page.locator(".composition .part").evaluate_all("els => els.map(e => e.dataset.state)")
    assert states == ["verified", "verified", "verified"]
    await page.screenshot(path=str(SHOTS / "pathways-3-verified.png"), full_page=True)

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    assert phone.errors == []
