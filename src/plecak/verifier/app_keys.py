"""Typed application state keys (kept apart so handlers need not import the app factory)."""

from __future__ import annotations

from aiohttp import web

from plecak.core.did import DidResolver
from plecak.runtime.ratelimit import RateLimiter
from plecak.runtime.storage import RedisClient

from .config import Settings
from .csrf import CsrfGuard
from .fetch import LinkFetcher
from .oid4vp.requests import PresentationRequests
from .sdjwt import SdJwtVerification
from .service import VerificationService
from .trust import TrustRegistry

__all__ = [
    "CSRF",
    "FRAME_LIMITER",
    "LIMITER",
    "LINKS",
    "REDIS",
    "REQUESTS",
    "RESOLVER",
    "SDJWT",
    "SETTINGS",
    "TRUST",
    "VERIFICATION",
]

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey[RedisClient]("redis")
RESOLVER = web.AppKey("resolver", DidResolver)
TRUST = web.AppKey("trust", TrustRegistry)
VERIFICATION = web.AppKey("verification", VerificationService)
REQUESTS = web.AppKey("requests", PresentationRequests)
LINKS = web.AppKey("links", LinkFetcher)
CSRF = web.AppKey("csrf", CsrfGuard)
LIMITER = web.AppKey("limiter", RateLimiter)
SDJWT = web.AppKey("sdjwt", SdJwtVerification)
FRAME_LIMITER = web.AppKey("frame_limiter", RateLimiter)
"""Camera frames per client address (``POST /scan/frame``), apart from the checks' limit."""
