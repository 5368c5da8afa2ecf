"""The verifier's trust registry snapshot: read from Redis at most once a second per process,
re-read at once after a change made through the same process."""

from __future__ import annotations

from plecak.runtime.storage import RedisClient
from plecak.verifier.store import VerifierStore
from plecak.verifier.trust import TrustRegistry

UNI = "did:web:university.example"
COLLEGE = "did:web:college.example"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_snapshot_is_reused_within_its_lifetime_and_read_again_after(redis_client: RedisClient) -> None:
    clock = Clock()
    store = VerifierStore(redis_client)
    registry = TrustRegistry(store, seconds=1.0, clock=clock)
    assert (await registry.snapshot()).lookup(UNI) is None
    # Another worker adds an issuer (straight into Redis, not through this registry).
    await store.put_trusted_issuer(UNI, {"name": "University"})
    clock.now += 0.5
    assert (await registry.snapshot()).lookup(UNI) is None  # still this process's second-old read
    clock.now += 0.6
    entry = (await registry.snapshot()).lookup(UNI)
    assert entry is not None
    assert entry["name"] == "University"


async def test_a_change_through_this_process_is_seen_by_the_next_verification(
    redis_client: RedisClient,
) -> None:
    clock = Clock()
    registry = TrustRegistry(VerifierStore(redis_client), seconds=60.0, clock=clock)
    assert (await registry.snapshot()).lookup(COLLEGE) is None
    await registry.put(COLLEGE, {"name": "College"})
    entry = (await registry.snapshot()).lookup(COLLEGE)
    assert entry is not None
    assert entry["name"] == "College"
    await registry.put(COLLEGE, {"name": "College of Arts"})
    entry = (await registry.snapshot()).lookup(COLLEGE)
    assert entry is not None
    assert entry["name"] == "College of Arts"
    assert await registry.delete(COLLEGE)
    assert (await registry.snapshot()).lookup(COLLEGE) is None
    await registry.seed({UNI: {"name": "University"}})
    assert (await registry.snapshot()).lookup(UNI) is not None


async def test_zero_seconds_reads_redis_for_every_snapshot(redis_client: RedisClient) -> None:
    store = VerifierStore(redis_client)
    registry = TrustRegistry(store, seconds=0.0, clock=Clock())
    assert (await registry.snapshot()).lookup(UNI) is None
    await store.put_trusted_issuer(UNI, {"name": "University"})
    assert (await registry.snapshot()).lookup(UNI) is not None
