"""Run an independent JOSE implementation (panva's ``jose`` for Node, pinned in
``tests/reference_jose/package.json``) against our ``vc+jwt`` credentials.

Installed outside the repository, in ``$PLECAK_JOSE_CACHE`` or ``~/.cache/plecak/jose-peer``, the first
time it is needed and again when ``package.json`` changes (like ``support/reference_js.py``). Without
``node``/``npm`` the tests skip on a developer machine and fail in CI.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from support import TESTS
from support.reference_js import INSTALL_TIMEOUT, ReferenceUnavailable, copy_if_changed, locked, tool

__all__ = ["jose_peer", "private_jwk", "public_jwk", "require_jose_peer"]

PEER_DIR = TESTS / "reference_jose"
PACKAGE_JSON = PEER_DIR / "package.json"
SCRIPT = PEER_DIR / "jose.mjs"
RUN_TIMEOUT = 60.0


def _cache_dir() -> Path:
    env = os.environ.get("PLECAK_JOSE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "plecak" / "jose-peer"


def ensure_installed() -> Path:
    tool("node")
    npm = tool("npm")
    target = _cache_dir()
    wanted = hashlib.sha256(PACKAGE_JSON.read_bytes()).hexdigest()
    stamp = target / ".package.sha256"
    with locked(target):
        current = stamp.read_text().strip() if stamp.is_file() else None
        if current != wanted or not (target / "node_modules").is_dir():
            copy_if_changed(PACKAGE_JSON, target / "package.json")
            command = [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--ignore-scripts"]
            try:
                proc = subprocess.run(
                    command, cwd=target, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
                )
            except subprocess.TimeoutExpired:
                raise ReferenceUnavailable(f"npm install did not finish within {INSTALL_TIMEOUT:.0f}s") from None
            if proc.returncode != 0:
                raise ReferenceUnavailable(f"npm install failed in {target}: {proc.stderr.strip()[-2000:]}")
            stamp.write_text(wanted + "\n")
        copy_if_changed(SCRIPT, target / "jose.mjs")
    return target


def require_jose_peer() -> None:
    """Install the peer or end the test: a skip on a developer machine, a failure in CI."""
    import pytest

    try:
        ensure_installed()
    except ReferenceUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the jose peer is unavailable in CI: {exc}")
        pytest.skip(f"the jose peer is unavailable: {exc}")


def jose_peer(request: dict[str, Any]) -> dict[str, Any]:
    """One request to ``jose.mjs`` (see its header), its JSON answer."""
    target = ensure_installed()
    proc = subprocess.run(
        [tool("node"), str(target / "jose.mjs")],
        cwd=target,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the jose peer failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    answer: dict[str, Any] = json.loads(lines[-1])
    return answer


def public_jwk(key: Any) -> dict[str, str]:
    """The public JWK of one of our key pairs (Ed25519 or P-256/P-384)."""
    from plecak.core.crypto.keys import EcdsaKeyPair
    from plecak.core.encoding import b64url_encode

    if isinstance(key, EcdsaKeyPair):
        return key.public_jwk()
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key.public_bytes)}


def private_jwk(key: Any) -> dict[str, str]:
    from plecak.core.crypto.keys import EcdsaKeyPair
    from plecak.core.encoding import b64url_encode

    secret = key.secret_bytes if isinstance(key, EcdsaKeyPair) else key.seed
    return {**public_jwk(key), "d": b64url_encode(secret)}
