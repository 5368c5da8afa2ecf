"""Encryption at rest of each learner's holder key and credentials.

One wallet-wide key-encryption key (``PLECAK_WALLET_KEY`` or ``DATA/wallet-kek``) seals every
secret with AES-256-GCM. The associated data is ``wallet:{uid}:{what}``: a blob only opens for
the user (and the purpose) it was sealed for, so copying it into another account's record fails.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair
from plecak.core.crypto.secretbox import SecretBox
from plecak.core.did import did_key
from plecak.core.sdjwt import holder_jwk

__all__ = ["HolderKey", "Vault"]

_P256_INFO = b"plecak wallet holder P-256 key v1"
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class HolderKey:
    """A learner's Ed25519 holder key and its ``did:key``; plus a P-256 key derived from the same
    seed (:attr:`p256`), which SD-JWT VC issuers that bind P-256 keys (EUDI-style, ES256 key proofs
    with a ``jwk`` header) get. Derived, so sealing, backups and restores need nothing new."""

    __slots__ = ("_p256", "did", "pair")

    def __init__(self, pair: Ed25519KeyPair) -> None:
        self.pair = pair
        self.did = did_key(pair)
        self._p256: EcdsaKeyPair | None = None

    @property
    def p256(self) -> EcdsaKeyPair:
        if self._p256 is None:
            okm = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=_P256_INFO).derive(self.pair.seed)
            scalar = int.from_bytes(okm, "big") % (_P256_ORDER - 1) + 1
            self._p256 = EcdsaKeyPair.from_private_value("P-256", scalar.to_bytes(32, "big"))
        return self._p256

    def public_jwks(self) -> list[dict[str, str]]:
        """The public JWKs an SD-JWT VC's ``cnf.jwk`` may hold for this holder."""
        return [holder_jwk(self.pair), self.p256.public_jwk()]

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
