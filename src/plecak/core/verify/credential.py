"""Credential verification as a pipeline of named steps (:mod:`plecak.core.verify.pipeline`):
format → proof → issuer → status → validity, for embedded proofs and for ``vc+jwt``.

Each step returns a :class:`Check` with one of four outcomes, a code with parameters and an English
sentence. :meth:`Verifier.verify` never raises for a bad credential: it returns a
:class:`VerificationResult` listing every check, so a page can show exactly what passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.jose_vc import is_enveloped
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.jsonld.rdf import sharing_quads
from plecak.core.timeutil import utc_now
from plecak.core.verify.checks import (
    Check,
    Outcome,
    TrustRegistry,
    VerificationResult,
    not_checked_after_seal,
    seal_passed,
    trust_check,
)
from plecak.core.verify.credential_steps import (
    EnvelopeStep,
    FormatStep,
    JoseProofStep,
    ProofStep,
    credential_window,
    format_check,
    missing_micro_credential_elements,
    proof_check,
)
from plecak.core.verify.elm import elm_pipeline, is_elm_credential
from plecak.core.verify.pipeline import Context, Pipeline, Step
from plecak.core.verify.status_cache import VerifiedListCache
from plecak.core.verify.status_step import EDTECH_REVOCATION_LIST, StatusListFetcher, StatusStep
from plecak.core.verify.steps import TrustStep, ValidityStep, validity_check

__all__ = [
    "EDTECH_REVOCATION_LIST",
    "Check",
    "Outcome",
    "StatusListFetcher",
    "TrustRegistry",
    "VerificationResult",
    "VerifiedListCache",
    "Verifier",
    "missing_micro_credential_elements",
    "not_checked_after_seal",
    "seal_passed",
    "trust_check",
    "verify_credential",
]


@dataclass
class Verifier:
    """The credential pipeline's settings. Leave ``status_fetcher`` or ``trust`` out to skip those checks;
    ``steps`` replaces steps by name (or adds one at the end) in both pipelines (embedded proofs, vc+jwt)."""

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
    steps: Mapping[str, Step] = field(default_factory=dict)
    """Injected steps, by name (``format``, ``proof``, ``issuer``, ``status``, ``validity`` or a new one)."""

    def _tail(self) -> list[Step]:
        """The steps after the seal, shared by both pipelines."""
        tail: list[Step] = []
        if self.trust is not None:
            tail.append(TrustStep(self.trust))
        if self.status_fetcher is not None:
            tail.append(StatusStep(self.status_fetcher, self.check_proof, self.verified_lists))
        tail.append(ValidityStep(credential_window, self.now, self.clock_skew))
        return tail

    def pipeline(self, *, enveloped: bool = False, elm: bool = False) -> Pipeline:
        """The steps :meth:`verify` runs, with the injected ones in place. ``elm``: a European Digital
        Credential (:mod:`plecak.core.verify.elm`: read, its eIDAS seal reported as not checked)."""
        if elm:
            return elm_pipeline(
                self.resolver,
                loader=self.loader,
                trust=self.trust,
                now=self.now,
                clock_skew=self.clock_skew,
                url_issuers=self.url_issuers,
            ).customised(self.steps)
        first: Sequence[Step] = (
            [EnvelopeStep(self.loader), JoseProofStep(self.resolver, self.now, self.clock_skew, self.url_issuers)]
            if enveloped
            else [FormatStep(self.loader), ProofStep(self.resolver, self.loader, self.url_issuers)]
        )
        return Pipeline([*first, *self._tail()]).customised(self.steps)

    async def verify(self, credential: Any) -> VerificationResult:
        enveloped = is_enveloped(credential)
        context = Context(credential)
        # The format check's safe-mode conversion and the proof check both need the credential's
        # RDF quads: built once (plecak.core.jsonld.rdf.sharing_quads); no step changes the credential.
        with sharing_quads():
            # an envelope is checked as one even when it also claims to be a European Digital Credential
            elm = not enveloped and is_elm_credential(credential)
            await self.pipeline(enveloped=enveloped, elm=elm).run(context)
        return VerificationResult(context.checks, context.subject if enveloped else None)

    # -- single steps, for callers that need one row (the wallet) ----------------------------------
    def check_format(self, credential: Any, *, require_proof: bool = True) -> Check:
        """``require_proof=False``: the credential is secured by an envelope (JOSE), not a proof."""
        return format_check(credential, self.loader, require_proof=require_proof)

    async def check_proof(self, credential: Mapping[str, Any]) -> Check:
        return await proof_check(credential, self.resolver, self.loader, url_issuers=self.url_issuers)

    async def check_status(self, credential: Mapping[str, Any], signers: Sequence[str] | None = None) -> Check:
        """``signers``: controllers of the credential's proofs; the status list must be signed by one
        of them (by default the issuer) and name the same issuer."""
        assert self.status_fetcher is not None
        return await StatusStep(self.status_fetcher, self.check_proof, self.verified_lists).check(credential, signers)

    def check_validity(self, credential: Mapping[str, Any]) -> Check:
        return validity_check(*credential_window(credential), self.now(), self.clock_skew)


async def verify_credential(
    credential: Any,
    resolver: DidDocumentResolver,
    *,
    status_fetcher: StatusListFetcher | None = None,
    trust: TrustRegistry | None = None,
) -> VerificationResult:
    """Verify with the default pipeline (convenience wrapper around :class:`Verifier`)."""
    return await Verifier(resolver, status_fetcher=status_fetcher, trust=trust).verify(credential)
