"""The claims of our ``vct``: which are always disclosed, which the holder may withhold, their labels,
and the mapping from an Open Badges micro-credential to the flat claim set and back (for display)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.model.elements import MANDATORY_ELEMENTS, SD_JWT_ELEMENT_CLAIMS
from plecak.core.model.micro_credential import MicroCredential, to_sd_jwt_claims
from plecak.core.model.vocabulary import eqf_iri

from .common import SdJwtError

__all__ = ["ALWAYS_DISCLOSED", "CLAIM_LABELS", "SELECTIVELY_DISCLOSABLE", "micro_credential_claims", "open_badges_form"]


#: A label a person reads for each claim of our ``vct``.
_LABELS: dict[str, str] = {
    "title": "Title of the micro-credential",
    "achievement_type": "Kind of achievement",
    "awarding_body": "Awarding body",
    "issuer_country": "Country of the issuer",
    "awarding_date": "Date of issuing",
    "learning_outcomes": "Learning outcomes",
    "ects": "Notional workload (ECTS)",
    "eqf_level": "EQF level",
    "type_of_assessment": "Type of assessment",
    "form_of_participation": "Form of participation",
    "type_of_quality_assurance": "Type of quality assurance",
    "name": "Learner's name",
    "grade": "Grade achieved",
    "grading_scheme": "Grading scheme",
    "credits_earned": "ECTS credits earned",
    "workload_hours": "Notional workload (hours)",
    "description": "Description",
    "qf_ehea_level": "QF-EHEA cycle",
    "nqf_level": "National qualifications framework level",
    "supervision_and_id_verification": "Supervision and identity verification",
    "prerequisites": "Prerequisites",
    "integration_stackability": "Integration and stackability",
    "is_part_of": "Stacks towards",
    "further_information": "Further information",
}

_MANDATORY_CLAIMS = tuple(
    c for key in MANDATORY_ELEMENTS for c in SD_JWT_ELEMENT_CLAIMS.get(key, ()) if c != "exp"
)

#: Claims in the signed payload itself: registered JWT/SD-JWT VC claims (which the SD-JWT VC
#: draft forbids making selectively disclosable), the achievement's id and the claims of the
#: elements every format always discloses (:data:`plecak.core.disclosure.MANDATORY_ELEMENTS`).
ALWAYS_DISCLOSED: tuple[str, ...] = (
    "iss",
    "iat",
    "nbf",
    "exp",
    "vct",
    "cnf",
    "status",
    "achievement_id",
    *_MANDATORY_CLAIMS,
)

#: Claims the holder may withhold (one disclosure each), with the label a person reads.
SELECTIVELY_DISCLOSABLE: dict[str, str] = {
    c: _LABELS[c]
    for claims in SD_JWT_ELEMENT_CLAIMS.values()
    for c in claims
    if c in _LABELS
    if c not in ALWAYS_DISCLOSED
}

CLAIM_LABELS: dict[str, str] = {
    "iss": "Issuer",
    "vct": "Credential type",
    "achievement_id": "Achievement",
    **_LABELS,
}

#: Claims that are about the token rather than the learner: not shown as credential content.
_TECHNICAL = frozenset({"iss", "iat", "nbf", "exp", "vct", "cnf", "status", "_sd", "_sd_alg"})


# -- issuing -----------------------------------------------------------------------------
def micro_credential_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The flat SD-JWT VC claim set for an (unsigned) Open Badges micro-credential of ours: read
    into the typed model and mapped by :func:`plecak.core.model.micro_credential.to_sd_jwt_claims`.

    Registered claims (``iss``, ``iat``, ``cnf``, ``status``…) are added by :func:`issue_sd_jwt_vc`.
    """
    try:
        model = MicroCredential.from_open_badges(credential)
        if model.achievement is None:
            raise ValueError("the credential has no credentialSubject.achievement")
        return to_sd_jwt_claims(model)
    except (TypeError, ValueError) as exc:
        raise SdJwtError(str(exc)) from exc


def open_badges_form(c: Mapping[str, Any], issuer_id: str) -> dict[str, Any]:
    """Disclosed SD-JWT VC claims in the Open Badges shape that the pages already know how to show.

    Only for display: the result is not a credential (no context, no proof).
    """
    bodies = c.get("awarding_body")
    first = bodies[0] if isinstance(bodies, list) and bodies and isinstance(bodies[0], Mapping) else {}
    issuer: dict[str, Any] = {"id": issuer_id}
    if first.get("name"):
        issuer["name"] = first["name"]
    if c.get("issuer_country"):
        issuer["address"] = {"addressCountryCode": c["issuer_country"]}
    achievement: dict[str, Any] = {
        "id": c.get("achievement_id"),
        "name": c.get("title"),
        "achievementType": c.get("achievement_type"),
        "description": c.get("description"),
        "learningOutcome": c.get("learning_outcomes"),
        "typeOfAssessment": c.get("type_of_assessment"),
        "formOfParticipation": c.get("form_of_participation"),
        "typeOfQualityAssurance": c.get("type_of_quality_assurance"),
        "qfEheaLevel": c.get("qf_ehea_level"),
        "nqfLevel": c.get("nqf_level"),
        "supervisionAndIdVerification": c.get("supervision_and_id_verification"),
        "prerequisites": c.get("prerequisites"),
        "integrationStackability": c.get("integration_stackability"),
        "isPartOf": c.get("is_part_of"),
        "furtherInformation": c.get("further_information"),
    }
    if c.get("ects") is not None:
        achievement["creditsAvailable"] = c["ects"]
    if c.get("eqf_level") is not None:
        achievement["eqfLevel"] = eqf_iri(c["eqf_level"])
    if isinstance(c.get("workload_hours"), int):
        achievement["volumeOfLearning"] = f"PT{c['workload_hours']}H"
    if isinstance(bodies, list) and bodies:
        achievement["awardingBody"] = bodies
    subject: dict[str, Any] = {"achievement": {k: v for k, v in achievement.items() if v is not None}}
    if c.get("name"):
        subject["name"] = c["name"]
    if c.get("grade") is not None:
        subject["result"] = [{"value": c["grade"], "resultDescription": "#grade"}]
        if c.get("grading_scheme"):
            subject["achievement"]["resultDescription"] = [{"id": "#grade", "name": c["grading_scheme"]}]
    return {"issuer": issuer, "awardedDate": c.get("awarding_date"), "credentialSubject": subject}
