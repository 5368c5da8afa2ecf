"""Our Open Badges 3.0 micro-credential as an unsigned European Digital Credential (ELM 3, EDC 3.2).

:func:`export_elm_credential` writes the EDC JSON-LD document (VC 1.1 envelope, the EDC context),
shaped like the European Commission's Annex I sample: the learner is the credential subject, whose
claim is a ``LearningAchievement`` specified by a ``Qualification``. The mapping of each Annex I
element, and where the elements ELM has no term for go, is the table in docs/elm.md.

The document carries no seal: it says so (display description and a note) and points to the
signed original (an identifier with its ``id``, and a supplementary document: the share link when
there is one). Node identifiers are derived from the original's ``id``, so one credential always
exports to the same document.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from plecak.core.model.micro_credential import LearnerResult, MicroCredential
from plecak.core.model.vocabulary import eqf_iri, eqf_level_of, number_text

from .nodes import MEDIA_TYPES, DisplayImage, ExportNodes, concept, date_time, is_iri
from .vocabulary import (
    CREDENTIAL_PROFILE_GENERIC,
    CREDENTIAL_PROFILE_SCHEME,
    ECTS_FRAMEWORK,
    EDC_CONTEXT,
    EDC_SHACL_VALIDATOR,
    EDUCATION_CREDIT_SCHEME,
    ENCODING_BASE64,
    ENCODING_SCHEME,
    ENUMERATION_LABELS,
    EQF_SCHEME,
    FILE_TYPE_AUTHORITY,
    FILE_TYPE_SCHEME,
    KNOWN_MODES,
    KNOWN_SUPERVISION,
    MODE_SCHEME,
    NQF_SCHEME,
    SUPERVISION_SCHEME,
    VC1_CONTEXT,
)

__all__ = ["ORIGINAL_SCHEME_NAME", "UNSEALED_NOTICE", "DisplayImage", "export_elm_credential"]

UNSEALED_NOTICE: dict[str, str] = {
    "en": "Unsealed copy of a signed Open Badges 3.0 credential, exported by the learner. It carries no "
    "eSeal: its authenticity rests on the original credential.",
    "pl": "Kopia bez pieczęci podpisanego poświadczenia Open Badges 3.0, wyeksportowana przez "
    "osobę uczącą się. Nie ma e-pieczęci: o jej autentyczności świadczy oryginalne poświadczenie.",
}
"""What the document says about itself (display description and a note), EN and PL."""
ORIGINAL_SCHEME_NAME = "Open Badges 3.0 credential (signed original)"


def _credit_points(b: ExportNodes) -> list[dict[str, Any]]:
    points = [(p.framework, p.point) for p in b.ach.credit_points if p.framework]
    if not points and b.ach.credits_available is not None:
        points = [(ECTS_FRAMEWORK, number_text(b.ach.credits_available))]
    out = []
    for i, (framework, point) in enumerate(points):
        ects = framework == ECTS_FRAMEWORK
        scheme, label = (EDUCATION_CREDIT_SCHEME, "European Credit Transfer System") if ects else (None, None)
        out.append(
            {
                "id": b.nid(f"creditPoint/{i}"),
                "type": "CreditPoint",
                "framework": concept(framework, scheme, label),
                "point": point,
            }
        )
    return out


def _element_notes(b: ExportNodes) -> list[dict[str, Any]]:
    ach = b.ach
    out = []
    if ach.qf_ehea_level:
        out.append(b.note("qf_ehea", ENUMERATION_LABELS[ach.qf_ehea_level], on="spec"))
    if ach.form_of_participation and ach.form_of_participation not in KNOWN_MODES:
        out.append(b.note("participation", ENUMERATION_LABELS[ach.form_of_participation], on="spec"))
    supervision = ach.supervision_and_id_verification or b.cred.subject.supervision_and_id_verification
    if supervision:
        out.append(b.note("supervision", ENUMERATION_LABELS[supervision], on="spec"))
    if ach.type_of_quality_assurance:
        out.append(b.note("quality", ach.type_of_quality_assurance, on="spec"))
    if ach.integration_stackability or ach.is_part_of:
        words = [ENUMERATION_LABELS[ach.integration_stackability]] if ach.integration_stackability else []
        if ach.is_part_of:
            words.append("Part of: " + ", ".join(ach.is_part_of))
        out.append(b.note("stackability", ". ".join(words), on="spec"))
    if ach.further_information:
        out.append(b.note("further", ach.further_information, on="spec"))
    return out


def _assessment_specification(b: ExportNodes) -> dict[str, Any] | None:
    if not b.ach.type_of_assessment:
        return None
    node: dict[str, Any] = {
        "id": b.nid("assessmentSpecification"),
        "type": "LearningAssessmentSpecification",
        "title": b.text(b.ach.type_of_assessment),
    }
    scheme = next((g for g in b.ach.grading if g.name and g.name.strip()), None)
    if scheme is not None and scheme.name:
        node["gradingScheme"] = {"id": b.nid("gradingScheme"), "type": "GradingScheme", "title": b.text(scheme.name)}
    return node


def _specification(b: ExportNodes) -> dict[str, Any]:
    ach = b.ach
    spec: dict[str, Any] = {"id": ach.id if is_iri(ach.id) else b.nid("qualification"), "type": "Qualification"}
    spec["title"] = b.text(ach.title or b.cred.name or "Micro-credential")
    if ach.description:
        spec["description"] = b.text(ach.description)
    spec["learningOutcome"] = [
        {"id": b.nid(f"learningOutcome/{i}"), "type": "LearningOutcome", "title": b.text(outcome)}
        for i, outcome in enumerate(ach.learning_outcomes)
    ]
    spec["creditPoint"] = _credit_points(b)
    if ach.volume_of_learning:
        spec["volumeOfLearning"] = ach.volume_of_learning
    level = eqf_level_of(ach.eqf_level)
    if level is not None:
        spec["eqfLevel"] = concept(eqf_iri(level), EQF_SCHEME, f"Level {level}")
    if is_iri(ach.nqf_level) and ach.nqf_level:
        scheme = NQF_SCHEME if ach.nqf_level.startswith(NQF_SCHEME.rsplit("/", 1)[0]) else None
        spec["nqfLevel"] = concept(ach.nqf_level, scheme, None)
    if ach.form_of_participation in KNOWN_MODES:
        iri, label = KNOWN_MODES[ach.form_of_participation]
        spec["mode"] = concept(iri, MODE_SCHEME, label)
    if ach.prerequisites:
        spec["entryRequirement"] = {
            "id": b.nid("entryRequirement"),
            "type": "Note",
            "noteLiteral": b.text(ach.prerequisites),
        }
    assessment = _assessment_specification(b)
    if assessment is not None:
        spec["provenBy"] = assessment
    spec["additionalNote"] = _element_notes(b)
    spec["language"] = b.language()
    return {k: v for k, v in spec.items() if v != []}


def _grade(subject: LearnerResult) -> str | None:
    for result in subject.results:
        for value in (result.value, result.achieved_level):
            if value and value.strip():
                return value
    return None


def _assessment(b: ExportNodes, spec: dict[str, Any], awarding: dict[str, Any]) -> dict[str, Any] | None:
    grade = _grade(b.cred.subject)
    if grade is None:
        return None
    node: dict[str, Any] = {
        "id": b.nid("assessment"),
        "type": "LearningAssessment",
        "title": b.text(b.ach.type_of_assessment or "Assessment"),
        "grade": {"id": b.nid("grade"), "type": "Note", "noteLiteral": b.text(grade)},
        "awardedBy": awarding,
    }
    if "provenBy" in spec:
        node["specifiedBy"] = spec["provenBy"]
    supervision = b.ach.supervision_and_id_verification or b.cred.subject.supervision_and_id_verification
    if supervision in KNOWN_SUPERVISION:
        iri, label = KNOWN_SUPERVISION[supervision]
        node["idVerification"] = concept(iri, SUPERVISION_SCHEME, label)
    return node


def _claim(b: ExportNodes, share_link: str | None) -> dict[str, Any]:
    spec = _specification(b)
    date = date_time(b.cred.awarded_date) or date_time(b.cred.valid_from)
    awarding: dict[str, Any] = {"id": b.nid("awardingProcess"), "type": "AwardingProcess"}
    awarding["awardingBody"] = b.awarding_bodies()
    if date:
        awarding["awardingDate"] = date
    claim: dict[str, Any] = {
        "id": b.nid("learningAchievement"),
        "type": "LearningAchievement",
        "title": spec["title"],
        "awardedBy": awarding,
        "specifiedBy": spec,
        "additionalNote": [b.note("unsealed", "", on="claim", literal=dict(UNSEALED_NOTICE))],
    }
    assessment = _assessment(b, spec, awarding)
    if assessment is not None:
        claim["provenBy"] = assessment
    original = share_link if is_iri(share_link) else b.cred.id if is_iri(b.cred.id) else None
    if original:
        claim["supplementaryDocument"] = {
            "id": b.nid("original"),
            "type": "WebResource",
            "title": {"en": "The original signed credential", "pl": "Oryginalne podpisane poświadczenie"},
            "contentURL": original,
        }
    return claim


def _learner(b: ExportNodes, claim: dict[str, Any]) -> dict[str, Any]:
    subject = b.cred.subject
    person: dict[str, Any] = {"id": subject.id if is_iri(subject.id) else b.nid("person"), "type": "Person"}
    if subject.learner_name:
        person["fullName"] = b.text(subject.learner_name)
    identifiers = [("DID" if (subject.id or "").startswith("did:") else "id", subject.id)] if is_iri(subject.id) else []
    identifiers += [
        (i.identity_type or "identifier", i.identity_hash)
        for i in subject.identifiers
        if i.hashed is False and i.identity_type != "name" and i.identity_hash
    ]
    if identifiers:
        person["identifier"] = [
            {"id": b.nid(f"learnerIdentifier/{i}"), "type": "Identifier", "notation": value, "schemeName": scheme}
            for i, (scheme, value) in enumerate(identifiers)
        ]
    person["hasClaim"] = claim
    return person


def _display(b: ExportNodes, image: DisplayImage | None) -> dict[str, Any]:
    display: dict[str, Any] = {
        "id": b.nid("displayParameter"),
        "type": "DisplayParameter",
        "title": b.text(b.cred.name or b.ach.title or "Micro-credential"),
        "description": dict(UNSEALED_NOTICE),
        "primaryLanguage": b.language(),
        "language": b.language(),
    }
    if image is not None:
        kind = MEDIA_TYPES[image.media_type]
        picture = {
            "id": b.nid("displayImage"),
            "type": "MediaObject",
            "content": base64.b64encode(image.content).decode("ascii"),
            "contentEncoding": concept(ENCODING_BASE64, ENCODING_SCHEME, "base64"),
            "contentType": concept(f"{FILE_TYPE_AUTHORITY}{kind}", FILE_TYPE_SCHEME, kind),
        }
        detail = {"id": b.nid("displayDetail"), "type": "DisplayDetail", "image": picture, "page": 1}
        display["individualDisplay"] = {
            "id": b.nid("individualDisplay"),
            "type": "IndividualDisplay",
            "language": b.language(),
            "displayDetail": detail,
        }
    return display


def export_elm_credential(
    credential: MicroCredential | Mapping[str, Any],
    *,
    share_link: str | None = None,
    display_image: DisplayImage | None = None,
) -> dict[str, Any]:
    """An unsigned EDC document (JSON) of ``credential`` (the typed model, or its Open Badges JSON).

    ``share_link``: where the signed original can be checked (else the original's ``id`` is the
    link); ``display_image``: a picture of the credential for Europass's display. Raises
    :class:`ValueError` when the credential has no achievement.
    """
    if not isinstance(credential, MicroCredential):
        credential = MicroCredential.from_open_badges(credential, lenient=True)
    achievement = credential.achievement
    if achievement is None:
        raise ValueError("the credential has no achievement to export")
    b = ExportNodes(credential, achievement)
    document: dict[str, Any] = {
        "@context": [VC1_CONTEXT, EDC_CONTEXT],
        "id": b.nid("europeanDigitalCredential"),
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": concept(CREDENTIAL_PROFILE_GENERIC, CREDENTIAL_PROFILE_SCHEME, "Generic"),
        "credentialSchema": {"id": EDC_SHACL_VALIDATOR, "type": "ShaclValidator2017"},
        "displayParameter": _display(b, display_image),
    }
    if is_iri(credential.id):
        document["identifier"] = {
            "id": b.nid("originalIdentifier"),
            "type": "Identifier",
            "notation": credential.id,
            "schemeName": ORIGINAL_SCHEME_NAME,
        }
    document["issuer"] = b.organisation(None, "issuer")
    issued = date_time(credential.awarded_date) or date_time(credential.valid_from)
    valid_from = date_time(credential.valid_from) or issued
    for key, value in (("issued", issued), ("issuanceDate", issued), ("validFrom", valid_from)):
        if value:
            document[key] = value
    valid_until = date_time(credential.valid_until)
    if valid_until:
        document["validUntil"] = valid_until
    document["credentialSubject"] = _learner(b, _claim(b, share_link))
    return document
