"""The address of the client behind a request, for rate limits (trusting only configured proxies).

Behind a reverse proxy every request comes from the proxy's address, so a limit keyed on the TCP peer
would lump all users together (and a few bad attempts would lock everyone out). ``X-Forwarded-For``
names the real client, but anyone can send that header; it is read only when the direct peer is a
proxy the operator listed in ``PLECAK_TRUSTED_PROXIES`` (addresses or CIDR ranges, comma-separated).
The client is then the rightmost address in the header that is not itself a trusted proxy: each
trusted proxy appends the address it saw, so everything left of that hop may be forged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from aiohttp import web

__all__ = ["TrustedProxies", "client_address", "parse_trusted_proxies"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_HOPS = 32


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
    """The reverse proxies whose ``X-Forwarded-For`` is believed."""

    def __init__(self, proxies: str | Iterable[str] | None = None) -> None:
        self.networks = parse_trusted_proxies(proxies)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: Address) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)

    def client_of(self, peer: str | None, forwarded_for: Iterable[str] = ()) -> str:
        """The client address given the TCP peer and the ``X-Forwarded-For`` header values."""
        peer_ip = _address(peer or "")
        if peer_ip is None:
            return peer or "unknown"
        if not self.trusts(peer_ip):
            return str(peer_ip)
        hops = [hop for value in forwarded_for for hop in value.split(",")][-MAX_HOPS:]
        nearest: Address = peer_ip
        for hop in reversed(hops):
            ip = _address(hop)
            if ip is None:
                break  # not written by a trusted proxy: the nearest trusted hop is all we know
            if not self.trusts(ip):
                return str(ip)
            nearest = ip
        return str(nearest)


def client_address(request: web.Request, proxies: TrustedProxies) -> str:
    """The client's address for ``request``: the TCP peer, or the forwarded client behind a trusted proxy."""
    return proxies.client_of(request.remote, request.headers.getall("X-Forwarded-For", []))
