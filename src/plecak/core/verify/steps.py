"""The steps every format shares: trust in the issuer, the validity dates, the status outcome rows,
replay of a challenge and holder binding of a presentation's credentials."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from plecak.core.verify.checks import Check, Outcome, TrustRegistry, error_check, failed, passed, trust_check
from plecak.core.verify.pipeline import Context, Unsealed

__all__ = [
    "UNBOUND_MESSAGE",
    "BindingStep",
    "ChallengeStore",
    "ReplayStep",
    "TrustStep",
    "ValidityStep",
    "binding_check",
    "status_none",
    "status_ok",
    "status_unreadable",
    "status_withdrawn",
    "subject_ids",
    "validity_check",
]


class ChallengeStore(Protocol):
    async def consume(self, challenge: str, domain: str | None) -> bool:
        """Record a use of ``challenge``; ``True`` the first time, ``False`` on any later use."""
        ...


# -- trust ----------------------------------------------------------------------------------------
@dataclass
class TrustStep:
    """``issuer``: whether the issuer (``values["issuer"]``) is in the trusted list. A seal that did
    not pass (say, a URL issuer nothing ties to the signer) leaves the issuer unconfirmed."""

    trust: TrustRegistry
    name: str = "issuer"
    if_unsealed: Unsealed = "row"

    async def run(self, context: Context) -> Check | None:
        issuer = str(context.values.get("issuer") or "")
        if context.seal is not None and context.seal.outcome is not Outcome.PASSED:
            return Check(
                "issuer",
                Outcome.WARNING,
                "The issuer is unconfirmed: the signature is not tied to it, so the trusted list does not apply.",
                {"issuer": issuer},
                "issuer.unconfirmed",
                {"issuer": issuer},
            )
        return trust_check(self.trust, issuer)


# -- validity -------------------------------------------------------------------------------------
def validity_check(start: datetime | None, end: datetime | None, now: datetime, clock_skew: timedelta) -> Check:
    """The ``validity`` row of a credential valid from ``start`` until ``end`` (either may be open)."""
    if start and start - clock_skew > now:
        return failed(
            "validity.not_yet_valid",
            f"The credential is not valid yet (from {start:%Y-%m-%d %H:%M} UTC).",
            start=f"{start:%Y-%m-%d %H:%M}",
        )
    if end and end + clock_skew < now:
        return failed(
            "validity.expired", f"The credential expired on {end:%Y-%m-%d %H:%M} UTC.", end=f"{end:%Y-%m-%d %H:%M}"
        )
    if end:
        return passed(
            "validity.until", f"The credential is in date (valid until {end:%Y-%m-%d}).", end=f"{end:%Y-%m-%d}"
        )
    return passed("validity.open", "The credential is in date (it does not expire).")


Window = Callable[[Any], tuple[datetime | None, datetime | None]]
"""When a checked document is valid: ``(from, until)``, either ``None`` when it does not say."""


@dataclass
class ValidityStep:
    """``validity``: the dates ``window`` reads from the context's subject, against ``now``."""

    window: Window
    now: Callable[[], datetime]
    clock_skew: timedelta = timedelta(minutes=5)
    name: str = "validity"
    if_unsealed: Unsealed = "run"

    async def run(self, context: Context) -> Check | None:
        start, end = self.window(context.subject)
        return validity_check(start, end, self.now(), self.clock_skew)


# -- status outcomes (the lists differ by format, what they mean does not) -------------------------
def status_none() -> Check:
    return passed("status.none", "The issuer publishes no revocation status for this credential.", {"status": "none"})


def status_ok(details: dict[str, Any]) -> Check:
    return passed("status.ok", "The issuer has not revoked or suspended this credential.", {"status": "ok", **details})


def status_withdrawn(status: str, as_of: str | None = None) -> Check:
    """``status``: ``revoked`` or ``suspended``; ``as_of``: the date of the list that says so."""
    details: dict[str, Any] = {"status": status}
    message = f"The issuer has {status} this credential."
    params: dict[str, Any] = {}
    if as_of is not None:  # the list was signed after the change: it happened by then
        details["statusListValidFrom"] = as_of
        params["since"] = as_of
        message = f"The issuer has {status} this credential (status list of {as_of})."
    code = f"status.{status}" + ("_since" if as_of is not None else "")
    return Check("status", Outcome.FAILED, message, details, code, params)


def status_unreadable(error: object) -> Check:
    return error_check(
        "status",
        "The status could not be checked, so it is unknown whether the credential was revoked",
        error,
        "status.unreadable",
        Outcome.UNKNOWN,
    )


# -- replay and holder binding (presentations) ------------------------------------------------------
@dataclass
class ReplayStep:
    """``replay``: a request's challenge is answered once; runs only after the holder's proof passed
    (``values["presenter"]``) and when there is a challenge and a store."""

    challenges: ChallengeStore | None
    challenge: str | None
    domain: str | None = None
    name: str = "replay"
    if_unsealed: Unsealed = "skip"

    async def run(self, context: Context) -> Check | None:
        if self.challenge is None or self.challenges is None or context.values.get("presenter") is None:
            return None
        if await self.challenges.consume(self.challenge, self.domain):
            return passed("replay.fresh", "This presentation answers a fresh request (not replayed).")
        return failed("replay.replayed", "This presentation was already used: a replayed answer is not accepted.")


UNBOUND_MESSAGE = (
    "The presenter could not be tied to the learner: {what}. Anyone who holds a copy of the credential"
    " can show it, so it proves what was awarded, not that the person showing it is the learner; check"
    " their identity another way (for example their name against an identity document)."
)


def subject_ids(credential: Mapping[str, Any]) -> list[str | None]:
    """Each ``credentialSubject``'s id when it is a DID (``None`` for a subject without one)."""
    subjects = credential.get("credentialSubject")
    out: list[str | None] = []
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        sid = subject.get("id") if isinstance(subject, Mapping) else None
        out.append(sid if isinstance(sid, str) and sid.startswith("did:") else None)
    return out


def _unbound(what: str, reason: str, outcome: Outcome, extra: dict[str, Any]) -> Check:
    return Check(
        "binding",
        outcome,
        UNBOUND_MESSAGE.format(what=what),
        {"bound": False, "reason": reason, **extra},
        f"binding.{reason}",
        {k: ", ".join(v) if isinstance(v, list) else v for k, v in extra.items()},
    )


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
            "binding.other_subject",
            {"credentials": ", ".join(strangers)},
        )
    if unbound:
        what = (
            "the credential names no learner identifier (DID) that the presenter could prove"
            " control of (" + ", ".join(unbound) + ")"
        )
        return _unbound(what, "no_subject_id", Outcome.WARNING, {"credentials": unbound})
    if presenter is None:
        why = "the presenter's signature is not valid" if holder_failed else "the presentation is not signed"
        what = why + ", so nobody proved control of the learner's identifier"
        if holder_failed:
            return _unbound(what, "invalid_holder_proof", Outcome.UNKNOWN, {})
        return _unbound(what, "unsigned", Outcome.WARNING, {})
    return passed(
        "binding.bound",
        "Presented by the learner the credentials were issued to: the presenter signed with the key"
        " of the learner's identifier.",
        {"bound": True, "holder": presenter},
        holder=presenter,
    )


@dataclass
class BindingStep:
    """``binding``: holder binding of the credentials a presentation holds (``values["results"]``,
    from its credentials step) to the presenter (``values["presenter"]``, from its holder step)."""

    strict: bool = True
    name: str = "binding"

    async def run(self, context: Context) -> Check | None:
        items: list[Any] = context.values.get("items", [])
        if not items:
            return None
        holder = context.check("holder")
        holder_failed = holder is not None and holder.outcome is Outcome.FAILED
        results = context.values.get("results", [])
        # enveloped (vc+jwt) credentials are bound by the subject they secure
        secured = [r.credential if r.credential is not None else c for c, r in zip(items, results, strict=True)]
        presenter = None if holder_failed else context.values.get("presenter")
        return binding_check(secured, presenter, holder_failed=holder_failed, strict=self.strict)
