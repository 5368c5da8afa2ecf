"""Canonical N-Quads of flat JSON-LD nodes (proof configurations) from a remembered template.

A Data Integrity proof configuration is one flat node: ``type``, ``cryptosuite``,
``proofPurpose``, ``verificationMethod``, ``created`` and perhaps ``challenge``, ``domain``,
``nonce`` or ``expires``, under the document's ``@context``. Across credentials only a few of
those values change, and they change in ways that cannot change the shape of the RDF: a timestamp
literal, a string literal, an absolute IRI. So the canonical form is computed once per *shape* by
pyld (the full safe-mode path, with sentinel values in the changing places) and kept as a
template; later configurations of the same shape get their values substituted and the lines
sorted again (RDFC-1.0 output is the sorted list of quads).

The shortcut is taken only when it is provably the same as pyld's answer:

* every ``@context`` entry is a bundled context URL (immutable, served by the loader's store);
* every member other than ``@context`` is a string, or ``type`` a list of strings, so the node is
  flat; the template has at most one blank node, whose canonical label (``_:c14n0``) cannot
  depend on values;
* only these members are substituted: ``created``/``expires`` (strict XML Schema dateTime),
  ``challenge``/``domain``/``nonce`` (strings without quotes, backslashes or control characters)
  and ``verificationMethod`` (an absolute IRI of plain characters whose scheme is not a term or
  prefix of the active context, so pyld would not expand it). Every other value is part of the
  shape; and each sentinel must appear exactly once in the template, in the form (literal or
  IRI) its value will take.

Anything else goes to pyld. ``tests/test_canonical_equivalence.py`` checks the results against
pyld's ``normalize`` on the test vectors and on generated configurations.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from .loader import DocumentLoader

__all__ = ["flat_node_nquads"]

_DATETIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\Z")
_PLAIN = re.compile(r"\A[A-Za-z0-9 ._~:/?#\[\]@!$&'()*+,;=%-]{0,512}\Z")
_IRI = re.compile(r"\A([A-Za-z][A-Za-z0-9+.-]*):[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{1,1024}\Z")
_LITERAL_KEYS = {
    "created": _DATETIME,
    "expires": _DATETIME,
    "challenge": _PLAIN,
    "domain": _PLAIN,
    "nonce": _PLAIN,
}
_IRI_KEYS = ("verificationMethod",)
_MAX_TEMPLATES = 256


class _Template:
    __slots__ = ("lines", "store", "terms")

    def __init__(self, lines: list[tuple[str, ...]], terms: frozenset[str], store: object) -> None:
        self.lines = lines  # each line split around its sentinel: (text,) or (before, key, after)
        self.terms = terms  # names the active context defines (a value's scheme must not be one)
        self.store = store  # keeps the context store alive while its id is part of the key


_templates: OrderedDict[tuple[Any, ...], _Template | None] = OrderedDict()
_lock = threading.Lock()


def _sentinel(key: str) -> str:
    if key in _IRI_KEYS:
        return f"urn:plecak-sentinel:{key}"
    if key == "created":
        return "1999-01-01T00:00:01Z"  # valid dateTimes, one per key
    if key == "expires":
        return "1999-01-01T00:00:02Z"
    return f"plecak-sentinel-{key}"


def _shape(document: Mapping[str, Any], store: object) -> tuple[tuple[Any, ...], dict[str, str]] | None:
    """The cache key and the substituted values, or ``None`` when the shortcut does not apply."""
    ctx = document.get("@context")
    contexts = ctx if isinstance(ctx, list) else [ctx]
    if not contexts or not all(isinstance(c, str) and c in store for c in contexts):  # type: ignore[operator]
        return None
    fixed: list[tuple[str, Any]] = []
    values: dict[str, str] = {}
    for key, value in document.items():
        if key == "@context":
            continue
        if isinstance(value, str):
            pattern = _LITERAL_KEYS.get(key)
            if pattern is not None:
                if not pattern.match(value):
                    return None
                values[key] = value
            elif key in _IRI_KEYS:
                if not _IRI.match(value):
                    return None
                values[key] = value
            else:
                fixed.append((key, value))
        elif key == "type" and isinstance(value, list) and all(isinstance(t, str) for t in value):
            fixed.append((key, tuple(value)))
        else:
            return None
    return (id(store), tuple(contexts), tuple(sorted(fixed)), tuple(sorted(values))), values


def _active_terms(contexts: list[str], loader: DocumentLoader) -> frozenset[str] | None:
    """Every term the contexts define, including type-scoped and property-scoped ones."""
    terms: set[str] = set()

    def walk(ctx: Any) -> bool:
        if isinstance(ctx, list):
            return all(walk(c) for c in ctx)
        if isinstance(ctx, str):
            if ctx not in loader.store:
                return False
            return walk(loader.store.document(ctx).get("@context"))
        if not isinstance(ctx, dict):
            return ctx is None
        if "@import" in ctx:
            return False  # terms from elsewhere: do not guess
        for term, definition in ctx.items():
            terms.add(term)
            if isinstance(definition, dict) and "@context" in definition and not walk(definition["@context"]):
                return False
        return True

    return frozenset(terms) if walk(contexts) else None


def _build(
    document: Mapping[str, Any],
    values: dict[str, str],
    loader: DocumentLoader,
    slow: Callable[[Any, DocumentLoader], str],
) -> _Template | None:
    ctx = document["@context"]
    terms = _active_terms(list(ctx) if isinstance(ctx, list) else [ctx], loader)
    if terms is None:
        return None
    probe = dict(document)
    sentinels = {key: _sentinel(key) for key in values}
    probe.update(sentinels)
    try:
        text = slow(probe, loader)
    except Exception:  # the shape itself is not canonicalisable: leave it to the slow path
        return None
    lines = text.splitlines(keepends=True)
    if len({label for line in lines for label in re.findall(r"_:[A-Za-z0-9]+", line)}) > 1:
        return None
    split: list[tuple[str, ...]] = []
    found: dict[str, int] = dict.fromkeys(sentinels, 0)
    for line in lines:
        hits = [key for key, s in sentinels.items() if s in line]
        if not hits:
            split.append((line,))
            continue
        if len(hits) > 1:
            return None
        key = hits[0]
        token = f"<{sentinels[key]}>" if key in _IRI_KEYS else f'"{sentinels[key]}"'
        if line.count(sentinels[key]) != 1 or token not in line:
            return None
        before, _, after = line.partition(sentinels[key])
        split.append((before, key, after))
        found[key] += 1
    if any(count != 1 for count in found.values()):
        return None
    return _Template(split, terms, loader.store)


def flat_node_nquads(
    document: Mapping[str, Any], loader: Any, slow: Callable[[Any, DocumentLoader], str]
) -> str | None:
    """The canonical N-Quads of a flat node from its shape's template, or ``None`` (use ``slow``)."""
    if not isinstance(loader, DocumentLoader) or "@context" not in document:
        return None
    shaped = _shape(document, loader.store)
    if shaped is None:
        return None
    key, values = shaped
    with _lock:
        known = key in _templates
        template = _templates.get(key)
        if known:
            _templates.move_to_end(key)
    if not known:
        template = _build(document, values, loader, slow)
        with _lock:
            _templates[key] = template
            if len(_templates) > _MAX_TEMPLATES:
                _templates.popitem(last=False)
    if template is None:
        return None
    for name in _IRI_KEYS:
        value = values.get(name)
        if value is not None and value.split(":", 1)[0] in template.terms:
            return None  # pyld would expand it as a compact IRI
    out = [part[0] if len(part) == 1 else part[0] + values[part[1]] + part[2] for part in template.lines]
    out.sort()
    return "".join(out)
