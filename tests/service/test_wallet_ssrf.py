"""The wallet never fetches a loopback, private or local address named by a link, and its errors do not
tell an open port from a closed one (it is not a port scanner for signed-in users).

Each entry point is driven through the real wallet with a real loopback listener (that must accept no
connection) and a closed port; the page for the open port must read exactly like the one for the
closed port.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import quote

import pytest

from plecak.wallet.app_keys import SERVICE
from support.ports import refused_port
from support.wallet import Servers, servers

__all__ = ["servers"]

Listener = tuple[int, list[str]]


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    """An open loopback port that records every connection and answers any request with JSON."""
    seen: list[str] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(str(writer.get_extra_info("peername")))
        with contextlib.suppress(OSError, asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(1024), 2)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], seen
    finally:
        server.close()
        await server.wait_closed()


TARGETS = [
    "https://127.0.0.1:{port}/x",
    "https://localhost:{port}/x",
    "https://127.1:{port}/x",
    "https://0x7f000001:{port}/x",
    "https://[::ffff:127.0.0.1]:{port}/x",
    "https://0.0.0.0:{port}/x",
]


def _visible(page: str, port: int) -> str:
    """The page's main text with the port number and per-request tokens taken out."""
    main = re.search(r"<main.*?</main>", page, re.S)
    text = main.group(0) if main else page
    text = re.sub(r'name="csrf" value="[^"]+"', "", text)
    return text.replace(str(port), "PORT")


async def _same_answer_for_open_and_closed(
    listener: Listener, ask: Callable[[str], Awaitable[tuple[int, str]]]
) -> str:
    port, seen = listener
    with refused_port() as closed:
        for target in TARGETS:
            open_status, open_page = await ask(target.format(port=port))
            closed_status, closed_page = await ask(target.format(port=closed))
            assert 400 <= open_status < 500, (target, open_status)
            assert (open_status, _visible(open_page, port)) == (closed_status, _visible(closed_page, closed)), (
                target
            )
            for leak in ("refused", "Connect call failed", "timed out", "Errno", "private", "public address"):
                assert leak not in open_page, (target, leak)
    assert seen == []
    return open_page


async def test_offer_uri_on_loopback_is_not_fetched_and_says_nothing_about_the_port(
    servers: Servers, listener: Listener
) -> None:
    await servers.browser.sign_up()

    async def ask(uri: str) -> tuple[int, str]:
        return await servers.browser.get("/receive?credential_offer_uri=" + quote(uri, safe=""))

    page = await _same_answer_for_open_and_closed(listener, ask)
    assert "could not fetch the credential offer" in page


async def test_inline_offer_naming_a_loopback_issuer_is_not_fetched(
    servers: Servers, listener: Listener
) -> None:
    await servers.browser.sign_up()

    async def ask(issuer: str) -> tuple[int, str]:
        offer = {
            "credential_issuer": issuer.removesuffix("/x"),
            "credential_configuration_ids": ["x"],
            "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "c"}},
        }
        return await servers.browser.get("/receive?credential_offer=" + quote(json.dumps(offer), safe=""))

    await _same_answer_for_open_and_closed(listener, ask)


async def test_presentation_request_uri_on_loopback_is_not_fetched(
    servers: Servers, listener: Listener
) -> None:
    await servers.browser.sign_up()

    async def ask(uri: str) -> tuple[int, str]:
        return await servers.browser.get("/present?request_uri=" + quote(uri, safe=""))

    page = await _same_answer_for_open_and_closed(listener, ask)
    assert "could not fetch the presentation request" in page


async def test_following_a_pathway_on_loopback_is_not_fetched(servers: Servers, listener: Listener) -> None:
    await servers.browser.sign_up()

    async def ask(url: str) -> tuple[int, str]:
        return await servers.browser.post("/pathways/follow", {"url": url})

    page = await _same_answer_for_open_and_closed(listener, ask)
    assert "The pathway could not be loaded." in page


async def test_status_lists_on_loopback_are_not_fetched(
    servers: Servers, listener: Listener, closed_port: int
) -> None:
    """The status list of a stored credential (refetched on every list view) goes through the same guard."""
    port, seen = listener
    service = servers.wallet_server.app[SERVICE]
    closed = closed_port
    for target in TARGETS:
        messages = []
        for p in (port, closed):
            for fetch in (service.status_list, service.status_token):
                with pytest.raises(LookupError) as caught:
                    await fetch(target.format(port=p))
                messages.append(str(caught.value).replace(str(p), "PORT"))
        assert messages[:2] == messages[2:], target
    assert seen == []


async def test_allow_listed_development_host_is_still_reached(servers: Servers) -> None:
    """The guard is not a blanket refusal: the issuer on its allow-listed loopback port works."""
    await servers.browser.sign_up()
    offer = await servers.issuer.offer()
    status, text = await servers.browser.get(offer["walletLink"])
    assert status == 200
    assert "offers you" in text
