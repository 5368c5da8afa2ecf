"""What the domain code needs from the outside world, as protocols (implemented in :mod:`wallet.net`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["FetchError", "HttpClient", "HttpReply"]


class FetchError(Exception):
    """A URL could not be used or fetched; the message is readable by a learner."""


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: Any
    """The parsed JSON body, or ``None`` when the answer was not JSON."""
    content_type: str = ""
    raw: bytes = b""
    """The body as received (for answers that are not JSON, such as a status list token)."""


class HttpClient(Protocol):
    def check_url(self, url: Any) -> str:
        """``url`` if the wallet may fetch it (https, or http to an allowed development host)."""
        ...

    async def get_json(self, url: str) -> Any:
        """GET a JSON document (status 200 only); :class:`FetchError` otherwise."""
        ...

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> HttpReply: ...

    async def post(
        self,
        url: str,
        *,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpReply: ...
