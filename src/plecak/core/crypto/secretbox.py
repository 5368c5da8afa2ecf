"""Encryption at rest for issuer private keys and wallet secrets: AES-256-GCM.

A sealed blob is ``version (1 byte) || nonce (12 random bytes) || ciphertext and tag``.
The version byte is authenticated together with the caller's ``aad``, which should name
what the secret is for (a key id, a user id) so a blob cannot be moved to another record.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from plecak.core.errors import SecretBoxError

__all__ = ["FORMAT_VERSION", "KEY_BYTES", "SecretBox", "load_or_create_key"]

FORMAT_VERSION = 1
KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")

_log = logging.getLogger(__name__)


def _bytes(value: object, name: str) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{name} must be bytes")
    return bytes(value)


class SecretBox:
    """AES-256-GCM with a fixed key; random nonces (fine well beyond millions of seals per key)."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        raw = _bytes(key, "key")
        if len(raw) != KEY_BYTES:
            raise ValueError(f"a SecretBox key is {KEY_BYTES} bytes, not {len(raw)}")
        self._aead = AESGCM(raw)

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    def seal(self, plaintext: bytes, *, aad: bytes = b"") -> bytes:
        """Encrypt and authenticate ``plaintext``; ``aad`` must be given again to :meth:`open`."""
        data = _bytes(plaintext, "plaintext")
        header = bytes([FORMAT_VERSION])
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return header + nonce + self._aead.encrypt(nonce, data, header + _bytes(aad, "aad"))

    def open(self, blob: bytes, *, aad: bytes = b"") -> bytes:
        """Decrypt a blob from :meth:`seal`; ``SecretBoxError`` if the key, data or ``aad`` differ."""
        data = _bytes(blob, "blob")
        extra = _bytes(aad, "aad")
        if not data:
            raise SecretBoxError("the sealed data is empty")
        if data[0] != FORMAT_VERSION:
            raise SecretBoxError(f"unknown sealed data format version {data[0]}")
        if len(data) < 1 + _NONCE_BYTES + _TAG_BYTES:
            raise SecretBoxError("the sealed data is truncated")
        nonce = data[1 : 1 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, data[1 + _NONCE_BYTES :], data[:1] + extra)
        except InvalidTag:
            raise SecretBoxError("cannot decrypt: wrong key, wrong aad or tampered data") from None


_GENERATE_HINT = (
    'generate one with: python -c "import base64, secrets; '
    'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
)


def _decode_key(text: str, source: str) -> bytes:
    value = text.strip()
    raw = b""
    if _BASE64URL.match(value):
        unpadded = value.rstrip("=")
        with contextlib.suppress(binascii.Error, ValueError):
            raw = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    if len(raw) != KEY_BYTES:
        raise ValueError(f"{source} must be {KEY_BYTES} random bytes encoded as base64url; {_GENERATE_HINT}")
    return raw


def load_or_create_key(*, env_value: str | None, key_file: Path) -> bytes:
    """The 32-byte key-encryption key.

    In order: ``env_value`` (base64url) if it is given and not blank; else the contents of
    ``key_file``; else a new random key written to ``key_file`` (base64url, mode 0600,
    parent directories created). The file is published atomically and never overwritten:
    when two processes start at once, both end up with the same key.
    """
    if env_value is not None and not isinstance(env_value, str):
        raise TypeError("env_value must be a string or None")
    if env_value is not None and env_value.strip():
        return _decode_key(env_value, "the key-encryption key from the environment")
    path = Path(key_file)
    if path.exists():
        return _read_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, base64.urlsafe_b64encode(key) + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic and, unlike os.replace, never clobbers another process's key
        except FileExistsError:
            return _read_key_file(path)
        except OSError:
            os.replace(tmp, path)  # a file system without hard links
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(path.parent)
    _log.info("created a new key-encryption key in %s", path)
    return key


def _read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & 0o077:
        _log.warning("key file %s is readable by other users (mode %o); chmod 600 it", path, mode & 0o777)
    return _decode_key(path.read_text(encoding="ascii", errors="replace"), f"the key file {path}")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
