"""Outgoing requests to URLs found in credentials only reach the public internet.

A verifier fetches what a credential names (``statusListCredential``, a ``did:web`` document, a
shared link). Anyone can sign a credential, so without a guard a verifier could be made to
request ``http://169.254.169.254/…`` or a service on its own private network (server-side
request forgery). Every fetcher in Plecak connects through :func:`public_connector` and checks
IP-literal hosts with :func:`host_allowed`: only globally routable addresses, except the
``host:port`` pairs a deployment lists as development hosts (``PLECAK_INSECURE_HOSTS``).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Iterable

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

__all__ = [
    "PRIVATE_ADDRESS_HINT",
    "PublicOnlyResolver",
    "host_allowed",
    "is_public_address",
    "public_connector",
]

PRIVATE_ADDRESS_HINT = "list it in PLECAK_INSECURE_HOSTS (host:port) for local development"


def is_public_address(address: str) -> bool:
    """True for a globally routable IP address (not private, loopback, link-local, reserved…)."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


def _allowed_pair(host: str, port: int, allowed: frozenset[str]) -> bool:
    host = host.lower().strip("[]")
    return f"{host}:{port}" in allowed or host in allowed


def host_allowed(host: str, port: int, allowed: frozenset[str]) -> bool:
    """Whether an IP-literal ``host`` may be contacted (a host name is checked at resolution)."""
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal.split("%", 1)[0])
    except ValueError:
        return True  # a name: PublicOnlyResolver checks the addresses it resolves to
    return _allowed_pair(host, port, allowed) or is_public_address(literal)


class PublicOnlyResolver(AbstractResolver):
    """Resolves names, keeping only public addresses unless ``host:port`` is an allowed dev host."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._inner = ThreadedResolver()
        self._allowed = frozenset(h.lower() for h in allowed)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if _allowed_pair(host, port, self._allowed):
            return results
        public = [r for r in results if is_public_address(r["host"])]
        if not public:
            # errno + strerror: aiohttp shows the strerror in its connection error message
            raise OSError(errno.EACCES, f"{host} has no public address; {PRIVATE_ADDRESS_HINT}")
        return public

    async def close(self) -> None:
        await self._inner.close()


def public_connector(allowed: Iterable[str] = (), *, limit: int = 20) -> aiohttp.TCPConnector:
    """A connector whose name resolution refuses private and local addresses."""
    return aiohttp.TCPConnector(resolver=PublicOnlyResolver(allowed), limit=limit)
