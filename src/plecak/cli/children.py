"""``plecak up``'s service processes: their environment, waiting for their health, stopping them."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from .common import Failure, _say

__all__: list[str] = []  # everything here serves `plecak up` only (plecak.cli.up)


@dataclass
class _Child:
    name: str
    port: int
    public_url: str
    health_url: str
    proc: subprocess.Popen[bytes] | None = None
    worker: int = 1


class _StopFlag:
    """Set by SIGINT/SIGTERM; the main loop polls it, so no signal interrupts a clean-up."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is None:
            self.signal = signum

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handler)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    @property
    def requested(self) -> bool:
        return self.signal is not None


def _url_host(host: str) -> str:
    """``host`` as it appears in a URL; a wildcard address becomes the matching loopback."""
    if host in ("", "0.0.0.0"):  # noqa: S104 - mapping the wildcard away, not binding it
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    # Local health checks must never go through an HTTP proxy from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _healthy(opener: urllib.request.OpenerDirector, url: str) -> bool:
    try:
        with opener.open(url, timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _service_env(
    base: Mapping[str, str],
    *,
    redis_url: str,
    data_dir: Path,
    host: str,
    token: str,
    children: Sequence[_Child],
) -> dict[str, str]:
    env = dict(base)
    env.update(
        REDIS_URL=redis_url,
        PLECAK_DATA_DIR=str(data_dir),
        PLECAK_HOST=host,
        PLECAK_ADMIN_TOKEN=token,
        PYTHONUNBUFFERED="1",
    )
    env["PLECAK_SEED_DEMO"] = base.get("PLECAK_SEED_DEMO") or "1"
    for child in children:
        env[f"PLECAK_{child.name.upper()}_URL"] = child.public_url
    # The local demo runs over plain http: let the services reach each other's did:web documents,
    # status lists and share links there (an explicit PLECAK_INSECURE_HOSTS wins).
    env["PLECAK_INSECURE_HOSTS"] = base.get("PLECAK_INSECURE_HOSTS") or _http_hosts(children)
    return env


def _http_hosts(children: Sequence[_Child]) -> str:
    """``host:port`` of every service whose public URL is plain http, comma-separated."""
    hosts = []
    for child in children:
        parts = urllib.parse.urlsplit(child.public_url)
        if parts.scheme == "http" and parts.hostname:
            hosts.append(f"{parts.hostname}:{parts.port or 80}")
    return ",".join(hosts)


def _trust_local_issuer(children: Sequence[_Child], token: str) -> None:
    """Put the issuer started here into the verifier's trust registry (the demo's trusted issuer).

    A failure is reported and otherwise ignored: everything still runs, the verifier just warns
    that the issuer is not in its trusted list.
    """
    by_name = {c.name: c for c in children}
    issuer, verifier = by_name.get("issuer"), by_name.get("verifier")
    if issuer is None or verifier is None:
        return
    opener = _no_proxy_opener()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    issuer_base = issuer.health_url.removesuffix("/health")
    verifier_base = verifier.health_url.removesuffix("/health")
    try:
        request = urllib.request.Request(f"{issuer_base}/api/issuer/profile", headers=headers)  # noqa: S310
        with opener.open(request, timeout=10) as response:
            answer = json.loads(response.read())
        did = str(answer["did"])
        profile = answer.get("profile") or {}
        entry = {
            "name": profile.get("name") or f"Local issuer at {issuer.public_url}",
            "country": profile.get("addressCountryCode"),
            "region": profile.get("addressRegion"),
            "url": profile.get("url"),
            "notes": "Registered by plecak up: the issuer of this local installation.",
        }
        body = json.dumps({k: v for k, v in entry.items() if v}).encode()
        url = f"{verifier_base}/api/trusted-issuers/{urllib.parse.quote(did, safe=':')}"
        request = urllib.request.Request(  # noqa: S310 - http(s) URLs of our own services
            url, data=body, method="PUT", headers={**headers, "Content-Type": "application/json"}
        )
        with opener.open(request, timeout=10):
            pass
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        _say(f"could not register the issuer as trusted by the verifier: {exc}")


def _stop_children(children: Sequence[_Child], timeout: float = 10.0) -> None:
    running = [c for c in children if c.proc is not None and c.proc.poll() is None]
    for child in running:
        assert child.proc is not None
        with contextlib.suppress(ProcessLookupError):
            child.proc.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        if child.proc is None:
            continue
        try:
            child.proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{child.name} did not stop within {timeout:g}s; killing it")
            child.proc.kill()
            child.proc.wait()


def _check_children(children: Sequence[_Child]) -> None:
    for child in children:
        code = child.proc.poll() if child.proc is not None else None
        if code is not None:
            which = f"the {child.name} service" + (f" (worker {child.worker})" if child.worker > 1 else "")
            raise Failure(f"{which} exited unexpectedly with code {code}")


def _wait_healthy(children: Sequence[_Child], stop: _StopFlag, timeout: float) -> None:
    opener = _no_proxy_opener()
    waiting = list(children)
    deadline = time.monotonic() + timeout
    while waiting and not stop.requested:
        _check_children(children)
        waiting = [c for c in waiting if not _healthy(opener, c.health_url)]
        if not waiting:
            return
        if time.monotonic() > deadline:
            names = ", ".join(f"{c.name} ({c.health_url})" for c in waiting)
            raise Failure(f"no 200 answer from GET /health within {timeout:g}s: {names}")
        time.sleep(0.2)


def _banner(children: Sequence[_Child], token: str, token_source: str, data_dir: Path, redis: str) -> str:
    lines = ["", "Plecak is running:"]
    workers: dict[str, int] = {}
    for child in children:
        workers[child.name] = workers.get(child.name, 0) + 1
    for child in children:
        if child.worker == 1:
            many = workers[child.name]
            lines.append(
                f"  {child.name:<9} {child.public_url}" + (f"  ({many} workers)" if many > 1 else "")
            )
    if token_source == "PLECAK_ADMIN_TOKEN":
        lines.append("  issuer admin token: the value of PLECAK_ADMIN_TOKEN")
    else:
        lines.append(f"  issuer admin token: {token}  (kept in {token_source})")
    lines.append(f"  data: {data_dir}  (Redis: {redis})")
    lines += ["Ctrl-C to stop.", ""]
    return "\n".join(lines)
