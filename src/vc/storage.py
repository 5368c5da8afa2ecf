"""Redis connections and key names shared by the services.

``connect(url)`` accepts every URL that ``plecak up`` or an operator may hand over:
``redis://[:password@]host:port/db``, ``rediss://…`` and ``unix:///path/redis.sock[?db=N]``.
Values stay ``bytes`` (``decode_responses=False``): callers decode what they know is text.
"""

from __future__ import annotations

from redis.asyncio import Redis

__all__ = ["HEALTH_CHECK_INTERVAL", "Keys", "connect"]

HEALTH_CHECK_INTERVAL = 30
"""Seconds a pooled connection may sit idle before it is PINGed again before use."""


def connect(url: str, *, health_check_interval: int = HEALTH_CHECK_INTERVAL) -> Redis:
    """An asyncio Redis client for ``url``; it connects lazily, on the first command.

    Close it with ``await client.aclose()``.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("a Redis URL is required, e.g. redis://127.0.0.1:6379/0")
    return Redis.from_url(
        url.strip(),
        decode_responses=False,
        health_check_interval=health_check_interval,
        socket_connect_timeout=10,
    )


class Keys:
    """Namespaced key names: ``Keys("wallet")("user", 42)`` is ``"wallet:user:42"``."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        if not prefix or prefix.startswith(":") or prefix.endswith(":"):
            raise ValueError("a key prefix is a non-empty name without leading or trailing ':'")
        self.prefix = prefix

    def __call__(self, *parts: str | int) -> str:
        for part in parts:
            if isinstance(part, str) and not part:
                raise ValueError("key parts must not be empty")
        return ":".join([self.prefix, *(str(p) for p in parts)])

    def __repr__(self) -> str:
        return f"Keys({self.prefix!r})"
