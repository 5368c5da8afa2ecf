"""ecdsa-sd-2023 proof values: the base and the derived proof, CBOR-encoded behind a three-byte header,
multibase base64url (``u…``)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import cbor2

from plecak.core.encoding import b64url_decode, b64url_encode
from plecak.core.errors import ProofError

__all__ = [
    "BASE_PROOF_HEADER",
    "DERIVED_PROOF_HEADER",
    "BaseProofValue",
    "DerivedProofValue",
    "parse_base_proof_value",
    "parse_derived_proof_value",
    "serialize_base_proof_value",
    "serialize_derived_proof_value",
]


BASE_PROOF_HEADER = b"\xd9\x5d\x00"
DERIVED_PROOF_HEADER = b"\xd9\x5d\x01"
_MAX_PROOF_VALUE = 1 << 20


def _refused_tag(decoder: Any) -> Any:
    raise ValueError("this CBOR tag is not accepted in an ecdsa-sd-2023 proofValue")


_REFUSED_TAGS = dict.fromkeys(
    (0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100, 256, 258, 260, 261, 1004, 55799), _refused_tag
)
"""Every tag cbor2 turns into a Python object: a proofValue is byte strings, integers, arrays and a
map, and some tags are hostile: big integers (label map keys too long to write, or all sharing one
hash so the map takes seconds to build), shared values and string references (a few bytes standing
for a structure exponential to walk), a regular expression compiled or a MIME message parsed."""


@dataclass(frozen=True)
class BaseProofValue:
    base_signature: bytes
    public_key: bytes  # the ephemeral P-256 Multikey bytes (0x8024 + compressed point)
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]  # canonical label (c14nN) of the disclosed document -> HMAC label
    mandatory_indexes: list[int]


_b64url = b64url_encode


def _b64url_decode(text: str) -> bytes:
    try:
        return b64url_decode(text)
    except ValueError:
        raise ProofError("proofValue is not base64url") from None


def _encode(header: bytes, items: list[Any]) -> str:
    return "u" + _b64url(header + cbor2.dumps(items))


def _decode(proof_value: str) -> tuple[bytes, Any]:
    if not isinstance(proof_value, str):
        raise TypeError("proofValue must be a string")
    if len(proof_value) > _MAX_PROOF_VALUE:
        raise ProofError("proofValue is too large")
    if not proof_value.startswith("u"):
        raise ProofError("ecdsa-sd-2023 proofValue must be multibase base64url (start with 'u')")
    raw = _b64url_decode(proof_value[1:])
    header = raw[:3]
    if header not in (BASE_PROOF_HEADER, DERIVED_PROOF_HEADER):
        raise ProofError("proofValue is not an ecdsa-sd-2023 base or derived proof (unknown header)")
    stream = io.BytesIO(raw[3:])
    try:
        items = cbor2.CBORDecoder(stream, semantic_decoders=_REFUSED_TAGS).decode()
    except (cbor2.CBORDecodeError, ValueError, EOFError, RecursionError) as exc:
        raise ProofError(f"proofValue is not valid CBOR ({exc})") from None
    if stream.tell() != len(raw) - 3:
        raise ProofError("proofValue has trailing bytes after its CBOR value")
    return header, items


def _bytes_list(value: Any, size: int | None, what: str) -> list[bytes]:
    if not isinstance(value, list) or not all(isinstance(v, bytes) for v in value):
        raise ProofError(f"proofValue {what} must be a list of byte strings")
    if size is not None and any(len(v) != size for v in value):
        raise ProofError(f"proofValue {what} must be {size}-byte signatures")
    return list(value)


def _check_common(base_signature: Any, public_key: Any) -> None:
    if not isinstance(base_signature, bytes) or len(base_signature) != 64:
        raise ProofError("proofValue baseSignature must be a 64-byte P-256 signature")
    if not isinstance(public_key, bytes) or len(public_key) != 35 or not public_key.startswith(b"\x80\x24"):
        raise ProofError("proofValue publicKey must be a P-256 Multikey (35 bytes)")


def serialize_base_proof_value(value: BaseProofValue) -> str:
    return _encode(
        BASE_PROOF_HEADER,
        [value.base_signature, value.public_key, value.hmac_key, value.signatures, value.mandatory_pointers],
    )


def parse_base_proof_value(proof_value: str) -> BaseProofValue:
    header, items = _decode(proof_value)
    if header != BASE_PROOF_HEADER:
        raise ProofError("proofValue is a derived proof, not a base proof")
    if not isinstance(items, list) or len(items) != 5:
        raise ProofError("base proofValue must be a CBOR array of 5 items")
    base_signature, public_key, hmac_key, signatures, pointers = items
    _check_common(base_signature, public_key)
    if not isinstance(hmac_key, bytes) or len(hmac_key) != 32:
        raise ProofError("base proofValue hmacKey must be 32 bytes")
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise ProofError("base proofValue mandatoryPointers must be a list of strings")
    return BaseProofValue(
        base_signature, public_key, hmac_key, _bytes_list(signatures, 64, "signatures"), pointers
    )


def serialize_derived_proof_value(value: DerivedProofValue) -> str:
    compressed: dict[int, bytes] = {}
    for c14n, label in value.label_map.items():
        if not c14n.startswith("c14n") or not c14n[4:].isdigit() or not label.startswith("u"):
            raise ProofError(f"cannot compress label map entry {c14n!r} -> {label!r}")
        compressed[int(c14n[4:])] = _b64url_decode(label[1:])
    ordered = dict(sorted(compressed.items()))
    return _encode(
        DERIVED_PROOF_HEADER,
        [value.base_signature, value.public_key, value.signatures, ordered, value.mandatory_indexes],
    )


def parse_derived_proof_value(proof_value: str) -> DerivedProofValue:
    header, items = _decode(proof_value)
    if header == BASE_PROOF_HEADER:
        raise ProofError("a base proof must not be verified; derive a disclosure first")
    if not isinstance(items, list) or len(items) != 5:
        raise ProofError("derived proofValue must be a CBOR array of 5 items")
    base_signature, public_key, signatures, compressed, indexes = items
    _check_common(base_signature, public_key)
    if not isinstance(compressed, dict):
        raise ProofError("derived proofValue label map must be a CBOR map")
    label_map: dict[str, str] = {}
    for key, label in compressed.items():
        if not isinstance(key, int) or isinstance(key, bool) or key < 0 or not isinstance(label, bytes):
            raise ProofError("derived proofValue label map must map integers to byte strings")
        label_map[f"c14n{key}"] = "u" + _b64url(label)
    if not isinstance(indexes, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in indexes
    ):
        raise ProofError("derived proofValue mandatoryIndexes must be a list of integers")
    return DerivedProofValue(
        base_signature, public_key, _bytes_list(signatures, 64, "signatures"), label_map, list(indexes)
    )
