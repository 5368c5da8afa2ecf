"""The claims of our ``vct``: which are always disclosed, which the holder may withhold, their labels,
and the mapping from an Open Badges micro-credential to the flat claim set and back (for display)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.model.elements import MANDATORY_ELEMENTS, SD_JWT_ELEMENT_CLAIMS

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
def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


# long: one mapping per Annex I element, read top to bottom against docs/sd-jwt-vc.md
def micro_credential_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The flat SD-JWT VC claim set for an (unsigned) Open Badges micro-credential of ours.

    Registered claims (``iss``, ``iat``, ``cnf``, ``status``…) are added by :func:`issue_sd_jwt_vc`.
    """
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or not isinstance(subject.get("achievement"), Mapping):
        raise SdJwtError("the credential has no credentialSubject.achievement")
    ach: Mapping[str, Any] = subject["achievement"]
    issuer = credential.get("issuer")
    issuer_obj: Mapping[str, Any] = issuer if isinstance(issuer, Mapping) else {}
    address = issuer_obj.get("address") if isinstance(issuer_obj.get("address"), Mapping) else {}
    assert isinstance(address, Mapping)
    claims: dict[str, Any] = {
        "achievement_id": ach.get("id"),
        "title": ach.get("name"),
        "achievement_type": ach.get("achievementType"),
    }
    bodies = ach.get("awardingBody")
    if isinstance(bodies, list) and bodies:
        claims["awarding_body"] = [
            {k: v for k, v in (("id", b.get("id")), ("name", b.get("name"))) if v}
            for b in bodies
            if isinstance(b, Mapping)
        ]
    else:
        claims["awarding_body"] = [
            {k: v for k, v in (("id", issuer_obj.get("id")), ("name", issuer_obj.get("name"))) if v}
        ]
    country = address.get("addressCountryCode") or address.get("addressCountry")
    if country:
        claims["issuer_country"] = country
    date = _text(credential.get("awardedDate")) or _text(credential.get("validFrom"))
    if date:
        claims["awarding_date"] = date[:10]
    if isinstance(ach.get("learningOutcome"), list):
        claims["learning_outcomes"] = list(ach["learningOutcome"])
    points = ach.get("creditPoint")
    if isinstance(points, list) and points and isinstance(points[0], Mapping):
        try:
            claims["ects"] = float(points[0]["point"])
        except (KeyError, TypeError, ValueError):
            pass
    elif isinstance(ach.get("creditsAvailable"), int | float):
        claims["ects"] = float(ach["creditsAvailable"])
    if isinstance(claims.get("ects"), float) and claims["ects"].is_integer():
        claims["ects"] = int(claims["ects"])
    eqf = _text(ach.get("eqfLevel"))
    if eqf and eqf.rsplit("/", 1)[-1].isdigit():
        claims["eqf_level"] = int(eqf.rsplit("/", 1)[-1])
    for source, target in (
        ("typeOfAssessment", "type_of_assessment"),
        ("formOfParticipation", "form_of_participation"),
        ("typeOfQualityAssurance", "type_of_quality_assurance"),
        # selectively disclosable
        ("description", "description"),
        ("qfEheaLevel", "qf_ehea_level"),
        ("nqfLevel", "nqf_level"),
        ("supervisionAndIdVerification", "supervision_and_id_verification"),
        ("prerequisites", "prerequisites"),
        ("integrationStackability", "integration_stackability"),
        ("furtherInformation", "further_information"),
    ):
        if ach.get(source):
            claims[target] = ach[source]
    if isinstance(ach.get("isPartOf"), list) and ach["isPartOf"]:
        claims["is_part_of"] = list(ach["isPartOf"])
    volume = _text(ach.get("volumeOfLearning"))
    if volume and volume.startswith("PT") and volume.endswith("H") and volume[2:-1].isdigit():
        claims["workload_hours"] = int(volume[2:-1])
    if _text(subject.get("name")):
        claims["name"] = subject["name"]
    else:
        for ident in subject.get("identifier") or []:
            if (
                isinstance(ident, Mapping)
                and ident.get("identityType") == "name"
                and ident.get("hashed") is False
                and _text(ident.get("identityHash"))
            ):
                claims["name"] = ident["identityHash"]
                break
    earned = subject.get("creditsEarned")
    if isinstance(earned, int | float) and not isinstance(earned, bool):
        claims["credits_earned"] = earned
    results = subject.get("result")
    if isinstance(results, list) and results and isinstance(results[0], Mapping):
        if results[0].get("value") is not None:
            claims["grade"] = str(results[0]["value"])
    descriptions = ach.get("resultDescription")
    if isinstance(descriptions, list) and descriptions and isinstance(descriptions[0], Mapping):
        if _text(descriptions[0].get("name")):
            claims["grading_scheme"] = descriptions[0]["name"]
    return {k: v for k, v in claims.items() if v is not None}


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
        achievement["eqfLevel"] = f"http://data.europa.eu/snb/eqf/{c['eqf_level']}"
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
