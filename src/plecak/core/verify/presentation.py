"""Verifiable presentations: build and sign one as a holder, and verify one with holder binding.

Verification adds presentation-level checks to each credential's own pipeline:

* ``presentation`` – the VC data model shape of the presentation;
* ``holder`` – the holder's ``authentication`` proof with the requested ``challenge`` and ``domain``;
* ``replay`` – a challenge is accepted once (an injected :class:`ChallengeStore` remembers it);
* ``binding`` – passes only when the presenter proved control of the DID each credential's subject
  names (the presentation is signed with that DID's key); a subject without a DID or an unsigned
  presentation is a warning saying the presenter is not tied to the learner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.integrity.proofs import add_proof, verify_proofs
from plecak.core.model.datamodel import VC_V2_CONTEXT, is_url
from plecak.core.verify.credential import Check, Outcome, VerificationResult, Verifier

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


presentation_shape_problems = _shape_problems
"""The data-model problems of a presentation (empty: well formed); the JOSE pipeline uses it too."""

UNBOUND_MESSAGE = (
    "The presenter could not be tied to the learner: {what}. Anyone who holds a copy of the credential"
    " can show it, so it proves what was awarded, not that the person showing it is the learner; check"
    " their identity another way (for example their name against an identity document)."
)


def _holder_failed(checks: Sequence[Check]) -> bool:
    return any(c.name == "holder" and c.outcome is Outcome.FAILED for c in checks)


def subject_ids(credential: Mapping[str, Any]) -> list[str | None]:
    """Each ``credentialSubject``'s id when it is a DID (``None`` for a subject without one)."""
    subjects = credential.get("credentialSubject")
    out: list[str | None] = []
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        sid = subject.get("id") if isinstance(subject, Mapping) else None
        out.append(sid if isinstance(sid, str) and sid.startswith("did:") else None)
    return out


def binding_check(
    credentials: Sequence[Any], presenter: str | None, *, holder_failed: bool = False, strict: bool = True
) -> Check:
    """Holder binding: passes only when the presenter proved control (signed the presentation) of
    the DID every credential's subject names. A subject without a DID, or an unsigned presentation,
    is a warning (``bound: false``) that says what it means; a subject that is someone else fails
    (a warning when not ``strict``)."""
    strangers, unbound = [], []
    for cred in credentials:
        if not isinstance(cred, Mapping):
            continue
        name = str(cred.get("id", "a credential"))
        ids = subject_ids(cred)
        if any(sid is None for sid in ids):
            unbound.append(name)
        if presenter is not None and any(sid is not None and sid != presenter for sid in ids):
            strangers.append(name)
    if strangers:
        return Check(
            "binding",
            Outcome.FAILED if strict else Outcome.WARNING,
            "Presented by someone other than the learner it was issued to: " + ", ".join(strangers) + ".",
            {"bound": False, "reason": "other_subject", "credentials": strangers},
        )
    if unbound:
        return Check(
            "binding",
            Outcome.WARNING,
            UNBOUND_MESSAGE.format(
                what="the credential names no learner identifier (DID) that the presenter could prove"
                " control of (" + ", ".join(unbound) + ")"
            ),
            {"bound": False, "reason": "no_subject_id", "credentials": unbound},
        )
    if presenter is None:
        why = "the presenter's signature is not valid" if holder_failed else "the presentation is not signed"
        return Check(
            "binding",
            Outcome.UNKNOWN if holder_failed else Outcome.WARNING,
            UNBOUND_MESSAGE.format(what=why + ", so nobody proved control of the learner's identifier"),
            {"bound": False, "reason": "invalid_holder_proof" if holder_failed else "unsigned"},
        )
    return Check(
        "binding",
        Outcome.PASSED,
        "Presented by the learner the credentials were issued to: the presenter signed with the key"
        " of the learner's identifier.",
        {"bound": True, "holder": presenter},
    )


def _holder_id(vp: Mapping[str, Any]) -> str | None:
    holder = vp.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


# long: the presentation's checks in the order the result lists them; each step decides whether the next runs
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
    if items:
        holder_failed = _holder_failed(checks)
        # enveloped (vc+jwt) credentials are bound by the subject they secure
        secured = [
            r.credential if r.credential is not None else c for c, r in zip(items, results_per_credential, strict=True)
        ]
        checks.append(
            binding_check(
                secured,
                None if holder_failed else presenter,
                holder_failed=holder_failed,
                strict=require_binding,
            )
        )
    if not items:
        if presenter is None:  # neither a holder's proof nor a credential: there is nothing to verify
            checks.append(
                Check(
                    "presentation",
                    Outcome.FAILED,
                    "The presentation is not signed and holds no credentials: there is nothing to verify.",
                )
            )
        else:
            checks.append(Check("presentation", Outcome.WARNING, "The presentation holds no credentials."))
    return PresentationResult(checks, results_per_credential)
