"""Loopback ports held from the moment they are chosen, never picked and released.

A service's settings name its own public URL (did:web, links, OpenID4VCI metadata), and the other
services are configured with it, so the port must be known before the app exists. Picking a free
port, closing it and binding it again later leaves a gap in which another process (a parallel test
run, a service of the machine) can take it. :class:`Listener` instead binds port 0 at once, so the
kernel chooses the port, keeps that socket, and the test server is started on the very same socket.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from socket import AddressFamily
from socket import socket as Socket
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


class Listener:
    """A TCP socket bound to ``host`` on a port the kernel chose, kept until a server listens on it."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, 0))
        self.port: int = self._socket.getsockname()[1]

    @property
    def socket(self) -> socket.socket:
        """The bound socket, for a server other than aiohttp's TestServer (``web.SockSite``)."""
        return self._socket

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.netloc}"

    def server(self, app: web.Application, **kwargs: Any) -> TestServer:
        """A test server for ``app`` that will listen on this socket (start it, or hand it to
        ``aiohttp_client``, which starts and closes it)."""
        return TestServer(app, host=self.host, port=self.port, socket_factory=self._take, **kwargs)

    # `socket` in this class body is the property above, so the annotations name the types directly.
    def _take(self, host: str, port: int, family: AddressFamily) -> Socket:
        assert (host, port) == (self.host, self.port)
        return self._socket

    def close(self) -> None:
        """Release the port (only needed when no server was started on it)."""
        self._socket.close()


@contextmanager
def refused_port(host: str = "127.0.0.1") -> Iterator[int]:
    """A loopback port that refuses connections for as long as the block runs: bound, so no other
    process can take it, but never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        yield int(sock.getsockname()[1])


def ports_for_children(n: int) -> list[int]:
    """``n`` free ports for services that a test starts as child processes (``plecak up``), which
    bind the ports given on their command line: neither port 0 nor a held socket can be handed to
    them. The ports come from below the kernel's ephemeral range (32768 and up on Linux), so no
    outgoing connection of this or another process is given one of them between the check here
    and the child's bind; a random start keeps concurrent runs apart."""
    import random

    found: list[int] = []
    start = random.randrange(20000, 32000 - 200)  # spreads runs apart; not a secret
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == n:
            return found
    raise RuntimeError(f"no {n} free ports between {start} and {start + 200}")
