"""Outgoing requests to URLs found in credentials, QR codes and links only reach the public internet.

A verifier fetches what a credential names (``statusListCredential``, a ``did:web`` document, a
shared link); a wallet fetches what a QR code names (an offer, a request object, a pathway). Anyone
can write those URLs, so without a guard a service could be made to request
``http://169.254.169.254/…`` or a service on its own private network (server-side request forgery).

Every fetcher in Plecak gets its HTTP session from :func:`guarded_session` (or its connector from
:func:`public_connector`), which enforces the rule in three places:

* before a request, :func:`host_allowed` reads the URL's host the way the OS resolver would
  (``127.1``, ``0x7f000001``, ``2130706433``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``, trailing dots,
  upper case) and refuses a literal address that is not public;
* at name resolution, :class:`PublicOnlyResolver` drops every address that is not public (so
  ``localhost`` or a name pointing at ``10.0.0.1`` is refused, and a DNS answer cannot change
  between check and connect: the resolved address is the one connected to);
* at connect time, the socket factory checks the very address a socket is about to connect to
  (the last line, which also covers IP literals that aiohttp never hands to the resolver).

Public means globally routable: not loopback, private, shared (CGN), link-local, site-local,
unspecified, multicast, broadcast, documentation or otherwise reserved, and for IPv6 forms that
embed an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64
``64:ff9b::a.b.c.d``, 6to4 ``2002:…``) the embedded address must be public too. The only exception
is the ``host:port`` pairs a deployment lists as development hosts (``PLECAK_INSECURE_HOSTS``).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Iterable, Mapping
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

__all__ = [
    "PRIVATE_ADDRESS_HINT",
    "AllowList",
    "PublicOnlyResolver",
    "guarded_session",
    "host_allowed",
    "is_public_address",
    "literal_address",
    "normalise_host",
    "public_connector",
]

PRIVATE_ADDRESS_HINT = "list it in PLECAK_INSECURE_HOSTS (host:port) for local development"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_EXTRA_V4 = (  # not global, whatever the Python version's tables say
    ipaddress.IPv4Network("0.0.0.0/8"),
    ipaddress.IPv4Network("100.64.0.0/10"),
    ipaddress.IPv4Network("192.0.0.0/24"),
    ipaddress.IPv4Network("198.18.0.0/15"),
    ipaddress.IPv4Network("240.0.0.0/4"),
)
_EXTRA_V6 = (
    ipaddress.IPv6Network("100::/64"),  # discard-only
    ipaddress.IPv6Network("2001::/23"),  # IETF protocol assignments, Teredo
    ipaddress.IPv6Network("2001:db8::/32"),  # documentation
    ipaddress.IPv6Network("3fff::/20"),  # documentation (RFC 9637)
    ipaddress.IPv6Network("5f00::/16"),  # SRv6 SIDs
    ipaddress.IPv6Network("fc00::/7"),
    ipaddress.IPv6Network("fec0::/10"),
)


def _global_unicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Global by the IANA registries, and none of the special kinds both families share."""
    return (
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_unspecified
        and not ip.is_loopback
        and not ip.is_link_local
    )


def _public_v4(ip: ipaddress.IPv4Address) -> bool:
    return _global_unicast(ip) and not any(ip in net for net in _EXTRA_V4)


def _public_v6(ip: ipaddress.IPv6Address) -> bool:
    mapped = ip.ipv4_mapped
    if mapped is not None:
        return _public_v4(mapped)
    if ip in _IPV4_COMPATIBLE or ip in _NAT64_LOCAL:
        return False  # deprecated / local-use: never a public destination
    if ip in _NAT64_WELL_KNOWN:
        return _public_v4(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in _SIX_TO_FOUR:
        embedded = ip.sixtofour
        if embedded is None or not _public_v4(embedded):
            return False
    return _global_unicast(ip) and not ip.is_site_local and not any(ip in net for net in _EXTRA_V6)


def _ipv4_number(part: str) -> int | None:
    """One part of a legacy IPv4 spelling (``inet_aton``): decimal, ``0x`` hex or ``0`` octal."""
    if not part:
        return None
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:], 16) if part[2:] else 0
        if len(part) > 1 and part[0] == "0":
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """``127.1``, ``0x7f000001``, ``2130706433``, ``0177.0.0.1`` read as ``inet_aton`` reads them."""
    parts = host.split(".")
    if len(parts) > 4 or not all(p and p.isascii() and p.isalnum() for p in parts):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def normalise_host(host: str) -> str:
    """A URL host as the resolver sees it: lower case, no brackets, no trailing dots, no zone."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.split("%", 1)[0]
    return host.rstrip(".")


def literal_address(host: str) -> IPAddress | None:
    """The IP address ``host`` spells (in any form the OS resolver accepts), or ``None`` for a name."""
    host = normalise_host(host)
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return _legacy_ipv4(host)


def is_public_address(address: str | IPAddress) -> bool:
    """True for a globally routable IP address (see the module documentation); ``False`` for a name."""
    ip = literal_address(address) if isinstance(address, str) else address
    if ip is None:
        return False
    return _public_v4(ip) if isinstance(ip, ipaddress.IPv4Address) else _public_v6(ip)


def _pair(host: str, port: int | None) -> str:
    host = normalise_host(host)
    ip = literal_address(host)
    if ip is not None:
        host = str(ip)
    return host if port is None else f"{host}:{port}"


class AllowList:
    """The development hosts that may be private: ``host:port`` (a bare host means ports 80 and 443)."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        if isinstance(entries, str):
            raise TypeError("the allow-list is an iterable of 'host:port' strings, not a string")
        pairs: set[str] = set()
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            host, sep, port = entry.rpartition(":")
            if sep and port.isdigit() and (not host.count(":") or host.endswith("]")):
                pairs.add(_pair(host, int(port)))
            else:
                pairs.update((_pair(entry, 80), _pair(entry, 443)))
        self._pairs = frozenset(pairs)
        # addresses that allowed names resolved to: the socket factory lets these through
        self._resolved: set[tuple[str, int]] = set()

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def allows(self, host: str, port: int) -> bool:
        return _pair(host, port) in self._pairs

    def remember(self, address: str, port: int) -> None:
        self._resolved.add((str(literal_address(address) or address), port))

    def allows_address(self, address: str, port: int) -> bool:
        ip = literal_address(address)
        key = str(ip) if ip is not None else address
        return (key, port) in self._resolved or self.allows(key, port)


def _as_allow_list(allowed: Iterable[str] | AllowList) -> AllowList:
    return allowed if isinstance(allowed, AllowList) else AllowList(allowed)


def host_allowed(host: str, port: int, allowed: Iterable[str] | AllowList) -> bool:
    """Whether a URL's ``host`` may be contacted before resolution.

    An address literal (any spelling) must be public or allow-listed; a name is allowed here and
    checked again when it is resolved (:class:`PublicOnlyResolver`).
    """
    ip = literal_address(host)
    if ip is None:
        return True
    return is_public_address(ip) or _as_allow_list(allowed).allows(host, port)


class PublicOnlyResolver(AbstractResolver):
    """Resolves names, keeping only public addresses unless ``host:port`` is an allowed dev host."""

    def __init__(self, allowed: Iterable[str] | AllowList = ()) -> None:
        self._inner = ThreadedResolver()
        self._allowed = _as_allow_list(allowed)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._allowed.allows(host, port):
            results = await self._inner.resolve(host, port, family)
            for result in results:
                self._allowed.remember(result["host"], result["port"])
            return results
        ip = literal_address(host)
        if ip is not None and not is_public_address(ip):
            raise OSError(errno.EACCES, f"{host} is a private or local address; {PRIVATE_ADDRESS_HINT}")
        results = await self._inner.resolve(host, port, family)
        public = [r for r in results if is_public_address(r["host"])]
        if not public:
            # errno + strerror: aiohttp shows the strerror in its connection error message
            raise OSError(errno.EACCES, f"{host} has no public address; {PRIVATE_ADDRESS_HINT}")
        return public

    async def close(self) -> None:
        await self._inner.close()


def _socket_factory(allowed: AllowList) -> Any:
    def create(addr_info: tuple[Any, ...]) -> socket.socket:
        family, type_, proto, _, address = addr_info
        host, port = str(address[0]), int(address[1])
        if not is_public_address(host) and not allowed.allows_address(host, port):
            raise OSError(errno.EACCES, f"{host} is a private or local address; {PRIVATE_ADDRESS_HINT}")
        return socket.socket(family=family, type=type_, proto=proto)

    return create


def public_connector(allowed: Iterable[str] | AllowList = (), *, limit: int = 20) -> aiohttp.TCPConnector:
    """A connector that refuses private and local addresses at resolution and at connect time."""
    allow = _as_allow_list(allowed)
    return aiohttp.TCPConnector(
        resolver=PublicOnlyResolver(allow), limit=limit, socket_factory=_socket_factory(allow)
    )


def guarded_session(
    allowed: Iterable[str] | AllowList = (),
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    limit: int = 20,
) -> aiohttp.ClientSession:
    """The one way Plecak opens an HTTP client session for URLs it did not write itself.

    Public addresses only (see the module documentation), no proxy from the environment, a total
    timeout; callers still refuse redirects or check each one with :func:`host_allowed`.
    """
    return aiohttp.ClientSession(
        connector=public_connector(allowed, limit=limit),
        timeout=aiohttp.ClientTimeout(total=timeout),
        headers=dict(headers or {}),
        trust_env=False,
    )
