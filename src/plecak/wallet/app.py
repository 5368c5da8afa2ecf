"""``create_app(settings)``: the wallet service's aiohttp application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from cryptography import x509

from plecak.core.crypto.secretbox import SecretBox, load_or_create_key
from plecak.core.did import DidResolver
from plecak.core.netguard import guarded_session
from plecak.runtime.qr import add_qr_readers
from plecak.runtime.ratelimit import RateLimiter
from plecak.runtime.serve import service_app
from plecak.runtime.storage import connect
from plecak.runtime.web import problem_middleware

from .accounts import AccountService
from .app_keys import ACCOUNTS, FRAME_LIMITER, PASSKEYS, PATHWAYS, REDIS, SERVICE, SETTINGS, SHARES
from .config import Settings
from .errors import user_errors_middleware
from .middleware import csrf_middleware, session_middleware
from .net import Http
from .passkey_store import PasskeyStore
from .passkeys import PasskeyService, relying_party
from .pathways import PathwayService
from .routes import setup_routes
from .service import WalletService
from .shares import ShareService
from .store import WalletStore
from .vault import Vault

__all__ = ["REDIS", "SETTINGS", "create_app"]


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    redis = connect(settings.redis_url)
    app[REDIS] = redis
    client = guarded_session(
        settings.insecure_hosts,
        timeout=settings.http_timeout,
        headers={"User-Agent": "Plecak-Wallet/0.1"},
    )
    try:
        store = WalletStore(redis)
        kek = load_or_create_key(
            env_value=settings.wallet_key, key_file=Path(settings.data_dir) / "wallet-kek"
        )
        vault = Vault(SecretBox(kek))
        app[ACCOUNTS] = AccountService(
            store,
            vault,
            session_seconds=settings.session_seconds,
            anonymous_session_seconds=settings.anonymous_session_seconds,
            time_cost=settings.password_time_cost,
            memory_kib=settings.password_memory_kib,
            window_seconds=settings.signin_window_seconds,
            per_email=settings.signin_attempts_per_email,
            per_ip=settings.signin_attempts_per_ip,
            per_email_total=settings.signin_throttle_after,
            throttle_seconds=settings.signin_throttle_seconds,
            hash_workers=settings.hash_workers,
        )
        app[PASSKEYS] = PasskeyService(
            PasskeyStore(redis),
            app[ACCOUNTS],
            relying_party(settings.public_url),
            settings.passkey_challenge_seconds,
        )
        http = Http(client, insecure_hosts=settings.insecure_hosts, max_bytes=settings.max_fetch_bytes)
        resolver = DidResolver(insecure_hosts=settings.insecure_hosts, timeout=settings.http_timeout)
        app[SERVICE] = WalletService(
            store,
            vault,
            http,
            resolver,
            status_cache_seconds=settings.status_cache_seconds,
            backup_time_cost=settings.backup_time_cost,
            backup_memory_kib=settings.backup_memory_kib,
            verifier_trust_anchors=(
                x509.load_pem_x509_certificates(settings.verifier_trust_anchors_file.read_bytes())
                if settings.verifier_trust_anchors_file
                else ()
            ),
        )
        app[SHARES] = ShareService(store, vault)
        app[PATHWAYS] = PathwayService(app[SERVICE])
        app[FRAME_LIMITER] = RateLimiter(redis, "wallet:limit:frames:")
        yield
    finally:
        if ACCOUNTS in app:
            app[ACCOUNTS].close()
        await client.close()
        await redis.aclose()


def create_app(settings: Settings) -> web.Application:
    middlewares = [problem_middleware, session_middleware, user_errors_middleware, csrf_middleware]
    app = service_app(
        "plecak.wallet", SETTINGS, settings, settings.max_body_bytes + 1, middlewares, _resources, setup_routes
    )
    add_qr_readers(app)  # photos and camera frames: bounded queues
    return app
