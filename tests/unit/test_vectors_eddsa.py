"""Known-answer tests against the W3C vc-di-eddsa test vectors (see tests/vectors/README.md).

Every intermediate step is compared: canonical document and proof configuration (RDFC-1.0
N-Quads), their SHA-256 hashes, the combined hash that is signed, the signature, and the
signed credential that ``add_proof`` produces. ``verify_proofs`` must accept every signed
vector, including proof sets and ``previousProof`` chains.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plecak.core.crypto.keys import Ed25519KeyPair, encode_multibase
from plecak.core.did import DidResolver, did_key
from plecak.core.integrity.proofs import add_proof, hash_data, verify_proofs
from plecak.core.jsonld.loader import default_loader
from plecak.core.jsonld.rdf import canonicalize
from support import TESTS

VECTORS = TESTS / "vectors" / "vc-di-eddsa"
CHAIN = VECTORS / "proof-set-chain"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_hex(path: Path) -> bytes:
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


def key_from(pair: dict[str, str]) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_multikey(pair["publicKeyMultibase"], pair["privateKeyMultibase"])


def method_of(key: Ed25519KeyPair) -> str:
    return f"{did_key(key)}#{key.public_multibase}"


@dataclass(frozen=True)
class Case:
    """One single-proof vector folder: what is signed, by which suite, and the file suffix."""

    name: str
    folder: Path
    suffix: str
    unsigned: Path
    suite: str


CASES = [
    Case(
        "eddsa-rdfc-2022",
        VECTORS / "eddsa-rdfc-2022",
        "DataInt",
        VECTORS / "unsigned.json",
        "eddsa-rdfc-2022",
    ),
    Case(
        "eddsa-rdfc-2022-employ",
        VECTORS / "eddsa-rdfc-2022" / "employ",
        "DataInt",
        VECTORS / "employmentAuth.json",
        "eddsa-rdfc-2022",
    ),
    Case(
        "Ed25519Signature2020",
        VECTORS / "Ed25519Signature2020",
        "EdSig",
        VECTORS / "unsigned.json",
        "Ed25519Signature2020",
    ),
]


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param


@pytest.fixture(scope="module")
def vector_key() -> Ed25519KeyPair:
    return key_from(read_json(VECTORS / "keyPair.json"))


def unsigned_for(case: Case) -> dict[str, Any]:
    """The document as it is hashed: for Ed25519Signature2020 the suite context is added first."""
    doc = read_json(case.unsigned)
    if case.suite == "Ed25519Signature2020":
        doc["@context"] = read_json(case.folder / f"signed{case.suffix}.json")["@context"]
    return doc


def test_vector_key_is_the_published_one(vector_key: Ed25519KeyPair) -> None:
    assert vector_key.public_multibase == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    signed = read_json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    assert signed["proof"]["verificationMethod"] == method_of(vector_key)


def test_canonical_document(case: Case) -> None:
    expected = (case.folder / f"canonDoc{case.suffix}.txt").read_text(encoding="utf-8")
    assert canonicalize(unsigned_for(case)) == expected


def test_canonical_proof_configuration(case: Case) -> None:
    config = read_json(case.folder / f"proofConfig{case.suffix}.json")
    expected = (case.folder / f"proofCanon{case.suffix}.txt").read_text(encoding="utf-8")
    assert canonicalize(config) == expected


def test_hashes(case: Case) -> None:
    canon_doc = (case.folder / f"canonDoc{case.suffix}.txt").read_bytes()
    canon_proof = (case.folder / f"proofCanon{case.suffix}.txt").read_bytes()
    doc_hash = read_hex(case.folder / f"docHash{case.suffix}.txt")
    proof_hash = read_hex(case.folder / f"proofHash{case.suffix}.txt")
    assert hashlib.sha256(canon_doc).digest() == doc_hash
    assert hashlib.sha256(canon_proof).digest() == proof_hash
    combined = hash_data(
        unsigned_for(case), read_json(case.folder / f"proofConfig{case.suffix}.json"), default_loader()
    )
    assert combined == read_hex(case.folder / f"combinedHash{case.suffix}.txt")
    assert combined == proof_hash + doc_hash


def test_signature(case: Case, vector_key: Ed25519KeyPair) -> None:
    combined = read_hex(case.folder / f"combinedHash{case.suffix}.txt")
    signature = vector_key.sign(combined)
    assert signature == read_hex(case.folder / f"sigHex{case.suffix}.txt")
    btc58 = (case.folder / f"sigBTC58{case.suffix}.txt").read_text(encoding="utf-8").strip()
    assert encode_multibase(signature) == btc58
    signed = read_json(case.folder / f"signed{case.suffix}.json")
    assert signed["proof"]["proofValue"] == btc58


def test_add_proof_reproduces_signed_vector(case: Case, vector_key: Ed25519KeyPair) -> None:
    config = read_json(case.folder / f"proofConfig{case.suffix}.json")
    # add_proof starts from the plain unsigned input (it adds the suite context itself).
    produced = add_proof(
        read_json(case.unsigned),
        vector_key,
        config["verificationMethod"],
        suite=case.suite,
        created=config["created"],
    )
    assert produced == read_json(case.folder / f"signed{case.suffix}.json")


async def test_verify_signed_vector(case: Case) -> None:
    checks = await verify_proofs(read_json(case.folder / f"signed{case.suffix}.json"), DidResolver())
    assert len(checks) == 1
    check = checks[0]
    assert check.verified, check.errors
    assert check.errors == []
    assert check.controller == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert check.created == "2023-02-24T23:36:38Z"


# --- proof sets and chains --------------------------------------------------------------


@pytest.fixture(scope="module")
def chain_keys() -> dict[str, Ed25519KeyPair]:
    pairs = read_json(CHAIN / "multiKeyPairs.json")
    return {name: key_from(pair) for name, pair in pairs.items()}


def add_from_config(document: dict[str, Any], key: Ed25519KeyPair, config: dict[str, Any]) -> dict[str, Any]:
    return add_proof(
        document,
        key,
        config["verificationMethod"],
        created=config["created"],
        proof_id=config.get("id"),
        previous_proof=config.get("previousProof"),
    )


def test_proof_set_reproduced(chain_keys: dict[str, Ed25519KeyPair]) -> None:
    unsigned = read_json(CHAIN / "unsigned.json")
    first = add_from_config(unsigned, chain_keys["keyPair1"], read_json(CHAIN / "proofSetConfig1.json"))
    assert first == read_json(CHAIN / "signedProofSet1.json")
    second = add_from_config(first, chain_keys["keyPair2"], read_json(CHAIN / "proofSetConfig2.json"))
    assert second == read_json(CHAIN / "signedProofSet2.json")
    assert second["proof"][1] == read_json(CHAIN / "proofSetConfigSigned2.json")


def test_proof_chain_reproduced(chain_keys: dict[str, Ed25519KeyPair]) -> None:
    proof_set = read_json(CHAIN / "signedProofSet2.json")
    third = add_from_config(proof_set, chain_keys["keyPair3"], read_json(CHAIN / "proofChainConfig1.json"))
    assert third == read_json(CHAIN / "signedProofChain1.json")
    assert third["proof"][2] == read_json(CHAIN / "proofChainConfigSigned1.json")
    fourth = add_from_config(third, chain_keys["keyPair4"], read_json(CHAIN / "proofChainConfig2.json"))
    assert fourth == read_json(CHAIN / "signedProofChain2.json")
    assert fourth["proof"][3] == read_json(CHAIN / "proofChainConfigSigned2.json")


@pytest.mark.parametrize(
    ("temp_doc", "config", "signed", "key_name"),
    [
        ("proofChainTempDoc1.json", "proofChainConfig1.json", "proofChainConfigSigned1.json", "keyPair3"),
        ("proofChainTempDoc2.json", "proofChainConfig2.json", "proofChainConfigSigned2.json", "keyPair4"),
    ],
)
def test_chain_signs_the_document_with_previous_proofs(
    chain_keys: dict[str, Ed25519KeyPair], temp_doc: str, config: str, signed: str, key_name: str
) -> None:
    """A chained proof signs the document carrying exactly the proofs it references."""
    document = read_json(CHAIN / temp_doc)
    proof_config = read_json(CHAIN / config)
    proof_config["@context"] = document["@context"]
    data = hash_data(document, proof_config, default_loader())
    expected = read_json(CHAIN / signed)["proofValue"]
    assert encode_multibase(chain_keys[key_name].sign(data)) == expected


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("signedProofSet1.json", 1),
        ("signedProofSet2.json", 2),
        ("signedProofChain1.json", 3),
        ("signedProofChain2.json", 4),
    ],
)
async def test_verify_proof_sets_and_chains(name: str, count: int) -> None:
    checks = await verify_proofs(read_json(CHAIN / name), DidResolver())
    assert len(checks) == count
    for check in checks:
        assert check.verified, check.errors
    methods = [c.verification_method for c in checks]
    assert len(set(methods)) == count


async def test_chain_fails_when_a_referenced_proof_is_altered() -> None:
    """Changing an earlier proof breaks the chained proofs that sign over it."""
    document = read_json(CHAIN / "signedProofChain2.json")
    document["proof"][0]["created"] = "2023-02-24T23:36:39Z"
    checks = await verify_proofs(document, DidResolver())
    assert [c.verified for c in checks] == [False, True, False, True]
