"""What a verifier that does not speak DIDs needs to check and show our SD-JWT VC.

- **JWT VC Issuer Metadata** (SD-JWT VC draft, "JWT VC Issuer Metadata"): an issuer whose ``iss``
  is its https URL publishes ``{"issuer": …, "jwks": {"keys": [...]}}`` at
  ``/.well-known/jwt-vc-issuer``; the JWS ``kid`` names the key.
- **SD-JWT VC Type Metadata** for our ``vct``: display names (English and Polish) and one claim
  metadata entry per claim of the EU micro-credential (Annex I elements), with whether the claim is
  always in the clear (``sd: never``) or always selectively disclosable (``sd: always``).
"""

from __future__ import annotations

from typing import Any

from plecak.core.model.elements import MANDATORY_ELEMENTS, SD_JWT_ELEMENT_CLAIMS
from plecak.core.sdjwt import (
    ALWAYS_DISCLOSED,
    CLAIM_LABELS,
    SELECTIVELY_DISCLOSABLE,
    VCT_HOSTED_PATH,
    VCT_MICRO_CREDENTIAL,
)

__all__ = ["TYPE_METADATA_PATH", "jwt_vc_issuer_metadata", "type_metadata"]

TYPE_METADATA_PATH = VCT_HOSTED_PATH
"""Where the issuer serves the type metadata of its micro-credential ``vct`` (the URL is the ``vct``
itself by default, ``PLECAK_SDJWT_VCT=hosted``; with ``shared`` it is :data:`VCT_MICRO_CREDENTIAL`'s)."""

_PL_LABELS: dict[str, str] = {
    "achievement_id": "Osiągnięcie",
    "title": "Tytuł mikropoświadczenia",
    "achievement_type": "Rodzaj osiągnięcia",
    "awarding_body": "Podmiot przyznający",
    "issuer_country": "Kraj wystawcy",
    "awarding_date": "Data wydania",
    "learning_outcomes": "Efekty uczenia się",
    "ects": "Nakład pracy (punkty ECTS)",
    "eqf_level": "Poziom ERK (EQF)",
    "type_of_assessment": "Rodzaj oceny",
    "form_of_participation": "Forma udziału",
    "type_of_quality_assurance": "Rodzaj zapewniania jakości",
    "name": "Imię i nazwisko uczącego się",
    "grade": "Uzyskana ocena",
    "grading_scheme": "Skala ocen",
    "credits_earned": "Uzyskane punkty ECTS",
    "workload_hours": "Nakład pracy (godziny)",
    "description": "Opis",
    "qf_ehea_level": "Cykl QF-EHEA",
    "nqf_level": "Poziom krajowej ramy kwalifikacji",
    "supervision_and_id_verification": "Nadzór i weryfikacja tożsamości",
    "prerequisites": "Wymagania wstępne",
    "integration_stackability": "Łączenie i składanie",
    "is_part_of": "Składa się na",
    "further_information": "Dalsze informacje",
}

_REGISTERED = frozenset({"iss", "iat", "nbf", "exp", "vct", "cnf", "status"})


def _element_of(claim: str) -> str | None:
    return next((key for key, claims in SD_JWT_ELEMENT_CLAIMS.items() if claim in claims), None)


def _claim(name: str, *, disclosable: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": [name],
        "display": [
            {"locale": "en", "label": CLAIM_LABELS[name]},
            {"locale": "pl", "label": _PL_LABELS[name]},
        ],
        "sd": "always" if disclosable else "never",
    }
    element = _element_of(name)
    if element is not None and element in MANDATORY_ELEMENTS:
        entry["mandatory"] = True
    return entry


def type_metadata(vct: str = VCT_MICRO_CREDENTIAL) -> dict[str, Any]:
    """The SD-JWT VC Type Metadata document of our micro-credential type, named ``vct``."""
    clear = [name for name in ALWAYS_DISCLOSED if name not in _REGISTERED]
    return {
        "vct": vct,
        "name": "EU micro-credential (Plecak)",
        "description": "A micro-credential with the elements of Annex I of the Council Recommendation of "
        "16 June 2022 on micro-credentials, issued as an SD-JWT VC.",
        "display": [
            {
                "locale": "en",
                "name": "EU micro-credential",
                "description": "Proof of a short learning experience and its learning outcomes.",
            },
            {
                "locale": "pl",
                "name": "Europejskie mikropoświadczenie",
                "description": "Potwierdzenie krótkiej formy uczenia się i jej efektów.",
            },
        ],
        "claims": [_claim(name, disclosable=False) for name in clear]
        + [_claim(name, disclosable=True) for name in SELECTIVELY_DISCLOSABLE],
    }


def jwt_vc_issuer_metadata(issuer: str, kid: str, jwk: dict[str, str]) -> dict[str, Any]:
    """``/.well-known/jwt-vc-issuer``: the issuer's SD-JWT signing key, named by the JWS ``kid``."""
    return {"issuer": issuer, "jwks": {"keys": [{**jwk, "kid": kid, "alg": "ES256", "use": "sig"}]}}
