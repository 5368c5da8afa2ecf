"""A status list's bits: :class:`Bitstring`, GZIP-compressed and multibase base64url encoded (``u…``);
index 0 is the most significant bit of the first byte, as in Redis ``SETBIT``/``GETBIT``."""

from __future__ import annotations

import base64
import re
import zlib

from plecak.core.encoding import b64url_encode
from plecak.core.errors import StatusListError

__all__ = ["MAX_DECODED_BYTES", "MIN_LIST_LENGTH", "Bitstring"]


MIN_LIST_LENGTH = 131072
"""The minimum number of entries of a list (16 KiB uncompressed), Bitstring Status List §3."""


MAX_DECODED_BYTES = 16 * 1024 * 1024
"""The largest decompressed list :meth:`Bitstring.decode` accepts (a guard against gzip bombs)."""


_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")


def _check_length(length: object, *, allow_short: bool) -> int:
    if not isinstance(length, int) or isinstance(length, bool):
        raise TypeError("the list length must be an int")
    if length <= 0 or length % 8:
        raise StatusListError(f"the list length must be a positive multiple of 8, not {length}")
    if length < MIN_LIST_LENGTH and not allow_short:
        raise StatusListError(f"a status list has at least {MIN_LIST_LENGTH} entries, not {length}")
    return length


def _check_index(index: object) -> int:
    if not isinstance(index, int) or isinstance(index, bool):
        raise TypeError("a status list index must be an int")
    return index


class Bitstring:
    """A fixed-length bitstring; bit ``i`` is bit ``7 - i % 8`` of byte ``i // 8``.

    ``length`` is a number of bits: a positive multiple of 8, at least :data:`MIN_LIST_LENGTH`
    unless ``allow_short`` (for reading lists published by others).
    """

    __slots__ = ("_bytes", "_length")
    __hash__ = None  # type: ignore[assignment]  # mutable

    def __init__(self, length: int = MIN_LIST_LENGTH, *, allow_short: bool = False) -> None:
        self._length = _check_length(length, allow_short=allow_short)
        self._bytes = bytearray(self._length // 8)

    @classmethod
    def from_bytes(
        cls, data: bytes | bytearray | memoryview, *, length: int | None = None, allow_short: bool = False
    ) -> Bitstring:
        """A bitstring over a copy of ``data``, zero-padded to ``length`` bits (default: all of ``data``).

        ``data`` longer than ``length`` is an error rather than silently cut: the cut-off
        bits could be revocations.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError("data must be bytes")
        raw = bytes(data)
        bits = cls(len(raw) * 8 if length is None else length, allow_short=allow_short)
        if len(raw) > len(bits._bytes):
            raise StatusListError(f"{len(raw)} bytes do not fit in a list of {bits._length} entries")
        bits._bytes[: len(raw)] = raw
        return bits

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def __len__(self) -> int:
        return self._length

    def _position(self, index: object) -> int:
        position = _check_index(index)
        if not 0 <= position < self._length:
            raise StatusListError(f"index {position} is outside the list (0 to {self._length - 1})")
        return position

    def get(self, index: int) -> bool:
        """The bit at ``index`` (``StatusListError`` outside ``0 … len - 1``; no negative indexing)."""
        position = self._position(index)
        return bool(self._bytes[position >> 3] & (0x80 >> (position & 7)))

    def set(self, index: int, value: bool) -> None:
        position = self._position(index)
        if not isinstance(value, bool):
            raise TypeError("a status bit must be a bool")
        mask = 0x80 >> (position & 7)
        if value:
            self._bytes[position >> 3] |= mask
        else:
            self._bytes[position >> 3] &= ~mask & 0xFF

    def count(self) -> int:
        """How many bits are set."""
        return int.from_bytes(self._bytes, "big").bit_count()

    def encode(self) -> str:
        """``encodedList``: ``u`` + base64url without padding of the GZIP-compressed bytes.

        Uses zlib's default level and a zero mtime, so the output is deterministic (an empty
        16 KiB list gives exactly the value in the specification's examples).
        """
        compressor = zlib.compressobj(wbits=31)
        compressed = compressor.compress(self._bytes) + compressor.flush()
        return "u" + b64url_encode(compressed)

    @classmethod
    def decode(cls, encoded: str, *, max_bytes: int = MAX_DECODED_BYTES) -> Bitstring:
        """Expand an ``encodedList`` (with or without the multibase ``u``, as StatusList2021 lists are).

        Lists shorter than :data:`MIN_LIST_LENGTH` are decoded (a verifier rejects them with
        a clear message in :func:`read_status`); more than ``max_bytes`` decompressed is refused.
        """
        if not isinstance(encoded, str):
            raise TypeError("an encoded list must be a string")
        text = encoded[1:] if encoded.startswith("u") else encoded
        if not text or len(text) > max_bytes * 2 or not _BASE64URL.match(text):
            raise StatusListError("encodedList is not multibase base64url")
        text = text.rstrip("=")
        if len(text) % 4 == 1:
            raise StatusListError("encodedList is not multibase base64url (bad length)")
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        raw = _gunzip(compressed, max_bytes)
        if not raw:
            raise StatusListError("encodedList expands to an empty bitstring")
        return cls.from_bytes(raw, allow_short=True)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Bitstring):
            return NotImplemented
        return self._length == other._length and self._bytes == other._bytes

    def __repr__(self) -> str:
        return f"Bitstring(length={self._length}, set={self.count()})"


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress one or more concatenated GZIP members, refusing more than ``max_bytes`` of output."""
    out = bytearray()
    rest = data
    try:
        while True:
            inflater = zlib.decompressobj(wbits=31)
            out += inflater.decompress(rest, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                raise StatusListError(f"encodedList expands to more than {max_bytes} bytes")
            if not inflater.eof:
                raise StatusListError("encodedList is not complete GZIP data")
            rest = inflater.unused_data
            if not rest:
                return bytes(out)
    except zlib.error as exc:
        raise StatusListError(f"encodedList is not GZIP data: {exc}") from None
