"""Signing keys and their Multikey (multibase base58btc + multicodec) encodings.

Ed25519 (``z6Mk…``) for the EdDSA suites; ECDSA P-256 (``zDna…``) and P-384 (``z82L…``),
compressed points, for the ECDSA suites and JOSE (ES256). Every key pair has ``key_type``,
``public_multibase``, ``sign(data)`` and ``verify(signature, data)``; ECDSA signatures are the
fixed-size ``r || s`` form (IEEE P1363) that Data Integrity and JOSE use.

:class:`RsaKeyPair` (RS256 for VC-JOSE-COSE only, Open Badges 3.0's minimum) is no Multikey and
no :data:`KeyPair`: it is published as a ``publicKeyJwk`` and signs through the JOSE library.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from plecak.core.encoding import b64url_encode
from plecak.core.errors import KeyFormatError

__all__ = [
    "ED25519_PUB_PREFIX",
    "ED25519_SECRET_PREFIX",
    "EcdsaKeyPair",
    "Ed25519KeyPair",
    "KeyPair",
    "RsaKeyPair",
    "decode_multibase",
    "decode_multikey",
    "decode_multikey_public",
    "encode_multibase",
    "verify_ed25519",
]

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub (0xed), varint encoded
ED25519_SECRET_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300), varint encoded
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}
# multicodec p256-pub 0x1200, p384-pub 0x1201, p256-priv 0x1306, p384-priv 0x1307 (varint encoded)
_EC_PUB_PREFIX = {"P-256": b"\x80\x24", "P-384": b"\x81\x24"}
_EC_SECRET_PREFIX = {"P-256": b"\x86\x26", "P-384": b"\x87\x26"}
_EC_CURVES: dict[str, tuple[ec.EllipticCurve, hashes.HashAlgorithm, int]] = {
    "P-256": (ec.SECP256R1(), hashes.SHA256(), 32),
    "P-384": (ec.SECP384R1(), hashes.SHA384(), 48),
}


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



def _private_bytes(
    key: Ed25519PrivateKey | rsa.RSAPrivateKey | None,
    encoding: serialization.Encoding,
    form: serialization.PrivateFormat,
) -> bytes:
    """The private key, unencrypted, in ``encoding`` and ``form``; a public-only key pair has none."""
    if key is None:
        raise KeyFormatError("this key pair has no private key")
    return key.private_bytes(encoding, form, serialization.NoEncryption())

@dataclass(frozen=True, eq=False)
class Ed25519KeyPair:
    """An Ed25519 key pair; ``private_key`` is ``None`` for a public-only key."""

    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None = None
    key_type = "Ed25519"

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
        return _private_bytes(self.private_key, serialization.Encoding.Raw, serialization.PrivateFormat.Raw)

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


@dataclass(frozen=True, eq=False)
class EcdsaKeyPair:
    """An ECDSA key pair on P-256 or P-384; ``private_key`` is ``None`` for a public-only key.

    ``sign`` hashes with SHA-256 (P-256) or SHA-384 (P-384) and returns ``r || s``.
    """

    key_type: str
    public_key: ec.EllipticCurvePublicKey
    private_key: ec.EllipticCurvePrivateKey | None = None

    @classmethod
    def generate(cls, curve: str = "P-256") -> EcdsaKeyPair:
        if curve not in _EC_CURVES:
            raise KeyFormatError(f"unsupported curve {curve!r} (P-256 or P-384)")
        private = ec.generate_private_key(_EC_CURVES[curve][0])
        return cls(curve, private.public_key(), private)

    @classmethod
    def from_private_value(cls, curve: str, secret: bytes) -> EcdsaKeyPair:
        if not isinstance(secret, bytes | bytearray):
            raise TypeError("secret must be bytes")
        if curve not in _EC_CURVES:
            raise KeyFormatError(f"unsupported curve {curve!r} (P-256 or P-384)")
        if len(secret) != _EC_CURVES[curve][2]:
            raise KeyFormatError(f"a {curve} secret key is {_EC_CURVES[curve][2]} bytes")
        try:
            private = ec.derive_private_key(int.from_bytes(secret, "big"), _EC_CURVES[curve][0])
        except ValueError as exc:
            raise KeyFormatError(f"invalid {curve} secret key: {exc}") from None
        return cls(curve, private.public_key(), private)

    @classmethod
    def from_multikey(cls, public_multibase: str, secret_multibase: str | None = None) -> EcdsaKeyPair:
        public = decode_multikey(public_multibase)
        if not isinstance(public, EcdsaKeyPair):
            raise KeyFormatError("not an ECDSA Multikey public key")
        if secret_multibase is None:
            return public
        raw = decode_multibase(secret_multibase)
        prefix = _EC_SECRET_PREFIX[public.key_type]
        if not raw.startswith(prefix):
            raise KeyFormatError(f"not a {public.key_type} Multikey secret key")
        pair = cls.from_private_value(public.key_type, raw[len(prefix) :])
        if pair.public_bytes != public.public_bytes:
            raise KeyFormatError("secret key does not match public key")
        return pair

    @property
    def public_bytes(self) -> bytes:
        """The compressed point (33 bytes for P-256, 49 for P-384)."""
        return self.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )

    @property
    def public_multibase(self) -> str:
        return encode_multibase(_EC_PUB_PREFIX[self.key_type] + self.public_bytes)

    @property
    def secret_bytes(self) -> bytes:
        if self.private_key is None:
            raise KeyFormatError("this key pair has no private key")
        size = _EC_CURVES[self.key_type][2]
        return self.private_key.private_numbers().private_value.to_bytes(size, "big")

    @property
    def secret_multibase(self) -> str:
        return encode_multibase(_EC_SECRET_PREFIX[self.key_type] + self.secret_bytes)

    def public_jwk(self) -> dict[str, str]:
        numbers = self.public_key.public_numbers()
        size = _EC_CURVES[self.key_type][2]
        return {
            "kty": "EC",
            "crv": self.key_type,
            "x": _b64url(numbers.x.to_bytes(size, "big")),
            "y": _b64url(numbers.y.to_bytes(size, "big")),
        }

    def sign(self, data: bytes) -> bytes:
        if self.private_key is None:
            raise KeyFormatError("cannot sign with a public-only key")
        _, digest, size = _EC_CURVES[self.key_type]
        r, s = decode_dss_signature(self.private_key.sign(data, ec.ECDSA(digest)))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def verify(self, signature: bytes, data: bytes) -> bool:
        _, digest, size = _EC_CURVES[self.key_type]
        if len(signature) != 2 * size:
            return False
        r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        der = encode_dss_signature(r, s)
        try:
            self.public_key.verify(der, data, ec.ECDSA(digest))
        except InvalidSignature:
            return False
        return True


KeyPair = Ed25519KeyPair | EcdsaKeyPair


RSA_KEY_SIZES = (2048, 3072, 4096)


@dataclass(frozen=True, eq=False)
class RsaKeyPair:
    """An RSA key pair (public exponent 65537) for RS256; ``private_key`` is ``None`` for a
    public-only key. The secret travels as PKCS#8 DER (what the issuer seals at rest)."""

    public_key: rsa.RSAPublicKey
    private_key: rsa.RSAPrivateKey | None = None
    key_type = "RSA"

    @classmethod
    def generate(cls, bits: int = 3072) -> RsaKeyPair:
        if bits not in RSA_KEY_SIZES:
            raise KeyFormatError(f"RSA keys here are {', '.join(map(str, RSA_KEY_SIZES))} bits, not {bits}")
        private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        return cls(private.public_key(), private)

    @classmethod
    def from_secret_bytes(cls, secret: bytes) -> RsaKeyPair:
        """From the PKCS#8 DER of :attr:`secret_bytes`."""
        try:
            private = serialization.load_der_private_key(bytes(secret), password=None)
        except (ValueError, TypeError) as exc:
            raise KeyFormatError(f"not an RSA private key: {exc}") from None
        if not isinstance(private, rsa.RSAPrivateKey) or private.key_size not in RSA_KEY_SIZES:
            raise KeyFormatError("not an RSA private key of 2048, 3072 or 4096 bits")
        return cls(private.public_key(), private)

    @property
    def secret_bytes(self) -> bytes:
        return _private_bytes(self.private_key, serialization.Encoding.DER, serialization.PrivateFormat.PKCS8)

    def public_jwk(self) -> dict[str, str]:
        """``{"kty": "RSA", "n": …, "e": …}`` (base64url, no padding, no leading zero bytes)."""
        numbers = self.public_key.public_numbers()

        def unsigned(value: int) -> str:
            return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

        return {"kty": "RSA", "n": unsigned(numbers.n), "e": unsigned(numbers.e)}

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 JWK thumbprint (SHA-256, base64url): a stable name for the key."""
        jwk = self.public_jwk()
        canonical = '{"e":"%s","kty":"RSA","n":"%s"}' % (jwk["e"], jwk["n"])  # noqa: UP031 (RFC 7638 order)
        digest = hashes.Hash(hashes.SHA256())
        digest.update(canonical.encode("ascii"))
        return _b64url(digest.finalize())


_b64url = b64url_encode


def decode_multikey(value: str) -> KeyPair:
    """The public key in a Multikey value: Ed25519 (``z6Mk…``), P-256 (``zDna…``) or P-384 (``z82L…``).

    Remembered per value (the key pairs are immutable); a value that is not a key is refused
    every time."""
    if not isinstance(value, str):
        raise TypeError("a multibase value must be a string")
    return _decode_multikey_cached(value) if len(value) <= 160 else _decode_multikey(value)


def _decode_multikey(value: str) -> KeyPair:
    raw = decode_multibase(value)
    if raw.startswith(ED25519_PUB_PREFIX):
        return Ed25519KeyPair(decode_multikey_public(value))
    for curve, prefix in _EC_PUB_PREFIX.items():
        if raw.startswith(prefix):
            point = raw[len(prefix) :]
            if len(point) != _EC_CURVES[curve][2] + 1:
                size = _EC_CURVES[curve][2] + 1
                raise KeyFormatError(f"a {curve} Multikey holds a {size}-byte compressed point")
            try:
                public = ec.EllipticCurvePublicKey.from_encoded_point(_EC_CURVES[curve][0], point)
            except ValueError as exc:
                raise KeyFormatError(f"invalid {curve} point: {exc}") from None
            return EcdsaKeyPair(curve, public)
    raise KeyFormatError("unsupported Multikey (Ed25519, P-256 and P-384 are understood)")


_decode_multikey_cached = functools.lru_cache(maxsize=1024)(_decode_multikey)
