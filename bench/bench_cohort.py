"""Issue a whole cohort through the issuer's HTTP API, end to end, and check the status indices.

    .venv/bin/python bench/bench_cohort.py [--learners 10000] [--workers 2] [--concurrency 32] [--cluster]

Starts ``plecak up --workers N`` on a fresh temporary data directory (the embedded Redis, or with
``--cluster`` a local 3-master Redis Cluster through ``REDIS_URL=redis-cluster://…``), then POSTs one
``/api/achievements/{uuid}/credentials`` per learner, ``--concurrency`` requests at a time, each with
an ``Idempotency-Key`` as ``plecak issue-batch`` sends them. Reports the wall time from the first
request to the last answer, issuances per second, and checks that every credential got its own
(status list, index) position and that the issuer's records count exactly the cohort.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp

from plecak.runtime.redis_cluster_embedded import EmbeddedRedisCluster
from plecak.runtime.storage import connect_sync

TOKEN = "bench-admin-token-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _issuer_cpu_seconds(parent: int) -> float:
    """User + system CPU time of the ``python -m plecak.issuer`` children of ``parent`` (Linux /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent and argv[1:3] == [b"-m", b"plecak.issuer"]:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def plecak_up(data: Path, workers: int, redis_url: str | None) -> Iterator[tuple[str, str, int]]:
    """A running ``plecak up``; yields the issuer's base URL, the Redis URL it uses and its pid."""
    ports = [str(_free_port()) for _ in range(3)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLECAK_") and k != "REDIS_URL"}
    env.update(PLECAK_ADMIN_TOKEN=TOKEN, PLECAK_SEED_DEMO="1")
    if redis_url:
        env["REDIS_URL"] = redis_url
    args = [sys.executable, "-m", "plecak.cli", "up", "--data-dir", str(data), "--workers", str(workers)]
    args += ["--issuer-port", ports[0], "--wallet-port", ports[1], "--verifier-port", ports[2]]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Ctrl-C to stop" in line:
                break
        else:
            raise SystemExit(f"plecak up exited with code {proc.wait()}")
        url = redis_url or f"unix://{data / 'redis' / 'redis.sock'}"
        yield f"http://127.0.0.1:{ports[0]}", url, proc.pid
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)


async def issue_cohort(base: str, learners: int, concurrency: int) -> tuple[float, list[tuple[str, int]]]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        async with client.get(f"{base}/api/achievements", headers=headers) as resp:
            uuid = (await resp.json())["achievements"][0]["uuid"]
        url = f"{base}/api/achievements/{uuid}/credentials"
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(learners):
            queue.put_nowait(n)
        positions: list[tuple[str, int]] = []

        async def worker() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                body = {"learner": {"name": f"Learner {n}", "email": f"learner{n}@example.org"}}
                for attempt in range(3):
                    async with client.post(
                        url, json=body, headers={**headers, "Idempotency-Key": f"bench-{n}"}
                    ) as resp:
                        if resp.status in (200, 201):
                            entry = (await resp.json())["verifiableCredential"]["credentialStatus"][0]
                            positions.append((entry["statusListCredential"], int(entry["statusListIndex"])))
                            break
                        text = await resp.text()
                    if attempt == 2:
                        raise SystemExit(f"learner {n}: {resp.status} {text[:300]}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, positions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="issuer processes (plecak up --workers)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--cluster", action="store_true", help="use a local 3-master Redis Cluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plecak-bench-") as tmp, contextlib.ExitStack() as stack:
        redis_url = None
        if args.cluster:
            cluster = stack.enter_context(EmbeddedRedisCluster(Path(tmp) / "cluster", masters=3))
            redis_url = cluster.url
        base, used_url, pid = stack.enter_context(plecak_up(Path(tmp) / "data", args.workers, redis_url))
        cpu_before, own_before = _issuer_cpu_seconds(pid), time.process_time()
        seconds, positions = asyncio.run(issue_cohort(base, args.learners, args.concurrency))
        cpu = _issuer_cpu_seconds(pid) - cpu_before
        own = time.process_time() - own_before
        with connect_sync(used_url) as client:
            stored = int(client.zcard("issuer:{records}:credentials"))
    unique = len(set(positions))
    print(
        f"learners {args.learners}  issuer workers {args.workers}  concurrency {args.concurrency}  "
        f"redis {'cluster (3 masters)' if args.cluster else 'single node'}"
    )
    print(
        f"issued {len(positions)} in {seconds:.1f} s = {len(positions) / seconds:.0f}/s; "
        f"unique status positions {unique}; issuer records {stored}"
    )
    per = cpu / max(1, len(positions))
    print(
        f"issuer CPU {cpu:.1f} s = {per * 1000:.2f} ms per credential (the load generator used {own:.1f} s); "
        f"{args.learners} in 30 s needs {per * args.learners / 30:.2f} issuer cores; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    if unique != args.learners or stored != args.learners:
        raise SystemExit("FAILED: duplicate status positions or missing records")


if __name__ == "__main__":
    main()
