"""IETF OAuth Token Status List: the ``statuslist+jwt`` an SD-JWT VC's ``status`` points at.

A Referenced Token carries ``"status": {"status_list": {"idx": 7, "uri": "https://…"}}``. The
list is a JWT whose ``status_list`` claim holds ``bits`` (1, 2, 4 or 8 bits per token) and
``lst``: the byte array, ZLIB-compressed (RFC 1950), base64url without padding.

**Bit order differs from the W3C Bitstring Status List.** Here the status at index 0 sits in the
*least* significant bits of byte 0; W3C (and Redis ``SETBIT``) put index 0 in the *most*
significant bit. :func:`pack_statuses` takes our W3C revocation and suspension bitmaps and
writes one 2-bit list: 0 valid, 1 invalid (revoked), 2 suspended.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.encoding import b64url_encode
from plecak.core.errors import StatusListError

__all__ = [
    "STATUS_LIST_TYP",
    "TokenStatus",
    "pack_statuses",
    "read_status_list_token",
    "sign_status_list_token",
    "status_at",
]

STATUS_LIST_TYP = "statuslist+jwt"
MAX_LIST_BYTES = 16 * 1024 * 1024
_BITS = (1, 2, 4, 8)
_CLOCK_SKEW = timedelta(minutes=5)


class TokenStatus(IntEnum):
    VALID = 0
    INVALID = 1
    SUSPENDED = 2


def _w3c_bit(data: bytes, index: int) -> bool:
    byte = index // 8
    return byte < len(data) and bool(data[byte] >> (7 - index % 8) & 1)


def pack_statuses(revocation: bytes, suspension: bytes, length: int) -> bytes:
    """A 2-bit Token Status List of ``length`` entries from two W3C (MSB-first) bitmaps.

    Revocation wins over suspension. Only set bits are visited, so a mostly valid list is cheap.
    """
    if length <= 0 or length % 4:
        raise StatusListError("the list length must be a positive multiple of 4")
    out = bytearray(length // 4)
    for bitmap, value in ((suspension, TokenStatus.SUSPENDED), (revocation, TokenStatus.INVALID)):
        for byte_no, byte in enumerate(bitmap):
            if not byte:
                continue
            for bit in range(8):
                if byte >> (7 - bit) & 1:
                    index = byte_no * 8 + bit
                    if index >= length:
                        raise StatusListError(f"status index {index} does not fit in {length} entries")
                    shift = (index % 4) * 2
                    out[index // 4] = (out[index // 4] & ~(3 << shift)) | (int(value) << shift)
    return bytes(out)


def status_at(lst: bytes, bits: int, index: int) -> int:
    """The status value at ``index`` of an uncompressed list (LSB-first within each byte)."""
    if bits not in _BITS:
        raise StatusListError(f"bits must be one of {_BITS}")
    per_byte = 8 // bits
    byte_no = index // per_byte
    if index < 0 or byte_no >= len(lst):
        raise StatusListError(f"index {index} is outside the status list")
    return lst[byte_no] >> ((index % per_byte) * bits) & ((1 << bits) - 1)


def sign_status_list_token(
    lst: bytes,
    *,
    bits: int,
    uri: str,
    issuer: str,
    kid: str,
    key: ec.EllipticCurvePrivateKey,
    now: datetime,
    ttl: int = 300,
    lifetime: timedelta = timedelta(days=1),
) -> str:
    """The signed ``statuslist+jwt`` (ES256) for an uncompressed list."""
    if bits not in _BITS:
        raise StatusListError(f"bits must be one of {_BITS}")
    compressed = zlib.compress(lst, 9)
    claims = {
        "iss": issuer,
        "sub": uri,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "ttl": ttl,
        "status_list": {"bits": bits, "lst": b64url_encode(compressed)},
    }
    return jwt.encode(claims, key, algorithm="ES256", headers={"typ": STATUS_LIST_TYP, "kid": kid})


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_LIST_BYTES + 1)
    except zlib.error as exc:
        raise StatusListError(f"lst is not ZLIB data: {exc}") from None
    if len(out) > MAX_LIST_BYTES or inflater.unconsumed_tail:
        raise StatusListError("the status list is too large")
    return out


def read_status_list_token(
    token: str, *, key: ec.EllipticCurvePublicKey, uri: str, index: int, now: datetime | None = None
) -> int:
    """Verify a status list token against ``key`` and ``uri`` and return the status at ``index``.

    Raises :class:`StatusListError` for anything wrong (bad signature, other list, expired…):
    the caller must then treat the status as unknown, never as valid.
    """
    now = now or datetime.now(UTC)
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["ES256"],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.PyJWTError as exc:
        raise StatusListError(f"the status list token does not verify: {exc}") from None
    if header.get("typ") != STATUS_LIST_TYP:
        raise StatusListError(f'the status list token must have typ "{STATUS_LIST_TYP}"')
    if claims.get("sub") != uri:
        raise StatusListError("the status list token is for another list (sub differs from the uri)")
    exp = claims.get("exp")
    if isinstance(exp, int | float) and datetime.fromtimestamp(exp, UTC) + _CLOCK_SKEW < now:
        raise StatusListError("the status list token has expired")
    status_list = claims.get("status_list")
    if not isinstance(status_list, Mapping):
        raise StatusListError("the token has no status_list claim")
    bits: Any = status_list.get("bits")
    lst: Any = status_list.get("lst")
    if bits not in _BITS or not isinstance(lst, str):
        raise StatusListError("status_list needs bits (1, 2, 4 or 8) and lst")
    try:
        compressed = base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4))
    except ValueError:
        raise StatusListError("lst is not base64url") from None
    return status_at(_inflate(compressed), int(bits), index)
