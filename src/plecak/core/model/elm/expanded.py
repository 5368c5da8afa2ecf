"""Reading an expanded JSON-LD document by IRI.

Expansion keeps nodes nested where the document nested them, and a node may be given once in full
and elsewhere by its ``@id`` alone. :class:`ExpandedGraph` indexes every node with an ``@id`` (the
members of all its occurrences merged), so a reference resolves to the full node wherever it is.
Reading by IRI makes the reader independent of the document's compaction (its term names).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["ExpandedGraph", "Node", "ident", "ids", "literal", "text", "types"]

Node = Mapping[str, Any]


class ExpandedGraph:
    """The nodes of one expanded document, each ``@id`` merged into one node."""

    def __init__(self, expanded: list[Any]) -> None:
        self.top: list[Node] = [n for n in expanded if isinstance(n, Mapping)]
        self._index: dict[str, dict[str, list[Any]]] = {}
        for node in self.top:
            self._collect(node, 0)

    def _collect(self, node: Node, depth: int) -> None:
        if depth > 64:  # expansion of a JSON document is finite; this only bounds the walk
            return
        ident = node.get("@id")
        if isinstance(ident, str):
            merged = self._index.setdefault(ident, {})
            for key, value in node.items():
                if key != "@id" and isinstance(value, list):
                    known = merged.setdefault(key, [])
                    seen = {_key_of(v) for v in known}
                    known.extend(v for v in value if _key_of(v) not in seen)
        for key, value in node.items():
            if key.startswith("@") and key != "@graph":
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Mapping) and "@value" not in item:
                    self._collect(item, depth + 1)

    def resolve(self, value: Any) -> Node | None:
        """The node a value stands for (a reference by ``@id`` resolved), or ``None`` for a literal."""
        if not isinstance(value, Mapping) or "@value" in value or "@list" in value:
            return None
        ident = value.get("@id")
        if isinstance(ident, str) and ident in self._index:
            return {"@id": ident, **self._index[ident]}
        return value

    def nodes(self, node: Node | None, iri: str) -> list[Node]:
        """The nodes ``node`` points to with property ``iri``."""
        if node is None:
            return []
        return [n for n in (self.resolve(v) for v in _values(node, iri)) if n is not None]

    def node(self, node: Node | None, iri: str, of_type: str | None = None) -> Node | None:
        """The first node through ``iri`` (of type ``of_type`` when given, else the first)."""
        found = self.nodes(node, iri)
        if of_type is not None:
            typed = [n for n in found if of_type in types(n)]
            found = typed or found
        return found[0] if found else None

    def path(self, node: Node | None, *iris: str) -> Node | None:
        for iri in iris:
            node = self.node(node, iri)
        return node

    def typed(self, of_type: str) -> Iterator[Node]:
        for node in self.top:
            if of_type in types(node):
                yield node


def _key_of(value: Any) -> str:
    """What makes two values of one property the same: a node's ``@id``, else the whole value."""
    if isinstance(value, Mapping) and isinstance(value.get("@id"), str) and "@value" not in value:
        return "@id " + str(value["@id"])
    return repr(value)


def _values(node: Node, iri: str) -> list[Any]:
    value = node.get(iri)
    return value if isinstance(value, list) else [] if value is None else [value]


def types(node: Node | None) -> tuple[str, ...]:
    value = node.get("@type") if node is not None else None
    if isinstance(value, str):
        return (value,)
    return tuple(t for t in value if isinstance(t, str)) if isinstance(value, list) else ()


def ident(node: Node | None) -> str | None:
    value = node.get("@id") if node is not None else None
    return value if isinstance(value, str) else None


def ids(node: Node | None, iri: str) -> tuple[str, ...]:
    if node is None:
        return ()
    return tuple(v["@id"] for v in _values(node, iri) if isinstance(v, Mapping) and isinstance(v.get("@id"), str))


def literal(node: Node | None, iri: str) -> Any:
    """The first plain value (``@value``) of ``iri``."""
    if node is None:
        return None
    for value in _values(node, iri):
        if isinstance(value, Mapping) and "@value" in value:
            return value["@value"]
    return None


def text(node: Node | None, iri: str, language: str = "en") -> str | None:
    """A string value of ``iri``: the one in ``language`` when there is one, else the first."""
    if node is None:
        return None
    strings = [v for v in _values(node, iri) if isinstance(v, Mapping) and isinstance(v.get("@value"), str)]
    for value in strings:
        if isinstance(value.get("@language"), str) and value["@language"].lower() == language.lower():
            return str(value["@value"])
    return str(strings[0]["@value"]) if strings else None
