"""JSON Pointer selection of a compact JSON-LD document (Data Integrity selective disclosure).

``select_json_ld(pointers, document)`` keeps what the pointers select, with the ``@context`` and the
``id``/``type`` of every node on the way (the "selectJsonLd" primitive of the W3C ECDSA
cryptosuites); array slots that are not selected are dropped.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from plecak.core.errors import ProofError

__all__ = ["parse_pointer", "select_json_ld"]


class _Hole:
    """A not-selected array slot (removed before the selection is returned)."""


_HOLE = _Hole()


def parse_pointer(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer (RFC 6901); the whole-document pointer is refused."""
    if not isinstance(pointer, str):
        raise TypeError("a JSON pointer must be a string")
    if not pointer.startswith("/"):
        raise ProofError(f"JSON pointer {pointer!r} must start with '/'")
    tokens = pointer[1:].split("/")
    out = []
    for token in tokens:
        if "~" in token.replace("~0", "").replace("~1", ""):
            raise ProofError(f"JSON pointer {pointer!r} has an invalid '~' escape")
        out.append(token.replace("~1", "/").replace("~0", "~"))
    return out


def _initial_selection(source: Any) -> Any:
    if isinstance(source, list):
        return []
    selection: dict[str, Any] = {}
    if isinstance(source, dict):
        for key in ("id", "@id"):
            node_id = source.get(key)
            if isinstance(node_id, str) and not node_id.startswith("_:"):
                selection[key] = node_id
        for key in ("type", "@type"):
            if key in source:
                selection[key] = copy.deepcopy(source[key])
    return selection


def _child(container: Any, token: str, pointer: str) -> tuple[Any, Any]:
    """(key, value) of ``token`` in ``container``; ProofError when the pointer selects nothing."""
    if isinstance(container, dict):
        if token not in container:
            raise ProofError(f"JSON pointer {pointer!r} selects nothing in the document")
        return token, container[token]
    if isinstance(container, list):
        if not token.isdigit() or (len(token) > 1 and token.startswith("0")) or int(token) >= len(container):
            raise ProofError(f"JSON pointer {pointer!r} selects nothing in the document")
        return int(token), container[int(token)]
    raise ProofError(f"JSON pointer {pointer!r} goes below a literal value")


def _get_selected(parent: Any, key: Any) -> Any:
    if isinstance(parent, dict):
        return parent.get(key, _HOLE)
    if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
        return parent[key]
    return _HOLE


def _set_selected(parent: Any, key: Any, value: Any) -> None:
    if isinstance(parent, dict):
        parent[key] = value
        return
    while len(parent) <= key:
        parent.append(_HOLE)
    parent[key] = value


def _select_path(pointer: str, document: dict[str, Any], selection: dict[str, Any]) -> None:
    tokens = parse_pointer(pointer)
    value: Any = document
    selected_value: Any = selection
    selected_parent: Any = selection
    key: Any = None
    for token in tokens:
        selected_parent = selected_value
        key, value = _child(value, token, pointer)
        selected_value = _get_selected(selected_parent, key)
        if selected_value is _HOLE:
            selected_value = _initial_selection(value)
            _set_selected(selected_parent, key, selected_value)
    if isinstance(value, list):
        final: Any = copy.deepcopy(value)
    elif isinstance(value, dict):
        final = {**selected_value, **copy.deepcopy(value)} if isinstance(selected_value, dict) else value
    else:
        final = value
    _set_selected(selected_parent, key, final)


def _drop_holes(node: Any) -> Any:
    if isinstance(node, list):
        return [_drop_holes(v) for v in node if v is not _HOLE]
    if isinstance(node, dict):
        return {k: _drop_holes(v) for k, v in node.items()}
    return node


def select_json_ld(pointers: Sequence[str], document: Mapping[str, Any]) -> dict[str, Any] | None:
    """The part of a compact JSON-LD ``document`` the JSON pointers select (with ``@context`` and
    the ``id``/``type`` of every node on the way); ``None`` for no pointers."""
    if isinstance(pointers, str) or not isinstance(pointers, Sequence):
        raise TypeError("pointers must be a list of strings")
    if not pointers:
        return None
    doc = dict(document)
    selection: dict[str, Any] = {"@context": copy.deepcopy(doc.get("@context")), **_initial_selection(doc)}
    for pointer in pointers:
        _select_path(pointer, doc, selection)
    result: dict[str, Any] = _drop_holes(selection)
    return result
