"""Credentials that travel: a PDF to print or send, and an entry on the learner's LinkedIn profile.

Both point at a share link (:mod:`wallet.shares`) made for them by the learner's own action (a
form post): the PDF's QR code opens the verifier on it, LinkedIn's "credential URL" is it. The
link expires and the learner can withdraw it under "My shares", like any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from plecak.runtime.printout import ATTACHMENT_NAME, Printout
from plecak.runtime.printout import pdf_filename as _filename

from .credentials import CredentialView
from .i18n import Translate
from .shares import Share

__all__ = ["LINKEDIN_ADD", "TRAVEL_DEFAULT_DAYS", "linkedin_url", "pdf_filename", "pdf_printout", "printout_rows"]

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
"""LinkedIn's "add a licence or certification" form, filled in from its query parameters."""

TRAVEL_DEFAULT_DAYS = 365
"""A PDF or a profile entry lives long: its link is offered for a year unless the learner picks less."""


def _year_month(day: str | None) -> tuple[str, str] | None:
    found = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", day or "")
    return (found.group(1), str(int(found.group(2)))) if found else None


def linkedin_url(view: CredentialView, cert_url: str) -> str:
    """LinkedIn's add-certification link for ``view``, its credential URL ``cert_url``."""
    params = {"startTask": "CERTIFICATION_NAME", "name": view.title[:200]}
    organisation = "; ".join(view.awarding_bodies) or view.issuer_name
    if organisation:
        params["organizationName"] = organisation[:200]
    if issued := _year_month(view.issued):
        params["issueYear"], params["issueMonth"] = issued
    if until := _year_month(view.valid_until):
        params["expirationYear"], params["expirationMonth"] = until
    params["certUrl"] = cert_url
    if view.credential_id:
        params["certId"] = view.credential_id[:200]
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def pdf_filename(view: CredentialView) -> str:
    """An ASCII file name from the title (``Kurs łączenia danych`` → ``kurs-laczenia-danych.pdf``)."""
    return _filename(view.title)


def printout_rows(
    fields: Sequence[tuple[str, Any]], t: Callable[..., str], *, bullet: str = "• "
) -> list[tuple[str, str]]:
    """The credential's ``(message key, value)`` rows as ``(label, text)``, enum values named in
    the reader's language (as the detail page's ``value`` macro does) and lists one item a line."""
    out = []
    for key, value in fields:
        if isinstance(value, str):
            label = t("enum." + value)
            text = value if label.startswith("enum.") else label
        else:
            text = "\n".join(bullet + str(item) for item in value)
        out.append((t(key), text))
    return out


def pdf_printout(view: CredentialView, credential: Any, share: Share, link: str, t: Translate, lang: str) -> Printout:
    """What the credential's one-page PDF in ``lang`` shows, its QR code ``link`` (which expires with ``share``);
    :func:`plecak.runtime.printout.draw_pdf` draws it."""
    now = datetime.now(UTC)
    return Printout(
        lang=lang,
        title=view.title,
        kind=t("detail.eu_micro_credential") if view.is_micro_credential else None,
        rows=printout_rows(view.fields(lang), t),
        verify_heading=t("pdf.verify_heading"),
        verify_text=t("pdf.verify_text", date=share.expires_text),
        link=link,
        attachment_note=t("pdf.attachment_note", name=ATTACHMENT_NAME),
        footer=t("pdf.footer", date=now.strftime("%Y-%m-%d")),
        credential=credential,
    )
