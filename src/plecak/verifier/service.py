"""The verifier's domain logic: verify credentials and presentations, keep results for the pages.

No aiohttp here: handlers turn HTTP into these calls, and these results into responses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.timeutil import format_datetime, utc_now
from plecak.core.verify.credential import (
    Check,
    Outcome,
    StatusListFetcher,
    VerificationResult,
    VerifiedListCache,
    Verifier,
)
from plecak.core.verify.enveloped import is_enveloped_presentation, verify_enveloped_presentation
from plecak.core.verify.presentation import PresentationOptions, PresentationResult, verify_presentation

from .store import VerifierStore, new_id
from .trust import TrustRegistry

__all__ = [
    "PROBLEM_TYPES",
    "RedisChallenges",
    "VerificationService",
    "is_presentation",
    "problem_details",
    "unwrap",
]

VCDM = "https://www.w3.org/TR/vc-data-model#"
STATUS_LIST = "https://www.w3.org/ns/credentials/status-list#"
PLECAK = "https://w3id.org/plecak/problems#"

PROBLEM_TYPES: Mapping[str, str] = {
    "parsing": VCDM + "PARSING_ERROR",
    "malformed": VCDM + "MALFORMED_VALUE_ERROR",
    "crypto": VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR",
    "range": VCDM + "RANGE_ERROR",
    "status_retrieval": STATUS_LIST + "STATUS_RETRIEVAL_ERROR",
    "revoked": PLECAK + "revoked",
    "suspended": PLECAK + "suspended",
    "replay": PLECAK + "replay",
    "binding": PLECAK + "holder-binding",
    "request": PLECAK + "request-mismatch",
    "untrusted": PLECAK + "untrusted-issuer",
    "not_checked": PLECAK + "not-checked",
}
"""Problem types: VC Data Model 2.0 §7.1 and Bitstring Status List where they fit, else ours."""

_TITLES = {
    "format": "Invalid credential",
    "proof": "Invalid proof",
    "issuer": "Issuer not trusted",
    "status": "Credential status",
    "validity": "Outside the validity period",
    "presentation": "Invalid presentation",
    "holder": "Invalid holder proof",
    "replay": "Replayed presentation",
    "binding": "Holder not tied to the subject",
    "request": "Does not match the request",
    "disclosures": "Disclosed fields do not match the issuer's signature",
    "key_binding": "Invalid key binding",
}


def _details_of(check: Mapping[str, Any]) -> Mapping[str, Any]:
    details = check.get("details")
    return details if isinstance(details, Mapping) else {}


def _problem_type(check: Mapping[str, Any]) -> str:
    name = check.get("check")
    details = _details_of(check)
    if details.get("notChecked") == "eseal":  # a European Digital Credential's eIDAS seal: not run, not invalid
        return PROBLEM_TYPES["not_checked"]
    if name in ("format", "presentation"):
        return PROBLEM_TYPES["malformed" if "problems" in details else "parsing"]
    if name in ("proof", "holder", "disclosures", "key_binding"):
        return PROBLEM_TYPES["crypto"]
    if name == "status":
        status = details.get("status")
        if status in ("revoked", "suspended"):
            return PROBLEM_TYPES[str(status)]
        return PROBLEM_TYPES["status_retrieval"]
    if name == "validity":
        return PROBLEM_TYPES["range"]
    return PROBLEM_TYPES.get(str(name), PLECAK + "verification")


def _title(check: Mapping[str, Any]) -> str:
    if _details_of(check).get("notChecked") == "eseal":
        return "Seal not checked" if check.get("check") == "proof" else "Not checked"
    return _TITLES.get(str(check.get("check")), "Verification failed")


def problem_details(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The failed and unknown checks of a result (and of each presented credential) as problem details."""
    problems = [
        {
            "type": _problem_type(check),
            "title": _title(check),
            "detail": str(check.get("message", "")),
            "check": check.get("check"),
            "outcome": check.get("outcome"),
        }
        for check in report.get("errors", [])
    ]
    for number, sub in enumerate(report.get("credentialResults", []) or [], 1):
        for problem in problem_details(sub):
            problem["credential"] = number
            problems.append(problem)
    return problems


def _types(document: Mapping[str, Any]) -> list[Any]:
    types = document.get("type")
    return types if isinstance(types, list) else [types]


def is_presentation(document: Any) -> bool:
    return (
        isinstance(document, Mapping) and "VerifiablePresentation" in _types(document)
    ) or is_enveloped_presentation(document)


def unwrap(document: Any) -> Any:
    """A credential or presentation wrapped as ``{"verifiableCredential": {...}}`` (as the issuer's
    API answers) or ``{"verifiablePresentation": {...}}``, unwrapped; anything else unchanged.
    """
    if isinstance(document, Mapping) and "@context" not in document and len(document) == 1:
        inner = document.get("verifiableCredential", document.get("verifiablePresentation"))
        if isinstance(inner, Mapping):
            return inner
    return document


class RedisChallenges:
    """:class:`plecak.core.verify.presentation.ChallengeStore` on Redis: a challenge is accepted once."""

    def __init__(self, store: VerifierStore, seconds: int) -> None:
        self.store = store
        self.seconds = seconds

    async def consume(self, challenge: str, domain: str | None) -> bool:
        return await self.store.use_challenge(challenge, self.seconds)


BARE_CREDENTIAL = Check(
    "binding",
    Outcome.WARNING,
    "Holder not checked: this credential was not presented by its holder (no signed presentation),"
    " so anyone who holds a copy of the file can show it. It proves what was awarded, not that the"
    " person showing it is the learner; ask for it through a presentation request, or check their"
    " identity another way.",
    {"bound": False, "reason": "not_presented"},
    "binding.not_presented",
)
"""The ``binding`` row of a credential checked on its own (pasted, uploaded, linked, VC-API)."""


class VerificationService:
    def __init__(
        self,
        store: VerifierStore,
        resolver: DidDocumentResolver,
        status_fetcher: StatusListFetcher,
        trust: TrustRegistry,
        *,
        result_seconds: int,
        challenge_seconds: int,
        now: Callable[[], datetime] = utc_now,
        url_issuers: bool = False,
    ) -> None:
        self.url_issuers = url_issuers
        self.store = store
        self.resolver = resolver
        self.status_fetcher = status_fetcher
        self.trust = trust
        self.result_seconds = result_seconds
        self.challenges = RedisChallenges(store, challenge_seconds)
        self.now = now
        self.verified_lists = VerifiedListCache()

    async def verifier(self) -> Verifier:
        """A pipeline reading the trust registry as it is now."""
        return Verifier(
            self.resolver,
            status_fetcher=self.status_fetcher,
            trust=await self.trust.snapshot(),
            now=self.now,
            verified_lists=self.verified_lists,
            url_issuers=self.url_issuers,
        )

    async def verify_credential(self, credential: Any) -> VerificationResult:
        """A credential on its own: its checks, and a ``binding`` warning (nobody presented it)."""
        result = await (await self.verifier()).verify(credential)
        if result.check("format") is not None and result.checks[0].outcome is not Outcome.FAILED:
            result.checks.append(BARE_CREDENTIAL)
        return result

    async def verify_presentation(
        self,
        presentation: Any,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        require_holder_proof: bool = False,
        strict: bool = True,
    ) -> PresentationResult:
        """Verify a presentation; a ``challenge`` is accepted once and then requires a holder proof.

        ``strict=False`` (VC-API ``spec`` policy): the caller owns its challenge (no single use, no
        forced holder proof) and a subject other than the presenter is a warning.

        An ``EnvelopedVerifiablePresentation`` (``vp+jwt``) is always signed by its holder (the JWS)."""
        single_use = challenge is not None and strict
        options: PresentationOptions = {
            "challenge": challenge,
            "domain": domain,
            "challenges": self.challenges if single_use else None,
            "require_binding": strict,
        }
        if is_enveloped_presentation(presentation):
            return await verify_enveloped_presentation(presentation, await self.verifier(), **options)
        holder_proof = require_holder_proof or single_use
        return await verify_presentation(
            presentation, await self.verifier(), **options, require_holder_proof=holder_proof
        )

    async def verify_document(self, document: Any) -> tuple[str, VerificationResult | PresentationResult]:
        """A credential or a presentation, whichever ``document`` is (employer pages, links)."""
        if is_presentation(document):
            return "presentation", await self.verify_presentation(document)
        return "credential", await self.verify_credential(document)

    # -- results kept for the pages ------------------------------------------------------
    async def save(
        self,
        kind: str,
        document: Any,
        report: Mapping[str, Any],
        *,
        source: str,
        source_url: str | None = None,
        request: Mapping[str, Any] | None = None,
    ) -> str:
        """Keep a result for ``result_seconds``; returns its unguessable id."""
        result_id = new_id()
        record: dict[str, Any] = {
            "id": result_id,
            "checkedAt": format_datetime(self.now()),
            "kind": kind,
            "source": source,
            "report": dict(report),
            "document": document,
        }
        if source_url:
            record["sourceUrl"] = source_url
        if request:
            record["request"] = dict(request)
        await self.store.save_result(result_id, record, self.result_seconds)
        return result_id

    async def result(self, result_id: str) -> dict[str, Any] | None:
        if not result_id or len(result_id) > 64:
            return None
        return await self.store.get_result(result_id)

    @staticmethod
    def json_report(record: Mapping[str, Any]) -> dict[str, Any]:
        """The downloadable report: the whole result, with the document that was checked."""
        report = dict(record.get("report") or {})
        out: dict[str, Any] = {
            "reportId": record.get("id"),
            "checkedAt": record.get("checkedAt"),
            "kind": record.get("kind"),
            "source": record.get("source"),
        }
        if record.get("sourceUrl"):
            out["sourceUrl"] = record["sourceUrl"]
        if record.get("request"):
            out["request"] = record["request"]
        out.update(report)
        out["problemDetails"] = problem_details(report)
        key = "verifiablePresentation" if record.get("kind") == "presentation" else "verifiableCredential"
        out[key] = record.get("document")
        return out
