"""Fixed-window rate limits in Redis, taken atomically before the work they protect.

``await limiter.take(who, limit, window)`` counts one event for ``who`` and answers 0 when it is
within ``limit`` events per ``window`` seconds, else the seconds until the window ends. Counting and
starting the window are one Lua script, so concurrent requests cannot all pass a check made before
the count (the race a read-then-increment limit has). ``who`` is usually a client's key from
:func:`plecak.runtime.clientaddr.client_limit_key` (an IPv6 client counted by its /64 network).
"""

from __future__ import annotations

from plecak.runtime.storage import RedisClient

__all__ = ["RateLimiter"]

# INCR, start the window on the first event (Redis 6 has no EXPIRE … NX); over the limit: the TTL.
_TAKE = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return ttl
"""


class RateLimiter:
    def __init__(self, redis: RedisClient, prefix: str) -> None:
        self._prefix = prefix
        self._take = redis.register_script(_TAKE)

    async def take(self, who: str, limit: int, window: int) -> int:
        """0 if this event is allowed, else how many seconds until the window ends."""
        if limit <= 0:
            return 0  # no limit configured
        return int(await self._take(keys=[f"{self._prefix}{who}"], args=[limit, window]))
