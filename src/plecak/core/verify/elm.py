"""The pipeline of a European Digital Credential (ELM 3 / EDC, Europass): read, never "verified".

An EDC credential is a VC Data Model 1.1 document in the vocabulary of the European Learning Model
(the ``edc-ap`` JSON-LD context), sealed by its issuer with an eIDAS qualified electronic seal
(JAdES or XAdES). This verifier reads such a credential but does not check that seal, and says so:

* ``format`` (structure): the VC 1.1 envelope with the EDC context, and JSON-LD safe mode with the
  bundled contexts only (an undefined term fails);
* ``proof`` (the seal): **not checked** (``outcome: unknown``, ``details.notChecked: "eseal"``), so
  the result is never ``verified``. A Data Integrity proof the document also carries is verified
  like any other; one that fails makes the seal row fail, one that passes is said in words, but
  the row stays "not checked" (the credential's own seal is still the eSeal);
* ``issuer``: unconfirmed (nothing ties a checked seal to the issuer);
* ``status``: not checked (what the issuer says about revocation needs a checked seal);
* ``validity``: the document's dates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.integrity.suites import registered_proofs
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.model.datamodel import VC_V1_CONTEXT, credential_version, validate_credential
from plecak.core.timeutil import parse_datetime
from plecak.core.verify.checks import Check, Outcome, TrustRegistry, problems_failed
from plecak.core.verify.credential_steps import FormatStep, ProofStep, safe_mode_problem
from plecak.core.verify.pipeline import Context, Pipeline, Step, StepRole, Unsealed
from plecak.core.verify.steps import TrustStep, ValidityStep

__all__ = [
    "EDC_CONTEXT",
    "ELM_TYPE",
    "ElmSealStep",
    "ElmStatusStep",
    "ElmStructureStep",
    "elm_format_check",
    "elm_pipeline",
    "elm_window",
    "eseal_not_checked",
    "is_elm_credential",
]

EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
"""The JSON-LD context of European Digital Credentials (EDC 3.2, bundled: ``contexts/adopted.json``)."""
ELM_TYPE = "EuropeanDigitalCredential"
SEAL = "eIDAS qualified electronic seal (JAdES or XAdES)"

_ISSUANCE_DATE_REQUIRED = "issuanceDate is required in a VC 1.1 credential"
"""EDC 3 puts the date of issuing in ``validFrom`` (an EDC term) inside the VC 1.1 envelope."""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_elm_credential(document: Any) -> bool:
    """A document that says it is a European Digital Credential: its ``type`` includes
    ``EuropeanDigitalCredential`` or its ``@context`` includes the EDC context."""
    if not isinstance(document, Mapping):
        return False
    contexts = [c for c in _as_list(document.get("@context")) if isinstance(c, str)]
    edc = {EDC_CONTEXT, "https" + EDC_CONTEXT[len("http") :]}
    return ELM_TYPE in _as_list(document.get("type")) or any(c.rstrip("/") in edc for c in contexts)


# -- structure --------------------------------------------------------------------------------------
def _envelope_problems(document: Any) -> list[str]:
    """What keeps ``document`` from being an EDC credential in the VC 1.1 envelope."""
    problems = [p for p in validate_credential(document) if p != _ISSUANCE_DATE_REQUIRED]
    if not isinstance(document, Mapping):
        return problems
    if document.get("@context") is not None and credential_version(document) != 1:
        problems.append(
            f"a European Digital Credential uses VC Data Model 1.1: its first @context must be {VC_V1_CONTEXT}"
        )
    if EDC_CONTEXT not in _as_list(document.get("@context")):
        problems.append(f"the @context must include {EDC_CONTEXT}")
    if ELM_TYPE not in _as_list(document.get("type")):
        problems.append(f"type must include {ELM_TYPE}")
    if document.get("validFrom") is None and document.get("issuanceDate") is None:
        problems.append("validFrom (the date of issuing) is missing")
    return problems


def elm_format_check(document: Any, loader: DocumentLoader | None = None) -> Check:
    """The ``format`` row of a European Digital Credential (``details.profile: "elm"``)."""
    problems = _envelope_problems(document)
    if problems:
        return problems_failed(
            "format", "This is not a well-formed European Digital Credential", problems, "format.invalid", profile="elm"
        )
    refused = safe_mode_problem(document, loader, "European Digital Credential")
    if refused is not None:
        refused.details["profile"] = "elm"
        return refused
    return Check(
        "format",
        Outcome.PASSED,
        "A readable European Digital Credential (European Learning Model, VC Data Model 1.1):"
        " every term is defined by its contexts.",
        {"dataModel": "1.1", "profile": "elm"},
        "format.elm",
    )


@dataclass
class ElmStructureStep(FormatStep):
    """``format`` of a European Digital Credential."""

    def check(self, document: Any) -> Check:
        return elm_format_check(document, self.loader)


# -- seal -------------------------------------------------------------------------------------------
def _data_integrity(document: Mapping[str, Any]) -> bool:
    """Whether ``document`` carries a proof of a type this verifier checks (Data Integrity)."""
    known = {proof_type for proof_type, _ in registered_proofs()}
    return any(isinstance(p, Mapping) and p.get("type") in known for p in _as_list(document.get("proof")))


def eseal_not_checked(data_integrity: Check | None = None) -> Check:
    """The ``proof`` row of a European Digital Credential: its eIDAS seal was not checked. With
    ``data_integrity`` (a Data Integrity proof of the document that passed), that is said too."""
    details: dict[str, Any] = {"notChecked": "eseal", "seal": SEAL, "profile": "elm"}
    if data_integrity is None:
        return Check(
            "proof",
            Outcome.UNKNOWN,
            f"Not checked: a European Digital Credential is sealed with an {SEAL}, which this verifier"
            " does not check. Nothing here shows that the issuer issued it or that it was not changed.",
            details,
            "proof.elm_not_checked",
        )
    details["dataIntegrity"] = data_integrity.details
    signers = ", ".join(data_integrity.details.get("signers", []))
    return Check(
        "proof",
        Outcome.UNKNOWN,
        f"Its Data Integrity proof is valid and was made by {signers}, but the credential's own seal,"
        f" an {SEAL}, was not checked.",
        details,
        "proof.elm_data_integrity",
        {"signers": signers},
    )


@dataclass
class ElmSealStep(ProofStep):
    """``proof`` (the seal) of a European Digital Credential: reported as not checked."""

    async def run(self, context: Context) -> Check | None:
        document = context.subject
        if not isinstance(document, Mapping) or not _data_integrity(document):
            return eseal_not_checked()
        check = await super().run(context)
        assert check is not None
        if check.outcome is Outcome.FAILED:
            check.details["profile"] = "elm"
            return check  # a proof that does not verify: the content was changed, or not sealed by its issuer
        if check.outcome is Outcome.PASSED:
            return eseal_not_checked(check)
        return eseal_not_checked()


# -- status and validity ----------------------------------------------------------------------------
@dataclass
class ElmStatusStep:
    """``status`` of a European Digital Credential: not checked while its seal is not."""

    name: str = "status"
    role: StepRole = "check"
    if_unsealed: Unsealed = "row"

    async def run(self, context: Context) -> Check | None:
        return Check(
            "status",
            Outcome.UNKNOWN,
            "Not checked: whether the issuer revoked or suspended it cannot be known while its seal is not checked.",
            {"notChecked": "eseal", "profile": "elm"},
            "status.elm_not_checked",
        )


def elm_window(credential: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """A European Digital Credential's ``(validFrom, validUntil)`` (else ``issuanceDate``, ``expirationDate``)."""
    start = credential.get("validFrom", credential.get("issuanceDate"))
    end = credential.get("validUntil", credential.get("expirationDate"))
    return parse_datetime(start), parse_datetime(end)


def elm_pipeline(
    resolver: DidDocumentResolver,
    *,
    loader: DocumentLoader | None = None,
    trust: TrustRegistry | None = None,
    now: Callable[[], datetime],
    clock_skew: timedelta = timedelta(minutes=5),
    url_issuers: bool = False,
) -> Pipeline:
    """format → proof (not checked) → issuer → status (not checked) → validity."""
    steps: list[Step] = [ElmStructureStep(loader), ElmSealStep(resolver, loader, url_issuers)]
    if trust is not None:
        steps.append(TrustStep(trust))
    steps += [ElmStatusStep(), ValidityStep(elm_window, now, clock_skew)]
    return Pipeline(steps)
