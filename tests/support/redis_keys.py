"""Redis helpers for tests that look at keys directly (single server or cluster alike)."""

from __future__ import annotations

from plecak.runtime.storage import RedisClient

__all__ = ["keys_matching"]


async def keys_matching(client: RedisClient, pattern: str) -> list[bytes]:
    """Every key matching ``pattern`` on every master (SCAN; KEYS asks only one cluster node)."""
    return [key async for key in client.scan_iter(match=pattern)]
