"""Negative (and a few positive) tests of ``plecak.core.integrity.proofs`` against the real verifier.

Each altered credential goes through ``verify_proofs`` with a real resolver: ``did:key``
locally, other DIDs from static documents. A failure must come back as a failed
:class:`ProofCheck` with a reason, never as an exception.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, decode_multibase, encode_multibase
from plecak.core.did import DidResolver, did_document, did_key
from plecak.core.errors import ProofError
from plecak.core.integrity.proofs import (
    DATA_INTEGRITY_CONTEXT,
    ProofCheck,
    add_proof,
    hash_data,
    verify_proofs,
)
from plecak.core.jsonld.loader import default_loader
from support import TESTS

EXAMPLES = TESTS / "vectors" / "examples"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
CREATED = "2025-01-02T03:04:05Z"


@pytest.fixture(scope="module")
def key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def other_key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes(range(1, 33)))


def method(key: Ed25519KeyPair) -> str:
    return f"{did_key(key)}#{key.public_multibase}"


def credential(issuer: str) -> dict[str, Any]:
    """A small VC 2.0 credential using only terms of the VC 2.0 context (no @vocab fallback)."""
    return {
        "@context": [VC_V2],
        "id": "urn:uuid:0b6a4e0c-52f3-4c2c-9d55-2f1f3e2b6d01",
        "type": ["VerifiableCredential"],
        "name": "Course completed",
        "description": "Completed the introductory course.",
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Anna Kowalska"},
    }


@pytest.fixture
def signed(key: Ed25519KeyPair) -> dict[str, Any]:
    return add_proof(credential(did_key(key)), key, method(key), created=CREATED)


async def verify(document: dict[str, Any], resolver: DidResolver | None = None, **options: Any) -> ProofCheck:
    checks = await verify_proofs(document, resolver or DidResolver(), **options)
    assert len(checks) == 1
    return checks[0]


def assert_fails(check: ProofCheck, *fragments: str) -> None:
    assert not check.verified
    assert check.errors, "a failed check must say why"
    text = " ".join(check.errors)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {check.errors!r}"


async def test_untouched_credential_verifies(signed: dict[str, Any], key: Ed25519KeyPair) -> None:
    check = await verify(signed)
    assert check.verified, check.errors
    assert check.proof_type == "DataIntegrityProof"
    assert check.cryptosuite == "eddsa-rdfc-2022"
    assert check.controller == did_key(key)
    assert check.created == CREATED


# --- the signed data changed --------------------------------------------------------------


async def test_tampered_subject_value(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["name"] = "Anna Nowak"
    assert_fails(await verify(signed), "signature does not match")


async def test_tampered_proof_created(signed: dict[str, Any]) -> None:
    signed["proof"]["created"] = "2025-01-02T03:04:06Z"
    assert_fails(await verify(signed), "signature does not match")


async def test_signature_by_another_key(key: Ed25519KeyPair, other_key: Ed25519KeyPair) -> None:
    forged = add_proof(credential(did_key(key)), other_key, method(key), created=CREATED)
    assert_fails(await verify(forged), "signature does not match")


async def test_undefined_term_added_after_signing(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["favouriteColour"] = "blue"
    check = await verify(signed)
    assert_fails(check, "favouriteColour")


async def test_undefined_type_added_after_signing(signed: dict[str, Any]) -> None:
    signed["type"] = ["VerifiableCredential", "SneakyCredential"]
    assert_fails(await verify(signed), "SneakyCredential")


# --- the key is not authorised ------------------------------------------------------------


def web_did_doc(key: Ed25519KeyPair, relationships: list[str]) -> tuple[str, dict[str, Any]]:
    did = "did:web:issuer.example.org:wut"
    return did, did_document(did, [("key-1", key.public_multibase)], relationships=relationships)


async def test_method_authorised_for_assertion_verifies(key: Ed25519KeyPair) -> None:
    did, doc = web_did_doc(key, ["assertionMethod"])
    signed = add_proof(credential(did), key, f"{did}#key-1", created=CREATED)
    check = await verify(signed, DidResolver(static={did: doc}))
    assert check.verified, check.errors
    assert check.controller == did


async def test_method_only_in_authentication(key: Ed25519KeyPair) -> None:
    did, doc = web_did_doc(key, ["authentication"])
    signed = add_proof(credential(did), key, f"{did}#key-1", created=CREATED)
    assert_fails(await verify(signed, DidResolver(static={did: doc})), "not authorised for assertionMethod")


async def test_method_missing_from_did_document(key: Ed25519KeyPair) -> None:
    did, doc = web_did_doc(key, ["assertionMethod"])
    signed = add_proof(credential(did), key, f"{did}#key-2", created=CREATED)
    assert_fails(await verify(signed, DidResolver(static={did: doc})), "is not a verification method")


async def test_unsupported_did_method(key: Ed25519KeyPair) -> None:
    signed = add_proof(credential("did:example:issuer"), key, "did:example:issuer#key-1", created=CREATED)
    assert_fails(await verify(signed), "unsupported DID method")


async def test_verification_method_not_a_did_url(key: Ed25519KeyPair) -> None:
    signed = add_proof(credential(did_key(key)), key, "https://issuer.example.org/keys/1", created=CREATED)
    assert_fails(await verify(signed), "is not a DID URL")


# --- purpose, challenge and domain ----------------------------------------------------------


async def test_wrong_proof_purpose_expected(signed: dict[str, Any]) -> None:
    assert_fails(await verify(signed, expected_purpose="authentication"), "proofPurpose")


@pytest.fixture
def auth_signed(key: Ed25519KeyPair) -> dict[str, Any]:
    return add_proof(
        credential(did_key(key)),
        key,
        method(key),
        proof_purpose="authentication",
        challenge="c-123",
        domain="verifier.example.org",
        created=CREATED,
    )


async def test_challenge_and_domain_match(auth_signed: dict[str, Any]) -> None:
    check = await verify(
        auth_signed, expected_purpose="authentication", challenge="c-123", domain="verifier.example.org"
    )
    assert check.verified, check.errors


async def test_wrong_challenge(auth_signed: dict[str, Any]) -> None:
    check = await verify(auth_signed, expected_purpose="authentication", challenge="c-456")
    assert_fails(check, "challenge")


async def test_wrong_domain(auth_signed: dict[str, Any]) -> None:
    check = await verify(auth_signed, expected_purpose="authentication", domain="evil.example.org")
    assert_fails(check, "domain")


async def test_missing_challenge_and_domain(key: Ed25519KeyPair) -> None:
    plain = add_proof(credential(did_key(key)), key, method(key), proof_purpose="authentication")
    assert_fails(await verify(plain, expected_purpose="authentication", challenge="c-123"), "challenge")
    assert_fails(
        await verify(plain, expected_purpose="authentication", domain="verifier.example.org"), "domain"
    )


async def test_challenge_changed_in_proof(auth_signed: dict[str, Any]) -> None:
    auth_signed["proof"]["challenge"] = "c-456"
    check = await verify(auth_signed, expected_purpose="authentication", challenge="c-456")
    assert_fails(check, "signature does not match")


async def test_domain_list(key: Ed25519KeyPair) -> None:
    signed = add_proof(
        credential(did_key(key)),
        key,
        method(key),
        proof_purpose="authentication",
        domain=["a.example.org", "b.example.org"],
    )
    assert (await verify(signed, expected_purpose="authentication", domain="b.example.org")).verified
    assert_fails(await verify(signed, expected_purpose="authentication", domain="c.example.org"), "domain")


# --- malformed proofs -------------------------------------------------------------------------


async def test_proof_value_without_multibase_prefix(signed: dict[str, Any]) -> None:
    signed["proof"]["proofValue"] = "u" + signed["proof"]["proofValue"][1:]
    assert_fails(await verify(signed), "proofValue")


async def test_proof_value_not_base58(signed: dict[str, Any]) -> None:
    signed["proof"]["proofValue"] = "z0OIl" + signed["proof"]["proofValue"][5:]
    assert_fails(await verify(signed), "proofValue")


@pytest.mark.parametrize("length", [0, 32, 63, 65, 128])
async def test_proof_value_of_wrong_length(signed: dict[str, Any], length: int) -> None:
    signature = decode_multibase(signed["proof"]["proofValue"])
    signed["proof"]["proofValue"] = encode_multibase((signature * 2)[:length])
    assert_fails(await verify(signed))


async def test_proof_value_missing(signed: dict[str, Any]) -> None:
    del signed["proof"]["proofValue"]
    assert_fails(await verify(signed), "proofValue")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("verificationMethod", "no verificationMethod"),
        ("type", "no type"),
        ("proofPurpose", "no proofPurpose"),
        ("cryptosuite", "no cryptosuite"),
    ],
)
async def test_missing_proof_field(signed: dict[str, Any], field: str, message: str) -> None:
    del signed["proof"][field]
    assert_fails(await verify(signed), message)


@pytest.mark.parametrize("suite", ["eddsa-jcs-2099", "ecdsa-rdfc-2000", "bbs-2023", ""])
async def test_unknown_cryptosuite(signed: dict[str, Any], suite: str) -> None:
    signed["proof"]["cryptosuite"] = suite
    assert_fails(await verify(signed), "cryptosuite")


@pytest.mark.parametrize(
    "proof_type", ["RsaSignature2018", "EcdsaSecp256k1Signature2019", "JsonWebSignature2020"]
)
async def test_unknown_proof_type(signed: dict[str, Any], proof_type: str) -> None:
    signed["proof"]["type"] = proof_type
    assert_fails(await verify(signed), "unsupported proof type")


def sign_raw(document: dict[str, Any], key: Ed25519KeyPair, proof: dict[str, Any]) -> dict[str, Any]:
    """Attach ``proof`` with a signature that really matches it (no checks on its fields)."""
    config = {**proof, "@context": document["@context"]}
    value = encode_multibase(key.sign(hash_data(document, config, default_loader())))
    return {**document, "proof": {**proof, "proofValue": value}}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cryptosuite": "eddsa-jcs-2099"}, "unsupported cryptosuite"),
        ({"cryptosuite": None}, "no cryptosuite"),
        ({"created": "2025-13-45"}, "created"),
    ],
)
async def test_shape_errors_fail_even_with_a_matching_signature(
    key: Ed25519KeyPair, changes: dict[str, Any], message: str
) -> None:
    """Regression: a proof rejected by the shape checks must not be re-accepted by its signature."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": method(key),
        "proofPurpose": "assertionMethod",
    }
    proof.update(changes)
    proof = {k: v for k, v in proof.items() if v is not None}
    document = sign_raw(credential(did_key(key)), key, proof)
    assert_fails(await verify(document), message)


async def test_bad_created(signed: dict[str, Any]) -> None:
    signed["proof"]["created"] = "yesterday"
    assert_fails(await verify(signed), "created")


async def test_proof_context_not_a_prefix_of_document_context(signed: dict[str, Any]) -> None:
    signed["proof"]["@context"] = [DATA_INTEGRITY_CONTEXT]
    assert_fails(await verify(signed), "@context")


@pytest.mark.parametrize("proof", [None, []])
async def test_no_proof(signed: dict[str, Any], proof: Any) -> None:
    signed["proof"] = proof
    assert await verify_proofs(signed, DidResolver()) == []


@pytest.mark.parametrize("proof", ["z3abc", 42, [None], [["nested"]]])
async def test_proof_not_an_object(signed: dict[str, Any], proof: Any) -> None:
    signed["proof"] = proof
    assert_fails(await verify(signed), "not a JSON object")


async def test_previous_proof_missing(key: Ed25519KeyPair, signed: dict[str, Any]) -> None:
    chained = add_proof(signed, key, method(key), proof_id="urn:uuid:second", created=CREATED)
    chained["proof"][1]["previousProof"] = "urn:uuid:not-there"
    checks = await verify_proofs(chained, DidResolver())
    assert checks[0].verified, checks[0].errors
    assert_fails(checks[1], "urn:uuid:not-there")


async def test_add_proof_refuses_a_missing_previous_proof(
    key: Ed25519KeyPair, signed: dict[str, Any]
) -> None:
    with pytest.raises(ProofError, match="not-there"):
        add_proof(signed, key, method(key), previous_proof="urn:uuid:not-there")


async def test_add_proof_refuses_unknown_suite(key: Ed25519KeyPair) -> None:
    with pytest.raises(ProofError, match="unsupported"):
        add_proof(credential(did_key(key)), key, method(key), suite="bbs-2023")


async def test_add_proof_refuses_key_of_the_wrong_type(key: Ed25519KeyPair) -> None:
    with pytest.raises(ProofError, match="needs a P-256 or P-384 key"):
        add_proof(credential(did_key(key)), key, method(key), suite="ecdsa-rdfc-2019")


# --- proof sets -------------------------------------------------------------------------------


async def test_proof_set_with_one_bad_proof(
    key: Ed25519KeyPair, other_key: Ed25519KeyPair, signed: dict[str, Any]
) -> None:
    both = add_proof(signed, other_key, method(other_key), created=CREATED)
    checks = await verify_proofs(both, DidResolver())
    assert [c.verified for c in checks] == [True, True]
    assert {c.controller for c in checks} == {did_key(key), did_key(other_key)}

    broken = copy.deepcopy(both)
    broken["proof"][1]["created"] = "2030-01-01T00:00:00Z"
    checks = await verify_proofs(broken, DidResolver())
    assert checks[0].verified, checks[0].errors
    assert_fails(checks[1], "signature does not match")

    broken = copy.deepcopy(both)
    broken["proof"][0]["proofValue"] = broken["proof"][1]["proofValue"]
    checks = await verify_proofs(broken, DidResolver())
    assert not checks[0].verified
    assert checks[1].verified, checks[1].errors


async def test_ed25519signature2020_and_eddsa_in_one_set(key: Ed25519KeyPair, signed: dict[str, Any]) -> None:
    both = add_proof(signed, key, method(key), suite="Ed25519Signature2020", created=CREATED)
    checks = await verify_proofs(both, DidResolver())
    assert [c.proof_type for c in checks] == ["DataIntegrityProof", "Ed25519Signature2020"]
    assert all(c.verified for c in checks), [c.errors for c in checks]


# --- VC 1.1 -----------------------------------------------------------------------------------


async def test_vc11_credential_gets_data_integrity_context(key: Ed25519KeyPair) -> None:
    vc11 = {
        "@context": [VC_V1],
        "id": "urn:uuid:7f1c1b55-3c38-4a53-a0a3-0a8f3d5e1c11",
        "type": ["VerifiableCredential"],
        "issuer": did_key(key),
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    signed = add_proof(vc11, key, method(key), created=CREATED)
    assert signed["@context"] == [VC_V1, DATA_INTEGRITY_CONTEXT]
    assert vc11["@context"] == [VC_V1], "add_proof must not modify its input"
    check = await verify(signed)
    assert check.verified, check.errors
    assert check.cryptosuite == "eddsa-rdfc-2022"

    signed["credentialSubject"]["id"] = "did:example:someone-else"
    assert_fails(await verify(signed), "signature does not match")


async def test_vc2_credential_context_unchanged(key: Ed25519KeyPair, signed: dict[str, Any]) -> None:
    assert signed["@context"] == [VC_V2]


# --- an Open Badges micro-credential ------------------------------------------------------------


async def test_microcredential_roundtrip_and_undefined_term(key: Ed25519KeyPair) -> None:
    mc = json.loads((EXAMPLES / "microcredential-data-literacy.json").read_text(encoding="utf-8"))
    mc["issuer"]["id"] = did_key(key)
    signed = add_proof(mc, key, method(key), created=CREATED)
    check = await verify(signed)
    assert check.verified, check.errors

    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["achievement"]["creditsAvailable"] = 30
    assert_fails(await verify(altered), "signature does not match")

    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["achievement"]["ectsGrade"] = "A"
    assert_fails(await verify(altered), "ectsGrade")

    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["achievement"]["formOfParticipation"] = "Hybrid"
    assert_fails(await verify(altered), "Hybrid")


# --- the cryptosuite registry -------------------------------------------------------------------------


def test_add_proof_names_the_known_suites_for_an_unknown_one(key: Ed25519KeyPair) -> None:
    with pytest.raises(ProofError, match="eddsa-rdfc-2022"):
        add_proof(credential(did_key(key)), key, method(key), suite="eddsa-rdfc-2099")


def test_add_proof_refuses_a_key_of_the_wrong_type_for_the_suite() -> None:
    p256 = EcdsaKeyPair.generate()
    with pytest.raises(ProofError, match="needs a Ed25519 key, not P-256"):
        add_proof(credential(did_key(p256)), p256, f"{did_key(p256)}#{p256.public_multibase}")


async def test_eddsa_proof_naming_a_p256_method_fails_on_the_key_type(key: Ed25519KeyPair) -> None:
    p256 = EcdsaKeyPair.generate()
    doc = add_proof(credential(did_key(p256)), key, f"{did_key(p256)}#{p256.public_multibase}")
    assert_fails(await verify(doc), "needs a Ed25519 key, not P-256")
