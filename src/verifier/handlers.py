"""HTTP handlers of the verifier service (a skeleton: the verifier itself comes later)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from redis.exceptions import RedisError

from vc.web import json_response, raise_problem

from .app_keys import REDIS, SETTINGS

__all__ = ["health", "home"]


@aiohttp_jinja2.template("home.html")
async def home(request: web.Request) -> dict[str, Any]:
    return {"public_url": request.app[SETTINGS].public_url}


async def health(request: web.Request) -> web.Response:
    try:
        await request.app[REDIS].ping()
    except (RedisError, OSError) as exc:
        raise_problem(503, "Storage unavailable", f"Redis does not answer: {exc}")
    return json_response({"status": "ok", "service": "verifier"})
