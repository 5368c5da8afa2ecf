"""``plecak up`` runs the verifier ready for the local demo: http hosts allowed, the issuer trusted.

Real child processes, real Redis, real HTTP: a credential from the running issuer verifies green at
the running verifier (did:web and the status list fetched over plain http from the issuer).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from support.ports import ports_for_children

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
TOKEN = "verifier-up-admin-token-0123456789"


def _ports(n: int) -> list[int]:
    return ports_for_children(n)


def _call(url: str, body: Any = None, method: str = "GET") -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with NO_PROXY.open(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_up_trusts_the_local_issuer_and_verifies_its_credentials(tmp_path: Path, redis_url: str) -> None:
    issuer_port, wallet_port, verifier_port = _ports(3)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLECAK_") and k != "REDIS_URL"}
    env.update(REDIS_URL=redis_url, PLECAK_ADMIN_TOKEN=TOKEN)
    args = [sys.executable, "-m", "plecak.cli", "up", "--data-dir", str(tmp_path / "data")]
    for name, port in (("issuer", issuer_port), ("wallet", wallet_port), ("verifier", verifier_port)):
        args += [f"--{name}-port", str(port)]
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C to stop" in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        deadline = time.monotonic() + 90
        while not ready.is_set() and proc.poll() is None and time.monotonic() < deadline:
            ready.wait(0.2)
        assert ready.is_set(), f"plecak up did not start: {''.join(lines)}"
        issuer = f"http://127.0.0.1:{issuer_port}"
        verifier = f"http://127.0.0.1:{verifier_port}"

        status, profile = _call(f"{issuer}/api/issuer/profile")
        assert status == 200
        status, registry = _call(f"{verifier}/api/trusted-issuers")
        assert status == 200
        assert [(e["did"], e["name"], e["country"]) for e in registry["trustedIssuers"]] == [
            (profile["did"], "Demo University of Technology", "PL")
        ]

        _, achievements = _call(f"{issuer}/api/achievements")
        uuid = achievements["achievements"][0]["uuid"]
        status, issued = _call(
            f"{issuer}/api/achievements/{uuid}/credentials", {"learner": {"name": "Ewa Demo"}}, "POST"
        )
        assert status == 201
        status, result = _call(
            f"{verifier}/credentials/verify", {"verifiableCredential": issued["verifiableCredential"]}, "POST"
        )
        assert status == 200, result
        assert result["verified"] is True
        assert result["verdict"] == "warnings"
        assert {r["check"]: r["outcome"] for r in result["results"]}["status"] == "passed"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        _, err = proc.communicate(timeout=30)
    assert code == 0, err
    assert "could not register" not in err
