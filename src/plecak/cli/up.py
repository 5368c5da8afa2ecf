"""``plecak up``: Redis and the three services as child processes, watched until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis
from redis.exceptions import RedisClusterException

from plecak.runtime.redis_embedded import EmbeddedRedis, EmbeddedRedisError
from plecak.runtime.storage import connect_sync, redis_url_from_env

from .children import (
    _banner,
    _check_children,
    _Child,
    _service_env,
    _stop_children,
    _StopFlag,
    _trust_local_issuer,
    _url_host,
    _wait_healthy,
)
from .common import EXIT_OK, MAX_WORKERS, SERVICES, Failure, UsageError, _admin_token, _default_data_dir, _say

__all__ = ["REDIS_RESTARTS", "RedisWatch", "add_parser"]


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
        log = self.server.path("log")
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


# long: the launcher's life in order (arguments, Redis, children, watch, stop) in one try/finally
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


# -- argument parsing ------------------------------------------------------------------------------
def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, not {port}")
    return port


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``up`` command's arguments."""
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
