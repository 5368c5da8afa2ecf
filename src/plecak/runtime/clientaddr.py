"""The address of the client behind a request, for rate limits (trusting only configured proxies).

Behind a reverse proxy every request comes from the proxy's address, so a limit keyed on the TCP peer
would lump all users together (and a few bad attempts would lock everyone out). ``Forwarded``
(RFC 7239: ``for=192.0.2.1``, ``for="[2001:db8::1]:4711"``) and ``X-Forwarded-For`` name the real
client, but anyone can send them; they are read only when the direct peer is a proxy the operator
listed in ``PLECAK_TRUSTED_PROXIES`` (addresses or CIDR ranges, comma-separated). The client is then
the rightmost address in the header that is not itself a trusted proxy: each trusted proxy appends
the address it saw, so everything left of that hop may be forged. A hop that names no address
(``for=unknown``, an obfuscated ``for=_hidden``, no ``for``, something unreadable) ends the walk:
the nearest trusted hop is then the client, as nothing it could check names anyone further.

``Forwarded`` is read first. Both headers are believed only when they agree: a proxy that appends
one of them usually passes the other through from the client untouched (nginx does by default),
so when both name a client and the clients differ, neither is believed and the nearest trusted
proxy (the peer) is the client. A client therefore never picks its own address by sending the
header its proxy does not write.

Rate limits count a client by :func:`limit_key`: an IPv4 address as itself, an IPv6 address by its
/64 network. One subscriber or one server is usually given a whole /64 and may use any address in
it, so counting each IPv6 address apart would give them an unlimited budget.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from aiohttp import web

__all__ = [
    "IPV6_LIMIT_PREFIX",
    "TrustedProxies",
    "client_address",
    "client_limit_key",
    "forwarded_hops",
    "limit_key",
    "parse_trusted_proxies",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_HOPS = 32
IPV6_LIMIT_PREFIX = 64
"""IPv6 clients are counted by the network of this prefix length (a /64 is what one site gets)."""


def _address(value: str) -> Address | None:
    """An address from a header or a peer: ``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``, ``::1``."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _unquote(value: str) -> str | None:
    """A parameter value: a token, or an RFC 7230 quoted string (``\\`` escapes); ``None`` if malformed."""
    if not value.startswith('"'):
        return value if value and '"' not in value else None
    if len(value) < 2 or not value.endswith('"'):
        return None
    text: list[str] = []
    escaped = False
    for char in value[1:-1]:
        if escaped:
            text.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return None
        else:
            text.append(char)
    return None if escaped else "".join(text)


def _split_outside_quotes(text: str, separator: str) -> list[str] | None:
    """``text`` split at ``separator`` where it is not inside a quoted string; ``None`` if a quote is open."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return None if quoted else parts


def _forwarded_for(element: str) -> str | None:
    """The ``for`` parameter of one ``Forwarded`` element (``for=…;proto=…``); ``None`` if absent or malformed."""
    pairs = _split_outside_quotes(element, ";")
    found: list[str | None] = []
    for pair in pairs or ():
        name, equals, value = pair.partition("=")
        if name.strip().lower() == "for" and equals:
            found.append(_unquote(value.strip()))
    return found[0] if pairs is not None and len(found) == 1 else None


def forwarded_hops(lines: Iterable[str]) -> list[str | None]:
    """The ``for`` of every element of the ``Forwarded`` header lines, left to right (``None``: unusable).

    A line with an open quote yields one unusable hop: it cannot be told where its elements end.
    """
    hops: list[str | None] = []
    for line in lines:
        elements = _split_outside_quotes(line, ",")
        if elements is None:
            hops.append(None)
            continue
        hops.extend(_forwarded_for(element) for element in elements if element.strip())
    return hops


def parse_trusted_proxies(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """``"10.0.0.1, 172.16.0.0/12, ::1"`` → the networks; ``ValueError`` naming a bad entry."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    networks = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"PLECAK_TRUSTED_PROXIES lists IP addresses or CIDR ranges, not {item!r}"
            ) from None
    return tuple(networks)


class TrustedProxies:
    """The reverse proxies whose ``Forwarded`` and ``X-Forwarded-For`` are believed."""

    def __init__(self, proxies: str | Iterable[str] | None = None) -> None:
        self.networks = parse_trusted_proxies(proxies)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: Address) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)

    def client_of(
        self, peer: str | None, forwarded_for: Iterable[str] = (), forwarded: Iterable[str] = ()
    ) -> str:
        """The client address given the TCP peer, the ``X-Forwarded-For`` and the ``Forwarded`` header lines."""
        peer_ip = _address(peer or "")
        if peer_ip is None:
            return peer or "unknown"
        if not self.trusts(peer_ip):
            return str(peer_ip)
        by_forwarded = self._walk(forwarded_hops(forwarded))
        by_x_forwarded = self._walk([hop for value in forwarded_for for hop in value.split(",")])
        if by_forwarded is not None and by_x_forwarded is not None and by_forwarded != by_x_forwarded:
            return str(peer_ip)  # one of them was passed through from the client: believe neither
        for found in (by_forwarded, by_x_forwarded):
            if found is not None:
                return str(found)
        return str(peer_ip)

    def _walk(self, hops: list[str | None]) -> Address | None:
        """The rightmost hop that is not a trusted proxy, else the nearest trusted hop read; ``None``
        when the header names no address at all (absent, or its last hop is unusable)."""
        nearest: Address | None = None
        for hop in reversed(hops[-MAX_HOPS:]):
            ip = _address(hop) if hop else None
            if ip is None:
                break  # not written by a trusted proxy, or hidden: the nearest trusted hop is all we know
            if not self.trusts(ip):
                return ip
            nearest = ip
        return nearest


def client_address(request: web.Request, proxies: TrustedProxies) -> str:
    """The client's address for ``request``: the TCP peer, or the forwarded client behind a trusted proxy."""
    headers = request.headers
    return proxies.client_of(
        request.remote, headers.getall("X-Forwarded-For", []), headers.getall("Forwarded", [])
    )


def limit_key(address: str) -> str:
    """What rate limits count ``address`` as: an IPv4 address (also IPv4-mapped IPv6) as itself, an
    IPv6 address as its /64 network (``2001:db8:1:2::/64``); anything else (``unknown``) unchanged."""
    ip = _address(address)
    if ip is None:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, IPV6_LIMIT_PREFIX), strict=False))
    return str(ip)


def client_limit_key(request: web.Request, proxies: TrustedProxies) -> str:
    """The key every per-client rate limit counts ``request`` under: :func:`limit_key` of its client."""
    return limit_key(client_address(request, proxies))
