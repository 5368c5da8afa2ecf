"""Verification links of issued credentials: what the QR code of a PDF made by the registrar opens.

A learner's share link lives in the learner's wallet, which the issuer cannot reach; so a PDF the
registrar downloads carries a link the issuer controls instead. It serves the signed credential
(``GET /credentials/shared/{token}``), expires, and the registrar can withdraw it.

The token is 256 random bits; Redis keeps only its SHA-256 (the link's id), so nobody reading the
database can open a link, and the registrar screens cannot show a link again. A link's record
outlives its expiry by :data:`GRACE_SECONDS` so that a late scan reads "expired" (410) rather than
"no such link" (404); then Redis drops it.

Keys (next to the issuer's records, in the same ``{records}`` hash tag, so one transaction or script
writes a link, its credential's list of links and the credential's history together)::

    issuer:{records}:link:<sha256(token)>     hash: credential, created, expires, revoked, language
    issuer:{records}:links:<credential id>    sorted set of the credential's link ids by expiry
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from plecak.core.timeutil import format_datetime, utc_now
from plecak.runtime.storage import RedisClient, reply_text, transaction

from .issued import NotFound

__all__ = ["GRACE_SECONDS", "LinkGone", "SharedLink", "SharedLinks"]

GRACE_SECONDS = 30 * 86400

_T = "issuer:{records}:"

_REVOKE = """
if redis.call('HGET', KEYS[1], 'credential') ~= ARGV[1] then return -1 end
if redis.call('HGET', KEYS[1], 'revoked') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'revoked', '1')
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1
"""


class LinkGone(Exception):
    """The link was withdrawn or has expired (410): ``reason`` is ``revoked`` or ``expired``."""

    def __init__(self, reason: str) -> None:
        gone = "the issuer withdrew this verification link" if reason == "revoked" else "this link has expired"
        super().__init__(gone)
        self.reason = reason


@dataclass(frozen=True)
class SharedLink:
    id: str
    """The SHA-256 of the token, in hex: names the link without opening it."""
    credential_id: str
    created: float
    expires: float
    revoked: bool
    language: str

    @property
    def state(self) -> str:
        if self.revoked:
            return "revoked"
        return "expired" if time.time() >= self.expires else "active"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "credentialId": self.credential_id,
            "created": _when(self.created),
            "expires": _when(self.expires),
            "state": self.state,
            "language": self.language,
        }


def _when(seconds: float) -> str:
    from datetime import UTC, datetime

    return format_datetime(datetime.fromtimestamp(seconds, UTC))


def link_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _event(event: str, link: str, **more: Any) -> str:
    body = {"at": format_datetime(utc_now()), "event": event, "link": link, **more}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


class SharedLinks:
    """Making, listing, withdrawing and opening verification links (the credential itself is read by the caller)."""

    def __init__(self, redis: RedisClient) -> None:
        self.redis = redis
        self._revoke = redis.register_script(_REVOKE)

    @staticmethod
    def new(credential_id: str, *, days: int, language: str) -> tuple[str, SharedLink]:
        """A new link to ``credential_id`` for ``days`` days, not yet saved; the token exists only here."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        return token, SharedLink(link_id(token), credential_id, now, now + days * 86400, False, language)

    async def save(self, link: SharedLink, *, pdf: bool) -> None:
        """Store ``link`` (it works from now on). The link, its place in the credential's list and a
        history event (``link-made``, naming the PDF's language when made for a PDF) are written in
        one transaction."""
        key = f"{_T}link:{link.id}"
        record: dict[Any, Any] = {
            "credential": link.credential_id,
            "created": repr(link.created),
            "expires": repr(link.expires),
            "revoked": "0",
            "language": link.language,
        }
        extra = {"pdf": link.language} if pdf else {}
        event = _event("link-made", link.id, expires=_when(link.expires), **extra)
        async with transaction(self.redis) as pipe:
            pipe.hset(key, mapping=record)
            pipe.expire(key, max(1, int(link.expires - time.time())) + GRACE_SECONDS)
            pipe.zadd(f"{_T}links:{link.credential_id}", {link.id: link.expires})
            pipe.rpush(f"{_T}history:{link.credential_id}", event)
            await pipe.execute()

    async def _get(self, ident: str) -> SharedLink | None:
        raw = await self.redis.hgetall(f"{_T}link:{ident}")
        if not raw:
            return None
        record = {reply_text(k): reply_text(v) for k, v in raw.items()}
        return SharedLink(
            id=ident,
            credential_id=record["credential"],
            created=float(record["created"]),
            expires=float(record["expires"]),
            revoked=record.get("revoked") == "1",
            language=record.get("language", ""),
        )

    async def list(self, credential_id: str) -> list[SharedLink]:
        """The credential's links still known (newest expiry first); forgotten ones are dropped from its list."""
        key = f"{_T}links:{credential_id}"
        ids = [reply_text(i) for i in await self.redis.zrevrange(key, 0, 199)]
        links, gone = [], []
        for ident in ids:
            link = await self._get(ident)
            if link is None:
                gone.append(ident)
            else:
                links.append(link)
        if gone:
            await self.redis.zrem(key, *gone)
        return links

    async def revoke(self, credential_id: str, ident: str) -> bool:
        """Withdraw a link of ``credential_id``: ``True`` if this call withdrew it, ``False`` if it
        already was; :class:`NotFound` for a link this credential does not have (or no longer has)."""
        if len(ident) != 64 or not all(c in "0123456789abcdef" for c in ident):
            raise NotFound("no such verification link")
        keys = [f"{_T}link:{ident}", f"{_T}history:{credential_id}"]
        done = int(await self._revoke(keys=keys, args=[credential_id, _event("link-revoked", ident)]))
        if done < 0:
            raise NotFound("no such verification link of this credential")
        return done == 1

    async def open(self, token: str) -> str:
        """The id of the credential behind ``token``; :class:`NotFound` or :class:`LinkGone`."""
        if not 20 <= len(token) <= 128 or not token.isascii():
            raise NotFound("no such verification link")
        link = await self._get(link_id(token))
        if link is None:
            raise NotFound("no such verification link (it may have expired long ago)")
        if link.state != "active":
            raise LinkGone(link.state)
        return link.credential_id
