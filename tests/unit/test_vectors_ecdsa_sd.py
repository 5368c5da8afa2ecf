"""Known-answer tests for ``ecdsa-sd-2023`` against the W3C vc-di-ecdsa test vectors.

Both vector sets (``employ``: employment authorization document, ``prc``: permanent resident
card) are checked at every published step: the HMAC-relabelled canonical N-Quads, the mandatory
and non-mandatory groups, the proof-configuration canonical form and hashes, the base proof value
(byte for byte, with the vectors' HMAC key, ephemeral key and RFC 6979 signatures), the
selection groups and indexes of derivation, the label map, the reveal document, the derived proof
value (byte for byte) and the verifier's N-Quads. ``verify_proofs`` accepts the derived
credentials and refuses the base ones.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from plecak.core.crypto.keys import EcdsaKeyPair
from plecak.core.did import DidResolver
from plecak.core.errors import ProofError
from plecak.core.integrity import ecdsa_sd as sd
from plecak.core.integrity.proofs import verify_proofs
from plecak.core.jsonld.loader import default_loader
from plecak.core.jsonld.rdf import canonicalize
from support import TESTS

VECTORS = TESTS / "vectors" / "vc-di-ecdsa" / "TestVectors"
SD = VECTORS / "ecdsa-sd-2023"
# prCredUnsigned.json upstream has another description than the credential the prc steps were
# computed from, so the prc input is the signed base credential without its proof.
CASES = {
    "employ": (
        VECTORS / "employmentAuth.json",
        VECTORS / "employMandatory.json",
        VECTORS / "employSelective.json",
    ),
    "prc": (
        SD / "prc" / "addSignedSDBase.json",
        VECTORS / "prCredMandatory.json",
        VECTORS / "prCredSelective.json",
    ),
}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def unsigned_of(case: str) -> Any:
    document = read_json(CASES[case][0])
    document.pop("proof", None)
    return document


def keys() -> tuple[EcdsaKeyPair, EcdsaKeyPair, bytes]:
    material = read_json(SD / "SDKeyMaterial.json")
    base = material["baseKeyPair"]
    proof = material["proofKeyPair"]
    return (
        EcdsaKeyPair.from_multikey(base["publicKeyMultibase"], base["secretKeyMultibase"]),
        EcdsaKeyPair.from_multikey(proof["publicKeyMultibase"], proof["secretKeyMultibase"]),
        bytes.fromhex(material["hmacKeyString"]),
    )


def map_value(data: dict[str, Any]) -> dict[int, str]:
    assert data["dataType"] == "Map"
    return {int(k): v for k, v in data["value"]}


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_hmac_relabelled_canonical_nquads_and_mandatory_groups_equal_vectors(case: str) -> None:
    _, mandatory, _ = CASES[case]
    _, _, hmac_key = keys()
    grouped = sd.canonicalize_and_group(
        unsigned_of(case),
        sd.hmac_label_map_factory(hmac_key),
        {"mandatory": read_json(mandatory)},
        default_loader(),
    )
    assert grouped.nquads == read_json(SD / case / "addBaseDocHMACCanon.json")
    transform = read_json(SD / case / "addBaseTransform.json")
    assert grouped.groups["mandatory"].matching == map_value(transform["mandatory"])
    assert grouped.groups["mandatory"].non_matching == map_value(transform["nonMandatory"])


def test_plain_canonical_form_equals_vector(case: str) -> None:
    lines = canonicalize(unsigned_of(case), default_loader()).splitlines(keepends=True)
    assert lines == read_json(SD / case / "addBaseDocCanon.json")


def test_mandatory_pointer_values_equal_vector(case: str) -> None:
    _, mandatory, _ = CASES[case]
    document = unsigned_of(case)
    for entry in read_json(SD / case / "addPointerValues.json"):
        selection = sd.select_json_ld([entry["pointer"]], document)
        assert selection is not None
        tokens = sd.parse_pointer(entry["pointer"])
        value: Any = selection
        for token in tokens:
            value = value[token]
        assert value == entry["value"]
    assert [e["pointer"] for e in read_json(SD / case / "addPointerValues.json")] == read_json(mandatory)


def test_proof_config_canonical_form_and_hashes_equal_vectors(case: str) -> None:
    config = read_json(SD / case / "addProofConfig.json")
    canon = canonicalize(config, default_loader())
    assert canon == (SD / case / "addProofConfigCanon.txt").read_text(encoding="utf-8").rstrip("\n") + "\n"
    hashes = read_json(SD / case / "addHashData.json")
    assert hashlib.sha256(canon.encode()).hexdigest() == hashes["proofHash"]
    _, mandatory, _ = CASES[case]
    _, _, hmac_key = keys()
    grouped = sd.canonicalize_and_group(
        unsigned_of(case), sd.hmac_label_map_factory(hmac_key), {"m": read_json(mandatory)}, default_loader()
    )
    mandatory_hash = hashlib.sha256("".join(grouped.groups["m"].matching.values()).encode()).hexdigest()
    assert mandatory_hash == hashes["mandatoryHash"]


def test_base_proof_value_equals_vector_byte_for_byte(case: str) -> None:
    _, mandatory, _ = CASES[case]
    issuer, ephemeral, hmac_key = keys()
    value = sd.create_base_proof_value(
        unsigned_of(case),
        read_json(SD / case / "addProofConfig.json"),
        issuer,
        default_loader(),
        read_json(mandatory),
        hmac_key=hmac_key,
        proof_key=ephemeral,
        deterministic=True,
    )
    signed = read_json(SD / case / "addSignedSDBase.json")
    assert value == signed["proof"]["proofValue"]
    parsed = sd.parse_base_proof_value(value)
    raw = read_json(SD / case / "addRawBaseSignatureInfo.json")
    assert parsed.base_signature.hex() == raw["baseSignature"]
    assert [s.hex() for s in parsed.signatures] == raw["signatures"]
    assert parsed.mandatory_pointers == raw["mandatoryPointers"]
    assert parsed.hmac_key == hmac_key


def test_randomised_base_proof_differs_but_derives_and_verifies(case: str) -> None:
    _, mandatory, selective = CASES[case]
    issuer, _, _ = keys()
    config = read_json(SD / case / "addProofConfig.json")
    document = unsigned_of(case)
    value = sd.create_base_proof_value(document, config, issuer, default_loader(), read_json(mandatory))
    assert value != read_json(SD / case / "addSignedSDBase.json")["proof"]["proofValue"]
    secured = {
        **document,
        "proof": {**{k: v for k, v in config.items() if k != "@context"}, "proofValue": value},
    }
    derived = sd.derive(secured, read_json(selective), default_loader())
    unsecured = {k: v for k, v in derived.items() if k != "proof"}
    proof_config = {
        **{k: v for k, v in derived["proof"].items() if k != "proofValue"},
        "@context": derived["@context"],
    }
    sd.verify_derived_proof_value(
        unsecured, proof_config, derived["proof"]["proofValue"], issuer, default_loader()
    )


def test_derivation_groups_indexes_and_signatures_equal_vectors(case: str) -> None:
    _, mandatory, selective = CASES[case]
    _, _, hmac_key = keys()
    pointers_m, pointers_s = read_json(mandatory), read_json(selective)
    grouped = sd.canonicalize_and_group(
        unsigned_of(case),
        sd.hmac_label_map_factory(hmac_key),
        {"mandatory": pointers_m, "selective": pointers_s, "combined": pointers_m + pointers_s},
        default_loader(),
    )
    groups = read_json(SD / case / "derivedAllGroupData.json")["groups"]
    for name in ("mandatory", "selective", "combined"):
        assert grouped.groups[name].matching == map_value(groups[name]["matching"]), name
        assert grouped.groups[name].non_matching == map_value(groups[name]["nonMatching"]), name
    indexes = read_json(SD / case / "derivedGroupIndexes.json")
    assert list(grouped.groups["combined"].matching) == indexes["combinedIndexes"]
    assert list(grouped.groups["selective"].matching) == indexes["selectiveIndexes"]
    assert list(grouped.groups["mandatory"].non_matching) == indexes["nonMandatoryIndexes"]


def test_derived_credential_equals_vector_byte_for_byte(case: str) -> None:
    _, _, selective = CASES[case]
    signed = read_json(SD / case / "addSignedSDBase.json")
    derived = sd.derive(signed, read_json(selective), default_loader())
    expected = read_json(SD / case / "derivedRevealDocument.json")
    assert derived == expected
    assert json.dumps(derived["proof"]["proofValue"]) == json.dumps(expected["proof"]["proofValue"])
    assert {k: v for k, v in derived.items() if k != "proof"} == read_json(
        SD / case / "derivedUnsignedReveal.json"
    )
    parsed = sd.parse_derived_proof_value(derived["proof"]["proofValue"])
    disclosure = read_json(SD / case / "derivedDisclosureData.json")
    assert parsed.label_map == dict(disclosure["labelMap"]["value"])
    assert (
        parsed.mandatory_indexes
        == read_json(SD / case / "derivedAdjMandatoryIndexes.json")["adjMandatoryIndexes"]
    )
    assert [s.hex() for s in parsed.signatures] == disclosure["signatures"]
    adjusted = read_json(SD / case / "derivedAdjSignatures.json")
    assert [s.hex() for s in parsed.signatures] == adjusted["filteredSignatures"]


def test_verifier_nquads_equal_vector(case: str) -> None:
    expected = read_json(SD / case / "derivedRevealDocument.json")
    parsed = sd.parse_derived_proof_value(expected["proof"]["proofValue"])
    verify_data = read_json(SD / case / "verifyDerivedProofValue.json")
    assert parsed.label_map == dict(verify_data["labelMap"])
    unsecured = {k: v for k, v in expected.items() if k != "proof"}
    lines = sd._verifier_nquads(unsecured, parsed.label_map, default_loader())
    assert lines == read_json(SD / case / "verifyNQuads.json")
    create = read_json(SD / case / "verifyCreateVerifyData.json")
    non_mandatory = [q for i, q in enumerate(lines) if i not in parsed.mandatory_indexes]
    assert non_mandatory == create["nonMandatory"]
    mandatory = "".join(q for i, q in enumerate(lines) if i in parsed.mandatory_indexes)
    assert hashlib.sha256(mandatory.encode()).hexdigest() == create["mandatoryHash"]


async def test_verify_proofs_accepts_derived_vector_and_refuses_base_vector(case: str) -> None:
    derived = read_json(SD / case / "derivedRevealDocument.json")
    checks = await verify_proofs(derived, DidResolver())
    assert [c.verified for c in checks] == [True], checks[0].errors
    assert checks[0].cryptosuite == "ecdsa-sd-2023"
    base = read_json(SD / case / "addSignedSDBase.json")
    checks = await verify_proofs(base, DidResolver())
    assert not checks[0].verified
    assert checks[0].errors == ["a base proof must not be verified; derive a disclosure first"]


async def test_verify_rejects_tampered_disclosed_value(case: str) -> None:
    derived = read_json(SD / case / "derivedRevealDocument.json")
    derived["credentialSubject"]["birthCountry"] = "Canada"
    checks = await verify_proofs(derived, DidResolver())
    assert not checks[0].verified
    assert "altered" in checks[0].errors[0]


async def test_verify_rejects_tampered_mandatory_value(case: str) -> None:
    derived = read_json(SD / case / "derivedRevealDocument.json")
    derived["validUntil"] = "2039-12-03T00:00:00Z"
    checks = await verify_proofs(derived, DidResolver())
    assert not checks[0].verified


async def test_verify_rejects_added_statement(case: str) -> None:
    derived = read_json(SD / case / "derivedRevealDocument.json")
    derived["credentialSubject"]["gender"] = "Male"
    checks = await verify_proofs(derived, DidResolver())
    assert not checks[0].verified


async def test_verify_rejects_removed_disclosed_statement(case: str) -> None:
    derived = read_json(SD / case / "derivedRevealDocument.json")
    del derived["credentialSubject"]["birthCountry"]
    checks = await verify_proofs(derived, DidResolver())
    assert not checks[0].verified
    assert "signatures" in checks[0].errors[0]


async def test_verify_rejects_changed_proof_created(case: str) -> None:
    derived = read_json(SD / case / "derivedRevealDocument.json")
    derived["proof"]["created"] = "2024-01-01T00:00:00Z"
    checks = await verify_proofs(derived, DidResolver())
    assert not checks[0].verified
    assert "base signature does not match" in checks[0].errors[0]


@pytest.mark.parametrize("cut", [1, 10, 100])
async def test_verify_rejects_truncated_proof_value(cut: int) -> None:
    derived = read_json(SD / "employ" / "derivedRevealDocument.json")
    derived["proof"]["proofValue"] = derived["proof"]["proofValue"][:-cut]
    checks = await verify_proofs(derived, DidResolver())
    assert not checks[0].verified


async def test_verify_rejects_trailing_bytes_and_non_base64url() -> None:
    derived = read_json(SD / "employ" / "derivedRevealDocument.json")
    value = derived["proof"]["proofValue"]
    raw = sd._b64url_decode(value[1:]) + b"\x00"
    derived["proof"]["proofValue"] = "u" + sd._b64url(raw)
    checks = await verify_proofs(derived, DidResolver())
    assert checks[0].errors == ["proofValue has trailing bytes after its CBOR value"]
    derived["proof"]["proofValue"] = "z" + value[1:]
    checks = await verify_proofs(derived, DidResolver())
    assert "base64url" in checks[0].errors[0]


def test_derive_rejects_pointer_that_selects_nothing() -> None:
    signed = read_json(SD / "employ" / "addSignedSDBase.json")
    with pytest.raises(ProofError, match="selects nothing"):
        sd.derive(signed, ["/credentialSubject/shoeSize"], default_loader())
    with pytest.raises(ProofError, match="must start with '/'"):
        sd.derive(signed, ["credentialSubject"], default_loader())


def test_derive_rejects_a_credential_without_base_proof() -> None:
    derived = read_json(SD / "employ" / "derivedRevealDocument.json")
    with pytest.raises(ProofError, match="derived proof, not a base proof"):
        sd.derive(derived, ["/validFrom"], default_loader())
    with pytest.raises(ProofError, match="no ecdsa-sd-2023 proof"):
        sd.derive(read_json(VECTORS / "employmentAuth.json"), ["/validFrom"], default_loader())


def test_derive_detects_a_base_proof_for_another_credential() -> None:
    signed = read_json(SD / "employ" / "addSignedSDBase.json")
    del signed["credentialSubject"]["gender"]
    with pytest.raises(ProofError, match="altered"):
        sd.derive(signed, ["/validFrom"], default_loader())


def test_select_json_ld_keeps_ids_types_and_drops_unselected_array_slots() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:x",
        "type": ["VerifiableCredential"],
        "items": [{"id": "_:b0", "type": "A", "p": 1}, {"type": "B", "p": 2, "q": 3}],
        "a~b/c": 4,
    }
    selection = sd.select_json_ld(["/items/1/q", "/a~0b~1c"], document)
    assert selection == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:x",
        "type": ["VerifiableCredential"],
        "items": [{"type": "B", "q": 3}],
        "a~b/c": 4,
    }
    assert sd.select_json_ld([], document) is None
    with pytest.raises(ProofError):
        sd.select_json_ld(["/items/01"], document)
    with pytest.raises(ProofError):
        sd.select_json_ld(["/items/2"], document)
    with pytest.raises(ProofError, match="escape"):
        sd.parse_pointer("/a~2")
