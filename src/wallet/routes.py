"""URL map of the wallet service."""

from __future__ import annotations

from aiohttp import web

from . import handlers

__all__ = ["setup_routes"]


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/", handlers.home)
    r.add_get("/health", handlers.health)
