"""Typed application state keys (kept apart so handlers need not import the app factory)."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis

from .config import Settings
from .oid4vci import OfferService
from .sdjwt import SdJwtIssuing
from .service import IssuerService

__all__ = ["OFFERS", "REDIS", "SDJWT", "SERVICE", "SETTINGS"]

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
SERVICE = web.AppKey("service", IssuerService)
OFFERS = web.AppKey("offers", OfferService)
SDJWT = web.AppKey("sdjwt", SdJwtIssuing)
