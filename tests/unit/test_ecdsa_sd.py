"""``ecdsa-sd-2023`` on the project's EU micro-credential (Open Badges 3.0.3 on VC 2.0).

The learner hides the grade, the verifier accepts the disclosure and sees no grade; tampering
with a disclosed value fails. Open Badges ``allowedValue`` is an ``@list``: a list can be
mandatory or disclosed as a whole, or left out, but a pointer to one list element is refused.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import cbor2
import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.errors import ProofError
from plecak.core.integrity import ecdsa_sd as sd
from plecak.core.integrity import sd_primitives
from plecak.core.integrity.proofs import add_proof, verify_proofs
from plecak.core.jsonld.loader import default_loader
from plecak.core.jsonld.rdf import expand_safe
from support import TESTS

EXAMPLE = TESTS / "vectors" / "examples" / "microcredential-data-literacy.json"
MANDATORY = ["/issuer", "/validFrom", "/credentialSubject/achievement/name", "/credentialStatus"]
GRADE = "/credentialSubject/result"
ALLOWED = "/credentialSubject/achievement/resultDescription/0/allowedValue"


@pytest.fixture(scope="module")
def issuer_key() -> EcdsaKeyPair:
    return EcdsaKeyPair.generate("P-256")


def sign(key: EcdsaKeyPair, mandatory: list[str] = MANDATORY) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["issuer"]["id"] = did_key(key)
    return add_proof(
        document,
        key,
        f"{did_key(key)}#{key.public_multibase}",
        suite="ecdsa-sd-2023",
        options={"mandatoryPointers": mandatory},
    )


@pytest.fixture(scope="module")
def signed(issuer_key: EcdsaKeyPair) -> dict[str, Any]:
    return sign(issuer_key)


async def verified(document: dict[str, Any]) -> list[str]:
    checks = await verify_proofs(document, DidResolver())
    assert len(checks) == 1
    return [] if checks[0].verified else checks[0].errors


async def test_learner_hides_grade_and_disclosure_verifies(signed: dict[str, Any]) -> None:
    derived = sd.derive(
        signed, ["/credentialSubject/creditsEarned", "/credentialSubject/achievement/description"]
    )
    assert await verified(derived) == []
    subject = derived["credentialSubject"]
    assert "result" not in subject
    assert subject["creditsEarned"] == 3
    assert subject["achievement"]["name"] == "Data Literacy Compact Course"
    assert derived["credentialStatus"] == signed["credentialStatus"]
    assert "awardedDate" not in derived


async def test_tampered_disclosed_grade_fails(signed: dict[str, Any]) -> None:
    derived = sd.derive(signed, [GRADE])
    assert derived["credentialSubject"]["result"][0]["value"] == "4.5"
    assert await verified(derived) == []
    derived["credentialSubject"]["result"][0]["value"] = "5.0"
    assert await verified(derived) != []


async def test_tampered_mandatory_value_fails(signed: dict[str, Any]) -> None:
    derived = sd.derive(signed, [])
    derived["credentialSubject"]["achievement"]["name"] = "Advanced Data Science"
    errors = await verified(derived)
    assert errors
    assert "altered" in errors[0]


async def test_base_proof_is_refused_by_verifier(signed: dict[str, Any]) -> None:
    assert await verified(signed) == ["a base proof must not be verified; derive a disclosure first"]


async def test_whole_json_ld_list_can_be_disclosed(signed: dict[str, Any]) -> None:
    derived = sd.derive(signed, [ALLOWED])
    allowed = derived["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"]
    assert allowed == ["2.0", "3.0", "3.5", "4.0", "4.5", "5.0"]
    assert await verified(derived) == []
    reordered = copy.deepcopy(derived)
    reordered["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"].reverse()
    assert await verified(reordered) != []


async def test_json_ld_list_can_be_mandatory(issuer_key: EcdsaKeyPair) -> None:
    signed = sign(issuer_key, [*MANDATORY, ALLOWED])
    derived = sd.derive(signed, [GRADE])
    assert await verified(derived) == []
    assert len(derived["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"]) == 6


def test_pointer_into_a_json_ld_list_is_refused(signed: dict[str, Any], issuer_key: EcdsaKeyPair) -> None:
    with pytest.raises(ProofError, match="part of a JSON-LD list"):
        sd.derive(signed, [f"{ALLOWED}/1"])
    with pytest.raises(ProofError, match="part of a JSON-LD list"):
        sign(issuer_key, [*MANDATORY, f"{ALLOWED}/0"])


def test_mandatory_pointer_that_selects_nothing_is_refused(issuer_key: EcdsaKeyPair) -> None:
    with pytest.raises(ProofError, match="selects nothing"):
        sign(issuer_key, ["/issuer", "/credentialSubject/grade"])


def test_issuance_needs_a_p256_key() -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    key = Ed25519KeyPair.generate()
    with pytest.raises(ProofError, match="P-256"):
        add_proof(document, key, f"{did_key(key)}#{key.public_multibase}", suite="ecdsa-sd-2023")
    p384 = EcdsaKeyPair.generate("P-384")
    with pytest.raises(ProofError, match="P-256"):
        add_proof(document, p384, f"{did_key(p384)}#{p384.public_multibase}", suite="ecdsa-sd-2023")


def test_mandatory_pointers_option_must_be_a_list_of_strings(issuer_key: EcdsaKeyPair) -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(ProofError, match="list of JSON pointers"):
        add_proof(
            document,
            issuer_key,
            f"{did_key(issuer_key)}#{issuer_key.public_multibase}",
            suite="ecdsa-sd-2023",
            options={"mandatoryPointers": "/issuer"},
        )


def test_each_base_proof_uses_fresh_hmac_and_ephemeral_keys(
    signed: dict[str, Any], issuer_key: EcdsaKeyPair
) -> None:
    other = sign(issuer_key)
    one = sd.parse_base_proof_value(signed["proof"]["proofValue"])
    two = sd.parse_base_proof_value(other["proof"]["proofValue"])
    assert one.hmac_key != two.hmac_key
    assert one.public_key != two.public_key
    assert one.mandatory_pointers == MANDATORY


async def test_two_disclosures_of_one_credential_both_verify(signed: dict[str, Any]) -> None:
    first = sd.derive(signed, [GRADE])
    second = sd.derive(signed, ["/credentialSubject/achievement/alignment"])
    assert await verified(first) == []
    assert await verified(second) == []
    assert "alignment" not in first["credentialSubject"]["achievement"]
    assert len(second["credentialSubject"]["achievement"]["alignment"]) == 6


def test_derive_uses_the_offline_loader_only(signed: dict[str, Any]) -> None:
    derived = sd.derive(signed, [GRADE], default_loader())
    assert derived["@context"] == signed["@context"]


@pytest.mark.parametrize(
    "pointers",
    [
        {"mandatory": MANDATORY},
        {"mandatory": MANDATORY, "selective": [GRADE, ALLOWED], "combined": [*MANDATORY, GRADE, ALLOWED]},
    ],
)
def test_direct_compact_skolemization_groups_like_the_spec_route(
    pointers: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    factory = sd.hmac_label_map_factory(b"\x01" * 32)
    fast = sd.canonicalize_and_group(document, factory, pointers, default_loader())
    monkeypatch.setattr(sd_primitives, "_FAST_SKOLEMIZE", False)
    spec = sd.canonicalize_and_group(document, factory, pointers, default_loader())
    assert fast.nquads == spec.nquads
    for name in pointers:
        assert fast.groups[name].matching == spec.groups[name].matching
        assert fast.groups[name].non_matching == spec.groups[name].non_matching


def test_direct_skolemization_falls_back_for_json_literals_and_value_objects() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSchema": {
            "id": "https://example.org/schema",
            "type": "JsonSchema",
            "jsonSchema": {"a": {"b": 1}},
        },
        "credentialSubject": {"id": "did:example:x", "name": {"@value": "Anna", "@language": "pl"}},
    }
    expanded = expand_safe(document, default_loader())
    assert sd_primitives._skolemize_compact(document, expanded, "urn:t:", default_loader()) is None
    grouped = sd.canonicalize_and_group(
        document, sd.hmac_label_map_factory(b"\x02" * 32), {"m": ["/credentialSchema"]}, default_loader()
    )
    assert any(r'"{\"a\":{\"b\":1}}"' in q for q in grouped.groups["m"].matching.values())
    del document["credentialSchema"]
    expanded = expand_safe(document, default_loader())
    assert sd_primitives._skolemize_compact(document, expanded, "urn:t:", default_loader()) is not None


def _derived_proof_value(label_map: dict[int, bytes]) -> str:
    items = [b"\0" * 64, b"\x80\x24" + b"\2" * 33, [], label_map, []]
    return "u" + base64.urlsafe_b64encode(b"\xd9\x5d\x01" + cbor2.dumps(items)).decode().rstrip("=")


@pytest.mark.parametrize(
    "label_map",
    [
        {10**5000: b"x"},  # too long to write as a label (Python refuses: ValueError)
        {n * (2**61 - 1): b"" for n in range(1, 200)},  # keys sharing one hash: quadratic to build
    ],
    ids=["huge", "colliding"],
)
async def test_a_derived_proof_with_big_integer_labels_fails_without_raising(
    signed: dict[str, Any], label_map: dict[int, bytes]
) -> None:
    derived = sd.derive(signed, [])
    derived["proof"]["proofValue"] = _derived_proof_value(label_map)
    errors = await verified(derived)
    assert any("not valid CBOR" in e for e in errors), errors


async def test_a_derived_proof_holding_a_cbor_regex_fails_without_compiling_it(signed: dict[str, Any]) -> None:
    derived = sd.derive(signed, [])
    items = [b"\0" * 64, b"\x80\x24" + b"\2" * 33, [], {}, [cbor2.CBORTag(35, "a|" * 1000)]]
    raw = b"\xd9\x5d\x01" + cbor2.dumps(items)
    derived["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    errors = await verified(derived)
    assert any("not valid CBOR" in e for e in errors), errors
