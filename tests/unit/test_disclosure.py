"""plecak.core.disclosure: the format-neutral element list, default mandatory pointers, DCQL claim paths,
the ecdsa-sd-2023 and SD-JWT VC adapters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.disclosure import (
    DEFAULT_MANDATORY_POINTERS,
    ELEMENT_POINTERS,
    MANDATORY_ELEMENTS,
    SD_JWT_ELEMENT_CLAIMS,
    EcdsaSdAdapter,
    SdJwtAdapter,
    adapter_for,
    default_mandatory_pointers,
    is_derived_disclosure,
    pointer_exists,
    pointers_for_claim_paths,
)
from plecak.core.errors import ProofError
from plecak.core.integrity.ecdsa_sd import derive
from plecak.core.integrity.proofs import add_proof
from plecak.core.sdjwt import (
    ALWAYS_DISCLOSED,
    SELECTIVELY_DISCLOSABLE,
    envelope,
    parse_sd_jwt,
    present,
    sd_jwt_of,
)
from support import TESTS
from support.sdjwt import Issuer

EXAMPLE = TESTS / "vectors" / "examples" / "microcredential-data-literacy.json"


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    key = EcdsaKeyPair.generate()
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["issuer"]["id"] = did_key(key)
    return add_proof(
        document,
        key,
        f"{did_key(key)}#{key.public_multibase}",
        suite="ecdsa-sd-2023",
        options={"mandatoryPointers": default_mandatory_pointers(document)},
    )


def test_default_mandatory_pointers_keep_only_present_fields() -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    pointers = default_mandatory_pointers(document)
    assert "/issuer" in pointers
    assert "/credentialStatus" in pointers
    assert "/credentialSubject/achievement/name" in pointers
    assert "/validUntil" not in pointers
    assert "/credentialSubject/achievement/awardingBody" not in pointers
    assert set(pointers) < set(DEFAULT_MANDATORY_POINTERS)


def test_fields_mark_mandatory_elements(signed: dict[str, Any]) -> None:
    fields = {f.key: f for f in EcdsaSdAdapter().fields(signed)}
    assert fields["title"].mandatory
    assert fields["issued"].mandatory
    assert fields["country"].mandatory
    assert fields["awarding_body"].mandatory  # falls back to the issuer's name, under /issuer
    for key in ("ects", "eqf", "outcomes", "assessment", "participation", "quality", "kind"):
        assert fields[key].mandatory, key
    for key in ("grade", "learner", "credits_earned", "skills", "workload_hours", "description"):
        assert not fields[key].mandatory, key
    assert fields["grade"].pointers == (
        "/credentialSubject/result",
        "/credentialSubject/achievement/resultDescription",
    )
    assert "nqf" not in fields  # not in this credential


def test_adapter_is_found_for_base_proofs_only(signed: dict[str, Any]) -> None:
    assert adapter_for(signed) is not None
    derived = derive(signed, [])
    assert adapter_for(derived) is None
    assert is_derived_disclosure(derived)
    assert not is_derived_disclosure(signed)
    assert adapter_for({"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}}) is None
    assert adapter_for("not a credential") is None


def test_disclose_keeps_chosen_elements_only(signed: dict[str, Any]) -> None:
    derived = EcdsaSdAdapter().disclose(signed, ["credits_earned", "workload_hours"])
    achievement = derived["credentialSubject"]["achievement"]
    assert derived["credentialSubject"]["creditsEarned"]
    assert achievement["volumeOfLearning"]
    assert "result" not in derived["credentialSubject"]
    assert "alignment" not in achievement
    with pytest.raises(ProofError, match="unknown element"):
        EcdsaSdAdapter().disclose(signed, ["shoe_size"])


def test_claim_paths_become_pointers_with_wildcards_indexes_and_escapes() -> None:
    doc = {"a": [{"b": 1}, {"b": 2, "c/d": 3}], "e~f": {"g": 4}}
    assert pointers_for_claim_paths(doc, [["a", None, "b"]]) == ["/a/0/b", "/a/1/b"]
    assert pointers_for_claim_paths(doc, [["a", 1, "c/d"]]) == ["/a/1/c~1d"]
    assert pointers_for_claim_paths(doc, [["e~f", "g"]]) == ["/e~0f/g"]
    assert pointers_for_claim_paths(doc, [["missing"], ["a", 5], ["a", "x"]]) == []
    assert pointers_for_claim_paths(doc, [["a", 0, "b"], ["a", 0, "b"]]) == ["/a/0/b"]


def test_pointer_exists_follows_objects_and_arrays() -> None:
    doc = {"a": [{"b": None}]}
    assert pointer_exists(doc, "/a/0/b")
    assert (
        not pointer_exists(doc, "/a/1")
    )
    assert (
        not pointer_exists(doc, "/a/x")
    )
    assert (
        not pointer_exists(doc, "a")
    )


def test_disclose_paths_for_dcql(signed: dict[str, Any]) -> None:
    derived = EcdsaSdAdapter().disclose_paths(
        signed, [["credentialSubject", "achievement", "alignment", None]]
    )
    assert len(derived["credentialSubject"]["achievement"]["alignment"]) == 6
    only_mandatory = EcdsaSdAdapter().disclose_paths(signed, [])
    assert set(only_mandatory["credentialSubject"]["achievement"]) == {
        "id",
        "type",
        "name",
        "achievementType",
        "learningOutcome",
        "creditPoint",
        "creditsAvailable",
        "eqfLevel",
        "typeOfAssessment",
        "formOfParticipation",
        "typeOfQualityAssurance",
    }
    assert "result" not in only_mandatory["credentialSubject"]


def test_mandatory_elements_are_the_annex_mandatory_course_elements_in_both_formats() -> None:
    assert set(MANDATORY_ELEMENTS) >= {"title", "awarding_body", "country", "issued", "outcomes", "ects"}
    assert set(MANDATORY_ELEMENTS) >= {"eqf", "assessment", "participation", "quality"}
    for private in ("learner", "grade", "credits_earned", "skills", "description"):
        assert private not in MANDATORY_ELEMENTS
    # ecdsa-sd-2023: each mandatory element's pointers are mandatory by default
    for key in MANDATORY_ELEMENTS:
        for pointer in ELEMENT_POINTERS[key]:
            assert any(pointer == p or pointer.startswith(p + "/") for p in DEFAULT_MANDATORY_POINTERS), (
                pointer
            )
    assert "/credentialSubject/result" not in DEFAULT_MANDATORY_POINTERS
    assert "/credentialSubject/name" not in DEFAULT_MANDATORY_POINTERS
    # SD-JWT VC: the same elements' claims are issued in the clear, every other element's claims
    # are disclosures
    for key, claims in SD_JWT_ELEMENT_CLAIMS.items():
        for claim in claims:
            if key in MANDATORY_ELEMENTS:
                assert claim in ALWAYS_DISCLOSED, claim
                assert claim not in SELECTIVELY_DISCLOSABLE, claim
            else:
                assert claim in SELECTIVELY_DISCLOSABLE, claim
                assert claim not in ALWAYS_DISCLOSED, claim
    assert set(SD_JWT_ELEMENT_CLAIMS) <= set(ELEMENT_POINTERS)


# -- SD-JWT VC ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sd_issuer() -> Issuer:
    return Issuer()


@pytest.fixture(scope="module")
def holder() -> Ed25519KeyPair:
    return Ed25519KeyPair.generate()


@pytest.fixture(scope="module")
def stored_sd_jwt(sd_issuer: Issuer, holder: Ed25519KeyPair) -> dict[str, Any]:
    return envelope(sd_issuer.issue(holder, exp=4102444800))


def _names(credential: Any) -> set[str]:
    text = sd_jwt_of(credential)
    assert text is not None
    return set(parse_sd_jwt(text).disclosable())


def test_sd_jwt_adapter_is_found_for_a_stored_sd_jwt_vc_only(
    stored_sd_jwt: dict[str, Any], signed: dict[str, Any], holder: Ed25519KeyPair
) -> None:
    adapter = adapter_for(stored_sd_jwt)
    assert isinstance(adapter, SdJwtAdapter)
    assert not isinstance(adapter_for(signed), SdJwtAdapter)
    text = sd_jwt_of(stored_sd_jwt)
    assert text is not None
    bound = present(text, ["grade"], holder_key=holder, nonce="n", audience="https://v.example")
    assert adapter_for(envelope(bound)) is None  # a presentation (key-bound) is not disclosed again
    assert adapter_for(envelope("not.an.sd-jwt~")) is None
    assert adapter_for({"type": "EnvelopedVerifiableCredential", "id": "data:text/plain,x"}) is None


def test_sd_jwt_fields_mark_the_issuers_clear_claims_mandatory(stored_sd_jwt: dict[str, Any]) -> None:
    fields = {f.key: f for f in SdJwtAdapter().fields(stored_sd_jwt)}
    for key in ("title", "awarding_body", "country", "issued", "outcomes", "ects", "eqf", "valid_until"):
        assert fields[key].mandatory, key
    for key in ("learner", "grade", "workload_hours", "description"):
        assert not fields[key].mandatory, key
    assert fields["grade"].pointers == ("grade", "grading_scheme")
    assert "nqf" not in fields
    assert "skills" not in fields
    # the same elements are always shared as for the JSON-LD credential with default pointers
    assert {k for k, f in fields.items() if f.mandatory} <= set(MANDATORY_ELEMENTS)


def test_sd_jwt_disclose_keeps_only_the_chosen_elements_disclosures(stored_sd_jwt: dict[str, Any]) -> None:
    adapter = SdJwtAdapter()
    assert _names(stored_sd_jwt) >= {"name", "grade", "grading_scheme", "workload_hours"}
    kept = adapter.disclose(stored_sd_jwt, ["grade", "title"])
    assert _names(kept) == {"grade", "grading_scheme"}  # title is in the payload anyway
    text = sd_jwt_of(kept)
    assert text is not None
    assert text.endswith("~")
    assert parse_sd_jwt(text).key_binding_jwt is None
    assert _names(adapter.disclose(stored_sd_jwt, [])) == set()
    with pytest.raises(ProofError, match="unknown element"):
        adapter.disclose(stored_sd_jwt, ["shoe_size"])


def test_sd_jwt_disclose_paths_and_element_of_path(stored_sd_jwt: dict[str, Any]) -> None:
    adapter = SdJwtAdapter()
    kept = adapter.disclose_paths(stored_sd_jwt, [["title"], ["name"], ["grade"], ["not_a_claim"], [0]])
    assert _names(kept) == {"name", "grade"}
    assert adapter.element_of_path(stored_sd_jwt, ["grading_scheme"]) == "grade"
    assert adapter.element_of_path(stored_sd_jwt, ["title"]) == "title"
    assert adapter.element_of_path(stored_sd_jwt, ["nqf_level"]) is None  # not in this credential
    assert adapter.element_of_path(stored_sd_jwt, []) is None
    grade = next(f for f in adapter.fields(stored_sd_jwt) if f.key == "grade")
    assert adapter.claim_paths(grade) == [["grade"], ["grading_scheme"]]


def test_ecdsa_element_of_path_and_claim_paths(signed: dict[str, Any]) -> None:
    adapter = EcdsaSdAdapter()
    assert adapter.element_of_path(signed, ["credentialSubject", "result"]) == "grade"
    assert adapter.element_of_path(signed, ["credentialSubject", "result", 0, "value"]) == "grade"
    assert adapter.element_of_path(signed, ["credentialSubject", "achievement", "name"]) == "title"
    assert adapter.element_of_path(signed, ["credentialSubject", "nothing"]) is None
    grade = next(f for f in adapter.fields(signed) if f.key == "grade")
    assert adapter.claim_paths(grade) == [
        ["credentialSubject", "result"],
        ["credentialSubject", "achievement", "resultDescription"],
    ]
