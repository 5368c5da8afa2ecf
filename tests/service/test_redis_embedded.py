"""The embedded Redis: a real redis-server child process, real files, real persistence."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from plecak.runtime.redis_embedded import MAX_SOCKET_PATH, EmbeddedRedis, EmbeddedRedisError
from plecak.runtime.storage import Keys, connect


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_data_survives_a_clean_restart(tmp_path: Path) -> None:
    data = tmp_path / "redis"
    with EmbeddedRedis(data) as server:
        assert server.url == f"unix://{data / 'redis.sock'}"
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        sock = data / "redis.sock"
        assert stat.S_ISSOCK(sock.stat().st_mode)
        assert stat.S_IMODE(sock.stat().st_mode) == 0o700
        assert int((data / "redis.pid").read_text()) == server.pid
        with redis.Redis.from_url(server.url) as client:
            client.set("greeting", "cześć")
            client.rpush("list", "a", "b")
            assert client.config_get("appendonly") == {"appendonly": "yes"}
            assert client.config_get("port") == {"port": "0"}
        first_pid = server.pid
    assert first_pid is not None
    assert _wait_gone(first_pid)
    assert not (data / "redis.sock").exists()
    assert (data / "appendonly.aof").stat().st_size > 0

    with EmbeddedRedis(data) as again:
        assert again.pid != first_pid
        with redis.Redis.from_url(again.url or "") as client:
            assert client.get("greeting") == "cześć".encode()
            assert client.lrange("list", 0, -1) == [b"a", b"b"]


def test_stale_socket_and_pid_file_of_a_crashed_run_are_cleared(tmp_path: Path) -> None:
    data = tmp_path / "redis"
    data.mkdir()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(data / "redis.sock"))  # a socket file nobody listens on any more
    stale.close()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (data / "redis.pid").write_text(f"{dead.pid}\n")
    with EmbeddedRedis(data) as server, redis.Redis.from_url(server.url or "") as client:
        assert client.ping()
        assert int((data / "redis.pid").read_text()) == server.pid


def test_server_left_running_by_a_killed_owner_is_shut_down_and_its_data_kept(tmp_path: Path) -> None:
    data = tmp_path / "redis"
    owner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time, redis
                from plecak.runtime.redis_embedded import EmbeddedRedis
                server = EmbeddedRedis({str(data)!r})
                server.start()
                redis.Redis.from_url(server.url).set("written-before-crash", "yes")
                print(server.pid, flush=True)
                time.sleep(600)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert owner.stdout is not None
        orphan = int(owner.stdout.readline())
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
    assert _alive(orphan)  # it outlived its owner

    with EmbeddedRedis(data) as server:
        assert server.pid != orphan
        assert _wait_gone(orphan, 1)
        with redis.Redis.from_url(server.url or "") as client:
            assert client.get("written-before-crash") == b"yes"


def test_a_directory_has_one_owner_at_a_time(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path) as first:
        with pytest.raises(EmbeddedRedisError, match="in use by another process"):
            EmbeddedRedis(tmp_path).start()
        with redis.Redis.from_url(first.url or "") as client:
            assert client.ping()  # the refused second owner did not disturb the first
    with EmbeddedRedis(tmp_path) as after:
        assert after.running


def test_long_socket_path_falls_back_to_loopback_tcp_with_a_password(tmp_path: Path) -> None:
    data = tmp_path / ("d" * (MAX_SOCKET_PATH + 10))
    with EmbeddedRedis(data) as server:
        assert not server.uses_unix_socket
        url = server.url or ""
        assert url.startswith("redis://:")
        assert "@127.0.0.1:" in url
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        with (
            redis.Redis(host="127.0.0.1", port=port) as anonymous,
            pytest.raises(redis.RedisError) as refused,
        ):
            anonymous.get("x")
        assert "auth" in str(refused.value).lower()
        with redis.Redis.from_url(url) as client:
            client.set("k", "v")
    with EmbeddedRedis(data) as again, redis.Redis.from_url(again.url or "") as client:
        assert client.get("k") == b"v"


def test_start_failure_reports_the_log_and_releases_the_directory(tmp_path: Path) -> None:
    broken = tmp_path / "broken-redis-server"
    broken.write_text("#!/bin/sh\necho '*** FATAL CONFIG FILE ERROR: demo ***' >&2\nexit 3\n")
    broken.chmod(0o755)
    data = tmp_path / "redis"
    with pytest.raises(EmbeddedRedisError, match=r"exited with code 3(.|\n)*FATAL CONFIG FILE ERROR: demo"):
        EmbeddedRedis(data, binary=broken).start()
    with EmbeddedRedis(data) as server:
        assert server.running


def test_start_timeout_names_the_wait(tmp_path: Path) -> None:
    silent = tmp_path / "silent-redis-server"
    silent.write_text("#!/bin/sh\nexec sleep 30\n")
    silent.chmod(0o755)
    server = EmbeddedRedis(tmp_path / "redis", binary=silent, startup_timeout=0.5)
    with pytest.raises(EmbeddedRedisError, match=r"did not answer PING within 0\.5s"):
        server.start()
    assert not server.running


async def test_storage_connect_and_keys(redis_url: str, redis_client: Redis) -> None:
    keys = Keys("wallet")
    assert keys("user", 42) == "wallet:user:42"
    with pytest.raises(ValueError, match="a key prefix is a non-empty name"):
        Keys("wallet:")
    with pytest.raises(ValueError, match="key parts must not be empty"):
        keys("user", "")
    client = connect(redis_url)
    try:
        await client.set(keys("blob"), b"\xff\x00")
        assert await client.get(keys("blob")) == b"\xff\x00"  # bytes in, bytes out
    finally:
        await client.aclose()
    assert await redis_client.exists(keys("blob")) == 1
