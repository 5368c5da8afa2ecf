"""plecak.runtime.clientaddr: the client address behind a request, believing X-Forwarded-For only
from trusted proxies."""

from __future__ import annotations

import pytest

from plecak.runtime.clientaddr import TrustedProxies, limit_key, parse_trusted_proxies


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    proxies = TrustedProxies()
    assert proxies.client_of("10.0.0.5", ["203.0.113.9"]) == "10.0.0.5"
    assert proxies.client_of("::ffff:192.0.2.1", []) == "192.0.2.1"


def test_a_trusted_proxy_names_the_client_in_the_rightmost_untrusted_hop() -> None:
    proxies = TrustedProxies("10.0.0.0/8, 2001:db8::1")
    # the client forged the first entry; the proxy appended the address it really saw
    assert proxies.client_of("10.0.0.5", ["1.2.3.4, 203.0.113.9"]) == "203.0.113.9"
    # two trusted proxies in a row, the header split over two lines
    assert proxies.client_of("10.0.0.5", ["203.0.113.9", "10.1.1.1"]) == "203.0.113.9"
    assert proxies.client_of("2001:db8::1", ["[2001:db8:1::7]:4711"]) == "2001:db8:1::7"
    assert proxies.client_of("10.0.0.5", ["198.51.100.1:5555"]) == "198.51.100.1"


def test_an_untrusted_peer_cannot_pose_as_a_proxy() -> None:
    proxies = TrustedProxies("10.0.0.0/8")
    assert proxies.client_of("203.0.113.9", ["10.0.0.7"]) == "203.0.113.9"


def test_without_a_usable_header_the_nearest_trusted_hop_is_the_client() -> None:
    proxies = TrustedProxies("10.0.0.0/8")
    assert proxies.client_of("10.0.0.5", []) == "10.0.0.5"
    assert proxies.client_of("10.0.0.5", ["garbage, 10.0.0.6"]) == "10.0.0.6"
    assert proxies.client_of("10.0.0.5", ["10.0.0.6, 10.0.0.7"]) == "10.0.0.6"


def test_trusted_proxies_setting_refuses_what_is_not_an_address_or_range() -> None:
    assert [str(n) for n in parse_trusted_proxies("127.0.0.1, 172.16.0.0/12 ,::1")] == [
        "127.0.0.1/32",
        "172.16.0.0/12",
        "::1/128",
    ]
    with pytest.raises(ValueError, match=r"proxy\.example"):
        parse_trusted_proxies("127.0.0.1, proxy.example")


# -- RFC 7239 Forwarded ---------------------------------------------------------------------------
FORWARDED_CASES = [
    # (peer, Forwarded header lines, the client), behind proxies 10.0.0.0/8 and 2001:db8::1
    pytest.param("10.0.0.5", ["for=203.0.113.9;proto=https"], "203.0.113.9", id="token"),
    pytest.param("10.0.0.5", ['For="203.0.113.9:4711"'], "203.0.113.9", id="quoted-with-port"),
    pytest.param("2001:db8::1", ['for="[2001:db8:1::7]:4711"'], "2001:db8:1::7", id="ipv6-with-port"),
    pytest.param("10.0.0.5", ['for="[2001:db8:1::7]"'], "2001:db8:1::7", id="ipv6"),
    pytest.param("10.0.0.5", ['proto=https;for="[::ffff:192.0.2.1]:_p"'], "192.0.2.1", id="mapped-hidden-port"),
    # the client forged the first element; the proxy appended the one it saw
    pytest.param("10.0.0.5", ["for=1.2.3.4, for=203.0.113.9"], "203.0.113.9", id="forged-left"),
    pytest.param("10.0.0.5", ["for=203.0.113.9", 'for="10.1.1.1"'], "203.0.113.9", id="two-proxies-two-lines"),
    # a quoted comma or semicolon does not split an element
    pytest.param("10.0.0.5", ['for="1.2.3.4, for=5.6.7.8;x", for=198.51.100.1'], "198.51.100.1", id="quoted-comma"),
    # a hidden or unknown client: the nearest trusted hop; nothing left of it is believed
    pytest.param("10.0.0.5", ["for=unknown"], "10.0.0.5", id="unknown"),
    pytest.param("10.0.0.5", ["for=_hidden"], "10.0.0.5", id="obfuscated"),
    pytest.param("10.0.0.5", ['for="_hidden:_port"'], "10.0.0.5", id="obfuscated-port"),
    pytest.param("10.0.0.5", ["for=203.0.113.9, for=_gw, for=10.0.0.6"], "10.0.0.6", id="left-of-hidden"),
    pytest.param("10.0.0.5", ["for=203.0.113.9, for=unknown"], "10.0.0.5", id="left-of-unknown"),
]


@pytest.mark.parametrize(("peer", "lines", "client"), FORWARDED_CASES)
def test_forwarded_from_a_trusted_proxy_names_the_rightmost_untrusted_hop(
    peer: str, lines: list[str], client: str
) -> None:
    proxies = TrustedProxies("10.0.0.0/8, 2001:db8::1")
    assert proxies.client_of(peer, forwarded=lines) == client


@pytest.mark.parametrize(
    "header",
    [
        'for="203.0.113.9',  # unterminated quote
        "for=203.0.113.9;for=198.51.100.1",  # a parameter twice in one element
        "proto=https",  # no for
        "for=",
        'for="\\"',  # an escape eating the closing quote
        "for=203.0.113.9\x7f",
        ";;,,;",
        "=203.0.113.9",
        'for="[203.0.113.9"',
        "for=[::1",
        "x" * 8000,
    ],
)
def test_a_malformed_forwarded_header_names_no_client(header: str) -> None:
    proxies = TrustedProxies("10.0.0.0/8")
    assert proxies.client_of("10.0.0.5", forwarded=[header]) == "10.0.0.5"


def test_an_untrusted_peer_cannot_name_itself_with_forwarded() -> None:
    proxies = TrustedProxies("10.0.0.0/8")
    assert proxies.client_of("203.0.113.9", ["10.0.0.8"], ["for=10.0.0.7"]) == "203.0.113.9"
    assert TrustedProxies().client_of("203.0.113.9", forwarded=["for=198.51.100.1"]) == "203.0.113.9"


def test_forwarded_is_read_first_and_both_headers_must_agree() -> None:
    proxies = TrustedProxies("10.0.0.0/8")
    # a proxy that writes both: they agree
    assert proxies.client_of("10.0.0.5", ["203.0.113.9"], ["for=203.0.113.9"]) == "203.0.113.9"
    # Forwarded without a client address leaves X-Forwarded-For to name it
    assert proxies.client_of("10.0.0.5", ["203.0.113.9"], ["proto=https"]) == "203.0.113.9"
    assert proxies.client_of("10.0.0.5", ["203.0.113.9"], ["for=unknown"]) == "203.0.113.9"
    assert proxies.client_of("10.0.0.5", ["garbage"], ["for=203.0.113.9"]) == "203.0.113.9"
    # the proxy appends one header and passes the client's other one through: neither is believed
    assert proxies.client_of("10.0.0.5", ["203.0.113.9"], ["for=198.51.100.1"]) == "10.0.0.5"
    assert proxies.client_of("10.0.0.5", ["198.51.100.1"], ["for=203.0.113.9"]) == "10.0.0.5"


def test_rate_limits_count_an_ipv6_client_by_its_64_network_and_ipv4_by_its_address() -> None:
    assert limit_key("2001:db8:1:2::7") == limit_key("2001:db8:1:2:ffff:ffff:ffff:1") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::7") == "2001:db8:1:3::/64"  # the next /64 is someone else
    assert limit_key("[2001:db8:1:2::9]:4711") == "2001:db8:1:2::/64"
    assert limit_key("::ffff:192.0.2.1") == limit_key("192.0.2.1") == "192.0.2.1"
    assert limit_key("192.0.2.2") != limit_key("192.0.2.1")
    assert limit_key("unknown") == "unknown"
