"""Learning pathways: does a set of micro-credentials stack into a pathway's certificate?

Pure and deterministic: no I/O, no clock (the caller passes ``now``). A pathway *rule* is data:

.. code-block:: json

    {"components": [{"achievement": "https://uni.example/achievements/a", "issuer": "did:web:uni.example",
                     "name": "Data Literacy"}],
     "mandatory": ["https://uni.example/achievements/a"],
     "electiveGroups": [{"name": "Electives", "components": ["…"], "minCount": 1, "minEctsEach": 3}],
     "modules": [{"name": "Module 1", "components": ["…"], "minCount": 1}],
     "minInstitutions": 2, "minCountries": 2,
     "validity": {"awardedAfter": "2025-01-01T00:00:00Z", "awardedBefore": null, "maxAgeDays": 1825}}

A component is identified by its achievement id **and** the DID of the issuer that awards it, so a
look-alike achievement from another issuer never counts. :func:`normalise_rule` validates a rule
(raising :class:`~plecak.core.errors.RuleError` naming every problem); :func:`part_from_credential` reads
the facts a rule needs from a credential (achievement, issuer, ECTS, country, award date);
:func:`evaluate` says which requirements are met, which are missing and why.
"""

from __future__ import annotations

from .evaluate import Evaluation, Phrase, Requirement, evaluate
from .parts import Part, credential_digest, part_from_credential
from .rules import ECTS_FRAMEWORK, describe_rule, normalise_rule

__all__ = [
    "ECTS_FRAMEWORK",
    "Evaluation",
    "Part",
    "Phrase",
    "Requirement",
    "credential_digest",
    "describe_rule",
    "evaluate",
    "normalise_rule",
    "part_from_credential",
]
