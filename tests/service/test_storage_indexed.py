"""plecak.runtime.storage.indexed_json: the issuer's achievement and pathway lists read through it."""

from __future__ import annotations

import json

from plecak.runtime.storage import RedisClient, indexed_json, reply_text


async def test_indexed_json_lists_documents_in_index_order_and_skips_gone_ones(redis_client: RedisClient) -> None:
    index, prefix = "t:{idx}:order", "t:{idx}:doc:"
    await redis_client.zadd(index, {"b": 1, "a": 2, "gone": 3})
    await redis_client.set(prefix + "a", json.dumps({"n": "a"}))
    await redis_client.set(prefix + "b", json.dumps({"n": "b"}))
    assert await indexed_json(redis_client, index, prefix) == [{"n": "b"}, {"n": "a"}]
    assert await indexed_json(redis_client, "t:{idx}:empty", prefix) == []


def test_reply_text_reads_bytes_and_text_replies_alike() -> None:
    assert reply_text(b"caf\xc3\xa9") == reply_text("café") == "café"
