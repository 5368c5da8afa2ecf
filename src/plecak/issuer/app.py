"""``create_app(settings)``: the issuer service's aiohttp application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from plecak.core.crypto.secretbox import SecretBox, load_or_create_key
from plecak.core.did import did_web_from_url
from plecak.runtime.ratelimit import RateLimiter
from plecak.runtime.serve import service_app
from plecak.runtime.storage import connect
from plecak.runtime.web import bearer_auth_middleware, problem_middleware

from .app_keys import CERTIFICATE_CLAIMS, LINKS, OFFERS, PATHWAYS, REDIS, SDJWT, SERVICE, SETTINGS
from .certificate_claims import CertificateClaimService
from .config import Settings
from .demo import seed_demo
from .errors import domain_errors_middleware
from .i18n import setup_i18n
from .limits import LIMITER, client_limit_middleware
from .oid4vci.offers import OfferService
from .pathways import PathwayService
from .pathways_store import PathwayStore
from .routes import setup_routes
from .sdjwt import SdJwtIssuing
from .service import IssuerService, email_index_key
from .shared_links import SharedLinks
from .signing import load_or_create_keys
from .store import IssuerStore

__all__ = ["REDIS", "SERVICE", "SETTINGS", "create_app"]

_ADMIN_PATHS = ("/credentials/issue", "/credentials/status")


def _is_admin(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path in _ADMIN_PATHS


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    redis = connect(settings.redis_url)
    app[REDIS] = redis
    app[LIMITER] = RateLimiter(redis, "issuer:limit:")
    try:
        store = IssuerStore(redis)
        kek = load_or_create_key(
            env_value=settings.key_encryption_key, key_file=Path(settings.data_dir) / "issuer-kek"
        )
        did = did_web_from_url(settings.public_url) if settings.did_method == "web" else None
        box = SecretBox(kek)
        keys = await load_or_create_keys(store, box, did)
        service = IssuerService(
            store,
            keys,
            public_url=settings.public_url,
            list_length=settings.status_list_length,
            email_key=email_index_key(kek),
            box=box,
        )
        app[SERVICE] = service
        app[LINKS] = SharedLinks(redis)
        sdjwt = SdJwtIssuing(service, hosted_vct=settings.sdjwt_vct == "hosted")
        app[SDJWT] = sdjwt
        app[OFFERS] = OfferService(service, redis, wallet_url=settings.wallet_url, sdjwt=sdjwt)
        pathways = PathwayService(service, PathwayStore(redis))
        app[PATHWAYS] = pathways
        app[CERTIFICATE_CLAIMS] = CertificateClaimService(service, pathways, insecure_hosts=settings.insecure_hosts)
        if settings.seed_demo:
            await seed_demo(service)
        yield
        await app[CERTIFICATE_CLAIMS].close()
    finally:
        await redis.aclose()


def create_app(settings: Settings) -> web.Application:
    admin = bearer_auth_middleware(settings.admin_token, _is_admin)
    middlewares = [problem_middleware, client_limit_middleware, domain_errors_middleware, admin]
    app = service_app(
        "plecak.issuer", SETTINGS, settings, settings.max_body_bytes + 1, middlewares, _resources, setup_routes
    )
    setup_i18n(app)
    return app
