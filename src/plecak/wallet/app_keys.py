"""Typed application state keys (kept apart so handlers need not import the app factory)."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.ratelimit import RateLimiter
from plecak.runtime.storage import RedisClient

from .accounts import AccountService
from .config import Settings
from .passkeys import PasskeyService
from .pathways import PathwayService
from .service import WalletService
from .shares import ShareService

__all__ = ["ACCOUNTS", "FRAME_LIMITER", "PASSKEYS", "PATHWAYS", "REDIS", "SERVICE", "SETTINGS", "SHARES"]

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey[RedisClient]("redis")
ACCOUNTS = web.AppKey("accounts", AccountService)
SERVICE = web.AppKey("service", WalletService)
SHARES = web.AppKey("shares", ShareService)
PATHWAYS = web.AppKey("pathways", PathwayService)
PASSKEYS = web.AppKey("passkeys", PasskeyService)
FRAME_LIMITER = web.AppKey("frame_limiter", RateLimiter)
"""Camera frames per client address (``POST /scan/frame``)."""
