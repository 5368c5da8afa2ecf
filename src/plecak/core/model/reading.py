"""Reading one JSON object into the micro-credential model: every error names the member
(``credential.credentialSubject.achievement.eqfLevel``), and the members the model does not name
are kept so that writing gives the same JSON back."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

__all__ = ["JsonReader", "as_list", "finite", "json_object", "kind_of", "mapping", "text_of", "texts_of"]

_T = TypeVar("_T")


class JsonReader:
    """Reads members of one JSON object, remembering which ones the model took.

    Strict (the default), a member of the wrong shape raises; ``lenient``, it is left out (an item
    of a list is skipped) and reading goes on: for code that must make the best of foreign data.
    """

    def __init__(self, document: Any, where: str, lenient: bool = False) -> None:
        if not isinstance(document, Mapping):
            raise TypeError(f"{where} must be a JSON object, not {kind_of(document)}")
        self.document: Mapping[str, Any] = document
        self.where = where
        self.lenient = lenient
        self.taken: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.where}.{key}"

    def raw(self, key: str) -> Any:
        self.taken.add(key)
        return self.document.get(key)

    def _bad(self, error: Exception) -> None:
        if not self.lenient:
            raise error

    def text(self, key: str, choices: tuple[str, ...] | None = None) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self._bad(TypeError(f"{self.name(key)} must be a string, not {kind_of(value)}"))
            return None
        if choices is not None and value not in choices:
            self._bad(ValueError(f"{self.name(key)} must be one of {', '.join(choices)}, not {value!r}"))
            return None
        return value

    def number(self, key: str) -> int | float | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._bad(TypeError(f"{self.name(key)} must be a number, not {kind_of(value)}"))
            return None
        if not finite(value):
            self._bad(ValueError(f"{self.name(key)} must be a finite number"))
            return None
        return value

    def flag(self, key: str) -> bool | None:
        value = self.raw(key)
        if value is not None and not isinstance(value, bool):
            self._bad(TypeError(f"{self.name(key)} must be true or false, not {kind_of(value)}"))
            return None
        return value

    def items(self, key: str) -> list[Any]:
        """A JSON-LD set: a list, or one value standing for a list of one."""
        value = self.raw(key)
        return [] if value is None else list(value) if isinstance(value, list) else [value]

    def texts(self, key: str) -> tuple[str, ...]:
        values = []
        for i, value in enumerate(self.items(key)):
            if isinstance(value, str):
                values.append(value)
            else:
                self._bad(TypeError(f"{self.name(key)}[{i}] must be a string, not {kind_of(value)}"))
        return tuple(values)

    def each(self, key: str, read: Callable[..., _T]) -> tuple[_T, ...]:
        """Each item of a set, read by ``read`` (a ``from_open_badges``)."""
        out = []
        for i, value in enumerate(self.items(key)):
            try:
                out.append(read(value, f"{self.name(key)}[{i}]", lenient=self.lenient))
            except (TypeError, ValueError) as error:
                self._bad(error)
        return tuple(out)

    def one(self, key: str, read: Callable[..., _T]) -> _T | None:
        """The object (or IRI) in one member, read by ``read`` (a ``from_open_badges``)."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            return read(value, self.name(key), lenient=self.lenient)
        except (TypeError, ValueError) as error:
            self._bad(error)
            return None

    def extra(self) -> dict[str, Any]:
        return {k: v for k, v in self.document.items() if k not in self.taken}


def finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, Mapping) else type(value).__name__


def json_object(
    members: Iterable[tuple[str, Any]], extra: Mapping[str, Any], order: tuple[str, ...] = ()
) -> dict[str, Any]:
    """An object of the stated members (``None`` and empty tuples left out) and the kept extras,
    in ``order`` first, then the extras as they came."""
    out = dict(extra)
    for key, value in members:
        if value is None or value == ():
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    rank = {key: i for i, key in enumerate(order)}
    return dict(sorted(out.items(), key=lambda kv: rank.get(kv[0], len(order))))


# -- tolerant reading, for showing any credential (:mod:`.shown`) --------------------------
_TEXT_KEYS = ("@value", "en", "pl", "name", "value", "id", "@id")
"""Where an object keeps its text: a JSON-LD value object, a language map (English, then Polish), an
object with a name, a value or an id."""


def as_list(value: Any) -> list[Any]:
    """A JSON-LD set: a list, one value standing for a list of one, or nothing."""
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def text_of(value: Any) -> str | None:
    """Some readable text for any JSON value, or ``None`` when there is none: a string stripped, a
    number's digits (``3``, ``2.5``), ``true``/``false``, an object's text (:data:`_TEXT_KEYS`), a
    list's texts joined with ``; ``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, Mapping):
        for key in _TEXT_KEYS:
            text = text_of(value.get(key))
            if text:
                return text
        return None
    if isinstance(value, list):
        return "; ".join(texts_of(value)) or None
    return None


def texts_of(value: Any) -> tuple[str, ...]:
    """The text of each item of a JSON-LD set (items without any left out)."""
    return tuple(t for t in map(text_of, as_list(value)) if t)
