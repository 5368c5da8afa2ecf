"""Wallet settings, read once from the environment (the contract ``plecak up`` fulfils)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_PORT", "Settings"]

DEFAULT_PORT = 8002


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    public_url: str = f"http://127.0.0.1:{DEFAULT_PORT}"
    redis_url: str = "redis://127.0.0.1:6379/0"
    data_dir: Path = Path("data")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """``PLECAK_HOST``, ``PLECAK_PORT``, ``PLECAK_WALLET_URL``, ``REDIS_URL``, ``PLECAK_DATA_DIR``."""
        e = os.environ if env is None else env
        host = e.get("PLECAK_HOST") or "127.0.0.1"
        port = int(e.get("PLECAK_PORT") or DEFAULT_PORT)
        return cls(
            host=host,
            port=port,
            public_url=(e.get("PLECAK_WALLET_URL") or f"http://{host}:{port}").rstrip("/"),
            redis_url=e.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            data_dir=Path(e.get("PLECAK_DATA_DIR") or "data"),
        )
