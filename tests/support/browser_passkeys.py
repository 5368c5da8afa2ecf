"""A software passkey in Chromium (the DevTools virtual authenticator) and the wallet it signs in to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from plecak.wallet.app import create_app
from plecak.wallet.config import Settings
from support.ports import Listener


@pytest.fixture
async def wallet_url(redis_url: str, tmp_path: Path) -> AsyncIterator[str]:
    port_listener = Listener()
    port = port_listener.port
    settings = Settings(
        port=port,
        public_url=f"http://localhost:{port}",
        redis_url=redis_url,
        data_dir=tmp_path,
        password_time_cost=1,
        password_memory_kib=8 * 1024,
    )
    server = port_listener.server(create_app(settings))
    await server.start_server()
    try:
        yield f"http://localhost:{port}"
    finally:
        await server.close()


async def virtual_authenticator(page: Any) -> tuple[Any, str]:
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    added = await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]
