"""A European Digital Credential (ELM 3 / EDC) goes its own pipeline: read in safe mode with the
EDC context, its eIDAS seal reported as not checked, so it is never ``verified``; a Data Integrity
proof it also carries is said only when it truly verifies."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.integrity.proofs import add_proof
from plecak.core.verify.checks import Outcome, VerificationResult
from plecak.core.verify.credential import Verifier
from plecak.core.verify.elm import EDC_CONTEXT, is_elm_credential

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "elm"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"


def sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTORS / "sample-mc-annex1-unsigned.jsonld").read_text("utf-8"))
    return document


async def verify(document: Any) -> VerificationResult:
    return await Verifier(DidResolver()).verify(document)


def outcomes(result: VerificationResult) -> dict[str, tuple[Outcome, str]]:
    return {c.name: (c.outcome, c.code) for c in result.checks}


def signed_sample() -> dict[str, Any]:
    """The Commission's sample, issued by a did:key and sealed with a Data Integrity proof."""
    key = Ed25519KeyPair.generate()
    did = did_key(key)
    document = sample()
    document["@context"] = [*document["@context"], DATA_INTEGRITY]
    document["issuer"] = {**document["issuer"], "id": did}
    return add_proof(document, key, f"{did}#{key.public_multibase}")


def test_a_european_digital_credential_is_recognised_by_its_type_or_its_context() -> None:
    document = sample()
    assert is_elm_credential(document)
    assert is_elm_credential({**document, "@context": ["https://www.w3.org/2018/credentials/v1"]})
    assert is_elm_credential({**document, "type": ["VerifiableCredential"]})
    ours = json.loads((FIXTURES / "ob3.0.0-vc11-ed25519signature2020.json").read_text("utf-8"))
    assert not is_elm_credential(ours)
    assert not is_elm_credential("EuropeanDigitalCredential")
    assert not is_elm_credential(None)


async def test_the_commission_sample_is_read_but_its_seal_is_not_checked_so_it_is_never_verified() -> None:
    result = await verify(sample())
    assert outcomes(result) == {
        "format": (Outcome.PASSED, "format.elm"),
        "proof": (Outcome.UNKNOWN, "proof.elm_not_checked"),
        "status": (Outcome.UNKNOWN, "status.elm_not_checked"),
        "validity": (Outcome.PASSED, "validity.open"),
    }
    seal = result.check("proof")
    assert seal is not None
    assert seal.details["notChecked"] == "eseal"
    assert "eIDAS qualified electronic seal" in seal.message
    assert result.verified is False
    assert result.verdict == "warnings"
    report = result.to_json()
    assert "proof" not in report["checks"]  # the passed checks
    assert [e["check"] for e in report["errors"]] == ["proof", "status"]


async def test_a_made_up_term_fails_the_structure_in_words_and_stops_there() -> None:
    document = sample()
    document["credentialSubject"]["hasClaim"]["madeUpTerm"] = "anything"
    result = await verify(document)
    assert [c.name for c in result.checks] == ["format"]
    check = result.checks[0]
    assert (check.outcome, check.code, check.params) == (
        Outcome.FAILED,
        "format.undefined_term",
        {"term": "madeUpTerm"},
    )
    assert "a term its contexts do not define: madeUpTerm" in check.message


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"@context": ["https://www.w3.org/ns/credentials/v2", EDC_CONTEXT]}, "uses VC Data Model 1.1"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, f"must include {EDC_CONTEXT}"),
        ({"type": ["VerifiableCredential"]}, "type must include EuropeanDigitalCredential"),
        ({"validFrom": None}, "validFrom (the date of issuing) is missing"),
        ({"credentialSubject": None}, "credentialSubject is missing"),
    ],
)
async def test_a_document_outside_the_edc_envelope_fails_the_format_check(change: dict[str, Any], problem: str) -> None:
    document = {k: v for k, v in {**sample(), **change}.items() if v is not None}
    result = await verify(document)
    check = result.checks[0]
    assert (check.name, check.outcome, check.code) == ("format", Outcome.FAILED, "format.invalid")
    assert any(problem in p for p in check.details["problems"]), check.details["problems"]
    assert len(result.checks) == 1


async def test_a_valid_data_integrity_proof_is_said_but_the_seal_stays_not_checked() -> None:
    document = signed_sample()
    result = await verify(document)
    seal = result.check("proof")
    assert seal is not None
    assert (seal.outcome, seal.code) == (Outcome.UNKNOWN, "proof.elm_data_integrity")
    assert seal.params["signers"] == document["issuer"]["id"]
    assert seal.details["dataIntegrity"]["proofs"][0]["verified"] is True
    assert result.verified is False


async def test_a_data_integrity_proof_that_does_not_verify_fails_the_seal() -> None:
    document = copy.deepcopy(signed_sample())
    document["validFrom"] = "2023-01-01T00:00:00Z"
    result = await verify(document)
    assert outcomes(result)["proof"] == (Outcome.FAILED, "proof.signature")
    assert outcomes(result)["status"] == (Outcome.UNKNOWN, "not_checked.status")
    assert result.verdict == "failed"


async def test_a_seal_of_another_kind_is_not_taken_for_a_broken_data_integrity_proof() -> None:
    document = sample()
    document["proof"] = {"type": "https://seal.example/JAdESSeal"}  # a proof type this verifier does not check
    result = await verify(document)
    assert outcomes(result)["format"] == (Outcome.PASSED, "format.elm")
    assert outcomes(result)["proof"] == (Outcome.UNKNOWN, "proof.elm_not_checked")


async def test_a_vc11_credential_that_is_not_an_elm_one_takes_the_usual_pipeline() -> None:
    ours = json.loads((FIXTURES / "ob3.0.0-vc11-ed25519signature2020.json").read_text("utf-8"))
    result = await verify(ours)
    assert outcomes(result)["format"] == (Outcome.PASSED, "format.credential")
    assert outcomes(result)["proof"] == (Outcome.PASSED, "proof.passed")
    assert result.verified is True


async def test_an_envelope_dressed_as_an_elm_credential_takes_the_envelope_pipeline() -> None:
    envelope = {
        "@context": ["https://www.w3.org/ns/credentials/v2", EDC_CONTEXT],
        "id": "data:application/vc+jwt,not-a-jws",
        "type": ["EnvelopedVerifiableCredential", "EuropeanDigitalCredential"],
    }
    result = await verify(envelope)
    assert outcomes(result)["format"] == (Outcome.FAILED, "format.jws")
    assert not any(c.code.startswith(("proof.elm", "status.elm")) for c in result.checks)
    assert result.verified is False
