"""Known-answer tests for ``eddsa-jcs-2022``, ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` against the
W3C vectors in tests/vectors (vc-di-eddsa and vc-di-ecdsa), every intermediate step: canonical
proof configuration and document (JCS or RDFC-1.0), their hashes (SHA-256 for Ed25519 and P-256,
SHA-384 for P-384), the combined hash, the signature, and the signed credential.

ECDSA signatures are randomised, so for ECDSA the published signature must verify over our combined
hash, and ``add_proof`` must produce the signed vector up to ``proofValue`` (and verify).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair, decode_multibase, encode_multibase
from plecak.core.did import DidResolver
from plecak.core.errors import ProofError
from plecak.core.integrity.jcs_ecdsa import jcs, jcs_hash_data
from plecak.core.integrity.proofs import add_proof, verify_proofs
from plecak.core.integrity.suites import suite_named
from plecak.core.jsonld.loader import default_loader
from plecak.core.jsonld.rdf import canonicalize
from support import TESTS

VECTORS = TESTS / "vectors"
EDDSA = VECTORS / "vc-di-eddsa"
ECDSA = VECTORS / "vc-di-ecdsa" / "TestVectors"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_hex(path: Path) -> bytes:
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    suffix: str
    unsigned: Path
    suite: str
    key_file: Path
    canon: str  # "jcs" or "rdfc"
    deterministic: bool  # Ed25519 signatures are; ECDSA ones are not

    @property
    def hash(self) -> Any:
        return hashlib.sha384 if self.suffix.endswith("P384") else hashlib.sha256

    def key(self) -> KeyPair:
        pair = read_json(self.key_file)
        if self.suite.startswith("eddsa"):
            return Ed25519KeyPair.from_multikey(pair["publicKeyMultibase"], pair["privateKeyMultibase"])
        return EcdsaKeyPair.from_multikey(pair["publicKeyMultibase"], pair["secretKeyMultibase"])

    def file(self, stem: str, ext: str = "txt") -> Path:
        return self.folder / f"{stem}{self.suffix}.{ext}"


CASES = [
    Case(
        "eddsa-jcs-2022",
        EDDSA / "eddsa-jcs-2022",
        "JCS",
        EDDSA / "unsigned.json",
        "eddsa-jcs-2022",
        EDDSA / "keyPair.json",
        "jcs",
        True,
    ),
    *[
        Case(
            f"ecdsa-rdfc-2019-{curve}{'-employ' if employ else ''}",
            ECDSA / f"ecdsa-rdfc-2019-{curve}" / ("employ" if employ else ""),
            f"ECDSA{curve.upper()}",
            ECDSA / ("employmentAuth.json" if employ else "unsigned.json"),
            "ecdsa-rdfc-2019",
            ECDSA / f"{curve}KeyPair.json",
            "rdfc",
            False,
        )
        for curve in ("p256", "p384")
        for employ in (False, True)
    ],
    *[
        Case(
            f"ecdsa-jcs-2019-{curve}",
            ECDSA / f"ecdsa-jcs-2019-{curve}",
            f"JCSECDSA{curve.upper()}",
            ECDSA / "unsigned.json",
            "ecdsa-jcs-2019",
            ECDSA / f"{curve}KeyPair.json",
            "jcs",
            False,
        )
        for curve in ("p256", "p384")
    ],
]
CASES = [c for c in CASES if c.file("proofConfig", "json").exists()]


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param


# Upstream inconsistency: w3c/vc-di-ecdsa commit 67bfafe changed employmentAuth.json and re-derived the
# P-384 "employ" files, but its canonDoc (and so docHash, combinedHash and the signature in
# signedECDSAP384.json) carries other blank-node labels than RDFC-1.0 gives for that document: both
# our canonicaliser and Digital Bazaar's rdf-canonize 5.0.0 produce the same N-Quads, which differ
# from the file. test_stale_p384_employ_vector pins down exactly that.
STALE = {"ecdsa-rdfc-2019-p384-employ"}


def skip_stale(case: Case) -> None:
    if case.name in STALE:
        pytest.skip("upstream canonDoc of this vector is stale (see STALE)")


def test_stale_p384_employ_vector() -> None:
    folder = ECDSA / "ecdsa-rdfc-2019-p384" / "employ"
    published = (folder / "canonDocECDSAP384.txt").read_text(encoding="utf-8")
    ours = canonicalize(read_json(ECDSA / "employmentAuth.json"))
    assert ours != published

    def unlabelled(nquads: str) -> list[str]:
        import re

        return sorted(re.sub(r"_:c14n[0-9]+", "_:b", line) for line in nquads.splitlines())

    # Same statements, only the blank-node labels differ; the published signature matches the file.
    assert unlabelled(ours) == unlabelled(published)
    assert hashlib.sha384(published.encode()).digest() == read_hex(folder / "docHashECDSAP384.txt")


def canon(case: Case, value: dict[str, Any]) -> str:
    return jcs(value).decode() if case.canon == "jcs" else canonicalize(value)


def test_all_vector_folders_found() -> None:
    assert len(CASES) == 7


def test_canonical_document(case: Case) -> None:
    skip_stale(case)
    assert canon(case, read_json(case.unsigned)) == case.file("canonDoc").read_text(encoding="utf-8")


def test_canonical_proof_configuration(case: Case) -> None:
    config = read_json(case.file("proofConfig", "json"))
    assert canon(case, config) == case.file("proofCanon").read_text(encoding="utf-8")


def test_hashes(case: Case) -> None:
    skip_stale(case)
    doc_hash = read_hex(case.file("docHash"))
    proof_hash = read_hex(case.file("proofHash"))
    assert case.hash(case.file("canonDoc").read_bytes()).digest() == doc_hash
    assert case.hash(case.file("proofCanon").read_bytes()).digest() == proof_hash
    config = read_json(case.file("proofConfig", "json"))
    doc = read_json(case.unsigned)
    if case.canon == "jcs":
        combined = jcs_hash_data(doc, config, case.hash)
    else:
        from plecak.core.integrity.suites import rdfc_hash_data

        combined = rdfc_hash_data(doc, config, default_loader(), case.hash)
    assert combined == read_hex(case.file("combinedHash"))
    assert combined == proof_hash + doc_hash


def test_signature(case: Case) -> None:
    key = case.key()
    combined = read_hex(case.file("combinedHash"))
    published = read_hex(case.file("sigHex"))
    btc58 = case.file("sigBTC58").read_text(encoding="utf-8").strip()
    assert encode_multibase(published) == btc58
    assert read_json(case.file("signed", "json"))["proof"]["proofValue"] == btc58
    assert key.verify(published, combined)
    ours = key.sign(combined)
    if case.deterministic:
        assert ours == published
    else:
        assert key.verify(ours, combined)
    assert not key.verify(published, combined[:-1] + bytes([combined[-1] ^ 1]))


def test_add_proof_reproduces_signed_vector(case: Case) -> None:
    config = read_json(case.file("proofConfig", "json"))
    produced = add_proof(
        read_json(case.unsigned),
        case.key(),
        config["verificationMethod"],
        suite=case.suite,
        created=config["created"],
    )
    expected = read_json(case.file("signed", "json"))
    if not case.deterministic:
        assert len(decode_multibase(produced["proof"]["proofValue"])) == len(
            decode_multibase(expected["proof"]["proofValue"])
        )
        produced["proof"].pop("proofValue")
        expected["proof"].pop("proofValue")
    if case.canon == "jcs":  # the JCS suites copy the document's @context into the proof
        assert produced["proof"]["@context"] == produced["@context"]
    else:
        assert "@context" not in produced["proof"]
    assert produced == expected


async def test_verify_signed_vector(case: Case) -> None:
    skip_stale(case)
    checks = await verify_proofs(read_json(case.file("signed", "json")), DidResolver())
    assert [c.verified for c in checks] == [True], checks[0].errors
    assert checks[0].cryptosuite == case.suite


async def test_verify_own_proof_round_trip(case: Case) -> None:
    config = read_json(case.file("proofConfig", "json"))
    signed = add_proof(read_json(case.unsigned), case.key(), config["verificationMethod"], suite=case.suite)
    checks = await verify_proofs(signed, DidResolver())
    assert [c.verified for c in checks] == [True], checks[0].errors


async def test_verify_rejects_tampered_document(case: Case) -> None:
    signed = read_json(case.file("signed", "json"))
    signed["issuer"] = "https://vc.example/issuers/evil"
    checks = await verify_proofs(signed, DidResolver())
    assert not checks[0].verified
    assert "signature does not match" in checks[0].errors[0]


async def test_verify_rejects_tampered_proof_options(case: Case) -> None:
    signed = read_json(case.file("signed", "json"))
    signed["proof"]["created"] = "2024-01-01T00:00:00Z"
    checks = await verify_proofs(signed, DidResolver())
    assert not checks[0].verified


async def test_verify_rejects_truncated_signature(case: Case) -> None:
    signed = read_json(case.file("signed", "json"))
    raw = decode_multibase(signed["proof"]["proofValue"])
    signed["proof"]["proofValue"] = encode_multibase(raw[:-1])
    checks = await verify_proofs(signed, DidResolver())
    assert not checks[0].verified
    assert "byte" in checks[0].errors[0]


async def test_verify_rejects_suite_swap(case: Case) -> None:
    """The same signature under a different cryptosuite name must not verify."""
    signed = read_json(case.file("signed", "json"))
    other = {
        "eddsa-jcs-2022": "eddsa-rdfc-2022",
        "ecdsa-rdfc-2019": "ecdsa-jcs-2019",
        "ecdsa-jcs-2019": "ecdsa-rdfc-2019",
    }[case.suite]
    signed["proof"]["cryptosuite"] = other
    checks = await verify_proofs(signed, DidResolver())
    assert not checks[0].verified


def test_ecdsa_suite_refuses_ed25519_key() -> None:
    doc = read_json(ECDSA / "unsigned.json")
    key = Ed25519KeyPair.generate()
    with pytest.raises(ProofError, match="needs a P-256 or P-384 key"):
        add_proof(doc, key, "did:key:x#x", suite="ecdsa-rdfc-2019")


def test_eddsa_jcs_refuses_p256_key() -> None:
    doc = read_json(ECDSA / "unsigned.json")
    with pytest.raises(ProofError, match="needs a Ed25519 key"):
        add_proof(doc, EcdsaKeyPair.generate(), "did:key:x#x", suite="eddsa-jcs-2022")


def test_jcs_suites_add_data_integrity_context_to_vc11() -> None:
    vc11: dict[str, Any] = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:2"},
    }
    for name in ("eddsa-jcs-2022", "ecdsa-jcs-2019", "ecdsa-rdfc-2019"):
        suite = suite_named(name)
        assert suite is not None
        assert suite.context_needed(copy.deepcopy(vc11["@context"])) == (
            "https://w3id.org/security/data-integrity/v2"
        )
        assert suite.context_needed(["https://www.w3.org/ns/credentials/v2"]) is None


def test_jcs_rejects_non_json_numbers() -> None:
    from plecak.core.errors import DataModelError

    with pytest.raises(DataModelError):
        jcs({"x": float("nan")})
