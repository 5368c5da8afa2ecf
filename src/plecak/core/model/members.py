"""The model's classes map their fields to Open Badges members in one place: each field says which
member it is (:func:`member`, :func:`part`, :func:`parts`), and :class:`OpenBadgesObject` reads and
writes every such field, keeping the members the model does not name in ``extra``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal, Protocol, Self

from .reading import JsonReader, json_object

__all__ = ["OpenBadgesObject", "OpenBadgesProfile", "member", "part", "parts"]

Kind = Literal["text", "number", "flag", "texts", "part", "parts"]
_KEY = "open_badges"


class _Readable(Protocol):
    @classmethod
    def from_open_badges(cls, document: Any, where: str = "", *, lenient: bool = False) -> Any: ...

    def to_open_badges(self) -> Any: ...


@dataclass(frozen=True)
class _Member:
    key: str
    kind: Kind
    choices: tuple[str, ...] | None = None
    model: type[_Readable] | None = None
    required: bool = False

    def read(self, r: JsonReader) -> Any:
        if self.model is None:
            if self.kind == "text":
                return r.text(self.key, self.choices)
            return {"number": r.number, "flag": r.flag, "texts": r.texts}[self.kind](self.key)
        read = self.model.from_open_badges
        if self.kind == "parts":
            return r.each(self.key, read)
        if self.required:
            return read(r.raw(self.key), r.name(self.key), lenient=r.lenient)
        return r.one(self.key, read)

    def write(self, value: Any) -> Any:
        if self.kind == "parts":
            return tuple(item.to_open_badges() for item in value)
        if self.kind == "part" and value is not None:
            return value.to_open_badges()
        return value


def member(
    key: str, kind: Literal["text", "number", "flag", "texts"] = "text", *, choices: tuple[str, ...] | None = None
) -> Any:
    """A field that is the member ``key``: a string (one of ``choices`` when given), a number, a boolean,
    or (``texts``) a set of strings. It defaults to ``None`` (``()`` for ``texts``)."""
    return field(default=() if kind == "texts" else None, metadata={_KEY: _Member(key, kind, choices)})


def part(key: str, model: type[_Readable], *, required: bool = False) -> Any:
    """A field that is the object (or IRI) in the member ``key``, read by ``model``. ``required``, it has
    no default and a missing or malformed member is an error even for a lenient reader."""
    spec = _Member(key, "part", model=model, required=required)
    return field(metadata={_KEY: spec}) if required else field(default=None, metadata={_KEY: spec})


def parts(key: str, model: type[_Readable]) -> Any:
    """A field that is the set of objects in the member ``key``, each read by ``model``."""
    return field(default=(), metadata={_KEY: _Member(key, "parts", model=model)})


@dataclass(frozen=True)
class _Mapped:
    """The base of frozen dataclasses whose fields are declared with :func:`member`, :func:`part` and
    :func:`parts`; ``extra`` keeps the other members (keyword only, after the subclass's fields)."""

    where: ClassVar[str] = "object"
    """The member's name in error messages when the caller does not give one."""
    order: ClassVar[tuple[str, ...] | None] = None
    """The order written; by default ``id``, ``type``, then the members in the order of the fields."""
    by_iri: ClassVar[bool] = False
    """It may be given as a bare IRI, read into ``id`` with ``reference`` set."""
    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True)

    @classmethod
    def _members(cls) -> list[tuple[str, _Member]]:
        return [(f.name, f.metadata[_KEY]) for f in fields(cls) if _KEY in f.metadata]

    @classmethod
    def from_open_badges(cls, document: Any, where: str = "", *, lenient: bool = False) -> Self:
        make: Callable[..., Self] = cls
        if cls.by_iri and isinstance(document, str):
            return make(id=document, reference=True)
        r = JsonReader(document, where or cls.where, lenient)
        values = {name: spec.read(r) for name, spec in cls._members()}
        return make(**values, extra=r.extra())

    def open_badges_members(self) -> dict[str, Any]:
        """The object's Open Badges JSON: its members (empty ones left out), then the kept extras."""
        members = [(spec.key, spec.write(getattr(self, name))) for name, spec in self._members()]
        order = self.order
        if order is None:
            keys = [key for key, _ in members if key != "id"]
            order = ("id", "type", *keys) if len(keys) < len(members) else ("type", *keys)
        return json_object(members, self.extra, order)


@dataclass(frozen=True)
class OpenBadgesObject(_Mapped):
    """An object of Open Badges JSON (see :class:`_Mapped`), always written as an object."""

    def to_open_badges(self) -> dict[str, Any]:
        return self.open_badges_members()


@dataclass(frozen=True)
class OpenBadgesProfile(_Mapped):
    """An OB ``Profile``: given as its IRI alone (``reference``) or as an object."""

    by_iri = True
    id: str | None = member("id")
    name: str | None = member("name")
    url: str | None = member("url")
    reference: bool = field(default=False, kw_only=True)
    """Given as a bare IRI (``id`` only) rather than as an object."""

    def to_open_badges(self) -> str | dict[str, Any]:
        return self.id if self.reference and self.id is not None else self.open_badges_members()
