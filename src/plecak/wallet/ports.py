"""What the domain code needs from the outside world, as protocols (implemented in :mod:`wallet.net`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict, Unpack

__all__ = ["FetchError", "HttpClient", "HttpReply", "PostOptions"]


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


class PostOptions(TypedDict, total=False):
    """What a POST sends besides its URL."""

    form: Mapping[str, str] | None
    """Sent form-encoded (``application/x-www-form-urlencoded``)."""
    json_body: Any
    """Sent as JSON when there is no ``form``."""
    headers: Mapping[str, str] | None


class HttpClient(Protocol):
    def check_url(self, url: Any) -> str:
        """``url`` if the wallet may fetch it (https, or http to an allowed development host)."""
        ...

    async def get_json(self, url: str) -> Any:
        """GET a JSON document (status 200 only); :class:`FetchError` otherwise."""
        ...

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> HttpReply: ...

    async def post(self, url: str, **options: Unpack[PostOptions]) -> HttpReply:
        """POST a form (or a JSON body, or nothing) with ``headers``; redirects are not followed."""
        ...
