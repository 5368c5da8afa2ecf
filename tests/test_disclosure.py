"""vc.disclosure: the format-neutral element list, default mandatory pointers, DCQL claim paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vc.dataintegrity import add_proof
from vc.did import did_key
from vc.disclosure import (
    DEFAULT_MANDATORY_POINTERS,
    EcdsaSdAdapter,
    adapter_for,
    default_mandatory_pointers,
    is_derived_disclosure,
    pointer_exists,
    pointers_for_claim_paths,
)
from vc.ecdsa_sd import derive
from vc.errors import ProofError
from vc.keys import EcdsaKeyPair

EXAMPLE = Path(__file__).parent / "vectors" / "examples" / "microcredential-data-literacy.json"


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
    assert "/issuer" in pointers and "/credentialStatus" in pointers
    assert "/credentialSubject/achievement/name" in pointers
    assert "/validUntil" not in pointers and "/credentialSubject/achievement/awardingBody" not in pointers
    assert set(pointers) < set(DEFAULT_MANDATORY_POINTERS)


def test_fields_mark_mandatory_elements(signed: dict[str, Any]) -> None:
    fields = {f.key: f for f in EcdsaSdAdapter().fields(signed)}
    assert fields["title"].mandatory and fields["issued"].mandatory and fields["country"].mandatory
    assert fields["awarding_body"].mandatory  # falls back to the issuer's name, under /issuer
    for key in ("grade", "ects", "eqf", "learner", "outcomes", "skills"):
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
    assert is_derived_disclosure(derived) and not is_derived_disclosure(signed)
    assert adapter_for({"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}}) is None
    assert adapter_for("not a credential") is None


def test_disclose_keeps_chosen_elements_only(signed: dict[str, Any]) -> None:
    derived = EcdsaSdAdapter().disclose(signed, ["ects", "eqf"])
    achievement = derived["credentialSubject"]["achievement"]
    assert achievement["creditPoint"] and achievement["eqfLevel"]
    assert "result" not in derived["credentialSubject"] and "learningOutcome" not in achievement
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
        not pointer_exists(doc, "/a/1") and not pointer_exists(doc, "/a/x") and not pointer_exists(doc, "a")
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
    }
