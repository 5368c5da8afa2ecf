"""plecak.runtime.clientaddr: the client address behind a request, believing X-Forwarded-For only
from trusted proxies."""

from __future__ import annotations

import pytest

from plecak.runtime.clientaddr import TrustedProxies, parse_trusted_proxies


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
