"""Presentations secured with JOSE (VC-JOSE-COSE ``vp+jwt``): an ``EnvelopedVerifiablePresentation``
whose ``id`` is ``data:application/vp+jwt,<compact JWS>``, or the bare compact JWS.

The checks are those of :func:`plecak.core.verify.presentation.verify_presentation` with the JWS as
the holder's proof: its ``kid`` must be a key the presentation's ``holder`` authorised for
``authentication``. A request's challenge and domain are the JWT claims ``nonce`` and ``aud`` (as
JWT presentations have carried them since VC 1.1). Each credential inside (usually enveloped
``vc+jwt`` credentials) runs the credential pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Unpack

from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.jose_vc import JoseError, enveloped_jws, open_envelope, parse_jws, verify_jose
from plecak.core.verify.checks import failed, passed, problems_failed
from plecak.core.verify.credential import Check, Verifier
from plecak.core.verify.pipeline import Context, Pipeline, StepRole
from plecak.core.verify.presentation import (
    ContentsStep,
    CredentialsStep,
    PresentationOptions,
    PresentationResult,
    accept_presentation,
    presentation_shape_problems,
)
from plecak.core.verify.steps import BindingStep, ReplayStep

__all__ = ["EnvelopedShapeStep", "JoseHolderStep", "is_enveloped_presentation", "verify_enveloped_presentation"]


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


@dataclass
class EnvelopedShapeStep:
    """``presentation`` (structure): the compact JWS, then the data model shape of the presentation in it."""

    name: str = "presentation"
    role: StepRole = "structure"

    async def run(self, context: Context) -> Check | None:
        try:
            _, secured = open_envelope(context.document, "this is not a presentation secured with JOSE (vp+jwt)")
        except JoseError as exc:
            return failed("presentation.invalid", f"This is not a well-formed presentation: {exc}", problems=str(exc))
        vp = secured.document("vp")
        problems = presentation_shape_problems(vp)
        if problems:
            return problems_failed(
                "presentation",
                "This is not a well-formed presentation",
                problems,
                "presentation.invalid",
                securedAs="vp+jwt",
            )
        context.values["jws"] = secured
        accept_presentation(context, vp)
        return passed("presentation.valid_jose", "A well-formed verifiable presentation (vp+jwt).")


@dataclass
class JoseHolderStep:
    """``holder``: the JWS is the holder's proof; the request's challenge and domain are its ``nonce``
    and ``aud``. Leaves ``values["presenter"]`` when it passed."""

    resolver: DidDocumentResolver
    now: Callable[[], datetime]
    clock_skew: timedelta
    challenge: str | None = None
    domain: str | None = None
    name: str = "holder"

    async def run(self, context: Context) -> Check | None:
        secured = context.values["jws"]
        holder = context.values.get("holder")
        jose = await verify_jose(
            secured.text, self.resolver, kind="vp", subject_id=holder, now=self.now, clock_skew=self.clock_skew
        )
        if not jose.verified:
            return failed(
                "holder.signature",
                "The holder's signature is not valid: " + jose.error,
                jose.details(),
                error=jose.error,
            )
        if holder is not None and jose.controller != holder:
            return failed(
                "holder.other_signer",
                f"The presentation was signed by {jose.controller}, not by its holder {holder}.",
                jose.details(),
                signer=str(jose.controller),
                holder=holder,
            )
        if self.challenge is not None and secured.payload.get("nonce") != self.challenge:
            return failed(
                "holder.nonce", "The presentation does not answer this request: its nonce is not the challenge."
            )
        if self.domain is not None and self.domain not in _audiences(secured.payload.get("aud")):
            return failed(
                "holder.audience", "The presentation was made for another verifier: its aud is not this domain."
            )
        context.values["presenter"] = jose.controller
        return passed(
            "holder.signed",
            "The holder signed this presentation (vp+jwt).",
            {"holder": jose.controller, **jose.details()},
            holder=str(jose.controller),
        )


async def verify_enveloped_presentation(
    document: Any, verifier: Verifier, **options: Unpack[PresentationOptions]
) -> PresentationResult:
    """Verify a JOSE-secured presentation and every credential in it; never raises for bad input.
    The options are those of :func:`~plecak.core.verify.presentation.verify_presentation`."""
    challenge, domain = options.get("challenge"), options.get("domain")
    pipeline = Pipeline(
        [
            EnvelopedShapeStep(),
            JoseHolderStep(verifier.resolver, verifier.now, verifier.clock_skew, challenge, domain),
            ReplayStep(options.get("challenges"), challenge, domain),
            CredentialsStep(verifier),
            BindingStep(strict=options.get("require_binding", True)),
            ContentsStep(unsigned_fails=False),
        ]
    ).customised(options.get("steps"))
    context = await pipeline.run(Context(document))
    return PresentationResult(context.checks, context.values.get("results", []))
