"""``ecdsa-sd-2023``: selective disclosure with ECDSA P-256 (W3C Data Integrity ECDSA Cryptosuites v1.0).

The issuer signs a *base proof*: every N-Quad of the canonical credential that is not
mandatory gets its own signature from a fresh (ephemeral) P-256 key; the mandatory N-Quads are
hashed together with the proof configuration and the ephemeral public key and signed with the
issuer's key. Blank node labels are replaced by HMAC-SHA256 labels (the HMAC key travels in the
base proof, so only the holder learns it). The holder *derives* a disclosure proof for the JSON
pointers they choose: the disclosed document, only the signatures of the disclosed N-Quads, and
the map from the disclosed document's canonical labels to the HMAC labels. A verifier checks a
derived proof only; a base proof is refused.

JSON-LD lists (``@container: @list``, e.g. Open Badges ``allowedValue``) become RDF blank-node
chains that skolemization cannot name. Here each list node gets a label derived from the node and
property that hold the list and its position, so a list can be mandatory or disclosed *as a
whole*; a pointer into a list (one element) is refused with a :class:`~vc.errors.ProofError`.
Lists of lists are refused too.

Test hooks: :func:`create_base_proof_value` takes ``hmac_key`` and ``proof_key`` (the ephemeral
key) and ``deterministic`` (RFC 6979 signatures), which reproduces the W3C test vectors byte
for byte.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import io
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pyld import jsonld as _pyld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer
from pyld.nquads import parse_nquads, serialize_nquad

from .cryptosuites import DATA_INTEGRITY_CONTEXT, VC_V2_CONTEXT, register_suite
from .errors import JsonLdError, KeyFormatError, ProofError
from .jsonld import canonicalize, expand_safe
from .keys import EcdsaKeyPair, KeyPair, decode_multibase, decode_multikey, encode_multibase
from .loader import DocumentLoader, default_loader

__all__ = [
    "BASE_PROOF_HEADER",
    "DERIVED_PROOF_HEADER",
    "ECDSA_SD_2023",
    "BaseProofValue",
    "DerivedProofValue",
    "EcdsaSd2023",
    "Grouped",
    "canonicalize_and_group",
    "create_base_proof_value",
    "derive",
    "disclose_all",
    "find_sd_proof",
    "hmac_label_map_factory",
    "is_base_proof",
    "parse_base_proof_value",
    "parse_derived_proof_value",
    "parse_pointer",
    "select_json_ld",
    "serialize_base_proof_value",
    "serialize_derived_proof_value",
    "verify_derived_proof_value",
]

ECDSA_SD_2023 = "ecdsa-sd-2023"
BASE_PROOF_HEADER = b"\xd9\x5d\x00"
DERIVED_PROOF_HEADER = b"\xd9\x5d\x01"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_FIRST, _RDF_REST = _RDF + "first", _RDF + "rest"
_MAX_PROOF_VALUE = 1 << 20

LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]


# --- proof values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseProofValue:
    base_signature: bytes
    public_key: bytes  # the ephemeral P-256 Multikey bytes (0x8024 + compressed point)
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]  # canonical label (c14nN) of the disclosed document -> HMAC label
    mandatory_indexes: list[int]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not all(c.isalnum() or c in "-_" for c in text):
        raise ProofError("proofValue is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise ProofError("proofValue is not base64url") from None


def _encode(header: bytes, items: list[Any]) -> str:
    return "u" + _b64url(header + cbor2.dumps(items))


def _decode(proof_value: str) -> tuple[bytes, Any]:
    if not isinstance(proof_value, str):
        raise TypeError("proofValue must be a string")
    if len(proof_value) > _MAX_PROOF_VALUE:
        raise ProofError("proofValue is too large")
    if not proof_value.startswith("u"):
        raise ProofError("ecdsa-sd-2023 proofValue must be multibase base64url (start with 'u')")
    raw = _b64url_decode(proof_value[1:])
    header = raw[:3]
    if header not in (BASE_PROOF_HEADER, DERIVED_PROOF_HEADER):
        raise ProofError("proofValue is not an ecdsa-sd-2023 base or derived proof (unknown header)")
    stream = io.BytesIO(raw[3:])
    try:
        items = cbor2.CBORDecoder(stream).decode()
    except (cbor2.CBORDecodeError, ValueError, EOFError, RecursionError) as exc:
        raise ProofError(f"proofValue is not valid CBOR ({exc})") from None
    if stream.tell() != len(raw) - 3:
        raise ProofError("proofValue has trailing bytes after its CBOR value")
    return header, items


def _bytes_list(value: Any, size: int | None, what: str) -> list[bytes]:
    if not isinstance(value, list) or not all(isinstance(v, bytes) for v in value):
        raise ProofError(f"proofValue {what} must be a list of byte strings")
    if size is not None and any(len(v) != size for v in value):
        raise ProofError(f"proofValue {what} must be {size}-byte signatures")
    return list(value)


def _check_common(base_signature: Any, public_key: Any) -> None:
    if not isinstance(base_signature, bytes) or len(base_signature) != 64:
        raise ProofError("proofValue baseSignature must be a 64-byte P-256 signature")
    if not isinstance(public_key, bytes) or len(public_key) != 35 or not public_key.startswith(b"\x80\x24"):
        raise ProofError("proofValue publicKey must be a P-256 Multikey (35 bytes)")


def serialize_base_proof_value(value: BaseProofValue) -> str:
    return _encode(
        BASE_PROOF_HEADER,
        [value.base_signature, value.public_key, value.hmac_key, value.signatures, value.mandatory_pointers],
    )


def parse_base_proof_value(proof_value: str) -> BaseProofValue:
    header, items = _decode(proof_value)
    if header != BASE_PROOF_HEADER:
        raise ProofError("proofValue is a derived proof, not a base proof")
    if not isinstance(items, list) or len(items) != 5:
        raise ProofError("base proofValue must be a CBOR array of 5 items")
    base_signature, public_key, hmac_key, signatures, pointers = items
    _check_common(base_signature, public_key)
    if not isinstance(hmac_key, bytes) or len(hmac_key) != 32:
        raise ProofError("base proofValue hmacKey must be 32 bytes")
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise ProofError("base proofValue mandatoryPointers must be a list of strings")
    return BaseProofValue(
        base_signature, public_key, hmac_key, _bytes_list(signatures, 64, "signatures"), pointers
    )


def serialize_derived_proof_value(value: DerivedProofValue) -> str:
    compressed: dict[int, bytes] = {}
    for c14n, label in value.label_map.items():
        if not c14n.startswith("c14n") or not c14n[4:].isdigit() or not label.startswith("u"):
            raise ProofError(f"cannot compress label map entry {c14n!r} -> {label!r}")
        compressed[int(c14n[4:])] = _b64url_decode(label[1:])
    ordered = dict(sorted(compressed.items()))
    return _encode(
        DERIVED_PROOF_HEADER,
        [value.base_signature, value.public_key, value.signatures, ordered, value.mandatory_indexes],
    )


def parse_derived_proof_value(proof_value: str) -> DerivedProofValue:
    header, items = _decode(proof_value)
    if header == BASE_PROOF_HEADER:
        raise ProofError("a base proof must not be verified; derive a disclosure first")
    if not isinstance(items, list) or len(items) != 5:
        raise ProofError("derived proofValue must be a CBOR array of 5 items")
    base_signature, public_key, signatures, compressed, indexes = items
    _check_common(base_signature, public_key)
    if not isinstance(compressed, dict):
        raise ProofError("derived proofValue label map must be a CBOR map")
    label_map: dict[str, str] = {}
    for key, label in compressed.items():
        if not isinstance(key, int) or isinstance(key, bool) or key < 0 or not isinstance(label, bytes):
            raise ProofError("derived proofValue label map must map integers to byte strings")
        label_map[f"c14n{key}"] = "u" + _b64url(label)
    if not isinstance(indexes, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in indexes
    ):
        raise ProofError("derived proofValue mandatoryIndexes must be a list of integers")
    return DerivedProofValue(
        base_signature, public_key, _bytes_list(signatures, 64, "signatures"), label_map, list(indexes)
    )


def is_base_proof(proof_value: Any) -> bool:
    """Whether ``proof_value`` is an ecdsa-sd-2023 base proof (starts ``u2V0A``)."""
    return isinstance(proof_value, str) and proof_value.startswith("u2V0A")


# --- JSON pointers and selection ------------------------------------------------------------


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


# --- skolemization, RDF and canonicalization ------------------------------------------------


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
        raise JsonLdError(str(exc)) from exc
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


def _label_replacement_canonicalize(
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


def _fixed_label_map_factory(label_map: Mapping[str, str]) -> LabelMapFactory:
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
            compact = _pyld.compact(
                skolemized, {"@context": document["@context"]}, {"documentLoader": loader, "base": None}
            )
        except _pyld.JsonLdError as exc:
            raise JsonLdError(f"cannot compact the skolemized document: {exc}") from exc
        compact.pop("@context", None)
        compact = {"@context": copy.deepcopy(document["@context"]), **compact}
    deskolemized = _deskolemize(_dataset(skolemized, loader), skolemizer.prefix)
    nquads, label_map = _label_replacement_canonicalize(deskolemized, factory)
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


# --- the suite ------------------------------------------------------------------------------


def _sign(key: EcdsaKeyPair, data: bytes, deterministic: bool) -> bytes:
    if not deterministic:
        return key.sign(data)
    if key.private_key is None or key.key_type != "P-256":
        raise ProofError("deterministic signing needs a P-256 private key")
    der = key.private_key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _pointers_option(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ProofError(f"{name} must be a list of JSON pointers")
    for pointer in value:
        parse_pointer(pointer)
    return list(value)


def _proof_hash(proof_config: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    return hashlib.sha256(canonicalize(dict(proof_config), loader).encode()).digest()


def create_base_proof_value(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    key: KeyPair,
    loader: DocumentLoader,
    mandatory_pointers: Sequence[str] = (),
    *,
    hmac_key: bytes | None = None,
    proof_key: EcdsaKeyPair | None = None,
    deterministic: bool = False,
) -> str:
    """The base ``proofValue`` (``u2V0A…``) for ``document`` (without its proof)."""
    if not isinstance(key, EcdsaKeyPair) or key.key_type != "P-256":
        raise ProofError("ecdsa-sd-2023 needs a P-256 issuer key")
    pointers = _pointers_option(list(mandatory_pointers), "mandatoryPointers")
    hmac_key = hmac_key if hmac_key is not None else secrets.token_bytes(32)
    if len(hmac_key) != 32:
        raise ProofError("the HMAC key must be 32 bytes")
    proof_key = proof_key or EcdsaKeyPair.generate("P-256")
    if proof_key.key_type != "P-256":
        raise ProofError("the ephemeral proof key must be P-256")
    grouped = canonicalize_and_group(
        document, hmac_label_map_factory(hmac_key), {"mandatory": pointers}, loader
    )
    mandatory = grouped.groups["mandatory"]
    proof_hash = _proof_hash(proof_config, loader)
    mandatory_hash = hashlib.sha256("".join(mandatory.matching.values()).encode()).digest()
    public_key = decode_multibase(proof_key.public_multibase)
    signatures = [_sign(proof_key, q.encode(), deterministic) for q in mandatory.non_matching.values()]
    base_signature = _sign(key, proof_hash + public_key + mandatory_hash, deterministic)
    return serialize_base_proof_value(
        BaseProofValue(base_signature, public_key, hmac_key, signatures, pointers)
    )


@dataclass(frozen=True)
class _Disclosure:
    value: DerivedProofValue
    reveal_document: dict[str, Any]


def _disclosure(
    document: Mapping[str, Any], base: BaseProofValue, selective: list[str], loader: DocumentLoader
) -> _Disclosure:
    combined = [*base.mandatory_pointers, *[p for p in selective if p not in base.mandatory_pointers]]
    if not combined:
        raise ProofError("nothing to disclose: no mandatory and no selective pointers")
    grouped = canonicalize_and_group(
        document,
        hmac_label_map_factory(base.hmac_key),
        {"mandatory": base.mandatory_pointers, "selective": selective, "combined": combined},
        loader,
    )
    mandatory = grouped.groups["mandatory"].matching
    selected = grouped.groups["selective"].matching
    combined_group = grouped.groups["combined"]
    mandatory_indexes = [rel for rel, absolute in enumerate(combined_group.matching) if absolute in mandatory]
    non_mandatory = list(grouped.groups["mandatory"].non_matching)
    if len(non_mandatory) != len(base.signatures):
        raise ProofError(
            "the base proof does not match the credential (signature count differs): it was altered"
        )
    signatures = [base.signatures[i] for i, absolute in enumerate(non_mandatory) if absolute in selected]
    reveal = select_json_ld(combined, document)
    assert reveal is not None
    _, id_map = _canonical(combined_group.deskolemized_nquads)
    verifier_labels = {c14n: grouped.label_map[inp] for inp, c14n in id_map.items()}
    value = DerivedProofValue(
        base.base_signature, base.public_key, signatures, verifier_labels, mandatory_indexes
    )
    return _Disclosure(value, reveal)


def find_sd_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    """The single ecdsa-sd-2023 proof on ``document``; ProofError when none or several."""
    proofs = document.get("proof")
    candidates = [
        p
        for p in (proofs if isinstance(proofs, list) else [proofs])
        if isinstance(p, dict)
        and p.get("type") == "DataIntegrityProof"
        and p.get("cryptosuite") == ECDSA_SD_2023
    ]
    if not candidates:
        raise ProofError("the credential has no ecdsa-sd-2023 proof")
    if len(candidates) > 1:
        raise ProofError("the credential has more than one ecdsa-sd-2023 proof")
    return candidates[0]


def derive(
    credential: Mapping[str, Any],
    selective_pointers: Sequence[str],
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """The holder's disclosure: ``credential`` (with an ecdsa-sd-2023 *base* proof) reduced to its
    mandatory fields plus the fields ``selective_pointers`` select, with a derived proof."""
    if not isinstance(credential, Mapping):
        raise TypeError("credential must be a JSON object")
    selective = _pointers_option(
        list(selective_pointers) if not isinstance(selective_pointers, str) else selective_pointers,
        "selectivePointers",
    )
    loader = loader or default_loader()
    proof = find_sd_proof(credential)
    base = parse_base_proof_value(str(proof.get("proofValue", "")))
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    disclosure = _disclosure(unsecured, base, selective, loader)
    derived_proof = {k: v for k, v in proof.items() if k != "proofValue"}
    derived_proof["proofValue"] = serialize_derived_proof_value(disclosure.value)
    out = dict(disclosure.reveal_document)
    out["proof"] = derived_proof
    return out


def _verifier_nquads(
    document: Mapping[str, Any], label_map: Mapping[str, str], loader: DocumentLoader
) -> list[str]:
    """The disclosed document's canonical N-Quads with the proof's HMAC labels, sorted."""
    expanded = expand_safe(dict(document), loader)
    lines = sorted({serialize_nquad(q) for q in _dataset(expanded, loader)})
    nquads, _ = _label_replacement_canonicalize(lines, _fixed_label_map_factory(label_map))
    return nquads


def disclose_all(credential: Mapping[str, Any], loader: DocumentLoader | None = None) -> dict[str, Any]:
    """A derived credential that discloses everything: how a holder checks a base proof (a
    verifier accepts derived proofs only). Its verification covers every signature."""
    pointers = [
        "/" + k.replace("~", "~0").replace("/", "~1") for k in credential if k not in ("@context", "proof")
    ]
    return derive(credential, pointers, loader)


def verify_derived_proof_value(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    proof_value: str,
    key: KeyPair,
    loader: DocumentLoader,
) -> None:
    """Return if ``proof_value`` is a valid derived proof of ``document``; ProofError saying why not."""
    derived = parse_derived_proof_value(proof_value)
    if not isinstance(key, EcdsaKeyPair) or key.key_type != "P-256":
        raise ProofError("ecdsa-sd-2023 needs a P-256 issuer key")
    proof_hash = _proof_hash(proof_config, loader)
    nquads = _verifier_nquads(document, derived.label_map, loader)
    indexes = set(derived.mandatory_indexes)
    if len(indexes) != len(derived.mandatory_indexes) or any(i < 0 or i >= len(nquads) for i in indexes):
        raise ProofError("derived proof mandatoryIndexes do not fit the disclosed document")
    mandatory = [q for i, q in enumerate(nquads) if i in indexes]
    non_mandatory = [q for i, q in enumerate(nquads) if i not in indexes]
    if len(non_mandatory) != len(derived.signatures):
        raise ProofError(
            f"derived proof has {len(derived.signatures)} signatures "
            f"for {len(non_mandatory)} disclosed statements"
        )
    mandatory_hash = hashlib.sha256("".join(mandatory).encode()).digest()
    if not key.verify(derived.base_signature, proof_hash + derived.public_key + mandatory_hash):
        raise ProofError(
            "base signature does not match: the mandatory fields or the proof options were altered"
        )
    try:
        proof_key = decode_multikey(encode_multibase(derived.public_key))
    except KeyFormatError as exc:
        raise ProofError(f"derived proof publicKey: {exc}") from None
    for statement, signature in zip(non_mandatory, derived.signatures, strict=True):
        if not proof_key.verify(signature, statement.encode()):
            raise ProofError("a disclosed statement does not match its signature: the credential was altered")


class EcdsaSd2023:
    """``ecdsa-sd-2023`` (``DataIntegrityProof``); ``options["mandatoryPointers"]`` at issuance."""

    name = ECDSA_SD_2023
    proof_type = "DataIntegrityProof"
    cryptosuite: str | None = ECDSA_SD_2023
    key_types = frozenset({"P-256"})

    def context_needed(self, contexts: list[Any]) -> str | None:
        if VC_V2_CONTEXT in contexts or DATA_INTEGRITY_CONTEXT in contexts:
            return None
        return DATA_INTEGRITY_CONTEXT

    def create_proof_value(
        self,
        document: dict[str, Any],
        proof_config: dict[str, Any],
        key: KeyPair,
        loader: DocumentLoader,
        options: Mapping[str, Any],
    ) -> str:
        if "proof" in document:
            raise ProofError("ecdsa-sd-2023 cannot chain to previous proofs")
        pointers = _pointers_option(options.get("mandatoryPointers"), "mandatoryPointers")
        return create_base_proof_value(document, proof_config, key, loader, pointers)

    def verify_proof_value(
        self,
        document: dict[str, Any],
        proof_config: dict[str, Any],
        proof_value: str,
        key: KeyPair,
        loader: DocumentLoader,
    ) -> None:
        verify_derived_proof_value(document, proof_config, proof_value, key, loader)


register_suite(EcdsaSd2023())
