"""The ELM export (plecak.core.model.elm.export_elm_credential): each Annex I element of our Open Badges
micro-credential is found, with its value, at its ELM path in the safe-mode expansion of the export
(nothing dropped, no relative IRI), and reading the export back gives each element again."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import pytest

from plecak.core.errors import UndefinedTermError
from plecak.core.jsonld.rdf import expand_safe
from plecak.core.model.elm import (
    UNSEALED_NOTICE,
    DisplayImage,
    ElmCredentialView,
    export_elm_credential,
    read_elm_credential,
)
from plecak.core.model.elm.vocabulary import ADMS, CRED, DC, ELM, FOAF, PMC, SKOS
from plecak.core.model.micro_credential import MicroCredential
from support import VECTORS

EXAMPLE = VECTORS / "examples" / "microcredential-data-literacy.json"
CLAIM = (f"{CRED}credentialSubject", f"{ELM}hasClaim")
SPEC = (*CLAIM, f"{ELM}specifiedBy")


def _example() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def original() -> dict[str, Any]:
    return _example()


@pytest.fixture(scope="module")
def exported(original: dict[str, Any]) -> dict[str, Any]:
    return export_elm_credential(original, display_image=DisplayImage(b"\x89PNG\r\n\x1a\n", "image/png"))


@pytest.fixture(scope="module")
def expanded(exported: dict[str, Any]) -> dict[str, Any]:
    nodes = expand_safe(exported)
    assert len(nodes) == 1
    top: dict[str, Any] = nodes[0]
    return top


def _walk(nodes: list[Any], iris: tuple[str, ...]) -> list[Any]:
    """Every value at the end of ``iris`` below ``nodes`` (an expanded document's nested nodes)."""
    for iri in iris:
        nodes = [v for n in nodes if isinstance(n, Mapping) for v in n.get(iri, [])]
    return nodes


def _plain(values: list[Any]) -> list[Any]:
    return [v.get("@value", v.get("@id")) for v in values]


def _note_about(expanded: dict[str, Any], subject: str) -> list[Any]:
    notes = _walk([expanded], (*SPEC, f"{ELM}additionalNote"))
    about = [n for n in notes if _plain(_walk([n], (f"{DC}subject",))) == [PMC + subject]]
    return _plain(_walk(about, (f"{ELM}noteLiteral",)))


# (Annex I element key, ELM path in IRIs from the credential, the value the example's element has)
ELEMENT_PATHS: list[tuple[str, tuple[str, ...], Any]] = [
    ("learner", (f"{CRED}credentialSubject", f"{FOAF}fullName"), ["Anna Kowalska"]),
    ("learner", (f"{CRED}credentialSubject", f"{ADMS}identifier", f"{SKOS}notation"),
     ["did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"]),
    ("title", (*CLAIM, f"{DC}title"), ["Data Literacy Compact Course"]),
    ("title", (*SPEC, f"{DC}title"), ["Data Literacy Compact Course"]),
    ("country", (*CLAIM, f"{ELM}awardedBy", f"{ELM}awardingBody", f"{ELM}location", f"{ELM}address",
                 f"{ELM}countryCode"), ["http://publications.europa.eu/resource/authority/country/POL"]),
    ("awarding_body", (*CLAIM, f"{ELM}awardedBy", f"{ELM}awardingBody", "http://www.w3.org/ns/regorg#legalName"),
     ["Warsaw University of Technology"]),
    ("issued", (f"{CRED}issued",), ["2025-06-30T10:00:00Z"]),
    ("issued", (*CLAIM, f"{ELM}awardedBy", f"{ELM}awardingDate"), ["2025-06-30T10:00:00Z"]),
    ("outcomes", (*SPEC, f"{ELM}learningOutcome", f"{DC}title"), [
        "Locate, access and critically evaluate the quality and reliability of data sources.",
        "Clean, describe and analyse small tabular datasets with spreadsheet tools.",
        "Choose and build appropriate charts and communicate data-based findings to non-specialists.",
        "Recognise ethical and legal (GDPR) constraints on the use of personal data.",
    ]),
    ("ects", (*SPEC, f"{ELM}creditPoint", f"{ELM}point"), ["3"]),
    ("ects", (*SPEC, f"{ELM}creditPoint", f"{ELM}framework"),
     ["http://data.europa.eu/snb/education-credit/6fcec5c5af"]),
    ("workload_hours", (*SPEC, f"{ELM}volumeOfLearning"), ["PT75H"]),
    ("eqf", (*SPEC, f"{ELM}EQFLevel"), ["http://data.europa.eu/snb/eqf/6"]),
    ("assessment", (*SPEC, f"{ELM}provenBy", f"{DC}title"),
     ["Online quiz (40%) and practical data-analysis project with oral defence (60%)."]),
    ("participation", (*SPEC, f"{ELM}mode"), ["http://data.europa.eu/snb/learning-assessment/e92d221e4d"]),
    ("prerequisites", (*SPEC, f"{ELM}entryRequirement", f"{ELM}noteLiteral"),
     ["Basic spreadsheet skills; English at B2 level."]),
    ("grade", (*CLAIM, f"{ELM}provenBy", f"{ELM}grade", f"{ELM}noteLiteral"), ["4.5"]),
    ("description", (*SPEC, f"{DC}description"), [
        "Short course on finding, evaluating, analysing, visualising and communicating data. 3 ECTS (75 h "
        "notional workload), EQF level 6, blended delivery, supervised onsite assessment with ID check. "
        "Stackable towards the Certificate in Data Literacy."
    ]),
]  # fmt: skip

NOTE_ELEMENTS: list[tuple[str, str, str]] = [
    ("qf_ehea", "qfEheaLevel", "First cycle"),
    ("supervision", "supervisionAndIdVerification", "Supervised on-site with ID verification"),
    ("quality", "typeOfQualityAssurance",
     "Internal quality assurance system of Warsaw University of Technology (ESG Part 1); the institution is "
     "externally reviewed by the Polish Accreditation Committee (PKA)."),
    ("stackability", "integrationStackability", "Stackable. Part of: urn:uuid:46e07c4a-b1f8-4815-97cd-b1522302f930"),
    ("further", "furtherInformation",
     "Offered in English within the ENHANCE European University alliance. Illustrative example data."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("element", "path", "value"), ELEMENT_PATHS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ELEMENT_PATHS)]
)
def test_each_annex_element_is_at_its_elm_path_in_the_safe_expansion(
    expanded: dict[str, Any], element: str, path: tuple[str, ...], value: list[Any]
) -> None:
    assert _plain(_walk([expanded], path)) == value


@pytest.mark.parametrize(("element", "subject", "value"), NOTE_ELEMENTS, ids=[e[0] for e in NOTE_ELEMENTS])
def test_elements_without_an_elm_term_are_notes_about_our_concept(
    expanded: dict[str, Any], element: str, subject: str, value: str
) -> None:
    assert _note_about(expanded, subject) == [value]


def _iris(node: Any) -> list[str]:
    """Every property, type and node identifier of an expanded document."""
    found: list[str] = []
    if isinstance(node, list):
        for item in node:
            found += _iris(item)
    elif isinstance(node, Mapping) and "@value" not in node:
        for key, value in node.items():
            if key in ("@id", "@type"):
                found += value if isinstance(value, list) else [value]
            elif not key.startswith("@"):
                found.append(key)
                found += _iris(value)
    return found


def _nodes_without_id(node: Any) -> int:
    if isinstance(node, list):
        return sum(_nodes_without_id(item) for item in node)
    if not isinstance(node, Mapping) or "@value" in node:
        return 0
    own = 0 if isinstance(node.get("@id"), str) else 1
    return own + sum(_nodes_without_id(v) for k, v in node.items() if not k.startswith("@"))


def test_the_export_has_no_relative_iri_and_no_blank_node(expanded: dict[str, Any]) -> None:
    iris = _iris([expanded])
    assert len(iris) > 100
    assert [i for i in iris if not i.split(":", 1)[0].isalpha() or ":" not in i] == []
    assert [i for i in iris if i.startswith("_:")] == []
    assert _nodes_without_id([expanded]) == 0


def test_the_export_is_the_elm_envelope_and_says_it_is_an_unsealed_copy(exported: dict[str, Any]) -> None:
    assert exported["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ]
    assert exported["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert "proof" not in exported
    assert exported["displayParameter"]["description"] == UNSEALED_NOTICE
    assert exported["identifier"]["notation"] == "urn:uuid:235c98a6-46a0-4e94-a866-b30264d3af8b"
    link = exported["credentialSubject"]["hasClaim"]["supplementaryDocument"]["contentURL"]
    assert link == exported["identifier"]["notation"]


def test_the_same_credential_exports_to_the_same_document_and_another_to_other_ids(original: dict[str, Any]) -> None:
    first, again = export_elm_credential(original), export_elm_credential(copy.deepcopy(original))
    assert first == again
    other = copy.deepcopy(original)
    other["id"] = "urn:uuid:11111111-2222-4333-8444-555555555555"
    assert export_elm_credential(other)["id"] != first["id"]


def test_the_share_link_is_the_link_to_the_original_when_given(original: dict[str, Any]) -> None:
    link = "https://wallet.example.org/s/abc123"
    claim = export_elm_credential(original, share_link=link)["credentialSubject"]["hasClaim"]
    assert claim["supplementaryDocument"]["contentURL"] == link


# -- round trip: export, then read it back -------------------------------------------------
@pytest.fixture(scope="module")
def view(exported: dict[str, Any]) -> ElmCredentialView:
    return read_elm_credential(exported)


def _model() -> MicroCredential:
    return MicroCredential.from_open_badges(_example())


ROUND_TRIP: list[tuple[str, Any, Any]] = [
    ("title", lambda v: v.title, lambda m: m.achievement.title),
    ("learner", lambda v: v.learner_name, lambda m: m.subject.learner_name),
    ("learner id", lambda v: v.learner_id, lambda m: m.subject.id),
    ("awarding_body", lambda v: v.awarding_bodies[0].name, lambda m: m.issuer.name),
    ("country", lambda v: v.country.iri.rsplit("/", 1)[1], lambda m: "POL" if m.issuer.country == "PL" else None),
    ("issued", lambda v: v.issued, lambda m: m.awarded_date),
    ("outcomes", lambda v: v.learning_outcomes, lambda m: m.achievement.learning_outcomes),
    ("ects", lambda v: v.ects, lambda m: m.achievement.ects),
    ("workload_hours", lambda v: v.volume_of_learning, lambda m: m.achievement.volume_of_learning),
    ("eqf", lambda v: v.eqf_level.iri, lambda m: m.achievement.eqf_level),
    ("assessment", lambda v: v.type_of_assessment, lambda m: m.achievement.type_of_assessment),
    ("participation", lambda v: v.form_of_participation, lambda m: m.achievement.form_of_participation),
    ("quality", lambda v: v.quality_assurance, lambda m: m.achievement.type_of_quality_assurance),
    ("prerequisites", lambda v: v.entry_requirements, lambda m: (m.achievement.prerequisites,)),
    ("grade", lambda v: v.grade, lambda m: m.subject.grade),
    ("further", lambda v: v.further_information, lambda m: m.achievement.further_information),
    ("description", lambda v: v.description, lambda m: m.achievement.description),
]  # fmt: skip


@pytest.mark.parametrize(("element", "read", "model"), ROUND_TRIP, ids=[e[0] for e in ROUND_TRIP])
def test_reading_the_export_back_gives_each_element(
    view: ElmCredentialView, element: str, read: Any, model: Any
) -> None:
    expected = model(_model())
    assert expected is not None
    assert expected != ()
    assert read(view) == expected


def test_reading_the_export_back_gives_the_enumerations_in_words(view: ElmCredentialView) -> None:
    assert view.note("qf_ehea") == "First cycle"
    assert view.supervision == "Supervised on-site with ID verification"
    assert view.stackability == "Stackable. Part of: urn:uuid:46e07c4a-b1f8-4815-97cd-b1522302f930"


# -- variants: the other branches of the mapping ------------------------------------------
def _variant(**achievement: Any) -> dict[str, Any]:
    document = _example()
    document["credentialSubject"]["achievement"].update(achievement)
    return document


def test_a_form_of_participation_without_an_elm_mode_concept_is_a_note() -> None:
    view = read_elm_credential(export_elm_credential(_variant(formOfParticipation="Onsite")))
    assert view.modes == ()
    assert view.form_of_participation == "On-site"


def test_unsupervised_assessment_with_a_grade_has_the_elm_id_verification_concept() -> None:
    document = _variant(supervisionAndIdVerification="UnsupervisedNoIdVerification")
    view = read_elm_credential(export_elm_credential(document))
    assert view.id_verification is not None
    assert view.id_verification.iri == "http://data.europa.eu/snb/supervision-verification/c598449d64"
    assert view.supervision == "Unsupervised without ID Verification"


def test_without_a_grade_there_is_no_assessment_but_the_type_of_assessment_stays() -> None:
    document = _example()
    del document["credentialSubject"]["result"]
    exported = export_elm_credential(document)
    assert "provenBy" not in exported["credentialSubject"]["hasClaim"]
    view = read_elm_credential(exported)
    assert view.grade is None
    assert view.type_of_assessment == document["credentialSubject"]["achievement"]["typeOfAssessment"]


def test_a_polish_credential_is_tagged_polish_and_a_bare_date_becomes_a_date_time() -> None:
    document = _variant(inLanguage="pl-PL", name="Kurs analizy danych")
    document["validFrom"] = document["awardedDate"] = "2025-06-30"
    exported = export_elm_credential(document)
    assert exported["credentialSubject"]["hasClaim"]["title"] == {"pl": "Kurs analizy danych"}
    assert exported["displayParameter"]["primaryLanguage"]["id"].endswith("/language/POL")
    assert exported["issued"] == "2025-06-30T00:00:00Z"
    assert read_elm_credential(exported, language="pl").title == "Kurs analizy danych"


def test_credits_available_alone_become_ects_credit_points() -> None:
    document = _example()
    del document["credentialSubject"]["achievement"]["creditPoint"]
    view = read_elm_credential(export_elm_credential(document))
    assert view.ects == 3.0


def test_a_credential_without_an_achievement_is_refused() -> None:
    document = _example()
    del document["credentialSubject"]["achievement"]
    with pytest.raises(ValueError, match="no achievement"):
        export_elm_credential(document)


def test_safe_mode_refuses_the_export_with_a_term_the_edc_context_lacks(exported: dict[str, Any]) -> None:
    document = copy.deepcopy(exported)
    document["credentialSubject"]["hasClaim"]["specifiedBy"]["qfEheaLevel"] = "FirstCycle"
    with pytest.raises(UndefinedTermError, match="qfEheaLevel"):
        expand_safe(document)


def test_a_display_image_must_be_png_or_jpeg() -> None:
    with pytest.raises(ValueError, match="image/png or image/jpeg"):
        DisplayImage(b"GIF89a", "image/gif")


def test_an_enveloped_credential_has_nothing_to_export() -> None:
    envelope = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/dc+sd-jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln~",
    }
    with pytest.raises((TypeError, ValueError)):
        export_elm_credential(envelope)
