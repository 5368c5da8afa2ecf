"""Sign-in limits that hold under concurrency and do not lock the owner out; hashing off the event loop.

Real wallet servers and Redis. Different client addresses are real requests through a trusted proxy
(the test client on 127.0.0.1, listed in ``trusted_proxies``) carrying ``X-Forwarded-For``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from argon2 import PasswordHasher
from redis.asyncio import Redis

from plecak.runtime.clientaddr import TrustedProxies
from plecak.runtime.workers import BUSY_RETRY_SECONDS
from plecak.wallet.app import create_app
from plecak.wallet.app_keys import ACCOUNTS
from plecak.wallet.config import Settings as WalletSettings
from plecak.wallet.exceptions import RateLimited, UserError
from plecak.wallet.i18n import EN, PL
from support.held_workers import HeldWorkers
from support.ports import Listener
from support.wallet import PASSWORD, Browser, account_service, wallet_settings

EMAIL = "anna@example.org"
WRONG = "not the password"


class ClientAt(Browser):
    """A browser whose requests reach the wallet through the trusted proxy, from ``address``."""

    def __init__(self, base: str, address: str | None) -> None:
        super().__init__(base)
        if address is not None:
            self.session = aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"X-Forwarded-For": address}
            )


class Wallet:
    def __init__(self, url: str, server: TestServer) -> None:
        self.url = url
        self.server = server
        self._browsers: list[Browser] = []

    async def client(self, address: str | None = None) -> Browser:
        browser = ClientAt(self.url, address)
        self._browsers.append(browser)
        await browser.get("/signin")
        return browser

    async def close(self) -> None:
        for browser in self._browsers:
            await browser.close()
        await self.server.close()


async def _start(redis_url: str, data_dir: Path, **overrides: Any) -> Wallet:
    port_listener = Listener()
    port = port_listener.port
    app = create_app(wallet_settings(redis_url, data_dir, port, **overrides))
    server = port_listener.server(app)
    await server.start_server()
    return Wallet(f"http://127.0.0.1:{port}", server)


@pytest.fixture
async def behind_proxy(redis_url: str, tmp_path: Path) -> AsyncIterator[Wallet]:
    wallet = await _start(redis_url, tmp_path, trusted_proxies=TrustedProxies("127.0.0.1"))
    try:
        owner = await wallet.client()
        await owner.sign_up(EMAIL)
        yield wallet
    finally:
        await wallet.close()


async def _sign_in(browser: Browser, password: str) -> int:
    status, _ = await browser.post("/signin", {"email": EMAIL, "password": password})
    return status


async def test_concurrent_wrong_passwords_are_evaluated_at_most_the_limit(behind_proxy: Wallet) -> None:
    attacker = await behind_proxy.client("203.0.113.9")
    statuses = await asyncio.gather(*(_sign_in(attacker, WRONG) for _ in range(25)))
    assert statuses.count(400) == 5  # evaluated (wrong password)
    # refused before the password was looked at: over the limit, or (beyond the ten places of the
    # hashing threads) busy, which is not counted
    assert statuses.count(429) + statuses.count(503) == 20
    assert statuses.count(429) >= 5
    assert await _sign_in(attacker, PASSWORD) == 429  # the limit holds for the right password too


async def test_the_owner_signs_in_from_another_address_after_someone_elses_failures(
    behind_proxy: Wallet,
) -> None:
    attacker = await behind_proxy.client("203.0.113.9")
    statuses = [await _sign_in(attacker, WRONG) for _ in range(8)]
    assert statuses == [400] * 5 + [429] * 3
    owner = await behind_proxy.client("198.51.100.7")
    status, text = await owner.post("/signin", {"email": EMAIL, "password": PASSWORD})
    assert status == 200, text
    assert owner.last_url == behind_proxy.url + "/", text  # signed in, at home


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(redis_url: str, tmp_path: Path) -> None:
    wallet = await _start(redis_url, tmp_path)  # no trusted proxies: the header is the client's word
    try:
        owner = await wallet.client()
        await owner.sign_up(EMAIL)
        statuses = []
        for n in range(7):
            spoofer = await wallet.client(f"203.0.113.{n}")
            statuses.append(await _sign_in(spoofer, WRONG))
        assert statuses == [400] * 5 + [429] * 2  # one client (127.0.0.1), however it names itself
    finally:
        await wallet.close()


async def test_per_client_limit_behind_a_proxy_counts_each_client_not_the_proxy(
    redis_url: str, tmp_path: Path
) -> None:
    wallet = await _start(
        redis_url, tmp_path, trusted_proxies=TrustedProxies("127.0.0.0/8"), signin_attempts_per_ip=3
    )
    try:
        noisy = await wallet.client("203.0.113.9")
        for n in range(3):
            status, _ = await noisy.post("/signin", {"email": f"u{n}@example.org", "password": WRONG})
            assert status == 400
        status, _ = await noisy.post("/signin", {"email": "u9@example.org", "password": WRONG})
        assert status == 429
        other = await wallet.client("198.51.100.7")
        status, _ = await other.post("/signin", {"email": "u9@example.org", "password": WRONG})
        assert status == 400  # someone else behind the same proxy is not limited
    finally:
        await wallet.close()


async def test_ipv6_addresses_in_one_64_network_share_the_sign_in_budget(redis_url: str, tmp_path: Path) -> None:
    wallet = await _start(
        redis_url, tmp_path, trusted_proxies=TrustedProxies("127.0.0.0/8"), signin_attempts_per_ip=2
    )
    try:

        async def attempt(address: str, n: int) -> int:
            browser = await wallet.client(address)
            status, _ = await browser.post("/signin", {"email": f"v{n}@example.org", "password": WRONG})
            return status

        same_64 = ["2001:db8:7:8::1", "2001:db8:7:8:1::1", "2001:db8:7:8:ffff::ffff"]
        assert [await attempt(address, n) for n, address in enumerate(same_64)] == [400, 400, 429]
        assert await attempt("2001:db8:7:9::1", 9) == 400  # the next /64 has its own budget
    finally:
        await wallet.close()


# -- many failures from many addresses: a delay, not a lock-out --------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_many_failures_from_many_addresses_slow_the_account_down_without_locking_it(
    redis_client: Redis,
) -> None:
    clock = Clock()
    accounts = account_service(
        redis_client,
        per_email=2,
        per_email_total=4,
        throttle_seconds=5,
        clock=clock,
    )
    try:
        await accounts.sign_up(EMAIL, PASSWORD, PASSWORD)
        for client in ("203.0.113.1", "203.0.113.2"):
            for _ in range(2):
                with pytest.raises(UserError, match="signin_failed"):
                    await accounts.sign_in(EMAIL, WRONG, client)
        # four failures: from now on one attempt per 5 seconds is evaluated
        assert (await accounts.sign_in(EMAIL, PASSWORD, "198.51.100.7")).email == EMAIL
        with pytest.raises(RateLimited, match="signin_throttled") as caught:
            await accounts.sign_in(EMAIL, WRONG, "203.0.113.3")
        assert caught.value.params == {"seconds": 5}
        clock.now += 5
        with pytest.raises(UserError, match="signin_failed"):
            await accounts.sign_in(EMAIL, WRONG, "203.0.113.3")
        with pytest.raises(RateLimited, match="signin_throttled"):
            await accounts.sign_in(EMAIL, PASSWORD, "198.51.100.7")
        clock.now += 5
        assert (await accounts.sign_in(EMAIL, PASSWORD, "198.51.100.7")).email == EMAIL
    finally:
        accounts.close()


# -- password hashing does not block the event loop -----------------------------------------
class GatedHasher(PasswordHasher):
    """argon2 hashing that waits for a gate first, counting how many hashes are in flight."""

    def __init__(self, gate: threading.Event, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate
        self.lock = threading.Lock()
        self.entered = 0
        self.finished = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self.lock:
            self.entered += 1
        self.gate.wait(timeout=3)
        try:
            return super().hash(password, salt=salt)
        finally:
            with self.lock:
                self.finished += 1


async def test_health_answers_while_sign_ups_are_hashing(redis_url: str, tmp_path: Path) -> None:
    wallet = await _start(redis_url, tmp_path)
    gate = threading.Event()
    try:
        hasher = GatedHasher(gate, time_cost=1, memory_cost=1024, parallelism=1)
        wallet.server.app[ACCOUNTS].hasher = hasher
        browsers = [await wallet.client() for _ in range(4)]
        signups = [
            asyncio.ensure_future(
                b.post(
                    "/signup",
                    {"email": f"p{n}@example.org", "password": PASSWORD, "password_again": PASSWORD},
                )
            )
            for n, b in enumerate(browsers)
        ]
        for _ in range(500):  # until the pool's two workers hold a hash each (bounded)
            if hasher.entered >= 2:
                break
            await asyncio.sleep(0.01)
        async with (
            aiohttp.ClientSession() as client,
            client.get(wallet.url + "/health", timeout=aiohttp.ClientTimeout(total=10)) as resp,
        ):
            assert resp.status == 200
        # health answered while every hash was still waiting at the gate, and at most two ran at once
        assert hasher.finished == 0
        assert not any(task.done() for task in signups)
        assert hasher.entered == 2
        gate.set()
        results = await asyncio.gather(*signups)
        assert [status for status, _ in results] == [200] * 4
        assert hasher.finished == 4
    finally:
        gate.set()
        await wallet.close()


async def test_full_hashing_threads_refuse_sign_in_at_once_alike_for_any_address_and_count_nothing(
    behind_proxy: Wallet,
) -> None:
    accounts = behind_proxy.server.app[ACCOUNTS]
    owner = await behind_proxy.client("198.51.100.7")
    async with HeldWorkers(accounts.hashing):
        answers = []
        for email in [EMAIL] * 7 + ["nobody@example.org"]:  # more tries than the owner's limit of 5
            async with owner.session.post(
                behind_proxy.url + "/signin", data={"email": email, "password": PASSWORD, "csrf": owner.csrf or ""}
            ) as resp:
                text = await resp.text()
                answers.append((resp.status, resp.headers.get("Retry-After"), EN["error.accounts_busy"] in text))
        async with owner.session.post(
            behind_proxy.url + "/signin",
            data={"email": EMAIL, "password": PASSWORD, "csrf": owner.csrf or ""},
            headers={"Accept-Language": "pl-PL,pl;q=0.9"},
        ) as resp:
            assert PL["error.accounts_busy"] in await resp.text()
        # signing up needs a hash too: refused the same way, and no account is made
        status, text = await owner.post(
            "/signup", {"email": "new@example.org", "password": PASSWORD, "password_again": PASSWORD}
        )
        assert (status, EN["error.accounts_busy"] in text) == (503, True)
    # the same answer whether or not the account exists
    assert answers == [(503, str(BUSY_RETRY_SECONDS), True)] * 8
    # none of the refused tries counted: the owner signs in as soon as the threads are free
    assert await _sign_in(owner, PASSWORD) == 200
    assert owner.last_url == behind_proxy.url + "/"
    newcomer = await behind_proxy.client("192.0.2.44")
    assert (await newcomer.sign_up("new@example.org")).startswith("did:key:")


def test_trusted_proxies_setting_is_read_from_the_environment() -> None:
    settings = WalletSettings.from_env({"PLECAK_TRUSTED_PROXIES": "10.0.0.0/8, ::1"})
    assert settings.trusted_proxies.client_of("10.2.3.4", ["192.0.2.7"]) == "192.0.2.7"
    assert WalletSettings.from_env({}).trusted_proxies.client_of("10.2.3.4", ["192.0.2.7"]) == "10.2.3.4"
    with pytest.raises(ValueError, match="PLECAK_TRUSTED_PROXIES"):
        WalletSettings.from_env({"PLECAK_TRUSTED_PROXIES": "proxy.internal"})
