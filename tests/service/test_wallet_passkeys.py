"""Passkeys: WebAuthn ceremonies of the wallet against a software authenticator, on a real Redis.

The authenticator (tests/support/webauthn_authenticator.py) builds attestation ``none`` and ES256
assertions byte by byte from the WebAuthn spec; the wallet's service and HTTP endpoints are the
real ones. Negative cases: wrong challenge, replayed challenge, another session's challenge, wrong
origin, wrong RP id, unknown credential, another key's signature, a foreign user handle, a signature
counter that goes back, an e-mail address of another account, the last way to sign in.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from plecak.wallet.accounts import Account, AccountService
from plecak.wallet.app import create_app
from plecak.wallet.exceptions import NotFound, RateLimited, UserError
from plecak.wallet.passkey_store import PasskeyStore
from plecak.wallet.passkeys import PasskeyService, RelyingParty, relying_party
from plecak.wallet.store import digest
from support.ports import Listener
from support.redis_keys import keys_matching
from support.wallet import PASSWORD, Browser, Servers, account_service, servers, wallet_settings
from support.webauthn_authenticator import SoftAuthenticator, SoftCredential, b64url, unb64url

__all__ = ["servers"]

ORIGIN = "http://localhost:8002"
RP = RelyingParty(id="localhost", origin=ORIGIN)


@dataclass
class Wallet:
    passkeys: PasskeyService
    accounts: AccountService
    redis: Redis
    account: Account
    sid: str

    async def add(self, authenticator: SoftAuthenticator, name: str = "Phone", **kw: Any) -> dict[str, Any]:
        options = json.loads(await self.passkeys.registration_options(self.sid, self.account))
        response = authenticator.create(options, kw.pop("origin", ORIGIN), **kw)
        return dict(await self.passkeys.register(self.sid, self.account, json.dumps(response), name))

    async def sign_in(
        self, authenticator: SoftAuthenticator, email: str = "", sid: str | None = None, **kw: Any
    ) -> Account:
        options = json.loads(await self.passkeys.signin_options(self.sid))
        response = authenticator.get(options, kw.pop("origin", ORIGIN), **kw)
        return await self.passkeys.sign_in(sid or self.sid, json.dumps(response), email, "192.0.2.1")


@pytest.fixture
async def wallet(redis_client: Redis) -> Wallet:
    accounts = account_service(redis_client)
    account = await accounts.sign_up("anna@example.org", PASSWORD, PASSWORD)
    passkeys = PasskeyService(PasskeyStore(redis_client), accounts, RP, challenge_seconds=180)
    return Wallet(passkeys, accounts, redis_client, account, secrets.token_urlsafe(32))


# -- the relying party -----------------------------------------------------------------------
def test_relying_party_comes_from_the_public_url_and_refuses_ip_addresses() -> None:
    assert relying_party("https://wallet.example.org") == RelyingParty(
        "wallet.example.org", "https://wallet.example.org"
    )
    assert relying_party("http://localhost:8002") == RelyingParty("localhost", "http://localhost:8002")
    assert relying_party("http://wallet.localhost:8002") == RelyingParty(
        "wallet.localhost", "http://wallet.localhost:8002"
    )
    assert relying_party("http://127.0.0.1:8002") is None  # an IP address is not a valid RP id
    assert relying_party("https://[::1]:8443") is None
    assert relying_party("http://wallet.example.org") is None  # not a secure context


# -- ceremonies ------------------------------------------------------------------------------
async def test_passkey_registers_and_signs_in_without_a_password(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    added = await wallet.add(authenticator, "My phone")
    assert added["name"] == "My phone"
    assert added["last_used"] is None
    assert added["sign_count"] == 0
    listed = await wallet.passkeys.list(wallet.account.uid)
    assert [p["id"] for p in listed] == [b64url(authenticator.credentials[0].credential_id)]
    account = await wallet.sign_in(authenticator)
    assert account.uid == wallet.account.uid
    assert account.email == "anna@example.org"
    after = (await wallet.passkeys.list(wallet.account.uid))[0]
    assert after["sign_count"] == 1
    assert after["last_used"] is not None
    # a second sign-in with a higher counter works too
    assert (await wallet.sign_in(authenticator)).uid == wallet.account.uid


async def test_registration_options_ask_for_a_discoverable_credential(wallet: Wallet) -> None:
    options = json.loads(await wallet.passkeys.registration_options(wallet.sid, wallet.account))
    assert options["rp"] == {"id": "localhost", "name": "Plecak wallet"}
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["attestation"] == "none"
    assert options["user"]["name"] == "anna@example.org"
    assert options["user"]["id"] == b64url(bytes.fromhex(wallet.account.uid))  # no personal data
    # the challenge waits in Redis under the session, briefly
    keys = [k.decode() for k in await keys_matching(wallet.redis, "wallet:ceremony:*")]
    assert len(keys) == 1
    assert keys[0].endswith(":register")
    assert 0 < await wallet.redis.ttl(keys[0]) <= 180
    await wallet.add(SoftAuthenticator())
    options = json.loads(await wallet.passkeys.registration_options(wallet.sid, wallet.account))
    assert len(options["excludeCredentials"]) == 1


async def test_sign_in_options_name_no_account(wallet: Wallet) -> None:
    await wallet.add(SoftAuthenticator())
    options = json.loads(await wallet.passkeys.signin_options(wallet.sid))
    assert options["rpId"] == "localhost"
    assert options.get("allowCredentials", []) == []


async def test_sign_in_with_the_accounts_email_works_and_another_email_is_refused(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    assert (await wallet.sign_in(authenticator, email=" Anna@Example.org ")).uid == wallet.account.uid
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(authenticator, email="boris@example.org")
    assert caught.value.key == "error.signin_failed"


async def test_registration_rejects_a_wrong_challenge(wallet: Wallet) -> None:
    options = json.loads(await wallet.passkeys.registration_options(wallet.sid, wallet.account))
    options["challenge"] = b64url(secrets.token_bytes(32))
    response = SoftAuthenticator().create(options, ORIGIN)
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.register(wallet.sid, wallet.account, json.dumps(response), "x")
    assert caught.value.key == "passkey.rejected"
    assert "challenge" in (caught.value.detail or "")
    assert await wallet.passkeys.list(wallet.account.uid) == []


async def test_registration_rejects_a_wrong_origin_and_a_wrong_rp_id(wallet: Wallet) -> None:
    with pytest.raises(UserError) as caught:
        await wallet.add(SoftAuthenticator(), origin="https://evil.example")
    assert caught.value.key == "passkey.rejected"
    assert "origin" in (caught.value.detail or "")
    with pytest.raises(UserError) as caught:
        await wallet.add(SoftAuthenticator(), rp_id="evil.example")
    assert caught.value.key == "passkey.rejected"
    assert "RP ID" in (caught.value.detail or "")
    assert await wallet.passkeys.list(wallet.account.uid) == []


async def test_registration_challenge_is_used_once(wallet: Wallet) -> None:
    options = json.loads(await wallet.passkeys.registration_options(wallet.sid, wallet.account))
    response = json.dumps(SoftAuthenticator().create(options, ORIGIN))
    await wallet.passkeys.register(wallet.sid, wallet.account, response, "x")
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.register(wallet.sid, wallet.account, response, "again")
    assert caught.value.key == "passkey.expired"
    assert len(await wallet.passkeys.list(wallet.account.uid)) == 1


async def test_a_credential_id_belongs_to_one_account(wallet: Wallet) -> None:
    first = SoftAuthenticator()
    await wallet.add(first)
    other = await wallet.accounts.sign_up("boris@example.org", PASSWORD, PASSWORD)
    sid = secrets.token_urlsafe(32)
    options = json.loads(await wallet.passkeys.registration_options(sid, other))
    response = SoftAuthenticator().create(options, ORIGIN, credential_id=first.credentials[0].credential_id)
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.register(sid, other, json.dumps(response), "stolen id")
    assert caught.value.key == "passkey.already_registered"
    assert await wallet.passkeys.list(other.uid) == []
    assert (await wallet.sign_in(first)).uid == wallet.account.uid


async def test_sign_in_challenge_is_used_once(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    options = json.loads(await wallet.passkeys.signin_options(wallet.sid))
    response = json.dumps(authenticator.get(options, ORIGIN))
    await wallet.passkeys.sign_in(wallet.sid, response, "", "192.0.2.1")
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.sign_in(wallet.sid, response, "", "192.0.2.1")
    assert caught.value.key == "passkey.expired"


async def test_sign_in_refuses_a_challenge_of_another_session(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(authenticator, sid=secrets.token_urlsafe(32))
    assert caught.value.key == "passkey.expired"


async def test_sign_in_rejects_a_wrong_challenge(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    options = json.loads(await wallet.passkeys.signin_options(wallet.sid))
    options["challenge"] = b64url(secrets.token_bytes(32))
    response = json.dumps(authenticator.get(options, ORIGIN))
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.sign_in(wallet.sid, response, "", "192.0.2.1")
    assert caught.value.key == "passkey.rejected"
    assert "challenge" in (caught.value.detail or "")


async def test_sign_in_rejects_a_wrong_origin_and_a_wrong_rp_id(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(authenticator, origin="http://localhost:9999")
    assert caught.value.key == "passkey.rejected"
    assert "origin" in (caught.value.detail or "")
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(authenticator, rp_id="evil.example")
    assert caught.value.key == "passkey.rejected"
    assert "RP ID" in (caught.value.detail or "")
    # the failures did not move the stored counter
    assert (await wallet.passkeys.list(wallet.account.uid))[0]["sign_count"] == 0


async def test_sign_in_rejects_an_unknown_credential(wallet: Wallet) -> None:
    await wallet.add(SoftAuthenticator())
    stranger = SoftAuthenticator()
    stranger.credentials.append(SoftCredential("localhost", bytes.fromhex(wallet.account.uid)))
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(stranger)
    assert caught.value.key == "passkey.unknown"


async def test_sign_in_rejects_another_keys_signature(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    known = authenticator.credentials[0]
    forger = SoftAuthenticator()
    forger.credentials.append(
        SoftCredential("localhost", known.user_handle, credential_id=known.credential_id)
    )
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(forger)
    assert caught.value.key == "passkey.rejected"
    assert "signature" in (caught.value.detail or "")


async def test_sign_in_rejects_a_foreign_user_handle(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    authenticator.credentials[0].user_handle = secrets.token_bytes(16)
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(authenticator)
    assert caught.value.key == "passkey.unknown"


async def test_sign_in_rejects_an_answer_without_the_user_handle(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    options = json.loads(await wallet.passkeys.signin_options(wallet.sid))
    response = authenticator.get(options, ORIGIN)
    del response["response"]["userHandle"]  # a discoverable sign-in must say whose credential it is
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.sign_in(wallet.sid, json.dumps(response), "", "192.0.2.1")
    assert caught.value.key == "passkey.unknown"


async def test_sign_in_rejects_a_signature_counter_that_goes_back(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    await wallet.sign_in(authenticator, sign_count=7)
    for count in (7, 3):  # the same value again (a replayed or cloned authenticator), then a lower one
        with pytest.raises(UserError) as caught:
            await wallet.sign_in(authenticator, sign_count=count)
        assert caught.value.key == "passkey.rejected"
        assert "sign count" in (caught.value.detail or "")
    assert (await wallet.passkeys.list(wallet.account.uid))[0]["sign_count"] == 7
    assert (await wallet.sign_in(authenticator, sign_count=8)).uid == wallet.account.uid


async def test_passkeys_that_keep_the_counter_at_zero_still_sign_in(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator(counting=False)  # e.g. synced passkeys report signCount 0
    await wallet.add(authenticator)
    for _ in range(2):
        assert (await wallet.sign_in(authenticator)).uid == wallet.account.uid


async def test_sign_in_rejects_answers_the_wallet_cannot_read(wallet: Wallet) -> None:
    for data in (
        "",
        "not json",
        "[]",
        '{"id": ""}',
        json.dumps({"id": "abc", "response": "x"}),
        "x" * 70_000,
    ):
        await wallet.passkeys.signin_options(wallet.sid)
        with pytest.raises(UserError) as caught:
            await wallet.passkeys.sign_in(wallet.sid, data, "", "192.0.2.1")
        assert caught.value.key == "passkey.bad_response", data[:20]


async def test_passkey_sign_in_counts_against_the_sign_in_limits(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    await wallet.add(authenticator)
    stranger = SoftAuthenticator()
    stranger.credentials.append(SoftCredential("localhost", b"\0" * 16))
    for _ in range(5):
        with pytest.raises(UserError):
            await wallet.sign_in(stranger, email="anna@example.org")
    with pytest.raises(RateLimited):
        await wallet.sign_in(authenticator, email="anna@example.org")
    # without the e-mail address only the per-address limit applies (30)
    assert (await wallet.sign_in(authenticator)).uid == wallet.account.uid


async def test_concurrent_passkey_sign_ins_for_one_email_are_checked_at_most_the_limit(
    wallet: Wallet,
) -> None:
    stranger = SoftAuthenticator()
    stranger.credentials.append(SoftCredential("localhost", b"\0" * 16))

    async def attempt(sid: str) -> str:
        options = json.loads(await wallet.passkeys.signin_options(sid))
        response = stranger.get(options, ORIGIN)
        try:
            await wallet.passkeys.sign_in(sid, json.dumps(response), "anna@example.org", "192.0.2.1")
        except RateLimited:
            return "limited"
        except UserError:
            return "checked"
        return "signed in"

    results = await asyncio.gather(*(attempt(secrets.token_urlsafe(32)) for _ in range(12)))
    assert results.count("checked") == 5
    assert results.count("limited") == 7


async def test_removing_a_passkey_keeps_the_last_way_to_sign_in(wallet: Wallet) -> None:
    first, second = SoftAuthenticator(), SoftAuthenticator()
    a = await wallet.add(first, "first")
    b = await wallet.add(second, "second")
    uid = wallet.account.uid
    with pytest.raises(NotFound):
        await wallet.passkeys.remove(uid, "no-such-passkey")
    await wallet.redis.hdel(f"wallet:user:{{{uid}}}", "password")  # a passkey-only account
    await wallet.passkeys.remove(uid, a["id"])
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.remove(uid, b["id"])
    assert caught.value.key == "passkey.last_one"
    with pytest.raises(UserError) as caught:
        await wallet.sign_in(first, credential=first.credentials[0])
    assert caught.value.key == "passkey.unknown"  # removed means it no longer signs in
    assert (await wallet.sign_in(second)).uid == uid


async def test_with_a_password_the_last_passkey_can_go(wallet: Wallet) -> None:
    added = await wallet.add(SoftAuthenticator())
    await wallet.passkeys.remove(wallet.account.uid, added["id"])
    assert await wallet.passkeys.list(wallet.account.uid) == []
    assert await keys_matching(wallet.redis, "wallet:passkey:*") == []


# -- over HTTP -------------------------------------------------------------------------------
@dataclass
class LocalWallet:
    url: str
    origin: str
    browser: Browser


@pytest.fixture
async def local_wallet(redis_url: str, tmp_path: Path) -> AsyncIterator[LocalWallet]:
    """A wallet whose public URL is http://localhost:PORT (a valid RP id), reached on 127.0.0.1."""
    port_listener = Listener()
    port = port_listener.port
    origin = f"http://localhost:{port}"
    server = port_listener.server(
        create_app(wallet_settings(redis_url, tmp_path, port, public_url=origin))
    )
    await server.start_server()
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        yield LocalWallet(f"http://127.0.0.1:{port}", origin, browser)
    finally:
        await browser.close()
        await server.close()


async def _post_json(browser: Browser, path: str, data: dict[str, str] | None = None) -> tuple[int, Any]:
    status, text = await browser.post(path, data or {})
    return status, json.loads(text)


async def test_passkey_over_http_add_list_sign_out_sign_in(local_wallet: LocalWallet) -> None:
    browser = local_wallet.browser
    authenticator = SoftAuthenticator()
    await browser.sign_up()
    status, text = await browser.get("/account")
    assert status == 200
    assert "You have no passkeys yet" in text
    assert 'id="passkey-add"' in text
    assert '<script src="/static/passkeys.js" defer></script>' in text
    status, options = await _post_json(browser, "/passkeys/register/options")
    assert status == 200
    assert options["rp"]["id"] == "localhost"
    response = authenticator.create(options, local_wallet.origin)
    status, body = await _post_json(
        browser, "/passkeys/register", {"credential": json.dumps(response), "name": "Laptop <b>"}
    )
    assert status == 201
    assert body == {"redirect": "/account"}
    status, text = await browser.get("/account")
    assert "Passkey “Laptop &lt;b&gt;” added" in text
    assert "Not used yet" in text
    await browser.post("/signout")
    before = {c.key: c.value for c in browser.session.cookie_jar}
    status, text = await browser.get("/signin?next=/shares")
    assert 'id="passkey-signin"' in text
    assert "Sign in with a passkey" in text
    status, options = await _post_json(browser, "/passkeys/signin/options")
    assert status == 200
    status, body = await _post_json(
        browser,
        "/passkeys/signin",
        {"credential": json.dumps(authenticator.get(options, local_wallet.origin)), "next": "/shares"},
    )
    assert status == 200
    assert body == {"redirect": "/shares"}
    cookies = {c.key: c for c in browser.session.cookie_jar}
    assert cookies["wallet_session"].value != before["wallet_session"]  # a new session, as with a password
    assert cookies["wallet_session"]["httponly"]
    assert cookies["wallet_session"]["samesite"] == "Lax"
    status, text = await browser.get("/account")
    assert status == 200
    assert "Signed in as anna@example.org" in text
    assert "Last used" in text


async def test_passkey_endpoints_need_the_csrf_token_and_answer_problem_details(
    local_wallet: LocalWallet,
) -> None:
    browser = local_wallet.browser
    await browser.get("/signin")
    async with browser.session.post(local_wallet.url + "/passkeys/signin/options", data={}) as resp:
        assert resp.status == 403
        assert resp.content_type == "application/problem+json"
        assert "expired" in (await resp.json())["title"]
    status, problem = await _post_json(browser, "/passkeys/register/options")
    assert status == 401
    assert "signed out" in problem["title"]
    status, problem = await _post_json(browser, "/passkeys/signin", {"credential": "{}"})
    assert status == 400
    assert "expired" in problem["title"]


async def test_passkey_errors_are_translated(local_wallet: LocalWallet) -> None:
    browser = local_wallet.browser
    await browser.get("/lang/pl?next=/signin")
    status, problem = await _post_json(browser, "/passkeys/signin", {"credential": "{}"})
    assert status == 400
    assert "wygasło" in problem["title"]


async def test_removing_a_passkey_over_http(local_wallet: LocalWallet) -> None:
    browser = local_wallet.browser
    await browser.sign_up()
    _, options = await _post_json(browser, "/passkeys/register/options")
    response = SoftAuthenticator().create(options, local_wallet.origin)
    await _post_json(browser, "/passkeys/register", {"credential": json.dumps(response), "name": "Phone"})
    status, text = await browser.post(f"/account/passkeys/{response['id']}/delete")
    assert status == 200
    assert "The passkey was removed" in text
    assert "You have no passkeys yet" in text
    status, text = await browser.post(f"/account/passkeys/{response['id']}/delete")
    assert status == 404


async def test_passkeys_are_off_when_the_wallet_is_at_an_ip_address(servers: Servers) -> None:
    browser = servers.browser
    status, text = await browser.get("/signin")
    assert status == 200
    assert "passkey-signin" not in text
    status, problem = await _post_json(browser, "/passkeys/signin/options")
    assert status == 400
    assert "not available" in problem["title"]
    await browser.sign_up()
    status, text = await browser.get("/account")
    assert "not on an IP address such as 127.0.0.1" in text
    assert "passkey-add" not in text


# -- sign-up with a passkey only ---------------------------------------------------------------
async def test_sign_up_with_a_passkey_only_creates_a_passwordless_account(wallet: Wallet) -> None:
    authenticator = SoftAuthenticator()
    sid = secrets.token_urlsafe(32)
    options = json.loads(await wallet.passkeys.signup_options(sid, " Celina@Example.org "))
    assert options["user"]["name"] == "celina@example.org"
    response = authenticator.create(options, ORIGIN)
    account = await wallet.passkeys.sign_up(sid, json.dumps(response), "Laptop")
    assert account.email == "celina@example.org"
    assert account.did.startswith("did:key:z6Mk")
    assert options["user"]["id"] == b64url(bytes.fromhex(account.uid))
    user = await wallet.accounts.store.get_user(account.uid)
    assert user is not None
    assert "password" not in user
    assert [p["name"] for p in await wallet.passkeys.list(account.uid)] == ["Laptop"]
    # it signs in with the passkey; a password sign-in is refused (no password to match), not a crash
    assert (await wallet.sign_in(authenticator)).uid == account.uid
    with pytest.raises(UserError) as caught:
        await wallet.accounts.sign_in("celina@example.org", "", "192.0.2.1")
    assert caught.value.key == "error.signin_failed"
    # its only passkey cannot be removed
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.remove(account.uid, response["id"])
    assert caught.value.key == "passkey.last_one"


async def test_sign_up_with_a_passkey_refuses_a_taken_or_invalid_email(wallet: Wallet) -> None:
    sid = secrets.token_urlsafe(32)
    for email, key in (("anna@example.org", "error.email_taken"), ("not-an-email", "error.email_invalid")):
        with pytest.raises(UserError) as caught:
            await wallet.passkeys.signup_options(sid, email)
        assert caught.value.key == key


async def test_sign_up_with_a_passkey_loses_a_race_for_the_email_cleanly(wallet: Wallet) -> None:
    sid = secrets.token_urlsafe(32)
    options = json.loads(await wallet.passkeys.signup_options(sid, "dora@example.org"))
    await wallet.accounts.sign_up("dora@example.org", PASSWORD, PASSWORD)  # someone else was quicker
    response = SoftAuthenticator().create(options, ORIGIN)
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.sign_up(sid, json.dumps(response), "x")
    assert caught.value.key == "error.email_taken"
    assert await keys_matching(wallet.redis, "wallet:passkey:*") == []  # the credential claim was released
    uid = unb64url(options["user"]["id"]).hex()
    assert await wallet.redis.exists(f"wallet:user:{{{uid}}}", f"wallet:passkeys:{{{uid}}}") == 0


async def test_sign_up_with_a_passkey_rejects_a_replayed_or_foreign_answer(wallet: Wallet) -> None:
    sid = secrets.token_urlsafe(32)
    options = json.loads(await wallet.passkeys.signup_options(sid, "ewa@example.org"))
    with pytest.raises(UserError) as caught:
        await wallet.passkeys.sign_up(
            sid, json.dumps(SoftAuthenticator().create(options, "https://evil.example")), ""
        )
    assert caught.value.key == "passkey.rejected"
    with pytest.raises(UserError) as caught:  # the challenge went with the failed attempt
        await wallet.passkeys.sign_up(sid, json.dumps(SoftAuthenticator().create(options, ORIGIN)), "")
    assert caught.value.key == "passkey.expired"
    assert await wallet.accounts.store.uid_for_email(digest("ewa@example.org")) is None


async def test_passkey_sign_up_over_http_signs_the_new_account_in(local_wallet: LocalWallet) -> None:
    browser = local_wallet.browser
    status, text = await browser.get("/signup")
    assert 'id="passkey-signup"' in text
    assert "Create the account with a passkey" in text
    status, options = await _post_json(browser, "/passkeys/signup/options", {"email": "filip@example.org"})
    assert status == 200
    response = SoftAuthenticator().create(options, local_wallet.origin)
    status, body = await _post_json(
        browser, "/passkeys/signup", {"credential": json.dumps(response), "name": "", "next": "/account"}
    )
    assert status == 201
    assert body == {"redirect": "/account"}
    status, text = await browser.get("/account")
    assert "Welcome! Your wallet is ready" in text
    assert "This account has no password" in text
    assert "Passkey 1" in text
    assert "Signed in as filip@example.org" in text
    status, text = await browser.post(f"/account/passkeys/{response['id']}/delete")
    assert status == 400
    assert "your only way to sign in" in text


async def test_registration_rejects_a_credential_id_of_too_few_bytes(wallet: Wallet) -> None:
    with pytest.raises(UserError) as caught:
        await wallet.add(SoftAuthenticator(), credential_id=b"short")
    assert caught.value.key == "passkey.rejected"
    assert caught.value.detail == "credential id length"
    assert await keys_matching(wallet.redis, "wallet:passkey:*") == []
