"""The typed micro-credential model: Open Badges round trips, SD-JWT VC claims, and errors naming the member."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from plecak.core.model.micro_credential import (
    Achievement,
    CreditPoint,
    Issuer,
    LearnerResult,
    MicroCredential,
    from_open_badges,
    to_open_badges,
    to_sd_jwt_claims,
)
from plecak.core.model.vocabulary import ECTS_FRAMEWORK, eqf_iri
from plecak.core.sdjwt import SdJwtError, micro_credential_claims
from plecak.issuer.achievements import build_achievement, normalise_input
from plecak.issuer.demo import DEMO_ACHIEVEMENTS, DEMO_PROFILE
from plecak.issuer.profile import issuer_object
from plecak.issuer.subject import achievement_subject
from support import VECTORS

EXAMPLES = sorted((VECTORS / "examples").glob("*.json"))
MICRO = VECTORS / "examples" / "microcredential-data-literacy.json"
SRC = Path(__file__).resolve().parents[2] / "src" / "plecak"


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_open_badges_credential_round_trips_through_the_model_unchanged(path: Path) -> None:
    document = _load(path)
    model = from_open_badges(document)
    assert isinstance(model, MicroCredential)
    assert to_open_badges(model) == document


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_achievement_alone_round_trips_through_the_model_unchanged(path: Path) -> None:
    achievement = _load(path)["credentialSubject"]["achievement"]
    model = from_open_badges(achievement)
    assert isinstance(model, Achievement)
    assert model.to_open_badges() == achievement


def test_the_model_reads_every_annex_i_element_of_the_example() -> None:
    model = MicroCredential.from_open_badges(_load(MICRO))
    ach = model.achievement
    assert ach is not None
    assert ach.title == "Data Literacy Compact Course"
    assert ach.kind == "MicroCredential"
    assert len(ach.learning_outcomes) == 4
    assert ach.ects == 3.0
    assert ach.credit_points == (CreditPoint(ECTS_FRAMEWORK, "3", {}),)
    assert (ach.eqf, ach.eqf_level) == (6, eqf_iri(6))
    assert ach.qf_ehea_level == "FirstCycle"
    assert ach.workload_hours == 75
    assert ach.form_of_participation == "Blended"
    assert ach.supervision_and_id_verification == "SupervisedOnsiteWithIdVerification"
    assert ach.type_of_assessment
    assert ach.type_of_quality_assurance
    assert ach.prerequisites
    assert ach.integration_stackability == "Stackable"
    assert ach.is_part_of == ("urn:uuid:46e07c4a-b1f8-4815-97cd-b1522302f930",)
    assert ach.grading[0].allowed_values[-1] == "5.0"
    assert ach.further_information
    assert model.issuer is not None
    assert model.issuer.country == "PL"
    assert model.subject.learner_name == "Anna Kowalska"
    assert (model.subject.grade, model.subject.credits_earned) == ("4.5", 3)
    assert "alignment" in ach.extra  # kept as it was, not modelled


def test_sd_jwt_claims_of_the_example_are_what_the_issuer_has_always_issued() -> None:
    claims = to_sd_jwt_claims(MicroCredential.from_open_badges(_load(MICRO)))
    assert claims == {
        "achievement_id": "urn:uuid:f2a8970c-a3b1-4413-b041-5c8a64392763",
        "title": "Data Literacy Compact Course",
        "achievement_type": "MicroCredential",
        "learning_outcomes": [
            "Locate, access and critically evaluate the quality and reliability of data sources.",
            "Clean, describe and analyse small tabular datasets with spreadsheet tools.",
            "Choose and build appropriate charts and communicate data-based findings to non-specialists.",
            "Recognise ethical and legal (GDPR) constraints on the use of personal data.",
        ],
        "ects": 3,
        "eqf_level": 6,
        "type_of_assessment": "Online quiz (40%) and practical data-analysis project with oral defence (60%).",
        "form_of_participation": "Blended",
        "type_of_quality_assurance": (
            "Internal quality assurance system of Warsaw University of Technology (ESG Part 1); "
            "the institution is externally reviewed by the Polish Accreditation Committee (PKA)."
        ),
        "description": (
            "Short course on finding, evaluating, analysing, visualising and communicating data. "
            "3 ECTS (75 h notional workload), EQF level 6, blended delivery, supervised onsite "
            "assessment with ID check. Stackable towards the Certificate in Data Literacy."
        ),
        "qf_ehea_level": "FirstCycle",
        "supervision_and_id_verification": "SupervisedOnsiteWithIdVerification",
        "prerequisites": "Basic spreadsheet skills; English at B2 level.",
        "integration_stackability": "Stackable",
        "further_information": (
            "Offered in English within the ENHANCE European University alliance. Illustrative example data."
        ),
        "is_part_of": ["urn:uuid:46e07c4a-b1f8-4815-97cd-b1522302f930"],
        "workload_hours": 75,
        "grading_scheme": "Final grade (WUT grading scale 2.0-5.0)",
        "awarding_body": [{"id": "did:web:issuer.example.org:wut", "name": "Warsaw University of Technology"}],
        "issuer_country": "PL",
        "awarding_date": "2025-06-30",
        "name": "Anna Kowalska",
        "credits_earned": 3,
        "grade": "4.5",
    }
    assert micro_credential_claims(_load(MICRO)) == claims


@pytest.mark.parametrize("index", range(len(DEMO_ACHIEVEMENTS)))
def test_issuer_built_credential_maps_to_sd_jwt_claims_of_its_input(index: int) -> None:
    clean = normalise_input(DEMO_ACHIEVEMENTS[index])
    achievement = build_achievement("https://issuer.example/achievements/1", clean, DEMO_PROFILE)
    assert Achievement.from_open_badges(achievement).to_open_badges() == achievement
    credential = {
        "issuer": issuer_object("did:web:issuer.example", DEMO_PROFILE),
        "validFrom": "2026-12-07T10:00:00Z",
        "awardedDate": "2026-12-07T10:00:00Z",
        "credentialSubject": achievement_subject(achievement, {"name": "Jan Nowak"}, None),
    }
    claims = micro_credential_claims(credential)
    assert claims["title"] == clean["name"]
    assert claims["ects"] == clean["ects"]
    assert claims["eqf_level"] == clean["eqfLevel"]
    assert claims["learning_outcomes"] == clean["learningOutcomes"]
    assert claims["form_of_participation"] == clean["formOfParticipation"]
    assert claims["awarding_date"] == "2026-12-07"
    assert claims["name"] == "Jan Nowak"
    assert ("workload_hours" in claims) == bool(clean.get("workloadHours"))


def test_missing_optional_elements_stay_absent_in_every_form() -> None:
    document = {
        "issuer": "did:web:issuer.example",
        "credentialSubject": {"achievement": {"id": "urn:uuid:1", "name": "Tiny course"}},
    }
    model = MicroCredential.from_open_badges(document)
    ach = model.achievement
    assert ach is not None
    assert (ach.ects, ach.eqf, ach.workload_hours, ach.qf_ehea_level, ach.learning_outcomes) == (
        None,
        None,
        None,
        None,
        (),
    )
    assert model.subject.learner_name is None
    assert model.to_open_badges() == document
    assert to_sd_jwt_claims(model) == {
        "achievement_id": "urn:uuid:1",
        "title": "Tiny course",
        "awarding_body": [{"id": "did:web:issuer.example"}],
    }


def test_ects_comes_from_the_ects_credit_point_before_credits_available() -> None:
    ach = Achievement.from_open_badges(
        {"creditsAvailable": 4, "creditPoint": [{"framework": ECTS_FRAMEWORK, "point": "2.5"}]}
    )
    assert ach.ects == 2.5
    assert Achievement.from_open_badges({"creditsAvailable": 4}).ects == 4.0
    other = Achievement.from_open_badges({"creditPoint": [{"framework": "urn:x:other", "point": "7"}]})
    assert other.ects is None


@pytest.mark.parametrize(
    ("change", "error", "member"),
    [
        (lambda a: a.update(name=["not", "text"]), TypeError, "credential.credentialSubject.achievement.name"),
        (lambda a: a.update(creditsAvailable="3"), TypeError, "achievement.creditsAvailable"),
        (lambda a: a.update(creditsAvailable=True), TypeError, "achievement.creditsAvailable"),
        (lambda a: a.update(learningOutcome=["ok", 5]), TypeError, "achievement.learningOutcome[1]"),
        (lambda a: a["creditPoint"][0].update(point="three"), ValueError, "achievement.creditPoint[0].point"),
        (lambda a: a.update(formOfParticipation="Hybrid"), ValueError, "achievement.formOfParticipation"),
        (lambda a: a.update(qfEheaLevel="Cycle1"), ValueError, "achievement.qfEheaLevel"),
        (lambda a: a.update(resultDescription=["x"]), TypeError, "achievement.resultDescription[0]"),
        (lambda a: a.update(awardingBody=[7]), TypeError, "achievement.awardingBody[0]"),
    ],
)
def test_wrong_types_and_values_raise_naming_the_member(change: Any, error: type[Exception], member: str) -> None:
    document = _load(MICRO)
    change(document["credentialSubject"]["achievement"])
    with pytest.raises(error, match=member.replace("[", r"\[").replace(".", r"\.")):
        MicroCredential.from_open_badges(document)


def test_wrong_shapes_outside_the_achievement_name_their_member() -> None:
    document = _load(MICRO)
    bad = copy.deepcopy(document)
    bad["credentialSubject"]["creditsEarned"] = "3"
    with pytest.raises(TypeError, match=r"credentialSubject\.creditsEarned"):
        MicroCredential.from_open_badges(bad)
    bad = copy.deepcopy(document)
    bad["issuer"]["address"] = "Warszawa"
    with pytest.raises(TypeError, match=r"credential\.issuer\.address"):
        MicroCredential.from_open_badges(bad)
    bad = copy.deepcopy(document)
    bad["credentialSubject"]["identifier"][0]["hashed"] = "no"
    with pytest.raises(TypeError, match=r"identifier\[0\]\.hashed"):
        MicroCredential.from_open_badges(bad)
    with pytest.raises(TypeError, match="credentialSubject must be a JSON object"):
        MicroCredential.from_open_badges({"credentialSubject": [1]})


def test_sd_jwt_mapping_reports_a_bad_credential_as_an_sd_jwt_error() -> None:
    with pytest.raises(SdJwtError, match="achievement"):
        micro_credential_claims({"credentialSubject": {"id": "did:example:1"}})
    document = _load(MICRO)
    document["credentialSubject"]["achievement"]["eqfLevel"] = 6
    with pytest.raises(SdJwtError, match=r"achievement\.eqfLevel"):
        micro_credential_claims(document)


def test_issuer_and_awarding_body_given_as_iris_stay_iris() -> None:
    issuer = Issuer.from_open_badges("did:web:a.example")
    assert issuer.to_open_badges() == "did:web:a.example"
    subject = LearnerResult.from_open_badges({"achievement": {"awardingBody": ["https://b.example"]}})
    assert subject.to_open_badges() == {"achievement": {"awardingBody": ["https://b.example"]}}


def test_the_eu_vocabulary_iris_are_defined_once_in_the_source() -> None:
    hits = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if "6fcec5c5af" in path.read_text(encoding="utf-8")
    ]
    assert hits == ["core/model/vocabulary.py"]


def test_lenient_reading_leaves_out_what_is_ill_shaped_and_keeps_the_rest() -> None:
    achievement = {
        "name": {"en": "A language map"},
        "formOfParticipation": "Hybrid",
        "learningOutcome": ["kept", 3],
        "creditPoint": [
            {"framework": ECTS_FRAMEWORK, "point": "many"},
            {"framework": ECTS_FRAMEWORK, "point": 10**400},
            {"framework": ECTS_FRAMEWORK, "point": "0"},
            {"framework": ECTS_FRAMEWORK, "point": "4"},
        ],
        "awardingBody": [7, {"name": "Kept body"}],
        "creditsAvailable": 10**400,
    }
    with pytest.raises(TypeError):
        Achievement.from_open_badges(achievement)
    ach = Achievement.from_open_badges(achievement, lenient=True)
    assert ach.title is None
    assert ach.form_of_participation is None
    assert ach.learning_outcomes == ("kept",)
    assert [p.point for p in ach.credit_points] == ["0", "4"]
    assert ach.ects == 4.0  # a credit point of 0 credits says nothing about the workload
    assert ach.credits_available is None
    assert [b.name for b in ach.awarding_bodies] == ["Kept body"]
