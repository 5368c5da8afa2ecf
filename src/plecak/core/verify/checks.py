"""What every verification step returns: a named :class:`Check` with an :class:`Outcome`, the
:class:`VerificationResult` listing them, and the rows shared by every format (trust, a seal that passed,
a check skipped because the seal failed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "Check",
    "Outcome",
    "TrustRegistry",
    "VerificationResult",
    "error_check",
    "failed",
    "not_checked_after_seal",
    "passed",
    "problems_failed",
    "seal_passed",
    "trust_check",
]


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    UNKNOWN = "unknown"


@dataclass
class Check:
    name: str
    outcome: Outcome
    message: str
    """The English sentence (kept for API clients); pages translate :attr:`code` instead."""
    details: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    """What the check found, as a stable code (``proof.issuer_key``): the catalogues translate
    ``check.<code>`` with :attr:`params`. See :data:`plecak.core.verify.codes.CODES`."""
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "outcome": self.outcome.value,
            "message": self.message,
            **({"code": self.code, "params": self.params} if self.code else {}),
            **({"details": self.details} if self.details else {}),
        }


@dataclass
class VerificationResult:
    checks: list[Check]
    credential: dict[str, Any] | None = None
    """For an enveloped credential (``vc+jwt``): the credential it secures (decoded)."""

    @property
    def verified(self) -> bool:
        """No check failed and none is unknown (warnings allowed)."""
        return all(c.outcome in (Outcome.PASSED, Outcome.WARNING) for c in self.checks)

    @property
    def verdict(self) -> str:
        """``verified`` (green), ``warnings`` (amber: warnings or unknowns) or ``failed`` (red)."""
        if any(c.outcome is Outcome.FAILED for c in self.checks):
            return "failed"
        if all(c.outcome is Outcome.PASSED for c in self.checks):
            return "verified"
        return "warnings"

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "verdict": self.verdict,
            "checks": [c.name for c in self.checks if c.outcome is Outcome.PASSED],
            "warnings": [c.to_json() for c in self.checks if c.outcome is Outcome.WARNING],
            "errors": [c.to_json() for c in self.checks if c.outcome in (Outcome.FAILED, Outcome.UNKNOWN)],
            "results": [c.to_json() for c in self.checks],
        }


def _coded(outcome: Outcome, code: str, message: str, details: dict[str, Any] | None, params: dict[str, Any]) -> Check:
    return Check(code.partition(".")[0], outcome, message, details if details is not None else {}, code, params)


def failed(code: str, message: str, details: dict[str, Any] | None = None, **params: Any) -> Check:
    """A failed row named by the part of ``code`` before the dot (``holder.nonce`` is a ``holder`` row);
    ``params`` fill the catalogues' translation of the code."""
    return _coded(Outcome.FAILED, code, message, details, params)


def passed(code: str, message: str, details: dict[str, Any] | None = None, **params: Any) -> Check:
    """A passed row, named like :func:`failed`'s."""
    return _coded(Outcome.PASSED, code, message, details, params)


class TrustRegistry(Protocol):
    def lookup(self, issuer: str) -> Mapping[str, Any] | None: ...


def trust_check(trust: TrustRegistry, issuer: str) -> Check:
    """The ``issuer`` check of a signature already tied to ``issuer``: trusted, or a warning."""
    entry = trust.lookup(issuer)
    if entry is None:
        return Check(
            "issuer",
            Outcome.WARNING,
            "The signature is valid, but the issuer is not in your trusted list.",
            {"issuer": issuer, "trusted": False},
            "issuer.untrusted",
            {"issuer": issuer},
        )
    return Check(
        "issuer",
        Outcome.PASSED,
        f"The issuer is in your trusted list: {entry.get('name', issuer)}.",
        {"issuer": issuer, **dict(entry)},
        "issuer.trusted",
        {"issuer": issuer, "name": str(entry.get("name", issuer))},
    )


def not_checked_after_seal(name: str) -> Check:
    """The row of a check skipped because the seal (proof) failed: shown, never silently dropped,
    and never claiming anything about the seal."""
    what = {
        "issuer": "whether the issuer is trusted",
        "status": "whether the issuer revoked or suspended it",
    }.get(name, name)
    return Check(
        name,
        Outcome.UNKNOWN,
        f"Not checked because the seal failed: {what} cannot be known for content the issuer did not seal.",
        {"notChecked": "seal_failed"},
        f"not_checked.{name}" if name in ("issuer", "status") else "not_checked.other",
        {"check": name},
    )


def problems_failed(name: str, what: str, problems: list[str], code: str, **details: Any) -> Check:
    """The failed ``name`` row of a document with ``problems``: ``"<what>: p1; p2"``, the list in
    ``details["problems"]`` (with any further ``details``), joined in ``params["problems"]``."""
    joined = "; ".join(problems)
    return Check(
        name, Outcome.FAILED, f"{what}: {joined}", {"problems": problems, **details}, code, {"problems": joined}
    )


def error_check(name: str, what: str, error: object, code: str, outcome: Outcome = Outcome.FAILED) -> Check:
    """The ``name`` row (failed unless ``outcome`` says otherwise) of a check an ``error`` stopped:
    ``"<what>: <error>"``, the error in ``params["error"]``."""
    return Check(name, outcome, f"{what}: {error}", code=code, params={"error": str(error)})


def seal_passed(details: dict[str, Any]) -> Check:
    """The ``proof`` row of a signature that is valid and was made by the issuer (any format)."""
    return Check(
        "proof",
        Outcome.PASSED,
        "The signature is valid and was made by the issuer: the content has not been changed.",
        details,
        "proof.passed",
    )
