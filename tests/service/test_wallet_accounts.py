"""Wallet accounts over real HTTP and Redis: sign-up, sign-in, sessions, CSRF, rate limits, keys at rest."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from plecak.core.did import resolve_did_key
from plecak.wallet.app import create_app
from plecak.wallet.i18n import pick_language, translator
from support.ports import Listener
from support.redis_keys import keys_matching, stored_hash, stored_value
from support.wallet import PASSWORD, Browser, Servers, servers, wallet_settings

__all__ = ["servers"]


async def test_sign_up_gives_a_did_key_and_an_empty_wallet(servers: Servers, redis_client: Redis) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    resolve_did_key(did)
    status, text = await browser.get("/")
    assert status == 200
    assert "Your wallet is empty" in text
    assert "anna@example.org" in text
    # at rest: an argon2id hash and a sealed key, never the seed or the password
    uid = (await stored_value(redis_client, next(iter(await keys_matching(redis_client, "wallet:email:*"))))).decode()
    user = {k.decode(): v.decode() for k, v in (await stored_hash(redis_client, f"wallet:user:{{{uid}}}")).items()}
    assert user["password"].startswith("$argon2id$")
    assert PASSWORD not in str(user)
    assert user["did"] == did
    assert len(bytes.fromhex(user["key"])) == 1 + 12 + 32 + 16  # version, nonce, seed, tag


async def test_sign_up_problems_are_explained(servers: Servers) -> None:
    browser = servers.browser
    await browser.get("/signup")
    status, text = await browser.post(
        "/signup", {"email": "anna@example.org", "password": "short", "password_again": "short"}
    )
    assert status == 400
    assert "too short" in text
    status, text = await browser.post(
        "/signup", {"email": "not-an-email", "password": PASSWORD, "password_again": PASSWORD}
    )
    assert status == 400
    assert "valid e-mail" in text
    status, text = await browser.post(
        "/signup", {"email": "anna@example.org", "password": PASSWORD, "password_again": PASSWORD + "x"}
    )
    assert status == 400
    assert "not the same" in text
    await browser.sign_up()
    other = Browser(servers.wallet_url)
    try:
        await other.get("/signup")
        status, text = await other.post(
            "/signup", {"email": " Anna@Example.org ", "password": PASSWORD, "password_again": PASSWORD}
        )
        assert status == 400
        assert "already exists" in text
    finally:
        await other.close()


async def test_sign_in_and_out_replace_the_session(servers: Servers, redis_client: Redis) -> None:
    browser = servers.browser
    await browser.sign_up()
    await browser.post("/signout")
    status, text = await browser.get("/")
    assert "Create an account" in text
    status, text = await browser.get("/add")
    assert browser.last_url.endswith("/signin?next=/add")
    before = {c.key: c.value for c in browser.session.cookie_jar}
    status, text = await browser.post(
        "/signin", {"email": "anna@example.org", "password": PASSWORD, "next": "/add"}
    )
    assert status == 200, text
    assert browser.last_url.endswith("/add"), text
    after = {c.key: c.value for c in browser.session.cookie_jar}
    assert after["wallet_session"] != before["wallet_session"]
    # Redis keeps only the SHA-256 of a session id
    keys = [k.decode() for k in await keys_matching(redis_client, "wallet:session:*")]
    assert keys
    assert all(after["wallet_session"] not in k for k in keys)
    old = Browser(servers.wallet_url)
    try:
        old.session.cookie_jar.update_cookies({"wallet_session": before["wallet_session"]})
        _, text = await old.get("/")
        assert "Create an account" in text
    finally:
        await old.close()


async def test_next_parameter_never_leaves_the_wallet(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    await browser.post("/signout")
    await browser.get("/signin")
    status, _ = await browser.post(
        "/signin", {"email": "anna@example.org", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert status == 200
    assert browser.last_url == servers.wallet_url + "/"


async def test_forms_need_the_session_csrf_token_and_same_origin(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    status, text = await browser.post("/signout", csrf=False)
    assert status == 403
    assert "expired" in text
    status, _ = await browser.post("/signout", {"csrf": "forged"}, csrf=False)
    assert status == 403
    async with browser.session.post(
        servers.wallet_url + "/signout",
        data={"csrf": browser.csrf or ""},
        headers={"Origin": "https://evil.example"},
    ) as resp:
        assert resp.status == 403
    _, text = await browser.get("/")
    assert "Sign out" in text  # still signed in
    # Browsers send "Origin: null" under a no-referrer policy: the token alone decides then.
    async with browser.session.post(
        servers.wallet_url + "/signout", data={"csrf": browser.csrf or ""}, headers={"Origin": "null"}
    ) as resp:
        assert resp.status == 200
        assert "You are signed out" in await resp.text()
        assert resp.headers["Referrer-Policy"] == "same-origin"


async def test_sign_in_is_rate_limited_per_email(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up()
    await browser.post("/signout")
    await browser.get("/signin")
    for _ in range(5):
        status, text = await browser.post("/signin", {"email": "anna@example.org", "password": "wrong one!"})
        assert status == 400
        assert "wrong" in text
    status, text = await browser.post("/signin", {"email": "anna@example.org", "password": PASSWORD})
    assert status == 429
    assert "Too many sign-in attempts" in text
    status, text = await browser.post("/signin", {"email": "nobody@example.org", "password": "x" * 12})
    assert status == 400  # other addresses are not locked out


async def test_sign_in_is_rate_limited_per_client_address(redis_url: str, tmp_path: Path) -> None:
    port_listener = Listener()
    port = port_listener.port
    app = create_app(wallet_settings(redis_url, tmp_path, port, signin_attempts_per_ip=3))
    server = port_listener.server(app)
    await server.start_server()
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        await browser.get("/signin")
        for n in range(3):
            status, _ = await browser.post("/signin", {"email": f"u{n}@example.org", "password": "x" * 12})
            assert status == 400
        status, _ = await browser.post("/signin", {"email": "u9@example.org", "password": "x" * 12})
        assert status == 429
    finally:
        await browser.close()
        await server.close()


async def test_cookies_are_httponly_lax_and_secure_on_https(redis_url: str, tmp_path: Path) -> None:
    port_listener = Listener()
    port = port_listener.port
    app = create_app(wallet_settings(redis_url, tmp_path, port, public_url="https://wallet.example"))
    server = port_listener.server(app)
    await server.start_server()
    try:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{port}/signup") as resp,
        ):
            cookie = resp.headers["Set-Cookie"]
            assert cookie.startswith("__Host-wallet=")
            for attribute in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/"):
                assert attribute in cookie
            csp = resp.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp
            assert "unsafe-inline" not in csp
    finally:
        await server.close()


async def test_wallet_key_comes_from_the_environment_or_the_data_directory(
    redis_url: str, tmp_path: Path
) -> None:
    port_listener = Listener()
    port = port_listener.port
    app = create_app(wallet_settings(redis_url, tmp_path, port))
    server = port_listener.server(app)
    await server.start_server()
    await server.close()
    kek = tmp_path / "wallet-kek"
    assert kek.exists()
    assert kek.stat().st_mode & 0o077 == 0


def test_language_comes_from_the_cookie_then_accept_language() -> None:
    assert pick_language(None, "pl-PL,pl;q=0.9,en;q=0.8") == "pl"
    assert pick_language(None, "de-DE, en;q=0.5, pl;q=0.7") == "pl"
    assert pick_language("en", "pl") == "en"
    assert pick_language("xx", None) == "en"
    assert pick_language(None, "pl;q=0, en;q=0.1") == "en"  # q=0: Polish is not acceptable
    assert pick_language(None, "pl;q=0") == "en"
    assert pick_language(None, "fr") == "en"
    t = translator("pl")
    assert t("error.password_short", min=10)  # falls back to English when missing
    assert translator("en")("list.issued", date="2026-01-01") == "Issued 2026-01-01"
