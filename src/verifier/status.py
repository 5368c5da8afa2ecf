"""The status-list client the verifier uses: ``vc.statusclient.StatusListClient`` when present.

Until that shared client is in the tree, :class:`_InterimClient` stands in with the same
constructor and methods: https only (plain http for ``insecure_hosts``), a timeout, a size
limit, and a cache honouring ``Cache-Control: max-age`` (``default_ttl`` otherwise) with one fetch
per URL at a time. Remove it once ``vc.statusclient`` has landed.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import time
from collections.abc import Iterable
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp

__all__ = ["StatusClient", "status_client"]

_MAX_AGE = re.compile(r"max-age=(\d+)")


class StatusClient(Protocol):
    async def fetch(self, url: str) -> dict[str, Any]: ...

    async def close(self) -> None: ...


def status_client(*, insecure_hosts: Iterable[str] = (), timeout: float = 5.0) -> StatusClient:
    try:
        module = importlib.import_module("vc.statusclient")
    except ModuleNotFoundError:
        return _InterimClient(insecure_hosts=insecure_hosts, timeout=timeout)
    client: StatusClient = module.StatusListClient(insecure_hosts=insecure_hosts, timeout=timeout)
    return client


class _InterimClient:
    def __init__(
        self,
        *,
        insecure_hosts: Iterable[str] = (),
        timeout: float = 5.0,
        max_bytes: int = 2_000_000,
        default_ttl: float = 300.0,
    ) -> None:
        self._insecure = frozenset(insecure_hosts)
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._default_ttl = default_ttl
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self, url: str) -> dict[str, Any]:
        parts = urlsplit(url)
        if parts.scheme != "https" and f"{parts.hostname}:{parts.port or 80}" not in self._insecure:
            raise ValueError(f"status lists are fetched over https only, not {url}")
        lock = self._locks.setdefault(url, asyncio.Lock())
        async with lock:
            hit = self._cache.get(url)
            if hit and hit[0] > time.monotonic():
                return hit[1]
            document, ttl = await self._get(url)
            if ttl > 0:
                self._cache[url] = (time.monotonic() + ttl, document)
            return document

    async def _get(self, url: str) -> tuple[dict[str, Any], float]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        async with self._session.get(url, allow_redirects=False) as resp:
            if resp.status != 200:
                raise ValueError(f"{url} answered HTTP {resp.status}")
            body = bytearray()
            async for chunk in resp.content.iter_chunked(65536):
                body += chunk
                if len(body) > self._max_bytes:
                    raise ValueError(f"{url} is larger than {self._max_bytes} bytes")
            control = resp.headers.get("Cache-Control", "")
        document = json.loads(bytes(body))
        if not isinstance(document, dict):
            raise ValueError(f"{url} is not a status list credential")
        match = _MAX_AGE.search(control)
        ttl = 0.0 if "no-store" in control else float(match.group(1)) if match else self._default_ttl
        return document, ttl

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
