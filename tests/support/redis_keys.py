"""Redis helpers for tests that look at keys directly (single server or cluster alike)."""

from __future__ import annotations

from typing import cast

from plecak.runtime.storage import RedisClient

__all__ = ["keys_matching", "stored_hash", "stored_value"]


async def keys_matching(client: RedisClient, pattern: str) -> list[bytes]:
    """Every key matching ``pattern`` on every master (SCAN; KEYS asks only one cluster node)."""
    return [key async for key in client.scan_iter(match=pattern)]


async def stored_value(client: RedisClient, key: str | bytes) -> bytes:
    """The string value at ``key``, which must exist (the test clients return bytes, not text)."""
    value = await client.get(key)
    assert isinstance(value, bytes), f"{key!r}: {value!r}"
    return value


async def stored_hash(client: RedisClient, key: str | bytes) -> dict[bytes, bytes]:
    """The fields and values of the hash at ``key`` (empty if there is none), as bytes."""
    fields = await client.hgetall(key)
    assert all(isinstance(k, bytes) and isinstance(v, bytes) for k, v in fields.items()), repr(key)
    return cast(dict[bytes, bytes], fields)
