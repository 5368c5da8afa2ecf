"""The trust registry: the issuers this verifier's organisation trusts, kept in Redis.

An entry names the issuer (its DID is the key) and says where it is and who accredits it::

    {"name": "Demo University of Technology", "country": "PL", "region": "Mazowieckie",
     "accreditation": "Polish Accreditation Committee", "url": "https://university.example"}

Verification reads a :class:`TrustSnapshot`, whose ``lookup(did)`` answers the
:class:`plecak.core.verify.credential.TrustRegistry` protocol. A process reads the registry from Redis at most once
per ``seconds`` (default one second) and shares that snapshot between verifications; a change made
through this process (``put``, ``delete``, ``seed``) is seen by its next verification, a change made
through another worker within ``seconds``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from plecak.core.model.datamodel import is_url
from plecak.core.timeutil import format_datetime, utc_now

from .store import VerifierStore

__all__ = ["InvalidEntry", "TrustRegistry", "TrustSnapshot", "normalise_entry", "read_seed_file"]

MAX_DID = 2048
_TEXT_FIELDS = {"name": 200, "region": 200, "accreditation": 1000, "notes": 2000}
_FIELDS = {*_TEXT_FIELDS, "country", "url"}
_BOOKKEEPING = {"did", "addedAt", "updatedAt", "source"}
"""Fields the registry writes itself; accepted (and ignored) so a saved registry can be fed back."""


class InvalidEntry(ValueError):
    """A trust-registry entry or DID that cannot be stored; ``problems`` maps field → reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def check_did(did: Any) -> str:
    if not isinstance(did, str) or not did.startswith("did:") or len(did) > MAX_DID or not is_url(did):
        raise InvalidEntry({"did": "must be a DID (did:method:…) of at most 2048 characters"})
    if "#" in did or "?" in did:
        raise InvalidEntry({"did": "must be a DID without a fragment or query"})
    return did


def normalise_entry(data: Any) -> dict[str, Any]:
    """Validate what an administrator sends; ``name`` is required, the rest optional."""
    if not isinstance(data, Mapping):
        raise InvalidEntry({"$": "the entry must be a JSON object"})
    problems: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key in sorted(set(data) - _FIELDS - _BOOKKEEPING):
        problems[key] = "unknown field"
    for key, limit in _TEXT_FIELDS.items():
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str) or len(value) > limit:
            problems[key] = f"must be text of at most {limit} characters"
        else:
            out[key] = value.strip()
    if "name" not in out and "name" not in problems:
        problems["name"] = "is required"
    country = data.get("country")
    if country is not None:
        if (
            not isinstance(country, str)
            or len(country) != 2
            or not country.isascii()
            or not country.isalpha()
        ):
            problems["country"] = "must be an ISO 3166-1 alpha-2 code such as PL"
        else:
            out["country"] = country.upper()
    url = data.get("url")
    if url is not None:
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) or not is_url(url):
            problems["url"] = "must be an http(s) URL"
        else:
            out["url"] = url
    if problems:
        raise InvalidEntry(problems)
    return out


def read_seed_file(path: Path) -> dict[str, dict[str, Any]]:
    """DID → entry from a JSON file: a list of entries with ``did``, or ``{"trustedIssuers": [...]}``
    (the answer of ``GET /api/trusted-issuers``, so a registry can be saved and restored).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the trusted issuers file {path}: {exc}") from None
    if isinstance(data, Mapping):
        data = data.get("trustedIssuers")
    if not isinstance(data, list):
        raise ValueError(f'{path} must hold a list of issuers (or {{"trustedIssuers": [...]}})')
    entries: dict[str, dict[str, Any]] = {}
    for number, item in enumerate(data, 1):
        try:
            did = check_did(item.get("did") if isinstance(item, Mapping) else None)
            entries[did] = normalise_entry(item)
        except InvalidEntry as exc:
            raise ValueError(f"{path}, issuer {number}: {exc}") from None
    return entries


class TrustSnapshot:
    """The registry as read at one moment (what one verification consults)."""

    def __init__(self, entries: Mapping[str, Mapping[str, Any]]) -> None:
        self._entries = dict(entries)

    def lookup(self, issuer: str) -> Mapping[str, Any] | None:
        return self._entries.get(issuer)

    def dids(self) -> list[str]:
        """The trusted issuers' DIDs, sorted."""
        return sorted(self._entries)


class TrustRegistry:
    def __init__(
        self, store: VerifierStore, *, seconds: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.seconds = seconds
        self._clock = clock
        self._snapshot: tuple[float, TrustSnapshot] | None = None

    async def snapshot(self) -> TrustSnapshot:
        """The registry as read from Redis no more than ``seconds`` ago (or after this process's
        last change, whichever is later)."""
        cached = self._snapshot
        now = self._clock()
        if cached is not None and now < cached[0]:
            return cached[1]
        snapshot = TrustSnapshot(await self.store.trusted_issuers())
        if self._snapshot is cached:  # a change while reading invalidated it: do not keep this one
            self._snapshot = (now + self.seconds, snapshot)
        return snapshot

    def _changed(self) -> None:
        self._snapshot = None

    async def lookup(self, did: str) -> dict[str, Any] | None:
        return await self.store.trusted_issuer(did)

    async def entries(self) -> list[dict[str, Any]]:
        entries = await self.store.trusted_issuers()
        return [{"did": did, **entry} for did, entry in sorted(entries.items())]

    async def put(self, did: Any, data: Any, *, source: str = "api") -> tuple[dict[str, Any], bool]:
        """Add or replace an entry; returns it (with ``did``) and whether it is new."""
        did = check_did(did)
        entry = normalise_entry(data)
        now = format_datetime(utc_now())
        old = await self.store.trusted_issuer(did)
        entry["addedAt"] = (old or {}).get("addedAt", now)
        entry["updatedAt"] = now
        entry["source"] = source
        try:
            created = await self.store.put_trusted_issuer(did, entry)
        finally:
            self._changed()
        return {"did": did, **entry}, created

    async def delete(self, did: str) -> bool:
        try:
            return await self.store.delete_trusted_issuer(did)
        finally:
            self._changed()

    async def seed(self, entries: Mapping[str, Mapping[str, Any]]) -> None:
        """Write the entries of a seed file (the file wins for the DIDs it names)."""
        for did, entry in entries.items():
            await self.put(did, entry, source="file")
