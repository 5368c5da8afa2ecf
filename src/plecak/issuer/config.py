"""Issuer settings, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from plecak.core.status.client import DEFAULT_CACHE_SECONDS, cache_seconds
from plecak.runtime.clientaddr import TrustedProxies
from plecak.runtime.settings import Environment, service_basics

__all__ = ["MAX_SHARED_LINK_DAYS", "Settings"]

MAX_SHARED_LINK_DAYS = 3650


@dataclass(frozen=True)
class Settings:
    redis_url: str
    admin_token: str
    public_url: str = "http://127.0.0.1:8001"
    host: str = "127.0.0.1"
    port: int = 8001
    data_dir: Path = Path("data")
    key_encryption_key: str | None = None
    did_method: str = "web"
    status_list_length: int = 131072
    max_body_bytes: int = 1_000_000
    max_json_depth: int = 64
    seed_demo: bool = False
    status_list_max_age: int = DEFAULT_CACHE_SECONDS
    """``Cache-Control: max-age`` of the status lists (``PLECAK_STATUS_LIST_MAX_AGE``): how long
    others may use a copy before revalidating it with its ETag; a revocation shows after this long."""
    wallet_url: str | None = None
    verifier_url: str | None = None
    """The verifier whose page a PDF's QR code opens on the credential's verification link
    (``PLECAK_VERIFIER_URL``); unset, the QR code holds the link itself."""
    shared_link_days: int = 90
    """How long a verification link made for a PDF works unless the registrar picks another number of
    days (``PLECAK_SHARED_LINK_DAYS``, 1 to :data:`MAX_SHARED_LINK_DAYS`)."""
    #: ``vct`` of SD-JWT VCs: "hosted" (the default: this issuer's own URL,
    #: ``{public_url}/vct/micro-credential/v1``, where the type metadata is served: the vct resolves)
    #: or "shared" (the common, not resolvable type name ``https://w3id.org/plecak/vct/…``)
    sdjwt_vct: str = "hosted"
    #: host:port pairs whose did:web and status lists may be fetched over http (development, tests)
    insecure_hosts: frozenset[str] = field(default_factory=frozenset)
    issuer_per_client: int = 120
    """Requests to the credential endpoints (OpenID4VCI offer, token, nonce, credential; certificate
    claims of pathways) one client address may make per minute (``PLECAK_ISSUER_PER_CLIENT``, 0 = no limit);
    public reads (did.json, status lists, metadata) are limited to ten times as many."""
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)
    """``PLECAK_TRUSTED_PROXIES``: reverse proxies whose ``Forwarded`` or ``X-Forwarded-For`` names the client."""

    def __post_init__(self) -> None:
        if len(self.admin_token) < 16:
            raise ValueError("the admin token must be at least 16 characters")
        if self.did_method not in ("web", "key"):
            raise ValueError("PLECAK_ISSUER_DID_METHOD must be 'web' or 'key'")
        if not 0 <= self.status_list_max_age <= 86400:
            raise ValueError("PLECAK_STATUS_LIST_MAX_AGE is 0 to 86400 seconds")
        if self.sdjwt_vct not in ("shared", "hosted"):
            raise ValueError("PLECAK_SDJWT_VCT must be 'shared' or 'hosted'")
        if not 1 <= self.shared_link_days <= MAX_SHARED_LINK_DAYS:
            raise ValueError(f"PLECAK_SHARED_LINK_DAYS is 1 to {MAX_SHARED_LINK_DAYS} days")
        if self.status_list_length < 131072 or self.status_list_length % 8:
            raise ValueError("status lists hold at least 131072 entries, in whole bytes")
        if self.issuer_per_client < 0:
            raise ValueError("PLECAK_ISSUER_PER_CLIENT must not be negative")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """``PLECAK_HOST``, ``PLECAK_PORT``, ``PLECAK_ISSUER_URL``, ``PLECAK_DATA_DIR``, ``REDIS_URL``,
        ``PLECAK_ADMIN_TOKEN`` (else ``DATA/admin-token``), ``PLECAK_KEY_ENCRYPTION_KEY``,
        ``PLECAK_ISSUER_DID_METHOD``, ``PLECAK_STATUS_LIST_LENGTH``, ``PLECAK_SEED_DEMO``,
        ``PLECAK_STATUS_LIST_MAX_AGE``, ``PLECAK_WALLET_URL``, ``PLECAK_VERIFIER_URL``, ``PLECAK_SHARED_LINK_DAYS``,
        ``PLECAK_INSECURE_HOSTS``, ``PLECAK_SDJWT_VCT``, ``PLECAK_ISSUER_PER_CLIENT``, ``PLECAK_TRUSTED_PROXIES``
        (read by :mod:`plecak.runtime.settings`)."""
        e = Environment(env)
        basics = service_basics(e, url_variable="PLECAK_ISSUER_URL", default_port=8001)
        return cls(
            redis_url=basics.redis_url,
            admin_token=e.secret("PLECAK_ADMIN_TOKEN", file=basics.data_dir / "admin-token"),
            public_url=basics.public_url,
            host=basics.host,
            port=basics.port,
            data_dir=basics.data_dir,
            key_encryption_key=e.optional("PLECAK_KEY_ENCRYPTION_KEY"),
            did_method=e.choice("PLECAK_ISSUER_DID_METHOD", "web", ("web", "key")),
            status_list_length=e.integer("PLECAK_STATUS_LIST_LENGTH", 131072),
            seed_demo=e.flag("PLECAK_SEED_DEMO"),
            status_list_max_age=cache_seconds(e.mapping, "PLECAK_STATUS_LIST_MAX_AGE"),
            wallet_url=e.url("PLECAK_WALLET_URL"),
            verifier_url=e.url("PLECAK_VERIFIER_URL"),
            shared_link_days=e.integer("PLECAK_SHARED_LINK_DAYS", 90, minimum=1, maximum=MAX_SHARED_LINK_DAYS),
            insecure_hosts=e.host_ports("PLECAK_INSECURE_HOSTS"),
            sdjwt_vct=e.choice("PLECAK_SDJWT_VCT", "hosted", ("hosted", "shared")),
            issuer_per_client=e.integer("PLECAK_ISSUER_PER_CLIENT", 120, minimum=0),
            trusted_proxies=TrustedProxies(e.optional("PLECAK_TRUSTED_PROXIES")),
        )
