"""Verifiable presentations: build and sign one as a holder, and verify one with holder binding.

Verification adds presentation-level checks to each credential's own pipeline:

* ``presentation`` – the VC data model shape of the presentation;
* ``holder`` – the holder's ``authentication`` proof with the requested ``challenge`` and ``domain``;
* ``replay`` – a challenge is accepted once (an injected :class:`ChallengeStore` remembers it);
* ``binding`` – passes only when the presenter proved control of the DID each credential's subject
  names (the presentation is signed with that DID's key); a subject without a DID or an unsigned
  presentation is a warning saying the presenter is not tied to the learner.

They are steps of :class:`plecak.core.verify.pipeline.Pipeline` (``presentation``, ``holder``,
``replay``, ``credentials``, ``binding``, ``contents``), each replaceable by name through ``steps``;
replay and binding are the shared steps of :mod:`plecak.core.verify.steps`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.integrity.proofs import DidDocumentResolver, add_proof, verify_proofs
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.model.datamodel import VC_V2_CONTEXT, is_url
from plecak.core.verify.checks import failed, passed, problems_failed
from plecak.core.verify.credential import Check, Outcome, VerificationResult, Verifier
from plecak.core.verify.pipeline import Context, Pipeline, Step, StepRole
from plecak.core.verify.steps import (
    UNBOUND_MESSAGE,
    BindingStep,
    ChallengeStore,
    ReplayStep,
    binding_check,
    subject_ids,
)

__all__ = [
    "UNBOUND_MESSAGE",
    "ChallengeStore",
    "ContentsStep",
    "CredentialsStep",
    "DataIntegrityPresentationOptions",
    "HolderProofStep",
    "PresentationOptions",
    "PresentationResult",
    "ShapeStep",
    "accept_presentation",
    "binding_check",
    "create_presentation",
    "subject_ids",
    "verify_presentation",
]

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"


def create_presentation(
    credentials: Sequence[Mapping[str, Any]],
    holder_key: Ed25519KeyPair,
    holder: str,
    verification_method: str,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    presentation_id: str | None = None,
) -> dict[str, Any]:
    """A VC 2.0 presentation of ``credentials`` signed by the holder (``authentication`` purpose)."""
    vp: dict[str, Any] = {"@context": [VC_V2_CONTEXT], "type": ["VerifiablePresentation"], "holder": holder}
    if presentation_id:
        vp["id"] = presentation_id
    vp["verifiableCredential"] = [dict(c) for c in credentials]
    return add_proof(
        vp,
        holder_key,
        verification_method,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )


@dataclass
class PresentationResult:
    checks: list[Check]
    credentials: list[VerificationResult] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        own = all(c.outcome in (Outcome.PASSED, Outcome.WARNING) for c in self.checks)
        return own and all(r.verified for r in self.credentials)

    @property
    def verdict(self) -> str:
        results = [VerificationResult(self.checks), *self.credentials]
        verdicts = {r.verdict for r in results}
        if "failed" in verdicts:
            return "failed"
        return "verified" if verdicts == {"verified"} else "warnings"

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        own = VerificationResult(self.checks).to_json()
        return {
            "verified": self.verified,
            "verdict": self.verdict,
            "checks": own["checks"],
            "warnings": own["warnings"],
            "errors": own["errors"],
            "results": own["results"],
            "credentialResults": [r.to_json() for r in self.credentials],
        }


def _shape_problems(vp: Any) -> list[str]:
    if not isinstance(vp, Mapping):
        return ["a presentation must be a JSON object"]
    problems = []
    ctx = vp.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        problems.append(f"the first @context must be {VC_V2_CONTEXT} or {VC_V1_CONTEXT}")
    # An unsigned presentation is never expanded as JSON-LD: its other contexts are checked here.
    if isinstance(ctx, list) and not all(isinstance(c, Mapping) or is_url(c) for c in ctx[1:]):
        problems.append("@context may list only URLs and objects")
    types = vp.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        problems.append("type must include VerifiablePresentation")
    if "id" in vp and not is_url(vp["id"]):
        problems.append("id must be a URL")
    holder = vp.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    if holder is not None and not is_url(holder_id):
        problems.append("holder must be a URL (usually a DID)")
    creds = vp.get("verifiableCredential")
    items = creds if isinstance(creds, list) else [] if creds is None else [creds]
    if not all(isinstance(c, Mapping) for c in items):
        problems.append("verifiableCredential must hold credential objects")
    return problems


presentation_shape_problems = _shape_problems
"""The data-model problems of a presentation (empty: well formed); the JOSE pipeline uses it too."""


@dataclass
class ShapeStep:
    """``presentation`` (structure): the data model shape of a Data Integrity presentation."""

    name: str = "presentation"
    role: StepRole = "structure"

    async def run(self, context: Context) -> Check | None:
        vp = context.document
        problems = _shape_problems(vp)
        if problems:
            return problems_failed(
                "presentation", "This is not a well-formed presentation", problems, "presentation.invalid"
            )
        accept_presentation(context, vp)
        return passed("presentation.valid", "A well-formed verifiable presentation.")


def accept_presentation(context: Context, vp: Mapping[str, Any]) -> None:
    """What the later steps of a well-formed presentation read: it, its holder and its credentials."""
    context.subject = vp
    context.values["holder"] = _holder_id(vp)
    creds = vp.get("verifiableCredential")
    context.values["items"] = creds if isinstance(creds, list) else [] if creds is None else [creds]


def _holder_check(outcome: Outcome, message: str, code: str, params: dict[str, Any] | None = None) -> Check:
    return Check("holder", outcome, message, code=code, params=params or {})


@dataclass
class HolderProofStep:
    """``holder``: the holder's ``authentication`` proof for this ``challenge`` and ``domain``; leaves
    ``values["presenter"]`` (the DID that signed) when it passed."""

    resolver: DidDocumentResolver
    loader: DocumentLoader | None = None
    challenge: str | None = None
    domain: str | None = None
    required: bool = False
    name: str = "holder"

    async def run(self, context: Context) -> Check | None:
        vp = context.subject
        holder = context.values.get("holder")
        if "proof" not in vp or vp.get("proof") is None:
            return _holder_check(
                Outcome.FAILED if self.required else Outcome.WARNING,
                "The presentation is not signed, so it does not prove who is presenting it.",
                "holder.unsigned",
            )
        results = await verify_proofs(
            dict(vp),
            self.resolver,
            expected_purpose="authentication",
            challenge=self.challenge,
            domain=self.domain,
            loader=self.loader,
        )
        bad = [r for r in results if not r.verified]
        if bad or not results:  # "proof": [] holds no signature at all
            reason = "; ".join(bad[0].errors) if bad else "the proof is empty"
            return _holder_check(
                Outcome.FAILED, "The holder's signature is not valid: " + reason, "holder.signature", {"error": reason}
            )
        presenter = results[0].controller
        if holder is not None and presenter != holder:
            return _holder_check(
                Outcome.FAILED,
                f"The presentation was signed by {presenter}, not by its holder {holder}.",
                "holder.other_signer",
                {"signer": str(presenter), "holder": holder},
            )
        context.values["presenter"] = presenter
        return passed(
            "holder.signed",
            "The holder signed this presentation for this request.",
            {"holder": presenter},
            holder=str(presenter),
        )


@dataclass
class CredentialsStep:
    """Each credential a presentation holds, through the credential pipeline (``values["results"]``).
    Adds no row of its own: each credential's result lists its checks."""

    verifier: Verifier
    name: str = "credentials"

    async def run(self, context: Context) -> Check | None:
        context.values["results"] = [await self.verifier.verify(c) for c in context.values.get("items", [])]
        return None


@dataclass
class ContentsStep:
    """A presentation that holds no credential: a warning, or (``unsigned_fails``) a failure when
    nobody signed it either, since then there is nothing to verify."""

    unsigned_fails: bool = True
    name: str = "contents"

    async def run(self, context: Context) -> Check | None:
        if context.values.get("items"):
            return None
        if self.unsigned_fails and context.values.get("presenter") is None:
            return failed(
                "presentation.nothing",
                "The presentation is not signed and holds no credentials: there is nothing to verify.",
            )
        return Check(
            "presentation", Outcome.WARNING, "The presentation holds no credentials.", code="presentation.empty"
        )


def _holder_id(vp: Mapping[str, Any]) -> str | None:
    holder = vp.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


class PresentationOptions(TypedDict, total=False):
    """How a presentation is verified, whatever secures it (Data Integrity or ``vp+jwt``)."""

    challenge: str | None
    """The request's challenge (the proof's ``challenge``, the JWS's ``nonce``)."""
    domain: str | None
    """The request's domain (the proof's ``domain``, the JWS's ``aud``)."""
    challenges: ChallengeStore | None
    """Remembers the challenges already answered (each is accepted once)."""
    require_binding: bool
    """``True`` (the default): a credential whose subject is not the presenter fails; ``False``: a warning."""
    steps: Mapping[str, Step] | None
    """Injected steps by name (``presentation``, ``holder``, ``replay``, ``credentials``, ``binding``,
    ``contents``, or a new one added at the end)."""


class DataIntegrityPresentationOptions(PresentationOptions, total=False):
    require_holder_proof: bool
    """A presentation without the holder's proof fails (default ``False``: a warning)."""


async def verify_presentation(
    vp: Any, verifier: Verifier, **options: Unpack[DataIntegrityPresentationOptions]
) -> PresentationResult:
    """Verify a presentation and every credential in it; never raises for bad input."""
    challenge, domain = options.get("challenge"), options.get("domain")
    holder_proof = HolderProofStep(
        verifier.resolver, verifier.loader, challenge, domain, options.get("require_holder_proof", False)
    )
    pipeline = Pipeline(
        [
            ShapeStep(),
            holder_proof,
            ReplayStep(options.get("challenges"), challenge, domain),
            CredentialsStep(verifier),
            BindingStep(strict=options.get("require_binding", True)),
            ContentsStep(),
        ]
    ).customised(options.get("steps"))
    context = await pipeline.run(Context(vp))
    return PresentationResult(context.checks, context.values.get("results", []))
