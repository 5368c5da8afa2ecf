"""Typed application state keys (kept apart so handlers need not import the app factory)."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.storage import RedisClient

from .claims import ClaimService
from .config import Settings
from .oid4vci import OfferService
from .programmes import ProgrammeService
from .sdjwt import SdJwtIssuing
from .service import IssuerService
from .shared_links import SharedLinks

__all__ = ["CLAIMS", "LINKS", "OFFERS", "PROGRAMMES", "REDIS", "SDJWT", "SERVICE", "SETTINGS"]

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey[RedisClient]("redis")
SERVICE = web.AppKey("service", IssuerService)
OFFERS = web.AppKey("offers", OfferService)
PROGRAMMES = web.AppKey("programmes", ProgrammeService)
CLAIMS = web.AppKey("claims", ClaimService)
SDJWT = web.AppKey("sdjwt", SdJwtIssuing)
LINKS = web.AppKey("links", SharedLinks)
