"""Parsing JSON that comes from outside (request bodies, fetched documents, uploaded files, tokens).

``json.loads`` accepts things the rest of the code cannot handle, and each of them used to end in a
500 somewhere far from the parser:

* integers of thousands of digits (Python refuses to turn an integer of more than 4,300 digits
  into text, so signing, logging or storing it fails) and floats like ``1e999`` (infinite);
* ``NaN`` and ``Infinity``, which are not JSON;
* nesting deep enough to exhaust the recursion limit of every later tree walk;
* lone surrogates written as escapes (``"\\ud800"``): valid JSON text, but not encodable as UTF-8,
  so Redis, hashing and canonicalisation fail on them.

:func:`loads` refuses all of these with :class:`UnsafeJson` (a ``ValueError``) whose message
says what was wrong, so callers turn it into a 400 (or "not JSON") in one place.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_NUMBER_LENGTH", "UnsafeJson", "check_text", "loads"]

MAX_DEPTH = 64
"""Default deepest nesting of arrays and objects (a scalar is depth 0)."""
MAX_NUMBER_LENGTH = 64
"""Longest number literal accepted, in characters (sign, digits, point and exponent)."""


class UnsafeJson(ValueError):
    """Valid or invalid JSON text that we refuse; ``str(exc)`` is a readable reason.

    ``line``, ``column`` and ``position`` locate a syntax error (``None`` for other reasons).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "unsafe",
        line: int | None = None,
        column: int | None = None,
        position: int | None = None,
        depth: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        """What is wrong, for a translated message: ``not_json`` (with ``line``, ``column``),
        ``too_deep`` (with ``depth``), ``not_utf8``, ``no_text`` or ``unsafe`` (anything else)."""
        self.line = line
        self.column = column
        self.position = position
        self.depth = depth


def _number(text: str) -> None:
    if len(text) > MAX_NUMBER_LENGTH:
        raise UnsafeJson(f"a number has more than {MAX_NUMBER_LENGTH} characters")


def _parse_int(text: str) -> int:
    _number(text)
    return int(text)


def _parse_float(text: str) -> float:
    _number(text)
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJson(f"the number {text} is too large")
    return value


def _parse_constant(name: str) -> Any:
    raise UnsafeJson(f"{name} is not a JSON number")


def _bad_text(value: str) -> bool:
    if value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(value: str, what: str = "a text") -> None:
    """``UnsafeJson`` if ``value`` holds a lone surrogate (it cannot be written as UTF-8)."""
    if _bad_text(value):
        raise UnsafeJson(f"{what} holds a lone surrogate (an unpaired \\ud800-\\udfff escape)")


def _check_tree(value: Any, max_depth: int) -> None:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            check_text(node)
            continue
        if isinstance(node, dict):
            children: Any = node.values()
            for key in node:
                check_text(key, "a member name")
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth + 1 > max_depth:
            raise UnsafeJson(f"arrays and objects nest more than {max_depth} deep", code="too_deep", depth=max_depth)
        stack.extend((child, depth + 1) for child in children)


def loads(data: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH) -> Any:
    """``data`` parsed as JSON, refusing what :mod:`plecak.core.safejson` describes (:class:`UnsafeJson`).

    Bytes must be UTF-8 (a byte order mark is allowed); an empty text is refused too.
    """
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnsafeJson(f"the text is not UTF-8 (byte {exc.start})", code="not_utf8") from None
    elif isinstance(data, str):
        text = data
    else:
        raise TypeError(f"JSON text must be str or bytes, not {type(data).__name__}")
    if not text.strip():
        raise UnsafeJson("there is no JSON text", code="no_text")
    try:
        value = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except json.JSONDecodeError as exc:
        raise UnsafeJson(
            f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            code="not_json",
            line=exc.lineno,
            column=exc.colno,
            position=exc.pos,
        ) from None
    except RecursionError:
        raise UnsafeJson(
            f"arrays and objects nest more than {max_depth} deep", code="too_deep", depth=max_depth
        ) from None
    except UnsafeJson:
        raise
    except ValueError as exc:  # anything else the parser refuses (e.g. a future limit)
        raise UnsafeJson(f"malformed JSON: {exc}") from None
    _check_tree(value, max_depth)
    return value
