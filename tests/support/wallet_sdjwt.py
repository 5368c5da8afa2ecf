"""Receiving an SD-JWT VC into the test wallet."""

from __future__ import annotations

import re
from typing import Any

from support.wallet import Servers


async def receive_sd_jwt(servers: Servers) -> tuple[dict[str, Any], str]:
    browser = servers.browser
    await browser.sign_up()
    offer = await servers.issuer.offer(format="dc+sd-jwt", grade="4.5")
    status, text = await browser.get(offer["walletLink"])
    assert status == 200, text
    assert "offers you" in text
    assert "selective disclosure" in text
    action = re.search(r'action="(/receive/[A-Za-z0-9_-]+)"', text)
    assert action, text
    status, text = await browser.post(action.group(1), {})
    assert status == 200, text
    return offer, text
