"""The ELM reader (plecak.core.model.elm.read_elm_credential) on the European Commission's own
Annex I micro-credential sample: each element is read with the sample's value, by IRI (so a
different compaction reads the same), and what is not an ELM credential is refused."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from plecak.core.errors import JsonLdError, UndefinedTermError
from plecak.core.jsonld.rdf import compact, expand_safe
from plecak.core.model.elm import ElmCredentialView, ElmError, read_elm_credential
from support import VECTORS

SAMPLE = VECTORS / "elm" / "sample-mc-annex1-unsigned.jsonld"
EDC = "http://data.europa.eu/snb/model/context/edc-ap"
VC1 = "https://www.w3.org/2018/credentials/v1"


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def view(sample: dict[str, Any]) -> ElmCredentialView:
    return read_elm_credential(sample)


# (element, how it is read from the view, the value the Commission's sample states)
SAMPLE_ELEMENTS: list[tuple[str, Any, Any]] = [
    ("title", lambda v: v.title, "Digital micro-credential creation"),
    ("learner name", lambda v: v.learner_name, "Ana Andromeda"),
    ("learner identifier", lambda v: v.learner_identifiers[0], "LA-234218"),
    ("awarding body", lambda v: v.awarding_bodies[0].name, "University of Zed"),
    ("awarding body country", lambda v: v.country.iri,
     "http://publications.europa.eu/resource/authority/country/IRL"),
    ("date of issuing", lambda v: v.issued, "2022-12-31T23:00:00Z"),
    ("learning outcomes", lambda v: v.learning_outcomes,
     ("Communication, collaboration and creativity", "Developing digital content")),
    ("ECTS points", lambda v: v.ects, 2.0),
    ("credit framework", lambda v: v.credit_points[0].framework.label, "European Credit Transfer System"),
    ("volume of learning", lambda v: v.volume_of_learning, "PT60H"),
    ("EQF level", lambda v: v.eqf_level.iri, "http://data.europa.eu/snb/eqf/6"),
    ("NQF level", lambda v: v.nqf_levels[0].label, "RQF Level 6"),
    ("type of assessment", lambda v: v.type_of_assessment, "artefact assessment"),
    ("form of participation", lambda v: v.form_of_participation, "Blended"),
    ("learning setting", lambda v: v.learning_setting.label, "non-formal learning"),
    ("prerequisites", lambda v: v.entry_requirements[0],
     "The learner needs to have an EDC Online Credential Builder account, that requires an EU Login ID."),
    ("supervision and ID verification", lambda v: v.supervision, "Unsupervised without ID Verification"),
    ("grade", lambda v: v.grade, "Pass"),
    ("integration (partial qualification)", lambda v: v.is_partial_qualification, False),
    ("description", lambda v: v.description, "has successfully completed a micro-module"),
]  # fmt: skip


@pytest.mark.parametrize(("element", "read", "expected"), SAMPLE_ELEMENTS, ids=[e[0] for e in SAMPLE_ELEMENTS])
def test_reader_finds_each_annex_element_of_the_commission_sample(
    view: ElmCredentialView, element: str, read: Any, expected: Any
) -> None:
    assert read(view) == expected


def test_reader_lists_each_awarding_body_once_though_the_sample_embeds_it_several_times(
    view: ElmCredentialView,
) -> None:
    assert [b.id for b in view.awarding_bodies] == ["urn:epass:org:1"]


def test_sample_states_no_accreditation_so_quality_assurance_is_empty(view: ElmCredentialView) -> None:
    assert view.accreditations == ()
    assert view.quality_assurance is None


def test_reader_reads_by_iri_so_another_compaction_gives_the_same_view(
    sample: dict[str, Any], view: ElmCredentialView
) -> None:
    # the same graph under other term names: prefixed IRIs instead of the EDC terms
    recompacted = compact(expand_safe(sample), {"elm": "http://data.europa.eu/snb/model/elm/"})
    assert "elm:hasClaim" in json.dumps(recompacted)
    assert read_elm_credential(recompacted) == view


def test_reader_refuses_an_open_badges_credential_as_not_elm() -> None:
    document = {
        "@context": [VC1, EDC],
        "type": ["VerifiableCredential"],
        "id": "urn:uuid:0b1c3a3e-4f5d-4c86-9d0a-2a2b2b2b2b2b",
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:learner"},
    }
    with pytest.raises(ElmError, match="not a European Digital Credential"):
        read_elm_credential(document)


def test_reader_refuses_an_elm_document_with_a_term_no_context_defines(sample: dict[str, Any]) -> None:
    document = copy.deepcopy(sample)
    document["credentialSubject"]["hasClaim"]["specifiedBy"]["ectsCredits"] = "5"
    with pytest.raises(UndefinedTermError, match="ectsCredits"):
        read_elm_credential(document)


def test_reader_refuses_a_document_without_context_and_a_non_object() -> None:
    with pytest.raises(JsonLdError):
        read_elm_credential({"type": ["VerifiableCredential", "EuropeanDigitalCredential"]})
    with pytest.raises(TypeError):
        read_elm_credential(["not", "an", "object"])


def test_reader_refuses_an_edc_without_a_claim(sample: dict[str, Any]) -> None:
    document = copy.deepcopy(sample)
    del document["credentialSubject"]["hasClaim"]
    with pytest.raises(ElmError, match="no claim"):
        read_elm_credential(document)
