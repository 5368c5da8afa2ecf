"""Typed application state keys (kept apart so handlers need not import the app factory)."""

from __future__ import annotations

from aiohttp import web

from vc.storage import RedisClient

from .config import Settings
from .oid4vci import OfferService
from .service import IssuerService

__all__ = ["OFFERS", "REDIS", "SERVICE", "SETTINGS"]

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey[RedisClient]("redis")
SERVICE = web.AppKey("service", IssuerService)
OFFERS = web.AppKey("offers", OfferService)
