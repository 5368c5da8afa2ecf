"""Fetching a credential or presentation from a link (``/verify?url=…``, wallet share links).

The link comes from whoever made the QR code, so the fetch is defensive: https only (plain http
only for the development ``insecure_hosts``), no private, loopback or link-local addresses
(except those hosts), a timeout, a size limit, at most three redirects each checked again, and
JSON nesting limited like request bodies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from plecak.core import safejson
from plecak.core.netguard import AllowList, guarded_session, host_allowed

__all__ = ["FetchError", "LinkFetcher", "parse_json"]

ACCEPT = (
    "application/vp+ld+json, application/vc+ld+json, application/vc, application/vp, "
    "application/ld+json;q=0.9, application/json;q=0.9"
)
MAX_URL = 4096
_UNREACHABLE = "the link could not be opened (the site did not answer, or it is not on the public internet)"


class FetchError(Exception):
    """The link could not be fetched or does not hold JSON; the message is for the user.

    ``status`` is the HTTP status to answer with: 400 a link we refuse, 502 or 504 the other
    side failed, 413 or 422 what came back is too large or not JSON.
    """

    def __init__(self, message: str, status: int = 400, *, upstream: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.upstream = upstream
        """The HTTP status the link itself answered, when it answered one other than 200."""


def parse_json(data: bytes | str, *, max_depth: int = 64) -> Any:
    """Parse JSON text (UTF-8, BOM allowed); :class:`~plecak.core.safejson.UnsafeJson` (a
    ``ValueError``) with a readable English reason and a ``code`` for translated pages otherwise.

    What :func:`plecak.core.safejson.loads` refuses is refused here too (huge numbers, lone surrogates …).
    """
    try:
        return safejson.loads(data, max_depth=max_depth)
    except safejson.UnsafeJson as exc:
        if exc.code == "not_json":
            reason = f"it is not valid JSON ({str(exc).removeprefix('malformed JSON: ')})"
            raise safejson.UnsafeJson(reason, code=exc.code, line=exc.line, column=exc.column) from None
        if exc.code == "no_text":
            raise safejson.UnsafeJson("there is no text", code=exc.code) from None
        raise


def _host_port(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("the link must be an https:// address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("the link has an invalid port") from None
    return parts.hostname.lower(), port, parts.scheme


class LinkFetcher:
    """``await fetch_json(url)``; one instance per app, ``await close()`` at shutdown."""

    def __init__(
        self,
        *,
        insecure_hosts: Iterable[str] = (),
        timeout: float = 10.0,
        max_bytes: int = 1_000_000,
        max_depth: int = 64,
        max_redirects: int = 3,
    ) -> None:
        self._insecure = AllowList(insecure_hosts)
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_depth = max_depth
        self._max_redirects = max_redirects
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = guarded_session(
                self._insecure,
                timeout=self._timeout,
                headers={"Accept": ACCEPT, "User-Agent": "Plecak-verifier"},
            )
        return self._session

    def check_url(self, url: str) -> str:
        """The URL if this fetcher would try it, else :class:`FetchError` saying why not."""
        if not isinstance(url, str) or not url.strip():
            raise FetchError("no link was given")
        url = url.strip()
        if len(url) > MAX_URL:
            raise FetchError(f"the link is longer than {MAX_URL} characters")
        host, port, scheme = _host_port(url)
        if scheme != "https" and not self._insecure.allows(host, port):
            raise FetchError("only https:// links are accepted")
        if not host_allowed(host, port, self._insecure):
            raise FetchError("links to private or local addresses are not accepted")
        return url

    async def fetch_json(self, url: str) -> Any:
        """The JSON document at ``url`` (following up to ``max_redirects`` checked redirects)."""
        body, content_type = await self._fetch(url, ACCEPT)
        try:
            return parse_json(body, max_depth=self._max_depth)
        except ValueError as exc:
            if content_type == "text/html":
                raise FetchError("the link leads to a web page, not to a credential", 422) from None
            raise FetchError(f"the document is not a credential: {exc}", 422) from None

    async def fetch_text(self, url: str, accept: str) -> str:
        """The text at ``url`` (a status list token, an SD-JWT), with the same rules as JSON."""
        body, _ = await self._fetch(url, accept)
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise FetchError("the document is not text", 422) from None

    async def _fetch(self, url: str, accept: str) -> tuple[bytes, str]:
        current = self.check_url(url)
        for _ in range(self._max_redirects + 1):
            try:
                async with self._client().get(
                    current, allow_redirects=False, headers={"Accept": accept}
                ) as resp:
                    if resp.status in (301, 302, 303, 307, 308) and "Location" in resp.headers:
                        current = self.check_url(urljoin(current, resp.headers["Location"]))
                        continue
                    if resp.status != 200:
                        raise FetchError(f"the link answered HTTP {resp.status}", 502, upstream=resp.status)
                    if (resp.content_length or 0) > self._max_bytes:
                        raise FetchError(f"the document is larger than {self._max_bytes} bytes", 413)
                    body = bytearray()
                    async for chunk in resp.content.iter_chunked(65536):
                        body += chunk
                        if len(body) > self._max_bytes:
                            raise FetchError(f"the document is larger than {self._max_bytes} bytes", 413)
                    content_type = resp.content_type
            except TimeoutError:  # an OSError too: caught first
                raise FetchError(f"the link did not answer within {self._timeout:g} seconds", 504) from None
            except (aiohttp.ClientError, OSError):
                # one message for refused, unreachable, unresolvable and guarded (non-public)
                # addresses: the verifier does not map networks for anonymous visitors
                raise FetchError(_UNREACHABLE, 502) from None
            return bytes(body), content_type
        raise FetchError("the link redirects too often", 502)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
