"""Our canonicalisation shortcuts must give exactly pyld's own RDFC-1.0 output."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld

from plecak.core.errors import VCError
from plecak.core.jsonld.fastrdf import (
    canonical_nquads,
    document_quads,
    document_quads_split,
    flat_node_nquads,
)
from plecak.core.jsonld.loader import default_loader
from plecak.core.jsonld.processor import MemoProcessor
from plecak.core.jsonld.rdf import (
    _canonicalize_direct,
    _canonicalize_pyld,
    _direct_options,
    canonicalize,
    check_safe,
    sharing_quads,
)
from support import TESTS

VECTORS = TESTS / "vectors"
DOCUMENTS = sorted(
    p
    for p in VECTORS.rglob("*.json")
    if "KeyPair" not in p.name
    and "keyPair" not in p.name
    and isinstance(doc := json.loads(p.read_text(encoding="utf-8")), dict)
    and "@context" in doc
)


def reference(doc: Any) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": default_loader(),
        "base": None,
    }
    result: str = pyld.normalize(copy.deepcopy(doc), options)
    return result


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(VECTORS)))
def test_canonical_form_equals_pyld_normalize(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert canonicalize(doc) == reference(doc)


def _prune(node: Any, rng: random.Random) -> Any:
    """Drop random members and list items (never @context, id or type) to vary the graph shape."""
    if isinstance(node, dict):
        keep = {k: v for k, v in node.items() if k in ("@context", "id", "type") or rng.random() > 0.25}
        return {k: _prune(v, rng) for k, v in keep.items()}
    if isinstance(node, list) and node and not all(isinstance(x, str) for x in node):
        kept = [x for x in node if rng.random() > 0.3] or node[:1]
        return [_prune(x, rng) for x in kept]
    return node


@pytest.mark.parametrize("seed", range(40))
def test_fuzzed_micro_credentials_canonicalise_like_pyld(seed: int) -> None:
    base = json.loads(
        (VECTORS / "examples" / "microcredential-data-literacy.json").read_text(encoding="utf-8")
    )
    doc = _prune(base, random.Random(seed))
    assert canonicalize(doc) == reference(doc)


# --- the flat-node (proof configuration) template path, plecak.core.jsonld.fastrdf --------------------------------

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
DI = "https://w3id.org/security/data-integrity/v2"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

PROOF_CONFIGS = sorted(
    p for p in VECTORS.rglob("*.json") if "Config" in p.name and "@context" in p.read_text(encoding="utf-8")
)


def fast(doc: dict[str, Any]) -> str | None:
    return flat_node_nquads(doc, default_loader(), lambda d, loader: canonicalize(d, loader))


@pytest.mark.parametrize("path", PROOF_CONFIGS, ids=lambda p: str(p.relative_to(VECTORS)))
def test_vector_proof_configurations_take_the_template_path_and_equal_pyld(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert fast(doc) == reference(doc)  # first call builds the template
    again = dict(doc, created="2031-02-03T04:05:06.789+02:00")
    assert fast(again) == reference(again)  # second call substitutes into it
    assert canonicalize(again) == reference(again)


def _random_config(rng: random.Random) -> dict[str, Any]:
    contexts = rng.choice([[V2], [V2, EXAMPLES], [V2, OB], [V1, DI], [V1, ED2020], [V2, ED2020], [DI]])
    config: dict[str, Any] = {"@context": contexts}
    if ED2020 in contexts and rng.random() < 0.7:
        config["type"] = "Ed25519Signature2020"
    else:
        config["type"] = "DataIntegrityProof"
        config["cryptosuite"] = rng.choice(["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022"])
    config["proofPurpose"] = rng.choice(["assertionMethod", "authentication", "capabilityInvocation"])
    did = "did:key:z6Mk" + "".join(
        rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGH123456789") for _ in range(20)
    )
    ordinary = rng.random() < 0.6  # mostly the values real proofs carry, else the awkward ones
    config["verificationMethod"] = rng.choice(
        [f"{did}#{did[8:]}", f"did:web:example.org:{rng.randint(0, 99)}#key-1"]
        if ordinary
        else [
            f"{did}#{did[8:]}",
            f"did:web:example.org:{rng.randint(0, 99)}#key-1",
            f"https://issuer.example/keys/{rng.randint(0, 999)}",
            "urn:uuid:2f3d0f7a-5a5e-4b10-9f6e-0a1b2c3d4e5f",
            "sec:someKey",  # a compact IRI in contexts that define the prefix
            "VerifiableCredential:x",  # a scheme that is a term
            "relative/key",  # not absolute: an error either way
            "did:example:has space",
            "did:example:with>bracket",
        ]
    )
    config["created"] = rng.choice(
        [f"20{rng.randint(10, 40)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T1{rng.randint(0, 9)}:00:00Z"]
        if ordinary
        else [
            f"20{rng.randint(10, 40)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T1{rng.randint(0, 9)}:00:00Z",
            "2024-05-06T07:08:09.123456Z",
            "2024-05-06T07:08:09+05:30",
            "2024-05-06",  # not a dateTime: pyld keeps it as is
            "yesterday",
            "1999-01-01T00:00:01Z",  # the template's own sentinel value
        ]
    )
    for key in ("challenge", "domain", "nonce"):
        if rng.random() < 0.4:
            config[key] = rng.choice(
                [f"abc{rng.randint(0, 10**6)}", "https://verifier.example/path?x=1"]
                if ordinary
                else [
                    "abc123",
                    "https://verifier.example/path?x=1",
                    'quote " and \\ backslash',
                    "line\nbreak",
                    "ünïcødé",
                    "plecak-sentinel-challenge",
                    "",
                ]
            )
    if rng.random() < 0.2:
        config["domain"] = ["a.example", "b.example"]
    if rng.random() < 0.2:
        config["expires"] = "2035-01-01T00:00:00Z"
    if rng.random() < 0.15:
        config["id"] = f"urn:uuid:{rng.randint(0, 10**9)}"
    if rng.random() < 0.1:
        config["previousProof"] = "urn:uuid:0"
    if rng.random() < 0.05:
        config["unknownTerm"] = "x"
    return config


def _outcome(fn: Any, doc: dict[str, Any]) -> tuple[str, str]:
    try:
        return "ok", fn(copy.deepcopy(doc))
    except Exception as exc:
        return "error", type(exc).__name__


@pytest.mark.parametrize("seed", range(12))
def test_generated_proof_configurations_canonicalise_like_pyld(seed: int) -> None:
    rng = random.Random(1000 + seed)
    templated = 0
    for _ in range(40):
        doc = _random_config(rng)
        got = _outcome(canonicalize, doc)
        if got[0] == "ok":
            assert got[1] == reference(doc), doc
            templated += fast(doc) is not None
        else:  # safe mode refuses it; then the template path must not have answered either
            assert fast(doc) is None, doc
    assert templated >= 8  # the comparison really exercised the template path


def test_template_path_is_taken_for_an_ordinary_proof_configuration() -> None:
    doc = {
        "@context": [V2],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": "did:key:z6MkAbc#z6MkAbc",
        "proofPurpose": "assertionMethod",
        "challenge": "1234",
    }
    first = fast(doc)
    doc2 = dict(doc, created="2025-12-31T23:59:59Z", verificationMethod="did:web:x.example#k", challenge="zz")
    second = fast(doc2)
    assert first == reference(doc)
    assert second == reference(doc2)
    assert first != second


def test_template_path_declines_nested_values_and_unbundled_contexts() -> None:
    base = {"@context": [V2], "type": "DataIntegrityProof", "created": "2024-01-01T00:00:00Z"}
    assert fast(dict(base, proofPurpose={"id": "x"})) is None
    assert fast(dict(base, **{"@context": [V2, {"x": "https://x.example/x"}]})) is None
    assert fast(dict(base, **{"@context": ["https://not.bundled.example/ctx"]})) is None
    assert fast(dict(base, created=20240101)) is None


# --- the direct compacted JSON → quads path, plecak.core.jsonld.fastrdf.document_quads ------------------------------

FIXTURES = TESTS / "fixtures"


def direct(doc: dict[str, Any]) -> str | None:
    return _canonicalize_direct(copy.deepcopy(doc), default_loader())


def slow(doc: dict[str, Any]) -> tuple[str, str]:
    return _outcome(lambda d: _canonicalize_pyld(d, default_loader()), doc)


def unsecured(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "proof"}


FAST_DOCUMENTS = [
    VECTORS / "vc-di-eddsa" / "unsigned.json",
    VECTORS / "vc-di-eddsa" / "employmentAuth.json",
    VECTORS / "examples" / "microcredential-data-literacy.json",
    VECTORS / "examples" / "stackable-certificate-data-literacy.json",
    *sorted(p for p in FIXTURES.glob("*.json") if "@context" in p.read_text(encoding="utf-8")),
]


@pytest.mark.parametrize("secured", [False, True], ids=["unsecured", "with-proof"])
@pytest.mark.parametrize("path", FAST_DOCUMENTS, ids=lambda p: p.name)
def test_direct_path_answers_for_our_credentials_and_equals_pyld(path: Path, secured: bool) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not secured:
        doc = unsecured(doc)
    got = direct(doc)
    expected = slow(doc)
    if expected[0] == "ok":  # every credential safe mode accepts goes the direct way, byte-equal
        assert got is not None
        assert got == expected[1] == reference(doc)
    else:  # e.g. a status entry type no context defines: refused by pyld, declined here
        assert got is None


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(VECTORS)))
def test_direct_path_answers_on_every_vector_including_proof_sets_and_chains(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    got = direct(doc)
    assert got is not None
    assert got == reference(doc)


_SCALARS: list[Any] = [
    True,
    False,
    0,
    1,
    -7,
    5.0,
    2.5,
    -0.0,
    1e-7,
    1e21,
    10**22,
    3.14159,
    "",
    "plain",
    'quote " back \\ slash',
    "new\nline\ttab\r",
    "ünïcødé ✓",
    "2024-01-01T00:00:00Z",
    "http://example.org/x",
    "_:b9",
    "relative/iri",
    "schema:name",
    None,
    [],
    [1, 1],
    ["a", "a"],
    [True, 1],
    ["5", 5],
]


def _mutate(node: Any, rng: random.Random, rate: float = 1.0) -> Any:
    """Random edits that push at the edges of the direct path (values, ids, keywords, contexts)."""
    if isinstance(node, list):
        items = [_mutate(x, rng, rate) for x in node]
        if items and rng.random() < 0.1 * rate:
            items.append(copy.deepcopy(rng.choice(items)))  # a duplicate value
        return items
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        roll = rng.random() / rate
        if key == "@context":
            if roll < 0.05:
                value = [*value, {"extra": "https://example.org/extra", "@language": "pl"}]
            out[key] = value
            continue
        if key in ("id", "type") and roll < 0.06:
            value = rng.choice(
                ["_:b1", "relative", "https://example.org/n/1", "VerifiableCredential", ["a", "b"]]
            )
        elif not isinstance(value, dict | list) and roll < 0.25:
            value = copy.deepcopy(rng.choice(_SCALARS))
        elif isinstance(value, str) and roll < 0.3:
            value = rng.choice(
                [{"@value": value}, {"@value": value, "@language": "en"}, {"@id": value}, [value]]
            )
        else:
            value = _mutate(value, rng, rate)
        out[key] = value
    if rng.random() < 0.04 * rate:
        out["undefinedTermHere"] = "x"
    if rng.random() < 0.04 * rate:
        out["https://example.org/absolute-property"] = rng.choice(_SCALARS[:12])
    if rng.random() < 0.03 * rate:
        out["@context"] = {"@vocab": "https://example.org/vocab#"}
    return out


@pytest.mark.parametrize("seed", range(80))
def test_direct_path_agrees_with_the_safe_pyld_path_on_mutated_credentials(seed: int) -> None:
    rng = random.Random(seed)
    source = rng.choice(FAST_DOCUMENTS)
    rate = rng.choice([0.1, 0.3, 1.0])
    doc = json.loads(source.read_text(encoding="utf-8"))
    doc = _mutate(doc if rng.random() < 0.5 else unsecured(doc), rng, rate)
    got = direct(doc)
    expected = slow(doc)
    if got is not None:
        assert expected == ("ok", got), doc  # whenever it answers, it answers exactly like pyld
    if expected[0] == "ok":
        assert expected[1] == reference(doc)


def _quads(doc: dict[str, Any]) -> Any:
    return document_quads(copy.deepcopy(doc), MemoProcessor(), _direct_options(default_loader()))


def test_rdfc_shortcut_labels_the_micro_credential_like_pyld() -> None:
    doc = json.loads(
        (VECTORS / "examples" / "microcredential-data-literacy.json").read_text(encoding="utf-8")
    )
    quads = _quads(doc)
    assert quads is not None
    text = canonical_nquads(quads)
    assert text is not None
    assert "_:c14n9" in text
    assert text == reference(doc)


def test_rdfc_shortcut_leaves_blank_nodes_with_equal_hashes_to_pyld() -> None:
    doc = json.loads(
        (VECTORS / "examples" / "microcredential-data-literacy.json").read_text(encoding="utf-8")
    )
    twin = {"type": "Alignment", "targetName": "Twin", "targetUrl": "https://example.org/twin"}
    doc["credentialSubject"]["achievement"]["alignment"] = [twin, copy.deepcopy(twin)]
    quads = _quads(doc)
    assert quads is not None
    assert canonical_nquads(quads) is None  # two indistinguishable nodes: N-degree hashing needed
    assert canonicalize(doc) == reference(doc)


# --- one conversion for the safe-mode check and the proofs (plecak.core.jsonld.rdf.sharing_quads) -------------


class _Conversions:
    """Counts the direct conversions of documents (wraps the real functions; nothing is faked)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        import plecak.core.jsonld.rdf as module

        for name in ("document_quads", "document_quads_split"):
            real = getattr(module, name)

            def counted(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                self.count += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(module, name, counted)


def _shared_unsecured(doc: dict[str, Any]) -> str:
    """check_safe(doc), then canonicalize a shallow unsecured copy, inside one sharing block."""
    with sharing_quads():
        check_safe(doc)
        return canonicalize({k: v for k, v in doc.items() if k != "proof"})


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(VECTORS)))
def test_shared_quads_give_the_unsecured_documents_pyld_form_on_every_vector(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    expected = reference(unsecured(doc))
    conversions = _Conversions(monkeypatch)
    assert _shared_unsecured(doc) == expected
    assert conversions.count == 1  # the check's conversion served the canonical form too


@pytest.mark.parametrize("seed", range(60))
def test_shared_quads_agree_with_pyld_on_mutated_credentials(seed: int) -> None:
    rng = random.Random(1000 + seed)
    doc = json.loads(rng.choice(FAST_DOCUMENTS).read_text(encoding="utf-8"))
    doc = _mutate(doc, rng, rng.choice([0.1, 0.3, 1.0]))
    try:
        got = _shared_unsecured(doc)
    except VCError:
        assert slow(doc)[0] != "ok"  # refused exactly when safe mode refuses the whole document
        return
    assert got == reference(unsecured(doc)), doc


def test_shared_quads_are_not_used_for_another_document(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = json.loads(
        (VECTORS / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json").read_text(encoding="utf-8")
    )
    assert "proof" in doc
    assert "validUntil" not in doc
    conversions = _Conversions(monkeypatch)
    with sharing_quads():
        check_safe(doc)
        changed = {k: v for k, v in doc.items() if k != "proof"}
        changed["credentialSubject"] = copy.deepcopy(changed["credentialSubject"])
        changed["credentialSubject"]["id"] = "did:example:someone-else"  # a new object: converted anew
        with_proof = dict(doc)  # the proof is part of this document: not the unsecured form
        extra = {
            **changed,
            "credentialSubject": doc["credentialSubject"],
            "validUntil": "2030-01-01T00:00:00Z",
        }
        assert conversions.count == 1
        assert canonicalize(changed) == reference(changed)
        assert canonicalize(with_proof) == reference(with_proof)
        assert canonicalize(extra) == reference(extra)
        assert conversions.count == 4
    assert canonicalize(unsecured(doc)) == reference(unsecured(doc))  # outside the block: as before
    assert conversions.count == 5


def test_shared_quads_decline_a_proof_member_that_is_not_a_property() -> None:
    doc = {
        "@context": {"proof": "@id", "name": "https://schema.org/name"},
        "proof": "https://example.org/credentials/1",
        "name": "A node whose identifier is written as proof",
    }
    options = _direct_options(default_loader())
    assert document_quads_split(doc, MemoProcessor(), options, "proof") is None
    assert document_quads(doc, MemoProcessor(), options) is not None
    assert _shared_unsecured(doc) == reference(unsecured(doc))  # without the @id: another graph
