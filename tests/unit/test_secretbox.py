"""AES-256-GCM secret box and the key-encryption-key file."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from plecak.core.crypto.secretbox import FORMAT_VERSION, SecretBox, load_or_create_key
from plecak.core.errors import SecretBoxError

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_round_trip() -> None:
    box = SecretBox(KEY)
    blob = box.seal(b"ed25519 seed bytes", aad=b"key-1")
    assert blob[0] == FORMAT_VERSION
    assert len(blob) == 1 + 12 + len(b"ed25519 seed bytes") + 16
    assert b"ed25519 seed bytes" not in blob
    assert box.open(blob, aad=b"key-1") == b"ed25519 seed bytes"


def test_empty_plaintext_round_trips() -> None:
    box = SecretBox(KEY)
    assert box.open(box.seal(b"")) == b""


def test_nonces_are_fresh() -> None:
    box = SecretBox(KEY)
    first, second = box.seal(b"same"), box.seal(b"same")
    assert first != second
    assert first[1:13] != second[1:13]


def test_wrong_key() -> None:
    blob = SecretBox(KEY).seal(b"secret")
    with pytest.raises(SecretBoxError):
        SecretBox(OTHER_KEY).open(blob)


@pytest.mark.parametrize("position", [1, 5, 13, -1])
def test_flipped_bit(position: int) -> None:
    box = SecretBox(KEY)
    blob = bytearray(box.seal(b"secret", aad=b"ctx"))
    blob[position] ^= 0x01
    with pytest.raises(SecretBoxError):
        box.open(bytes(blob), aad=b"ctx")


def test_wrong_aad() -> None:
    box = SecretBox(KEY)
    blob = box.seal(b"secret", aad=b"key-1")
    with pytest.raises(SecretBoxError):
        box.open(blob, aad=b"key-2")
    with pytest.raises(SecretBoxError):
        box.open(blob)


def test_unknown_version_and_truncated_blobs() -> None:
    box = SecretBox(KEY)
    blob = box.seal(b"secret")
    with pytest.raises(SecretBoxError, match="version"):
        box.open(bytes([2]) + blob[1:])
    with pytest.raises(SecretBoxError, match="truncated"):
        box.open(blob[:20])
    with pytest.raises(SecretBoxError, match="empty"):
        box.open(b"")


def test_key_checks() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        SecretBox(bytes(16))
    with pytest.raises(TypeError):
        SecretBox("0" * 32)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SecretBox(KEY).seal("text")  # type: ignore[arg-type]
    assert "00010203" not in repr(SecretBox(KEY))
    assert str(KEY) not in repr(SecretBox(KEY))


def test_key_file_created_with_mode_0600_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "issuer-kek"
    key = load_or_create_key(env_value=None, key_file=key_file)
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert base64.urlsafe_b64decode(key_file.read_text().strip()) == key
    assert [p.name for p in key_file.parent.iterdir()] == ["issuer-kek"]  # no temporary file left
    assert load_or_create_key(env_value=None, key_file=key_file) == key
    assert load_or_create_key(env_value="", key_file=key_file) == key  # blank: not set
    # a blob sealed under the first start opens after the "restart"
    blob = SecretBox(key).seal(b"seed")
    assert SecretBox(load_or_create_key(env_value=None, key_file=key_file)).open(blob) == b"seed"


def test_key_file_mode_ignores_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        load_or_create_key(env_value=None, key_file=tmp_path / "kek")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "kek").stat().st_mode) == 0o600


def test_env_value_wins(tmp_path: Path) -> None:
    key_file = tmp_path / "kek"
    file_key = load_or_create_key(env_value=None, key_file=key_file)
    env_key = bytes(reversed(range(32)))
    encoded = base64.urlsafe_b64encode(env_key).decode()
    assert load_or_create_key(env_value=encoded, key_file=key_file) == env_key
    assert load_or_create_key(env_value=encoded.rstrip("=") + "\n", key_file=key_file) == env_key
    assert load_or_create_key(env_value=None, key_file=key_file) == file_key
    assert not (tmp_path / "unused").exists()
    load_or_create_key(env_value=encoded, key_file=tmp_path / "unused")
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize(
    "bad",
    [
        base64.urlsafe_b64encode(bytes(16)).decode(),  # too short
        base64.urlsafe_b64encode(bytes(33)).decode(),  # too long
        "not base64 at all!",
        base64.b64encode(bytes([0xFB] * 32)).decode(),  # standard alphabet ('+', '/')
        bytes(32).hex(),  # hex, decodes to 48 bytes
    ],
)
def test_bad_env_value(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 random bytes encoded as base64url"):
        load_or_create_key(env_value=bad, key_file=tmp_path / "kek")
    assert not (tmp_path / "kek").exists()


def test_corrupt_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "kek"
    key_file.write_text("garbage\n")
    key_file.chmod(0o600)
    with pytest.raises(ValueError, match=str(key_file)):
        load_or_create_key(env_value=None, key_file=key_file)
