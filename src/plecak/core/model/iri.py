"""Is a value an absolute IRI? One small check shared by the data model and related resources."""

from __future__ import annotations

import functools

__all__ = ["is_url"]


def is_url(value: object) -> bool:
    """An absolute IRI with a scheme (``https:``, ``urn:``, ``did:`` …) and no spaces."""
    if not isinstance(value, str):
        return False
    # Remembered for short values (the same issuer, context and type IRIs come every time).
    return _is_url_cached(value) if len(value) <= 256 else _is_url(value)


def _is_url(value: str) -> bool:
    if not value or any(c.isspace() for c in value):
        return False
    scheme, sep, rest = value.partition(":")
    return bool(
        sep and rest and scheme and scheme[0].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)
    )


_is_url_cached = functools.lru_cache(maxsize=4096)(_is_url)
