"""plecak.core.netguard: no outgoing request reaches a loopback, private or local address, however it is spelt.

A real loopback TCP server counts every connection it accepts (not only well-formed requests, so a
TLS attempt counts too); each refused spelling must leave it untouched, and the allow-listed
development host must reach it (so the tests can fail).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest

from plecak.core.did import DidResolver
from plecak.core.errors import DIDError
from plecak.core.netguard import AllowList, guarded_session, host_allowed, is_public_address, literal_address
from plecak.core.status.client import StatusListClient, StatusListFetchError
from plecak.verifier.fetch import FetchError, LinkFetcher
from support import REPO

_REPLY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
)


@dataclass
class Listener:
    """A loopback server on 127.0.0.1 (and ::1 on the same port when the machine has IPv6)."""

    port: int
    connections: list[str] = field(default_factory=list)


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    state = Listener(0)

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.connections.append(str(writer.get_extra_info("peername")))
        with contextlib.suppress(OSError, asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(1024), 2)
            writer.write(_REPLY)
            await writer.drain()
        writer.close()

    servers = [await asyncio.start_server(accept, "127.0.0.1", 0)]
    state.port = servers[0].sockets[0].getsockname()[1]
    if socket.has_ipv6:
        with contextlib.suppress(OSError):
            servers.append(await asyncio.start_server(accept, "::1", state.port))
    try:
        yield state
    finally:
        for server in servers:
            server.close()
            await server.wait_closed()


LOOPBACK_SPELLINGS = [
    "localhost",
    "LOCALHOST.",
    "127.0.0.1",
    "127.1",
    "0x7f000001",
    "0x7F.1",
    "2130706433",
    "0177.0.0.1",
    "127.000.000.001",
    "0.0.0.0",
    "0",
    "[::1]",
    "[::]",
    "[::127.0.0.1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
async def test_guarded_session_never_connects_to_loopback_by_any_spelling(
    listener: Listener, host: str
) -> None:
    async with guarded_session(timeout=5) as session:
        with pytest.raises(aiohttp.ClientError):
            async with session.get(f"http://{host}:{listener.port}/x") as resp:
                await resp.read()
    assert listener.connections == []


async def test_guarded_session_reaches_an_allow_listed_development_host(listener: Listener) -> None:
    for allowed, host in (
        (f"127.0.0.1:{listener.port}", "127.0.0.1"),
        (f"localhost:{listener.port}", "localhost"),
    ):
        async with (
            guarded_session([allowed], timeout=5) as session,
            session.get(f"http://{host}:{listener.port}/x") as resp,
        ):
            assert resp.status == 200
    assert len(listener.connections) == 2


async def test_allow_list_names_a_port_not_the_whole_host(listener: Listener) -> None:
    async with guarded_session(
        [f"127.0.0.1:{listener.port + 1}", f"localhost:{listener.port + 1}"], timeout=5
    ) as s:
        for host in ("127.0.0.1", "localhost", "127.1"):
            with pytest.raises(aiohttp.ClientError):
                async with s.get(f"http://{host}:{listener.port}/x") as resp:
                    await resp.read()
    assert listener.connections == []


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
async def test_verifier_link_check_refuses_loopback_by_any_spelling(listener: Listener, host: str) -> None:
    fetcher = LinkFetcher(timeout=5)
    try:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch_json(f"https://{host}:{listener.port}/credential.json")
        assert caught.value.status in (400, 502)
    finally:
        await fetcher.close()
    assert listener.connections == []


async def test_verifier_link_errors_do_not_tell_open_from_closed_ports_or_local_names(
    listener: Listener, closed_port: int
) -> None:
    closed = closed_port
    fetcher = LinkFetcher(timeout=5)
    messages = set()
    try:
        for url in (
            f"https://localhost:{listener.port}/c.json",
            f"https://localhost:{closed}/c.json",
            "https://no-such-host.invalid/c.json",
        ):
            with pytest.raises(FetchError) as caught:
                await fetcher.fetch_json(url)
            messages.add((caught.value.status, str(caught.value)))
    finally:
        await fetcher.close()
    assert len(messages) == 1, messages
    assert listener.connections == []


@pytest.mark.parametrize(
    "host", ["localhost", "127.1", "0x7f000001", "2130706433", "[::127.0.0.1]", "0.0.0.0"]
)
async def test_status_list_client_refuses_loopback_by_any_spelling(listener: Listener, host: str) -> None:
    async with StatusListClient(timeout=5) as client:
        with pytest.raises(StatusListFetchError):
            await client.fetch(f"https://{host}:{listener.port}/list")
    assert listener.connections == []


@pytest.mark.parametrize("host", ["localhost", "127.1", "0x7f000001", "2130706433", "%5B%3A%3A127.0.0.1%5D"])
async def test_did_web_resolver_refuses_loopback_by_any_spelling(listener: Listener, host: str) -> None:
    with pytest.raises(DIDError):
        await DidResolver(timeout=5).resolve(f"did:web:{host}%3A{listener.port}")
    assert listener.connections == []


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.1",
        "198.18.0.1",
        "::",
        "::1",
        "fe80::1",
        "fe80::1%eth0",
        "fec0::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "ff0e::1",
        "2001:db8::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::10.0.0.1",
        "::8.8.8.8",
        "64:ff9b::10.0.0.1",
        "64:ff9b::127.0.0.1",
        "64:ff9b:1::8.8.8.8",
        "2002:0a00:0001::1",
        "2002:7f00:0001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "0xa9fea9fe",
        "012.1",
    ],
)
def test_addresses_that_are_not_public(address: str) -> None:
    assert literal_address(address) is not None
    assert not is_public_address(address)
    assert not host_allowed(address, 443, [])


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::8.8.8.8", "2002:0808:0808::1", "::ffff:8.8.8.8"],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(address)
    assert host_allowed(address, 443, [])


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("127.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("10.0.258", "10.0.1.2"),
        ("[::127.0.0.1]", "::7f00:1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[FE80::1%25eth0]", "fe80::1"),
    ],
)
def test_host_spellings_are_read_as_the_resolver_reads_them(spelling: str, address: str) -> None:
    assert str(literal_address(spelling)) == address


@pytest.mark.parametrize("name", ["example.org", "localhost", "1.2.3.256", "09.1.1.1", "1.2.3.4.5", "a.1"])
def test_names_are_left_to_the_resolver(name: str) -> None:
    assert literal_address(name) is None
    assert host_allowed(name, 443, [])


def test_allow_list_matches_equivalent_spellings_of_an_allowed_pair() -> None:
    allowed = AllowList(["LocalHost:8080", "[::1]:9000", "127.0.0.1:7000", "dev.example"])
    assert allowed.allows("localhost.", 8080)
    assert allowed.allows("[::1]", 9000)
    assert allowed.allows("::1", 9000)
    assert allowed.allows("127.1", 7000)
    assert allowed.allows("0x7f000001", 7000)
    assert allowed.allows("dev.example", 80)
    assert not allowed.allows("dev.example", 1234)
    assert not allowed.allows("localhost", 8081)
    assert not allowed.allows("127.0.0.2", 7000)
    assert host_allowed("127.1", 7000, allowed)
    assert not host_allowed("127.1", 7001, allowed)


def test_every_outgoing_session_in_the_services_comes_from_the_guard() -> None:
    """A new HTTP client in src/ must use plecak.core.netguard.guarded_session (only `plecak` talks to its own
    services, at URLs the operator gave it, with a plain session)."""
    src = REPO / "src"
    pattern = re.compile(r"ClientSession\(|TCPConnector\(|urlopen\(|aiohttp\.request\(|http\.client")
    offenders = [
        f"{path.relative_to(src)}:{n}"
        for path in sorted(src.rglob("*.py"))
        # the guard itself, and the launcher (it talks only to its own services)
        if path.relative_to(src).as_posix() != "plecak/core/netguard.py"
        and not path.relative_to(src).as_posix().startswith("plecak/cli")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
