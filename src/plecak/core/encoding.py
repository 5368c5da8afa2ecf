"""base64url without padding (RFC 4648 §5, as JOSE, multibase ``u`` and Data Integrity use it).

:func:`b64url_decode` is strict: only the URL-safe alphabet, no padding, no white space, and a
length that can hold whole bytes. Anything else raises ``ValueError`` (a ``TypeError`` for a value
that is not a string), so a caller turns it into its own error type with one ``except``.
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["b64url_decode", "b64url_encode"]

_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_encode(data: bytes) -> str:
    """``data`` as unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The bytes of unpadded base64url ``text``; ``ValueError`` for anything else."""
    if not isinstance(text, str):
        raise TypeError(f"base64url text must be a string, not {type(text).__name__}")
    if not set(text) <= _ALPHABET:
        raise ValueError("not base64url: only A-Z, a-z, 0-9, '-' and '_' without padding")
    if len(text) % 4 == 1:
        raise ValueError("not base64url: the length cannot hold whole bytes")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:  # pragma: no cover - the checks above leave nothing for it to refuse
        raise ValueError("not base64url") from None
