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

import functools
import hashlib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from pyld.nquads import escape as _escape

from plecak.core.jsonld.loader import DocumentLoader

__all__ = [
    "Quad",
    "canonical_nquads",
    "document_quads",
    "document_quads_split",
    "flat_node_nquads",
    "pyld_dataset",
]

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


# --- compacted JSON-LD straight to RDF quads ------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING, _XSD_BOOLEAN, _XSD_INTEGER = XSD + "string", XSD + "boolean", XSD + "integer"
_XSD_DOUBLE = XSD + "double"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE, _RDF_FIRST, _RDF_REST, _RDF_NIL = _RDF + "type", _RDF + "first", _RDF + "rest", _RDF + "nil"
_PLAIN_CONTAINERS: tuple[Any, ...] = (None, [], ["@set"])
_GRAPH_CONTAINERS: tuple[Any, ...] = (["@graph"], ["@graph", "@set"], ["@set", "@graph"])


_TermInfo = tuple[Any, Any, Any, bool, bool]  # @container, @context, @type, language/direction, unsupported
_term_memo: dict[tuple[str, str], _TermInfo] = {}
_TERM_MEMO_SIZE = 20_000


class _Unsupported(Exception):
    """Something the direct path does not handle: the caller uses pyld instead."""


_SPACE = re.compile(r"\s")


def _absolute(iri: Any) -> bool:
    """An absolute IRI by our safe-mode rule *and* pyld's (which also refuses whitespace)."""
    return isinstance(iri, str) and _absolute_str(iri)


@functools.lru_cache(maxsize=8192)
def _absolute_str(iri: str) -> bool:
    if iri.startswith("_:") or _SPACE.search(iri):
        return False
    scheme, sep, _ = iri.partition(":")
    return bool(sep and scheme) and scheme[0].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


class _Quads:
    """Mirrors pyld's expansion (the same context calls, in the same order) for plain node trees.

    Supported: node objects whose keys are ``@context``, terms or IRIs that expand to absolute
    IRIs, ``@id`` and ``@type`` (or their aliases); values that are strings, booleans, numbers,
    node objects and arrays of those; ``@set``, ``@list`` and ``@graph`` containers (the last as
    VC ``proof`` uses it); type- and property-scoped contexts. Not supported (:class:`_Unsupported`,
    the caller uses pyld): other containers, ``@reverse``, ``@json``, ``@language``,
    ``@direction``, value objects, blank node identifiers, nulls, nested arrays, ``xsd:double``
    coercion, and one property holding values of different JSON types.
    """

    def __init__(self, processor: Any, options: dict[str, Any]) -> None:
        self.p = processor
        self.options = options
        self.quads: set[tuple[Any, ...]] = set()
        self.scalars: dict[tuple[str, str, str | None], set[type]] = {}
        self.graph: str | None = None  # the named graph being written (None: the default graph)
        self.count = 0
        self.split_key: str | None = None  # a member of the top node whose quads go apart
        self.split_quads: set[tuple[Any, ...]] = set()
        self.split_done = False
        self.at_root = True

    def blank(self) -> str:
        self.count += 1
        return f"_:f{self.count}"

    def get(self, ctx: Any, key: str | None, kind: str) -> Any:
        return self.p.get_context_value(ctx, key, kind)

    # long: mirrors pyld's node-object steps one to one, so the fast path can be compared with it line by line
    def node(self, active_ctx: Any, active_property: str | None, element: dict[str, Any]) -> str:
        """Emit the quads of ``element`` (a node object); returns its subject (IRI or blank)."""
        p, options = self.p, self.options
        root, self.at_root = self.at_root, False
        property_scoped = self.get(active_ctx, active_property, "@context") if active_property else None
        type_scoped = active_ctx if active_ctx.get("previousContext") else None
        must_revert = True
        if type_scoped and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded = p._expand_iri(type_scoped, key, vocab=True)
                if expanded == "@value":
                    raise _Unsupported("value object")
                if expanded == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert:
            active_ctx = p._revert_to_previous_context(active_ctx)
        if property_scoped is not None:
            active_ctx = p._process_context(active_ctx, property_scoped, options, override_protected=True)
        active_ctx, _type_key, type_scoped_ctx = p._prepare_nested_context(active_ctx, element, options)

        subject: str | None = None
        types: list[str] = []
        properties: list[tuple[str, str, Any]] = []
        seen_type = False
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = p._expand_iri(active_ctx, key, vocab=True)
            if expanded == "@id":
                if subject is not None or not isinstance(value, str):
                    raise _Unsupported("@id")
                subject = p._expand_iri(active_ctx, value, base=None)
                if not _absolute(subject):
                    raise _Unsupported("relative or blank @id")
            elif expanded == "@type":
                if seen_type:
                    raise _Unsupported("two @type keys")
                seen_type = True
                for t in value if isinstance(value, list) else [value]:
                    if not isinstance(t, str):
                        raise _Unsupported("@type value")
                    iri = p._expand_iri(type_scoped_ctx, t, vocab=True, base=None)
                    if not _absolute(iri):
                        raise _Unsupported("relative type")
                    types.append(iri)
            elif isinstance(expanded, str) and _absolute(expanded):
                properties.append((key, expanded, value))
            else:
                raise _Unsupported(f"key {key!r}")
        if subject is None:
            subject = self.blank()
        for iri in types:
            self.add(subject, _RDF_TYPE, ("I", iri, None))
        for key, predicate, value in properties:
            if root and key == self.split_key:
                # The top node's member and everything under it (the link to the node and
                # its quads) go into ``split_quads``; the rest is exactly the quads of the
                # document without that member (blank node labels aside).
                main, self.quads = self.quads, self.split_quads
                self.split_done = True
                try:
                    self.property(active_ctx, subject, key, predicate, value)
                finally:
                    self.quads = main
            else:
                self.property(active_ctx, subject, key, predicate, value)
        return subject

    def info(self, ctx: Any, key: str) -> _TermInfo:
        """What the value expansion of ``key`` needs from ``ctx``, remembered per processed context."""
        tag = ctx.get("_uuid")
        if tag is not None:
            hit = _term_memo.get((tag, key))
            if hit is not None:
                return hit
        get = self.p.get_context_value
        mapping = ctx["mappings"].get(key)
        info: _TermInfo = (
            get(ctx, key, "@container"),
            get(ctx, key, "@context"),
            get(ctx, key, "@type"),
            get(ctx, key, "@language") is not None or get(ctx, key, "@direction") is not None,
            bool(mapping and (mapping.get("reverse") or mapping.get("@type") == "@json")),
        )
        if tag is not None:
            if len(_term_memo) >= _TERM_MEMO_SIZE:
                _term_memo.clear()
            _term_memo[(tag, key)] = info
        return info

    def property(self, active_ctx: Any, subject: str, key: str, predicate: str, value: Any) -> None:
        info = self.info(active_ctx, key)
        container, scoped = info[0], info[1]
        if (
            container not in _PLAIN_CONTAINERS
            and container != ["@list"]
            and container not in _GRAPH_CONTAINERS
        ):
            raise _Unsupported("container")
        term_ctx = active_ctx
        if scoped is not None:
            term_ctx = self.p._process_context(
                active_ctx, scoped, self.options, propagate=True, override_protected=True
            )
            info = self.info(term_ctx, key)
        if info[4]:
            raise _Unsupported("reverse or @json term")
        if info[0] != container:
            raise _Unsupported("container changed by a scoped context")
        items = value if isinstance(value, list) else [value]
        if container == ["@list"]:
            self.add(subject, predicate, self.rdf_list(term_ctx, key, items, info))
            return
        if container in _GRAPH_CONTAINERS:
            # Each node object goes into a graph of its own, named by a blank node the property
            # points at (pyld: {"@graph": [node]} without @id, then the node map).
            for item in items:
                if not isinstance(item, dict):
                    raise _Unsupported("graph container value")
                name = self.blank()
                self.add(subject, predicate, ("B", name, None))
                outer, self.graph = self.graph, name
                try:
                    self.node(term_ctx, key, item)
                finally:
                    self.graph = outer
            return
        for item in items:
            obj = self.item(term_ctx, key, item, info)
            if isinstance(item, str | bool | int | float):
                # pyld merges values that are equal in Python (True == 1 == 1.0) and keeps apart
                # equal RDF terms made from different JSON types ("5" and 5 typed xsd:integer):
                # one JSON type per property keeps both questions away.
                kinds = self.scalars.setdefault((subject, predicate, self.graph), set())
                kinds.add(type(item))
                if len(kinds) > 1:
                    raise _Unsupported("mixed scalar types on one property")
            self.add(subject, predicate, obj)

    def add(self, subject: str, predicate: str, obj: tuple[str, str, str | None]) -> None:
        self.quads.add((subject, predicate, *obj, self.graph))

    def rdf_list(self, ctx: Any, key: str, items: list[Any], info: _TermInfo) -> tuple[str, str, str | None]:
        """An RDF collection (``rdf:first``/``rdf:rest`` blank nodes), as pyld's ``_list_to_rdf``."""
        if not items:
            return ("I", _RDF_NIL, None)
        heads = [self.blank() for _ in items]
        for i, item in enumerate(items):
            if isinstance(item, list):
                raise _Unsupported("list of lists")
            self.add(heads[i], _RDF_FIRST, self.item(ctx, key, item, info))
            self.add(
                heads[i],
                _RDF_REST,
                ("B", heads[i + 1], None) if i + 1 < len(heads) else ("I", _RDF_NIL, None),
            )
        return ("B", heads[0], None)

    def item(self, ctx: Any, key: str, item: Any, info: _TermInfo) -> tuple[str, str, str | None]:
        """The RDF object for one value: a node (its quads emitted), an IRI or a literal."""
        if isinstance(item, dict):
            obj = self.node(ctx, key, item)
            return ("B" if obj.startswith("_:") else "I", obj, None)
        if isinstance(item, str | bool | int | float):
            return self.scalar(ctx, item, info[2], info[3])
        raise _Unsupported("value")

    def scalar(
        self, ctx: Any, value: str | bool | int | float, kind: Any, language_or_direction: bool
    ) -> tuple[str, str, str | None]:
        """A scalar as pyld's ``_expand_value`` and ``_object_to_rdf`` make it (``kind``: term @type)."""
        p = self.p
        if kind in ("@id", "@vocab"):
            if not isinstance(value, str):
                raise _Unsupported("non-string IRI value")
            iri = p._expand_iri(ctx, value, vocab=kind == "@vocab", base=None)
            if not _absolute(iri):
                raise _Unsupported("relative IRI value")
            return ("I", iri, None)
        datatype = None if kind is None or kind == "@none" else kind
        if datatype is not None and (not _absolute(datatype) or datatype == _XSD_DOUBLE):
            raise _Unsupported("datatype")  # xsd:double values are rewritten by pyld
        if isinstance(value, str):
            if datatype is None and language_or_direction:
                raise _Unsupported("language or direction")
            return ("L", value, datatype or _XSD_STRING)
        if isinstance(value, bool):
            return ("L", "true" if value else "false", datatype or _XSD_BOOLEAN)
        if isinstance(value, float) and not value.is_integer():  # pyld's "double"
            if not math.isfinite(value):
                raise _Unsupported("not a finite number")
            return ("L", _canonical_double(value), datatype or _XSD_DOUBLE)
        if abs(value) < 1e21:  # integers, and floats with an integer value (5.0 is written 5)
            return ("L", str(int(value)), datatype or _XSD_INTEGER)
        raise _Unsupported("huge number")


def _canonical_double(value: float) -> str:
    """The canonical xsd:double form pyld writes (``5.0E0``, ``1.5E-7``)."""
    return re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{value:1.15E}")


def _term(value: str, kind: str) -> dict[str, str]:
    return {"type": "blank node" if kind == "B" or value.startswith("_:") else "IRI", "value": value}


Quad = tuple[str, str, str, str, str | None, str | None]
"""``(subject, predicate, kind, value, datatype, graph)``: ``kind`` is ``I`` (IRI), ``B`` (blank
node) or ``L`` (literal with ``datatype``); subjects and graph names starting ``_:`` are blank."""


def document_quads(document: Mapping[str, Any], processor: Any, options: dict[str, Any]) -> set[Quad] | None:
    """The RDF quads of ``document``, or ``None`` when the direct path declines (use pyld).

    ``processor`` is a pyld ``JsonLdProcessor`` (its remembered contexts are reused) and ``options``
    the expansion options with a ``contextResolver``. The result is what pyld's expansion, node map
    and ``_graph_to_rdf`` produce, blank node labels aside (canonicalisation relabels them).
    """
    split = document_quads_split(document, processor, options, None)
    return None if split is None else split[0]


def document_quads_split(
    document: Mapping[str, Any], processor: Any, options: dict[str, Any], key: str | None
) -> tuple[set[Quad], set[Quad]] | None:
    """:func:`document_quads` in one walk, split in two: the quads of ``document`` without its
    top-level member ``key``, and the quads that member adds (``None``: the direct path declines).

    The union is the document's quads; the first set is what :func:`document_quads` gives for
    ``{k: v for k, v in document.items() if k != key}`` (blank node labels aside), because the
    members of a node are converted independently of each other. For ``key="proof"`` the first
    set is the unsecured credential that its proofs sign.
    """
    if not isinstance(document, dict) or "@context" not in document:
        return None
    builder = _Quads(processor, options)
    builder.split_key = key
    try:
        builder.node(processor._get_initial_context(options), None, document)
    except _Unsupported:
        return None
    except Exception:  # a context error: pyld reports it properly on the slow path
        return None
    if key is not None and key in document and not builder.split_done:
        return None  # the member is not a property here (an alias of @id or @type)
    return builder.quads, builder.split_quads


def pyld_dataset(quads: set[Quad]) -> dict[str, list[dict[str, Any]]]:
    """``quads`` in the form pyld's ``URDNA2015.main`` takes (graph name → triples)."""
    dataset: dict[str, list[dict[str, Any]]] = {"@default": []}
    for subject, predicate, kind, value, datatype, graph in quads:
        if kind == "L":
            obj: dict[str, Any] = {"type": "literal", "value": value, "datatype": datatype}
        else:
            obj = _term(value, kind)
        dataset.setdefault(graph or "@default", []).append(
            {"subject": _term(subject, "I"), "predicate": {"type": "IRI", "value": predicate}, "object": obj}
        )
    return dataset


def _nquad(quad: Quad, label: Callable[[str], str]) -> str:
    """One N-Quads line exactly as pyld's ``serialize_nquad`` writes it, blank nodes via ``label``."""
    subject, predicate, kind, value, datatype, graph = quad
    s = label(subject) if subject.startswith("_:") else f"<{subject}>"
    if kind == "I":
        o = f"<{value}>"
    elif kind == "B":
        o = label(value)
    elif datatype == _XSD_STRING:
        o = f'"{_escape(value)}"'
    else:
        o = f'"{_escape(value)}"^^<{datatype}>'
    if graph is None:
        return f"{s} <{predicate}> {o} .\n"
    g = label(graph) if graph.startswith("_:") else f"<{graph}>"
    return f"{s} <{predicate}> {o} {g} .\n"


def canonical_nquads(quads: set[Quad]) -> str | None:
    """RDFC-1.0 when every blank node has its own first-degree hash, else ``None`` (use pyld).

    That is the common case (credentials rarely hold two blank nodes with identical
    surroundings), and then RDFC-1.0 is: hash each blank node's quads with itself written
    ``_:a`` and others ``_:z``; label blank nodes ``_:c14n0``, ``_:c14n1`` … in the order of
    their hashes; write every quad and sort the lines. Ties need the N-degree algorithm: pyld.
    """
    by_node: dict[str, list[Quad]] = {}
    for quad in quads:
        subject, _, kind, value, datatype, graph = quad
        if datatype == _RDF_LANGSTRING:
            return None
        if subject.startswith("_:"):
            by_node.setdefault(subject, []).append(quad)
        if kind == "B":
            by_node.setdefault(value, []).append(quad)
        if graph is not None and graph.startswith("_:"):
            by_node.setdefault(graph, []).append(quad)
    hashes: dict[str, str] = {}
    for node, node_quads in by_node.items():

        def first_degree(label: str, node: str = node) -> str:
            return "_:a" if label == node else "_:z"

        lines = sorted(_nquad(q, first_degree) for q in node_quads)
        hashes[node] = hashlib.sha256("".join(lines).encode("utf8")).hexdigest()
    if len(set(hashes.values())) != len(hashes):
        return None
    canonical = {node: f"_:c14n{i}" for i, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
    return "".join(sorted(_nquad(q, canonical.__getitem__) for q in quads))
