"""``plecak`` as a user runs it: real child processes, real Redis, real HTTP."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from plecak.cli import IN_FLIGHT_WAIT, BatchRow, Failure, RedisWatch, _Batch, main, read_batch
from plecak.issuer.app import create_app
from plecak.issuer.service import _request_hash
from plecak.issuer.store import PENDING_TTL
from plecak.runtime.redis_embedded import EmbeddedRedis
from plecak.runtime.storage import connect_sync
from support.cli import PLECAK, cli_env, read_results, run_cli
from support.issuer import AUTH, TOKEN, issuer_settings
from support.ports import ports_for_children
from support.redis_keys import stored_value

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_ports(n: int) -> list[int]:
    return ports_for_children(n)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class _Running:
    """A ``plecak up`` child whose stdout is collected line by line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.stdout.append(line)
            if text in line:
                return "".join(self.stdout)
        raise AssertionError(
            f"no {text!r} on stdout; got {''.join(self.stdout)!r}; stderr: {self.stop_and_stderr()}"
        )

    def stop_and_stderr(self) -> str:
        if self.proc.poll() is None:
            self.proc.kill()
        _, err = self.proc.communicate(timeout=30)
        return err


@pytest.fixture
def up_ports() -> list[int]:
    return _free_ports(3)


def _up_args(data: Path, ports: list[int]) -> list[str]:
    return [
        *PLECAK,
        "up",
        "--data-dir",
        str(data),
        "--issuer-port",
        str(ports[0]),
        "--wallet-port",
        str(ports[1]),
        "--verifier-port",
        str(ports[2]),
    ]


def test_help_lists_the_commands() -> None:
    done = subprocess.run([*PLECAK, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert "up" in done.stdout
    assert "issue-batch" in done.stdout
    script = Path(sys.executable).with_name("plecak")
    if script.exists():  # the console script of an installed checkout
        assert (
            subprocess.run([str(script), "--help"], capture_output=True, timeout=60, check=False).returncode
            == 0
        )


def test_up_runs_three_services_and_stops_cleanly_on_sigint(tmp_path: Path, up_ports: list[int]) -> None:
    data = tmp_path / "data"
    token = "cli-test-admin-token-0123456789"
    running = _Running(_up_args(data, up_ports), cli_env(PLECAK_ADMIN_TOKEN=token))
    try:
        banner = running.wait_for("Ctrl-C to stop")
        for port in up_ports:
            assert f"http://127.0.0.1:{port}" in banner
        assert str(data) in banner
        assert token not in banner  # a token from the environment is not echoed
        for name, port in zip(("issuer", "wallet", "verifier"), up_ports, strict=True):
            with NO_PROXY.open(f"http://127.0.0.1:{port}/health", timeout=10) as response:
                assert response.status == 200
                body = json.loads(response.read())
                assert body["status"] == "ok"
                assert body["service"] == name
        # the learner and employer front pages are served
        for port, marker in zip(
            up_ports[1:], ("Your learning achievements", "Check a micro-credential"), strict=True
        ):
            with NO_PROXY.open(f"http://127.0.0.1:{port}/", timeout=10) as response:
                assert marker in response.read().decode()
        # the issuer seeded its demo achievements and takes the token
        request = urllib.request.Request(
            f"http://127.0.0.1:{up_ports[0]}/api/achievements", headers={"Authorization": f"Bearer {token}"}
        )
        with NO_PROXY.open(request, timeout=10) as response:
            assert json.loads(response.read())["achievements"]
        redis_pid = int((data / "redis" / "redis.pid").read_text())
        assert _alive(redis_pid)
        assert not (data / "admin-token").exists()
        assert (data / "redis" / "redis.sock").exists()
    except BaseException:
        print(running.stop_and_stderr(), file=sys.stderr)
        raise

    running.proc.send_signal(signal.SIGINT)
    assert running.proc.wait(timeout=60) == 0, running.stop_and_stderr()
    assert not _alive(redis_pid)
    assert not (data / "redis" / "redis.sock").exists()
    assert (data / "redis" / "appendonly.aof").stat().st_size > 0
    for port in up_ports:
        assert not _port_open(port)
    assert (data / "issuer-kek").exists()
    assert oct(data.stat().st_mode & 0o777) == oct(0o700)


def test_up_generates_an_admin_token_and_stops_everything_when_a_service_dies(
    tmp_path: Path, up_ports: list[int]
) -> None:
    data = tmp_path / "data"
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", up_ports[1]))  # the wallet's port is taken
    blocker.listen()
    try:
        done = subprocess.run(
            _up_args(data, up_ports), env=cli_env(), capture_output=True, text=True, timeout=120, check=False
        )
    finally:
        blocker.close()
    assert done.returncode == 1, done.stderr
    assert "the wallet service exited unexpectedly with code" in done.stderr
    token_file = data / "admin-token"
    assert len(token_file.read_text().strip()) >= 32
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert not (data / "redis" / "redis.sock").exists()  # Redis was shut down
    pid_file = data / "redis" / "redis.pid"
    assert not pid_file.exists() or not _alive(int(pid_file.read_text()))
    for port in (up_ports[0], up_ports[2]):
        assert not _port_open(port)


def test_up_uses_redis_url_when_set(tmp_path: Path, up_ports: list[int], redis_url: str) -> None:
    data = tmp_path / "data"
    running = _Running(_up_args(data, up_ports), cli_env(REDIS_URL=redis_url))
    try:
        banner = running.wait_for("Ctrl-C to stop")
        assert "Redis: REDIS_URL" in banner
        assert not (data / "redis").exists()
        with connect_sync(redis_url) as client:
            assert client.exists("issuer:keys:active")  # the issuer started on this Redis
    finally:
        running.proc.send_signal(signal.SIGINT)
        assert running.proc.wait(timeout=60) == 0, running.stop_and_stderr()


def test_up_fails_fast_on_a_dead_redis_url_or_a_short_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], closed_port: int
) -> None:
    sigint_before = signal.getsignal(signal.SIGINT)
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{closed_port}/0")
    monkeypatch.setenv("PLECAK_ADMIN_TOKEN", "a-long-enough-admin-token")
    assert main(["up", "--data-dir", str(tmp_path / "d")]) == 1
    assert "REDIS_URL does not answer PING" in capsys.readouterr().err
    monkeypatch.setenv("PLECAK_ADMIN_TOKEN", "short")
    assert main(["up", "--data-dir", str(tmp_path / "d")]) == 2
    assert "shorter than 16" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is sigint_before  # a failed start restores the handler


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _kill_redis(server: EmbeddedRedis) -> None:
    """kill -9 the redis-server child and wait (bounded) until it is gone."""
    assert server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while server.running:
        assert time.monotonic() < deadline, "redis-server survived SIGKILL"
        time.sleep(0.01)


@pytest.mark.parametrize("transport", ["unix", "tcp"])
def test_redis_watch_restarts_a_killed_embedded_redis_on_the_same_data_then_gives_up(
    tmp_path: Path, transport: str
) -> None:
    data = tmp_path / "redis" if transport == "unix" else tmp_path / ("d" * 120) / "redis"
    server = EmbeddedRedis(data)
    url = server.start()
    assert url.startswith("unix://" if transport == "unix" else "redis://")
    clock = _Clock()
    watch = RedisWatch(server, max_restarts=2, window=60, clock=clock)
    try:
        with connect_sync(url) as client:
            client.set("answered", "before the crash")
        assert watch.check() is False
        for restart in (1, 2):
            before = server.pid
            _kill_redis(server)
            assert watch.check() is True
            assert server.url == url
            assert server.pid != before
            assert server.running
            with connect_sync(url) as client:  # same address, same data (append-only file)
                assert client.get("answered") == b"before the crash"
                client.set(f"after-{restart}", "1")
            clock.now += 10
        _kill_redis(server)
        with pytest.raises(Failure, match=r"after 2 restart\(s\) within 60s; stopping everything"):
            watch.check()
        clock.now += 60  # the earlier restarts are out of the window: it may restart again
        assert watch.check() is True
        with connect_sync(url) as client:
            assert client.get("after-2") == b"1"
    finally:
        server.stop()


def test_up_restarts_its_embedded_redis_after_kill_9_and_keeps_the_data(
    tmp_path: Path, up_ports: list[int]
) -> None:
    data = tmp_path / "data"
    token = "cli-test-admin-token-0123456789"
    running = _Running(
        [*_up_args(data, up_ports), "--watch-interval", "0.05"], cli_env(PLECAK_ADMIN_TOKEN=token)
    )
    issuer = f"http://127.0.0.1:{up_ports[0]}"
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        running.wait_for("Ctrl-C to stop")
        credential = {
            "credential": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "credentialSubject": {"id": "did:example:learner", "name": "Anna"},
            }
        }
        request = urllib.request.Request(
            f"{issuer}/credentials/issue", data=json.dumps(credential).encode(), headers=auth, method="POST"
        )
        with NO_PROXY.open(request, timeout=30) as response:
            assert response.status == 201
            credential_id = json.loads(response.read())["verifiableCredential"]["id"]
        redis_pid = int((data / "redis" / "redis.pid").read_text())
        os.kill(redis_pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:  # bounded: the watch (every 0.05 s) restarts Redis, the issuer reconnects
            try:
                with NO_PROXY.open(f"{issuer}/health", timeout=5) as response:
                    if response.status == 200 and (data / "redis" / "redis.pid").exists():
                        new_pid = int((data / "redis" / "redis.pid").read_text() or 0)
                        if new_pid and new_pid != redis_pid:
                            break
            except (urllib.error.URLError, OSError, ValueError):
                pass
            assert time.monotonic() < deadline, "the issuer did not come back after Redis was killed"
            time.sleep(0.05)
        assert running.proc.poll() is None
        assert _alive(new_pid)
        lookup = urllib.request.Request(
            f"{issuer}/api/credentials/{urllib.parse.quote(credential_id, safe='')}", headers=auth
        )
        with NO_PROXY.open(lookup, timeout=30) as response:
            assert json.loads(response.read())["id"] == credential_id
    except BaseException:
        print(running.stop_and_stderr(), file=sys.stderr)
        raise
    running.proc.send_signal(signal.SIGINT)
    assert running.proc.wait(timeout=60) == 0
    err = running.stop_and_stderr()
    assert "the embedded Redis stopped (killed by signal 9); restarting it" in err
    assert "running again" in err
    assert not _alive(new_pid)


# -- issue-batch ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"email,grade\na@example.org,4.0\n", "no 'name' column"),
        (b"name,email\n", "no rows"),
        (b"name,name\nA,B\n", "more than once"),
        ("name\nZofia Żółć\n".encode("cp1250"), "not UTF-8"),
    ],
)
def test_issue_batch_rejects_bad_files_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "learners.csv"
    if content is not None:
        path.write_bytes(content)
    code = main(["issue-batch", "--achievement", "x", "--token", "t" * 20, str(path)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "learners.results.csv").exists()


def test_issue_batch_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    path = tmp_path / "learners.csv"
    path.write_text("name\nAnna\n")
    monkeypatch.delenv("PLECAK_ADMIN_TOKEN", raising=False)
    # no token anywhere
    assert main(["issue-batch", "--achievement", "x", "--data-dir", str(tmp_path), str(path)]) == 2
    # output would overwrite the input
    assert (
        main(["issue-batch", "--achievement", "x", "--token", "t" * 20, "--output", str(path), str(path)])
        == 2
    )
    # argparse errors: missing --achievement, bad --concurrency
    with pytest.raises(SystemExit) as missing:
        main(["issue-batch", str(path)])
    assert missing.value.code == 2
    assert (
        main(["issue-batch", "--achievement", "x", "--token", "t" * 20, "--concurrency", "0", str(path)]) == 2
    )
    # an issuer that is not there is a failure, not a usage error
    url = f"http://127.0.0.1:{closed_port}"
    assert (
        main(["issue-batch", "--achievement", "x", "--token", "t" * 20, "--issuer-url", url, str(path)]) == 1
    )
    # subprocess: the exit code reaches the shell
    done = subprocess.run(
        [*PLECAK, "issue-batch", "--achievement", "x", str(tmp_path / "missing.csv")],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_idempotency_keys_follow_row_content_not_position(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text("name,email,notes\nAnna,anna@example.org,x\nJan,,\nJan,,\n")
    second = tmp_path / "b.csv"
    second.write_text("Name,Email\nNew Person,\n\nJan,\nAnna,anna@example.org\nJan,\n")
    rows_a, ignored = read_batch(first, "ach")
    rows_b, _ = read_batch(second, "ach")
    assert ignored == ["notes"]
    assert [r.number for r in rows_b] == [1, 2, 3, 4]
    assert rows_a[0].body == {"learner": {"name": "Anna", "email": "anna@example.org"}}
    keys_a = {r.idempotency_key for r in rows_a}
    keys_b = {r.idempotency_key for r in rows_b}
    assert len(keys_a) == 3  # the two identical "Jan" rows are two learners
    assert keys_a < keys_b  # inserting and reordering rows re-issues nothing
    assert not keys_a & {r.idempotency_key for r in read_batch(first, "other")[0]}


@pytest.mark.parametrize(
    "content",
    [
        'name;email;did;grade\r\nAnna Nowak;anna@example.org;;4,5\r\n"Kowalski; Jan";;;3,0\r\n',
        'sep=;\r\nname;email;did;grade\r\nAnna Nowak;anna@example.org;;4,5\r\n"Kowalski; Jan";;;3,0\r\n',
        'name\temail\tdid\tgrade\nAnna Nowak\tanna@example.org\t\t4,5\n"Kowalski; Jan"\t\t\t3,0\n',
    ],
    ids=["semicolon", "excel-sep-line", "tab"],
)
def test_issue_batch_reads_semicolon_and_tab_separated_files_keeping_decimal_commas(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "learners.csv"
    path.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))  # spreadsheets write a BOM
    rows, ignored = read_batch(path, "ach")
    assert ignored == []
    assert [r.body for r in rows] == [
        {"learner": {"name": "Anna Nowak", "email": "anna@example.org"}, "grade": "4,5"},
        {"learner": {"name": "Kowalski; Jan"}, "grade": "3,0"},
    ]
    comma = tmp_path / "comma.csv"
    comma.write_text('name,email,did,grade\nAnna Nowak,anna@example.org,,"4,5"\n')
    assert read_batch(comma, "ach")[0][0].body["grade"] == "4,5"
    # the same learners give the same idempotency keys whatever the separator
    assert [r.idempotency_key for r in rows] == [
        r.idempotency_key for r in read_batch(tmp_path / "learners.csv", "ach")[0]
    ]


def test_issue_batch_says_which_separators_it_expects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "learners.csv"
    path.write_text("imię|email\nAnna|anna@example.org\n")
    assert main(["issue-batch", "--achievement", "x", "--token", "t" * 20, str(path)]) == 2
    err = capsys.readouterr().err
    assert "no 'name' column" in err
    assert "commas, semicolons or tabs" in err


async def test_issue_batch_against_a_real_issuer_is_idempotent(
    redis_url: str, redis_client: Redis, tmp_path: Path
) -> None:
    server = TestServer(create_app(issuer_settings(redis_url, tmp_path, seed_demo=True)), host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base}/api/achievements", headers=AUTH) as response,
        ):
            achievements = (await response.json())["achievements"]
        graded = next(a for a in achievements if a["input"].get("grading"))
        allowed = graded["input"]["grading"]["allowedValues"]
        learners = tmp_path / "learners.csv"
        learners.write_text(
            "name,email,did,grade\n"
            f"Anna Nowak,anna@example.org,,{allowed[-1]}\n"
            "Jan Kowalski,,did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,\n"
            "Ewa Zła,not-an-email,,\n"
            f"Piotr Wiśniewski,,,{allowed[0]}\n"
        )
        args = ["issue-batch", "--achievement", graded["uuid"], "--issuer-url", base, "--token", TOKEN]
        code, err = await run_cli(*args, str(learners))
        assert code == 1, err
        assert "issued 3 of 4" in err
        first = read_results(tmp_path / "learners.results.csv")
        assert [r["status"] for r in first] == ["issued", "issued", "error", "issued"]
        assert [r["row"] for r in first] == ["1", "2", "3", "4"]
        assert first[2]["credential_id"] == ""
        assert "learner.email" in first[2]["error"]
        assert all(r["credential_id"].startswith("urn:uuid:") for r in first if r["status"] == "issued")
        issued = await redis_client.zcard("issuer:{records}:credentials")
        assert issued == 3

        # fix the bad row, add a learner at the top, run again: only the new rows are issued
        learners.write_text(
            "name,email,did,grade\n"
            "Nowa Osoba,,,\n"
            f"Anna Nowak,anna@example.org,,{allowed[-1]}\n"
            "Jan Kowalski,,did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,\n"
            "Ewa Zła,ewa@example.org,,\n"
            f"Piotr Wiśniewski,,,{allowed[0]}\n"
        )
        out = tmp_path / "second.csv"
        code, err = await run_cli(*args, "--output", str(out), "--concurrency", "2", str(learners))
        assert code == 0, err
        second = read_results(out)
        assert [r["status"] for r in second] == ["issued"] * 5
        before = {r["name"]: r["credential_id"] for r in first if r["status"] == "issued"}
        after = {r["name"]: r["credential_id"] for r in second}
        for name, credential_id in before.items():
            assert after[name] == credential_id
        assert await redis_client.zcard("issuer:{records}:credentials") == issued + 2

        code, err = await run_cli(*[a if a != TOKEN else "x" * 20 for a in args], str(learners))
        assert code == 2
        assert "refused the admin token" in err
        code, err = await run_cli(*[a if a != graded["uuid"] else "no-such-id" for a in args], str(learners))
        assert code == 2
        assert "no achievement" in err
    finally:
        await server.close()


async def test_issue_batch_waits_for_a_row_left_in_flight_by_a_crash_and_finishes(
    redis_url: str, redis_client: Redis, tmp_path: Path
) -> None:
    """A crash leaves the row in flight claimed (pending, two-minute expiry): the issuer answers 409
    with Retry-After and one rerun of issue-batch waits and finishes the batch. The wait is on a
    simulated clock: the injected sleep lets that much time pass for Redis's expiring keys."""
    server = TestServer(create_app(issuer_settings(redis_url, tmp_path, seed_demo=True)), host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base}/api/achievements", headers=AUTH) as response,
        ):
            achievement = (await response.json())["achievements"][0]["uuid"]
        learners = tmp_path / "learners.csv"  # as a Polish spreadsheet saves it
        learners.write_text("name;email\r\nAnna Nowak;anna@example.org\r\nJan Kowalski;\r\nEwa Zięba;\r\n")
        rows, _ = read_batch(learners, achievement)
        crashed = rows[1]
        key = "issuer:{records}:idem:" + hashlib.sha256(crashed.idempotency_key.encode()).hexdigest()
        pending = {"state": "pending", "request": _request_hash(f"achievement:{achievement}", crashed.body)}
        await redis_client.set(key, json.dumps(pending), ex=PENDING_TTL)

        headers = {**AUTH, "Idempotency-Key": crashed.idempotency_key}
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{base}/api/achievements/{achievement}/credentials", json=crashed.body, headers=headers
            ) as r,
        ):
            assert r.status == 409
            assert 100 <= int(r.headers["Retry-After"]) <= PENDING_TTL
            assert (await r.json())["retryAfter"] == int(r.headers["Retry-After"])

        slept: list[float] = []

        async def simulated_sleep(seconds: float) -> None:
            slept.append(seconds)
            remaining = int(await redis_client.pttl(key))
            if remaining > 0:  # let `seconds` pass for the expiring claim
                left = remaining - int(seconds * 1000)
                if left <= 0:
                    await redis_client.delete(key)
                else:
                    await redis_client.pexpire(key, left)

        batch = _Batch(
            issuer_url=base, achievement=achievement, token=TOKEN, concurrency=2, sleep=simulated_sleep
        )
        results = await batch.run(rows)
        assert [r.status for r in sorted(results, key=lambda r: r.number)] == ["issued"] * 3, results
        assert PENDING_TTL - 30 <= sum(slept) <= IN_FLIGHT_WAIT
        assert await redis_client.zcard("issuer:{records}:credentials") == 3
        assert int(await stored_value(redis_client, "issuer:status:next")) == 3

        # a claim that outlasts the row's wait budget ends as an error that says to run again
        rows2 = [*read_batch(learners, achievement)[0]]
        other = BatchRow(9, "Late Row", {"learner": {"name": "Late Row"}}, "late-row-key")
        late_key = "issuer:{records}:idem:" + hashlib.sha256(b"late-row-key").hexdigest()
        late = {"state": "pending", "request": _request_hash(f"achievement:{achievement}", other.body)}
        await redis_client.set(late_key, json.dumps(late), ex=PENDING_TTL)
        slept.clear()

        async def no_time_passes(seconds: float) -> None:
            slept.append(seconds)

        short = _Batch(
            issuer_url=base,
            achievement=achievement,
            token=TOKEN,
            concurrency=2,
            in_flight_wait=30,
            sleep=no_time_passes,
        )
        results = await short.run([*rows2, other])
        by_name = {r.name: r for r in results}
        assert by_name["Late Row"].status == "error"
        assert (
            "still being processed" in by_name["Late Row"].error
        )
        assert (
            "run the same file again" in by_name["Late Row"].error
        )
        assert sum(slept) == pytest.approx(30)
        assert all(by_name[r.name].status == "issued" for r in rows2)  # replayed, not issued again
        assert await redis_client.zcard("issuer:{records}:credentials") == 3
    finally:
        await server.close()


def _children_by_module(parent: int) -> dict[str, list[int]]:
    """The ``python -m NAME`` children of ``parent``, by NAME."""
    found: dict[str, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"-m" in argv[:-1]:
            found.setdefault(argv[argv.index(b"-m") + 1].decode().removeprefix("plecak."), []).append(int(entry.name))
    return found


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


async def _issue_on_fresh_connections(base: str, token: str, count: int) -> list[tuple[int, int]]:
    """Issue ``count`` credentials, each request on a new TCP connection (so the kernel picks a
    worker each time); returns their (list, index) status positions."""
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as client:
        async with client.get(f"{base}/api/achievements", headers=headers) as resp:
            uuid = (await resp.json())["achievements"][0]["uuid"]
        gate = asyncio.Semaphore(4)

        async def one(n: int) -> tuple[int, int]:
            async with (
                gate,
                client.post(
                    f"{base}/api/achievements/{uuid}/credentials",
                    json={"learner": {"name": f"L{n}"}},
                    headers=headers,
                ) as resp,
            ):
                assert resp.status == 201, await resp.text()
                entry = (await resp.json())["verifiableCredential"]["credentialStatus"][0]
                return entry["statusListCredential"], int(entry["statusListIndex"])

        positions = await asyncio.gather(*(one(n) for n in range(count)))
    return [(hash(url), index) for url, index in positions]


async def _wallet_session_on_fresh_connections(base: str) -> None:
    from support.wallet import Browser

    browser = Browser(base)
    await browser.session.close()
    browser.session = aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), connector=aiohttp.TCPConnector(force_close=True)
    )
    try:
        await browser.sign_up("workers@example.org")  # GET the form, POST it with its CSRF token
        for _ in range(12):
            status, text = await browser.get("/")
            assert status == 200, text
            assert "workers@example.org" in text
            assert 'action="/signout"' in text
        status, text = await browser.post("/signout", {})  # the CSRF token of one worker's page
        assert status == 200, text
        assert 'action="/signout"' not in text, text
    finally:
        await browser.close()


def test_up_workers_share_each_port_and_keep_no_state_of_their_own(
    tmp_path: Path, up_ports: list[int], redis_url: str
) -> None:
    data = tmp_path / "data"
    token = "cli-test-admin-token-0123456789"
    args = [*_up_args(data, up_ports), "--workers", "2"]
    running = _Running(args, cli_env(REDIS_URL=redis_url, PLECAK_ADMIN_TOKEN=token))
    try:
        banner = running.wait_for("Ctrl-C to stop")
        assert banner.count("(2 workers)") == 3
        workers = _children_by_module(running.proc.pid)
        assert {name: len(pids) for name, pids in workers.items()} == {
            "issuer": 2,
            "wallet": 2,
            "verifier": 2,
        }
        before = {pid: _cpu_ticks(pid) for pid in workers["issuer"]}
        positions = asyncio.run(_issue_on_fresh_connections(f"http://127.0.0.1:{up_ports[0]}", token, 24))
        assert len(set(positions)) == 24  # one shared status counter: no index handed out twice
        busy = [pid for pid in workers["issuer"] if _cpu_ticks(pid) > before[pid]]
        assert len(busy) == 2  # both issuer workers signed credentials on the one port
        asyncio.run(_wallet_session_on_fresh_connections(f"http://127.0.0.1:{up_ports[1]}"))
    except BaseException:
        for pids in _children_by_module(running.proc.pid).values():
            for pid in pids:
                os.kill(pid, signal.SIGKILL)  # they would keep the output pipes open
        print(running.stop_and_stderr(), file=sys.stderr)
        raise
    running.proc.send_signal(signal.SIGINT)
    assert running.proc.wait(timeout=60) == 0, running.stop_and_stderr()
    assert not any(_alive(pid) for pids in workers.values() for pid in pids)
    for port in up_ports:
        assert not _port_open(port)


def test_up_refuses_a_bad_worker_count(tmp_path: Path, up_ports: list[int]) -> None:
    for bad in ("0", "65"):
        done = subprocess.run(
            [*_up_args(tmp_path / "data", up_ports), "--workers", bad],
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "--workers must be between 1 and 64" in done.stderr


async def test_issue_batch_offers_writes_wallet_links_codes_and_email_texts(
    redis_url: str, redis_client: Redis, tmp_path: Path
) -> None:
    settings = issuer_settings(redis_url, tmp_path, seed_demo=True)
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base}/api/achievements", headers=AUTH) as response,
        ):
            achievement = (await response.json())["achievements"][0]
        learners = tmp_path / "cohort.csv"
        learners.write_text("name,email\nAnna Nowak,anna@example.org\nEwa Zła,not-an-email\nJan Kos,\n")
        args = ["issue-batch", "--offers", "--achievement", achievement["uuid"], "--issuer-url", base]
        code, err = await run_cli(*args, "--token", TOKEN, str(learners))
        assert code == 1, err
        assert "offered 2 of 3 offer(s)" in err
        rows = read_results(tmp_path / "cohort.results.csv")
        assert [r["status"] for r in rows] == ["offered", "error", "offered"]
        assert "learner.email" in rows[1]["error"]
        assert rows[1]["link"] == ""
        assert rows[0]["email"] == "anna@example.org"
        assert await redis_client.zcard("issuer:{records}:credentials") == 0  # offers issue nothing yet
        async with aiohttp.ClientSession() as http:
            for row in (rows[0], rows[2]):
                assert row["tx_code"].isdigit()
                assert len(row["tx_code"]) == 6
                assert row["link"] in row["email_text"]
                assert row["name"] in row["email_text"]
                assert row["tx_code"] not in row["email_text"]  # the code travels separately
                assert row["expires_at"][:10] in row["email_text"]
                offer_uri = parse_qs(urlsplit(row["link"]).query)["credential_offer_uri"][0]
                async with http.get(base + urlsplit(offer_uri).path) as resp:
                    assert resp.status == 200
                    offer = await resp.json()
                grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
                assert grant["tx_code"]["length"] == 6
        assert rows[0]["link"] != rows[2]["link"]
    finally:
        await server.close()
