"""``GET /.well-known/did.json`` costs the issuer's Redis one small read per request while no RSA key
exists (another process may make one at any time, so the issuer asks; it used to fetch every key
record too). Counted with the real Redis's command statistics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.issuer.app import create_app
from plecak.runtime.storage import RedisClient, is_cluster_url
from support.issuer import issuer_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
_NOT_COUNTED = {"cmdstat_info", "cmdstat_config|resetstat", "cmdstat_config", "cmdstat_client|setinfo"}


async def _commands(redis: RedisClient) -> dict[str, int]:
    stats = await redis.info("commandstats")
    return {name: int(value["calls"]) for name, value in stats.items() if name not in _NOT_COUNTED}


async def test_did_document_costs_one_redis_read_while_there_is_no_rsa_key(
    aiohttp_client: ClientFactory, redis_url: str, redis_client: RedisClient, tmp_path: Path
) -> None:
    if is_cluster_url(redis_url):
        pytest.skip("command statistics are kept per cluster node")
    # no per-client limit here: the limit's own counter is another command
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, issuer_per_client=0)))
    first = await client.get("/.well-known/did.json")
    assert first.status == 200
    assert not [m for m in (await first.json())["verificationMethod"] if m["type"] == "JsonWebKey"]
    await redis_client.config_resetstat()
    for _ in range(3):
        assert (await client.get("/.well-known/did.json")).status == 200
    assert await _commands(redis_client) == {"cmdstat_get": 3}
