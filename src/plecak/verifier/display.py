"""What the result page shows: the verdict, the checks in plain words and the EU elements.

Everything here reads untrusted JSON: values of any shape are turned into short plain text
(the templates escape it), and a missing element is ``None`` (shown as "not stated").
Where each element lives (Open Badges 3.0 + Plecak extension terms): see docs/verifier.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from plecak.core.disclosure import ELEMENT_POINTERS, MANDATORY_ELEMENTS, is_derived_disclosure
from plecak.core.jose_vc import secured_content
from plecak.core.pathways import credential_digest
from plecak.core.sdjwt import open_badges_form
from plecak.core.timeutil import parse_datetime
from plecak.runtime.countries import country_code, country_name
from plecak.runtime.plural import plural_text

__all__ = [
    "CheckView",
    "CredentialView",
    "PartView",
    "ResultView",
    "Row",
    "credential_view",
    "result_view",
    "sealed",
    "verdict_key",
    "verdict_reason",
]

ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
EQF_PREFIX = "http://data.europa.eu/snb/eqf/"
MAX_TEXT = 4000
MAX_ITEMS = 50
_DURATION_HOURS = re.compile(r"^PT(\d{1,6})H$")


@dataclass
class Row:
    key: str
    label: str
    value: str | list[str] | None
    """``None``: not stated; a list: shown as a bulleted list."""
    not_shared: bool = False
    """Selective disclosure: the holder chose not to share this element (``value`` is ``None``)."""
    maybe_not_stated: bool = False
    """With ``not_shared``: the format cannot tell a withheld element from one the issuer never
    filled in (an ecdsa-sd-2023 disclosure hides how much was left out), so the page says both."""


@dataclass
class CheckView:
    name: str
    outcome: str
    label: str
    summary: str
    detail: str


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


# -- plain text from untrusted values ------------------------------------------------------
def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def text_of(value: Any) -> str | None:
    """A short readable string for a JSON value, or ``None`` when there is nothing to show."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, str):
        return _clip(value) or None
    if isinstance(value, Mapping):
        for key in ("@value", "name", "value", "id", "@id"):
            if key in value:
                return text_of(value[key])
        return None
    if isinstance(value, list):
        parts = [t for t in (text_of(v) for v in value[:MAX_ITEMS]) if t]
        return _clip("; ".join(parts)) if parts else None
    return None


def list_of(value: Any) -> list[str] | None:
    items = value if isinstance(value, list) else [value]
    texts = [t for t in (text_of(v) for v in items[:MAX_ITEMS]) if t]
    return texts or None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _date(value: Any) -> str | None:
    moment = parse_datetime(value)
    return f"{moment:%Y-%m-%d}" if moment else text_of(value)


def _readable(value: Any, t: Mapping[str, str]) -> str | None:
    if isinstance(value, str) and value in t:
        return t[value]
    return text_of(value)


# -- the EU elements -----------------------------------------------------------------------
def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subjects = _as_list(credential.get("credentialSubject"))
    with_achievement = [
        s for s in subjects if isinstance(s, Mapping) and isinstance(s.get("achievement"), Mapping)
    ]
    if with_achievement:
        return with_achievement[0]
    return next((s for s in subjects if isinstance(s, Mapping)), {})


def learner_name(subject: Mapping[str, Any]) -> str | None:
    name = text_of(subject.get("name"))
    if name:
        return name
    for ident in _as_list(subject.get("identifier")):
        if (
            isinstance(ident, Mapping)
            and ident.get("identityType") == "name"
            and ident.get("hashed") is False
        ):
            return text_of(ident.get("identityHash"))
    return None


def _ects(achievement: Mapping[str, Any], subject: Mapping[str, Any]) -> str | None:
    for point in _as_list(achievement.get("creditPoint")):
        if isinstance(point, Mapping) and point.get("framework") == ECTS_FRAMEWORK:
            return text_of(point.get("point"))
    credits = text_of(subject.get("creditsEarned")) or text_of(achievement.get("creditsAvailable"))
    return credits


def _eqf(achievement: Mapping[str, Any]) -> str | None:
    level = achievement.get("eqfLevel")
    if isinstance(level, str) and level.startswith(EQF_PREFIX):
        return level[len(EQF_PREFIX) :] or None
    if level is not None:
        return text_of(level)
    for alignment in _as_list(achievement.get("alignment")):
        if isinstance(alignment, Mapping) and alignment.get("targetType") == "ext:EQFLevel":
            return text_of(alignment.get("targetCode")) or text_of(alignment.get("targetName"))
    return None


def _hours(value: Any, t: Mapping[str, str]) -> str | None:
    if isinstance(value, str) and (match := _DURATION_HOURS.match(value)):
        n = int(match.group(1))
        return (plural_text(t, "hours", t.get("lang_code", "en"), n) or t["hours"]).format(n=n)
    return text_of(value)


def _grade(achievement: Mapping[str, Any], subject: Mapping[str, Any]) -> str | None:
    names = {
        rd.get("id"): text_of(rd.get("name"))
        for rd in _as_list(achievement.get("resultDescription"))
        if isinstance(rd, Mapping)
    }
    grades = []
    for result in _as_list(subject.get("result")):
        if not isinstance(result, Mapping):
            continue
        value = text_of(result.get("value")) or text_of(result.get("achievedLevel"))
        if value is None:
            continue
        scheme = names.get(result.get("resultDescription"))
        grades.append(f"{value} ({scheme})" if scheme else value)
    return "; ".join(grades) or None


def _place(issuer: Mapping[str, Any], language: str = "en") -> str | None:
    address = _mapping(issuer.get("address"))
    country = text_of(address.get("addressCountry"))
    code = text_of(address.get("addressCountryCode"))
    known = country_code(code) or (country_code(country) if not code else None)
    if language != "en" and known and (not country or country_code(country) in (None, known)):
        country, code = country_name(known, language), None  # a country we know, in the reader's words
    if country and code and code.lower() not in country.lower():
        country = f"{country} ({code})"
    parts = [country or code, text_of(address.get("addressRegion")), text_of(address.get("addressLocality"))]
    text = ", ".join(p for p in parts if p)
    return text or None


def _awarding_bodies(achievement: Mapping[str, Any], issuer: Mapping[str, Any], issuer_id: str) -> str | None:
    bodies = [text_of(b) for b in _as_list(achievement.get("awardingBody"))]
    names = [b for b in bodies if b]
    if names:
        return "; ".join(names)
    return text_of(issuer.get("name")) or issuer_id or None


def _skills(achievement: Mapping[str, Any]) -> list[str] | None:
    skills = []
    for alignment in _as_list(achievement.get("alignment")):
        if isinstance(alignment, Mapping) and (
            alignment.get("targetType") == "ext:ESCOSkill" or alignment.get("targetFramework") == "ESCO"
        ):
            name = text_of(alignment.get("targetName"))
            if name:
                skills.append(name)
    return skills[:MAX_ITEMS] or None


def credential_rows(credential: Mapping[str, Any], t: Mapping[str, str]) -> list[Row]:
    """Every EU micro-credential element of ``credential`` (``None`` values: not stated)."""
    subject = _subject(credential)
    achievement = _mapping(subject.get("achievement"))
    raw_issuer = credential.get("issuer")
    issuer = _mapping(raw_issuer)
    issuer_id = raw_issuer if isinstance(raw_issuer, str) else text_of(issuer.get("id")) or ""
    issued = credential.get("awardedDate") or credential.get("validFrom") or credential.get("issuanceDate")
    until = credential.get("validUntil") or credential.get("expirationDate")
    kind = achievement.get("achievementType")
    supervision = achievement.get("supervisionAndIdVerification") or subject.get(
        "supervisionAndIdVerification"
    )
    rows = [
        Row("title", t["el_title"], text_of(achievement.get("name")) or text_of(credential.get("name"))),
        Row("kind", t["el_kind"], t["kind_microcredential"] if kind == "MicroCredential" else text_of(kind)),
        Row("learner", t["el_learner"], learner_name(subject)),
        Row("awarding_body", t["el_awarding_body"], _awarding_bodies(achievement, issuer, issuer_id)),
        Row("country", t["el_country"], _place(issuer, t.get("lang_code", "en"))),
        Row("issued", t["el_issued"], _date(issued)),
        Row("valid_until", t["el_valid_until"], _date(until) if until else t["does_not_expire"]),
        Row("description", t["el_description"], text_of(achievement.get("description"))),
        Row("outcomes", t["el_outcomes"], list_of(achievement.get("learningOutcome"))),
        Row("ects", t["el_ects"], _ects(achievement, subject)),
        Row("workload_hours", t["el_workload_hours"], _hours(achievement.get("volumeOfLearning"), t)),
        Row("eqf", t["el_eqf"], _eqf(achievement)),
        Row("qf_ehea", t["el_qf_ehea"], _readable(achievement.get("qfEheaLevel"), t)),
        Row("assessment", t["el_assessment"], text_of(achievement.get("typeOfAssessment"))),
        Row("participation", t["el_participation"], _readable(achievement.get("formOfParticipation"), t)),
        Row("supervision", t["el_supervision"], _readable(supervision, t)),
        Row("quality", t["el_quality"], text_of(achievement.get("typeOfQualityAssurance"))),
        Row("prerequisites", t["el_prerequisites"], text_of(achievement.get("prerequisites"))),
        Row("stackability", t["el_stackability"], _readable(achievement.get("integrationStackability"), t)),
        Row("further", t["el_further"], text_of(achievement.get("furtherInformation"))),
    ]
    optional = [
        Row("grade", t["el_grade"], _grade(achievement, subject)),
        Row("nqf", t["el_nqf"], text_of(achievement.get("nqfLevel"))),
        Row("part_of", t["el_part_of"], list_of(achievement.get("isPartOf"))),
        Row("skills", t["el_skills"], _skills(achievement)),
    ]
    selective = is_derived_disclosure(credential)
    if selective:  # a selective disclosure: every element it lacks is listed as not shared
        earned = Row("credits_earned", t["el_credits_earned"], text_of(subject.get("creditsEarned")))
        rows.insert([r.key for r in rows].index("ects") + 1, earned)
    rows += [row for row in optional if row.value is not None or selective]
    rows.append(Row("issuer_id", t["el_issuer_id"], text_of(issuer_id)))
    rows.append(Row("credential_id", t["el_credential_id"], text_of(credential.get("id"))))
    if selective:
        # An issuer's mandatory element cannot be withheld: missing, it was never stated. Any other
        # missing element may have been withheld by the holder, or never filled in by the issuer:
        # an ecdsa-sd-2023 disclosure does not say which, so the page says both.
        for row in rows:
            if row.value is None and row.key in ELEMENT_POINTERS and row.key not in MANDATORY_ELEMENTS:
                row.not_shared = row.maybe_not_stated = True
    return rows


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
        return "expired" if "expired" in str(check.get("message", "")) else "not_yet_valid"
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


def check_view(check: Mapping[str, Any], t: Mapping[str, str]) -> CheckView:
    name = str(check.get("check", ""))
    outcome = str(check.get("outcome", "unknown"))
    message = str(check.get("message", ""))
    details = _mapping(check.get("details"))
    key = _check_key(name, outcome, details)
    summary = t.get(key, message)
    if name == "issuer" and outcome == "passed":
        trusted = ", ".join(p for p in (text_of(details.get("name")), text_of(details.get("country"))) if p)
        accreditation = text_of(details.get("accreditation"))
        summary = " ".join(p for p in (summary, f"({trusted})" if trusted else "", accreditation or "") if p)
    return CheckView(
        name=name,
        outcome=outcome,
        label=t.get(f"check_{name}", name),
        summary=summary,
        detail=message if message != summary else "",
    )


Presented = Mapping[str, tuple[Mapping[str, Any], Mapping[str, Any]]]
"""Credentials presented together, by id: ``(credential, its verification report)``."""


def composition(credential: Mapping[str, Any], presented: Presented) -> list[PartView]:
    """The parts a stacked certificate cites (``evidence`` entries with a ``digestMultibase``),
    each checked against a credential presented alongside it, when there is one."""
    parts = []
    for item in _as_list(credential.get("evidence"))[:MAX_ITEMS]:
        evidence = _mapping(item)
        cid, digest = text_of(evidence.get("id")), evidence.get("digestMultibase")
        if not cid or not isinstance(digest, str):
            continue
        state = "not_presented"
        if cid in presented:
            doc, report = presented[cid]
            if credential_digest(doc) != digest:
                state = "changed"
            else:
                state = "verified" if report.get("verified") is True else "failed"
        parts.append(PartView(text_of(evidence.get("name")) or cid, cid, state))
    return parts


def credential_view(
    credential: Any, report: Mapping[str, Any], t: Mapping[str, str], presented: Presented | None = None
) -> CredentialView:
    doc = _mapping(secured_content(credential))  # an enveloped (vc+jwt) credential: what it secures
    rows = credential_rows(doc, t)
    title = next((r.value for r in rows if r.key == "title" and isinstance(r.value, str)), None)
    achievement = _mapping(_subject(doc).get("achievement"))
    return CredentialView(
        title=title or t["result_title"],
        verdict=verdict_key(report),
        checks=[check_view(c, t) for c in _as_list(report.get("results")) if isinstance(c, Mapping)],
        rows=rows,
        composition=composition(doc, presented or {}),
        composition_rule=text_of(achievement.get("compositionRule")),
        unverified=not sealed(report),
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
        view.presentation_checks = [
            check_view(c, t) for c in _as_list(report.get("results")) if isinstance(c, Mapping)
        ]
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
    disclosed = report.get("disclosed") if isinstance(report.get("disclosed"), Mapping) else {}
    assert isinstance(disclosed, Mapping)
    if disclosed.get("credits_earned") is not None:
        rows.insert(
            [r.key for r in rows].index("ects") + 1,
            Row("credits_earned", t["el_credits_earned"], text_of(disclosed["credits_earned"])),
        )
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
