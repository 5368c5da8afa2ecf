"""Presentations secured with JOSE (VC-JOSE-COSE ``vp+jwt``): an ``EnvelopedVerifiablePresentation``
whose ``id`` is ``data:application/vp+jwt,<compact JWS>``, or the bare compact JWS.

The checks are those of :func:`plecak.core.verify.presentation.verify_presentation` with the JWS as
the holder's proof: its ``kid`` must be a key the presentation's ``holder`` authorised for
``authentication``. A request's challenge and domain are the JWT claims ``nonce`` and ``aud`` (as
JWT presentations have carried them since VC 1.1). Each credential inside (usually enveloped
``vc+jwt`` credentials) runs the credential pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.jose_vc import JoseError, enveloped_jws, parse_jws, verify_jose
from plecak.core.verify.credential import Check, Outcome, Verifier
from plecak.core.verify.presentation import (
    ChallengeStore,
    PresentationResult,
    binding_check,
    presentation_shape_problems,
)

__all__ = ["is_enveloped_presentation", "verify_enveloped_presentation"]


def is_enveloped_presentation(document: Any) -> bool:
    """An ``EnvelopedVerifiablePresentation`` (``vp+jwt``), or a compact JWS whose ``typ`` is ``vp+jwt``."""
    found = enveloped_jws(document)
    if found is None:
        return False
    if found[0] is not None:
        return found[0] == "vp"
    try:
        return parse_jws(found[1]).kind == "vp"
    except JoseError:
        return False


def _audiences(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


async def verify_enveloped_presentation(
    document: Any,
    verifier: Verifier,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    challenges: ChallengeStore | None = None,
    require_binding: bool = True,
) -> PresentationResult:
    """Verify a JOSE-secured presentation and every credential in it; never raises for bad input."""
    found = enveloped_jws(document)
    try:
        if found is None:
            raise JoseError("this is not a presentation secured with JOSE (vp+jwt)")
        secured = parse_jws(found[1])
    except JoseError as exc:
        return PresentationResult(
            [Check("presentation", Outcome.FAILED, f"This is not a well-formed presentation: {exc}")]
        )
    vp = secured.document("vp")
    problems = presentation_shape_problems(vp)
    if problems:
        return PresentationResult(
            [
                Check(
                    "presentation",
                    Outcome.FAILED,
                    "This is not a well-formed presentation: " + "; ".join(problems),
                    {"problems": problems, "securedAs": "vp+jwt"},
                )
            ]
        )
    checks = [Check("presentation", Outcome.PASSED, "A well-formed verifiable presentation (vp+jwt).")]
    holder = vp.get("holder")
    holder = holder.get("id") if isinstance(holder, Mapping) else holder
    holder = holder if isinstance(holder, str) else None
    jose = await verify_jose(
        secured.text, verifier.resolver, kind="vp", subject_id=holder, now=verifier.now, clock_skew=verifier.clock_skew
    )
    presenter: str | None = None
    if not jose.verified:
        checks.append(
            Check("holder", Outcome.FAILED, "The holder's signature is not valid: " + jose.error, jose.details())
        )
    elif holder is not None and jose.controller != holder:
        checks.append(
            Check(
                "holder",
                Outcome.FAILED,
                f"The presentation was signed by {jose.controller}, not by its holder {holder}.",
                jose.details(),
            )
        )
    elif challenge is not None and secured.payload.get("nonce") != challenge:
        checks.append(
            Check(
                "holder",
                Outcome.FAILED,
                "The presentation does not answer this request: its nonce is not the challenge.",
            )
        )
    elif domain is not None and domain not in _audiences(secured.payload.get("aud")):
        checks.append(
            Check(
                "holder", Outcome.FAILED, "The presentation was made for another verifier: its aud is not this domain."
            )
        )
    else:
        presenter = jose.controller
        checks.append(
            Check(
                "holder",
                Outcome.PASSED,
                "The holder signed this presentation (vp+jwt).",
                {"holder": presenter, **jose.details()},
            )
        )
        if challenge is not None and challenges is not None:
            fresh = await challenges.consume(challenge, domain)
            checks.append(
                Check("replay", Outcome.PASSED, "This presentation answers a fresh request (not replayed).")
                if fresh
                else Check(
                    "replay", Outcome.FAILED, "This presentation was already used: a replayed answer is not accepted."
                )
            )
    creds = vp.get("verifiableCredential")
    items = creds if isinstance(creds, list) else [] if creds is None else [creds]
    results = [await verifier.verify(c) for c in items]
    if items:
        holder_failed = any(c.name == "holder" and c.outcome is Outcome.FAILED for c in checks)
        decoded = [r.credential if r.credential is not None else c for c, r in zip(items, results, strict=True)]
        checks.append(
            binding_check(
                decoded, None if holder_failed else presenter, holder_failed=holder_failed, strict=require_binding
            )
        )
    else:
        checks.append(Check("presentation", Outcome.WARNING, "The presentation holds no credentials."))
    return PresentationResult(checks, results)
