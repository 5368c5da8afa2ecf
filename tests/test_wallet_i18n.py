"""English and Polish: complete catalogues, language from Accept-Language or a cookie switch."""

from __future__ import annotations

import string

from test_wallet_support import Servers, servers
from wallet.messages_en import EN
from wallet.messages_pl import PL

__all__ = ["servers"]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_polish_has_every_message_with_the_same_placeholders() -> None:
    assert set(PL) == set(EN)
    for key, text in EN.items():
        assert _placeholders(PL[key]) == _placeholders(text), key


async def test_language_follows_accept_language_then_the_switch(servers: Servers) -> None:
    browser = servers.browser
    status, text = await browser.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert '<html lang="pl">' in text and "Załóż konto" in text
    status, text = await browser.get("/lang/en?next=/signin", headers={"Accept-Language": "pl"})
    assert status == 200 and browser.last_url.endswith("/signin")
    assert '<html lang="en">' in text and "Sign in" in text
    await browser.sign_up()
    _, text = await browser.get("/lang/pl?next=/")
    assert "Twój portfel jest pusty" in text
    _, text = await browser.get("/lang/xx?next=https://evil.example/")
    assert browser.last_url == servers.wallet_url + "/"  # unknown language ignored, no open redirect
    assert "Twój portfel jest pusty" in text


async def test_error_messages_are_translated(servers: Servers) -> None:
    browser = servers.browser
    await browser.get("/lang/pl?next=/signup")
    status, text = await browser.post(
        "/signup", {"email": "anna@example.org", "password": "short", "password_again": "short"}
    )
    assert status == 400 and "Hasło jest za krótkie: użyj co najmniej 10 znaków." in text
