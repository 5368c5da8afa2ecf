"""The ``request`` check of an OpenID4VP answer: is it what the employer asked for (the kind of
credential, the achievement, a trusted issuer), and which asked-for elements did the holder keep back.
Pure: the caller says which issuers are trusted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from plecak.core.sdjwt import SELECTIVELY_DISCLOSABLE, SdJwtVerificationResult, is_micro_credential_vct
from plecak.core.verify.credential import Check, Outcome

from .dcql import Ask, elements_shared, mismatches

__all__ = ["presentation_request_check", "request_outcome", "sd_jwt_request_check"]

Trusted = Callable[[str], bool]
"""Whether an issuer's DID is on the verifier's trusted list."""


def _matched(missing: list[str]) -> tuple[str, dict[str, Any]]:
    """The code and params of a ``request`` check that passed (``missing``: what the holder withheld)."""
    if missing:
        return "request.matches_not_shared", {"not_shared": ", ".join(missing)}
    return "request.matches", {}


def request_outcome(problems: list[str], missing: list[str], details: dict[str, Any]) -> Check:
    """The ``request`` check of an answer: failed naming its ``problems``, or passed naming the
    elements asked for that the holder chose not to share (``missing``)."""
    if problems:
        message = "The answer does not match what you asked for: " + "; ".join(problems) + "."
        return Check(
            "request",
            Outcome.FAILED,
            message,
            {**details, "problems": problems},
            "request.mismatch",
            {"problems": "; ".join(problems)},
        )
    message = "The answer is the kind of credential you asked for."
    if missing:
        message += " The holder chose not to share: " + ", ".join(missing) + "."
    return Check("request", Outcome.PASSED, message, details, *_matched(missing))


def presentation_request_check(presentation: Mapping[str, Any], ask: Ask, trusted: Trusted) -> Check:
    """A W3C presentation's answer: every credential in it must match ``ask``."""
    creds = presentation.get("verifiableCredential")
    items = creds if isinstance(creds, list) else [] if creds is None else [creds]
    if not items:
        return Check("request", Outcome.FAILED, "The answer holds no credential.", code="request.empty")
    problems = []
    for number, credential in enumerate(items, 1):
        for problem in mismatches(credential, ask, trusted):
            problems.append(f"credential {number}: {problem}" if len(items) > 1 else problem)
    if problems:
        return request_outcome(problems, [], {"asked": ask.to_json()})
    shared = {k for c in items if isinstance(c, Mapping) for k in elements_shared(c, ask.elements)}
    missing = [k for k in ask.elements if k not in shared]
    return request_outcome([], missing, {"asked": ask.to_json(), "notShared": missing})


def sd_jwt_request_check(result: SdJwtVerificationResult, ask: Ask, trusted: Trusted) -> Check:
    """An SD-JWT VC answer: a micro-credential, for the achievement asked, its claims disclosed."""
    problems = []
    if ask.format != "dc+sd-jwt":
        problems.append("you asked for a W3C credential, not an SD-JWT VC")
    if not is_micro_credential_vct(result.vct):
        problems.append("it is not an EU micro-credential")
    if ask.achievement_id and result.disclosed.get("achievement_id") != ask.achievement_id:
        problems.append(f"it is not for the achievement {ask.achievement_id}")
    if ask.trusted_only and not trusted(str(result.issuer or "")):
        problems.append("its issuer is not on your trusted list")
    missing = [c for c in ask.claims if c not in result.disclosed]
    extra = sorted(set(result.disclosed) & set(SELECTIVELY_DISCLOSABLE) - set(ask.claims))
    details = {"asked": ask.to_json(), "notShared": missing, "notAskedButShared": extra}
    return request_outcome(problems, missing, details)
