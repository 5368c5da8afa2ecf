"""Passphrase-encrypted backups: every credential and the holder key, to move a wallet elsewhere.

The file is versioned JSON::

    {"format": "plecak-wallet-backup", "version": 1, "created": "…",
     "kdf": {"name": "argon2id", "salt": b64, "timeCost": 3, "memoryKiB": 65536, "parallelism": 1},
     "cipher": {"name": "AES-256-GCM", "nonce": b64},
     "ciphertext": b64}

The key is argon2id(passphrase, salt); the header (everything but ``ciphertext``) is the AES-GCM
associated data, so changing a parameter makes decryption fail instead of weakening it. The
plaintext is JSON ``{"holder": {did, publicKeyMultibase, secretKeyMultibase}, "credentials": [...]}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from plecak.core import safejson
from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.errors import KeyFormatError
from plecak.core.timeutil import format_datetime, utc_now

from .exceptions import UserError
from .vault import HolderKey

__all__ = [
    "DEFAULT_LIMITS",
    "FORMAT",
    "MIN_PASSPHRASE",
    "VERSION",
    "Backup",
    "KdfLimits",
    "read_backup",
    "write_backup",
]

FORMAT = "plecak-wallet-backup"
VERSION = 1
MIN_PASSPHRASE = 10
MAX_BACKUP_BYTES = 50_000_000
DEFAULT_TIME_COST, DEFAULT_MEMORY_KIB = 3, 64 * 1024


@dataclass(frozen=True)
class KdfLimits:
    """The most costly argon2id parameters a backup file may ask for.

    They come from the file, so without a bound one upload could make the wallet allocate a GiB
    (three at once took it past 2.9 GB). A wallet accepts what it writes itself, or what a wallet
    with the default settings writes, with a small margin.
    """

    time_cost: int
    memory_kib: int
    parallelism: int = 4

    @classmethod
    def accepting(cls, time_cost: int = DEFAULT_TIME_COST, memory_kib: int = DEFAULT_MEMORY_KIB) -> KdfLimits:
        base_time = max(time_cost, DEFAULT_TIME_COST)
        base_memory = max(memory_kib, DEFAULT_MEMORY_KIB)
        return cls(time_cost=2 * base_time, memory_kib=base_memory + base_memory // 4)


DEFAULT_LIMITS = KdfLimits.accepting()


@dataclass
class Backup:
    holder: HolderKey
    credentials: list[dict[str, Any]]
    """Records ``{credential, added, source}`` as the wallet keeps them."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise UserError("backup.bad_content", problem=f"{name} is missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise UserError("backup.bad_content", problem=f"{name} is not base64") from None


def _header_bytes(header: Mapping[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _derive(passphrase: str, salt: bytes, time_cost: int, memory_kib: int, parallelism: int) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        type=Type.ID,
    )


def check_passphrase(passphrase: str, again: str | None = None) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError("backup.passphrase_short", min=MIN_PASSPHRASE)
    if again is not None and passphrase != again:
        raise UserError("backup.passphrase_mismatch")


def write_backup(
    passphrase: str,
    holder: HolderKey,
    credentials: Sequence[Mapping[str, Any]],
    *,
    time_cost: int = DEFAULT_TIME_COST,
    memory_kib: int = DEFAULT_MEMORY_KIB,
) -> bytes:
    check_passphrase(passphrase)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created": format_datetime(utc_now()),
        "kdf": {
            "name": "argon2id",
            "salt": _b64(salt),
            "timeCost": time_cost,
            "memoryKiB": memory_kib,
            "parallelism": 1,
        },
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
    }
    plaintext = json.dumps(
        {
            "holder": {
                "did": holder.did,
                "publicKeyMultibase": holder.pair.public_multibase,
                "secretKeyMultibase": holder.pair.secret_multibase,
            },
            "credentials": [dict(c) for c in credentials],
        },
        ensure_ascii=False,
    ).encode()
    key = _derive(passphrase, salt, time_cost, memory_kib, 1)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _header_bytes(header))
    return json.dumps({**header, "ciphertext": _b64(ciphertext)}, indent=1).encode()


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UserError("backup.bad_content", problem=f"{name} must be a whole number from {low} to {high}")
    return value


def _bounded(value: int, name: str, limit: int) -> int:
    if value > limit:
        raise UserError("backup.too_costly", problem=f"{name} {value}, at most {limit}")
    return value


def read_backup(data: bytes, passphrase: str, limits: KdfLimits = DEFAULT_LIMITS) -> Backup:
    """Decrypt and check a backup; :class:`UserError` says what is wrong (nothing is changed).

    The key derivation's cost is checked against ``limits`` before any work is done.
    """
    if len(data) > MAX_BACKUP_BYTES:
        raise UserError("backup.not_a_backup")
    try:
        document = safejson.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise UserError("backup.not_a_backup") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UserError("backup.not_a_backup")
    version = document.get("version")
    if version != VERSION:
        raise UserError("backup.unsupported_version", version=str(version))
    kdf, cipher = document.get("kdf"), document.get("cipher")
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise UserError("backup.bad_content", problem="unknown key derivation")
    if not isinstance(cipher, dict) or cipher.get("name") != "AES-256-GCM":
        raise UserError("backup.bad_content", problem="unknown cipher")
    salt, nonce = _unb64(kdf.get("salt"), "kdf.salt"), _unb64(cipher.get("nonce"), "cipher.nonce")
    ciphertext = _unb64(document.get("ciphertext"), "ciphertext")
    if len(salt) < 16 or len(nonce) != 12:
        raise UserError("backup.bad_content", problem="salt or nonce has the wrong length")
    time_cost = _bounded(
        _int(kdf.get("timeCost"), "kdf.timeCost", 1, 2**32 - 1), "kdf.timeCost", limits.time_cost
    )
    parallelism = _bounded(
        _int(kdf.get("parallelism"), "kdf.parallelism", 1, 2**24 - 1), "kdf.parallelism", limits.parallelism
    )
    memory_kib = _bounded(
        _int(kdf.get("memoryKiB"), "kdf.memoryKiB", 8 * parallelism, 2**32 - 1),
        "kdf.memoryKiB",
        limits.memory_kib,
    )
    key = _derive(passphrase, salt, time_cost, memory_kib, parallelism)
    header = {k: v for k, v in document.items() if k != "ciphertext"}
    try:
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, _header_bytes(header))
    except InvalidTag:
        raise UserError("backup.wrong_passphrase") from None
    try:
        content = safejson.loads(plaintext)
        holder_data = content["holder"]
        pair = Ed25519KeyPair.from_multikey(
            holder_data["publicKeyMultibase"], holder_data["secretKeyMultibase"]
        )
    except (ValueError, KeyError, TypeError, KeyFormatError) as exc:
        raise UserError("backup.bad_content", problem=f"the wallet key cannot be read ({exc})") from None
    holder = HolderKey(pair)
    if holder_data.get("did") != holder.did:
        raise UserError("backup.bad_content", problem="the DID does not belong to the key")
    records = content.get("credentials")
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and isinstance(r.get("credential"), dict) for r in records
    ):
        raise UserError("backup.bad_content", problem="the credential list cannot be read")
    return Backup(holder, records)
