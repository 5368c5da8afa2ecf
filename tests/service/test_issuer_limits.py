"""Per-client limits on the issuer's public endpoints: the credential endpoints (OpenID4VCI, certificate
claims of pathways) and, ten times more generous, the public reads. Real issuer, real Redis; low limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.issuer.app import create_app
from plecak.issuer.config import Settings
from plecak.issuer.limits import CREDENTIAL_PATHS, READ_FACTOR, READ_PATHS, UNLIMITED_PATHS
from plecak.runtime.clientaddr import TrustedProxies
from support.issuer import AUTH, issuer_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def _issuer(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path, **overrides: Any
) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, **overrides)))


async def _nonce(client: TestClient[Any, Any], headers: dict[str, str] | None = None) -> int:
    async with client.post("/nonce", headers=headers) as resp:
        return resp.status


async def test_credential_endpoints_share_one_budget_per_client_then_429_with_retry_after(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _issuer(aiohttp_client, redis_url, tmp_path, issuer_per_client=3)
    assert [await _nonce(client) for _ in range(3)] == [200, 200, 200]
    # the token endpoint counts against the same budget: refused before its body is read
    resp = await client.post("/token", data={"grant_type": "x"})
    assert resp.status == 429
    assert resp.content_type == "application/problem+json"
    wait = int(resp.headers["Retry-After"])
    assert 1 <= wait <= 60
    problem = await resp.json(content_type=None)
    assert (problem["status"], problem["title"], problem["retryAfter"]) == (429, "Too many requests", wait)
    assert f"{wait} seconds" in problem["detail"]
    assert resp.headers["Cache-Control"] == "no-store"
    assert (await client.post("/pathways/x/claim-nonce")).status == 429
    assert (await client.post("/programmes/x/claim-nonce")).status == 429  # the older URL: same budget
    # reads have their own budget, and the admin API and health check are not limited
    assert (await client.get("/.well-known/did.json")).status == 200
    assert (await client.get("/api/achievements", headers=AUTH)).status == 200
    assert (await client.get("/health")).status == 200


async def test_public_reads_get_ten_times_the_budget(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _issuer(aiohttp_client, redis_url, tmp_path, issuer_per_client=1)
    statuses = [(await client.get("/.well-known/did.json")).status for _ in range(READ_FACTOR)]
    assert statuses == [200] * READ_FACTOR
    resp = await client.get("/.well-known/openid-credential-issuer")
    assert resp.status == 429
    assert "Retry-After" in resp.headers
    assert await _nonce(client) == 200  # the credential budget is apart
    assert [(await client.get("/health")).status for _ in range(3)] == [200] * 3


async def test_no_limit_when_the_setting_is_zero(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> None:
    client = await _issuer(aiohttp_client, redis_url, tmp_path, issuer_per_client=0)
    assert [await _nonce(client) for _ in range(5)] == [200] * 5


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _issuer(
        aiohttp_client, redis_url, tmp_path, issuer_per_client=2, trusted_proxies=TrustedProxies("127.0.0.1, ::1")
    )
    learner = {"Forwarded": 'for="[2001:db8::7]:4711";proto=https'}
    assert [await _nonce(client, learner) for _ in range(3)] == [200, 200, 429]
    # the same client through two proxies, with a forged element on the left: still the same budget
    assert await _nonce(client, {"Forwarded": 'for=198.51.100.1, for="[2001:db8::7]", for=127.0.0.1'}) == 429
    assert await _nonce(client, {"X-Forwarded-For": "2001:db8::7"}) == 429
    # another learner behind the same proxy
    assert await _nonce(client, {"Forwarded": "for=203.0.113.9"}) == 200
    # headers that disagree, or name no one, leave the proxy's own budget (used by neither learner)
    disagree = {"Forwarded": "for=192.0.2.10", "X-Forwarded-For": "192.0.2.11"}
    assert [await _nonce(client, h) for h in (disagree, {"Forwarded": "for=_hidden"})] == [200, 200]
    assert await _nonce(client, {"Forwarded": "for=unknown"}) == 429


async def test_ipv6_clients_in_one_64_network_share_a_budget_and_other_networks_do_not(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _issuer(
        aiohttp_client, redis_url, tmp_path, issuer_per_client=2, trusted_proxies=TrustedProxies("127.0.0.1, ::1")
    )
    one_network = ["2001:db8:5:6::1", "2001:db8:5:6:aaaa::2", "2001:db8:5:6:ffff:ffff:ffff:ffff"]
    statuses = [await _nonce(client, {"X-Forwarded-For": address}) for address in one_network]
    assert statuses == [200, 200, 429]
    assert await _nonce(client, {"Forwarded": 'for="[2001:db8:5:7::1]"'}) == 200  # the next /64
    # an IPv4-mapped IPv6 address is its IPv4 address
    assert [await _nonce(client, {"X-Forwarded-For": a}) for a in ("::ffff:192.0.2.50", "192.0.2.50")] == [200, 200]
    assert await _nonce(client, {"X-Forwarded-For": "::ffff:192.0.2.50"}) == 429


@pytest.mark.parametrize(
    "header",
    [
        'for="[2001:db8::7',
        "for=;for=;,,",
        'for="\\"',
        "for=\u0105\u0119, for=\u00ff",
        "for=" + "9" * 4000,
        'for="' + "\\" * 501 + '"',
    ],
)
async def test_a_malformed_forwarded_header_is_never_a_server_error(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path, header: str
) -> None:
    client = await _issuer(
        aiohttp_client, redis_url, tmp_path, issuer_per_client=1, trusted_proxies=TrustedProxies("127.0.0.1, ::1")
    )
    assert await _nonce(client, {"Forwarded": header}) == 200  # counted as the proxy's own request
    assert await _nonce(client) == 429


async def test_without_trusted_proxies_forwarded_headers_buy_no_more_requests(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _issuer(aiohttp_client, redis_url, tmp_path, issuer_per_client=2)
    statuses = [
        await _nonce(client, {"Forwarded": f"for=203.0.113.{n}", "X-Forwarded-For": f"203.0.113.{n}"}) for n in range(3)
    ]
    assert statuses == [200, 200, 429]


VC_API_PATHS = ("/credentials/issue", "/credentials/status")
"""The W3C VC-API endpoints: admin (bearer token), unlike the rest of ``/credentials/``."""


async def test_scans_of_verification_links_count_against_the_public_read_budget(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _issuer(aiohttp_client, redis_url, tmp_path, issuer_per_client=1)
    token = "x" * 43
    statuses = [(await client.get(f"/credentials/shared/{token}")).status for _ in range(READ_FACTOR + 1)]
    assert statuses == [404] * READ_FACTOR + [429]


def test_every_issuer_route_has_a_limit_decision(tmp_path: Path) -> None:
    app = create_app(issuer_settings("redis://unused", tmp_path))
    undecided = set()
    for resource in app.router.resources():
        path = resource.canonical
        admin = path.startswith(("/api/", "/admin", "/static", "/shared")) or path in VC_API_PATHS
        if not admin and path not in CREDENTIAL_PATHS | READ_PATHS | UNLIMITED_PATHS:
            undecided.add(path)
    assert not undecided, f"add these issuer routes to plecak.issuer.limits: {sorted(undecided)}"
    assert {"/token", "/credential", "/nonce"} <= CREDENTIAL_PATHS
    assert {"/.well-known/did.json", "/status-lists/{list_id}"} <= READ_PATHS


def test_issuer_limit_settings_are_read_from_the_environment() -> None:
    env = {
        "PLECAK_ADMIN_TOKEN": "x" * 32,
        "PLECAK_ISSUER_PER_CLIENT": "7",
        "PLECAK_TRUSTED_PROXIES": "10.0.0.0/8",
    }
    settings = Settings.from_env(env)
    assert settings.issuer_per_client == 7
    assert settings.trusted_proxies.client_of("10.1.2.3", forwarded=["for=203.0.113.9"]) == "203.0.113.9"
    assert Settings.from_env({"PLECAK_ADMIN_TOKEN": "x" * 32}).issuer_per_client == 120
    with pytest.raises(ValueError, match="PLECAK_ISSUER_PER_CLIENT"):
        Settings.from_env({**env, "PLECAK_ISSUER_PER_CLIENT": "-1"})
