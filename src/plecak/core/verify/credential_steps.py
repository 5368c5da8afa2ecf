"""The steps of a credential's pipeline: structure (``format``), seal (``proof``, Data Integrity or
JOSE) and status . Trust and validity
are the shared steps of :mod:`plecak.core.verify.steps`, status is :mod:`plecak.core.verify.status_step`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plecak.core.errors import DocumentLoaderError, UndefinedTermError, VCError
from plecak.core.integrity.ecdsa_sd import is_derived_disclosure
from plecak.core.integrity.proofs import DidDocumentResolver, verify_proofs
from plecak.core.jose_vc import SecuredCose, enveloped_cose, open_envelope, verify_cose, verify_jose
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.jsonld.rdf import check_safe
from plecak.core.model.datamodel import credential_version, issuer_id, validate_credential
from plecak.core.model.relatedresource import digest_problems
from plecak.core.timeutil import parse_datetime
from plecak.core.verify.checks import Check, Outcome, error_check, failed, passed, problems_failed, seal_passed
from plecak.core.verify.pipeline import Context, StepRole

__all__ = [
    "EnvelopeStep",
    "FormatStep",
    "JoseProofStep",
    "ProofStep",
    "credential_window",
    "format_check",
    "missing_micro_credential_elements",
    "safe_mode_problem",
    "signer_is_issuer",
]


_MC_ELEMENTS = {
    "name": "title",
    "learningOutcome": "learning outcomes",
    "creditPoint": "workload (ECTS)",
    "eqfLevel": "EQF level",
    "typeOfAssessment": "type of assessment",
    "formOfParticipation": "form of participation",
    "typeOfQualityAssurance": "type of quality assurance",
}


def _subjects(credential: Mapping[str, Any]) -> list[Any]:
    subject = credential.get("credentialSubject")
    return subject if isinstance(subject, list) else [subject]


def missing_micro_credential_elements(credential: Mapping[str, Any]) -> list[str] | None:
    """Annex I elements missing from a micro-credential; ``None`` when it is not one."""
    for subject in _subjects(credential):
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        if isinstance(achievement, Mapping) and achievement.get("achievementType") == "MicroCredential":
            missing = [label for key, label in _MC_ELEMENTS.items() if not achievement.get(key)]
            issuer = credential.get("issuer")
            address = issuer.get("address") if isinstance(issuer, Mapping) else None
            if not isinstance(address, Mapping) or not (
                address.get("addressCountryCode") or address.get("addressCountry")
            ):
                missing.append("issuer country")
            if not subject.get("identifier") and not subject.get("id") and not subject.get("name"):
                missing.append("learner identification")
            return missing
    return None


# -- structure --------------------------------------------------------------------------------------
def _unusable(key: str, value: Any, what: str, code: str, noun: str = "credential") -> Check:
    """The failed ``format`` row of a credential that uses ``what`` (``value``, kept as ``key``)."""
    return Check("format", Outcome.FAILED, f"The {noun} uses {what}: {value}.", {key: value}, code, {key: value})


def safe_mode_problem(document: Any, loader: DocumentLoader | None, noun: str = "credential") -> Check | None:
    """The failed ``format`` row of a document JSON-LD safe mode refuses (an undefined term, an unknown
    context); ``None`` when it is accepted. ``noun`` names the document in the message."""
    try:
        check_safe(document, loader)
    except UndefinedTermError as exc:
        return _unusable("term", exc.term, "a term its contexts do not define", "format.undefined_term", noun)
    except DocumentLoaderError as exc:
        return _unusable("url", exc.url, "a context this verifier does not know", "format.unknown_context", noun)
    except VCError as exc:
        return error_check("format", f"The {noun} is not valid JSON-LD", exc, "format.jsonld")
    return None


def _structure_problem(credential: Any, loader: DocumentLoader | None, require_proof: bool) -> Check | None:
    """The failed ``format`` row of a credential that breaks the data model or JSON-LD safe mode."""
    problems = validate_credential(credential, require_proof=require_proof)
    if not problems:
        problems = digest_problems(credential)
    if problems:
        return problems_failed("format", "This is not a well-formed verifiable credential", problems, "format.invalid")
    return safe_mode_problem(credential, loader)


def _selective_check(missing: list[str], details: dict[str, Any]) -> Check:
    # A selective disclosure: the holder chose not to share what is missing; the proof check says
    # whether what was shared is what the issuer signed. Annex I course elements are mandatory
    # disclosures (plecak.core.disclosure.MANDATORY_ELEMENTS): missing, the issuer never stated them.
    # Only the learner may have been withheld.
    details["microCredential"] = True
    details["selectiveDisclosure"] = True
    withheld = [m for m in missing if m == "learner identification"]
    absent = [m for m in missing if m not in withheld]
    details["notShared"] = withheld
    message = "A selective disclosure of an EU micro-credential"
    message += f"; not shared by the holder: {', '.join(withheld)}." if withheld else "."
    params = {"not_shared": ", ".join(withheld)}
    if absent:
        details["missingElements"] = absent
        return Check(
            "format",
            Outcome.WARNING,
            "Incomplete micro-credential: the issuer did not state " + ", ".join(absent) + ". " + message,
            details,
            "format.selective_incomplete",
            {**params, "missing": ", ".join(absent)},
        )
    return Check("format", Outcome.PASSED, message, details, "format.selective", params)


def format_check(credential: Any, loader: DocumentLoader | None = None, *, require_proof: bool = True) -> Check:
    """The ``format`` row. ``require_proof=False``: the credential is secured by an envelope (JOSE)."""
    problem = _structure_problem(credential, loader, require_proof)
    if problem is not None:
        return problem
    version = credential_version(credential)
    details: dict[str, Any] = {"dataModel": "2.0" if version == 2 else "1.1"}
    missing = missing_micro_credential_elements(credential)
    if missing is not None and is_derived_disclosure(credential):
        return _selective_check(missing, details)
    if missing:
        details["missingElements"] = missing
        return Check(
            "format",
            Outcome.WARNING,
            "Incomplete micro-credential: it lacks " + ", ".join(missing) + ".",
            details,
            "format.incomplete",
            {"missing": ", ".join(missing)},
        )
    if missing is not None:
        details["microCredential"] = True
        return passed(
            "format.micro_credential", "A complete EU micro-credential (all mandatory elements present).", details
        )
    return passed(
        "format.credential",
        f"A well-formed VC Data Model {details['dataModel']} credential.",
        details,
        version=details["dataModel"],
    )


@dataclass
class FormatStep:
    """``format`` of a credential secured with embedded proofs (Data Integrity)."""

    loader: DocumentLoader | None = None
    name: str = "format"
    role: StepRole = "structure"

    def check(self, document: Any) -> Check:
        return format_check(document, self.loader)

    async def run(self, context: Context) -> Check | None:
        check = self.check(context.document)
        if check.outcome is not Outcome.FAILED:
            context.subject = context.document
            context.values["issuer"] = issuer_id(context.document) or ""
        return check


@dataclass
class EnvelopeStep:
    """``format`` of a credential secured with JOSE (``vc+jwt``): the JWS, then the credential it holds
    (``context.subject``; ``values["jws"]`` keeps the parsed JWS for the proof step)."""

    loader: DocumentLoader | None = None
    name: str = "format"
    role: StepRole = "structure"

    async def run(self, context: Context) -> Check | None:
        try:
            kind, secured = open_envelope(context.document, "this is not a credential secured with JOSE")
        except VCError as exc:
            if enveloped_cose(context.document) is not None:
                what = "This is not a well-formed secured credential (vc+cose)"
                return error_check("format", what, exc, "format.cose")
            return error_check("format", "This is not a well-formed secured credential (vc+jwt)", exc, "format.jws")
        if "vp" in (kind, secured.kind):
            return failed(
                "format.presentation_not_credential", "This is a secured presentation, not a credential."
            )
        credential = secured.document("vc")
        context.subject = credential
        context.values["jws"] = secured
        context.values["issuer"] = issuer_id(credential) or ""
        check = format_check(credential, self.loader, require_proof=False)
        cose = isinstance(secured, SecuredCose)
        check.details["securedAs"] = "vc+cose" if cose else "jwt" if secured.legacy("vc") else "vc+jwt"
        return check


# -- seal -------------------------------------------------------------------------------------------
def signer_is_issuer(
    issuer: str | None, signers: list[str], details: dict[str, Any], *, url_issuers: bool = False
) -> Check | None:
    """``None`` when ``issuer`` is among ``signers``; else the failed (or, for URL issuers with
    ``url_issuers``, warning) proof check that says why the seal does not speak for the issuer."""
    if issuer in signers:
        return None
    details["issuerConfirmed"] = False
    params = {"issuer": str(issuer), "signers": ", ".join(signers)}
    if issuer and not issuer.startswith("did:"):
        if url_issuers:
            return Check(
                "proof",
                Outcome.WARNING,
                f"The signature is valid, but the issuer {issuer} is not a DID, so nothing ties it"
                f" to the signer {', '.join(signers)}: the issuer is unconfirmed.",
                details,
                "proof.issuer_unconfirmed",
                params,
            )
        details["reason"] = "issuer_not_did"
        return Check(
            "proof",
            Outcome.FAILED,
            f"The issuer {issuer} is not a DID, so nothing ties it to the key that signed"
            f" ({', '.join(signers)}): anyone can sign a credential naming that issuer.",
            details,
            "proof.issuer_not_did",
            params,
        )
    details["reason"] = "issuer_key"
    return Check(
        "proof",
        Outcome.FAILED,
        f"The credential was not sealed by its issuer {issuer}: it was signed with a key of {', '.join(signers)}.",
        details,
        "proof.issuer_key",
        params,
    )


async def proof_check(
    credential: Mapping[str, Any],
    resolver: DidDocumentResolver,
    loader: DocumentLoader | None = None,
    *,
    url_issuers: bool = False,
) -> Check:
    """The ``proof`` row of a credential's embedded proofs: valid, and made by the issuer."""
    results = await verify_proofs(credential, resolver, loader=loader)
    if not results:
        return failed("proof.unsigned", "The credential is not signed.", {"reason": "unsigned"})
    details: dict[str, Any] = {
        "proofs": [
            {
                "type": r.proof_type,
                "cryptosuite": r.cryptosuite,
                "verificationMethod": r.verification_method,
                "verified": r.verified,
                "errors": r.errors,
            }
            for r in results
        ]
    }
    bad = [r for r in results if not r.verified]
    if bad:
        details["reason"] = "signature"
        error = "; ".join(bad[0].errors)
        return failed("proof.signature", "The signature is not valid: " + error, details, error=error)
    signers = sorted({str(r.controller) for r in results if r.controller})
    details["signers"] = signers
    refused = signer_is_issuer(issuer_id(credential), signers, details, url_issuers=url_issuers)
    return refused or seal_passed(details)


@dataclass
class ProofStep:
    """``proof`` (the seal): the embedded Data Integrity proofs; leaves ``values["signers"]``."""

    resolver: DidDocumentResolver
    loader: DocumentLoader | None = None
    url_issuers: bool = False
    name: str = "proof"
    role: StepRole = "seal"

    async def run(self, context: Context) -> Check | None:
        check = await proof_check(context.subject, self.resolver, self.loader, url_issuers=self.url_issuers)
        context.values["signers"] = check.details.get("signers", [])
        return check


@dataclass
class JoseProofStep:
    """``proof`` (the seal) of a ``vc+jwt`` or ``vc+cose``: the JWS (COSE_Sign1) signature, by a key
    of the issuer."""

    resolver: DidDocumentResolver
    now: Callable[[], datetime]
    clock_skew: timedelta = timedelta(minutes=5)
    url_issuers: bool = False
    name: str = "proof"
    role: StepRole = "seal"

    async def run(self, context: Context) -> Check | None:
        issuer = issuer_id(context.subject)
        secured = context.values["jws"]
        options: dict[str, Any] = {"kind": "vc", "subject_id": issuer, "now": self.now, "clock_skew": self.clock_skew}
        if isinstance(secured, SecuredCose):
            jose = await verify_cose(secured, self.resolver, **options)
        else:
            jose = await verify_jose(secured.text, self.resolver, **options)
        details = jose.details()
        if not jose.verified:
            return failed("proof.signature", "The signature is not valid: " + jose.error, details, error=jose.error)
        details["signers"] = [jose.controller]
        context.values["signers"] = details["signers"]
        refused = signer_is_issuer(issuer, [str(jose.controller)], details, url_issuers=self.url_issuers)
        if isinstance(secured, SecuredCose):
            return refused or passed(
                "proof.passed_cose",
                "The signature (COSE) is valid and was made by the issuer: the content has not been changed.",
                details,
            )
        return refused or passed(
            "proof.passed_jose",
            "The signature (JOSE) is valid and was made by the issuer: the content has not been changed.",
            details,
        )


# -- validity ---------------------------------------------------------------------------------------
def credential_window(credential: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """A credential's ``(validFrom, validUntil)`` (VC 1.1: ``issuanceDate``, ``expirationDate``)."""
    v2 = credential_version(credential) == 2
    start = parse_datetime(credential.get("validFrom" if v2 else "issuanceDate"))
    end = parse_datetime(credential.get("validUntil" if v2 else "expirationDate"))
    if not v2 and start is None:
        start = parse_datetime(credential.get("validFrom"))
    return start, end
