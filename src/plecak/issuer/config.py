"""Issuer settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from plecak.core.status.client import DEFAULT_CACHE_SECONDS, cache_seconds
from plecak.runtime.storage import redis_url_from_env

__all__ = ["Settings"]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


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
    #: host:port pairs whose did:web and status lists may be fetched over http (development, tests)
    insecure_hosts: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.admin_token) < 16:
            raise ValueError("the admin token must be at least 16 characters")
        if self.did_method not in ("web", "key"):
            raise ValueError("PLECAK_ISSUER_DID_METHOD must be 'web' or 'key'")
        if not 0 <= self.status_list_max_age <= 86400:
            raise ValueError("PLECAK_STATUS_LIST_MAX_AGE is 0 to 86400 seconds")
        if self.status_list_length < 131072 or self.status_list_length % 8:
            raise ValueError("status lists hold at least 131072 entries, in whole bytes")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        host = e.get("PLECAK_HOST", "127.0.0.1")
        port = int(e.get("PLECAK_PORT", "8001"))
        data_dir = Path(e.get("PLECAK_DATA_DIR", "data"))
        token = e.get("PLECAK_ADMIN_TOKEN")
        if not token and (data_dir / "admin-token").is_file():
            token = (data_dir / "admin-token").read_text().strip()
        if not token:
            raise ValueError("set PLECAK_ADMIN_TOKEN (or run `plecak up`, which creates one)")
        return cls(
            redis_url=redis_url_from_env(e),
            admin_token=token,
            public_url=e.get("PLECAK_ISSUER_URL", f"http://{host}:{port}").rstrip("/"),
            host=host,
            port=port,
            data_dir=data_dir,
            key_encryption_key=e.get("PLECAK_KEY_ENCRYPTION_KEY") or None,
            did_method=e.get("PLECAK_ISSUER_DID_METHOD", "web"),
            status_list_length=int(e.get("PLECAK_STATUS_LIST_LENGTH", "131072")),
            seed_demo=_flag(e.get("PLECAK_SEED_DEMO")),
            status_list_max_age=cache_seconds(e, "PLECAK_STATUS_LIST_MAX_AGE"),
            wallet_url=(e.get("PLECAK_WALLET_URL") or "").rstrip("/") or None,
            insecure_hosts=frozenset(
                h.strip().lower() for h in e.get("PLECAK_INSECURE_HOSTS", "").split(",") if h.strip()
            ),
        )
