"""Verifiable presentations: build and sign one as a holder, and verify one with holder binding.

Verification adds presentation-level checks to each credential's own pipeline:

* ``presentation`` – the VC data model shape of the presentation;
* ``holder`` – the holder's ``authentication`` proof with the requested ``challenge`` and ``domain``;
* ``replay`` – a challenge is accepted once (an injected :class:`ChallengeStore` remembers it);
* ``binding`` – a credential whose subject has an id is presented by that subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .dataintegrity import add_proof, verify_proofs
from .datamodel import VC_V2_CONTEXT, is_url
from .keys import Ed25519KeyPair
from .verify import Check, Outcome, VerificationResult, Verifier

__all__ = [
    "ChallengeStore",
    "PresentationResult",
    "create_presentation",
    "verify_presentation",
]

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"


class ChallengeStore(Protocol):
    async def consume(self, challenge: str, domain: str | None) -> bool:
        """Record a use of ``challenge``; ``True`` the first time, ``False`` on any later use."""
        ...


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


def _holder_id(vp: Mapping[str, Any]) -> str | None:
    holder = vp.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


async def verify_presentation(
    vp: Any,
    verifier: Verifier,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    challenges: ChallengeStore | None = None,
    require_holder_proof: bool = False,
    require_binding: bool = True,
) -> PresentationResult:
    """Verify a presentation and every credential in it; never raises for bad input.

    ``require_binding=False``: a credential whose subject is not the presenter is a warning."""
    problems = _shape_problems(vp)
    if problems:
        return PresentationResult(
            [
                Check(
                    "presentation",
                    Outcome.FAILED,
                    "This is not a well-formed presentation: " + "; ".join(problems),
                    {"problems": problems},
                )
            ]
        )
    assert isinstance(vp, Mapping)
    checks = [Check("presentation", Outcome.PASSED, "A well-formed verifiable presentation.")]
    holder = _holder_id(vp)
    presenter: str | None = None
    if "proof" not in vp or vp.get("proof") is None:
        outcome = Outcome.FAILED if require_holder_proof else Outcome.WARNING
        checks.append(
            Check(
                "holder",
                outcome,
                "The presentation is not signed, so it does not prove who is presenting it.",
            )
        )
    else:
        results = await verify_proofs(
            dict(vp),
            verifier.resolver,
            expected_purpose="authentication",
            challenge=challenge,
            domain=domain,
            loader=verifier.loader,
        )
        bad = [r for r in results if not r.verified]
        if bad or not results:  # "proof": [] holds no signature at all
            reason = "; ".join(bad[0].errors) if bad else "the proof is empty"
            checks.append(Check("holder", Outcome.FAILED, "The holder's signature is not valid: " + reason))
        else:
            presenter = results[0].controller
            if holder is not None and presenter != holder:
                checks.append(
                    Check(
                        "holder",
                        Outcome.FAILED,
                        f"The presentation was signed by {presenter}, not by its holder {holder}.",
                    )
                )
            else:
                checks.append(
                    Check(
                        "holder",
                        Outcome.PASSED,
                        "The holder signed this presentation for this request.",
                        {"holder": presenter},
                    )
                )
                if challenge is not None and challenges is not None:
                    if await challenges.consume(challenge, domain):
                        checks.append(
                            Check(
                                "replay",
                                Outcome.PASSED,
                                "This presentation answers a fresh request (not replayed).",
                            )
                        )
                    else:
                        checks.append(
                            Check(
                                "replay",
                                Outcome.FAILED,
                                "This presentation was already used: a replayed answer is not accepted.",
                            )
                        )
    creds = vp.get("verifiableCredential")
    items = creds if isinstance(creds, list) else [] if creds is None else [creds]
    results_per_credential = [await verifier.verify(c) for c in items]
    if presenter is not None:
        strangers = []
        for cred in items:
            subjects = cred.get("credentialSubject")
            for subject in subjects if isinstance(subjects, list) else [subjects]:
                sid = subject.get("id") if isinstance(subject, Mapping) else None
                if isinstance(sid, str) and sid.startswith("did:") and sid != presenter:
                    strangers.append(str(cred.get("id", "a credential")))
        if strangers:
            checks.append(
                Check(
                    "binding",
                    Outcome.FAILED if require_binding else Outcome.WARNING,
                    "Presented by someone other than the learner it was issued to: "
                    + ", ".join(strangers)
                    + ".",
                )
            )
        elif items:
            checks.append(
                Check("binding", Outcome.PASSED, "Presented by the learner the credentials were issued to.")
            )
    if not items:
        checks.append(Check("presentation", Outcome.WARNING, "The presentation holds no credentials."))
    return PresentationResult(checks, results_per_credential)
