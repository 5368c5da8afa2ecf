"""Credentials and presentations secured with COSE (VC-JOSE-COSE §3.3, media types
``application/vc+cose`` and ``application/vp+cose``): a COSE_Sign1 (RFC 9052 §4.2) whose payload is
the credential's JSON bytes.

We sign with the protected header ``alg`` (1), ``content type`` (3) ``application/vc``, ``kid`` (4)
the signer's verification method as the UTF-8 bytes of its absolute DID URL, and ``typ`` (16)
``application/vc+cose`` (RFC 9596); the unprotected header is empty and the message carries the
COSE_Sign1 tag (18). Reading accepts tagged and untagged messages and a ``kid`` in either bucket.
In a VC 2.0 document the bytes travel base64-encoded in the ``id`` of an
``EnvelopedVerifiableCredential``: ``data:application/vc+cose;base64,…`` (RFC 2397).

CBOR is :mod:`cbor2`; the signature bytes are those of RFC 9053 (ECDSA: ``r || s``; EdDSA: the
64 bytes of Ed25519), made and checked by our key pairs (:mod:`cryptography`). This module splits and
decodes; :mod:`.cose_verify` decides which key may verify.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import cbor2

from plecak.core.crypto.keys import KeyPair
from plecak.core.errors import VCError
from plecak.core.safejson import UnsafeJson, loads

__all__ = [
    "COSE_ALGORITHMS",
    "COSE_MEDIA",
    "CoseError",
    "SecuredCose",
    "cose_base64",
    "looks_like_cose_text",
    "parse_cose",
    "sign_cose",
]

COSE_MEDIA = {"vc": "vc+cose", "vp": "vp+cose"}
CONTENT_TYPES = {"vc": "application/vc", "vp": "application/vp"}
COSE_ALGORITHMS: Mapping[int, tuple[str, str]] = {
    -7: ("ES256", "P-256"),
    -35: ("ES384", "P-384"),
    -8: ("EdDSA", "Ed25519"),
}
"""The COSE algorithms accepted (RFC 9053 identifiers), with their name and the one key type each fits."""
ALG, CRIT, CTY, KID, CWT_CLAIMS, TYP = 1, 2, 3, 4, 15, 16
"""Header labels (IANA "COSE Header Parameters")."""
SIGN1_TAG = 18
MAX_COSE_BYTES = 1536 * 1024
"""A secured credential larger than this is refused before any decoding (2 MiB as base64)."""


class CoseError(VCError, ValueError):
    """The bytes are not a COSE_Sign1 of a credential or presentation."""


def _header_of_pair(key: KeyPair) -> int:
    for number, (_, key_type) in COSE_ALGORITHMS.items():
        if key.key_type == key_type:
            return number
    raise CoseError(f"no COSE algorithm for a {key.key_type} key")


def sign_cose(document: Mapping[str, Any], key: KeyPair, kid: str, *, kind: str = "vc") -> bytes:
    """``document`` (a credential, ``kind="vc"``, or a presentation, ``"vp"``) as a tagged COSE_Sign1."""
    if kind not in COSE_MEDIA:
        raise ValueError("kind is vc or vp")
    if "proof" in document:
        raise CoseError("send the document unsecured: it already has a Data Integrity proof")
    if key.private_key is None:
        raise CoseError("cannot sign with a public-only key")
    header = {
        ALG: _header_of_pair(key),
        CTY: CONTENT_TYPES[kind],
        KID: kid.encode("utf-8"),
        TYP: f"application/{COSE_MEDIA[kind]}",
    }
    protected = cbor2.dumps(header, canonical=True)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    signature = key.sign(sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(SIGN1_TAG, [protected, {}, payload, signature]))


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """What a COSE_Sign1 signature covers (RFC 9052 §4.4), with no external data."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def cose_base64(data: bytes) -> str:
    """The base64 form (RFC 4648 §4, padded) a data URL carries."""
    return base64.b64encode(data).decode("ascii")


def decode_base64(text: str) -> bytes:
    """Base64 (or base64url), padding optional; :class:`CoseError` if it is neither."""
    cleaned = "".join(text.split()).replace("-", "+").replace("_", "/")
    if len(cleaned) > MAX_COSE_BYTES * 4 // 3 + 4:
        raise CoseError(f"the COSE message is longer than {MAX_COSE_BYTES} bytes")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise CoseError("the COSE message is not base64") from None


def looks_like_cose_text(text: Any) -> bool:
    """Pasted base64 of a tagged COSE_Sign1 (``0oR…``: the tag 18, then an array of four)."""
    return isinstance(text, str) and text.strip().startswith("0oR") and len(text) <= MAX_COSE_BYTES * 2


@dataclass(frozen=True)
class SecuredCose:
    """A COSE_Sign1 split and decoded, not yet verified."""

    data: bytes
    protected_bytes: bytes
    protected: dict[Any, Any]
    unprotected: dict[Any, Any]
    payload_bytes: bytes
    signature: bytes
    tagged: bool
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The message as base64 (what a data URL carries)."""
        return cose_base64(self.data)

    @property
    def kind(self) -> str | None:
        """``vc`` or ``vp`` from ``typ`` (or ``content type``), ``None`` when neither says."""
        for label in (TYP, CTY):
            value = self.protected.get(label)
            if isinstance(value, str):
                value = value.lower().removeprefix("application/")
                for kind, media in COSE_MEDIA.items():
                    if value in (media, kind):
                        return kind
        return None

    def legacy(self, kind: str) -> bool:
        """COSE has no older encoding."""
        return False

    def document(self, kind: str) -> dict[str, Any]:
        """The credential (presentation) secured: the payload."""
        return self.payload

    def header(self, label: int) -> Any:
        """A header parameter: the protected bucket first, then the unprotected one."""
        return self.protected.get(label, self.unprotected.get(label))


def _refuse_tag(decoder: Any) -> Any:
    raise CoseError("this CBOR tag is not accepted in a COSE message")


_REFUSED_TAGS = dict.fromkeys(
    (0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100, 256, 258, 260, 261, 1004), _refuse_tag
)
"""The tags cbor2 turns into Python objects (all it knows but the self-describing 55799). COSE
headers are integers, text, bytes, arrays and maps, so none belongs, and several are hostile:
values reused by reference (shared values 28/29, string references 256/25), where a few hundred
bytes stand for a structure whose text form is exponential; big integers (2/3), map keys that
all share one hash (Python hashes integers modulo 2**61 - 1) so a map is quadratic to build; a
regular expression (35) compiled or a MIME message (36) parsed while decoding."""


def _loads(data: bytes, what: str) -> Any:
    try:
        return cbor2.loads(data, semantic_decoders=_REFUSED_TAGS)
    except Exception as exc:  # cbor2 raises several types (and RecursionError for deep nesting)
        raise CoseError(f"the {what} is not well-formed CBOR: {type(exc).__name__}") from None


def _sign1_parts(data: bytes) -> tuple[list[Any], bool]:
    value = _loads(data, "COSE message")
    tagged = isinstance(value, cbor2.CBORTag)
    if tagged:
        if value.tag != SIGN1_TAG:
            raise CoseError(f"the CBOR tag {value.tag} is not COSE_Sign1 (18)")
        value = value.value
    if not isinstance(value, list | tuple) or len(value) != 4:
        raise CoseError("a COSE_Sign1 is an array of four items")
    return list(value), tagged


def parse_cose(data: Any) -> SecuredCose:
    """Decode a COSE_Sign1 of a JSON document (no signature check); :class:`CoseError` if it is not one."""
    if not isinstance(data, bytes | bytearray):
        raise CoseError("a COSE message is bytes")
    if len(data) > MAX_COSE_BYTES:
        raise CoseError(f"the COSE message is longer than {MAX_COSE_BYTES} bytes")
    (protected_bytes, unprotected, payload_bytes, signature), tagged = _sign1_parts(bytes(data))
    if not isinstance(protected_bytes, bytes):
        raise CoseError("the protected header of a COSE_Sign1 is a byte string")
    protected = _loads(protected_bytes, "protected header") if protected_bytes else {}
    if not isinstance(protected, Mapping) or not isinstance(unprotected, Mapping):
        raise CoseError("the COSE headers are maps")
    if payload_bytes is None:
        raise CoseError("a detached payload is not a credential")
    if not isinstance(payload_bytes, bytes) or not isinstance(signature, bytes):
        raise CoseError("the COSE payload and signature are byte strings")
    try:
        payload = loads(payload_bytes)
    except (ValueError, UnsafeJson, RecursionError):
        raise CoseError("the COSE payload is not JSON") from None
    if not isinstance(payload, dict):
        raise CoseError("the COSE payload is not a JSON object")
    return SecuredCose(
        bytes(data), protected_bytes, dict(protected), dict(unprotected), payload_bytes, signature, tagged, payload
    )
