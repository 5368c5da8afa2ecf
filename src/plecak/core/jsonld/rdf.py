"""JSON-LD processing in "safe mode" and RDF Dataset Canonicalization (RDFC-1.0).

Safe mode means: a property that expansion would drop, a type or enumeration value
that stays a relative IRI, or a relative node identifier is an error naming the
offending term. Nothing is silently left out of what gets signed or verified.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from plecak.core.errors import JsonLdError, UndefinedTermError
from plecak.core.jsonld.fastrdf import (
    Quad,
    canonical_nquads,
    document_quads,
    document_quads_split,
    flat_node_nquads,
    pyld_dataset,
)
from plecak.core.jsonld.loader import DocumentLoader, default_loader
from plecak.core.jsonld.processor import MemoProcessor as _MemoProcessor
from plecak.core.jsonld.processor import Urdna2015 as _Urdna2015
from plecak.core.jsonld.processor import translate_error

__all__ = ["canonicalize", "check_safe", "compact", "expand_safe", "sharing_quads", "to_nquads"]


def _is_absolute(iri: Any) -> bool:
    """``_:``-prefixed, or a scheme (a letter, then letters, digits, ``+``, ``-``, ``.``) and ``:``."""
    return isinstance(iri, str) and _is_absolute_str(iri)


@functools.lru_cache(maxsize=8192)
def _is_absolute_str(iri: str) -> bool:
    # pyld's RDF conversion silently drops any IRI or blank node identifier with whitespace in
    # it; refusing it here keeps it from falling out of what gets signed.
    if any(c.isspace() for c in iri):
        return False
    if iri.startswith("_:"):
        return True
    scheme, sep, _ = iri.partition(":")
    return bool(sep) and bool(scheme) and scheme[0].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _check_iris(node: Any, path: str) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_iris(item, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    is_value = "@value" in node
    for key, value in node.items():
        if key == "@type":
            for t in value if isinstance(value, list) else [value]:
                if is_value and t == "@json":
                    continue
                if not _is_absolute(t):
                    raise UndefinedTermError(t, f"undefined type {t!r} at {path}")
        elif key == "@id" and not is_value:
            if not _is_absolute(value):
                raise UndefinedTermError(
                    str(value),
                    f"{value!r} at {path} is not an absolute IRI (undefined term or bad identifier)",
                )
        elif key in ("@value", "@language", "@direction", "@index"):
            continue
        else:
            if not key.startswith("@") and not _is_absolute(key):
                raise UndefinedTermError(key, f"undefined term {key!r} at {path}")
            _check_iris(value, f"{path}/{key}")


def expand_safe(document: Any, loader: DocumentLoader | None = None) -> list[Any]:
    """Expand ``document`` and fail on any term, type or value the contexts do not define."""
    if not isinstance(document, dict):
        raise TypeError("a JSON-LD document must be a JSON object")
    if "@context" not in document:
        raise JsonLdError("the document has no @context")
    dropped: list[str] = []
    options = {"documentLoader": loader or default_loader(), "base": None}
    try:
        expanded: list[Any] = _MemoProcessor(on_property_dropped=dropped.append).expand(document, options)
    except _pyld.JsonLdError as exc:
        raise translate_error(exc) from exc
    except ValueError as exc:  # pyld's IRI resolver raises a bare ValueError (a relative context IRI)
        if isinstance(exc, JsonLdError):
            raise
        raise JsonLdError(str(exc)) from exc
    if dropped:
        term = dropped[0]
        raise UndefinedTermError(term, f"undefined term {term!r}: no context in @context defines it")
    _check_iris(expanded, "$")
    return expanded


def to_nquads(expanded: list[Any], loader: DocumentLoader | None = None) -> str:
    """Canonical N-Quads (RDFC-1.0) of an already expanded document.

    The expanded form goes straight to RDF (pyld's ``to_rdf`` steps after expansion) instead of
    through ``normalize``, which would expand it a second time.
    """
    options: dict[str, Any] = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader or default_loader(),
        "base": None,
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
        "processingMode": "json-ld-1.1",
    }
    try:
        processor = _MemoProcessor()
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {
            name: processor._graph_to_rdf(graph, issuer, options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or _pyld._is_absolute_iri(name)
        }
        result: str = _Urdna2015().main(dataset, options)
    except _pyld.JsonLdError as exc:
        raise translate_error(exc) from exc
    return result


def compact(expanded: Any, context: Any, loader: DocumentLoader | None = None) -> dict[str, Any]:
    """pyld's compaction of ``expanded`` against ``{"@context": context}``, with this module's
    context processing (so ``"@vocab": null`` and the like behave as in expansion)."""
    options = {"documentLoader": loader or default_loader(), "base": None}
    try:
        result: dict[str, Any] = _MemoProcessor().compact(expanded, {"@context": context}, options)
    except _pyld.JsonLdError as exc:
        raise translate_error(exc) from exc
    return result


def _canonicalize_pyld(document: Any, loader: DocumentLoader | None) -> str:
    return to_nquads(expand_safe(document, loader), loader)


def canonicalize(document: Any, loader: DocumentLoader | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, after a safe-mode expansion.

    Flat nodes such as proof configurations come from a per-shape template when
    :func:`plecak.core.jsonld.fastrdf.flat_node_nquads` can prove the result equals pyld's; everything else
    goes through pyld. Inside :func:`sharing_quads`, the unsecured form of a document that
    :func:`check_safe` has just converted reuses those quads.
    """
    if isinstance(document, dict):
        loader = loader or default_loader()
        shared = _shared.get()
        if shared is not None:
            known = shared.canonical_unsecured(document, loader)
            if known is not None:
                return known
        fast = flat_node_nquads(document, loader, _canonicalize_pyld)
        if fast is not None:
            return fast
        fast = _canonicalize_direct(document, loader)
        if fast is not None:
            return fast
    return _canonicalize_pyld(document, loader)


class _SharedQuads:
    """What :func:`check_safe` learnt inside one :func:`sharing_quads` block.

    ``document`` is held so that the identities of its members stay valid (no other object can
    take their ``id``) for as long as the block lasts.
    """

    __slots__ = ("canonical", "document", "loader", "quads")

    def __init__(self) -> None:
        self.document: Mapping[str, Any] | None = None
        self.loader: DocumentLoader | None = None
        self.quads: set[Quad] | None = None
        self.canonical: str | None = None

    def remember(self, document: Mapping[str, Any], loader: DocumentLoader, quads: set[Quad]) -> None:
        self.document, self.loader, self.quads, self.canonical = document, loader, quads, None

    def canonical_unsecured(self, document: Mapping[str, Any], loader: DocumentLoader) -> str | None:
        """The canonical form when ``document`` has exactly the remembered document's members
        except ``proof``, as the same objects (a shallow copy, as proof verification makes)."""
        source = self.document
        if source is None or loader is not self.loader or self.quads is None:
            return None
        if len(document) != len(source) - ("proof" in source) or "proof" in document:
            return None
        for key, value in document.items():
            if key not in source or source[key] is not value:
                return None
        if self.canonical is None:
            self.canonical = _canonical_from_quads(self.quads)
        return self.canonical


_shared: ContextVar[_SharedQuads | None] = ContextVar("plecak_shared_quads", default=None)


@contextlib.contextmanager
def sharing_quads() -> Iterator[None]:
    """Within the block, build a credential's quads once for its safe-mode check and its proofs.

    :func:`check_safe` of a credential keeps the quads of the credential without its ``proof``
    member (the unsecured document every proof without ``previousProof`` signs), made in the same
    walk; :func:`canonicalize` of a shallow copy of that unsecured document (the same member
    objects) canonicalises those quads instead of converting the document again. The answer is
    the same bytes (``tests/test_canonical_equivalence.py``). The documents must not be changed
    inside the block; the verifier's pipeline (:meth:`plecak.core.verify.credential.Verifier.verify`) uses it around
    its format and proof checks, which only read.
    """
    token = _shared.set(_SharedQuads())
    try:
        yield
    finally:
        _shared.reset(token)


def check_safe(document: Any, loader: DocumentLoader | None = None) -> None:
    """Raise exactly what :func:`expand_safe` would raise, without keeping the expanded form.

    When :func:`plecak.core.jsonld.fastrdf.document_quads` can convert the document, every term, type and
    identifier in it expanded to an absolute IRI through the same context processing, so safe
    mode has nothing to refuse (``tests/test_canonical_equivalence.py`` checks that claim on
    mutated credentials); otherwise pyld's expansion decides. Inside :func:`sharing_quads` the
    quads of the document without its proof are kept for :func:`canonicalize`.
    """
    if isinstance(document, dict) and "@context" in document:
        loader = loader or default_loader()
        shared = _shared.get()
        if shared is not None:
            split = document_quads_split(document, _MemoProcessor(), _direct_options(loader), "proof")
            if split is not None:
                shared.remember(document, loader, split[0])
                return
        if document_quads(document, _MemoProcessor(), _direct_options(loader)) is not None:
            return
    expand_safe(document, loader)


def _direct_options(loader: DocumentLoader) -> dict[str, Any]:
    return {
        "documentLoader": loader,
        "base": None,
        "isFrame": False,
        "keepFreeFloatingNodes": False,
        "processingMode": "json-ld-1.1",
        "contextResolver": ContextResolver(_pyld._resolved_context_cache, loader),
    }


def _canonicalize_direct(document: dict[str, Any], loader: DocumentLoader) -> str | None:
    """RDFC-1.0 of the quads :func:`plecak.core.jsonld.fastrdf.document_quads` builds, or ``None`` (use pyld)."""
    quads = document_quads(document, _MemoProcessor(), _direct_options(loader))
    if quads is None:
        return None
    return _canonical_from_quads(quads)


def _canonical_from_quads(quads: set[Quad]) -> str:
    """RDFC-1.0 of direct quads: the shortcut when it applies, else pyld's N-degree algorithm."""
    fast = canonical_nquads(quads)
    if fast is not None:
        return fast
    result: str = _Urdna2015().main(pyld_dataset(quads), {"algorithm": "URDNA2015", "format": "application/n-quads"})
    return result
