"""The EU controlled-vocabulary IRIs and the enumerations of our extension context, defined once
(docs/datamodel.md §3, shared/contexts/plecak-mc-v1.jsonld), with the small conversions between their
forms (an EQF level and its IRI, a workload in hours and its ``xsd:duration``)."""

from __future__ import annotations

import re

__all__ = [
    "ECTS_FRAMEWORK",
    "EQF_ALIGNMENT_TYPE",
    "EQF_FRAMEWORK_NAME",
    "EQF_PREFIX",
    "ESCO_ALIGNMENT_TYPE",
    "EXTENSION_ENUMERATIONS",
    "FORMS_OF_PARTICIPATION",
    "INTEGRATION_STACKABILITY",
    "QF_EHEA_CYCLES",
    "SUPERVISION_AND_ID_VERIFICATION",
    "eqf_iri",
    "eqf_level_of",
    "hours_of",
    "number_text",
]

ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
"""The ELM ``CreditPoint.framework`` concept for ECTS credits (EU Vocabularies, education-credit)."""
EQF_PREFIX = "http://data.europa.eu/snb/eqf/"
"""EQF level concepts are this prefix and the level number (``…/eqf/6``)."""
EQF_FRAMEWORK_NAME = "European Qualifications Framework (EQF)"
EQF_ALIGNMENT_TYPE = "ext:EQFLevel"
"""``Alignment.targetType`` of the EQF alignment an issuer adds for displayers that show alignments."""
ESCO_ALIGNMENT_TYPE = "ext:ESCOSkill"

FORMS_OF_PARTICIPATION = ("Online", "Onsite", "Blended", "Volunteering", "WorkExperience")
QF_EHEA_CYCLES = ("ShortCycle", "FirstCycle", "SecondCycle", "ThirdCycle")
SUPERVISION_AND_ID_VERIFICATION = (
    "UnsupervisedNoIdVerification",
    "SupervisedNoIdVerification",
    "SupervisedOnlineWithIdVerification",
    "SupervisedOnsiteWithIdVerification",
)
INTEGRATION_STACKABILITY = ("StandAlone", "Stackable")
EXTENSION_ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "formOfParticipation": FORMS_OF_PARTICIPATION,
    "qfEheaLevel": QF_EHEA_CYCLES,
    "supervisionAndIdVerification": SUPERVISION_AND_ID_VERIFICATION,
    "integrationStackability": INTEGRATION_STACKABILITY,
}
"""The terms of our extension context whose value is one of a closed list (the context maps each
value to an IRI; any other value would expand to a relative IRI and fail to sign)."""

_HOURS = re.compile(r"PT(\d+)H")


def eqf_iri(level: int | str) -> str:
    return f"{EQF_PREFIX}{level}"


def eqf_level_of(value: str | None) -> int | None:
    """The EQF level of an ``eqfLevel`` value (an EQF concept IRI, or the bare number)."""
    text = value.strip() if value else ""
    last = text.rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def hours_of(duration: str | None) -> int | None:
    """Whole hours of an ``xsd:duration`` of the form ``PT75H`` (other durations: ``None``)."""
    found = _HOURS.fullmatch(duration.strip()) if duration else None
    return int(found.group(1)) if found else None


def number_text(value: float) -> str:
    """A number as ELM writes a credit point: ``3``, ``2.5`` (no ``.0``)."""
    return str(int(value)) if float(value).is_integer() else str(value)
