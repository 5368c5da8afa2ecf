"""Wallet settings, read once from the environment (the contract ``plecak up`` fulfils)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from plecak.core.status.client import DEFAULT_CACHE_SECONDS, cache_seconds
from plecak.runtime.clientaddr import TrustedProxies
from plecak.runtime.settings import Environment, service_basics

__all__ = ["DEFAULT_PORT", "Settings"]

DEFAULT_PORT = 8002


def _http_hosts(*urls: str | None) -> frozenset[str]:
    """``host:port`` of the configured sibling services that are plain http (local development)."""
    hosts = set()
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme == "http" and parts.hostname:
            hosts.add(f"{parts.hostname}:{parts.port or 80}")
    return frozenset(hosts)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    public_url: str = f"http://127.0.0.1:{DEFAULT_PORT}"
    redis_url: str = "redis://127.0.0.1:6379/0"
    data_dir: Path = Path("data")
    issuer_url: str | None = None
    verifier_url: str | None = None
    insecure_hosts: frozenset[str] = field(default_factory=frozenset)
    """``host:port`` pairs the wallet may reach over plain http (local development only)."""
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)
    """``PLECAK_TRUSTED_PROXIES``: reverse proxies whose ``Forwarded`` or ``X-Forwarded-For`` names the client."""
    verifier_trust_anchors_file: Path | None = None
    """``PLECAK_VERIFIER_TRUST_ANCHORS``: PEM certificates of the authorities whose verifier certificates
    (OpenID4VP ``x509_san_dns``) the wallet shows as verified; others are shown as unverified."""
    wallet_key: str | None = None
    """``PLECAK_WALLET_KEY``: base64url 32-byte key sealing holder keys and credentials at rest."""
    session_seconds: int = 14 * 86400
    anonymous_session_seconds: int = 2 * 3600
    password_time_cost: int = 3
    password_memory_kib: int = 64 * 1024
    signin_window_seconds: int = 15 * 60
    signin_attempts_per_email: int = 5
    signin_attempts_per_ip: int = 30
    signin_throttle_after: int = 50
    """Failures for one e-mail address (from any client) after which its attempts are slowed."""
    signin_throttle_seconds: float = 5.0
    """Then at most one attempt for that e-mail address is checked per this many seconds."""
    scan_frames_per_minute: int = 240
    """Camera frames one client address may send to ``POST /scan/frame`` per minute
    (``PLECAK_SCAN_FRAMES_PER_MINUTE``, 0 = no limit); a scanning page sends about 90."""
    hash_workers: int = 2
    """Threads hashing passwords (each hash holds ``password_memory_kib`` while it runs)."""
    passkey_challenge_seconds: int = 180
    """How long a WebAuthn challenge waits for the browser's answer (used once either way)."""
    status_cache_seconds: int = DEFAULT_CACHE_SECONDS
    """How long a status list (and a credential's status) is reused before it is fetched again
    (``PLECAK_STATUS_CACHE_SECONDS``; 0: every time)."""
    backup_time_cost: int = 3
    backup_memory_kib: int = 64 * 1024
    http_timeout: float = 10.0
    max_fetch_bytes: int = 2_000_000
    max_body_bytes: int = 5_000_000

    @property
    def secure_cookies(self) -> bool:
        """Cookies get ``Secure`` (and the ``__Host-`` prefix) when the public URL is https."""
        return self.public_url.startswith("https://")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """``PLECAK_HOST``, ``PLECAK_PORT``, ``PLECAK_WALLET_URL``, ``PLECAK_ISSUER_URL``,
        ``PLECAK_VERIFIER_URL``, ``PLECAK_INSECURE_HOSTS``, ``PLECAK_WALLET_KEY``, ``REDIS_URL``,
        ``PLECAK_DATA_DIR``, ``PLECAK_TRUSTED_PROXIES``, ``PLECAK_SCAN_FRAMES_PER_MINUTE``.

        Without ``PLECAK_INSECURE_HOSTS`` the hosts of an http ``PLECAK_ISSUER_URL`` and
        ``PLECAK_VERIFIER_URL`` are allowed over http (what ``plecak up`` runs); set it to an
        empty string to allow none.
        """
        e = Environment(env)
        basics = service_basics(e, url_variable="PLECAK_WALLET_URL", default_port=DEFAULT_PORT)
        issuer_url = e.url("PLECAK_ISSUER_URL")
        verifier_url = e.url("PLECAK_VERIFIER_URL")
        # Unset: the http issuer and verifier this wallet was configured with (local set-ups).
        insecure_hosts = (
            e.host_ports("PLECAK_INSECURE_HOSTS")
            if e.raw("PLECAK_INSECURE_HOSTS") is not None
            else _http_hosts(issuer_url, verifier_url)
        )
        return cls(
            host=basics.host,
            port=basics.port,
            public_url=basics.public_url,
            redis_url=basics.redis_url,
            data_dir=basics.data_dir,
            issuer_url=issuer_url,
            verifier_url=verifier_url,
            insecure_hosts=insecure_hosts,
            wallet_key=e.optional("PLECAK_WALLET_KEY"),
            trusted_proxies=TrustedProxies(e.optional("PLECAK_TRUSTED_PROXIES")),
            scan_frames_per_minute=e.integer("PLECAK_SCAN_FRAMES_PER_MINUTE", 240, minimum=0),
            status_cache_seconds=cache_seconds(e.mapping, "PLECAK_STATUS_CACHE_SECONDS"),
            verifier_trust_anchors_file=e.path("PLECAK_VERIFIER_TRUST_ANCHORS"),
        )
