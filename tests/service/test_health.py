"""``GET /health`` behaves the same in the three services: 200 with Redis, 503 problem without."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from plecak.issuer.app import create_app as issuer_app
from plecak.runtime.redis_embedded import EmbeddedRedis
from plecak.verifier.app import create_app as verifier_app
from plecak.wallet.app import create_app as wallet_app
from support.issuer import issuer_settings
from support.verifier import verifier_settings
from support.wallet import wallet_settings

APPS: dict[str, Callable[[str, Path], web.Application]] = {
    "issuer": lambda url, path: issuer_app(issuer_settings(url, path)),
    "wallet": lambda url, path: wallet_app(wallet_settings(url, path, 8002)),
    "verifier": lambda url, path: verifier_app(verifier_settings(url, 8003, set(), data_dir=path)),
}


@pytest.mark.parametrize("service", APPS)
async def test_health_is_503_problem_when_redis_stops(
    service: str, tmp_path: Path, aiohttp_client: Callable[..., Any]
) -> None:
    redis = EmbeddedRedis(tmp_path / "redis")
    url = redis.start()
    try:
        client: TestClient[Any, Any] = await aiohttp_client(APPS[service](url, tmp_path))
        ok = await client.get("/health")
        assert ok.status == 200
        assert await ok.json() == {"status": "ok", "service": service}
        redis.stop()
        down = await client.get("/health")
        assert down.status == 503
        assert down.content_type == "application/problem+json"
        problem = await down.json()
        assert problem["title"] == "Storage unavailable"
        assert service in problem["detail"]
    finally:
        redis.stop()
