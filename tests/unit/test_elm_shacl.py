"""The ELM export against the EDC 3.2 generic SHACL shapes (pyshacl), with the European Commission's
own Annex I sample as the positive control: the export may break only what the Commission's sample
breaks too (the issuer's eIDAS legal identifier), and the validator demonstrably catches a missing
mandatory element."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from plecak.core.model.elm import DisplayImage, export_elm_credential
from support import VECTORS
from support.elm_shacl import shacl_violations

ELM = "http://data.europa.eu/snb/model/elm/"
CRED = "https://www.w3.org/2018/credentials#"
ISSUER_LEGAL_ID = {
    (f"{CRED}issuer", "NodeConstraintComponent"),
    (f"{ELM}eidasLegalIdentifier", "MinCountConstraintComponent"),
}
"""EDC issuers must have an eIDAS legal identifier: neither the Commission's sample nor our
credentials (issuers named by a DID) state one."""


@pytest.fixture(scope="module")
def sample_violations() -> set[tuple[str, str]]:
    sample = json.loads((VECTORS / "elm" / "sample-mc-annex1-unsigned.jsonld").read_text(encoding="utf-8"))
    return shacl_violations(sample)


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    original = json.loads((VECTORS / "examples" / "microcredential-data-literacy.json").read_text(encoding="utf-8"))
    return export_elm_credential(original, display_image=DisplayImage(b"\x89PNG\r\n\x1a\n", "image/png"))


def test_the_commission_sample_breaks_only_the_issuer_legal_identifier_and_issued(
    sample_violations: set[tuple[str, str]],
) -> None:
    assert sample_violations == ISSUER_LEGAL_ID | {(f"{CRED}issued", "MinCountConstraintComponent")}


def test_the_export_breaks_nothing_the_commission_sample_does_not(
    exported: dict[str, Any], sample_violations: set[tuple[str, str]]
) -> None:
    found = shacl_violations(exported)
    assert found <= sample_violations
    assert found == ISSUER_LEGAL_ID


def test_the_shapes_catch_a_missing_mandatory_title(exported: dict[str, Any]) -> None:
    document = copy.deepcopy(exported)
    del document["credentialSubject"]["hasClaim"]["title"]
    assert ("http://purl.org/dc/terms/title", "MinCountConstraintComponent") in shacl_violations(document)


def test_without_a_picture_the_export_lacks_only_the_individual_display(exported: dict[str, Any]) -> None:
    document = copy.deepcopy(exported)
    del document["displayParameter"]["individualDisplay"]
    assert shacl_violations(document) - ISSUER_LEGAL_ID == {(f"{ELM}individualDisplay", "MinCountConstraintComponent")}
