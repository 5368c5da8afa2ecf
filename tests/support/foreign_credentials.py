"""Credentials not made by our issuer, as the wallet's card and the verifier's rows meet them.

Each entry is the document the display code reads: other issuers' Open Badges 3.0 (the signed
fixtures in ``tests/fixtures``), the data-model examples (``tests/vectors/examples``), plain VCs
(VC 2.0 with an unknown subject, VC 1.1), odd but readable shapes (language maps, numbers where
text is expected, lists), an SD-JWT VC's claims in the Open Badges shape the pages read, a
``vc+jwt`` credential (what its envelope secures) and an ecdsa-sd-2023 disclosure.
``tests/unit/test_foreign_display.py`` pins what is shown for each.
"""

from __future__ import annotations

import json
from typing import Any

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.jose_vc import envelope, secured_content, sign_jose
from plecak.core.sdjwt import open_badges_form

from . import FIXTURES, VECTORS

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ISSUER = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"

FIXTURE_FILES = (
    "ob3-vc2-ed25519signature2020.json",
    "ob3-vc2-eddsa-rdfc-2022.json",
    "ob3.0.0-vc11-ed25519signature2020.json",
    "ob3.0.1-vc11-eddsa-rdfc-2022-statuslist2021.json",
    "ob3.0.2-vc2-ed25519signature2020.json",
    "ob3.0.3-vc2-1edtech-revocation-unsigned.json",
    "didkit-vc11-ed25519signature2020.json",
)


def unknown_subject() -> dict[str, Any]:
    """A minimal VC 2.0 whose subject nobody here defines."""
    return {
        "@context": [V2, {"@vocab": "https://example.org/vocab#"}],
        "id": "urn:uuid:5f0c2a8e-2d1b-4c55-9d6e-6b1f2a3c4d5e",
        "type": ["VerifiableCredential", "EmployeeCard"],
        "issuer": "did:example:acme",
        "validFrom": "2025-03-01T08:00:00Z",
        "credentialSubject": {"id": "did:example:bob", "employer": "ACME", "role": {"en": "Engineer"}},
    }


def vc11_plain() -> dict[str, Any]:
    """A VC 1.1 credential: dates in ``issuanceDate``/``expirationDate``, a name and description only."""
    return {
        "@context": [V1],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": {"id": "https://example.edu/issuers/565049", "name": {"@value": "Example University"}},
        "issuanceDate": "2010-01-01T19:23:24Z",
        "expirationDate": "2030-01-01T19:23:24Z",
        "name": "Alumni of Example University",
        "description": "Holds a degree from Example University.",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "alumniOf": "Example University"},
    }


def odd_shapes() -> dict[str, Any]:
    """Another issuer's OB 3.0 micro-credential with every shape a careless issuer might write."""
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:1c7e6e4e-8f0d-4a35-9d0e-2c6f0b8d9a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": {"en": "Data stewardship", "pl": "Zarządzanie danymi"},
        "issuer": {
            "id": "did:web:uni.example",
            "name": {"en": "Example University"},
            "url": "https://uni.example",
            "address": {"addressCountryCode": "DE", "addressLocality": "Berlin", "addressRegion": "Berlin"},
        },
        "awardedDate": "2025-06-30",
        "validUntil": "not a date",
        "credentialSubject": {
            "id": "did:example:learner",
            "identifier": [{"identityType": "name", "identityHash": "Maria Nowak"}],
            "creditsEarned": "4",
            "supervisionAndIdVerification": "SupervisedOnsiteWithIdVerification",
            "result": [
                {"achievedLevel": "Distinction", "resultDescription": "urn:rd:1"},
                {"value": 5, "resultDescription": "urn:rd:2"},
            ],
            "achievement": {
                "id": "urn:uuid:9a9b2c3d-0000-4000-8000-000000000001",
                "achievementType": "MicroCredential",
                "name": {"@value": "Data stewardship (course)"},
                "description": {"pl": "Opis kursu"},
                "learningOutcome": "Plans how data are kept",
                "creditsAvailable": "5 ECTS",
                "creditPoint": [
                    {"framework": "http://example.org/other-credits", "point": "7"},
                    {"framework": "http://data.europa.eu/snb/education-credit/6fcec5c5af", "point": 4.5},
                ],
                "volumeOfLearning": "P2W",
                "eqfLevel": 6,
                "nqfLevel": {"name": "PRK 6"},
                "qfEheaLevel": "FirstCycle",
                "typeOfAssessment": ["Exam", "Project"],
                "formOfParticipation": "Hybrid",
                "typeOfQualityAssurance": 12,
                "prerequisites": True,
                "integrationStackability": "Stackable",
                "isPartOf": ["urn:uuid:programme-1", {"id": "urn:uuid:programme-2"}],
                "furtherInformation": "  ",
                "humanCode": "DS-101",
                "inLanguage": "de",
                "fieldOfStudy": "Information science",
                "alignment": [
                    {"targetName": "manage data", "targetType": "ext:ESCOSkill", "targetUrl": "http://esco/1"},
                    {"targetName": "Level 6", "targetType": "ext:EQFLevel", "targetCode": "6"},
                    {"targetName": "Open Data Charter", "targetFramework": "Charter"},
                    {"targetName": "curate data", "targetFramework": "ESCO"},
                ],
                "resultDescription": [
                    {"id": "urn:rd:1", "name": "Honours"},
                    {"id": "urn:rd:2", "name": "Marks 1-5"},
                ],
                "awardingBody": ["did:web:partner.example", {"id": "did:web:b.example", "name": "Body B"}],
                "compositionRule": "any 2 of 3",
            },
        },
    }


def stacked() -> dict[str, Any]:
    """Another issuer's stacked certificate citing its parts in ``evidence`` (some of them oddly)."""
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:3d2c1b0a-1111-4222-8333-444455556666",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "name": "Stacking College"},
        "validFrom": "2025-10-10T10:00:00Z",
        "credentialSubject": {"achievement": {"name": "Certificate in data work", "compositionRule": "all"}},
        "evidence": [
            {"id": "urn:uuid:part-1", "name": "Part one", "digestMultibase": "uEiD1"},
            {"id": "urn:uuid:part-2", "digestMultibase": "uEiD2"},
            {"id": "urn:uuid:part-3", "name": "Digest not text", "digestMultibase": 7},
            {"name": "No id", "digestMultibase": "uEiD4"},
            {"id": "urn:uuid:not-a-part", "name": "No digest"},
        ],
    }


def two_subjects() -> dict[str, Any]:
    """A credential of two subjects, only the second with an achievement."""
    return {
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": [
            {"id": "did:example:first", "name": "Without an achievement"},
            {"id": "did:example:second", "name": "Ewa Maj", "achievement": {"name": "Second course"}},
        ],
    }


def eqf_alignment_only() -> dict[str, Any]:
    """An OB 3.0 achievement that gives its EQF level only as an alignment, the country as a name."""
    return {
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "address": {"addressCountry": "Polska", "addressCountryCode": "PL"}},
        "validFrom": "2024-02-29T12:00:00+01:00",
        "credentialSubject": {
            "name": "Jan Kowalski",
            "result": [{"value": "B"}],
            "achievement": {
                "name": "Welding",
                "achievementType": "Certificate",
                "alignment": [{"targetType": "ext:EQFLevel", "targetName": "EQF 4"}],
                "volumeOfLearning": "PT40H",
                "supervisionAndIdVerification": "UnsupervisedNoIdVerification",
            },
        },
    }


def sd_jwt_claims_form() -> dict[str, Any]:
    """An SD-JWT VC's disclosed claims in the Open Badges shape the wallet and the verifier read."""
    claims = {
        "title": "Cyber hygiene",
        "achievement_type": "MicroCredential",
        "achievement_id": "https://issuer.example/achievements/cyber",
        "awarding_body": [{"id": "did:web:issuer.example", "name": "Issuer Example"}],
        "issuer_country": "PL",
        "awarding_date": "2025-11-02",
        "learning_outcomes": ["Spots phishing", "Uses a password manager"],
        "ects": 2,
        "eqf_level": 5,
        "workload_hours": 50,
        "type_of_assessment": "Online test",
        "form_of_participation": "Online",
        "type_of_quality_assurance": "Internal review",
        "name": "Ola Lis",
        "grade": "pass",
        "grading_scheme": "pass/fail",
    }
    form = open_badges_form(claims, "did:web:issuer.example")
    form["credentialSubject"]["creditsEarned"] = 2
    form["validUntil"] = "2030-01-01T00:00:00Z"
    return form


def vc_jwt() -> Any:
    """What a ``vc+jwt`` envelope secures (as both pages read it): a small OB credential."""
    key = Ed25519KeyPair.from_seed(bytes(range(32)))
    did = did_key(key)
    document = {
        "@context": [V2, OB],
        "id": "urn:uuid:0b4e3d1c-7d3f-4f0e-9a55-3c2b1a0f9e8d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "name": "JOSE Academy"},
        "validFrom": "2025-09-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:holder",
            "achievement": {"name": "Signed with JOSE", "achievementType": "Badge", "description": "A badge."},
        },
    }
    jws = sign_jose(document, key, f"{did}#{did.removeprefix('did:key:')}")
    return secured_content(envelope(jws))


def derived_disclosure() -> dict[str, Any]:
    """A credential shaped like an ecdsa-sd-2023 selective disclosure (the display reads the shape)."""
    return {
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "name": "Uni", "address": {"addressCountryCode": "PL"}},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "name": "Course",
                "achievementType": "MicroCredential",
                "creditPoint": {"framework": "http://data.europa.eu/snb/education-credit/6fcec5c5af", "point": "3"},
                "eqfLevel": "http://data.europa.eu/snb/eqf/5",
            },
        },
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023", "proofValue": "u2V0BhVhA"},
    }


def foreign_credentials() -> dict[str, Any]:
    """Every foreign credential, by a short name."""
    found: dict[str, Any] = {
        name.removesuffix(".json"): json.loads((FIXTURES / name).read_text(encoding="utf-8")) for name in FIXTURE_FILES
    }
    for path in sorted((VECTORS / "examples").glob("*.json")):  # the data-model examples (shared/examples)
        found[f"example-{path.stem}"] = json.loads(path.read_text(encoding="utf-8"))
    found.update(
        {
            "vc2-unknown-subject": unknown_subject(),
            "vc11-plain": vc11_plain(),
            "ob3-odd-shapes": odd_shapes(),
            "ob3-eqf-alignment-only": eqf_alignment_only(),
            "ob3-stacked": stacked(),
            "sd-jwt-vc-claims": sd_jwt_claims_form(),
            "vc-jwt": vc_jwt(),
            "ecdsa-sd-disclosure": derived_disclosure(),
        }
    )
    return found
