"""Run the independent JavaScript reference verifier (``tests/reference/verify.mjs``).

The Node packages (Digital Bazaar's VC stack, exact versions pinned in
``tests/reference/package.json``) are installed outside the repository, in
``$PLECAK_JS_CACHE`` or ``~/.cache/plecak/jsref``, the first time they are needed and
again whenever ``package.json`` changes. The script only ever sees our bundled
``contexts/`` and the DID documents handed to it: it makes no network requests.

If ``node`` or ``npm`` is missing, or the install fails, :class:`ReferenceUnavailable`
is raised; tests turn that into a skip with the reason.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from plecak.core.jsonld.loader import find_contexts_dir
from support import TESTS

__all__ = ["ReferenceUnavailable", "cache_dir", "ensure_installed", "verify_with_reference"]

REFERENCE_DIR = TESTS / "reference"
PACKAGE_JSON = REFERENCE_DIR / "package.json"
SCRIPT = REFERENCE_DIR / "verify.mjs"
INSTALL_TIMEOUT = 180.0
VERIFY_TIMEOUT = 60.0


class ReferenceUnavailable(RuntimeError):
    """The JS reference cannot run here (no node/npm, or the install failed)."""


def cache_dir() -> Path:
    env = os.environ.get("PLECAK_JS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "plecak" / "jsref"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ReferenceUnavailable(
            f"`{name}` is not on PATH; the JS reference verifier needs Node.js and npm"
        )
    return path


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Serialise installs between concurrent test processes."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


def ensure_installed() -> Path:
    """The cache directory with ``node_modules`` matching ``package.json`` and ``verify.mjs``."""
    tool("node")
    npm = tool("npm")
    target = cache_dir()
    wanted = hashlib.sha256(PACKAGE_JSON.read_bytes()).hexdigest()
    stamp = target / ".package.sha256"
    with locked(target):
        current = stamp.read_text().strip() if stamp.is_file() else None
        if current != wanted or not (target / "node_modules").is_dir():
            copy_if_changed(PACKAGE_JSON, target / "package.json")
            command = [
                npm,
                "install",
                "--prefix",
                str(target),
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--loglevel=error",
            ]
            try:
                proc = subprocess.run(
                    command,
                    cwd=target,
                    capture_output=True,
                    text=True,
                    timeout=INSTALL_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise ReferenceUnavailable(
                    f"npm install did not finish within {INSTALL_TIMEOUT:.0f}s in {target}"
                ) from None
            if proc.returncode != 0:
                raise ReferenceUnavailable(
                    f"npm install failed in {target} (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
                )
            stamp.write_text(wanted + "\n")
        copy_if_changed(SCRIPT, target / "verify.mjs")
    return target


def verify_with_reference(
    vc: Mapping[str, Any],
    did_documents: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    relax_issuer: bool = False,
    contexts_dir: Path | None = None,
) -> dict[str, Any]:
    """Verify ``vc`` with the JS reference; returns ``{"verified": bool, "error": str | None, ...}``.

    ``relax_issuer`` drops the reference's rule that the credential's issuer must be the
    controller of the signing key (the W3C test vectors are signed by a key unrelated to
    their ``issuer``).
    """
    target = ensure_installed()
    request = {
        "verifiableCredential": vc,
        "didDocuments": dict(did_documents or {}),
        "contextsDir": str((contexts_dir or find_contexts_dir()).resolve()),
        "relaxIssuer": relax_issuer,
    }
    try:
        proc = subprocess.run(
            [tool("node"), str(target / "verify.mjs")],
            cwd=target,
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=VERIFY_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the JS reference verifier did not answer within {VERIFY_TIMEOUT:.0f}s") from None
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(
            f"the JS reference verifier printed nothing (exit {proc.returncode}): {proc.stderr}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    if proc.returncode != 0 and result.get("verified"):
        raise RuntimeError(f"inconsistent reference result (exit {proc.returncode}): {result}")
    return result


def require_reference() -> None:
    """Install the reference or end the test: a skip on a developer machine, a failure in CI."""
    import os

    import pytest

    try:
        ensure_installed()
    except ReferenceUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"JS reference verifier unavailable in CI: {exc}")
        pytest.skip(f"JS reference verifier unavailable: {exc}")
