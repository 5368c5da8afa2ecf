"""Issuer, wallet and verifier running on loopback for the browser journeys, and where screenshots go."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from support.browser_services import (
    OneCourseSystem,
    add_achievement,
    issuer_did,
    make_offer,
    put_profile,
    running_services,
    trust_issuer,
)
from support.issuer import achievement

SHOTS = Path("/tmp")
PASSWORD = "a phone-friendly passphrase"


class System(OneCourseSystem):
    """The browser journeys' services; the learner receives the course through an offer link."""

    async def offer(self) -> dict[str, Any]:
        return await make_offer(self.admin, self.issuer_url, self.achievement_uuid)


@pytest.fixture
async def system(redis_url: str, tmp_path: Path) -> AsyncIterator[System]:
    # a revocation shows at the verifier's next check, without waiting
    async with running_services(redis_url, tmp_path, status_cache_seconds=0) as (issuer_url, wallet_url, verifier_url):
        admin = aiohttp.ClientSession()
        try:
            await put_profile(admin, issuer_url)
            uuid = (await add_achievement(admin, issuer_url, achievement(0)))["uuid"]
            await trust_issuer(admin, verifier_url, await issuer_did(admin, issuer_url))
            yield System(issuer_url, wallet_url, verifier_url, uuid, admin)
        finally:
            await admin.close()
