"""``GET /health`` of every service: 200 while its Redis answers, 503 (problem details) when not."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler
from redis.exceptions import RedisError

from plecak.runtime.storage import RedisClient
from plecak.runtime.web import json_response, raise_problem

__all__ = ["redis_health"]


def redis_health(service: str, redis: web.AppKey[RedisClient]) -> Handler:
    """The health handler of ``service``, whose Redis client is ``app[redis]``."""

    async def health(request: web.Request) -> web.StreamResponse:
        try:
            await request.app[redis].ping()
        except (RedisError, OSError):
            raise_problem(503, "Storage unavailable", f"The {service}'s Redis does not answer.")
        return json_response({"status": "ok", "service": service})

    return health
