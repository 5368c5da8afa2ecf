"""``plecak``: run the whole system on one machine, and issue credentials from a CSV file.

``plecak up`` starts Redis (the embedded one unless ``REDIS_URL`` or ``REDIS_CLUSTER_NODES`` is
set) and the issuer, wallet and verifier services as child processes, waits until each answers
``GET /health``, prints where they are, and stops everything on Ctrl-C or SIGTERM. It watches
its children: a service that exits stops everything (exit code 1); an embedded Redis that dies is
restarted on the same data (:class:`RedisWatch`), a few times at most, then everything stops. With
``--workers N`` every service runs as N processes sharing its port (``SO_REUSEPORT``: the kernel
spreads connections over them); the services keep all state in Redis, so any worker can answer
any request.

``plecak issue-batch`` issues one credential per CSV row through the issuer's HTTP API. Each
row carries an ``Idempotency-Key`` derived from its content, so running the same file again
issues nothing twice: rows already issued come back with the same credential.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import hashlib
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import aiohttp
import redis
from redis.exceptions import RedisClusterException

from plecak.runtime.redis_embedded import EmbeddedRedis, EmbeddedRedisError
from plecak.runtime.storage import connect_sync, redis_url_from_env

__all__ = ["build_parser", "main"]

SERVICES: tuple[tuple[str, int], ...] = (("issuer", 8001), ("wallet", 8002), ("verifier", 8003))
"""The services ``plecak up`` runs (``python -m NAME``) and their default ports."""

MAX_WORKERS = 64
MIN_ADMIN_TOKEN = 16
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CSV_COLUMNS = ("name", "email", "did", "grade")
RESULT_COLUMNS = ("row", "name", "status", "credential_id", "error")
OFFER_COLUMNS = ("row", "name", "status", "email", "link", "tx_code", "expires_at", "email_text", "error")


class UsageError(Exception):
    """Bad arguments or input file: reported without a traceback, exit code 2."""


class Failure(Exception):
    """The command could not do its job: reported without a traceback, exit code 1."""


def _default_data_dir() -> str:
    return os.environ.get("PLECAK_DATA_DIR") or "data"


def _say(message: str) -> None:
    print(f"plecak: {message}", file=sys.stderr, flush=True)


# -- admin token ---------------------------------------------------------------------------------
def _read_token_file(path: Path) -> str | None:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Failure(f"cannot read the admin token from {path}: {exc.strerror}") from None
    return token or None


def _admin_token(data_dir: Path) -> tuple[str, str]:
    """The issuer admin token and where it came from; created in ``DATA/admin-token`` if needed."""
    token = os.environ.get("PLECAK_ADMIN_TOKEN", "").strip()
    source = "PLECAK_ADMIN_TOKEN"
    path = data_dir / "admin-token"
    if not token:
        token = _read_token_file(path) or ""
        source = str(path)
    if not token:
        token = secrets.token_urlsafe(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it just now: use theirs
            token = _read_token_file(path) or ""
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(token + "\n")
    if len(token) < MIN_ADMIN_TOKEN:
        raise UsageError(f"the admin token from {source} is shorter than {MIN_ADMIN_TOKEN} characters")
    return token, source


# -- plecak up -----------------------------------------------------------------------------------
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


def _check_redis(url: str) -> None:
    """Fail fast, before any service starts, when the Redis of ``REDIS_URL`` does not answer."""
    try:
        with connect_sync(url) as client:
            client.ping()
    except (redis.RedisError, RedisClusterException, OSError, ValueError) as exc:
        raise Failure(f"the Redis of REDIS_URL does not answer PING: {exc}") from None


REDIS_RESTARTS = 3
REDIS_RESTART_WINDOW = 300.0


@dataclass
class RedisWatch:
    """Keeps the embedded Redis of ``plecak up`` running.

    When the ``redis-server`` child has died (killed, out of memory, …) it is started again on
    the same data directory and address, so the services reconnect by themselves and nothing
    answered before is lost (append-only file). A Redis that keeps dying is not restarted
    forever: after ``max_restarts`` restarts within ``window`` seconds, :meth:`check` raises
    :class:`Failure`, and ``plecak up`` stops everything and exits with code 1.
    """

    server: EmbeddedRedis
    max_restarts: int = REDIS_RESTARTS
    window: float = REDIS_RESTART_WINDOW
    clock: Callable[[], float] = time.monotonic
    restarts: list[float] = field(default_factory=list)

    def check(self) -> bool:
        """Restart Redis if it died; True when it did. Raises :class:`Failure` when it may not."""
        if self.server.running:
            return False
        code = self.server.exit_code
        how = (
            f"killed by signal {-code}"
            if code is not None and code < 0
            else f"exit code {code}"
            if code is not None
            else "not running"
        )
        now = self.clock()
        self.restarts = [t for t in self.restarts if now - t < self.window]
        log = self.server.log_path
        if len(self.restarts) >= self.max_restarts:
            raise Failure(
                f"the embedded Redis stopped ({how}) after {len(self.restarts)} restart(s) within "
                f"{self.window:g}s; stopping everything. See {log}"
            )
        _say(f"the embedded Redis stopped ({how}); restarting it on the same data in {self.server.data_dir}")
        try:
            self.server.restart()
        except EmbeddedRedisError as exc:
            raise Failure(f"the embedded Redis stopped ({how}) and could not be restarted: {exc}") from None
        self.restarts.append(now)
        _say(f"the embedded Redis is running again (pid {self.server.pid}); see {log} for why it stopped")
        return True


def _cmd_up(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).expanduser().absolute()
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise Failure(f"cannot create the data directory {data_dir}: {exc.strerror}") from None
    token, token_source = _admin_token(data_dir)
    host = args.host
    children = []
    for name, _ in SERVICES:
        port = getattr(args, f"{name}_port")
        public = (os.environ.get(f"PLECAK_{name.upper()}_URL") or "").strip().rstrip("/")
        children.append(
            _Child(
                name=name,
                port=port,
                public_url=public or f"http://{_url_host(host)}:{port}",
                health_url=f"http://{_url_host(host)}:{port}/health",
            )
        )
    ports = [c.port for c in children]
    if len(set(ports)) != len(ports):
        raise UsageError(f"the three services need three different ports, not {ports}")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be between 1 and {MAX_WORKERS}")
    if not 0.01 <= args.watch_interval <= 60:
        raise UsageError("--watch-interval must be between 0.01 and 60 seconds")
    if not 0 <= args.redis_restarts <= 100:
        raise UsageError("--redis-restarts must be between 0 and 100")
    children = [
        _Child(c.name, c.port, c.public_url, c.health_url, worker=n)
        for c in children
        for n in range(1, args.workers + 1)
    ]

    stop = _StopFlag()
    stop.install()
    server: EmbeddedRedis | None = None
    try:
        redis_url = redis_url_from_env(os.environ, default="")
        if redis_url:
            _check_redis(redis_url)
            redis_note = "REDIS_URL" if os.environ.get("REDIS_URL") else "REDIS_CLUSTER_NODES"
        else:
            server = EmbeddedRedis(data_dir / "redis")
            try:
                redis_url = server.start()
            except EmbeddedRedisError as exc:
                server = None
                raise Failure(f"cannot start the embedded Redis: {exc}") from None
            redis_note = f"embedded, append-only file in {server.data_dir}"
        env = _service_env(
            os.environ, redis_url=redis_url, data_dir=data_dir, host=host, token=token, children=children
        )
        for child in children:
            if stop.requested:
                return EXIT_OK
            worker_env = {"PLECAK_REUSE_PORT": "1"} if args.workers > 1 else {}
            child.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module names
                [sys.executable, "-m", f"plecak.{child.name}"],
                env={**env, "PLECAK_PORT": str(child.port), **worker_env},
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches only us; we stop the children in order
            )
        _wait_healthy(children, stop, args.startup_timeout)
        if stop.requested:
            return EXIT_OK
        _trust_local_issuer(children, token)
        print(_banner(children, token, token_source, data_dir, redis_note), flush=True)
        watch = RedisWatch(server, max_restarts=args.redis_restarts) if server is not None else None
        while not stop.requested:
            _check_children(children)
            if watch is not None:
                watch.check()
            time.sleep(args.watch_interval)
        _say("stopping...")
        return EXIT_OK
    finally:
        _stop_children(children)
        if server is not None:
            server.stop()
        stop.restore()


# -- plecak issue-batch ----------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchRow:
    """One data row of the CSV file, ready to send."""

    number: int
    name: str
    body: dict[str, Any]
    idempotency_key: str
    problem: str | None = None


@dataclass
class RowResult:
    number: int
    name: str
    status: str
    credential_id: str = ""
    error: str = ""
    offer: dict[str, str] = field(default_factory=dict)  # --offers: link, tx_code, expires_at, …


def _idempotency_key(achievement: str, body: Mapping[str, Any], occurrence: int) -> str:
    """sha256 of the achievement, what the row asks for, and which copy of an identical row it is.

    The row's position is deliberately left out: adding or reordering rows in the file must not
    issue again to learners already done. Two identical rows are two learners (``occurrence``).
    """
    material = json.dumps(
        ["plecak issue-batch v1", achievement, body, occurrence],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


CSV_DELIMITERS = (",", ";", "\t")
"""Separators ``issue-batch`` understands: commas, semicolons (what spreadsheets write in locales
with a decimal comma, e.g. Polish) and tabs."""


def sniff_delimiter(header_line: str) -> str:
    """The separator of a CSV file, judged from its header row (names, so no quoted separators):
    the most frequent of comma, semicolon and tab; a comma when the header has one column."""
    counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier (comma)
    return best if counts[best] else ","


def read_batch(path: Path, achievement: str) -> tuple[list[BatchRow], list[str]]:
    """The rows of a batch CSV file and the names of columns that will be ignored.

    The separator (comma, semicolon or tab) is taken from the header row; a first line
    ``sep=;`` (as some spreadsheets write) names it explicitly. Cells are kept as text, so a
    grade written with a decimal comma (``4,5``) stays ``4,5``.

    Raises :class:`UsageError` for an unreadable file, a missing ``name`` column or no rows.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        lines = text.splitlines()
        first = lines[0].strip() if lines else ""
        if first.lower().startswith("sep=") and len(first) == 5:
            delimiter = first[4]
            text = text.split("\n", 1)[1] if "\n" in text else ""
        else:
            delimiter = sniff_delimiter(first)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        records = [(reader.line_num, rec) for rec in reader]
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; save the CSV as UTF-8") from None
    except (OSError, csv.Error) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not header or not any(cell.strip() for cell in header):
        raise UsageError(f"{path} is empty; the first row must name the columns (name,email,did,grade)")
    columns = [cell.strip().lower() for cell in header]
    if "name" not in columns:
        raise UsageError(
            f"{path} has no 'name' column; the header row is {delimiter.join(header)!r}. Expected a header "
            "row such as name,email,did,grade (separated by commas, semicolons or tabs)"
        )
    duplicates = sorted({c for c in columns if c in CSV_COLUMNS and columns.count(c) > 1})
    if duplicates:
        raise UsageError(f"{path} names the column(s) {', '.join(duplicates)} more than once")
    ignored = [c for c in columns if c and c not in CSV_COLUMNS]
    index = {c: columns.index(c) for c in CSV_COLUMNS if c in columns}

    rows: list[BatchRow] = []
    seen: dict[str, int] = {}
    for _, record in records:
        if not any(cell.strip() for cell in record):
            continue  # blank line
        values = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        learner = {k: values[k] for k in ("name", "email", "did") if values.get(k)}
        body: dict[str, Any] = {"learner": learner}
        if values.get("grade"):
            body["grade"] = values["grade"]
        canonical = json.dumps(body, sort_keys=True)
        seen[canonical] = seen.get(canonical, 0) + 1
        rows.append(
            BatchRow(
                number=len(rows) + 1,
                name=values.get("name", ""),
                body=body,
                idempotency_key=_idempotency_key(achievement, body, seen[canonical]),
                problem=None if values.get("name") else "the name is empty",
            )
        )
    if not rows:
        raise UsageError(f"{path} has a header but no rows")
    return rows, ignored


class _Progress:
    """A one-line progress bar on a terminal; silent elsewhere (the summary still prints)."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done = self.failed = 0
        self.active = stream.isatty()

    def advance(self, ok: bool) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        if self.active:
            filled = self.width * self.done // self.total
            bar = "#" * filled + "-" * (self.width - filled)
            issued = self.done - self.failed
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}  issued {issued}  failed {self.failed}")
            self.stream.flush()

    def close(self) -> None:
        if self.active and self.done:
            self.stream.write("\n")
            self.stream.flush()


_RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})
IN_FLIGHT_WAIT = 180.0
"""Seconds a row may wait, in all, on an issuer answering "still being processed" with Retry-After:
a request in flight when an earlier run crashed holds its Idempotency-Key for two minutes."""


def _retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (the HTTP-date form is not used by our issuer)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return None
    return float(int(text))


def _problem_text(status: int, reason: str | None, text: str) -> str:
    try:
        problem = json.loads(text)
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        title = str(problem.get("title") or reason or "error")
        detail = problem.get("detail")
        return f"{status} {title}: {detail}" if detail else f"{status} {title}"
    snippet = " ".join(text.split())[:200]
    return f"{status} {reason or 'error'}" + (f": {snippet}" if snippet else "")


@dataclass
class _Batch:
    issuer_url: str
    achievement: str
    token: str
    concurrency: int
    attempts: int = 4
    backoff: float = 0.5
    offers: bool = False
    on_result: Callable[[RowResult], None] = field(default=lambda result: None)
    in_flight_wait: float = IN_FLIGHT_WAIT
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def _endpoint(self, suffix: str = "") -> str:
        return f"{self.issuer_url}/api/achievements/{urllib.parse.quote(self.achievement, safe='')}{suffix}"

    async def preflight(self, session: aiohttp.ClientSession) -> None:
        """Check the issuer is there, takes the token and knows the achievement."""
        url = self._endpoint()
        try:
            async with session.get(url, headers=self._headers()) as response:
                text = await response.text(errors="replace")
                status = response.status
                reason = response.reason
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise Failure(
                f"cannot reach the issuer at {self.issuer_url}: {str(exc) or type(exc).__name__}"
            ) from None
        if status in (401, 403):
            raise UsageError(f"the issuer refused the admin token ({_problem_text(status, reason, text)})")
        if status == 404:
            raise UsageError(f"the issuer at {self.issuer_url} has no achievement {self.achievement!r}")
        if status != 200:
            raise Failure(f"the issuer answered {_problem_text(status, reason, text)} for {url}")

    async def issue(self, session: aiohttp.ClientSession, row: BatchRow) -> RowResult:
        if row.problem:
            return RowResult(row.number, row.name, "error", error=row.problem)
        headers = self._headers()
        if not self.offers:  # an offer is single-use and expires; a new run makes new offers
            headers["Idempotency-Key"] = row.idempotency_key
        body = {**row.body, "txCode": True} if self.offers else row.body
        error = ""
        attempt = 0
        waited = 0.0  # on "still being processed" answers: they do not use up attempts
        while attempt < self.attempts:
            attempt += 1
            retry_after: float | None = None
            try:
                async with session.post(
                    self._endpoint("/offers" if self.offers else "/credentials"), json=body, headers=headers
                ) as resp:
                    text = await resp.text(errors="replace")
                    status, reason = resp.status, resp.reason
                    retry_after = _retry_after(resp.headers.get("Retry-After"))
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"no answer from the issuer: {str(exc) or type(exc).__name__}"
            else:
                if status in (200, 201):
                    return self._offered(row, text) if self.offers else self._issued(row, text)
                error = _problem_text(status, reason, text)
                if status == 409 and retry_after is not None:
                    # the row's key is held by a request in flight (or left behind by a crash):
                    # wait as told, within the row's budget, and ask again
                    if waited < self.in_flight_wait:
                        delay = min(max(retry_after, 0.1), self.in_flight_wait - waited)
                        waited += delay
                        attempt -= 1
                        await self.sleep(delay)
                        continue
                    error += f" (waited {waited:.0f} s; run the same file again later)"
                    break
                if status not in _RETRY_STATUSES:
                    break
            if attempt < self.attempts:
                await self.sleep(self.backoff * 2 ** (attempt - 1))
        return RowResult(row.number, row.name, "error", error=error)

    def _issued(self, row: BatchRow, text: str) -> RowResult:
        try:
            credential = json.loads(text)["verifiableCredential"]
            credential_id = credential["id"]
        except (ValueError, KeyError, TypeError):
            return RowResult(
                row.number, row.name, "error", error="the issuer's answer holds no credential id"
            )
        return RowResult(row.number, row.name, "issued", credential_id=str(credential_id))

    def _offered(self, row: BatchRow, text: str) -> RowResult:
        try:
            offer = json.loads(text)
            link = str(offer.get("walletLink") or offer["offerLink"])
            expires = str(offer["expiresAt"])
            tx_code = str(offer.get("txCode") or "")
            title = str(offer.get("achievementName") or "your micro-credential")
        except (ValueError, KeyError, TypeError, AttributeError):
            return RowResult(row.number, row.name, "error", error="the issuer's answer holds no offer link")
        email = str((row.body.get("learner") or {}).get("email") or "")
        return RowResult(
            row.number,
            row.name,
            "offered",
            offer={
                "email": email,
                "link": link,
                "tx_code": tx_code,
                "expires_at": expires,
                "email_text": offer_email_text(row.name, title, link, expires, with_code=bool(tx_code)),
            },
        )

    async def run(self, rows: Sequence[BatchRow]) -> list[RowResult]:
        timeout = aiohttp.ClientTimeout(total=120, sock_connect=10)
        connector = aiohttp.TCPConnector(limit=self.concurrency)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await self.preflight(session)
            gate = asyncio.Semaphore(self.concurrency)

            async def one(row: BatchRow) -> RowResult:
                async with gate:
                    result = await self.issue(session, row)
                self.on_result(result)
                return result

            return list(await asyncio.gather(*(one(row) for row in rows)))


def offer_email_text(name: str, title: str, link: str, expires_at: str, *, with_code: bool) -> str:
    """The e-mail a registrar can send a learner with their offer link (the code goes separately)."""
    text = (
        f'Dear {name},\n\nyour micro-credential "{title}" is ready. '
        f"Open this link on your phone to add it to your wallet:\n{link}\n\n"
    )
    if with_code:
        text += "You will be asked for a code, which we send in a separate message.\n\n"
    return text + f"The link expires on {expires_at[:10]}."


def _write_results(path: Path, results: Sequence[RowResult], *, offers: bool = False) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(OFFER_COLUMNS if offers else RESULT_COLUMNS)
            for r in sorted(results, key=lambda r: r.number):
                if offers:
                    extra = [r.offer.get(c, "") for c in OFFER_COLUMNS[3:-1]]
                    writer.writerow([r.number, r.name, r.status, *extra, r.error])
                else:
                    writer.writerow([r.number, r.name, r.status, r.credential_id, r.error])
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise Failure(f"cannot write the results to {path}: {exc.strerror}") from None


def _batch_token(args: argparse.Namespace) -> str:
    token = (args.token or os.environ.get("PLECAK_ADMIN_TOKEN") or "").strip()
    if token:
        return token
    path = Path(args.data_dir).expanduser() / "admin-token"
    token = _read_token_file(path) or ""
    if not token:
        raise UsageError(f"no admin token: pass --token, set PLECAK_ADMIN_TOKEN or create {path}")
    return token


def _achievement_id(value: str) -> str:
    """A bare achievement uuid; its public URL (``…/achievements/{uuid}``) is accepted too."""
    text = value.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    if not text:
        raise UsageError("--achievement is empty")
    return text


def _cmd_issue_batch(args: argparse.Namespace) -> int:
    if not 1 <= args.concurrency <= 64:
        raise UsageError("--concurrency must be between 1 and 64")
    achievement = _achievement_id(args.achievement)
    source = Path(args.file)
    output = Path(args.output) if args.output else source.with_name(f"{source.stem}.results.csv")
    if output.resolve() == source.resolve():
        raise UsageError("--output must not be the input file")
    rows, ignored = read_batch(source, achievement)
    if ignored:
        _say(f"ignoring column(s) {', '.join(ignored)}; known columns are {', '.join(CSV_COLUMNS)}")
    token = _batch_token(args)
    issuer = (args.issuer_url or os.environ.get("PLECAK_ISSUER_URL") or "http://127.0.0.1:8001").rstrip("/")
    if not issuer.startswith(("http://", "https://")):
        raise UsageError(f"--issuer-url must be an http(s) URL, not {issuer!r}")

    progress = _Progress(len(rows), sys.stderr)
    done = "offered" if args.offers else "issued"
    if not 0 <= args.wait_in_flight <= 3600:
        raise UsageError("--wait-in-flight must be between 0 and 3600 seconds")
    batch = _Batch(
        issuer_url=issuer,
        achievement=achievement,
        token=token,
        concurrency=args.concurrency,
        offers=args.offers,
        in_flight_wait=args.wait_in_flight,
        on_result=lambda result: progress.advance(result.status == done),
    )
    try:
        results = asyncio.run(batch.run(rows))
    finally:
        progress.close()
    _write_results(output, results, offers=args.offers)
    failed = sum(1 for r in results if r.status != done)
    noun = "offer(s)" if args.offers else "credential(s)"
    summary = f"{done} {len(results) - failed} of {len(results)} {noun}"
    if failed:
        summary += f"; {failed} failed"
    print(f"{summary}; results in {output}", file=sys.stderr, flush=True)
    if args.offers and any(r.offer.get("link", "").startswith("openid-credential-offer:") for r in results):
        _say(
            "the issuer knows no wallet address (set PLECAK_WALLET_URL on the issuer; `plecak up` does), "
            "so the links are openid-credential-offer://, which only a wallet app opens: a phone's camera "
            "and most mail apps will not"
        )
    return EXIT_FAILED if failed else EXIT_OK


# -- argument parsing ------------------------------------------------------------------------------
def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, not {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plecak",
        description="Plecak: issue, keep and verify EU micro-credentials as W3C Verifiable Credentials.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    up = commands.add_parser(
        "up",
        help="run Redis, the issuer, the wallet and the verifier until Ctrl-C",
        description="Run Redis (embedded unless REDIS_URL is set) and the three services until Ctrl-C.",
    )
    up.add_argument("--data-dir", default=_default_data_dir(), help="where data lives (default: %(default)s)")
    up.add_argument(
        "--host", default="127.0.0.1", help="address the services listen on (default: %(default)s)"
    )
    for name, port in SERVICES:
        up.add_argument(f"--{name}-port", type=_port, default=port, help=f"default: {port}")
    up.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="processes per service, sharing its port with SO_REUSEPORT (default: %(default)s)",
    )
    up.add_argument(
        "--startup-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for /health (default: %(default)s)",
    )
    up.add_argument(
        "--watch-interval",
        type=float,
        default=0.2,
        metavar="SECONDS",
        help="how often the services and the embedded Redis are checked (default: %(default)s)",
    )
    up.add_argument(
        "--redis-restarts",
        type=int,
        default=REDIS_RESTARTS,
        metavar="N",
        help=(
            "restart a dead embedded Redis at most N times within 5 minutes, then stop everything "
            "with exit code 1 (default: %(default)s; 0: never restart)"
        ),
    )
    up.set_defaults(handler=_cmd_up)

    batch = commands.add_parser(
        "issue-batch",
        help="issue one credential per row of a CSV file",
        description=(
            "Issue one credential of an achievement per CSV row (columns: name, and optionally email, did, "
            "grade; a header row is required; cells separated by commas, semicolons or tabs, taken from the "
            "header row; grades are kept as written, e.g. 4,5). "
            "Running the same file again issues nothing twice. "
            "Exit code 0: all issued; 1: some rows failed; 2: bad arguments or file."
        ),
    )
    batch.add_argument("file", metavar="FILE.csv", help="the learners, one per row")
    batch.add_argument(
        "--achievement", required=True, metavar="ID", help="the achievement's uuid (or its URL)"
    )
    batch.add_argument(
        "--issuer-url", default=None, help="default: $PLECAK_ISSUER_URL or http://127.0.0.1:8001"
    )
    batch.add_argument(
        "--token", default=None, help="admin token; default: $PLECAK_ADMIN_TOKEN or DATA/admin-token"
    )
    batch.add_argument(
        "--data-dir", default=_default_data_dir(), help="where to find admin-token (default: %(default)s)"
    )
    batch.add_argument("--output", default=None, metavar="OUT.csv", help="default: FILE.results.csv")
    batch.add_argument("--concurrency", type=int, default=8, help="requests at a time (default: %(default)s)")
    batch.add_argument(
        "--wait-in-flight",
        type=float,
        default=IN_FLIGHT_WAIT,
        metavar="SECONDS",
        help=(
            "how long a row may wait, in all, while the issuer says it is still being processed "
            "(after a crash the row in flight is held for up to two minutes) (default: %(default)s)"
        ),
    )
    batch.add_argument(
        "--offers",
        action="store_true",
        help=(
            "make an OpenID4VCI offer per row instead of issuing: the output lists each learner's "
            "wallet link, the code to send separately, its expiry and a ready-to-send e-mail text "
            "(a new run makes new offers)"
        ),
    )
    batch.set_defaults(handler=_cmd_issue_batch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except Failure as exc:
        _say(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("interrupted; running the same command again is safe")
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
