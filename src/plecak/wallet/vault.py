"""Encryption at rest of each learner's holder key and credentials.

One wallet-wide key-encryption key (``PLECAK_WALLET_KEY`` or ``DATA/wallet-kek``) seals every
secret with AES-256-GCM. The associated data is ``wallet:{uid}:{what}``: a blob only opens for
the user (and the purpose) it was sealed for, so copying it into another account's record fails.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.crypto.secretbox import SecretBox
from plecak.core.did import did_key

__all__ = ["HolderKey", "Vault"]


class HolderKey:
    """A learner's Ed25519 holder key and its ``did:key``."""

    __slots__ = ("did", "pair")

    def __init__(self, pair: Ed25519KeyPair) -> None:
        self.pair = pair
        self.did = did_key(pair)

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.pair.public_multibase}"

    @classmethod
    def generate(cls) -> HolderKey:
        return cls(Ed25519KeyPair.generate())


class Vault:
    __slots__ = ("_box",)

    def __init__(self, box: SecretBox) -> None:
        self._box = box

    @staticmethod
    def _aad(uid: str, what: str) -> bytes:
        return f"wallet:{uid}:{what}".encode()

    def seal_key(self, uid: str, key: HolderKey) -> bytes:
        return self._box.seal(key.pair.seed, aad=self._aad(uid, "holder-key"))

    def open_key(self, uid: str, blob: bytes) -> HolderKey:
        return HolderKey(Ed25519KeyPair.from_seed(self._box.open(blob, aad=self._aad(uid, "holder-key"))))

    def seal_json(self, uid: str, what: str, value: Mapping[str, Any]) -> bytes:
        data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        return self._box.seal(data, aad=self._aad(uid, what))

    def open_json(self, uid: str, what: str, blob: bytes) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self._box.open(blob, aad=self._aad(uid, what)))
        return result
