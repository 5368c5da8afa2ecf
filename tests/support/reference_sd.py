"""Run Digital Bazaar's ecdsa-sd-2023 implementation (``tests/reference_sd/sd.mjs``) from tests.

Like :mod:`reference_js`: the Node packages pinned in ``tests/reference_sd/package.json`` are
installed outside the repository (``$PLECAK_JS_CACHE/sd`` or ``~/.cache/plecak/jsref-sd``) the first
time they are needed; the script loads only our bundled contexts and ``did:key`` DIDs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from plecak.core.jsonld.loader import find_contexts_dir
from support import TESTS
from support.reference_js import ReferenceUnavailable, copy_if_changed, locked, tool

__all__ = ["ReferenceUnavailable", "require_sd_reference", "run_sd_reference"]

DIRECTORY = TESTS / "reference_sd"
INSTALL_TIMEOUT = 240.0
RUN_TIMEOUT = 60.0


def cache_dir() -> Path:
    env = os.environ.get("PLECAK_JS_CACHE")
    return Path(env) / "sd" if env else Path.home() / ".cache" / "plecak" / "jsref-sd"


def ensure_installed() -> Path:
    tool("node")
    npm = tool("npm")
    target = cache_dir()
    package = DIRECTORY / "package.json"
    wanted = hashlib.sha256(package.read_bytes()).hexdigest()
    stamp = target / ".package.sha256"
    with locked(target):
        current = stamp.read_text().strip() if stamp.is_file() else None
        if current != wanted or not (target / "node_modules").is_dir():
            copy_if_changed(package, target / "package.json")
            command = [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--ignore-scripts"]
            try:
                proc = subprocess.run(
                    [*command, "--loglevel=error"],
                    cwd=target,
                    capture_output=True,
                    text=True,
                    timeout=INSTALL_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise ReferenceUnavailable(
                    f"npm install did not finish within {INSTALL_TIMEOUT:.0f}s"
                ) from None
            if proc.returncode != 0:
                raise ReferenceUnavailable(f"npm install failed in {target}: {proc.stderr.strip()[-2000:]}")
            stamp.write_text(wanted + "\n")
        copy_if_changed(DIRECTORY / "sd.mjs", target / "sd.mjs")
    return target


def run_sd_reference(action: str, document: Any, **fields: Any) -> dict[str, Any]:
    """``{"ok": bool, "error": str | None, "document": {...} | None}`` from the JS implementation."""
    target = ensure_installed()
    request = {
        "action": action,
        "document": document,
        "contextsDir": str(find_contexts_dir().resolve()),
        **fields,
    }
    proc = subprocess.run(
        [tool("node"), str(target / "sd.mjs")],
        cwd=target,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(
            f"the JS ecdsa-sd reference printed nothing (exit {proc.returncode}): {proc.stderr}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def require_sd_reference() -> None:
    import pytest

    try:
        ensure_installed()
    except ReferenceUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"JS ecdsa-sd reference unavailable in CI: {exc}")
        pytest.skip(f"JS ecdsa-sd reference unavailable: {exc}")
