"""One reader of ``PLECAK_*`` environment variables for every service.

Each service's ``config.py`` builds its frozen ``Settings`` from an :class:`Environment`, so the
same variable means the same thing everywhere: values are stripped of surrounding white space, an
empty value counts as unset, and a malformed one raises :class:`SettingsError` (a ``ValueError``)
whose message names the variable and says what it should be. :func:`service_basics` reads the
settings every service has (address, public URL, data directory, Redis, development hosts).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from plecak.runtime.storage import redis_url_from_env

__all__ = ["MIN_ADMIN_TOKEN", "Environment", "ServiceBasics", "SettingsError", "service_basics"]

MIN_ADMIN_TOKEN = 16


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class Environment:
    """Typed, stripped access to an environment mapping (``os.environ`` by default)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env

    @property
    def mapping(self) -> Mapping[str, str]:
        return self._env

    def raw(self, name: str) -> str | None:
        """The value as set (``None`` when unset); for settings where empty means something."""
        return self._env.get(name)

    def text(self, name: str, default: str = "") -> str:
        value = (self._env.get(name) or "").strip()
        return value or default

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def integer(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.text(name)
        if not value:
            return default
        try:
            number = int(value, 10)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, not {value[:40]!r}") from None
        if minimum is not None and number < minimum:
            raise SettingsError(f"{name} must be at least {minimum}, not {number}")
        if maximum is not None and number > maximum:
            raise SettingsError(f"{name} must be at most {maximum}, not {number}")
        return number

    def number(self, name: str, default: float, *, minimum: float = 0.0) -> float:
        value = self.text(name)
        if not value:
            return default
        try:
            number = float(value)
        except ValueError:
            raise SettingsError(f"{name} must be a number, not {value[:40]!r}") from None
        if not number >= minimum or number == float("inf"):  # also refuses NaN
            raise SettingsError(f"{name} must be a finite number of at least {minimum:g}, not {value!r}")
        return number

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.text(name).lower()
        if not value:
            return default
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name} must be 1/true/yes/on or 0/false/no/off, not {value[:40]!r}")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in choices:
            raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {value[:40]!r}")
        return value

    def url(self, name: str, default: str | None = None) -> str | None:
        """An absolute http(s) URL without a trailing slash (``default`` when unset)."""
        value = self.text(name).rstrip("/")
        if not value:
            return default
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"{name} must be an http:// or https:// URL with a host, not {value[:80]!r}")
        try:
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        except ValueError:
            raise SettingsError(f"{name} has an invalid port: {value[:80]!r}") from None
        return value

    def host_ports(self, name: str) -> frozenset[str]:
        """A comma-separated list of ``host:port`` pairs, lower-cased."""
        pairs = frozenset(h.strip().lower() for h in self.text(name).split(",") if h.strip())
        for pair in pairs:
            host, sep, port = pair.rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise SettingsError(f"{name} lists host:port pairs separated by commas, not {pair[:80]!r}")
        return pairs

    def path(self, name: str, default: Path | None = None) -> Path | None:
        value = self.text(name)
        return Path(value) if value else default

    def secret(self, name: str, *, file: Path | None = None, minimum: int = MIN_ADMIN_TOKEN) -> str:
        """A secret from ``name``, else from ``file`` (stripped either way), at least ``minimum`` long."""
        value = self.text(name)
        source = name
        if not value and file is not None and file.is_file():
            value, source = file.read_text(encoding="utf-8").strip(), str(file)
        if not value:
            raise SettingsError(f"set {name} (or run `plecak up`, which creates one)")
        if len(value) < minimum:
            raise SettingsError(f"the value from {source} must be at least {minimum} characters")
        return value


@dataclass(frozen=True)
class ServiceBasics:
    host: str
    port: int
    public_url: str
    data_dir: Path
    redis_url: str


def service_basics(env: Environment, *, url_variable: str, default_port: int) -> ServiceBasics:
    """``PLECAK_HOST``, ``PLECAK_PORT``, the service's public URL variable, ``PLECAK_DATA_DIR`` and
    Redis (``REDIS_URL`` / ``REDIS_CLUSTER_NODES``). An unset public URL is ``http://HOST:PORT``
    (a wildcard host becomes the loopback address, so a ``did:web`` never names ``0.0.0.0``)."""
    host = env.text("PLECAK_HOST", "127.0.0.1")
    port = env.integer("PLECAK_PORT", default_port, minimum=0, maximum=65535)
    if any(c.isspace() or c in "/?#@" for c in host):
        raise SettingsError(f"PLECAK_HOST must be a host name or address, not {host[:80]!r}")
    url_host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host) or (f"[{host}]" if ":" in host else host)  # noqa: S104 - mapping a wildcard away
    public_url = env.url(url_variable) or f"http://{url_host}:{port}"
    data_dir = env.path("PLECAK_DATA_DIR", Path("data")) or Path("data")
    return ServiceBasics(host, port, public_url, data_dir, redis_url_from_env(env.mapping))
