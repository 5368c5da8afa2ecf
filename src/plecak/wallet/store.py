"""The wallet's Redis keys and the operations on them.

Every key starts with ``wallet:``. Sealed values are AES-256-GCM blobs (:class:`plecak.core.crypto.secretbox.SecretBox`)
whose associated data names the user (see :mod:`wallet.vault`), so a blob copied to another
user's record does not open.

Braces are literal hash tags: a user's keys share the tag ``{<uid>}``, so the transactions over
them stay in one Redis Cluster slot; ``<…>`` stands for a value.

wallet:user:{<uid>}                hash: email, password (argon2id), did, key (sealed holder seed),
                                   created, lang
wallet:email:<sha256(email)>       uid of the account with that (normalised) e-mail address
wallet:session:<sha256(sid)>       JSON {uid|null, csrf, created, flash[]}; TTL = session lifetime
wallet:cred:{<uid>}                hash credential id (local) -> sealed JSON {credential, added, source}
wallet:creds:{<uid>}               sorted set of local credential ids by time added
wallet:status:{<uid>}:<cid>        JSON of the last status check of one credential; TTL a minute
wallet:statuslist:<sha256(url)>    a fetched status list credential (public data); TTL a minute
wallet:share:<sha256(token)>       hash: uid, created, expires, one_time, uses, revoked, count,
                                   sealed (JSON {vp, titles}) – the share link's token is never stored
wallet:shares:{<uid>}              sorted set of share hashes by creation time (may name shares
                                   that are gone: readers skip and forget those)
wallet:programmes:{<uid>}          hash sha256(pathway URL)[:32] -> sealed JSON of a followed pathway
                                   (see wallet.pathways; the key keeps its older name)
wallet:pending:{<uid>}:<id>        JSON of an offer or presentation request the learner is looking at;
                                   TTL 15 minutes
wallet:limit:email:<sha256(email)> failed sign-ins for that e-mail (from any client) in the window
wallet:limit:pair:<sha256(email, client)>  sign-in attempts for that e-mail from that client address
                                   since its last success, in the current window
wallet:limit:ip:<ip>               sign-in attempts from that address in the current window
wallet:limit:frames:<ip>           camera frames (POST /scan/frame) from that address this minute
wallet:limit:slot:<sha256(email)>  when the next throttled attempt for that e-mail may be evaluated
                                   (only used after many failures from many clients)

Renamed in 0.x for Redis Cluster (no migration): the per-user keys gained the ``{<uid>}`` tag.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from plecak.runtime.storage import Keys, RedisClient, reply_text, transaction

__all__ = ["PENDING_SECONDS", "SHARE_GRACE_SECONDS", "WalletStore", "digest"]

K = Keys("wallet")
PENDING_SECONDS = 15 * 60
SHARE_GRACE_SECONDS = 30 * 86400
"""How long an expired or revoked share is remembered (answers 410 rather than 404)."""


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# INCR, and start the window on the first hit (works on Redis 6, which lacks EXPIRE … NX).
_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def _mapping(fields: Mapping[str, Any]) -> dict[Any, Any]:
    return dict(fields)


# One evaluation slot per ARGV[2] seconds: 0 if this caller takes the slot (now = ARGV[1]), else how
# long until the next one. The key expires after ARGV[3] seconds of no use.
_SLOT = """
local now = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < nxt then return tostring(nxt - now) end
redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[2])), 'EX', ARGV[3])
return '0'
"""


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class WalletStore:
    def __init__(self, redis: RedisClient) -> None:
        self.redis = redis
        self._hit = redis.register_script(_HIT)
        self._slot = redis.register_script(_SLOT)

    async def _get_json(self, key: str) -> Any:
        raw = await self.redis.get(key)
        return None if raw is None else json.loads(raw)

    # -- accounts ------------------------------------------------------------------------
    async def claim_email(self, email_hash: str, uid: str) -> bool:
        """Reserve an e-mail address for ``uid``; ``False`` if an account already has it."""
        return bool(await self.redis.set(K("email", email_hash), uid, nx=True))

    async def uid_for_email(self, email_hash: str) -> str | None:
        raw = await self.redis.get(K("email", email_hash))
        return None if raw is None else reply_text(raw)

    async def save_user(self, uid: str, fields: Mapping[str, str]) -> None:
        await self.redis.hset(K.tagged("user", uid), mapping=_mapping(fields))

    async def get_user(self, uid: str) -> dict[str, str] | None:
        raw = await self.redis.hgetall(K.tagged("user", uid))
        return {reply_text(k): reply_text(v) for k, v in raw.items()} if raw else None

    async def set_user_field(self, uid: str, name: str, value: str) -> None:
        await self.redis.hset(K.tagged("user", uid), name, value)

    # -- sessions ------------------------------------------------------------------------
    async def save_session(self, sid_hash: str, data: Mapping[str, Any], ttl: int) -> None:
        await self.redis.set(K("session", sid_hash), _dumps(data), ex=ttl)

    async def get_session(self, sid_hash: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(K("session", sid_hash))
        return result

    async def update_session(self, sid_hash: str, data: Mapping[str, Any]) -> None:
        await self.redis.set(K("session", sid_hash), _dumps(data), keepttl=True, xx=True)

    async def touch_session(self, sid_hash: str, ttl: int) -> None:
        await self.redis.expire(K("session", sid_hash), ttl)

    async def delete_session(self, sid_hash: str) -> None:
        await self.redis.delete(K("session", sid_hash))

    # -- sign-in rate limits -------------------------------------------------------------
    async def hit(self, kind: str, who: str, window: int) -> int:
        """Count one event for ``kind``/``who`` in a fixed window; returns the count so far."""
        return int(await self._hit(keys=[K("limit", kind, who)], args=[window]))

    async def hits(self, kind: str, who: str) -> int:
        return int(await self.redis.get(K("limit", kind, who)) or 0)

    async def clear_hits(self, kind: str, who: str) -> None:
        await self.redis.delete(K("limit", kind, who))

    async def take_slot(self, who: str, now: float, every: float, keep: int) -> float:
        """0 if an attempt for ``who`` may go ahead now (at most one per ``every`` seconds), else the wait."""
        wait = await self._slot(keys=[K("limit", "slot", who)], args=[repr(now), repr(every), keep])
        return float(reply_text(wait))

    # -- credentials ---------------------------------------------------------------------
    async def add_credentials(self, uid: str, sealed: Mapping[str, tuple[bytes, float]]) -> None:
        """Store sealed credentials ``{local id: (blob, time added)}`` in one transaction."""
        if not sealed:
            return
        async with transaction(self.redis) as pipe:
            pipe.hset(
                K.tagged("cred", uid), mapping=_mapping({cid: blob for cid, (blob, _) in sealed.items()})
            )
            pipe.zadd(K.tagged("creds", uid), {cid: added for cid, (_, added) in sealed.items()})
            await pipe.execute()

    async def credential_blobs(self, uid: str) -> list[tuple[str, bytes]]:
        """Every sealed credential of ``uid``, newest first."""
        ids = [reply_text(i) for i in await self.redis.zrevrange(K.tagged("creds", uid), 0, -1)]
        if not ids:
            return []
        blobs = await self.redis.hmget(K.tagged("cred", uid), ids)
        return [(cid, _bytes(blob)) for cid, blob in zip(ids, blobs, strict=True) if blob is not None]

    async def credential_blob(self, uid: str, cid: str) -> bytes | None:
        blob = await self.redis.hget(K.tagged("cred", uid), cid)
        return None if blob is None else _bytes(blob)

    async def count_credentials(self, uid: str) -> int:
        return int(await self.redis.zcard(K.tagged("creds", uid)))

    async def delete_credential(self, uid: str, cid: str) -> bool:
        async with transaction(self.redis) as pipe:
            pipe.hdel(K.tagged("cred", uid), cid)
            pipe.zrem(K.tagged("creds", uid), cid)
            pipe.delete(K.tagged("status", uid, cid))
            removed, _, _ = await pipe.execute()
        return bool(removed)

    async def replace_holder_key_and_add(
        self, uid: str, fields: Mapping[str, str], sealed: Mapping[str, tuple[bytes, float]]
    ) -> None:
        """Import: set the holder key fields and add credentials in one transaction."""
        async with transaction(self.redis) as pipe:
            pipe.hset(K.tagged("user", uid), mapping=_mapping(fields))
            if sealed:
                pipe.hset(
                    K.tagged("cred", uid), mapping=_mapping({cid: blob for cid, (blob, _) in sealed.items()})
                )
                pipe.zadd(K.tagged("creds", uid), {cid: added for cid, (_, added) in sealed.items()})
            await pipe.execute()

    # -- status caches -------------------------------------------------------------------
    async def cached_status(self, uid: str, cid: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(K.tagged("status", uid, cid))
        return result

    async def cache_status(self, uid: str, cid: str, status: Mapping[str, Any], ttl: int) -> None:
        if ttl > 0:
            await self.redis.set(K.tagged("status", uid, cid), _dumps(status), ex=ttl)

    async def cached_status_list(self, url: str) -> Any:
        return await self._get_json(K("statuslist", digest(url)))

    async def cache_status_list(self, url: str, document: Any, ttl: int) -> None:
        if ttl > 0:
            await self.redis.set(K("statuslist", digest(url)), _dumps(document), ex=ttl)

    # -- pending offers and requests -----------------------------------------------------
    async def save_pending(self, uid: str, pid: str, data: Mapping[str, Any]) -> None:
        await self.redis.set(K.tagged("pending", uid, pid), _dumps(data), ex=PENDING_SECONDS)

    async def get_pending(self, uid: str, pid: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(K.tagged("pending", uid, pid))
        return result

    async def take_pending(self, uid: str, pid: str) -> dict[str, Any] | None:
        """Get and delete: a pending offer or request is acted on once."""
        raw = await self.redis.getdel(K.tagged("pending", uid, pid))
        return None if raw is None else dict(json.loads(raw))

    # -- shares --------------------------------------------------------------------------
    async def save_share(self, uid: str, share_hash: str, fields: Mapping[str, Any], ttl: int) -> None:
        """The user's index first, the share last (they live in different cluster slots): an index
        entry whose share was never written is skipped and forgotten by ``wallet.shares`` when listing."""
        key = K("share", share_hash)
        await self.redis.zadd(K.tagged("shares", uid), {share_hash: float(fields["created"])})
        async with transaction(self.redis) as pipe:
            pipe.hset(key, mapping=_mapping(fields))
            pipe.expire(key, ttl)
            await pipe.execute()

    async def get_share(self, share_hash: str) -> dict[str, Any] | None:
        raw = await self.redis.hgetall(K("share", share_hash))
        if not raw:
            return None
        return {reply_text(k): (_bytes(v) if reply_text(k) == "sealed" else reply_text(v)) for k, v in raw.items()}

    async def use_share(self, share_hash: str) -> int:
        """Count one use of a share; returns the number of uses including this one."""
        return int(await self.redis.hincrby(K("share", share_hash), "uses", 1))

    async def revoke_share(self, uid: str, share_hash: str) -> bool:
        key = K("share", share_hash)
        owner = await self.redis.hget(key, "uid")
        if owner is None or reply_text(owner) != uid:
            return False
        await self.redis.hset(key, "revoked", "1")
        return True

    async def share_hashes(self, uid: str) -> list[str]:
        hashes = [reply_text(h) for h in await self.redis.zrevrange(K.tagged("shares", uid), 0, -1)]
        return hashes

    async def forget_shares(self, uid: str, hashes: list[str]) -> None:
        if hashes:
            await self.redis.zrem(K.tagged("shares", uid), *hashes)
