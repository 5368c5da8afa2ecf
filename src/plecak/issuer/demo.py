"""Demo data for `plecak up`: a fictional university with two micro-credential achievements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .service import IssuerService

__all__ = ["DEMO_ACHIEVEMENTS", "DEMO_PROFILE", "seed_demo"]

DEMO_PROFILE: dict[str, Any] = {
    "name": "Demo University of Technology",
    "url": "https://university.example",
    "addressCountry": "Poland",
    "addressCountryCode": "PL",
    "addressRegion": "Mazowieckie",
    "addressLocality": "Warszawa",
}

DEMO_ACHIEVEMENTS: list[dict[str, Any]] = [
    {
        "name": "Data Literacy Compact Course",
        "description": "Finding, evaluating, analysing, visualising and communicating data.",
        "criteria": "Pass the online quiz and the supervised practical project (final grade at least 3.0).",
        "learningOutcomes": [
            "Locate, access and critically evaluate data sources.",
            "Clean, describe and analyse small tabular datasets with spreadsheet tools.",
            "Choose appropriate charts and communicate findings to non-specialists.",
            "Recognise ethical and legal (GDPR) constraints on the use of personal data.",
        ],
        "ects": 3,
        "workloadHours": 75,
        "eqfLevel": 6,
        "qfEheaLevel": "FirstCycle",
        "typeOfAssessment": "Online quiz (40%) and practical data-analysis project with oral defence (60%).",
        "formOfParticipation": "Blended",
        "supervisionAndIdVerification": "SupervisedOnsiteWithIdVerification",
        "typeOfQualityAssurance": "Internal quality assurance system of the university (ESG Part 1), "
        "externally reviewed by the national accreditation agency.",
        "prerequisites": "Basic spreadsheet skills; English at B2 level.",
        "integrationStackability": "Stackable",
        "furtherInformation": "Demo data: not a real course.",
        "humanCode": "DUT-DL-101",
        "inLanguage": "en",
        "grading": {
            "name": "Final grade (2.0-5.0 scale)",
            "allowedValues": ["2.0", "3.0", "3.5", "4.0", "4.5", "5.0"],
            "requiredValue": "3.0",
        },
        "alignments": [
            {
                "targetName": "perform data analysis",
                "targetUrl": "http://data.europa.eu/esco/skill/2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f",
                "targetFramework": "ESCO",
                "targetType": "ext:ESCOSkill",
            }
        ],
    },
    {
        "name": "Climate Action Foundations",
        "description": "Climate science basics, mitigation and adaptation policy, "
        "and personal and civic action.",
        "learningOutcomes": [
            "Explain the physical basis of climate change and its main impacts in Europe.",
            "Compare mitigation and adaptation measures and their trade-offs.",
            "Design a small climate action plan for a local community or organisation.",
        ],
        "ects": 4,
        "workloadHours": 100,
        "eqfLevel": 6,
        "typeOfAssessment": "Written online exam and a group project report.",
        "formOfParticipation": "Online",
        "supervisionAndIdVerification": "SupervisedOnlineWithIdVerification",
        "typeOfQualityAssurance": "Internal quality assurance system of the university (ESG Part 1).",
        "integrationStackability": "StandAlone",
        "furtherInformation": "Demo data: not a real course.",
        "humanCode": "DUT-CA-110",
        "inLanguage": "en",
    },
]


async def seed_demo(service: IssuerService) -> bool:
    """Create the demo profile and achievements once; later starts leave the data alone."""
    if await service.store.count_achievements() or not await service.store.mark_demo_seeded():
        return False
    if not await service.store.get_profile():
        await service.set_profile(DEMO_PROFILE)
    for achievement in DEMO_ACHIEVEMENTS:
        await service.achievement_records.create(achievement)
    return True
