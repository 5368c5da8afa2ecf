"""``create_app(settings)``: the verifier service's aiohttp application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from plecak.core.did import DidResolver
from plecak.core.status.client import StatusListClient
from plecak.runtime.qr import add_qr_readers
from plecak.runtime.ratelimit import RateLimiter
from plecak.runtime.serve import service_app
from plecak.runtime.storage import connect
from plecak.runtime.web import bearer_auth_middleware, problem_middleware

from .app_keys import (
    CSRF,
    FRAME_LIMITER,
    LIMITER,
    LINKS,
    REDIS,
    REQUESTS,
    RESOLVER,
    SDJWT,
    SETTINGS,
    TRUST,
    VERIFICATION,
)
from .config import Settings
from .csrf import CsrfGuard
from .errors import domain_errors_middleware, page_errors_middleware
from .fetch import LinkFetcher
from .i18n import language_middleware
from .oid4vp.identity import load_identity
from .oid4vp.requests import PresentationRequests
from .routes import setup_routes
from .sdjwt import SdJwtVerification
from .service import VerificationService
from .store import VerifierStore
from .trust import TrustRegistry, read_seed_file

__all__ = ["REDIS", "SETTINGS", "create_app"]

_log = logging.getLogger(__name__)


def _is_admin(request: web.Request) -> bool:
    return request.path.startswith("/api/")


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    seed = read_seed_file(settings.trusted_issuers_file) if settings.trusted_issuers_file else None
    identity = load_identity(settings)
    redis = connect(settings.redis_url)
    app[REDIS] = redis
    status_lists = StatusListClient(
        insecure_hosts=settings.insecure_hosts,
        timeout=settings.fetch_timeout,
        max_ttl=settings.status_cache_seconds,
    )
    links = LinkFetcher(
        insecure_hosts=settings.insecure_hosts,
        timeout=settings.fetch_timeout,
        max_bytes=settings.max_body_bytes,
        max_depth=settings.max_json_depth,
    )
    app[LINKS] = links
    try:
        store = VerifierStore(redis)
        trust = TrustRegistry(store)
        if seed:
            await trust.seed(seed)
            _log.info("trust registry: %d issuer(s) from %s", len(seed), settings.trusted_issuers_file)
        resolver = DidResolver(insecure_hosts=settings.insecure_hosts, timeout=settings.fetch_timeout)
        verification = VerificationService(
            store,
            resolver,
            status_lists.fetch,
            trust,
            result_seconds=settings.result_seconds,
            challenge_seconds=settings.challenge_seconds,
            url_issuers=settings.url_issuers,
        )
        app[RESOLVER] = resolver
        app[TRUST] = trust
        app[VERIFICATION] = verification
        sd_jwt = SdJwtVerification(verification, links)
        app[SDJWT] = sd_jwt
        app[REQUESTS] = PresentationRequests(
            store,
            verification,
            public_url=settings.public_url,
            seconds=settings.request_seconds,
            identity=identity,
            response_mode=settings.oid4vp_response_mode,
            sd_jwt=sd_jwt,
            trust=trust,
            insecure_hosts=settings.insecure_hosts,
        )
        app[CSRF] = CsrfGuard(await store.csrf_key(), secure=settings.secure_cookies)
        app[LIMITER] = RateLimiter(redis, "verifier:limit:checks:")
        app[FRAME_LIMITER] = RateLimiter(redis, "verifier:limit:frames:")
        yield
    finally:
        await links.close()
        await status_lists.close()
        await redis.aclose()


def create_app(settings: Settings) -> web.Application:
    admin = bearer_auth_middleware(settings.admin_token, _is_admin)
    middlewares = [language_middleware, problem_middleware, page_errors_middleware, domain_errors_middleware, admin]
    app = service_app(
        "plecak.verifier", SETTINGS, settings, settings.max_form_bytes, middlewares, _resources, setup_routes
    )
    add_qr_readers(app)  # photos and camera frames: bounded queues
    return app
