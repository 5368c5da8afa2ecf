"""Typed application state keys (kept apart so handlers need not import the app factory)."""

from __future__ import annotations

from aiohttp import web

from plecak.runtime.storage import RedisClient

from .certificate_claims import CertificateClaimService
from .config import Settings
from .oid4vci.offers import OfferService
from .pathways import PathwayService
from .sdjwt import SdJwtIssuing
from .service import IssuerService
from .shared_links import SharedLinks

__all__ = ["CERTIFICATE_CLAIMS", "LINKS", "OFFERS", "PATHWAYS", "REDIS", "SDJWT", "SERVICE", "SETTINGS"]

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey[RedisClient]("redis")
SERVICE = web.AppKey("service", IssuerService)
OFFERS = web.AppKey("offers", OfferService)
PATHWAYS = web.AppKey("pathways", PathwayService)
CERTIFICATE_CLAIMS = web.AppKey("certificate_claims", CertificateClaimService)
SDJWT = web.AppKey("sdjwt", SdJwtIssuing)
LINKS = web.AppKey("links", SharedLinks)
