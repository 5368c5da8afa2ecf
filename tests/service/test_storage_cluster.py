"""Redis Cluster support: cluster URLs, the embedded test cluster, and the hash-tag convention
that keeps every multi-key operation in one slot."""

from __future__ import annotations

from pathlib import Path

import pytest
from redis.crc import key_slot
from redis.exceptions import CrossSlotTransactionError, RedisClusterException

from plecak.issuer.oid4vci.offers import OFFER_P
from plecak.issuer.store import IssuerStore
from plecak.runtime.redis_cluster_embedded import SLOTS, EmbeddedRedisCluster
from plecak.runtime.storage import (
    Keys,
    cluster_nodes,
    connect,
    connect_sync,
    is_cluster_url,
    redis_url_from_env,
    transaction,
)


def test_cluster_url_names_nodes_password_and_tls() -> None:
    nodes, password, tls = cluster_nodes("redis-cluster://:p%40ss@10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002")
    assert nodes == [("10.0.0.1", 7000), ("10.0.0.2", 7001), ("::1", 7002)]
    assert password == "p@ss"
    assert tls is False
    assert cluster_nodes("rediss-cluster://h:1")[1:] == (None, True)
    assert is_cluster_url("redis-cluster://h:1")
    assert not is_cluster_url("redis://h:1/0")


@pytest.mark.parametrize(
    "url",
    [
        "redis-cluster://h",
        "redis-cluster://h:port",
        "redis-cluster://:0",
        "redis-cluster://h:70000",
        "redis://h:1",
    ],
)
def test_cluster_url_rejects_bad_nodes(url: str) -> None:
    with pytest.raises(ValueError, match=r"Redis Cluster (node is host:port|URL)"):
        cluster_nodes(url)


def test_redis_url_from_env_prefers_redis_url_then_cluster_nodes() -> None:
    both = {"REDIS_URL": "redis://one:6379/0", "REDIS_CLUSTER_NODES": "a:1,b:2"}
    assert redis_url_from_env(both) == "redis://one:6379/0"
    nodes = {"REDIS_CLUSTER_NODES": "a:1,b:2", "REDIS_PASSWORD": "pw"}
    assert redis_url_from_env(nodes) == "redis-cluster://:pw@a:1,b:2"
    assert redis_url_from_env({}) == "redis://127.0.0.1:6379/0"
    assert redis_url_from_env({}, default="") == ""


def test_tagged_keys_share_a_slot_and_reject_braces() -> None:
    k = Keys("wallet")
    assert k.tagged("cred", "u1") == "wallet:cred:{u1}"
    assert key_slot(k.tagged("cred", "u1").encode()) == key_slot(k.tagged("status", "u1", "c9").encode())
    with pytest.raises(ValueError, match="a hash tag is a non-empty name without braces"):
        k.tagged("cred", "a}b")
    with pytest.raises(ValueError, match="a hash tag is a non-empty name without braces"):
        k.tagged("cred", "")


def _slot(key: str) -> int:
    return int(key_slot(key.encode()))


def test_keys_used_together_share_a_slot() -> None:
    """The groups of keys that one transaction or script touches (see each store's docstring)."""
    status = IssuerStore._list_key("revocation", 3)
    assert {_slot(status), _slot(status + ":version"), _slot(status + ":log")} == {_slot(status)}
    assert _slot(IssuerStore._list_key("revocation", 3)) != _slot(IssuerStore._list_key("revocation", 4))
    records = {
        "issuer:{records}:credential:urn:uuid:1",
        "issuer:{records}:credentials",
        "issuer:{records}:idem:ab",
    }
    assert len({_slot(key) for key in records}) == 1
    offers = {f"{OFFER_P}offer:x", f"{OFFER_P}offerdoc:x", f"{OFFER_P}code:y", f"{OFFER_P}token:z"}
    assert len({_slot(key) for key in offers}) == 1


def test_embedded_cluster_spreads_slots_over_three_masters_and_refuses_cross_slot_work(
    tmp_path: Path,
) -> None:
    with EmbeddedRedisCluster(tmp_path / "c", masters=3) as cluster:
        assert cluster.url is not None
        assert len(cluster.ports) == 3
        with connect_sync(cluster.url) as client:
            shards = client.execute_command("CLUSTER SLOTS", target_nodes=client.RANDOM)
            covered = sum(int(end) - int(start) + 1 for start, end, *_ in shards)
            assert (len(shards), covered) == (3, SLOTS)
            masters = {client.get_node_from_key(f"k{i}").port for i in range(60)}
            assert masters == set(cluster.ports)  # keys do land on every master
            with pytest.raises(CrossSlotTransactionError), client.pipeline(transaction=True) as pipe:
                pipe.set("a", 1).set("b", 2).execute()
            with client.pipeline(transaction=True) as pipe:
                pipe.set("x:{t}", 1).set("y:{t}", 2).execute()
            assert client.get("y:{t}") == b"2"
            with pytest.raises(RedisClusterException, match="same key slot"):
                client.eval("return redis.call('MGET', KEYS[1], KEYS[2])", 2, "a", "b")


async def test_async_client_runs_tagged_transactions_and_scripts_on_a_cluster(tmp_path: Path) -> None:
    with EmbeddedRedisCluster(tmp_path / "c", masters=3) as cluster:
        assert cluster.url is not None
        client = connect(cluster.url)
        try:
            store = IssuerStore(client)
            assert await store.set_status("revocation", 1, 5, True, "urn:c") is False
            bits, version = await store.status_list_bits("revocation", 1)
            assert (bits[0], version) == (0b00000100, 1)
            await store.save_credential({"id": "urn:c", "credential": {}}, idempotency=("kh", "rh"))
            assert await store.count_credentials() == 1
        finally:
            await client.aclose()


async def test_transaction_runs_on_the_slot_owner_and_follows_a_moved_slot(tmp_path: Path) -> None:
    with EmbeddedRedisCluster(tmp_path / "c", masters=3) as cluster:
        assert cluster.url is not None
        client = connect(cluster.url)
        try:
            async with transaction(client) as pipe:
                pipe.set("a:{t}", "1")
                pipe.zadd("b:{t}", {"m": 1.0})
                assert await pipe.execute() == [True, 1]
            assert await client.get("a:{t}") == b"1"
            # the whole transaction is the act: the refusal may come when queueing or at EXEC
            with pytest.raises(CrossSlotTransactionError):  # noqa: PT012
                async with transaction(client) as pipe:
                    pipe.set("c:{t}", "1")
                    pipe.set("d:{u}", "2")
                    await pipe.execute()
            assert await client.exists("c:{t}", "d:{u}") == 0  # nothing half-written

            # Reshard behind the client's back: hand the (empty) slot of {v} to another master.
            slot = key_slot(b"{v}")
            with connect_sync(cluster.url) as admin:
                owner = admin.get_node_from_key("{v}")
                nodes = {n.port: n for n in admin.get_primaries()}
                target = next(port for port in nodes if port != owner.port)
                target_id = admin.cluster_myid(nodes[target])
                for port in [target, owner.port, *(p for p in nodes if p not in (target, owner.port))]:
                    admin.execute_command(
                        "CLUSTER SETSLOT", slot, "NODE", target_id, target_nodes=nodes[port]
                    )
            async with transaction(client) as pipe:  # the client still thinks the old owner has it
                pipe.set("e:{v}", "moved")
                pipe.set("f:{v}", "too")
                await pipe.execute()
            with connect_sync(cluster.url) as fresh:
                assert fresh.get_node_from_key("{v}").port == target
                assert fresh.mget("e:{v}", "f:{v}") == [b"moved", b"too"]
        finally:
            await client.aclose()
