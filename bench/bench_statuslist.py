"""Status lists at scale: revoke one credential in a 1,000,000-entry list and republish the signed
list; then a verifier's status check against a cached list, for growing list sizes.

    .venv/bin/python bench/bench_statuslist.py [--entries 1000000] [--revoked 0.01] [--rounds 50] [--cluster]

Issuer side, in-process on a real Redis (the embedded one, or with ``--cluster`` a local 3-master
Redis Cluster): the list's bitmap is filled with ``--revoked`` of its bits set at random, then each
round revokes one more credential through ``IssuerService.update_status`` (a Lua SETBIT on the
bitmap) and fetches the list the way ``GET /status-lists/revocation-1`` does
(``IssuerService.status_list``: GETs the bitmap, GZIP + base64url, signs, caches). Reported:
median and 95th percentile of the revoke, the republish and both together.

Verifier side: ``Verifier.check_status`` of one credential against a list served from the
verifier's cache (a fresh ``StatusListClient`` hit is a dictionary look-up, simulated by one),
for lists of 131,072, 1,000,000 and 8,000,000 entries; and ``read_status`` on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from plecak.core.crypto.secretbox import SecretBox
from plecak.core.did import DidResolver
from plecak.core.integrity.proofs import add_proof
from plecak.core.status.bitstring import Bitstring, parse_status_entry, read_status, status_list_credential
from plecak.core.verify.credential import Verifier
from plecak.issuer.service import IssuerService
from plecak.issuer.signing import load_or_create_keys
from plecak.issuer.store import IssuerStore
from plecak.runtime.redis_cluster_embedded import EmbeddedRedisCluster
from plecak.runtime.redis_embedded import EmbeddedRedis
from plecak.runtime.storage import connect

PUBLIC = "https://issuer.example"


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms"


def _random_bitmap(entries: int, share: float, rng: random.Random) -> tuple[bytearray, set[int]]:
    bitmap = bytearray(entries // 8)
    revoked = set(rng.sample(range(entries), int(entries * share)))
    for index in revoked:
        bitmap[index >> 3] |= 0x80 >> (index & 7)
    return bitmap, revoked


async def issuer_side(url: str, entries: int, share: float, rounds: int) -> tuple[IssuerService, int]:
    client = connect(url)
    rng = random.Random(8)
    try:
        store = IssuerStore(client)
        keys = await load_or_create_keys(store, SecretBox(bytes(32)), None)
        service = IssuerService(store, keys, public_url=PUBLIC, list_length=entries)
        bitmap, revoked = _random_bitmap(entries, share, rng)
        await client.set(store._list_key("revocation", 1), bytes(bitmap))
        await client.set("issuer:status:next", entries)
        free = [i for i in rng.sample(range(entries), rounds * 2) if i not in revoked][:rounds]
        for n, index in enumerate(free):
            record = {"id": f"urn:bench:{n}", "status": {"list": 1, "index": index, "format": "bitstring"}}
            await store.save_credential({**record, "credential": {}})
        body, _ = await service.status_list("revocation-1")  # warm: first signature, caches
        revoke, publish, both = [], [], []
        for n in range(rounds):
            t0 = time.perf_counter()
            await service.update_status(f"urn:bench:{n}", "revocation", True)
            t1 = time.perf_counter()
            body, _ = await service.status_list("revocation-1")
            t2 = time.perf_counter()
            revoke.append(t1 - t0)
            publish.append(t2 - t1)
            both.append(t2 - t0)
        size = len(body)
        print(f"issuer: {entries:,}-entry list, {share:.1%} revoked, {rounds} rounds")
        print(f"  signed list credential        {size:,} bytes")
        print(f"  revoke (Lua SETBIT)           {_ms(revoke)}")
        print(f"  republish (GET, gzip, sign)   {_ms(publish)}")
        print(f"  revoke + republish            {_ms(both)}")
        cached = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            await service.status_list("revocation-1")
            cached.append(time.perf_counter() - t0)
        print(f"  unchanged list (cached body)  {_ms(cached)}")
        return service, free[0]
    finally:
        await client.aclose()


async def verifier_side(service: IssuerService, share: float) -> None:
    rng = random.Random(9)
    resolver = DidResolver()
    print("verifier: status check of one credential against a cached list")
    for entries in (131_072, 1_000_000, 8_000_000):
        bitmap, revoked = _random_bitmap(entries, share, rng)
        index = next(i for i in range(entries // 2, entries) if i not in revoked)

        url = f"{PUBLIC}/status-lists/revocation-{entries}"
        unsigned = status_list_credential(
            list_url=url,
            issuer=service.keys.did,
            purpose="revocation",
            bitstring=Bitstring.from_bytes(bytes(bitmap)),
            valid_from="2026-01-01T00:00:00Z",
        )
        list_vc: dict[str, Any] = json.loads(
            json.dumps(add_proof(unsigned, service.keys.active, service.keys.verification_method))
        )
        cache = {url: list_vc}

        async def fetch(u: str, cache: dict[str, dict[str, Any]] = cache) -> dict[str, Any]:
            return cache[u]

        status = {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": url,
        }
        credential = {"issuer": service.keys.did, "credentialStatus": status}
        verifier = Verifier(resolver, status_fetcher=fetch)
        entry = parse_status_entry(status)
        check = await verifier.check_status(credential)
        assert check.details.get("status") == "ok", check
        full, bare = [], []
        for _ in range(30):
            t0 = time.perf_counter()
            await verifier.check_status(credential)
            full.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            assert read_status(list_vc, entry) is False
            bare.append(time.perf_counter() - t0)
        print(f"  {entries:>9,} entries  check_status {_ms(full)}   read_status {_ms(bare)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--revoked", type=float, default=0.01, help="share of bits set beforehand")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--cluster", action="store_true", help="use a local 3-master Redis Cluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plecak-bench-") as tmp, contextlib.ExitStack() as stack:
        if args.cluster:
            url = stack.enter_context(EmbeddedRedisCluster(Path(tmp) / "c", masters=3)).url
        else:
            url = stack.enter_context(EmbeddedRedis(Path(tmp) / "r")).url
        assert url is not None
        print(f"redis: {'cluster (3 masters)' if args.cluster else 'single node'}")
        service, _ = asyncio.run(issuer_side(url, args.entries, args.revoked, args.rounds))
        asyncio.run(verifier_side(service, args.revoked))


if __name__ == "__main__":
    main()
