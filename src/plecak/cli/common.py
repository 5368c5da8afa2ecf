"""What both commands share: the services and their default ports, exit codes, errors and the admin token."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_WORKERS",
    "MIN_ADMIN_TOKEN",
    "SERVICES",
    "Failure",
    "UsageError",
]


SERVICES: tuple[tuple[str, int], ...] = (("issuer", 8001), ("wallet", 8002), ("verifier", 8003))
"""The services ``plecak up`` runs (``python -m NAME``) and their default ports."""

MAX_WORKERS = 64
MIN_ADMIN_TOKEN = 16
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
