"""Passkeys in real Chromium, with the DevTools Protocol's virtual authenticator (CTAP2, internal).

Browsers allow WebAuthn only in a secure context and only with a domain name as RP id, so this
wallet's public URL is ``http://localhost:PORT`` (``http://127.0.0.1`` cannot have passkeys; the
last test shows Chromium refusing it). Sign up with a password → add a passkey on the account page →
sign out → sign in with the passkey (no e-mail, no password) → the list shows it as used; a removed
passkey is then refused, in Polish. Screenshots go to /tmp (wallet-passkeys-*.png).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from support.browser_passkeys import virtual_authenticator, wallet_url

__all__ = ["wallet_url"]  # fixtures used by the tests below

SHOTS = Path("/tmp")
PASSWORD = "a phone-friendly passphrase"


async def _message(page: Any, text: str) -> None:
    """Wait until the passkey message says ``text`` (a locator: the CSP forbids eval-based polling)."""
    await page.locator("#passkey-message", has_text=text).wait_for(state="visible")


async def test_add_a_passkey_sign_out_and_sign_in_with_it(phone: Any, wallet_url: str) -> None:
    page = phone.page
    cdp, authenticator = await virtual_authenticator(page)

    await page.goto(f"{wallet_url}/signup")
    await page.fill("#email", "zofia@example.org")
    await page.fill("#password", PASSWORD)
    await page.fill("#password_again", PASSWORD)
    await page.click("main button[type=submit]")
    assert "Your wallet is empty" in await page.inner_text("main")

    # add a passkey on the account page
    await page.click('nav.main-nav a[href="/account"]')
    assert "You have no passkeys yet" in await page.inner_text("main")
    await page.fill("#passkey-name", "Zofia's phone")
    await page.click("#passkey-add-button")
    await page.wait_for_selector("#passkey-list")
    main = await page.inner_text("main")
    assert "Passkey “Zofia's phone” added" in main
    assert "Not used yet" in main
    stored = (await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator}))["credentials"]
    assert len(stored) == 1
    assert stored[0]["isResidentCredential"]
    assert stored[0]["rpId"] == "localhost"
    await page.screenshot(path=str(SHOTS / "wallet-passkeys-1-added.png"), full_page=True)

    # sign out, then sign in with the passkey alone (discoverable: no e-mail, no password)
    await page.click("footer button[type=submit]")
    await page.wait_for_url(re.compile(r"/signed-out$"))
    await page.goto(f"{wallet_url}/signin?next=/account")
    await page.screenshot(path=str(SHOTS / "wallet-passkeys-2-signin.png"), full_page=True)
    await page.click("#passkey-signin-button")
    await page.wait_for_url(f"{wallet_url}/account")
    main = await page.inner_text("main")
    assert "Zofia's phone" in main
    assert "Last used" in main
    assert "Signed in as zofia@example.org" in await page.inner_text("footer")
    cookies = {c["name"]: c for c in await page.context.cookies()}
    assert cookies["wallet_session"]["httpOnly"]
    assert cookies["wallet_session"]["sameSite"] == "Lax"
    await page.screenshot(path=str(SHOTS / "wallet-passkeys-3-signed-in.png"), full_page=True)
    assert phone.errors == []

    # remove it (the password remains), sign out: the authenticator still offers it, the wallet refuses
    await page.click("#passkey-list button[type=submit]")
    assert "You have no passkeys yet" in await page.inner_text("main")
    await page.click("footer button[type=submit]")
    await page.wait_for_url(re.compile(r"/signed-out$"))
    await page.goto(f"{wallet_url}/lang/pl?next=/signin")
    await page.fill("#email", "zofia@example.org")
    await page.click("#passkey-signin-button")
    message = page.locator("#passkey-message")
    await message.wait_for(state="visible")
    await _message(page, "nie zna")
    assert "Ten portfel nie zna tego klucza dostępu" in await message.inner_text()
    assert page.url.endswith("/signin")
    await page.screenshot(path=str(SHOTS / "wallet-passkeys-4-unknown.png"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "a page scrolls sideways on a phone"
    # the only console errors are the refused sign-in's HTTP 400 (no CSP violation, no script error)
    assert all("status of 400" in e for e in phone.errors), phone.errors


async def test_chromium_refuses_an_ip_address_as_relying_party(phone: Any, wallet_url: str) -> None:
    page = phone.page
    await virtual_authenticator(page)
    await page.goto(wallet_url.replace("localhost", "127.0.0.1") + "/signin")
    # the wallet's RP id is localhost: opened at 127.0.0.1 its button explains instead of failing
    await page.click("#passkey-signin-button")
    await _message(page, "not available")
    error = await page.evaluate(
        """() => navigator.credentials.create({publicKey: {
             rp: {id: "127.0.0.1", name: "x"}, user: {id: new Uint8Array(16), name: "a", displayName: "a"},
             challenge: new Uint8Array(32), pubKeyCredParams: [{type: "public-key", alg: -7}]}})
           .then(() => "created", (e) => e.name)"""
    )
    assert error == "SecurityError", error


async def test_sign_up_with_a_passkey_only(phone: Any, wallet_url: str) -> None:
    page = phone.page
    cdp, authenticator = await virtual_authenticator(page)
    await page.goto(f"{wallet_url}/signup")
    await page.click("#passkey-signup-button")  # no e-mail address yet: the wallet says so
    await _message(page, "valid e-mail")
    await page.fill("#email", "jan@example.org")
    await page.click("#passkey-signup-button")
    await page.wait_for_url(f"{wallet_url}/")
    main = await page.inner_text("main")
    assert "Welcome! Your wallet is ready" in main
    assert "Your wallet is empty" in main
    await page.click('nav.main-nav a[href="/account"]')
    main = await page.inner_text("main")
    assert "This account has no password" in main
    assert "Passkey 1" in main
    stored = (await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator}))["credentials"]
    assert len(stored) == 1
    assert stored[0]["isResidentCredential"]
    await page.screenshot(path=str(SHOTS / "wallet-passkeys-5-passkey-only.png"), full_page=True)
    # the device already holds this wallet's passkey: adding another on it is refused, clearly
    await page.click("#passkey-add-button")
    message = page.locator("#passkey-message")
    await _message(page, "already")
    assert "This device already holds a passkey for your wallet" in await message.inner_text()
    assert all("status of 400" in e for e in phone.errors), phone.errors


async def test_passkey_errors_a_learner_can_understand(browser: Any, wallet_url: str) -> None:
    """A browser without WebAuthn, and a prompt the learner cancels (the browser then rejects with
    NotAllowedError, which the page stands in for here): each gets its own message, in EN and PL."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = await context.new_page()
        await context.add_init_script("delete window.PublicKeyCredential;")
        await page.goto(f"{wallet_url}/signin")
        message = page.locator("#passkey-message")
        assert "does not support passkeys" in await message.inner_text()
        assert await page.locator("#passkey-signin-button").is_disabled()
    finally:
        await context.close()
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = await context.new_page()
        await context.add_init_script(
            "navigator.credentials.get = () =>"
            " Promise.reject(new DOMException('cancelled', 'NotAllowedError'));"
        )
        for lang, text in (("en", "was cancelled or timed out"), ("pl", "zostało zamknięte lub minął czas")):
            await page.goto(f"{wallet_url}/lang/{lang}?next=/signin")
            await page.click("#passkey-signin-button")
            await _message(page, text)
            assert await page.locator("#passkey-signin-button").is_enabled()  # the learner may try again
    finally:
        await context.close()
