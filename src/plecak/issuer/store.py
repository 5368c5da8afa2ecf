"""The issuer's Redis keys and the atomic operations on them.

Keys written together in one transaction or Lua script share a Redis Cluster hash tag ``{…}``:
the issuer's records (achievements, credentials, idempotency keys) share ``{records}``; each status
list has its own tag, so lists spread over the cluster's masters.

Braces in a name are literal (the hash tag); ``<…>`` stands for a value.

issuer:profile                          JSON of the institution's profile
issuer:{records}:achievement:<uuid>     JSON record of one achievement
issuer:{records}:achievements           sorted set of achievement uuids by creation time
issuer:keys                             hash kid -> JSON (public key, sealed private key)
issuer:keys:active[:p256|:p384|:rsa]    kid of the active key of each type (Ed25519; P-256, P-384, RSA)
issuer:status:next                      counter; status index n is list n // L, position n % L
issuer:status:{<P>:<N>}                 bitmap of status list N of purpose P (SETBIT order = spec order)
issuer:status:{<P>:<N>}:version         bumped on every change of that list
issuer:status:{<P>:<N>}:log             stream of that list's status changes (audit trail)
issuer:status:{<P>:<N>}:signed[:2021]   JSON {version, body} of the last signed list credential
issuer:{records}:credential:<id>        JSON record of an issued credential
issuer:{records}:credentials            sorted set of credential ids by issue time
issuer:{records}:idem:<sha256(key)>     JSON idempotency record (pending or done)
issuer:{records}:credential-index       hash id -> JSON of what the registrar searches by (learner name,
                                        keyed e-mail index, achievement, title, issue time, status slot)
issuer:{records}:history:<id>           list of JSON status changes of one credential (registrar's view;
                                        the per-list streams above stay the complete audit trail), and
                                        its verification links made and withdrawn
issuer:{records}:link:<sha256(token)>   hash of one verification link (``shared_links.py``), expiring
issuer:{records}:links:<id>             sorted set of one credential's verification links by expiry
issuer:demo-seeded                      set once demo data was created
issuer:limit:<bucket>:<client>          requests from that client address this minute (``credential`` or
                                        ``read`` endpoints; plecak.issuer.limits), with a TTL

Renamed in 0.x for Redis Cluster (data written before is not migrated): ``issuer:achievement*``,
``issuer:credential*`` and ``issuer:idem:*`` gained the ``{records}`` tag; ``issuer:status:P:N*``
became ``issuer:status:{P:N}*``; the single ``issuer:status:log`` became one log per list.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from plecak.runtime.storage import RedisClient, indexed_json, reply_text, transaction

__all__ = ["IdempotencyConflict", "IssuerStore", "RevocationIsPermanent"]

P = "issuer:"
T = "issuer:{records}:"
"""Prefix of the keys that share the ``{records}`` hash tag (records written in one transaction)."""
IDEMPOTENCY_TTL = 7 * 24 * 3600
PENDING_TTL = 120

_SET_STATUS = """
local old = redis.call('GETBIT', KEYS[1], ARGV[1])
local new = tonumber(ARGV[2])
if ARGV[3] == '1' and old == 1 and new == 0 then return -1 end
if old ~= new then
  redis.call('SETBIT', KEYS[1], ARGV[1], new)
  redis.call('INCR', KEYS[2])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', 100000, '*', 'credential', ARGV[4], 'list', KEYS[1],
             'index', ARGV[1], 'value', ARGV[2])
end
return old
"""


class RevocationIsPermanent(Exception):
    """A revoked credential cannot be reinstated (Bitstring Status List: revocation is final)."""


class IdempotencyConflict(Exception):
    """An Idempotency-Key is in use by another request, or was used with a different body."""

    def __init__(self, reason: str, *, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        #: seconds until the key is free again, when another request holds it (the one in flight,
        #: or one a crash left behind: its claim expires after ``PENDING_TTL``)
        self.retry_after = retry_after


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def index_entry(record: dict[str, Any]) -> dict[str, Any]:
    """What the registrar's search keeps of a credential record (never the clear e-mail address)."""
    learner = record.get("learner") or {}
    credential = record.get("credential")
    title = record.get("title") or (credential.get("name") if isinstance(credential, dict) else None)
    if learner.get("name") is None and isinstance(credential, dict):
        subject = credential.get("credentialSubject")
        if isinstance(subject, dict) and isinstance(subject.get("name"), str):
            learner = {**learner, "name": subject["name"]}
    status = record.get("status")
    return {
        "id": record["id"],
        "name": learner.get("name") if isinstance(learner.get("name"), str) else "",
        "emailIndex": learner.get("emailIndex"),
        "achievement": record.get("achievement"),
        "title": title if isinstance(title, str) else "",
        "issuedAt": record.get("issuedAt", ""),
        "format": record.get("format", "ldp_vc"),
        "status": [status["list"], status["index"]] if isinstance(status, dict) else None,
    }


class IssuerStore:
    def __init__(self, redis: RedisClient) -> None:
        self.redis = redis
        self._set_status = redis.register_script(_SET_STATUS)

    async def _get_json(self, key: str) -> Any:
        raw = await self.redis.get(key)
        return None if raw is None else json.loads(raw)

    # -- profile -------------------------------------------------------------------------
    async def get_profile(self) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(P + "profile")
        return result

    async def set_profile(self, profile: dict[str, Any]) -> None:
        await self.redis.set(P + "profile", _dumps(profile))

    # -- achievements --------------------------------------------------------------------
    async def save_achievement(self, uuid: str, record: dict[str, Any], *, created: float) -> None:
        async with transaction(self.redis) as pipe:
            pipe.set(f"{T}achievement:{uuid}", _dumps(record))
            pipe.zadd(T + "achievements", {uuid: created}, nx=True)
            await pipe.execute()

    async def get_achievement(self, uuid: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(f"{T}achievement:{uuid}")
        return result

    async def list_achievements(self) -> list[dict[str, Any]]:
        return await indexed_json(self.redis, T + "achievements", T + "achievement:")

    async def count_achievements(self) -> int:
        return int(await self.redis.zcard(T + "achievements"))

    # -- signing keys --------------------------------------------------------------------
    async def active_kid(self, slot: str = "active") -> str | None:
        """The kid active in ``slot``, if any: one read (the key records are not fetched)."""
        active = await self.redis.get(P + "keys:" + slot)
        return reply_text(active) if active else None

    async def signing_keys(self, slot: str = "active") -> tuple[str | None, dict[str, dict[str, Any]]]:
        """The kid active in ``slot`` (``active``: Ed25519, ``active:p256``: ECDSA) and every key record."""
        active = await self.redis.get(P + "keys:" + slot)
        raw = await self.redis.hgetall(P + "keys")
        keys = {reply_text(k): json.loads(v) for k, v in raw.items()}
        return (reply_text(active) if active else None), keys

    async def add_signing_key(self, kid: str, record: dict[str, Any], slot: str = "active") -> bool:
        """Store a new key and make it active in ``slot`` unless another process won the race (then False)."""
        await self.redis.hset(P + "keys", kid, _dumps(record))
        won = await self.redis.set(P + "keys:" + slot, kid, nx=True)
        if not won:
            await self.redis.hdel(P + "keys", kid)
        return bool(won)

    # -- status lists --------------------------------------------------------------------
    async def allocate_status_index(self) -> int:
        """A fresh, never reused status index (atomic across processes)."""
        return int(await self.redis.incr(P + "status:next")) - 1

    async def allocated_indices(self) -> int:
        raw = await self.redis.get(P + "status:next")
        return int(raw or 0)

    @staticmethod
    def _list_key(purpose: str, list_no: int) -> str:
        return f"{P}status:{{{purpose}:{list_no}}}"

    async def set_status(
        self, purpose: str, list_no: int, index: int, value: bool, credential_id: str
    ) -> bool:
        """Set one bit; returns the previous value. Un-revoking raises :class:`RevocationIsPermanent`."""
        base = self._list_key(purpose, list_no)
        old = await self._set_status(
            keys=[base, base + ":version", base + ":log"],
            args=[index, 1 if value else 0, 1 if purpose == "revocation" else 0, credential_id],
        )
        if int(old) == -1:
            raise RevocationIsPermanent(credential_id)
        return bool(int(old))

    async def get_status_bit(self, purpose: str, list_no: int, index: int) -> bool:
        return bool(await self.redis.getbit(self._list_key(purpose, list_no), index))

    async def status_list_bits(self, purpose: str, list_no: int) -> tuple[bytes, int]:
        base = self._list_key(purpose, list_no)
        async with transaction(self.redis) as pipe:
            pipe.get(base)
            pipe.get(base + ":version")
            bits, version = await pipe.execute()
        return (bits or b""), int(version or 0)

    def _signed_key(self, cache_name: str, list_no: int) -> str:
        """``cache_name`` is the purpose, or ``2021:{purpose}`` for the StatusList2021 form."""
        legacy, _, purpose = cache_name.rpartition(":")
        return self._list_key(purpose, list_no) + ":signed" + (f":{legacy}" if legacy else "")

    async def cached_status_list(self, purpose: str, list_no: int) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(self._signed_key(purpose, list_no))
        return result

    async def cache_status_list(self, purpose: str, list_no: int, record: dict[str, Any]) -> None:
        await self.redis.set(self._signed_key(purpose, list_no), _dumps(record))

    # -- credentials and idempotency -----------------------------------------------------
    async def begin_idempotent(
        self, key_hash: str, request_hash: str, *, legacy: str | None = None
    ) -> dict[str, Any] | None:
        """Claim an idempotency key. Returns the finished record if the request was already done.

        ``legacy`` is the same request's digest as an older version computed it (still accepted)."""
        key = f"{T}idem:{key_hash}"
        pending = _dumps({"state": "pending", "request": request_hash})
        if await self.redis.set(key, pending, nx=True, ex=PENDING_TTL):
            return None
        existing = await self._get_json(key)
        if existing is None:  # expired between the two calls: try once more
            if await self.redis.set(key, pending, nx=True, ex=PENDING_TTL):
                return None
            existing = await self._get_json(key)
        if existing is None or existing.get("request") not in (request_hash, legacy or request_hash):
            raise IdempotencyConflict("this Idempotency-Key was already used for a different request")
        if existing.get("state") != "done":
            remaining_ms = int(await self.redis.pttl(key))
            raise IdempotencyConflict(
                "a request with this Idempotency-Key is still being processed",
                retry_after=max(1, math.ceil(remaining_ms / 1000)) if remaining_ms > 0 else 1,
            )
        result: dict[str, Any] = existing
        return result

    async def abort_idempotent(self, key_hash: str) -> None:
        await self.redis.delete(f"{T}idem:{key_hash}")

    async def save_credential(
        self, record: dict[str, Any], *, idempotency: tuple[str, str] | None = None
    ) -> None:
        """Store an issued credential, its search entry (and finish its idempotency key) in one
        transaction."""
        cred_id = record["id"]
        async with transaction(self.redis) as pipe:
            pipe.set(f"{T}credential:{cred_id}", _dumps(record))
            pipe.zadd(T + "credentials", {cred_id: time.time()})
            pipe.hset(T + "credential-index", cred_id, _dumps(index_entry(record)))
            if idempotency is not None:
                key_hash, request_hash = idempotency
                done = {"state": "done", "request": request_hash, "credential": cred_id}
                pipe.set(f"{T}idem:{key_hash}", _dumps(done), ex=IDEMPOTENCY_TTL)
            await pipe.execute()

    async def get_credential(self, credential_id: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(f"{T}credential:{credential_id}")
        return result

    async def credential_index(self) -> list[dict[str, Any]]:
        """Every credential's search entry; records saved before the index existed are added now."""
        await self._backfill_index()
        raw = await self.redis.hgetall(T + "credential-index")
        return [json.loads(v) for v in raw.values()]

    async def _backfill_index(self, batch: int = 500) -> None:
        if int(await self.redis.hlen(T + "credential-index")) >= await self.count_credentials():
            return
        ids = [reply_text(i) for i in await self.redis.zrange(T + "credentials", 0, -1)]
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            present = await self.redis.hmget(T + "credential-index", chunk)
            missing = [i for i, entry in zip(chunk, present, strict=True) if entry is None]
            if not missing:
                continue
            raws = await self.redis.mget([f"{T}credential:{i}" for i in missing])
            entries: dict[Any, Any] = {
                i: _dumps(index_entry(json.loads(r)))
                for i, r in zip(missing, raws, strict=True)
                if r is not None
            }
            if entries:
                await self.redis.hset(T + "credential-index", mapping=entries)

    async def add_history(self, credential_id: str, event: dict[str, Any]) -> None:
        await self.redis.rpush(f"{T}history:{credential_id}", _dumps(event))

    async def history(self, credential_id: str) -> list[dict[str, Any]]:
        return [json.loads(e) for e in await self.redis.lrange(f"{T}history:{credential_id}", 0, -1)]

    async def status_bits(self, slots: list[tuple[str, int, int]]) -> list[bool]:
        """The bits at (purpose, list, index) ``slots``, read in one round trip."""
        if not slots:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for purpose, list_no, index in slots:
            pipe.getbit(self._list_key(purpose, list_no), index)
        return [bool(b) for b in await pipe.execute()]

    async def count_credentials(self) -> int:
        return int(await self.redis.zcard(T + "credentials"))

    async def mark_demo_seeded(self) -> bool:
        return bool(await self.redis.set(P + "demo-seeded", "1", nx=True))
