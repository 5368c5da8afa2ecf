"""The wallet's HTTP client: only https (or http to development hosts), no redirects, size and time limits.

The wallet fetches URLs that come from QR codes and links, so every request goes through
:meth:`Http.check_url` first, over a session from :func:`plecak.core.netguard.guarded_session` (public
addresses only, checked again at name resolution and at connect time). Redirects are not followed
(a redirect could lead anywhere).

A fetch that is refused or fails says only that the address could not be reached: whether a port
is closed, open but silent, or refused by the guard is never told (the wallet is not a port scanner).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack
from urllib.parse import urlsplit

import aiohttp

from plecak.core import safejson
from plecak.core.netguard import AllowList, host_allowed

from .ports import FetchError, HttpReply, PostOptions

__all__ = ["Http"]


def _unreachable(url: str) -> FetchError:
    return FetchError(f"could not reach {url}")


class Http:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        insecure_hosts: Iterable[str] = (),
        max_bytes: int = 2_000_000,
    ) -> None:
        self._session = session
        self._insecure = AllowList(insecure_hosts)
        self._max_bytes = max_bytes

    def check_url(self, url: Any) -> str:
        if not isinstance(url, str) or not url or len(url) > 4096 or any(c.isspace() for c in url):
            raise FetchError("not a web address")
        parts = urlsplit(url)
        if not parts.hostname:
            raise FetchError(f"not a web address: {url}")
        if parts.username or parts.password:
            raise FetchError(f"a web address with a user name or password is not accepted: {url}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"not a web address: {url}") from None
        if parts.scheme != "https" and not (
            parts.scheme == "http" and self._insecure.allows(parts.hostname, port)
        ):
            raise FetchError(f"only secure (https) addresses are accepted, not {url}")
        if not host_allowed(parts.hostname, port, self._insecure):
            raise _unreachable(url)
        return url

    async def _reply(self, resp: aiohttp.ClientResponse) -> HttpReply:
        body = await resp.content.read(self._max_bytes + 1)
        if len(body) > self._max_bytes:
            raise FetchError(f"{resp.url} answered with more than {self._max_bytes} bytes")
        parsed: Any = None
        if body:
            try:
                parsed = safejson.loads(body)
            except safejson.UnsafeJson:
                parsed = None  # not JSON we accept: callers say "did not answer with JSON"
        return HttpReply(resp.status, parsed, resp.content_type, body)

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> HttpReply:
        self.check_url(url)
        try:
            async with self._session.get(
                url, allow_redirects=False, headers=dict(headers or {"Accept": "application/json"})
            ) as resp:
                return await self._reply(resp)
        except (aiohttp.ClientError, OSError):  # TimeoutError is an OSError
            raise _unreachable(url) from None

    async def get_json(self, url: str) -> Any:
        reply = await self.get(url)
        if reply.status != 200:
            raise FetchError(f"{url} answered HTTP {reply.status}")
        if reply.body is None:
            raise FetchError(f"{url} did not answer with JSON")
        return reply.body

    async def post(self, url: str, **options: Unpack[PostOptions]) -> HttpReply:
        self.check_url(url)
        form, json_body = options.get("form"), options.get("json_body")
        kwargs: dict[str, Any] = {"allow_redirects": False, "headers": dict(options.get("headers") or {})}
        if form is not None:
            kwargs["data"] = dict(form)
        elif json_body is not None:
            kwargs["json"] = json_body
        try:
            async with self._session.post(url, **kwargs) as resp:
                return await self._reply(resp)
        except (aiohttp.ClientError, OSError):  # TimeoutError is an OSError
            raise _unreachable(url) from None
