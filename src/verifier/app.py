"""``create_app(settings)``: the verifier service's aiohttp application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp_jinja2
import jinja2
from aiohttp import web

from vc.storage import connect
from vc.web import problem_middleware, security_headers_middleware

from .app_keys import REDIS, SETTINGS
from .config import Settings
from .routes import setup_routes

__all__ = ["REDIS", "SETTINGS", "create_app"]


async def _redis(app: web.Application) -> AsyncIterator[None]:
    client = connect(app[SETTINGS].redis_url)
    app[REDIS] = client
    try:
        yield
    finally:
        await client.aclose()


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[security_headers_middleware, problem_middleware])
    app[SETTINGS] = settings
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("verifier", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
    )
    app.cleanup_ctx.append(_redis)
    setup_routes(app)
    return app
