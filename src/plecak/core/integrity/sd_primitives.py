"""The selective-disclosure primitives of Data Integrity ECDSA Cryptosuites v1.0 (ecdsa-sd-2023).

Skolemization (every node gets a temporary IRI so it can be found in any selection), conversion to
RDF with blank nodes restored, RDFC-1.0 canonicalization with blank-node labels replaced (HMAC for
the issuer and holder, the proof's label map for the verifier), and grouping: which canonical
N-Quads a set of JSON pointers selects.

JSON-LD lists become blank-node chains that skolemization cannot name: each list node gets a label
derived from the node and property holding the list and its position (lists of lists are refused),
and a selection that yields statements the document does not have (part of a list) is refused.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyld import jsonld as _pyld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer
from pyld.nquads import parse_nquads, serialize_nquad

from plecak.core.encoding import b64url_encode
from plecak.core.errors import JsonLdError, ProofError
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.jsonld.processor import translate_error
from plecak.core.jsonld.rdf import compact as compact_jsonld
from plecak.core.jsonld.rdf import expand_safe
from plecak.core.jsonld.select import select_json_ld

__all__ = [
    "Group",
    "Grouped",
    "LabelMapFactory",
    "canonical_id_map",
    "canonicalize_and_group",
    "dataset_lines",
    "fixed_label_map_factory",
    "hmac_label_map_factory",
    "label_replacement_canonicalize",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_FIRST, _RDF_REST = _RDF + "first", _RDF + "rest"

LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]


_b64url = b64url_encode


class _Skolemizer:
    def __init__(self) -> None:
        self.prefix = f"urn:plecak-sd:{secrets.token_hex(8)}:"
        self.count = 0

    def nodes(self, elements: list[Any]) -> list[Any]:
        return [self.node(e) for e in elements]

    def node(self, element: Any) -> Any:
        if not isinstance(element, dict) or "@value" in element:
            return copy.deepcopy(element)
        if "@list" in element or "@set" in element:
            return {
                k: (self.nodes(v) if k in ("@list", "@set") else copy.deepcopy(v)) for k, v in element.items()
            }
        node: dict[str, Any] = {}
        for key, value in element.items():
            if key in ("@id", "@type", "@context"):
                node[key] = copy.deepcopy(value)
            elif isinstance(value, list):
                node[key] = self.nodes(value)
            elif isinstance(value, dict):
                node[key] = self.node(value)
            else:
                node[key] = value
        node_id = node.get("@id")
        if node_id is None:
            node["@id"] = f"{self.prefix}n{self.count}"
            self.count += 1
        elif isinstance(node_id, str) and node_id.startswith("_:"):
            node["@id"] = f"{self.prefix}b{node_id[2:]}"
        return node


def _dataset(expanded: list[Any], loader: DocumentLoader) -> list[dict[str, Any]]:
    """RDF quads (pyld's dict form) of an expanded document, not canonicalized."""
    options: dict[str, Any] = {
        "documentLoader": loader,
        "base": None,
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
        "processingMode": "json-ld-1.1",
    }
    try:
        processor = _pyld.JsonLdProcessor()
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        quads: list[dict[str, Any]] = []
        for name, graph in sorted(node_map.items()):
            if name != "@default" and not _pyld._is_absolute_iri(name):
                continue
            for triple in processor._graph_to_rdf(graph, issuer, options):
                if name != "@default":
                    triple["name"] = {"type": "blank node" if name.startswith("_:") else "IRI", "value": name}
                quads.append(triple)
    except _pyld.JsonLdError as exc:
        raise translate_error(exc) from exc
    return quads


def _name_list_nodes(quads: list[dict[str, Any]]) -> None:
    """Give the blank nodes of RDF lists labels that do not depend on what else was selected."""
    blank = {
        c["value"] for q in quads for k, c in q.items() if k != "predicate" and c["type"] == "blank node"
    }
    if not blank:
        return
    rest: dict[str, str] = {}
    heads: dict[str, str] = {}
    for quad in quads:
        subject, predicate, obj = quad["subject"], quad["predicate"]["value"], quad["object"]
        if predicate == _RDF_REST and obj["type"] == "blank node":
            rest[subject["value"]] = obj["value"]
        elif obj["type"] == "blank node" and obj["value"] in blank and predicate != _RDF_REST:
            if subject["type"] == "blank node":
                raise ProofError("ecdsa-sd-2023 does not support JSON-LD lists of lists")
            owner = f"{subject['value']} {predicate}"
            if owner in heads.values():
                raise ProofError(f"ecdsa-sd-2023 cannot tell apart two lists under {predicate}")
            heads[obj["value"]] = owner
    names: dict[str, str] = {}
    for head, owner in heads.items():
        stem = "l" + hashlib.sha256(owner.encode()).hexdigest()[:24]
        node: str | None = head
        position = 0
        while node is not None and node not in names:
            names[node] = f"_:{stem}_{position}"
            node = rest.get(node)
            position += 1
    unnamed = blank - set(names)
    if unnamed:
        raise ProofError("ecdsa-sd-2023: the document has blank nodes that are not JSON-LD list nodes")
    for quad in quads:
        for key, component in list(quad.items()):
            if key != "predicate" and component["type"] == "blank node":
                quad[key] = {**component, "value": names[component["value"]]}


def _deskolemize(quads: list[dict[str, Any]], prefix: str) -> list[str]:
    _name_list_nodes(quads)
    lines = []
    for quad in quads:
        for key, component in list(quad.items()):
            if key != "predicate" and component["type"] == "IRI" and component["value"].startswith(prefix):
                quad[key] = {"type": "blank node", "value": "_:" + component["value"][len(prefix) :]}
        lines.append(serialize_nquad(quad))
    return sorted(set(lines))


def _compact_to_deskolemized(compact: Mapping[str, Any], prefix: str, loader: DocumentLoader) -> list[str]:
    return _deskolemize(_dataset(expand_safe(dict(compact), loader), loader), prefix)


def _canonical(lines: Sequence[str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """RDFC-1.0 of N-Quads: the canonical quads and the map input label -> canonical label
    (both without ``_:``)."""
    try:
        dataset = parse_nquads("".join(lines))
    except Exception as exc:  # pyld raises its own ParserError
        raise JsonLdError(f"N-Quads do not parse: {exc}") from None
    canon = URDNA2015()
    canon.main(dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"})
    id_map = {old[2:]: new[2:] for old, new in canon.canonical_issuer.existing.items()}
    return canon.quads, id_map


def _relabel(quads: list[dict[str, Any]], labels: Mapping[str, str]) -> list[str]:
    out = set()
    for quad in quads:
        for key, component in list(quad.items()):
            if key != "predicate" and component["type"] == "blank node":
                label = component["value"][2:]
                if label not in labels:
                    raise ProofError(f"no label for blank node _:{label}")
                quad[key] = {**component, "value": "_:" + labels[label]}
        out.add(serialize_nquad(quad))
    return sorted(out)


def label_replacement_canonicalize(
    lines: Sequence[str], factory: LabelMapFactory
) -> tuple[list[str], dict[str, str]]:
    """Canonical N-Quads with blank nodes relabelled by ``factory(canonicalIdMap)``; returns the
    sorted N-Quads and the map input label -> new label."""
    quads, id_map = _canonical(lines)
    label_map = factory(id_map)
    by_canonical = {id_map[inp]: new for inp, new in label_map.items()}
    return _relabel(quads, by_canonical), label_map


def hmac_label_map_factory(hmac_key: bytes) -> LabelMapFactory:
    """Input label -> ``u`` + base64url(HMAC-SHA256(key, canonical label))."""

    def factory(canonical_id_map: Mapping[str, str]) -> dict[str, str]:
        return {
            inp: "u" + _b64url(hmac.new(hmac_key, c14n.encode(), hashlib.sha256).digest())
            for inp, c14n in canonical_id_map.items()
        }

    return factory


def fixed_label_map_factory(label_map: Mapping[str, str]) -> LabelMapFactory:
    def factory(canonical_id_map: Mapping[str, str]) -> dict[str, str]:
        out = {}
        for inp, c14n in canonical_id_map.items():
            if c14n not in label_map:
                raise ProofError(f"the proof's label map has no entry for _:{c14n}")
            out[inp] = label_map[c14n]
        return out

    return factory


@dataclass
class Group:
    matching: dict[int, str]
    non_matching: dict[int, str]
    deskolemized_nquads: list[str]


@dataclass
class Grouped:
    groups: dict[str, Group]
    label_map: dict[str, str]
    nquads: list[str]
    skolemized_compact: dict[str, Any]


_FAST_SKOLEMIZE = True
"""Skolemize the compact document directly (checked against the expanded form); ``False`` forces
the specification's expand -> skolemize -> compact route (tests compare both)."""


# long: one walk, its naming helpers and the check against the spec's route share one counter
def _skolemize_compact(
    document: Mapping[str, Any], expanded: list[Any], prefix: str, loader: DocumentLoader
) -> tuple[dict[str, Any], list[Any]] | None:
    """``(skolemized compact document, its expansion)`` by naming every JSON object of the compact
    form, or ``None`` when that is not the same as skolemizing the expanded form (a value object,
    a ``@json`` literal, a language or index map …): then the caller compacts, as the spec does.

    Compaction is the slowest step of selective disclosure; one more expansion and a comparison
    with the original expansion cost a fraction of it."""
    count = 0

    def name(node: Any) -> Any:
        nonlocal count
        if isinstance(node, list):
            return [name(v) for v in node]
        if not isinstance(node, dict) or "@value" in node:
            return node
        out = {k: (v if k == "@context" else name(v)) for k, v in node.items()}
        if "@list" in node or "@set" in node:
            return out
        key = "@id" if "@id" in node else "id" if "id" in node else None
        if key is None:
            out["@id"] = f"{prefix}n{count}"
            count += 1
        elif isinstance(out[key], str) and out[key].startswith("_:"):
            out[key] = f"{prefix}b{out[key][2:]}"
        return out

    compact = {
        "@context": copy.deepcopy(document["@context"]),
        **name({k: v for k, v in document.items() if k != "@context"}),
    }
    try:
        again = expand_safe(compact, loader)
    except (JsonLdError, TypeError):
        return None

    def unname(node: Any) -> Any:
        if isinstance(node, list):
            return [unname(v) for v in node]
        if not isinstance(node, dict) or "@value" in node:
            return node
        out = {}
        for k, v in node.items():
            if k == "@id" and isinstance(v, str) and v.startswith(prefix):
                if v[len(prefix)] == "b":
                    out[k] = "_:" + v[len(prefix) + 1 :]
                continue
            out[k] = unname(v)
        return out

    def unnamed_nodes(node: Any) -> bool:
        if isinstance(node, list):
            return any(unnamed_nodes(v) for v in node)
        if not isinstance(node, dict) or "@value" in node:
            return False
        if "@list" in node or "@set" in node:
            return any(unnamed_nodes(v) for k, v in node.items() if k in ("@list", "@set"))
        if "@id" not in node:
            return True
        return any(unnamed_nodes(v) for k, v in node.items() if k not in ("@id", "@type"))

    if unname(again) != expanded or unnamed_nodes(again):
        return None
    return compact, again


def canonicalize_and_group(
    document: Mapping[str, Any],
    factory: LabelMapFactory,
    group_definitions: Mapping[str, Sequence[str]],
    loader: DocumentLoader,
) -> Grouped:
    """Canonical relabelled N-Quads of ``document`` and, per group of JSON pointers, which of
    them (by index) the pointers select."""
    skolemizer = _Skolemizer()
    expanded = expand_safe(dict(document), loader)
    fast = _skolemize_compact(document, expanded, skolemizer.prefix, loader) if _FAST_SKOLEMIZE else None
    if fast is not None:
        compact, skolemized = fast
    else:
        skolemized = skolemizer.nodes(expanded)
        try:
            compact = compact_jsonld(skolemized, document["@context"], loader)
        except JsonLdError as exc:
            raise JsonLdError(f"cannot compact the skolemized document: {exc}") from exc
        compact.pop("@context", None)
        compact = {"@context": copy.deepcopy(document["@context"]), **compact}
    deskolemized = _deskolemize(_dataset(skolemized, loader), skolemizer.prefix)
    nquads, label_map = label_replacement_canonicalize(deskolemized, factory)
    known = set(nquads)
    groups: dict[str, Group] = {}
    for name, pointers in group_definitions.items():
        selection = select_json_ld(pointers, compact)
        if selection is None:
            selected_lines: list[str] = []
            selected: set[str] = set()
        else:
            selected_lines = _compact_to_deskolemized(selection, skolemizer.prefix, loader)
            try:
                selected = set(_relabel(_parse_quads(selected_lines), label_map))
            except ProofError:
                raise ProofError(
                    f"the {name} pointers select part of a JSON-LD list; select the whole list"
                ) from None
            strays = selected - known
            if strays:
                raise ProofError(f"the {name} pointers select part of a JSON-LD list; select the whole list")
        matching = {i: q for i, q in enumerate(nquads) if q in selected}
        non_matching = {i: q for i, q in enumerate(nquads) if q not in selected}
        groups[name] = Group(matching, non_matching, selected_lines)
    return Grouped(groups, label_map, nquads, compact)


def _parse_quads(lines: Sequence[str]) -> list[dict[str, Any]]:
    try:
        dataset = parse_nquads("".join(lines))
    except Exception as exc:  # pyld raises its own ParserError
        raise JsonLdError(f"N-Quads do not parse: {exc}") from None
    quads = []
    for name, triples in dataset.items():
        for triple in triples:
            if name != "@default":
                triple["name"] = {"type": "blank node" if name.startswith("_:") else "IRI", "value": name}
            quads.append(triple)
    return quads


def dataset_lines(document: Mapping[str, Any], loader: DocumentLoader) -> list[str]:
    """The (non-canonical) N-Quads of ``document``, sorted and without duplicates."""
    expanded = expand_safe(dict(document), loader)
    return sorted({serialize_nquad(q) for q in _dataset(expanded, loader)})


def canonical_id_map(lines: Sequence[str]) -> dict[str, str]:
    """Input blank-node label -> canonical label (RDFC-1.0), both without ``_:``."""
    return _canonical(lines)[1]
