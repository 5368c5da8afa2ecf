"""The verifier's route table: each handler module declares its routes on it, beside the handler
(``@routes.get("/path")``); :mod:`.routes` adds it to the application."""

from __future__ import annotations

from aiohttp import web

__all__ = ["routes"]

routes = web.RouteTableDef()
