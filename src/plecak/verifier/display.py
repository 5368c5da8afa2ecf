"""What the result page shows: the verdict, the checks in plain words and the EU elements.

Everything here reads untrusted JSON: values of any shape are turned into short plain text
(the templates escape it), and a missing element is ``None`` (shown as "not stated").
Where each element lives (Open Badges 3.0 + Plecak extension terms): see docs/verifier.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from plecak.core.jose_vc import secured_content
from plecak.core.model.shown import read_shown
from plecak.core.pathways import credential_digest
from plecak.core.sdjwt import open_badges_form
from plecak.core.verify.elm import is_elm_credential

from .elm_rows import elm_rows
from .rows import MAX_ITEMS, Row, _as_list, _date, _mapping, credential_rows, text_of
from .rows import _hours as _hours

__all__ = [
    "CheckView",
    "CredentialView",
    "PartView",
    "ResultView",
    "Row",
    "credential_rows",
    "credential_view",
    "result_view",
    "sealed",
    "verdict_key",
    "verdict_reason",
]


@dataclass
class CheckView:
    name: str
    outcome: str
    label: str
    summary: str
    detail: str
    detail_lang: str = "en"
    """``""``: the detail is in the page's language (translated from the check's code)."""


@dataclass
class PartView:
    """One part a stacked certificate cites in ``evidence`` (a component credential and its digest)."""

    name: str
    credential_id: str
    state: str
    """``verified`` (presented, same digest, verifies), ``changed`` (presented, digest differs),
    ``failed`` (presented, same digest, does not verify) or ``not_presented``."""


@dataclass
class CredentialView:
    title: str
    verdict: str
    checks: list[CheckView]
    rows: list[Row]
    composition: list[PartView] = field(default_factory=list)
    composition_rule: str | None = None
    unverified: bool = False
    """The seal failed: the rows are what the document says, not what the issuer sealed."""
    elm: bool = False
    """A European Digital Credential (:mod:`.elm_rows`): its seal was not checked."""


@dataclass
class ResultView:
    verdict: str
    """``verified``, ``warnings``, ``incomplete`` (something unknown) or ``failed``."""
    kind: str
    reason: str | None = None
    """Why the verdict is not green, as a message key suffix (``headline.<reason>``): the banner
    names it instead of a generic sentence."""
    since: str | None = None
    """Revoked or suspended: the date of the status list that says so (it happened by then)."""
    presentation_checks: list[CheckView] = field(default_factory=list)
    credentials: list[CredentialView] = field(default_factory=list)


# -- checks and verdicts -------------------------------------------------------------------
def verdict_key(report: Mapping[str, Any]) -> str:
    """The banner: ``verified``, ``warnings``, ``incomplete`` or ``failed``."""
    verdict = report.get("verdict")
    if verdict == "failed":
        return "failed"
    if verdict == "verified":
        return "verified"
    outcomes = [c.get("outcome") for c in _all_checks(report)]
    return "incomplete" if "unknown" in outcomes else "warnings"


def _all_checks(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    checks = [c for c in _as_list(report.get("results")) if isinstance(c, Mapping)]
    for sub in _as_list(report.get("credentialResults")):
        if isinstance(sub, Mapping):
            checks += [c for c in _as_list(sub.get("results")) if isinstance(c, Mapping)]
    return checks


_SEAL_CHECKS = ("format", "proof", "disclosures")

_REASON_ORDER = (
    "format",
    "presentation",
    "proof",
    "disclosures",
    "status",
    "validity",
    "holder",
    "key_binding",
    "binding",
    "replay",
    "request",
    "issuer",
)


def _failed_reason(check: Mapping[str, Any]) -> str:
    name = str(check.get("check", ""))
    details = _mapping(check.get("details"))
    if name == "proof":
        return "forged_issuer" if details.get("reason") in ("issuer_not_did", "issuer_key") else "altered"
    if name == "disclosures":
        return "altered"
    if name == "status":
        return str(details["status"]) if details.get("status") in ("revoked", "suspended") else "status"
    if name == "validity":
        return "expired" if check.get("code") == "validity.expired" else "not_yet_valid"
    if name == "binding":
        return "other_subject"
    return name


def verdict_reason(report: Mapping[str, Any]) -> str | None:
    """What the banner names: the most telling failure, or why an amber verdict is amber."""
    checks = _all_checks(report)
    verdict = verdict_key(report)
    if verdict == "failed":
        for name in _REASON_ORDER:
            for check in checks:
                if check.get("check") == name and check.get("outcome") == "failed":
                    return _failed_reason(check)
        return None
    if any(_mapping(c.get("details")).get("notChecked") == "eseal" for c in checks):
        return "elm"  # a European Digital Credential: read, its eIDAS seal not checked
    if verdict == "warnings":
        for check in checks:
            details = _mapping(check.get("details"))
            if check.get("check") == "binding" and details.get("bound") is False:
                return "bare" if details.get("reason") == "not_presented" else "unbound"
            if check.get("check") == "key_binding" and check.get("outcome") == "warning":
                return "bare"
    return None


def sealed(report: Mapping[str, Any]) -> bool:
    """``False`` when the content is not what the issuer sealed (format, seal or disclosures failed)."""
    return not any(
        c.get("check") in _SEAL_CHECKS and c.get("outcome") == "failed"
        for c in _as_list(report.get("results"))
        if isinstance(c, Mapping)
    )


def _check_key(name: str, outcome: str, details: Mapping[str, Any]) -> str:
    if details.get("notChecked") == "seal_failed":
        return "check.not_checked_seal"
    if name == "format" and outcome == "passed" and details.get("selectiveDisclosure") is True:
        return "check.format.selective"
    if name == "status" and outcome == "failed" and details.get("status") in ("revoked", "suspended"):
        return f"check.status.{details['status']}"
    if name == "proof" and outcome == "failed" and details.get("reason") in ("issuer_not_did", "issuer_key"):
        return f"check.proof.failed.{details['reason']}"
    if name == "issuer" and outcome == "warning" and details.get("trusted") is not False:
        return "check.issuer.unconfirmed"
    if name == "binding" and outcome == "warning" and details.get("reason"):
        return f"check.binding.warning.{details['reason']}"
    return f"check.{name}.{outcome}"


class _Keep(dict[str, str]):
    """A placeholder the check's params do not fill stays as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_FOREIGN = frozenset({"error", "problems"})
"""Params that carry English text from the libraries below (a parser's or a signature's error)."""


def code_text(check: Mapping[str, Any], t: Mapping[str, str], *, markup: bool = False) -> str | None:
    """The check's code (``code.<code>`` in the catalogue) in the reader's language, filled with its
    params; ``None`` for a check without a code the catalogue knows. ``markup``: escaped HTML in which
    the English params are marked ``lang="en"``."""
    code = check.get("code")
    text = t.get(f"code.{code}") if isinstance(code, str) and code else None
    if text is None:
        return None
    params = {str(k): str(v) for k, v in _mapping(check.get("params")).items()}
    if not markup:
        return text.format_map(_Keep(params))
    english = Markup('<span lang="en">{}</span>')
    marked = {k: english.format(v) if k in _FOREIGN else escape(v) for k, v in params.items()}
    return escape(text).format_map(_Keep(marked))  # escape() gives Markup: the params are escaped too


def _detail(translated: str | None, message: str, summary: str) -> str:
    """The row's detail: its code in the reader's language, else the English sentence when it adds
    something to the summary."""
    if translated is not None:
        return translated
    return message if message != summary else ""


def check_view(check: Mapping[str, Any], t: Mapping[str, str]) -> CheckView:
    name = str(check.get("check", ""))
    outcome = str(check.get("outcome", "unknown"))
    message = str(check.get("message", ""))
    details = _mapping(check.get("details"))
    key = _check_key(name, outcome, details)
    plain = code_text(check, t)
    translated = code_text(check, t, markup=True)
    summary = t.get(key, plain or message)
    if name == "issuer" and outcome == "passed":
        trusted = ", ".join(p for p in (text_of(details.get("name")), text_of(details.get("country"))) if p)
        accreditation = text_of(details.get("accreditation"))
        summary = " ".join(p for p in (summary, f"({trusted})" if trusted else "", accreditation or "") if p)
    return CheckView(
        name=name,
        outcome=outcome,
        label=t.get(f"check_{name}", name),
        summary=summary,
        detail=_detail(translated if plain != summary else "", message, summary),
        detail_lang="" if translated is not None else "en",
    )


Presented = Mapping[str, tuple[Mapping[str, Any], Mapping[str, Any]]]
"""Credentials presented together, by id: ``(credential, its verification report)``."""


def composition(credential: Mapping[str, Any], presented: Presented) -> list[PartView]:
    """The parts a stacked certificate cites (``evidence`` entries with a ``digestMultibase``),
    each checked against a credential presented alongside it, when there is one."""
    parts = []
    for evidence in read_shown(credential).evidence[:MAX_ITEMS]:
        cid, digest = text_of(evidence.id), evidence.digest
        if not cid or digest is None:
            continue
        state = "not_presented"
        if cid in presented:
            doc, report = presented[cid]
            if credential_digest(doc) != digest:
                state = "changed"
            else:
                state = "verified" if report.get("verified") is True else "failed"
        parts.append(PartView(text_of(evidence.name) or cid, cid, state))
    return parts


def credential_view(
    credential: Any, report: Mapping[str, Any], t: Mapping[str, str], presented: Presented | None = None
) -> CredentialView:
    doc = _mapping(secured_content(credential))  # an enveloped (vc+jwt) credential: what it secures
    elm = is_elm_credential(doc)  # a European Digital Credential: its elements read by the ELM reader
    rows = elm_rows(doc, t) if elm else credential_rows(doc, t)
    title = next((r.value for r in rows if r.key == "title" and isinstance(r.value, str)), None)
    return CredentialView(
        title=title or t["result_title"],
        verdict=verdict_key(report),
        checks=[check_view(c, t) for c in _as_list(report.get("results")) if isinstance(c, Mapping)],
        rows=rows,
        composition=composition(doc, presented or {}),
        composition_rule=text_of(read_shown(doc).achievement.composition_rule),
        unverified=not sealed(report),
        elm=elm,
    )


def result_view(record: Mapping[str, Any], t: Mapping[str, str]) -> ResultView:
    """The result page of a stored verification (see :meth:`VerificationService.save`)."""
    report = _mapping(record.get("report"))
    kind = str(record.get("kind", "credential"))
    document = record.get("document")
    view = ResultView(verdict=verdict_key(report), kind=kind, reason=verdict_reason(report))
    if view.reason in ("revoked", "suspended"):
        status = next((c for c in _all_checks(report) if c.get("check") == "status"), {})
        view.since = _date(_mapping(status.get("details")).get("statusListValidFrom"))
    if kind == "sd-jwt":
        view.credentials.append(sd_jwt_credential_view(report, t))
        return view
    if kind == "presentation":
        view.presentation_checks = [check_view(c, t) for c in _as_list(report.get("results")) if isinstance(c, Mapping)]
        credentials: Sequence[Any] = _as_list(_mapping(secured_content(document)).get("verifiableCredential"))
        sub_reports = _as_list(report.get("credentialResults"))
        pairs = list(zip(credentials, sub_reports, strict=False))
        secured = [(_mapping(secured_content(c)), _mapping(r)) for c, r in pairs]
        presented = {str(c.get("id")): (c, r) for c, r in secured if c.get("id")}
        for credential, sub in pairs:
            view.credentials.append(credential_view(credential, _mapping(sub), t, presented))
    else:
        view.credentials.append(credential_view(document, report, t))
    return view


#: Selectively disclosable claim → the result page row that shows it.
_ROW_OF_CLAIM = {
    "name": "learner",
    "grade": "grade",
    "grading_scheme": "grading_scheme",
    "credits_earned": "credits_earned",
    "workload_hours": "workload_hours",
    "description": "description",
    "qf_ehea_level": "qf_ehea",
    "nqf_level": "nqf",
    "supervision_and_id_verification": "supervision",
    "prerequisites": "prerequisites",
    "integration_stackability": "stackability",
    "is_part_of": "part_of",
    "further_information": "further",
}


def _as_document(report: Mapping[str, Any]) -> dict[str, Any]:
    claims = report.get("disclosed")
    return open_badges_form(claims if isinstance(claims, Mapping) else {}, str(report.get("issuer") or ""))


def sd_jwt_credential_view(report: Mapping[str, Any], t: Mapping[str, str]) -> CredentialView:
    """The result page's view of a verified (or failed) SD-JWT VC presentation."""
    rows = [r for r in credential_rows(_as_document(report), t) if r.key != "credential_id"]
    disclosed = _mapping(report.get("disclosed"))
    if disclosed.get("credits_earned") is not None:  # a claim beside the Open Badges shape
        earned = Row("credits_earned", t["el_credits_earned"], text_of(disclosed["credits_earned"]))
        rows.insert([r.key for r in rows].index("ects") + 1, earned)
    not_shared = report.get("undisclosed")
    hidden = {_ROW_OF_CLAIM[n] for n in not_shared or [] if n in _ROW_OF_CLAIM} - {
        _ROW_OF_CLAIM[n] for n in disclosed if n in _ROW_OF_CLAIM
    }
    keys = [r.key for r in rows]
    for key in sorted(hidden):
        if key in keys:
            row = rows[keys.index(key)]
            row.value, row.not_shared = None, True
        else:
            label = t.get(f"el_{key}", key)
            rows.insert(len(rows) - 1, Row(key, label, None, not_shared=True))
    results = report.get("results")
    title = next((r.value for r in rows if r.key == "title" and isinstance(r.value, str)), None)
    return CredentialView(
        title=title or t["result_title"],
        verdict=verdict_key(report),
        checks=[check_view(c, t) for c in results or [] if isinstance(c, Mapping)],
        rows=rows,
        unverified=not sealed(report),
    )
