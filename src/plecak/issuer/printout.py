"""The registrar's PDF of an issued credential: the page's content in English or Polish.

The rows come from the credential as this issuer signed it, read through the typed model
(:mod:`plecak.core.model.micro_credential`, leniently, so a credential issued through the VC-API
with other members still gets a page). :mod:`plecak.runtime.printout` lays the page out, as it does
for the learner's wallet. Labels and sentences are in ``locale/pl/LC_MESSAGES/issuer-pdf.po``
(English source text as msgids, like the registrar screens).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plecak.core.model.micro_credential import MicroCredential
from plecak.core.model.vocabulary import number_text
from plecak.core.timeutil import parse_datetime
from plecak.runtime.countries import country_name, language_name
from plecak.runtime.i18n import Catalogue
from plecak.runtime.printout import ATTACHMENT_NAME, Printout

from .achievement_json import _READABLE as READABLE

__all__ = ["PDF_TEXTS", "credential_printout", "printout_rows"]

PDF_TEXTS = Catalogue(Path(__file__).with_name("locale"), "issuer-pdf")

Gettext = Callable[[str], str]


def _date(value: str | None) -> str | None:
    moment = parse_datetime(value) if value else None
    return moment.date().isoformat() if moment else None


def _named(value: str | None, _: Gettext) -> str | None:
    """An enumeration value in words (``Blended`` → "blended (online and onsite)", translated)."""
    return _(READABLE[value]) if value in READABLE else value


def _place(credential: MicroCredential, language: str) -> str | None:
    address = credential.issuer.address if credential.issuer else None
    if address is None:
        return None
    country = country_name(address.country_code or address.country, language) or address.country
    return ", ".join(p for p in (address.locality, address.region, country) if p) or None


# long: one line per Annex I element, in the order the wallet's page and PDF show them
def printout_rows(credential: MicroCredential, language: str, _: Gettext) -> list[tuple[str, str]]:
    """``(label, text)`` of every element present, in Annex I order; lists one item a line."""
    ach = credential.achievement
    subject = credential.subject
    issuer_name = credential.issuer.name if credential.issuer else None
    bodies = "; ".join(b.name for b in ach.awarding_bodies if b.name) if ach else ""
    ects = ach.ects if ach else None
    hours = ach.workload_hours if ach else None
    supervision = subject.supervision_and_id_verification or (ach.supervision_and_id_verification if ach else None)
    extra: Mapping[str, Any] = ach.extra if ach else {}
    code, in_language = extra.get("humanCode"), extra.get("inLanguage")
    rows: list[tuple[str, str | tuple[str, ...] | None]] = [
        ("Title", (ach.title if ach else None) or credential.name),
        ("Awarding body", bodies or issuer_name),
        ("Country of the awarding body", _place(credential, language)),
        ("Date of issue", _date(credential.awarded_date) or _date(credential.valid_from)),
        ("Valid until", _date(credential.valid_until)),
        ("Learner", subject.learner_name),
        ("Description", ach.description if ach else None),
        ("Learning outcomes", ach.learning_outcomes if ach else ()),
        ("Notional workload (ECTS credits)", number_text(ects) if ects is not None else None),
        (
            "Credits earned",
            number_text(subject.credits_earned) if subject.credits_earned is not None else None,
        ),
        ("Workload", f"{hours} h" if hours is not None else (ach.volume_of_learning if ach else None)),
        ("EQF level", str(ach.eqf) if ach and ach.eqf is not None else (ach.eqf_level if ach else None)),
        ("NQF level", ach.nqf_level if ach else None),
        ("QF-EHEA cycle", _named(ach.qf_ehea_level, _) if ach else None),
        ("Type of assessment", ach.type_of_assessment if ach else None),
        ("Form of participation", _named(ach.form_of_participation, _) if ach else None),
        ("Supervision and identity verification", _named(supervision, _)),
        ("Type of quality assurance", ach.type_of_quality_assurance if ach else None),
        ("Prerequisites", ach.prerequisites if ach else None),
        ("Grade", subject.grade),
        ("Grading scheme", ach.grading[0].name if ach and ach.grading else None),
        ("Integration and stackability", _named(ach.integration_stackability, _) if ach else None),
        ("Part of", ach.is_part_of if ach else ()),
        ("Further information", ach.further_information if ach else None),
        ("Course code", code if isinstance(code, str) else None),
        ("Language of instruction", language_name(in_language, language) if isinstance(in_language, str) else None),
    ]
    out = []
    for label, value in rows:
        if not value:
            continue
        text = value if isinstance(value, str) else "\n".join("• " + item for item in value)
        out.append((_(label), text))
    return out


def credential_printout(
    credential: Mapping[str, Any], attached: Any, *, language: str, link: str, expires: str
) -> Printout:
    """The page of ``credential`` (the signed JSON) in ``language``; ``attached`` is what a verifier
    reads from the PDF (the credential, or its ``vc+jwt`` envelope), ``link`` what the QR code opens."""
    _ = PDF_TEXTS.translations(language).gettext
    model = MicroCredential.from_open_badges(credential, lenient=True)
    now = datetime.now(UTC)
    ach = model.achievement
    micro = ach is not None and ach.kind in (None, "MicroCredential")
    return Printout(
        lang=language,
        title=(ach.title if ach else None) or model.name or _("Credential"),
        kind=_("EU micro-credential") if micro else None,
        rows=printout_rows(model, language, _),
        verify_heading=_("Check this credential"),
        verify_text=_(
            "Scan the QR code, or open the link below, to see the verifier's verdict: issued by the awarding "
            "body, unchanged, not revoked. The link works until {date}; the issuer can withdraw it earlier."
        ).format(date=expires),
        link=link,
        attachment_note=_(
            "The credential itself is attached to this PDF ({name}): upload the PDF to a verifier to check it "
            "without the link."
        ).format(name=ATTACHMENT_NAME),
        footer=_("Printed by the issuer on {date}. The paper alone proves nothing: check it.").format(
            date=now.strftime("%Y-%m-%d")
        ),
        credential=attached,
        creator="Plecak issuer",
    )
