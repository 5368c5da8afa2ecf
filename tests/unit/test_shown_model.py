"""The model's tolerant reading of any credential for showing (plecak.core.model.shown)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plecak.core.model.elements import ELEMENT_POINTERS
from plecak.core.model.micro_credential import MicroCredential
from plecak.core.model.reading import text_of, texts_of
from plecak.core.model.shown import ShownCredential, read_shown
from plecak.core.model.vocabulary import number_text
from support import VECTORS
from support.foreign_credentials import foreign_credentials, two_subjects

MICRO = VECTORS / "examples" / "microcredential-data-literacy.json"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("  Kurs  ", "Kurs"),
        ("   ", None),
        (3, "3"),
        (2.5, "2.5"),
        (4.0, "4"),
        (10**400, str(10**400)),
        (True, "true"),
        (False, "false"),
        ({"@value": "value object"}, "value object"),
        ({"pl": "tylko po polsku"}, "tylko po polsku"),
        ({"en": "English", "pl": "polski"}, "English"),
        ({"name": "Body", "id": "did:web:b"}, "Body"),
        ({"id": "did:web:b"}, "did:web:b"),
        ({"@value": "", "name": "fallback"}, "fallback"),
        ({"unknown": "x"}, None),
        (["a", {"en": "b"}, None, 3], "a; b; 3"),
        ([], None),
        (None, None),
    ],
)
def test_text_of_finds_the_readable_text_of_any_json_value(value: Any, text: str | None) -> None:
    assert text_of(value) == text


def test_texts_of_reads_a_single_value_as_a_set_of_one_and_skips_empty_items() -> None:
    assert texts_of("one") == ("one",)
    assert texts_of(["a", "", {"x": 1}, {"id": "urn:b"}]) == ("a", "urn:b")
    assert texts_of(None) == ()


@pytest.mark.parametrize(
    "document",
    [
        None,
        "a string",
        [1, 2],
        {},
        {"credentialSubject": "x", "issuer": [1, {"id": 2}], "type": {"a": 1}},
        {"credentialSubject": [1, {"achievement": []}], "validFrom": 5, "validUntil": {}},
        {
            "credentialSubject": {
                "identifier": "x",
                "result": [1, {"resultDescription": {"id": 1}}],
                "achievement": {
                    "creditPoint": ["x", {"framework": 1}],
                    "alignment": ["x", {"targetType": 3}],
                    "resultDescription": 3,
                    "awardingBody": [None, {}, 4],
                    "eqfLevel": {"deep": [[{"@value": {"@value": []}}]]},
                },
            }
        },
    ],
)
def test_reading_any_json_never_raises_and_names_every_element(document: Any) -> None:
    shown = read_shown(document)
    elements = shown.elements()
    assert list(elements) == list(ELEMENT_POINTERS)
    for key, value in elements.items():
        assert value is None or isinstance(value, str | tuple), key


def test_an_empty_document_states_no_element() -> None:
    shown = read_shown({})
    assert not any(shown.stated(key) for key in ELEMENT_POINTERS)
    assert shown == ShownCredential()


def test_our_credential_reads_as_the_strict_model_reads_it() -> None:
    document = json.loads(MICRO.read_text(encoding="utf-8"))
    model = MicroCredential.from_open_badges(document)
    shown = read_shown(document)
    ach, strict = shown.achievement, model.achievement
    assert strict is not None
    assert shown.title == strict.title
    assert ach.kind == strict.kind
    assert ach.outcomes == strict.learning_outcomes
    assert strict.ects is not None
    assert shown.ects == number_text(strict.ects)
    assert ach.eqf == str(strict.eqf)
    assert ach.workload == strict.volume_of_learning
    assert ach.participation == strict.form_of_participation
    assert ach.part_of == strict.is_part_of
    assert shown.learner == model.subject.learner_name
    assert shown.place.country_code == (
        model.issuer.address.country_code if model.issuer and model.issuer.address else None
    )
    assert shown.issued == (model.awarded_date or model.valid_from)
    for key in ("title", "kind", "awarding_body", "country", "issued", "outcomes", "ects", "eqf", "assessment"):
        assert shown.stated(key), key


def test_the_subject_shown_is_the_one_with_an_achievement() -> None:
    shown = read_shown(two_subjects())
    assert shown.title == "Second course"
    assert shown.learner == "Ewa Maj"
    assert shown.subject_ids == ("did:example:first", "did:example:second")


def test_a_foreign_credential_states_what_it_has_and_nothing_else() -> None:
    shown = read_shown(foreign_credentials()["vc2-unknown-subject"])
    assert shown.types == ("VerifiableCredential", "EmployeeCard")
    assert [key for key in ELEMENT_POINTERS if shown.stated(key)] == ["awarding_body", "issued"]
    assert shown.awarding_bodies == ("did:example:acme",)


def test_odd_shapes_become_text_and_keep_their_structure() -> None:
    shown = read_shown(foreign_credentials()["ob3-odd-shapes"])
    assert shown.title == "Data stewardship (course)"
    assert shown.ects == "4.5"  # the ECTS credit point, not another framework's, nor creditsAvailable
    assert shown.achievement.credits_available == "5 ECTS"
    assert shown.achievement.eqf == "6"
    assert shown.achievement.skills == ("manage data", "curate data")
    assert [(g.text, g.scheme) for g in shown.grades] == [("Distinction", "Honours"), ("5", "Marks 1-5")]
    assert shown.elements()["grade"] == "Distinction (Honours); 5 (Marks 1-5)"
    assert shown.supervision == "SupervisedOnsiteWithIdVerification"
    assert shown.achievement.further is None  # blank: not stated


def test_evidence_names_the_parts_a_stacked_certificate_cites() -> None:
    evidence = read_shown(foreign_credentials()["ob3-stacked"]).evidence
    assert [(e.id, e.name, e.digest, e.cites) for e in evidence] == [
        ("urn:uuid:part-1", "Part one", "uEiD1", True),
        ("urn:uuid:part-2", None, "uEiD2", True),
        ("urn:uuid:part-3", "Digest not text", None, True),
        (None, "No id", "uEiD4", True),
        ("urn:uuid:not-a-part", "No digest", None, False),
    ]
