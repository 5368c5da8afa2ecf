"""Redis keys of pathways, trusted institutions and certificate claims.

issuer:{prog}:programme:{uuid}           JSON record of one pathway
issuer:{prog}:programmes                 sorted set of pathway uuids by creation time
issuer:{prog}:trusted                    hash issuer DID -> JSON {name, country}
issuer:{prog}:claim-nonce:{nonce}        pathway uuid a claim challenge was issued for (expires)
issuer:{prog}:claimed:{uuid}:{sha256}    id of the certificate issued to a holder DID for a pathway
issuer:{prog}:claiming:{uuid}:{sha256}   set while a claim of that holder is being issued (expires)

The key strings keep the name pathways had before ("programme"), so data
written by earlier versions is read as it is; only the helpers below use the new name.
The ``{prog}`` hash tag keeps keys written in one transaction in one Redis Cluster slot.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from plecak.runtime.storage import RedisClient, indexed_json, reply_text, transaction

__all__ = ["PathwayStore"]

P = "issuer:{prog}:"
PATHWAY = P + "programme:"  # + uuid: one pathway (stored name kept, see above)
PATHWAY_INDEX = P + "programmes"
NONCE_TTL = 300


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class PathwayStore:
    def __init__(self, redis: RedisClient) -> None:
        self.redis = redis

    async def save(self, uuid: str, record: dict[str, Any]) -> None:
        async with transaction(self.redis) as pipe:
            pipe.set(PATHWAY + uuid, _dumps(record))
            pipe.zadd(PATHWAY_INDEX, {uuid: time.time()}, nx=True)
            await pipe.execute()

    async def get(self, uuid: str) -> dict[str, Any] | None:
        raw = await self.redis.get(PATHWAY + uuid)
        return None if raw is None else dict(json.loads(raw))

    async def all(self) -> list[dict[str, Any]]:
        return await indexed_json(self.redis, PATHWAY_INDEX, PATHWAY)

    # -- trusted institutions ---------------------------------------------------------------
    async def trusted(self) -> dict[str, dict[str, Any]]:
        raw = await self.redis.hgetall(P + "trusted")
        return {reply_text(k): json.loads(v) for k, v in raw.items()}

    async def trust(self, did: str, entry: dict[str, Any]) -> None:
        await self.redis.hset(P + "trusted", did, _dumps(entry))

    async def distrust(self, did: str) -> bool:
        return bool(await self.redis.hdel(P + "trusted", did))

    # -- certificate claims -----------------------------------------------------------------
    async def new_nonce(self, nonce: str, pathway_uuid: str) -> None:
        await self.redis.set(f"{P}claim-nonce:{nonce}", pathway_uuid, ex=NONCE_TTL)

    async def consume_nonce(self, nonce: str) -> str | None:
        """The pathway a challenge was issued for, once; ``None`` if unknown, expired or used."""
        raw = await self.redis.getdel(f"{P}claim-nonce:{nonce}")
        return None if raw is None else reply_text(raw)

    @staticmethod
    def _claimed_key(pathway_uuid: str, holder: str) -> str:
        return f"{P}claimed:{pathway_uuid}:{hashlib.sha256(holder.encode()).hexdigest()}"

    async def claimed(self, pathway_uuid: str, holder: str) -> str | None:
        raw = await self.redis.get(self._claimed_key(pathway_uuid, holder))
        return None if raw is None else reply_text(raw)

    async def begin_claim(self, pathway_uuid: str, holder: str) -> bool:
        """Take the holder's claim lock for a pathway; ``False`` if another claim holds it."""
        key = self._claimed_key(pathway_uuid, holder).replace(":claimed:", ":claiming:")
        return bool(await self.redis.set(key, "1", nx=True, ex=60))

    async def end_claim(self, pathway_uuid: str, holder: str) -> None:
        await self.redis.delete(self._claimed_key(pathway_uuid, holder).replace(":claimed:", ":claiming:"))

    async def mark_claimed(self, pathway_uuid: str, holder: str, credential_id: str) -> None:
        await self.redis.set(self._claimed_key(pathway_uuid, holder), credential_id)
