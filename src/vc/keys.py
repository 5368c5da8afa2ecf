"""Ed25519 keys and their Multikey (multibase base58btc + multicodec) encodings."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import KeyFormatError

__all__ = [
    "ED25519_PUB_PREFIX",
    "ED25519_SECRET_PREFIX",
    "Ed25519KeyPair",
    "decode_multibase",
    "decode_multikey_public",
    "encode_multibase",
    "verify_ed25519",
]

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub (0xed), varint encoded
ED25519_SECRET_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300), varint encoded
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc: ``z`` followed by base58 (Bitcoin alphabet)."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("data must be bytes")
    return "z" + base58.b58encode(bytes(data)).decode("ascii")


def decode_multibase(value: str) -> bytes:
    """Decode a base58btc multibase string (``z…``)."""
    if not isinstance(value, str):
        raise TypeError("a multibase value must be a string")
    if not value.startswith("z") or len(value) < 2:
        raise KeyFormatError("multibase value must use base58btc (start with 'z')")
    # The same result as base58.b58decode, with the big-integer conversion done by int.to_bytes.
    number = 0
    index = _B58_INDEX
    for char in value[1:]:
        digit = index.get(char)
        if digit is None:
            raise KeyFormatError(f"invalid base58btc: invalid character {char!r}")
        number = number * 58 + digit
    body = value[1:]
    zeros = len(body) - len(body.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def decode_multikey_public(value: str) -> Ed25519PublicKey:
    """The Ed25519 public key in a ``z6Mk…`` Multikey value (remembered: keys are immutable)."""
    if not isinstance(value, str):
        raise TypeError("a multibase value must be a string")
    return _decode_multikey_public(value)


@functools.lru_cache(maxsize=1024)
def _decode_multikey_public(value: str) -> Ed25519PublicKey:
    raw = decode_multibase(value)
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_PREFIX):
        raise KeyFormatError("not an Ed25519 Multikey public key (expected 0xed01 + 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def verify_ed25519(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, eq=False)
class Ed25519KeyPair:
    """An Ed25519 key pair; ``private_key`` is ``None`` for a public-only key."""

    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None = None

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        private = Ed25519PrivateKey.generate()
        return cls(private.public_key(), private)

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        if not isinstance(seed, bytes | bytearray):
            raise TypeError("seed must be bytes")
        if len(seed) != 32:
            raise KeyFormatError("an Ed25519 seed is 32 bytes")
        private = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        return cls(private.public_key(), private)

    @classmethod
    def from_multikey(cls, public_multibase: str, secret_multibase: str | None = None) -> Ed25519KeyPair:
        public = decode_multikey_public(public_multibase)
        if secret_multibase is None:
            return cls(public)
        raw = decode_multibase(secret_multibase)
        if len(raw) != 34 or not raw.startswith(ED25519_SECRET_PREFIX):
            raise KeyFormatError("not an Ed25519 Multikey secret key (expected 0x8026 + 32 bytes)")
        pair = cls.from_seed(raw[2:])
        if pair.public_bytes != public.public_bytes_raw():
            raise KeyFormatError("secret key does not match public key")
        return pair

    @property
    def public_bytes(self) -> bytes:
        return self.public_key.public_bytes_raw()

    @property
    def public_multibase(self) -> str:
        """The public key as Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
        return encode_multibase(ED25519_PUB_PREFIX + self.public_bytes)

    @property
    def seed(self) -> bytes:
        if self.private_key is None:
            raise KeyFormatError("this key pair has no private key")
        return self.private_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    @property
    def secret_multibase(self) -> str:
        """The private key as Multikey ``secretKeyMultibase`` (``z3u2…``)."""
        return encode_multibase(ED25519_SECRET_PREFIX + self.seed)

    def sign(self, data: bytes) -> bytes:
        if self.private_key is None:
            raise KeyFormatError("cannot sign with a public-only key")
        return self.private_key.sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        return verify_ed25519(self.public_key, signature, data)
