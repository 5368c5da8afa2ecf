"""Fetching status list credentials over HTTP(S) for the verifier, with an HTTP cache.

:class:`StatusListClient` is the ``status_fetcher`` of :class:`plecak.core.verify.credential.Verifier`::

    async with StatusListClient() as client:
        verifier = Verifier(resolver, status_fetcher=client.fetch)

Rules, because the URL comes from a credential anyone can sign:

* only ``https://`` URLs; plain ``http://`` only to the ``host:port`` pairs in
  ``insecure_hosts`` (local development), and the same for every redirect (at most three);
* only public addresses (:mod:`plecak.core.netguard`): no private, loopback or link-local targets
  except the ``insecure_hosts``;
* a timeout for the whole request and a size limit enforced while the body is read;
* a ``200`` answer holding a JSON object, or :class:`StatusListFetchError`.

Answers are cached per URL as ``Cache-Control`` says: ``max-age`` (capped at ``max_ttl``),
``no-store`` (not kept), ``no-cache`` (kept, revalidated every time), nothing (``default_ttl``).
A stale entry is revalidated with ``If-None-Match`` / ``If-Modified-Since``; a ``304`` keeps the
document and makes it fresh again. A stale entry is never served when the server cannot be
reached: an old list could hide a revocation. Concurrent fetches of one URL share one request.
The cache is an LRU of at most ``max_entries`` URLs; a fresh hit is a dictionary look-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from plecak.core import safejson
from plecak.core.errors import StatusListError
from plecak.core.netguard import PRIVATE_ADDRESS_HINT, AllowList, guarded_session, host_allowed

__all__ = ["DEFAULT_CACHE_SECONDS", "StatusListClient", "StatusListFetchError", "cache_seconds"]

ACCEPT = "application/vc+ld+json, application/vc, application/ld+json;q=0.9, application/json;q=0.9"
MAX_REDIRECTS = 3
DEFAULT_CACHE_SECONDS = 5
"""How long our verifier and wallet trust a cached status list before revalidating it
(``If-None-Match``: a 304 costs one small round trip), and the issuer's ``max-age``. A revocation
shows after at most this long."""
MAX_CACHE_SECONDS = 86400


def cache_seconds(env: Mapping[str, str], name: str, default: int = DEFAULT_CACHE_SECONDS) -> int:
    """A status list cache lifetime from the environment variable ``name``: whole seconds, 0 (always
    revalidate) to one day; unset or blank gives ``default``. Anything else is a clear ``ValueError``."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > MAX_CACHE_SECONDS:
        raise ValueError(
            f"{name} must be a whole number of seconds from 0 to {MAX_CACHE_SECONDS} "
            f"(how long a status list may be used before it is checked again), not {raw!r}"
        )
    return int(raw)


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class StatusListFetchError(StatusListError):
    """A status list could not be fetched; ``status`` is the HTTP status when there was one."""

    def __init__(self, url: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


@dataclass
class _Entry:
    document: dict[str, Any]
    expires: float
    ttl: float
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Policy:
    store: bool
    ttl: float


class StatusListClient:
    """An HTTP(S) client and cache for status list credentials (see the module docstring).

    ``clock`` (seconds, monotonic) exists for tests. :meth:`fetch` returns the cached
    document itself: callers must not modify it.
    """

    def __init__(
        self,
        *,
        insecure_hosts: Iterable[str] = (),
        timeout: float = 5.0,
        max_bytes: int = 2_000_000,
        default_ttl: float = 300.0,
        max_ttl: float = 3600.0,
        max_entries: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(insecure_hosts, str):
            raise TypeError("insecure_hosts must be an iterable of 'host:port' strings, not a string")
        if timeout <= 0 or max_bytes <= 0 or max_entries <= 0:
            raise ValueError("timeout, max_bytes and max_entries must be positive")
        if default_ttl < 0 or max_ttl < 0:
            raise ValueError("default_ttl and max_ttl must not be negative")
        self._insecure = AllowList(insecure_hosts)
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._default_ttl = min(default_ttl, max_ttl)
        self._max_ttl = max_ttl
        self._max_entries = max_entries
        self._clock = clock
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._inflight: dict[str, asyncio.Task[dict[str, Any]]] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> StatusListClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the shared HTTP session (a later :meth:`fetch` opens a new one)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def __len__(self) -> int:
        """How many URLs are cached (fresh or stale)."""
        return len(self._cache)

    def cached(self, url: str) -> dict[str, Any] | None:
        """The cached document of ``url`` if it is fresh, without any I/O; else ``None``."""
        entry = self._cache.get(url)
        if entry is None or entry.expires <= self._clock():
            return None
        self._cache.move_to_end(url)
        return entry.document

    async def fetch(self, url: str) -> dict[str, Any]:
        """The status list credential at ``url`` (a JSON object), from the cache when fresh.

        Raises :class:`StatusListFetchError` (a :class:`~plecak.core.errors.StatusListError`) for a
        refused URL, a network error or timeout, a non-200 answer, a body over ``max_bytes``
        or one that is not a JSON object.
        """
        if not isinstance(url, str):
            raise TypeError("a status list URL must be a string")
        fresh = self.cached(url)
        if fresh is not None:
            return fresh
        self._check_url(url)
        task = self._inflight.get(url)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._refresh(url))
            self._inflight[url] = task
            task.add_done_callback(lambda done: self._forget(url, done))
        # shield: one caller giving up (cancelled) does not cancel the others' request.
        return await asyncio.shield(task)

    def _forget(self, url: str, task: asyncio.Task[dict[str, Any]]) -> None:
        if self._inflight.get(url) is task:
            del self._inflight[url]
        if not task.cancelled():
            task.exception()  # retrieved: nobody may be left waiting for it

    def _check_url(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise StatusListFetchError(url, f"the status list URL is malformed: {url!r}") from None
        host = (parts.hostname or "").lower()
        if not host:
            raise StatusListFetchError(url, f"the status list URL has no host: {url!r}")
        secure = parts.scheme == "https"
        if not secure and not (parts.scheme == "http" and self._insecure.allows(host, port or 80)):
            raise StatusListFetchError(url, f"status lists are fetched over https only, not from {url!r}")
        if not host_allowed(host, port or (443 if secure else 80), self._insecure):
            raise StatusListFetchError(url, f"{host} is a private or local address; {PRIVATE_ADDRESS_HINT}")

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = guarded_session(self._insecure, timeout=self._timeout, headers={"Accept": ACCEPT})
        return self._session

    async def _refresh(self, url: str) -> dict[str, Any]:
        stale = self._cache.get(url)
        headers: dict[str, str] = {}
        if stale is not None:
            if stale.etag is not None:
                headers["If-None-Match"] = stale.etag
            if stale.last_modified is not None:
                headers["If-Modified-Since"] = stale.last_modified
        try:
            async with asyncio.timeout(self._timeout):
                status, response_headers, body = await self._get(url, headers)
        except StatusListFetchError:
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            reason = "timed out" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
            raise StatusListFetchError(url, f"could not fetch the status list {url}: {reason}") from None
        policy = self._policy(response_headers)
        if status == 304 and stale is not None:
            if response_headers.get("Cache-Control") is None:
                policy = _Policy(True, stale.ttl)
            self._store(url, stale.document, policy, response_headers, stale)
            return stale.document
        if status != 200:
            raise StatusListFetchError(url, f"the status list {url} answered HTTP {status}", status)
        try:
            document = safejson.loads(body)
        except (ValueError, RecursionError):
            raise StatusListFetchError(url, f"the status list {url} is not JSON", status) from None
        if not isinstance(document, dict):
            raise StatusListFetchError(url, f"the status list {url} is not a JSON object", status)
        self._store(url, document, policy, response_headers, None)
        return document

    async def _get(self, url: str, headers: dict[str, str]) -> tuple[int, Mapping[str, str], bytes]:
        """GET ``url`` following checked redirects; the status, headers and (for 200) body."""
        session = self._get_session()
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            async with session.get(current, headers=headers, allow_redirects=False) as resp:
                if resp.status in _REDIRECTS and "Location" in resp.headers:
                    current = urljoin(current, resp.headers["Location"])
                    self._check_url(current)
                    continue
                if resp.status != 200:
                    return resp.status, resp.headers, b""
                if resp.content_length is not None and resp.content_length > self._max_bytes:
                    raise self._too_large(url)
                body = bytearray()
                async for chunk in resp.content.iter_chunked(64 * 1024):
                    body += chunk
                    if len(body) > self._max_bytes:
                        raise self._too_large(url)
                return 200, resp.headers, bytes(body)
        raise StatusListFetchError(url, f"the status list {url} redirects more than {MAX_REDIRECTS} times")

    def _too_large(self, url: str) -> StatusListFetchError:
        return StatusListFetchError(url, f"the status list {url} is larger than {self._max_bytes} bytes")

    def _policy(self, headers: Mapping[str, str]) -> _Policy:
        """What ``Cache-Control`` (and ``Age``) allow: keep or not, and for how long."""
        control = headers.get("Cache-Control")
        if control is None:
            return _Policy(True, self._default_ttl)
        directives: dict[str, str | None] = {}
        for part in control.split(","):
            name, _, value = part.strip().partition("=")
            if name:
                directives[name.strip().lower()] = value.strip().strip('"') or None
        if "no-store" in directives:
            return _Policy(False, 0.0)
        if "no-cache" in directives:
            return _Policy(True, 0.0)
        max_age = directives.get("max-age")
        if max_age is None:
            return _Policy(True, self._default_ttl)
        try:
            seconds = float(int(max_age))
        except ValueError:
            return _Policy(True, 0.0)  # malformed: keep for revalidation, never fresh
        with contextlib.suppress(ValueError):
            seconds -= int(headers.get("Age", "0"))
        return _Policy(True, max(0.0, min(seconds, self._max_ttl)))

    def _store(
        self,
        url: str,
        document: dict[str, Any],
        policy: _Policy,
        headers: Mapping[str, str],
        previous: _Entry | None,
    ) -> None:
        if not policy.store:
            self._cache.pop(url, None)
            return
        etag = headers.get("ETag") or (previous.etag if previous else None)
        modified = headers.get("Last-Modified") or (previous.last_modified if previous else None)
        if policy.ttl <= 0 and etag is None and modified is None:
            self._cache.pop(url, None)  # could never be served nor revalidated
            return
        self._cache[url] = _Entry(document, self._clock() + policy.ttl, policy.ttl, etag, modified)
        self._cache.move_to_end(url)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
