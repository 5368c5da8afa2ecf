"""Redis connections and key names shared by the services.

Every service makes its client here, from one string (``Settings.redis_url``):

* ``redis://[:password@]host:port/db``, ``rediss://…``, ``unix:///path/redis.sock[?db=N]``: one
  Redis server (``REDIS_URL``);
* ``redis-cluster://[:password@]host:port,host:port,…`` (or ``rediss-cluster://`` for TLS): a Redis
  Cluster, reached through any of the listed nodes. ``REDIS_CLUSTER_NODES=host:port,host:port``
  (with ``REDIS_PASSWORD`` if the nodes need one) is turned into such a URL by
  :func:`redis_url_from_env`.

Values stay ``bytes`` (``decode_responses=False``): callers decode what they know is text.

Transactions: ``async with transaction(client) as pipe: pipe.set(…); pipe.zadd(…); await pipe.execute()``
is MULTI/EXEC on either kind of client. On a cluster it runs on the master owning the queued keys'
one slot, over that node's own connections (redis-py's cluster transaction pipeline runs every
queued command through a new thread and event loop, about 1 ms of CPU per command).

Key names (see docs/scaling.md): keys read or written together in one MULTI/EXEC, WATCH or Lua
script carry the same hash tag ``{…}``, so on a cluster they live in one slot. The convention is
``service:kind:{tag}…`` — the tag sits where the key's owner id already was, e.g.
``wallet:cred:{uid}`` and ``wallet:creds:{uid}`` (``Keys.tagged``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, TypeAlias
from urllib.parse import unquote, urlsplit

import redis as sync_redis
import redis.cluster as sync_cluster
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.connection import Connection
from redis.exceptions import AskError, CrossSlotTransactionError, MovedError, TryAgainError

__all__ = [
    "CLUSTER_SCHEMES",
    "DEFAULT_REDIS_URL",
    "HEALTH_CHECK_INTERVAL",
    "Keys",
    "RedisClient",
    "SyncRedisClient",
    "cluster_nodes",
    "connect",
    "connect_sync",
    "indexed_json",
    "is_cluster_url",
    "redis_url_from_env",
    "reply_text",
    "transaction",
]

HEALTH_CHECK_INTERVAL = 30
"""Seconds a pooled connection may sit idle before it is PINGed again before use."""

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CLUSTER_SCHEMES = ("redis-cluster", "rediss-cluster")

RedisClient: TypeAlias = Redis | RedisCluster
"""What :func:`connect` returns: a single-node client or a cluster client (same commands)."""

SyncRedisClient: TypeAlias = sync_redis.Redis | sync_cluster.RedisCluster


def redis_url_from_env(env: Mapping[str, str] | None = None, default: str = DEFAULT_REDIS_URL) -> str:
    """``REDIS_URL``, else ``REDIS_CLUSTER_NODES`` as a ``redis-cluster://`` URL, else ``default``."""
    e = os.environ if env is None else env
    url = (e.get("REDIS_URL") or "").strip()
    if url:
        return url
    nodes = (e.get("REDIS_CLUSTER_NODES") or "").strip()
    if nodes:
        password = e.get("REDIS_PASSWORD") or ""
        auth = f":{password}@" if password else ""
        return f"redis-cluster://{auth}{nodes}"
    return default


def is_cluster_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme in CLUSTER_SCHEMES


def cluster_nodes(url: str) -> tuple[list[tuple[str, int]], str | None, bool]:
    """The ``(host, port)`` list, password and TLS flag of a ``redis-cluster://`` URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in CLUSTER_SCHEMES:
        raise ValueError(f"not a Redis Cluster URL: {parts.scheme}://…")
    auth, _, hosts = parts.netloc.rpartition("@")
    password = unquote(auth.partition(":")[2]) or None if auth else None
    nodes = []
    for item in hosts.split(","):
        host, sep, port = item.strip().rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"a Redis Cluster node is host:port, not {item.strip()!r}")
        nodes.append((host.strip("[]"), int(port)))
    return nodes, password, parts.scheme == "rediss-cluster"


def connect(url: str, *, health_check_interval: int = HEALTH_CHECK_INTERVAL) -> RedisClient:
    """An asyncio client for ``url`` (one server or a cluster); it connects lazily.

    Close it with ``await client.aclose()``.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("a Redis URL is required, e.g. redis://127.0.0.1:6379/0")
    if is_cluster_url(url):
        nodes, password, tls = cluster_nodes(url)
        return RedisCluster(
            startup_nodes=[ClusterNode(host, port) for host, port in nodes],
            password=password,
            ssl=tls,
            decode_responses=False,
            health_check_interval=health_check_interval,
            socket_connect_timeout=10,
        )
    return Redis.from_url(
        url.strip(),
        decode_responses=False,
        health_check_interval=health_check_interval,
        socket_connect_timeout=10,
    )


def connect_sync(url: str, *, timeout: float = 5.0) -> SyncRedisClient:
    """A blocking client for ``url`` (tools, the CLI and test fixtures); close it after use."""
    if is_cluster_url(url):
        nodes, password, tls = cluster_nodes(url)
        return sync_cluster.RedisCluster(
            startup_nodes=[sync_cluster.ClusterNode(host, port) for host, port in nodes],  # type: ignore[no-untyped-call]
            password=password,
            ssl=tls,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
        )
    return sync_redis.Redis.from_url(url.strip(), socket_connect_timeout=timeout, socket_timeout=timeout)


def reply_text(value: Any) -> str:
    """A Redis reply (bytes, or text from a decoding client) as text."""
    return value.decode() if isinstance(value, bytes) else str(value)


async def indexed_json(client: RedisClient, index: str, prefix: str) -> list[dict[str, Any]]:
    """The JSON documents at ``prefix`` + member for the members of the sorted set ``index``, in its
    order; a member whose document is gone is left out. On a cluster, give both one hash tag."""
    members = await client.zrange(index, 0, -1)
    if not members:
        return []
    raws = await client.mget([prefix + reply_text(m) for m in members])
    return [json.loads(r) for r in raws if r is not None]


def transaction(client: RedisClient) -> Pipeline:
    """A MULTI/EXEC pipeline on ``client`` (use it as an async context manager).

    On a Redis Cluster every queued command's key, its first argument, must hash to one slot
    (give the keys one hash tag), else ``execute`` raises ``CrossSlotTransactionError``.
    """
    if isinstance(client, RedisCluster):
        return _SlotTransaction(client)
    return client.pipeline(transaction=True)


class _NodeConnections:
    """The two connection-pool methods :class:`Pipeline` uses, over one cluster node's connections
    (shared with the cluster client, which closes them)."""

    def __init__(self, node: ClusterNode) -> None:
        self.node = node

    async def get_connection(self, *args: Any, **kwargs: Any) -> Connection:
        return self.node.acquire_connection()

    async def release(self, connection: Connection) -> None:
        self.node.release(connection)


class _SlotTransaction(Pipeline):
    """MULTI/EXEC on the master that owns the slot of the queued keys."""

    def __init__(self, cluster: RedisCluster) -> None:
        super().__init__(None, cluster.response_callbacks, True, None)  # type: ignore[arg-type]
        self._cluster = cluster

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        stack = list(self.command_stack)
        if not stack:
            return []
        slots = {self._cluster.keyslot(args[1]) for args, _ in stack if len(args) > 1}
        if len(slots) != 1:
            await self.reset()  # type: ignore[no-untyped-call]
            raise CrossSlotTransactionError("all keys of a transaction must map to one cluster slot")
        slot = slots.pop()
        await self._cluster.initialize()
        for attempt in range(1, 4):
            node = self._cluster.nodes_manager.get_node_from_slot(slot)
            self.connection_pool = _NodeConnections(node)  # type: ignore[assignment]
            self.command_stack = list(stack)
            try:
                result: list[Any] = await super().execute(raise_on_error)
                return result
            except (MovedError, AskError, TryAgainError):
                # Refused while queuing (EXECABORT): nothing ran. The slot moved (resharding or a
                # fail-over): learn the new layout and try on its new owner.
                if attempt == 3:
                    raise
                await self._cluster.nodes_manager.initialize()
        raise AssertionError("unreachable")  # pragma: no cover


class Keys:
    """Namespaced key names: ``Keys("wallet")("user", 42)`` is ``"wallet:user:42"``;
    ``Keys("wallet").tagged("cred", "u1")`` is ``"wallet:cred:{u1}"`` (hash tag ``u1``)."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        if not prefix or prefix.startswith(":") or prefix.endswith(":"):
            raise ValueError("a key prefix is a non-empty name without leading or trailing ':'")
        self.prefix = prefix

    def __call__(self, *parts: str | int) -> str:
        for part in parts:
            if isinstance(part, str) and not part:
                raise ValueError("key parts must not be empty")
        return ":".join([self.prefix, *(str(p) for p in parts)])

    def tagged(self, kind: str, tag: str | int, *rest: str | int) -> str:
        """``prefix:kind:{tag}:rest…``: keys with the same ``tag`` share a cluster slot."""
        text = str(tag)
        if not text or "{" in text or "}" in text:
            raise ValueError("a hash tag is a non-empty name without braces")
        return self(kind, "{" + text + "}", *rest)

    def __repr__(self) -> str:
        return f"Keys({self.prefix!r})"
