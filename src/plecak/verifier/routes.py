"""URL map of the verifier service: the routes every service has, then those its handler modules declare
beside their handlers (``@routes.get(…)`` on :data:`.route_table.routes`)."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.serve import add_service_routes

from . import handlers, pages, request_pages, upload_pages
from .route_table import routes

__all__ = ["HANDLER_MODULES", "setup_routes"]

HANDLER_MODULES = (pages, upload_pages, request_pages, handlers)
"""Employer pages; uploads and camera frames; presentation requests; OpenID4VP (the wallet's side), the
W3C VC-API and the trust registry (admin, bearer token). Importing them fills the route table."""


def setup_routes(app: web.Application) -> None:
    add_service_routes(app, __file__, routes, health=handlers.health, set_language=pages.set_language)
