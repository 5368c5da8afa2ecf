"""Anonymous checks cannot fill the verifier's Redis: a per-client limit (behind trusted proxies, per
forwarded client), results kept compactly and for hours rather than a day."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from plecak.runtime.clientaddr import TrustedProxies
from plecak.verifier.config import Settings as VerifierSettings
from plecak.verifier.store import VerifierStore
from support.redis_keys import stored_value
from support.verifier import ClientFactory, ServerFactory, Stack, start_stack


class Shared:
    """A share server serving one credential and counting how often it was fetched."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = {}
        self.hits = 0
        self.app = web.Application()
        self.app.router.add_get("/c.json", self.serve)

    async def serve(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.json_response(self.document)


async def _setup(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    tmp_path: Path,
    **overrides: Any,
) -> tuple[Stack, Shared, str]:
    shared = Shared()
    server: TestServer = await aiohttp_server(shared.app, host="127.0.0.1")
    stack = await start_stack(
        aiohttp_server,
        aiohttp_client,
        redis_url,
        tmp_path,
        extra_insecure={f"127.0.0.1:{server.port}"},
        **overrides,
    )
    shared.document = await stack.issue()
    return stack, shared, f"http://127.0.0.1:{server.port}/c.json"


async def _results(redis_client: Redis) -> list[bytes]:
    return [key async for key in redis_client.scan_iter(match="verifier:result:*")]


async def test_link_checks_are_limited_per_client_before_anything_is_fetched_or_stored(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    redis_client: Redis,
    tmp_path: Path,
) -> None:
    stack, shared, url = await _setup(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, verify_per_client=3
    )
    for _ in range(3):
        resp = await stack.verifier.get("/verify", params={"url": url}, allow_redirects=False)
        assert resp.status == 303
    resp = await stack.verifier.get("/verify", params={"url": url}, allow_redirects=False)
    assert resp.status == 429
    assert 0 < int(resp.headers["Retry-After"]) <= 600
    assert "many checks from your network" in await resp.text()
    assert shared.hits == 3
    assert len(await _results(redis_client)) == 3
    # pasting is the same budget
    token = await stack.csrf()
    resp = await stack.verifier.post(
        "/verify",
        data={"csrf_token": token, "credential": json.dumps(shared.document)},
        allow_redirects=False,
    )
    assert resp.status == 429
    resp = await stack.verifier.get("/verify", params={"url": url}, headers={"Accept-Language": "pl"})
    assert resp.status == 429
    assert "wiele sprawdzeń" in await resp.text()
    assert len(await _results(redis_client)) == 3


Check = Callable[[str], Awaitable[int]]


@pytest.fixture
async def check_from(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    tmp_path: Path,
) -> Check:
    """Starts a link check for the client a trusted proxy (the test client) names; two per client."""
    stack, _, url = await _setup(
        aiohttp_server,
        aiohttp_client,
        redis_url,
        tmp_path,
        verify_per_client=2,
        trusted_proxies=TrustedProxies("127.0.0.1"),
    )

    async def check(client: str) -> int:
        resp = await stack.verifier.get(
            "/verify", params={"url": url}, headers={"X-Forwarded-For": client}, allow_redirects=False
        )
        return resp.status

    return check


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(check_from: Check) -> None:
    assert [await check_from("203.0.113.9") for _ in range(3)] == [303, 303, 429]
    assert await check_from("198.51.100.7") == 303  # another employer behind the same proxy
    assert await check_from("10.9.9.9, 203.0.113.9") == 429  # a forged left hop does not reset the budget


async def test_ipv6_clients_in_one_64_network_share_one_budget_of_checks(check_from: Check) -> None:
    one_network = ("2001:db8:9:1::1", "2001:db8:9:1::2", "2001:db8:9:1:1::3")
    assert [await check_from(address) for address in one_network] == [303, 303, 429]
    assert await check_from("2001:db8:9:2::1") == 303  # another /64: another client


async def test_without_trusted_proxies_a_forwarded_header_does_not_buy_more_checks(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    tmp_path: Path,
) -> None:
    stack, _, url = await _setup(aiohttp_server, aiohttp_client, redis_url, tmp_path, verify_per_client=2)
    statuses = []
    for n in range(3):
        resp = await stack.verifier.get(
            "/verify",
            params={"url": url},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            allow_redirects=False,
        )
        statuses.append(resp.status)
    assert statuses == [303, 303, 429]


async def test_results_are_stored_compressed_and_expire_within_hours(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    redis_client: Redis,
    tmp_path: Path,
) -> None:
    stack, shared, url = await _setup(aiohttp_server, aiohttp_client, redis_url, tmp_path)
    resp = await stack.verifier.get("/verify", params={"url": url}, allow_redirects=False)
    assert resp.status == 303
    result_id = resp.headers["Location"].rsplit("/", 1)[1]
    key = f"verifier:result:{result_id}"
    raw = await stored_value(redis_client, key)
    assert raw.startswith(b"z1:")
    record = json.loads(zlib.decompress(raw[3:]))
    assert record["document"] == shared.document
    assert len(raw) < len(json.dumps(record).encode()) / 2
    assert 0 < await redis_client.ttl(key) <= 8 * 3600
    page = await stack.verifier.get(f"/results/{result_id}")
    assert page.status == 200
    assert "for 8 hours" in await page.text()


async def test_results_stored_before_compression_still_open(redis_client: Redis) -> None:
    store = VerifierStore(redis_client)
    record = {"id": "old", "kind": "credential", "report": {"verified": True}, "document": {"a": 1}}
    await redis_client.set("verifier:result:old", json.dumps(record), ex=60)
    assert await store.get_result("old") == record
    await store.save_result("new", record, 60)
    assert await store.get_result("new") == record


def test_limit_settings_come_from_the_environment() -> None:
    env = {
        "PLECAK_ADMIN_TOKEN": "x" * 20,
        "PLECAK_VERIFY_PER_CLIENT": "5",
        "PLECAK_VERIFIER_RESULT_SECONDS": "7200",
        "PLECAK_TRUSTED_PROXIES": "10.0.0.0/8",
    }
    settings = VerifierSettings.from_env(env)
    assert settings.verify_per_client == 5
    assert settings.result_seconds == 7200
    assert settings.trusted_proxies.client_of("10.1.1.1", ["192.0.2.4"]) == "192.0.2.4"
    with pytest.raises(ValueError, match="PLECAK_TRUSTED_PROXIES"):
        VerifierSettings.from_env({**env, "PLECAK_TRUSTED_PROXIES": "proxy"})
    assert re.search("at least 3600", _error({**env, "PLECAK_VERIFIER_RESULT_SECONDS": "60"}))


def _error(env: dict[str, str]) -> str:
    try:
        VerifierSettings.from_env(env)
    except ValueError as exc:
        return str(exc)
    return ""
