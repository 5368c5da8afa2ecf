"""A credential on paper: a one-page A4 PDF with every element, a verification QR code and the
credential itself attached (``credential.json``). The wallet draws it for the learner, the issuer's
registrar screens for the registrar; each service fills in a :class:`Printout` in its reader's
language, and this module only lays it out.

The page is drawn with fpdf2 in a TrueType font found on the machine (DejaVu Sans from Debian's
``fonts-dejavu-core`` and its usual places elsewhere), embedded as a subset, so the text is
selectable and Polish letters show. The credential JSON is an embedded file and the document's
associated file (``/AF``, relationship ``Data``): a verifier reads it from an uploaded PDF and
checks it like an uploaded credential file. The QR code is drawn as vector squares.

Everything on the page comes from the credential (untrusted): it is only ever text here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import qrcode
from fpdf import FPDF
from fpdf.enums import AssociatedFileRelationship, WrapMode, XPos, YPos

from plecak.runtime.workers import BoundedWorkers, Reservation

__all__ = [
    "ATTACHMENT_NAME",
    "FONT_PLACES",
    "PDF_MAKERS",
    "Printout",
    "attachment_bytes",
    "draw_pdf",
    "find_fonts",
    "pdf_filename",
    "render_pdf",
]

ATTACHMENT_NAME = "credential.json"

FONT_PLACES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"),
)
"""Regular and bold TrueType fonts covering Polish, in the order they are looked for (Debian's
``fonts-dejavu-core`` first; Arch, Fedora and others after)."""

MAX_VALUE_CHARS = 1500
"""A longer value is cut (with "…") before layout: the page must stay one page."""

MAX_VALUE_LINES = 12
"""Likewise a value of more lines (a long list of learning outcomes) shows its first ones and "…"."""

MAX_TITLE_CHARS = 200

_MARGIN = 14.0
_PAGE_W, _PAGE_H = 210.0, 297.0
_LABEL_W = 52.0
_QR_SIDE = 42.0
_FOOT_H = 50.0


@dataclass(frozen=True)
class Printout:
    """What goes on the page, already in the reader's language (labels translated, enums named)."""

    lang: str
    title: str
    kind: str | None
    """A line above the title (e.g. "EU micro-credential"), or ``None``."""
    rows: Sequence[tuple[str, str]]
    """``(label, value)`` of every element present, in Annex I order."""
    verify_heading: str
    verify_text: str
    """How to check it (scan, link expiry, the attached file)."""
    link: str
    """The URL the QR code holds."""
    attachment_note: str
    footer: str
    credential: Any
    """The credential, attached as ``credential.json`` exactly as it is kept (never cut)."""
    creator: str = "Plecak wallet"
    """The PDF's ``Creator`` (the program that made it)."""


def find_fonts(places: Sequence[tuple[str, str]] = FONT_PLACES) -> tuple[Path, Path] | None:
    """The first regular and bold font pair that exists, or ``None`` (no PDFs on this machine)."""
    for regular, bold in places:
        if Path(regular).is_file() and Path(bold).is_file():
            return Path(regular), Path(bold)
    return None


def _clean(text: str, limit: int = MAX_VALUE_CHARS, lines: int = MAX_VALUE_LINES) -> str:
    """Printable text: control and format characters dropped, at most ``lines`` lines (blank ones
    dropped) and ``limit`` characters; what is cut ends in "…"."""
    kept = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    parts = [line.strip() for line in kept.split("\n") if line.strip()]
    kept = "\n".join(parts[:lines]) + ("\n…" if len(parts) > lines else "")
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"


def attachment_bytes(credential: Any) -> bytes:
    return json.dumps(credential, indent=2, ensure_ascii=False).encode("utf-8")


class _Page(FPDF):
    def __init__(self, fonts: tuple[Path, Path]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("body", "", str(fonts[0]))
        self.add_font("body", "B", str(fonts[1]))
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(False)
        self.set_text_shaping(False)


def _rows_height(pdf: _Page, rows: Sequence[tuple[str, str]], size: float) -> float:
    value_w = _PAGE_W - 2 * _MARGIN - _LABEL_W
    line = size * 0.45
    total = 0.0
    for label, value in rows:
        pdf.set_font("body", "B", size)
        label_h = pdf.multi_cell(_LABEL_W - 2, line, label, align="L", dry_run=True, output="HEIGHT")
        pdf.set_font("body", "", size)
        value_h = pdf.multi_cell(value_w, line, value, align="L", dry_run=True, output="HEIGHT")
        assert isinstance(label_h, float | int) and isinstance(value_h, float | int)
        total += max(float(label_h), float(value_h)) + size * 0.18
    return total


def _fit(pdf: _Page, rows: list[tuple[str, str]], room: float) -> tuple[list[tuple[str, str]], float]:
    """The rows and the font size at which they fill at most ``room`` millimetres of height."""
    size = 10.0
    while size >= 6.5:
        if _rows_height(pdf, rows, size) <= room:
            return rows, size
        size -= 0.5
    limit, lines = MAX_VALUE_CHARS, MAX_VALUE_LINES
    while limit > 60:
        limit, lines = limit // 2, max(2, lines // 2)
        rows = [(label, _clean(value, limit, lines)) for label, value in rows]
        if _rows_height(pdf, rows, 6.5) <= room:
            return rows, 6.5
    while len(rows) > 1 and _rows_height(pdf, rows, 6.5) > room:
        rows = [*rows[:-2], ("…", "…")]  # never met with real credentials: the page stays one page
    return rows, 6.5


def _draw_qr(pdf: _Page, data: str, x: float, y: float, side: float) -> None:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    cell = side / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # a run of dark modules as one rectangle, slightly overlapping to leave no hairlines
            pdf.rect(x + start * cell, y + r * cell, (c - start) * cell + 0.01, cell + 0.01, style="F")


def render_pdf(printout: Printout, fonts: tuple[Path, Path], *, now: datetime | None = None) -> bytes:
    """The one-page A4 PDF of ``printout``, with the credential attached."""
    pdf = _Page(fonts)
    moment = now or datetime.now(UTC)
    pdf.set_creation_date(moment)
    pdf.set_lang(printout.lang)
    pdf.set_title(_clean(printout.title, MAX_TITLE_CHARS, 1))
    pdf.set_creator(printout.creator)
    pdf.add_page()
    _draw_heading(pdf, printout)
    foot_top = _PAGE_H - _MARGIN - _FOOT_H
    _draw_rows(pdf, printout, foot_top)
    _draw_verification(pdf, printout, foot_top)
    pdf.embed_file(
        bytes=attachment_bytes(printout.credential),
        basename=ATTACHMENT_NAME,
        desc="The verifiable credential shown on this page",
        mime_type="application/json",
        modification_date=moment,
        associated_file_relationship=AssociatedFileRelationship.DATA.value,
    )
    return bytes(pdf.output())


def _draw_heading(pdf: _Page, printout: Printout) -> None:
    """The kind of credential (small, grey), its title (large) and a rule under them."""
    width = _PAGE_W - 2 * _MARGIN
    if printout.kind:
        pdf.set_font("body", "", 9)
        pdf.set_text_color(70, 70, 70)
        pdf.multi_cell(
            width, 4.5, _clean(printout.kind, MAX_TITLE_CHARS, 1), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("body", "B", 17)
    pdf.multi_cell(
        width, 7.5, _clean(printout.title, MAX_TITLE_CHARS, 3), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(2)
    pdf.set_draw_color(150, 150, 150)
    pdf.line(_MARGIN, pdf.get_y(), _PAGE_W - _MARGIN, pdf.get_y())
    pdf.ln(3)


def _draw_rows(pdf: _Page, printout: Printout, foot_top: float) -> None:
    """The label/value rows, in the largest font size that fits above the verification block."""
    rows = [(_clean(label, 200, 2), _clean(value)) for label, value in printout.rows]
    rows, size = _fit(pdf, rows, foot_top - 4 - pdf.get_y())
    line = size * 0.45
    value_w = _PAGE_W - 2 * _MARGIN - _LABEL_W
    for label, value in rows:
        top = pdf.get_y()
        pdf.set_font("body", "B", size)
        pdf.set_xy(_MARGIN, top)
        pdf.multi_cell(_LABEL_W - 2, line, label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        label_end = pdf.get_y()
        pdf.set_font("body", "", size)
        pdf.set_xy(_MARGIN + _LABEL_W, top)
        pdf.multi_cell(value_w, line, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(label_end, pdf.get_y()) + size * 0.18)


def _draw_verification(pdf: _Page, printout: Printout, foot_top: float) -> None:
    """The verification block: text and link on the left, the QR code on the right; the footer."""
    width = _PAGE_W - 2 * _MARGIN
    pdf.line(_MARGIN, foot_top, _PAGE_W - _MARGIN, foot_top)
    _draw_qr(pdf, printout.link, _PAGE_W - _MARGIN - _QR_SIDE, foot_top + 3, _QR_SIDE)
    text_w = width - _QR_SIDE - 4
    pdf.set_xy(_MARGIN, foot_top + 3)
    pdf.set_font("body", "B", 10)
    pdf.multi_cell(text_w, 5, _clean(printout.verify_heading, 200), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("body", "", 8)
    pdf.multi_cell(text_w, 3.8, _clean(printout.verify_text, 600), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("body", "", 6.5)
    pdf.multi_cell(
        text_w, 3, printout.link, link=printout.link, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(1)
    pdf.set_font("body", "", 7.5)
    pdf.multi_cell(text_w, 3.5, _clean(printout.attachment_note, 600), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(_MARGIN, _PAGE_H - _MARGIN - 3)
    pdf.set_font("body", "", 6.5)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(width, 3, _clean(printout.footer, 300))


PDF_MAKERS = BoundedWorkers(workers=2, waiting=4, name="pdf")
"""At most two PDFs are drawn at once in a process (CPU-bound), off the event loop, and four wait;
one more is refused at once (:class:`plecak.runtime.workers.WorkersBusy`)."""


async def draw_pdf(printout: Printout, fonts: tuple[Path, Path], place: Reservation | None = None) -> bytes:
    """:func:`render_pdf` in a worker thread (a page takes tens of milliseconds of CPU): in ``place``
    (from ``PDF_MAKERS.reserve()``) or, without it, :class:`WorkersBusy` at once when the threads are full."""
    if place is None:
        return await PDF_MAKERS.run(render_pdf, printout, fonts)
    return await place.run(render_pdf, printout, fonts)


def pdf_filename(title: str) -> str:
    """An ASCII file name from a title (``Kurs łączenia danych`` → ``kurs-laczenia-danych.pdf``)."""
    ascii_title = unicodedata.normalize("NFKD", title.replace("ł", "l").replace("Ł", "L"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.encode("ascii", "ignore").decode().lower()).strip("-")
    return f"{slug[:60].rstrip('-') or 'credential'}.pdf"
