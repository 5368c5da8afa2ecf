"""Verifier settings, read once from the environment (the contract ``plecak up`` fulfils)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from plecak.core.status.client import DEFAULT_CACHE_SECONDS, cache_seconds
from plecak.runtime.clientaddr import TrustedProxies
from plecak.runtime.settings import MIN_ADMIN_TOKEN, Environment, service_basics

__all__ = ["DEFAULT_PORT", "MIN_ADMIN_TOKEN", "Settings"]

DEFAULT_PORT = 8003


@dataclass(frozen=True)
class Settings:
    admin_token: str
    """Bearer token of the trust-registry admin API (``PLECAK_ADMIN_TOKEN``, shared with the issuer)."""
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    public_url: str = f"http://127.0.0.1:{DEFAULT_PORT}"
    redis_url: str = "redis://127.0.0.1:6379/0"
    data_dir: Path = Path("data")
    insecure_hosts: frozenset[str] = field(default_factory=frozenset)
    """``host:port`` pairs reachable over plain http and on private addresses (development only)."""
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)
    """``PLECAK_TRUSTED_PROXIES``: reverse proxies whose ``Forwarded`` or ``X-Forwarded-For`` names the client."""
    trusted_issuers_file: Path | None = None
    """JSON file whose issuers are written into the trust registry at every start."""
    max_body_bytes: int = 1_000_000
    """Largest JSON body, pasted text, uploaded file or fetched document."""
    max_photo_bytes: int = 10_000_000
    """Largest uploaded picture of a QR code (phone photos are larger than credentials)."""
    max_json_depth: int = 64
    fetch_timeout: float = 10.0
    status_cache_seconds: int = DEFAULT_CACHE_SECONDS
    """How long a fetched status list is used before it is revalidated (``If-None-Match``), at most,
    whatever the issuer's ``max-age`` says (``PLECAK_STATUS_CACHE_SECONDS``)."""
    result_seconds: int = 8 * 3600
    """How long a verification result (page and JSON report) stays available."""
    verify_per_client: int = 30
    """Checks (link, paste, upload, presentation request) one client address may start per
    ``verify_window_seconds`` (``PLECAK_VERIFY_PER_CLIENT``, 0 = no limit): each one stores a result."""
    verify_window_seconds: int = 600
    scan_frames_per_minute: int = 240
    """Camera frames one client address may send to ``POST /scan/frame`` per minute
    (``PLECAK_SCAN_FRAMES_PER_MINUTE``, 0 = no limit); a scanning page sends about 90."""
    request_seconds: int = 600
    """How long a wallet may answer a presentation request."""
    challenge_seconds: int = 30 * 24 * 3600
    """How long a used challenge is remembered (a presentation using it again is a replay)."""
    vcapi_policy: str = "strict"
    """``POST /presentations/verify`` policy (``PLECAK_VCAPI_POLICY``). ``strict``: a caller's
    challenge is accepted once, a challenge requires a holder proof, and credentials must be presented
    by their subject. ``spec``: only what VC Data Model 2.0 and Data Integrity require (proofs,
    challenge and domain match); the three checks above become warnings or are left to the caller,
    as the W3C test suites expect (docs/conformance.md)."""

    url_issuers: bool = False
    """``PLECAK_ALLOW_URL_ISSUERS=1``: a credential whose issuer is not a DID (the specifications'
    test vectors, the W3C suites) verifies with an "issuer unconfirmed" warning. Off by default:
    nothing ties a URL issuer to the key that signed, so anyone could forge a university."""
    oid4vp_client_id_prefix: str = ""
    """How OpenID4VP requests are signed (``PLECAK_OID4VP_CLIENT_ID_PREFIX``): ``x509_san_dns`` (the
    verifier certificate; the default when the public URL names a host) or ``decentralized_identifier``
    (the verifier's own did:key; the default for an IP address)."""
    oid4vp_certificate_file: Path | None = None
    """PEM certificate chain (leaf first) for ``x509_san_dns`` (``PLECAK_OID4VP_CERTIFICATE``); without it
    a self-signed development certificate is made in the data directory."""
    oid4vp_key_file: Path | None = None
    """PEM P-256 private key of that certificate (``PLECAK_OID4VP_KEY``)."""
    oid4vp_response_mode: str = "direct_post"
    """``direct_post``, or ``direct_post.jwt`` for encrypted answers (``PLECAK_OID4VP_RESPONSE_MODE``)."""

    def __post_init__(self) -> None:
        if self.oid4vp_client_id_prefix not in ("", "x509_san_dns", "decentralized_identifier"):
            raise ValueError("PLECAK_OID4VP_CLIENT_ID_PREFIX must be x509_san_dns or decentralized_identifier")
        if self.oid4vp_response_mode not in ("direct_post", "direct_post.jwt"):
            raise ValueError("PLECAK_OID4VP_RESPONSE_MODE must be direct_post or direct_post.jwt")
        if (self.oid4vp_certificate_file is None) != (self.oid4vp_key_file is None):
            raise ValueError("set both PLECAK_OID4VP_CERTIFICATE and PLECAK_OID4VP_KEY, or neither")
        if len(self.admin_token) < MIN_ADMIN_TOKEN:
            raise ValueError(f"the admin token must be at least {MIN_ADMIN_TOKEN} characters")
        if not self.public_url.startswith(("http://", "https://")):
            raise ValueError("PLECAK_VERIFIER_URL must be an http(s) URL")
        if self.result_seconds < 3600:
            raise ValueError("PLECAK_VERIFIER_RESULT_SECONDS must be at least 3600 (an hour)")
        if self.verify_per_client < 0 or self.verify_window_seconds <= 0:
            raise ValueError("PLECAK_VERIFY_PER_CLIENT must not be negative")
        if self.scan_frames_per_minute < 0:
            raise ValueError("PLECAK_SCAN_FRAMES_PER_MINUTE must not be negative")
        if self.vcapi_policy not in ("strict", "spec"):
            raise ValueError("PLECAK_VCAPI_POLICY must be 'strict' or 'spec'")

    @property
    def secure_cookies(self) -> bool:
        """Cookies get ``Secure`` when the public URL is https."""
        return self.public_url.startswith("https://")

    @property
    def max_form_bytes(self) -> int:
        """Largest form body: pasted JSON is percent-encoded, up to three bytes per byte."""
        return 3 * self.max_body_bytes + 64 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """``PLECAK_HOST``, ``PLECAK_PORT``, ``PLECAK_VERIFIER_URL``, ``REDIS_URL``, ``PLECAK_DATA_DIR``,
        ``PLECAK_ADMIN_TOKEN`` (else ``DATA/admin-token``), ``PLECAK_INSECURE_HOSTS``,
        ``PLECAK_TRUSTED_ISSUERS_FILE``, ``PLECAK_VERIFIER_MAX_BODY_BYTES``, ``PLECAK_VCAPI_POLICY``,
        ``PLECAK_TRUSTED_PROXIES``, ``PLECAK_VERIFY_PER_CLIENT``, ``PLECAK_VERIFIER_RESULT_SECONDS``,
        ``PLECAK_STATUS_CACHE_SECONDS``, ``PLECAK_ALLOW_URL_ISSUERS``,
        ``PLECAK_OID4VP_CLIENT_ID_PREFIX``, ``PLECAK_OID4VP_CERTIFICATE``, ``PLECAK_OID4VP_KEY``,
        ``PLECAK_OID4VP_RESPONSE_MODE``, ``PLECAK_SCAN_FRAMES_PER_MINUTE``.
        """
        e = Environment(env)
        basics = service_basics(e, url_variable="PLECAK_VERIFIER_URL", default_port=DEFAULT_PORT)
        return cls(
            admin_token=e.secret("PLECAK_ADMIN_TOKEN", file=basics.data_dir / "admin-token"),
            host=basics.host,
            port=basics.port,
            public_url=basics.public_url,
            redis_url=basics.redis_url,
            data_dir=basics.data_dir,
            insecure_hosts=e.host_ports("PLECAK_INSECURE_HOSTS"),
            trusted_issuers_file=e.path("PLECAK_TRUSTED_ISSUERS_FILE"),
            max_body_bytes=e.integer("PLECAK_VERIFIER_MAX_BODY_BYTES", 1_000_000, minimum=1024),
            vcapi_policy=e.choice("PLECAK_VCAPI_POLICY", "strict", ("strict", "spec")),
            trusted_proxies=TrustedProxies(e.optional("PLECAK_TRUSTED_PROXIES")),
            verify_per_client=e.integer("PLECAK_VERIFY_PER_CLIENT", 30, minimum=0),
            scan_frames_per_minute=e.integer("PLECAK_SCAN_FRAMES_PER_MINUTE", 240, minimum=0),
            result_seconds=e.integer("PLECAK_VERIFIER_RESULT_SECONDS", 8 * 3600, minimum=3600),
            status_cache_seconds=cache_seconds(e.mapping, "PLECAK_STATUS_CACHE_SECONDS"),
            url_issuers=e.flag("PLECAK_ALLOW_URL_ISSUERS"),
            oid4vp_client_id_prefix=e.text("PLECAK_OID4VP_CLIENT_ID_PREFIX"),
            oid4vp_certificate_file=e.path("PLECAK_OID4VP_CERTIFICATE"),
            oid4vp_key_file=e.path("PLECAK_OID4VP_KEY"),
            oid4vp_response_mode=e.choice(
                "PLECAK_OID4VP_RESPONSE_MODE", "direct_post", ("direct_post", "direct_post.jwt")
            ),
        )
