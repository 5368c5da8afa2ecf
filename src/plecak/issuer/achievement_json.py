"""From the registrar's checked input to the Open Badges 3.0 ``Achievement`` (with its EU micro-credential
elements) and the fact sheet that lists them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.model.micro_credential import Achievement, CreditPoint, GradingScheme, Organisation
from plecak.core.model.vocabulary import ECTS_FRAMEWORK, EQF_ALIGNMENT_TYPE, EQF_FRAMEWORK_NAME, eqf_iri, number_text

__all__ = ["achievement_model", "build_achievement", "fact_sheet"]

_READABLE = {
    "Online": "online",
    "Onsite": "onsite",
    "Blended": "blended (online and onsite)",
    "Volunteering": "volunteering",
    "WorkExperience": "work experience",
    "ShortCycle": "short cycle",
    "FirstCycle": "first cycle",
    "SecondCycle": "second cycle",
    "ThirdCycle": "third cycle",
    "UnsupervisedNoIdVerification": "unsupervised, without identity verification",
    "SupervisedNoIdVerification": "supervised, without identity verification",
    "SupervisedOnlineWithIdVerification": "supervised online with identity verification",
    "SupervisedOnsiteWithIdVerification": "supervised onsite with identity verification",
    "StandAlone": "stand-alone",
    "Stackable": "stackable towards a larger credential",
}


def fact_sheet(data: Mapping[str, Any], issuer: Mapping[str, Any]) -> str:
    """The Annex I fact sheet in Markdown, generated from the structured fields."""
    place = ", ".join(
        str(p)
        for p in (
            issuer.get("addressLocality"),
            issuer.get("addressRegion"),
            issuer.get("addressCountry") or issuer.get("addressCountryCode"),
        )
        if p
    )
    bodies = data.get("awardingBodies") or [{"name": issuer.get("name")}]
    lines = []
    if data.get("criteria"):
        lines += [str(data["criteria"]), ""]
    lines += ["**EU micro-credential information (Council Recommendation 2022/C 243/02, Annex I)**", ""]
    lines.append(f"- Title: {data['name']}")
    lines.append(
        f"- Awarding body: {'; '.join(str(b['name']) for b in bodies)}" + (f" ({place})" if place else "")
    )
    workload = f"{number_text(data['ects'])} ECTS"
    if data.get("workloadHours"):
        workload += f" ({data['workloadHours']} hours)"
    lines.append(f"- Notional workload: {workload}")
    level = f"EQF {data['eqfLevel']}"
    if data.get("qfEheaLevel"):
        level += f" / QF-EHEA {_READABLE[data['qfEheaLevel']]}"
    lines.append(f"- Level: {level}")
    lines.append("- Learning outcomes:")
    lines += [f"  - {o}" for o in data["learningOutcomes"]]
    lines.append(f"- Type of assessment: {data['typeOfAssessment']}")
    lines.append(f"- Form of participation: {_READABLE[data['formOfParticipation']]}")
    if data.get("supervisionAndIdVerification"):
        lines.append(
            f"- Supervision and identity verification: {_READABLE[data['supervisionAndIdVerification']]}"
        )
    lines.append(f"- Quality assurance: {data['typeOfQualityAssurance']}")
    if data.get("prerequisites"):
        lines.append(f"- Prerequisites: {data['prerequisites']}")
    if data.get("grading"):
        lines.append(f"- Grading: {data['grading']['name']}")
    if data.get("integrationStackability"):
        lines.append(f"- Integration and stackability: {_READABLE[data['integrationStackability']]}")
    if data.get("furtherInformation"):
        lines.append(f"- Further information: {data['furtherInformation']}")
    return "\n".join(lines)


def _alignments(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The registrar's alignments (ESCO skills…) and the EQF level as an alignment, for displayers
    that show alignments but not our extension terms."""
    alignments = [dict(a, type=["Alignment"]) for a in data.get("alignments", [])]
    alignments.append(
        {
            "type": ["Alignment"],
            "targetName": f"EQF level {data['eqfLevel']}",
            "targetUrl": eqf_iri(data["eqfLevel"]),
            "targetCode": str(data["eqfLevel"]),
            "targetFramework": EQF_FRAMEWORK_NAME,
            "targetType": EQF_ALIGNMENT_TYPE,
        }
    )
    return alignments


def _grading(achievement_id: str, grading: Mapping[str, Any] | None) -> tuple[GradingScheme, ...]:
    if not grading:
        return ()
    return (
        GradingScheme(
            id=f"{achievement_id}#grade",
            name=grading["name"],
            result_type="Result",
            allowed_values=tuple(grading.get("allowedValues") or ()),
            required_value=grading.get("requiredValue") or None,
            extra={"type": ["ResultDescription"]},
        ),
    )


def achievement_model(achievement_id: str, data: Mapping[str, Any], issuer: Mapping[str, Any]) -> Achievement:
    """The typed :class:`Achievement` for validated registrar input (``issuer``: the profile, for
    the fact sheet)."""
    extra: dict[str, Any] = {
        "type": ["Achievement"],
        "criteria": {"narrative": fact_sheet(data, issuer)},
    }
    if data.get("image"):
        extra["image"] = {"id": data["image"], "type": "Image"}
    for key in ("inLanguage", "fieldOfStudy", "humanCode"):
        if data.get(key):
            extra[key] = data[key]
    extra["alignment"] = _alignments(data)
    bodies = tuple(
        Organisation(id=b["id"], name=b["name"], url=b.get("url") or None, extra={"type": ["Profile"]})
        for b in data.get("awardingBodies") or ()
    )
    return Achievement(
        id=achievement_id,
        title=data["name"],
        kind=data.get("achievementType", "MicroCredential"),
        description=data["description"],
        learning_outcomes=tuple(data["learningOutcomes"]),
        credits_available=data["ects"],
        credit_points=(CreditPoint(ECTS_FRAMEWORK, number_text(data["ects"])),),
        volume_of_learning=f"PT{data['workloadHours']}H" if data.get("workloadHours") else None,
        eqf_level=eqf_iri(data["eqfLevel"]),
        nqf_level=data.get("nqfLevel") or None,
        qf_ehea_level=data.get("qfEheaLevel") or None,
        type_of_assessment=data.get("typeOfAssessment") or None,
        form_of_participation=data.get("formOfParticipation") or None,
        supervision_and_id_verification=data.get("supervisionAndIdVerification") or None,
        type_of_quality_assurance=data.get("typeOfQualityAssurance") or None,
        prerequisites=data.get("prerequisites") or None,
        grading=_grading(achievement_id, data.get("grading")),
        integration_stackability=data.get("integrationStackability") or None,
        is_part_of=tuple(data.get("isPartOf") or ()),
        further_information=data.get("furtherInformation") or None,
        awarding_bodies=bodies,
        extra=extra,
    )


def build_achievement(
    achievement_id: str, data: Mapping[str, Any], issuer: Mapping[str, Any]
) -> dict[str, Any]:
    """The Open Badges 3.0 ``Achievement`` (with Plecak extension terms) for validated input."""
    return achievement_model(achievement_id, data, issuer).to_open_badges()
