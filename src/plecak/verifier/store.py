"""The verifier's Redis keys and the operations on them.

verifier:trusted                     hash DID -> JSON trust-registry entry (name, country, accreditation …)
verifier:challenge:{sha256}          replay guard: set when a presentation first uses it (SET NX EX)
verifier:result:{id}                 verification result shown at /results/{id}: "z1:" + zlib(JSON)
                                     (plain JSON before 0.x); expires, 8 h default
verifier:limit:checks:{client}       checks started from that client address in the current window
verifier:limit:frames:{client}       camera frames (POST /scan/frame) from that client address this minute
verifier:request:{rid}               JSON OpenID4VP presentation request (expires some time after the request)
verifier:request:{rid}:answer        JSON answer to that request: processing, or the result id (SET NX)
verifier:transaction:{tx}            rid of the request the employer's page {tx} follows (same expiry)
verifier:csrf-key                    random key signing form tokens, created once (SET NX)

Ids (``id``, ``rid``, ``tx``) are random, URL-safe and unguessable; challenges are stored hashed.
No operation here touches two keys at once (Redis Cluster: every key may live on its own master).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import zlib
from typing import Any

from plecak.runtime.storage import RedisClient

__all__ = ["VerifierStore", "new_id"]

P = "verifier:"


_COMPRESSED = b"z1:"


def new_id() -> str:
    """A fresh unguessable identifier (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class VerifierStore:
    def __init__(self, redis: RedisClient) -> None:
        self.redis = redis

    async def _get_json(self, key: str) -> Any:
        raw = await self.redis.get(key)
        return None if raw is None else json.loads(raw)

    # -- trust registry ------------------------------------------------------------------
    async def trusted_issuers(self) -> dict[str, dict[str, Any]]:
        raw = await self.redis.hgetall(P + "trusted")
        return {_text(k): json.loads(v) for k, v in raw.items()}

    async def trusted_issuer(self, did: str) -> dict[str, Any] | None:
        raw = await self.redis.hget(P + "trusted", did)
        return None if raw is None else dict(json.loads(raw))

    async def put_trusted_issuer(self, did: str, entry: dict[str, Any]) -> bool:
        """Store an entry; ``True`` if the DID was not in the registry before."""
        return bool(await self.redis.hset(P + "trusted", did, _dumps(entry)))

    async def delete_trusted_issuer(self, did: str) -> bool:
        return bool(await self.redis.hdel(P + "trusted", did))

    # -- challenges ----------------------------------------------------------------------
    async def use_challenge(self, challenge: str, seconds: int) -> bool:
        """``True`` the first time ``challenge`` is used, ``False`` on every later use."""
        digest = hashlib.sha256(challenge.encode("utf-8")).hexdigest()
        return bool(await self.redis.set(f"{P}challenge:{digest}", "1", nx=True, ex=seconds))

    # -- results -------------------------------------------------------------------------
    async def save_result(self, result_id: str, record: dict[str, Any], seconds: int) -> None:
        """Stored compactly: zlib-compressed JSON behind a ``z1:`` marker."""
        packed = _COMPRESSED + zlib.compress(_dumps(record).encode("utf-8"), 6)
        await self.redis.set(f"{P}result:{result_id}", packed, ex=seconds)

    async def get_result(self, result_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(f"{P}result:{result_id}")
        if raw is None:
            return None
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        if data.startswith(_COMPRESSED):
            data = zlib.decompress(data[len(_COMPRESSED) :])
        result: dict[str, Any] = json.loads(data)  # a result stored before compression: plain JSON
        return result

    # -- presentation requests -----------------------------------------------------------
    async def save_request(self, record: dict[str, Any], seconds: int) -> None:
        """Two keys in different cluster slots, so no transaction: the transaction's pointer is
        written first and the request last; a pointer to a request never written reads as an
        unknown request (``get_request`` is ``None``), so a crash in between leaves nothing usable."""
        await self.redis.set(f"{P}transaction:{record['transaction']}", record["id"], ex=seconds)
        await self.redis.set(f"{P}request:{record['id']}", _dumps(record), ex=seconds)

    async def get_request(self, rid: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(f"{P}request:{rid}")
        return result

    async def request_of_transaction(self, tx: str) -> str | None:
        raw = await self.redis.get(f"{P}transaction:{tx}")
        return None if raw is None else _text(raw)

    async def claim_answer(self, rid: str, seconds: int) -> bool:
        """Mark the request as being answered; ``False`` if it already was (one answer per request)."""
        value = _dumps({"state": "processing"})
        return bool(await self.redis.set(f"{P}request:{rid}:answer", value, nx=True, ex=seconds))

    async def save_answer(self, rid: str, answer: dict[str, Any], seconds: int) -> None:
        await self.redis.set(f"{P}request:{rid}:answer", _dumps(answer), ex=seconds)

    async def release_answer(self, rid: str) -> None:
        await self.redis.delete(f"{P}request:{rid}:answer")

    async def get_answer(self, rid: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._get_json(f"{P}request:{rid}:answer")
        return result

    # -- form tokens ---------------------------------------------------------------------
    async def csrf_key(self) -> bytes:
        """The key signing form tokens, shared by every verifier process on this Redis."""
        key = P + "csrf-key"
        await self.redis.set(key, secrets.token_hex(32), nx=True)
        raw = await self.redis.get(key)
        assert raw is not None
        return bytes.fromhex(_text(raw))
