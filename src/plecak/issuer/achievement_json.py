"""From the registrar's checked input to the Open Badges 3.0 ``Achievement`` (with its EU micro-credential
elements) and the fact sheet that lists them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ECTS_FRAMEWORK", "EQF_IRI", "build_achievement", "fact_sheet"]


ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
EQF_IRI = "http://data.europa.eu/snb/eqf/{}"

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


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


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
    workload = f"{_number(data['ects'])} ECTS"
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


# long: one statement per Open Badges property, in the order of the issued JSON
def build_achievement(
    achievement_id: str, data: Mapping[str, Any], issuer: Mapping[str, Any]
) -> dict[str, Any]:
    """The Open Badges 3.0 ``Achievement`` (with Plecak extension terms) for validated input."""
    ach: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": data.get("achievementType", "MicroCredential"),
        "name": data["name"],
        "description": data["description"],
        "criteria": {"narrative": fact_sheet(data, issuer)},
    }
    if data.get("image"):
        ach["image"] = {"id": data["image"], "type": "Image"}
    for key in ("inLanguage", "fieldOfStudy", "humanCode"):
        if data.get(key):
            ach[key] = data[key]
    ach["creditsAvailable"] = data["ects"]
    alignments = [dict(a, type=["Alignment"]) for a in data.get("alignments", [])]
    alignments.append(
        {
            "type": ["Alignment"],
            "targetName": f"EQF level {data['eqfLevel']}",
            "targetUrl": EQF_IRI.format(data["eqfLevel"]),
            "targetCode": str(data["eqfLevel"]),
            "targetFramework": "European Qualifications Framework (EQF)",
            "targetType": "ext:EQFLevel",
        }
    )
    ach["alignment"] = alignments
    grading = data.get("grading")
    if grading:
        rd: dict[str, Any] = {
            "id": f"{achievement_id}#grade",
            "type": ["ResultDescription"],
            "name": grading["name"],
            "resultType": "Result",
        }
        if grading.get("allowedValues"):
            rd["allowedValue"] = grading["allowedValues"]
        if grading.get("requiredValue"):
            rd["requiredValue"] = grading["requiredValue"]
        ach["resultDescription"] = [rd]
    ach["learningOutcome"] = list(data["learningOutcomes"])
    if data.get("workloadHours"):
        ach["volumeOfLearning"] = f"PT{data['workloadHours']}H"
    ach["creditPoint"] = [
        {"type": "CreditPoint", "framework": ECTS_FRAMEWORK, "point": _number(data["ects"])}
    ]
    ach["eqfLevel"] = EQF_IRI.format(data["eqfLevel"])
    for key in (
        "nqfLevel",
        "qfEheaLevel",
        "typeOfAssessment",
        "formOfParticipation",
        "supervisionAndIdVerification",
        "typeOfQualityAssurance",
        "prerequisites",
        "integrationStackability",
        "isPartOf",
        "furtherInformation",
    ):
        if data.get(key):
            ach[key] = data[key]
    if data.get("awardingBodies"):
        ach["awardingBody"] = [
            {
                "id": b["id"],
                "type": ["Profile"],
                "name": b["name"],
                **({"url": b["url"]} if b.get("url") else {}),
            }
            for b in data["awardingBodies"]
        ]
    return ach
