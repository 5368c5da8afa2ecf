"""Credential verification as a pipeline of named checks: format → proof → issuer → status → validity.

Each step is injected and returns a :class:`Check` with one of four outcomes and a sentence a
person can read. :func:`verify_credential` never raises for a bad credential: it returns a
:class:`VerificationResult` listing every check, so a page can show exactly what passed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plecak.core.errors import DocumentLoaderError, StatusListError, UndefinedTermError, VCError
from plecak.core.integrity.ecdsa_sd import is_derived_disclosure
from plecak.core.integrity.proofs import DidDocumentResolver, verify_proofs
from plecak.core.jose_vc import enveloped_jws, parse_jws, verify_jose
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.jsonld.rdf import check_safe, sharing_quads
from plecak.core.model.datamodel import credential_version, issuer_id, validate_credential
from plecak.core.model.relatedresource import digest_problems
from plecak.core.status.bitstring import parse_status_entry, read_status
from plecak.core.timeutil import parse_datetime, utc_now
from plecak.core.verify.checks import (
    Check,
    Outcome,
    TrustRegistry,
    VerificationResult,
    not_checked_after_seal,
    seal_passed,
    trust_check,
)
from plecak.core.verify.status_cache import VerifiedListCache

__all__ = [
    "Check",
    "Outcome",
    "StatusListFetcher",
    "TrustRegistry",
    "VerificationResult",
    "VerifiedListCache",
    "Verifier",
    "not_checked_after_seal",
    "seal_passed",
    "trust_check",
    "verify_credential",
]


StatusListFetcher = Callable[[str], Awaitable[Mapping[str, Any]]]
EDTECH_REVOCATION_LIST = "1EdTechRevocationList"


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


@dataclass
class Verifier:
    """The injected steps. Leave ``status_fetcher`` or ``trust`` out to skip those checks."""

    resolver: DidDocumentResolver
    status_fetcher: StatusListFetcher | None = None
    trust: TrustRegistry | None = None
    loader: DocumentLoader | None = None
    clock_skew: timedelta = timedelta(minutes=5)
    now: Callable[[], datetime] = utc_now
    verified_lists: VerifiedListCache | None = None
    """Status lists whose proof already passed (shared between requests); ``None``: check every time."""
    url_issuers: bool = False
    """Relaxed (test vectors, W3C suites): an issuer that is not a DID passes with an "unconfirmed"
    warning. Default: it fails, because nothing ties a URL to the key that signed."""

    async def verify(self, credential: Any) -> VerificationResult:
        found = enveloped_jws(credential)
        if found is not None:
            return await self._verify_enveloped(found[0], found[1])
        checks: list[Check] = []
        # The format check's safe-mode conversion and the proof check both need the credential's
        # RDF quads: built once (plecak.core.jsonld.rdf.sharing_quads); neither step changes the credential.
        with sharing_quads():
            fmt = self.check_format(credential)
            checks.append(fmt)
            if fmt.outcome is Outcome.FAILED:
                return VerificationResult(checks)
            assert isinstance(credential, Mapping)
            proof = await self.check_proof(credential)
        return await self._after_proof(credential, checks, proof)

    async def _after_proof(
        self, credential: Mapping[str, Any], checks: list[Check], proof: Check
    ) -> VerificationResult:
        """The issuer, status and validity steps, once the format and proof were checked."""
        checks.append(proof)
        sealed = proof.outcome is not Outcome.FAILED
        if self.trust is not None:
            checks.append(
                self.check_issuer(credential, confirmed=proof.outcome is Outcome.PASSED)
                if sealed
                else not_checked_after_seal("issuer")
            )
        if self.status_fetcher is not None:
            checks.append(
                await self.check_status(credential, proof.details.get("signers", []))
                if sealed
                else not_checked_after_seal("status")
            )
        checks.append(self.check_validity(credential))
        return VerificationResult(checks)

    async def _verify_enveloped(self, kind: str | None, text: str) -> VerificationResult:
        """A credential secured with JOSE (VC-JOSE-COSE ``vc+jwt``): the same steps, the JWS as the proof."""
        try:
            secured = parse_jws(text)
        except VCError as exc:
            return VerificationResult(
                [Check("format", Outcome.FAILED, f"This is not a well-formed secured credential (vc+jwt): {exc}")]
            )
        if "vp" in (kind, secured.kind):
            return VerificationResult(
                [Check("format", Outcome.FAILED, "This is a secured presentation (vp+jwt), not a credential.")]
            )
        credential = secured.document("vc")
        fmt = self.check_format(credential, require_proof=False)
        fmt.details["securedAs"] = "jwt" if secured.legacy("vc") else "vc+jwt"
        if fmt.outcome is Outcome.FAILED:
            return VerificationResult([fmt], credential)
        issuer = issuer_id(credential)
        jose = await verify_jose(
            text, self.resolver, kind="vc", subject_id=issuer, now=self.now, clock_skew=self.clock_skew
        )
        details = jose.details()
        if not jose.verified:
            proof = Check("proof", Outcome.FAILED, "The signature is not valid: " + jose.error, details)
        else:
            details["signers"] = [jose.controller]
            proof = self._signer_is_issuer(issuer, [str(jose.controller)], details) or Check(
                "proof",
                Outcome.PASSED,
                "The signature (JOSE) is valid and was made by the issuer: the content has not been changed.",
                details,
            )
        result = await self._after_proof(credential, [fmt], proof)
        result.credential = credential
        return result

    def _signer_is_issuer(self, issuer: str | None, signers: list[str], details: dict[str, Any]) -> Check | None:
        """``None`` when ``issuer`` is among ``signers``; else the failed (or, for URL issuers in
        relaxed mode, warning) proof check that says why the seal does not speak for the issuer."""
        if issuer in signers:
            return None
        details["issuerConfirmed"] = False
        if issuer and not issuer.startswith("did:"):
            if self.url_issuers:
                return Check(
                    "proof",
                    Outcome.WARNING,
                    f"The signature is valid, but the issuer {issuer} is not a DID, so nothing ties it"
                    f" to the signer {', '.join(signers)}: the issuer is unconfirmed.",
                    details,
                )
            details["reason"] = "issuer_not_did"
            return Check(
                "proof",
                Outcome.FAILED,
                f"The issuer {issuer} is not a DID, so nothing ties it to the key that signed"
                f" ({', '.join(signers)}): anyone can sign a credential naming that issuer.",
                details,
            )
        details["reason"] = "issuer_key"
        return Check(
            "proof",
            Outcome.FAILED,
            f"The credential was not sealed by its issuer {issuer}: it was signed with a key of {', '.join(signers)}.",
            details,
        )

    # long: one test per structural rule, collecting every problem for one format row
    def check_format(self, credential: Any, *, require_proof: bool = True) -> Check:
        """``require_proof=False``: the credential is secured by an envelope (JOSE), not a proof."""
        problems = validate_credential(credential, require_proof=require_proof)
        if not problems:
            problems = digest_problems(credential)
        if problems:
            return Check(
                "format",
                Outcome.FAILED,
                "This is not a well-formed verifiable credential: " + "; ".join(problems),
                {"problems": problems},
            )
        try:
            check_safe(credential, self.loader)
        except UndefinedTermError as exc:
            return Check(
                "format",
                Outcome.FAILED,
                f"The credential uses a term its contexts do not define: {exc.term}.",
                {"term": exc.term},
            )
        except DocumentLoaderError as exc:
            return Check(
                "format",
                Outcome.FAILED,
                f"The credential uses a context this verifier does not know: {exc.url}.",
                {"url": exc.url},
            )
        except VCError as exc:
            return Check("format", Outcome.FAILED, f"The credential is not valid JSON-LD: {exc}")
        version = credential_version(credential)
        details: dict[str, Any] = {"dataModel": "2.0" if version == 2 else "1.1"}
        missing = missing_micro_credential_elements(credential)
        if missing is not None and is_derived_disclosure(credential):
            # A selective disclosure: the holder chose not to share what is missing; the proof
            # check says whether what was shared is what the issuer signed.
            # Annex I course elements are mandatory disclosures (plecak.core.disclosure.MANDATORY_ELEMENTS):
            # missing, the issuer never stated them. Only the learner may have been withheld.
            details["microCredential"] = True
            details["selectiveDisclosure"] = True
            withheld = [m for m in missing if m == "learner identification"]
            absent = [m for m in missing if m not in withheld]
            details["notShared"] = withheld
            message = "A selective disclosure of an EU micro-credential"
            message += f"; not shared by the holder: {', '.join(withheld)}." if withheld else "."
            if absent:
                details["missingElements"] = absent
                return Check(
                    "format",
                    Outcome.WARNING,
                    "Incomplete micro-credential: the issuer did not state "
                    + ", ".join(absent)
                    + ". "
                    + message,
                    details,
                )
            return Check("format", Outcome.PASSED, message, details)
        if missing:
            details["missingElements"] = missing
            return Check(
                "format",
                Outcome.WARNING,
                "Incomplete micro-credential: it lacks " + ", ".join(missing) + ".",
                details,
            )
        if missing is not None:
            details["microCredential"] = True
            return Check(
                "format",
                Outcome.PASSED,
                "A complete EU micro-credential (all mandatory elements present).",
                details,
            )
        return Check(
            "format",
            Outcome.PASSED,
            f"A well-formed VC Data Model {details['dataModel']} credential.",
            details,
        )

    async def check_proof(self, credential: Mapping[str, Any]) -> Check:
        results = await verify_proofs(credential, self.resolver, loader=self.loader)
        if not results:
            return Check("proof", Outcome.FAILED, "The credential is not signed.", {"reason": "unsigned"})
        issuer = issuer_id(credential)
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
            return Check(
                "proof", Outcome.FAILED, "The signature is not valid: " + "; ".join(bad[0].errors), details
            )
        signers = sorted({str(r.controller) for r in results if r.controller})
        details["signers"] = signers
        refused = self._signer_is_issuer(issuer, signers, details)
        if refused is not None:
            return refused
        return seal_passed(details)

    def check_issuer(self, credential: Mapping[str, Any], *, confirmed: bool = True) -> Check:
        """``confirmed=False``: the proof does not tie the signer to the issuer; never trusted then."""
        issuer = issuer_id(credential) or ""
        assert self.trust is not None
        if not confirmed:
            return Check(
                "issuer",
                Outcome.WARNING,
                "The issuer is unconfirmed: the signature is not tied to it, so the trusted list"
                " does not apply.",
                {"issuer": issuer},
            )
        return trust_check(self.trust, issuer)

    # long: every status entry is read before one outcome is chosen (a revocation outweighs an unreadable list)
    async def check_status(
        self, credential: Mapping[str, Any], signers: Sequence[str] | None = None
    ) -> Check:
        """``signers``: controllers of the credential's proofs; the status list must be signed by one
        of them (by default the issuer) and name the same issuer."""
        raw = credential.get("credentialStatus")
        if raw is None:
            return Check(
                "status",
                Outcome.PASSED,
                "The issuer publishes no revocation status for this credential.",
                {"status": "none"},
            )
        entries = raw if isinstance(raw, list) else [raw]
        assert self.status_fetcher is not None
        found: dict[str, bool] = {}
        as_of: dict[str, str] = {}  # purpose -> validFrom of the list that says revoked/suspended
        # A status that cannot be read is reported only when no other entry shows a revocation
        # or suspension: a revoked credential stays "revoked" if its suspension list is down.
        unknown: Check | None = None
        for item in entries:
            if isinstance(item, Mapping) and item.get("type") == EDTECH_REVOCATION_LIST:
                try:
                    revoked = await self._edtech_revoked(item, credential)
                    found["revocation"] = found.get("revocation", False) or revoked
                except Exception as exc:  # as below: an unreadable list is "unknown", never "ok"
                    unknown = unknown or Check(
                        "status",
                        Outcome.UNKNOWN,
                        "The status could not be checked, so it is unknown whether the credential was"
                        f" revoked: {exc}",
                    )
                continue
            if not isinstance(item, Mapping) or item.get("type") not in (
                "BitstringStatusListEntry",
                "StatusList2021Entry",
            ):
                kind = item.get("type") if isinstance(item, Mapping) else None
                unknown = unknown or Check(
                    "status",
                    Outcome.UNKNOWN,
                    f"The status could not be checked: unsupported status type {kind!r}.",
                )
                continue
            try:
                entry = parse_status_entry(item)
                list_vc = await self.status_fetcher(entry.list_url)
                list_signers = self.verified_lists.signers(list_vc) if self.verified_lists else None
                if list_signers is None:
                    list_proof = await self.check_proof(list_vc)
                    if list_proof.outcome is Outcome.FAILED:
                        raise StatusListError("the status list's signature is not valid")
                    list_signers = [str(s) for s in list_proof.details.get("signers", [])]
                    if self.verified_lists is not None:
                        self.verified_lists.remember(list_vc, list_signers)
                if issuer_id(list_vc) != issuer_id(credential):
                    raise StatusListError("the status list was not published by the credential's issuer")
                allowed = set(signers or [str(issuer_id(credential))])
                if not allowed & set(list_signers):
                    raise StatusListError("the status list was not signed by the credential's signer")
                revoked = read_status(list_vc, entry)
                found[entry.status_purpose] = found.get(entry.status_purpose, False) or revoked
                if revoked and isinstance(list_vc.get("validFrom"), str):
                    as_of[entry.status_purpose] = str(list_vc["validFrom"])
            except Exception as exc:  # network errors, bad lists: the status is unknown, never "ok"
                unknown = unknown or Check(
                    "status",
                    Outcome.UNKNOWN,
                    "The status could not be checked, so it is unknown whether the credential was revoked: "
                    f"{exc}",
                )
        for purpose, status in (("revocation", "revoked"), ("suspension", "suspended")):
            if found.get(purpose):
                details: dict[str, Any] = {"status": status}
                message = f"The issuer has {status} this credential."
                if purpose in as_of:  # the list was signed after the change: it happened by then
                    details["statusListValidFrom"] = as_of[purpose]
                    message = f"The issuer has {status} this credential (status list of {as_of[purpose]})."
                return Check("status", Outcome.FAILED, message, details)
        if unknown is not None:
            return unknown
        return Check(
            "status",
            Outcome.PASSED,
            "The issuer has not revoked or suspended this credential.",
            {"status": "ok", "checked": sorted(found)},
        )

    async def _edtech_revoked(self, entry: Mapping[str, Any], credential: Mapping[str, Any]) -> bool:
        """1EdTech Revocation List Status Method: ``entry.id`` is a JSON list whose
        ``revokedCredentials`` name revoked credential ids. The list is not signed: it must come
        over https (the fetcher's rule), say it is that URL and name the credential's issuer."""
        assert self.status_fetcher is not None
        url = entry.get("id")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise StatusListError("a 1EdTechRevocationList id must be an https URL")
        credential_id = credential.get("id")
        if not isinstance(credential_id, str):
            raise StatusListError("the credential has no id, so no revocation list can name it")
        listing = await self.status_fetcher(url)
        if listing.get("id", url) != url:
            raise StatusListError(f"the revocation list at {url} says it is {listing.get('id')!r}")
        list_issuer = listing.get("issuer")
        if isinstance(list_issuer, Mapping):
            list_issuer = list_issuer.get("id")
        if list_issuer != issuer_id(credential):
            raise StatusListError("the revocation list does not name the credential's issuer")
        revoked = listing.get("revokedCredentials", [])
        if not isinstance(revoked, list):
            raise StatusListError("revokedCredentials is not a list")
        ids = {r.get("id") if isinstance(r, Mapping) else r for r in revoked}
        return credential_id in ids

    def check_validity(self, credential: Mapping[str, Any]) -> Check:
        now = self.now()
        v2 = credential_version(credential) == 2
        start = parse_datetime(credential.get("validFrom" if v2 else "issuanceDate"))
        end = parse_datetime(credential.get("validUntil" if v2 else "expirationDate"))
        if not v2 and start is None:
            start = parse_datetime(credential.get("validFrom"))
        if start and start - self.clock_skew > now:
            return Check(
                "validity",
                Outcome.FAILED,
                f"The credential is not valid yet (from {start:%Y-%m-%d %H:%M} UTC).",
            )
        if end and end + self.clock_skew < now:
            return Check("validity", Outcome.FAILED, f"The credential expired on {end:%Y-%m-%d %H:%M} UTC.")
        if end:
            return Check(
                "validity", Outcome.PASSED, f"The credential is in date (valid until {end:%Y-%m-%d})."
            )
        return Check("validity", Outcome.PASSED, "The credential is in date (it does not expire).")


async def verify_credential(
    credential: Any,
    resolver: DidDocumentResolver,
    *,
    status_fetcher: StatusListFetcher | None = None,
    trust: TrustRegistry | None = None,
) -> VerificationResult:
    """Verify with the default pipeline (convenience wrapper around :class:`Verifier`)."""
    return await Verifier(resolver, status_fetcher=status_fetcher, trust=trust).verify(credential)
