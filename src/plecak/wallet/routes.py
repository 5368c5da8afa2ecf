"""URL map of the wallet service: the routes every service has, then those its handler modules declare
beside their handlers (``@routes.get(…)`` on :data:`.route_table.routes`)."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.serve import add_service_routes

from . import (
    account_handlers,
    backup_handlers,
    europass,
    handlers,
    passkey_handlers,
    pathway_handlers,
    present_handlers,
    scan_handlers,
    share_handlers,
    travel_handlers,
)
from .route_table import routes

__all__ = ["HANDLER_MODULES", "setup_routes"]

HANDLER_MODULES = (
    handlers,  # home, keep, add, receive, the holder API and the installable app (PWA)
    account_handlers,
    passkey_handlers,  # WebAuthn: the account page and the ceremonies' JSON endpoints
    travel_handlers,  # a PDF with a verification QR code, an entry on LinkedIn
    europass,  # an unsealed ELM copy (no share link)
    scan_handlers,
    share_handlers,
    present_handlers,  # OpenID4VP
    pathway_handlers,  # pathways the learner follows, and claiming their certificates
    backup_handlers,
)
"""Importing them fills the route table."""


def setup_routes(app: web.Application) -> None:
    add_service_routes(app, __file__, routes, health=handlers.health, set_language=handlers.set_language)
