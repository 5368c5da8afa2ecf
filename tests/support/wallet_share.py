"""Adding credentials to the wallet and sharing them by link, and a verifier that reads the link."""

from __future__ import annotations

import json
import re

from plecak.core.did import DidResolver
from plecak.core.verify.credential import Verifier
from support.wallet import Browser, Servers


async def add_credential(browser: Browser, credential: dict[str, object]) -> str:
    await browser.get("/add")
    status, text = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, text
    found = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url)
    assert found
    return found.group(1)


async def share_credentials(browser: Browser, cids: list[str], **fields: str) -> tuple[int, str]:
    await browser.get("/share")
    data = [("c", cid) for cid in cids] + list(fields.items()) + [("csrf", browser.csrf or "")]
    async with browser.session.post(browser.base + "/share", data=data) as resp:
        text = await resp.text()
        browser._remember(text)
        return resp.status, text


def raw_share_link(text: str) -> str:
    found = re.search(r'id="raw-link" href="([^"]+)"', text)
    assert found, text
    return found.group(1)


async def link_verifier(servers: Servers) -> Verifier:
    host = servers.issuer.url.removeprefix("http://")

    async def fetch(url: str) -> dict[str, object]:
        async with servers.issuer.client.get(url) as resp:
            result: dict[str, object] = await resp.json(content_type=None)
            return result

    return Verifier(DidResolver(insecure_hosts={host}), status_fetcher=fetch)
