"""Redis keys of passkeys (WebAuthn credentials) and their ceremonies.

Every operation touches one key (a single command or a one-key Lua script), so no two keys here
need one slot on Redis Cluster; the per-account hash still carries the account's ``{<uid>}`` tag
like the wallet's other per-user keys.

wallet:passkeys:{<uid>}            hash per account: ``{cred}`` -> JSON {public_key, name, created,
                                   transports, aaguid, backed_up}; ``{cred}:count`` -> signature
                                   counter; ``{cred}:used`` -> last sign-in (unix time) or "" –
                                   ``{cred}`` is the credential id in base64url
wallet:passkey:<cred>             uid owning that credential id (written first, with NX)
wallet:ceremony:<sha256(sid)>:<kind>  JSON {challenge, uid|null} of the session's pending
                                   registration or sign-in; taken (GETDEL) once; short TTL
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from plecak.runtime.storage import Keys, RedisClient, reply_text

__all__ = ["PasskeyStore", "StoredPasskey"]

K = Keys("wallet")

# Compare-and-set of a signature counter: a concurrent sign-in with the same counter loses.
_USE = """
local current = redis.call('HGET', KEYS[1], ARGV[1] .. ':count')
if current == false then return -1 end
if tonumber(current) ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1] .. ':count', ARGV[3], ARGV[1] .. ':used', ARGV[4])
return 1
"""

# Remove a passkey unless it is the account's last way in (no password and no other passkey).
_REMOVE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end
if ARGV[2] ~= '1' and redis.call('HLEN', KEYS[1]) <= 3 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[1] .. ':count', ARGV[1] .. ':used')
return 1
"""


class StoredPasskey(dict[str, Any]):
    """One passkey's record: the JSON fields plus ``id``, ``sign_count`` and ``last_used``."""


class PasskeyStore:
    def __init__(self, redis: RedisClient) -> None:
        self.redis = redis
        self._use = redis.register_script(_USE)
        self._remove = redis.register_script(_REMOVE)

    # -- ceremonies ----------------------------------------------------------------------
    async def save_ceremony(self, sid_hash: str, kind: str, data: Mapping[str, Any], ttl: int) -> None:
        await self.redis.set(K("ceremony", sid_hash, kind), json.dumps(dict(data)), ex=ttl)

    async def take_ceremony(self, sid_hash: str, kind: str) -> dict[str, Any] | None:
        """The pending ceremony of a session, deleted as it is read (a challenge is used once)."""
        raw = await self.redis.getdel(K("ceremony", sid_hash, kind))
        return None if raw is None else dict(json.loads(raw))

    # -- passkeys ------------------------------------------------------------------------
    async def claim(self, cred: str, uid: str) -> bool:
        """Reserve a credential id for ``uid``; ``False`` if some account already has it."""
        return bool(await self.redis.set(K("passkey", cred), uid, nx=True))

    async def release(self, cred: str, uid: str) -> None:
        """Undo :meth:`claim` (only ``uid``'s own claim)."""
        if await self.owner(cred) == uid:
            await self.redis.delete(K("passkey", cred))

    async def owner(self, cred: str) -> str | None:
        raw = await self.redis.get(K("passkey", cred))
        return None if raw is None else reply_text(raw)

    async def add(self, uid: str, cred: str, record: Mapping[str, Any], sign_count: int) -> None:
        """Store a passkey (one HSET: all three fields or none); call :meth:`claim` first."""
        await self.redis.hset(
            K.tagged("passkeys", uid),
            mapping={cred: json.dumps(dict(record)), f"{cred}:count": str(sign_count), f"{cred}:used": ""},
        )

    async def list(self, uid: str) -> list[StoredPasskey]:
        raw = {reply_text(k): reply_text(v) for k, v in (await self.redis.hgetall(K.tagged("passkeys", uid))).items()}
        out = []
        for name, value in raw.items():
            if ":" in name:
                continue
            item = StoredPasskey(json.loads(value))
            item["id"] = name
            item["sign_count"] = int(raw.get(f"{name}:count") or 0)
            used = raw.get(f"{name}:used") or ""
            item["last_used"] = int(used) if used else None
            out.append(item)
        out.sort(key=lambda p: p.get("created", 0))
        return out

    async def get(self, uid: str, cred: str) -> StoredPasskey | None:
        record, count, used = await self.redis.hmget(
            K.tagged("passkeys", uid), [cred, f"{cred}:count", f"{cred}:used"]
        )
        if record is None:
            return None
        item = StoredPasskey(json.loads(record))
        item["id"] = cred
        item["sign_count"] = int(reply_text(count or b"0") or 0)
        used_text = reply_text(used or b"")
        item["last_used"] = int(used_text) if used_text else None
        return item

    async def count(self, uid: str) -> int:
        return int(await self.redis.hlen(K.tagged("passkeys", uid))) // 3

    async def use(self, uid: str, cred: str, old_count: int, new_count: int, when: int) -> bool:
        """Move the counter from ``old_count`` to ``new_count`` and stamp the sign-in, atomically."""
        key = K.tagged("passkeys", uid)
        return int(await self._use(keys=[key], args=[cred, old_count, new_count, when])) == 1

    async def remove(self, uid: str, cred: str, *, has_password: bool) -> int:
        """1 removed, 0 refused (the last way to sign in), -1 no such passkey."""
        key = K.tagged("passkeys", uid)
        result = int(await self._remove(keys=[key], args=[cred, "1" if has_password else "0"]))
        if result == 1:
            await self.redis.delete(K("passkey", cred))
        return result
