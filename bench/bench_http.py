"""HTTP throughput of the verifier: ``POST /credentials/verify`` over loopback.

    .venv/bin/python bench/bench_http.py [--requests 20000] [--seconds 20] [--concurrency 16] [--json]
                                         [--server-cpu 0] [--client-cpu 1]

The verifier (``verifier.app.create_app``) runs in a child process with an embedded Redis
(``plecak.runtime.redis_embedded``), next to a tiny status-list server on another loopback port that answers
with ``Cache-Control: max-age=600`` (so the verifier's status client caches it). The credential is
the small VC 2.0 of ``bench/credentials.py`` with a ``BitstringStatusListEntry``; its status list is
signed by the same did:key (resolved locally, no network). The load generator is this process: an
aiohttp client with ``--concurrency`` requests in flight, stopping after ``--requests`` requests or
``--seconds`` seconds, whichever comes first. Every answer must be 200 with verdict ``verified``
(or ``warnings``: the issuer is not in the trust registry); anything else counts as an error.
Reports requests/s, p50 and p99 latency, and the server's CPU time per request (from ``/proc``),
which says what one free core could serve even when the shared machine is busy. With ``taskset``
the server and the generator are pinned to different cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ADMIN_TOKEN = "bench-admin-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def make_documents(status_port: int) -> tuple[dict[str, Any], dict[str, Any]]:
    from credentials import CREATED, key_and_method, unsigned

    from plecak.core.integrity.proofs import add_proof
    from plecak.core.status.bitstring import Bitstring, status_list_credential

    key, did, method = key_and_method()
    list_url = f"http://127.0.0.1:{status_port}/status/1"
    bits = Bitstring()
    bits.set(7, True)  # another credential is revoked; ours (index 5) is not
    status_vc = add_proof(
        status_list_credential(
            list_url=list_url, issuer=did, purpose="revocation", bitstring=bits, valid_from=CREATED
        ),
        key,
        method,
        created=CREATED,
    )
    doc = unsigned("small")
    doc["credentialStatus"] = {
        "id": f"{list_url}#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": list_url,
    }
    return add_proof(doc, key, method, created=CREATED), status_vc


# --- the server child -----------------------------------------------------------------------------


def serve(port: int, status_port: int, redis_url: str, status_file: Path) -> None:
    from aiohttp import web

    from plecak.verifier.app import create_app
    from plecak.verifier.config import Settings

    body = status_file.read_bytes()

    async def status_list(_: web.Request) -> web.Response:
        return web.Response(
            body=body, content_type="application/vc+ld+json", headers={"Cache-Control": "max-age=600"}
        )

    async def main() -> None:
        status_app = web.Application()
        status_app.router.add_get("/status/1", status_list)
        status_runner = web.AppRunner(status_app, access_log=None)
        await status_runner.setup()
        await web.TCPSite(status_runner, "127.0.0.1", status_port).start()
        settings = Settings(
            admin_token=ADMIN_TOKEN,
            port=port,
            public_url=f"http://127.0.0.1:{port}",
            redis_url=redis_url,
            insecure_hosts=frozenset({f"127.0.0.1:{status_port}"}),
        )
        runner = web.AppRunner(create_app(settings), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print("ready", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            await status_runner.cleanup()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


# --- the load generator ---------------------------------------------------------------------------


async def load(
    url: str, body: bytes, requests: int, seconds: float, concurrency: int
) -> tuple[list[float], int, float, list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    headers = {"Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal issued
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                start = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    payload = await response.read()
                latencies.append(time.perf_counter() - start)
                if response.status != 200:
                    errors.append(f"{response.status}: {payload[:200]!r}")
                elif json.loads(payload).get("verdict") not in ("verified", "warnings"):
                    errors.append(payload[:300].decode(errors="replace"))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return latencies, len(latencies), elapsed, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` (Linux ``/proc``), or ``None``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pin(cpu: int | None) -> list[str]:
    if cpu is None or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return []
    return ["taskset", "-c", str(cpu)]


def run(args: argparse.Namespace) -> dict[str, Any]:
    from plecak.runtime.redis_embedded import EmbeddedRedis

    port, status_port = free_port(), free_port()
    credential, status_vc = make_documents(status_port)
    with (
        tempfile.TemporaryDirectory(prefix="plecak-bench-") as tmp,
        EmbeddedRedis(Path(tmp) / "redis") as redis,
    ):
        status_file = Path(tmp) / "status.json"
        status_file.write_text(json.dumps(status_vc), encoding="utf-8")
        assert redis.url is not None
        server = subprocess.Popen(
            [
                *pin(args.server_cpu),
                sys.executable,
                __file__,
                "--serve",
                str(port),
                str(status_port),
                redis.url,
                str(status_file),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            if server.stdout.readline().strip() != "ready":
                raise RuntimeError("the verifier did not start")
            if args.client_cpu is not None and pin(args.client_cpu):
                os.sched_setaffinity(0, {args.client_cpu})
            url = f"http://127.0.0.1:{port}/credentials/verify"
            body = json.dumps({"verifiableCredential": credential}).encode()
            _, _, _, warm_errors = asyncio.run(load(url, body, 300, 30.0, 4))
            if warm_errors:
                raise RuntimeError(f"warm-up answers were not verified: {warm_errors[0]}")
            cpu_before, own_before = cpu_seconds(server.pid), time.process_time()
            latencies, done, elapsed, errors = asyncio.run(
                load(url, body, args.requests, args.seconds, args.concurrency)
            )
            cpu_after, own = cpu_seconds(server.pid), time.process_time() - own_before
        finally:
            server.terminate()
            server.wait(timeout=15)
    return {
        "requests": done,
        "seconds": elapsed,
        "rps": done / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "concurrency": args.concurrency,
        # The server's own CPU time per request: what one core can serve when nothing else runs on
        # it, whatever the load on a shared machine did to the wall-clock rate.
        "server_cpu_ms": None
        if cpu_before is None or cpu_after is None
        else 1000 * (cpu_after - cpu_before) / max(done, 1),
        # The load generator's CPU time per request: when it approaches 1000 / rps, the generator's
        # core, not the verifier, is what limits the rate.
        "client_cpu_ms": 1000 * own / max(done, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", nargs=4, metavar=("PORT", "STATUS_PORT", "REDIS_URL", "STATUS_FILE"))
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), int(args.serve[1]), args.serve[2], Path(args.serve[3]))
        return
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"POST /credentials/verify: {result['rps']:.0f} req/s over {result['requests']} requests "
            f"(concurrency {result['concurrency']}), p50 {result['p50_ms']:.1f} ms, "
            f"p99 {result['p99_ms']:.1f} ms, errors {result['errors']}"
        )
        if result["server_cpu_ms"]:
            print(
                f"server CPU per request: {result['server_cpu_ms']:.2f} ms "
                f"(one core: at most {1000 / result['server_cpu_ms']:.0f} req/s); load generator CPU "
                f"per request: {result['client_cpu_ms']:.2f} ms"
            )
        if result["first_error"]:
            print(f"first error: {result['first_error']}")


if __name__ == "__main__":
    main()
