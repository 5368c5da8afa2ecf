"""The two example pathways of issue 6 as rules, and unsigned credentials that fit them."""

from __future__ import annotations

import uuid
from typing import Any

ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
PW = "did:web:pw.example"  # Poland
UW = "did:web:uw.example"  # Poland
TUM = "did:web:tum.example"  # Germany
COUNTRY = {PW: "PL", UW: "PL", TUM: "DE"}


def ach(slug: str) -> str:
    return f"https://courses.example/achievements/{slug}"


def data_literacy_rule(**extra: Any) -> dict[str, Any]:
    """Two mandatory courses (3 and 4 ECTS) + at least one elective of at least 3 ECTS."""
    rule: dict[str, Any] = {
        "components": [
            {"achievement": ach("dl-basics"), "issuer": PW, "name": "Data Literacy Basics"},
            {"achievement": ach("dl-stats"), "issuer": PW, "name": "Statistics for Decisions"},
            {"achievement": ach("dl-viz"), "issuer": PW, "name": "Data Visualisation"},
            {"achievement": ach("dl-ethics"), "issuer": PW, "name": "Data Ethics"},
            {"achievement": ach("dl-python"), "issuer": TUM, "name": "Python for Data"},
        ],
        "mandatory": [ach("dl-basics"), ach("dl-stats")],
        "electiveGroups": [
            {
                "name": "Electives",
                "components": [ach("dl-viz"), ach("dl-ethics"), ach("dl-python")],
                "minCount": 1,
                "minEctsEach": 3,
            }
        ],
    }
    rule.update(extra)
    return rule


DL_ECTS = {"dl-basics": 3, "dl-stats": 4, "dl-viz": 4, "dl-ethics": 2, "dl-python": 5}


def climate_rule(*, mini: bool = False) -> dict[str, Any]:
    """One course in each of three modules + a summer school, from 2+ universities in 2+ countries.

    The mini-certificate asks for one course in each of the first two modules only (no summer school).
    """
    components = [
        {"achievement": ach("ca-m1-science"), "issuer": PW, "name": "Climate Science"},
        {"achievement": ach("ca-m1-data"), "issuer": TUM, "name": "Climate Data"},
        {"achievement": ach("ca-m2-policy"), "issuer": UW, "name": "Climate Policy"},
        {"achievement": ach("ca-m2-law"), "issuer": TUM, "name": "Environmental Law"},
        {"achievement": ach("ca-m3-energy"), "issuer": TUM, "name": "Energy Transition"},
        {"achievement": ach("ca-summer"), "issuer": PW, "name": "Climate Summer School"},
    ]
    modules = [
        {"name": "Science", "components": [ach("ca-m1-science"), ach("ca-m1-data")]},
        {"name": "Policy", "components": [ach("ca-m2-policy"), ach("ca-m2-law")]},
        {"name": "Action", "components": [ach("ca-m3-energy")]},
    ]
    if mini:
        return {
            "components": components[:4],
            "modules": modules[:2],
            "minInstitutions": 2,
            "minCountries": 2,
        }
    return {
        "components": components,
        "mandatory": [ach("ca-summer")],
        "modules": modules,
        "minInstitutions": 2,
        "minCountries": 2,
    }


def credential(
    slug: str,
    issuer: str,
    *,
    ects: float = 3,
    holder: str = "did:key:z6MkLearner",
    awarded: str = "2026-03-01T10:00:00Z",
    credential_id: str | None = None,
) -> dict[str, Any]:
    """An unsigned OB credential with the fields a rule reads."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": issuer.split(":")[-1],
            "address": {"type": ["Address"], "addressCountryCode": COUNTRY.get(issuer, "PL")},
        },
        "validFrom": awarded,
        "awardedDate": awarded,
        "credentialSubject": {
            "id": holder,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": ach(slug),
                "type": ["Achievement"],
                "name": slug,
                "creditsAvailable": ects,
                "creditPoint": [{"type": "CreditPoint", "framework": ECTS, "point": str(ects)}],
            },
        },
    }
