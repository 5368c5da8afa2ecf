"""The credential page's "Download for Europass (ELM)": the credential as an unsealed European Digital
Credential document (:func:`plecak.core.model.elm.export_elm_credential`), with a picture of it for
Europass's display.

The file is a copy the learner makes of their own credential (a GET: nothing is stored, no share
link is made). It carries no eSeal, and says so: its authenticity rests on the signed original,
whose ``id`` it names (docs/elm.md).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web
from PIL import Image, ImageDraw, ImageFont

from plecak.core.model.elm import DisplayImage, export_elm_credential
from plecak.core.model.micro_credential import MicroCredential
from plecak.runtime.printout import find_fonts
from plecak.runtime.workers import BoundedWorkers, WorkersBusy

from .app_keys import SERVICE
from .credentials import CredentialView
from .exceptions import Busy, UserError
from .handler_tools import require_account
from .i18n import Translate
from .middleware import tr
from .route_table import routes
from .travel import pdf_filename

__all__ = ["PICTURE_MAKERS", "credential_europass", "credential_picture", "europass_filename"]

_PICTURE_SIZE = (1240, 877)  # A4 landscape proportions
_MARGIN = 80
PICTURE_MAKERS = BoundedWorkers(workers=2, waiting=4, name="elm-picture")
"""Two pictures drawn at once per process and four waiting; one more is refused at once (503)."""


class NotExportable(UserError):
    """The credential has no achievement to export (an SD-JWT or JWT envelope, say)."""

    status = 409


def europass_filename(view: CredentialView) -> str:
    """The PDF's ASCII name with ``-europass.jsonld`` (``kurs-laczenia-danych-europass.jsonld``)."""
    return pdf_filename(view).removesuffix(".pdf") + "-europass.jsonld"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``width`` pixels (the last cut with "…")."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        while draw.textlength(line, font=font) > width and len(line) > 1:
            line = line[:-2] + "…"
        out.append(line)
    if words and out:
        out[-1] = out[-1].rstrip("…") + "…"
    return out


def credential_picture(title: str, lines: Sequence[str], notice: str, fonts: tuple[Path, Path]) -> bytes:
    """A PNG of the credential for the EDC display: its title, the given lines, and the notice."""
    regular, bold = (str(p) for p in fonts)
    image = Image.new("RGB", _PICTURE_SIZE, "white")
    draw = ImageDraw.Draw(image)
    width = _PICTURE_SIZE[0] - 2 * _MARGIN
    draw.rectangle((24, 24, _PICTURE_SIZE[0] - 24, _PICTURE_SIZE[1] - 24), outline=(0, 51, 153), width=6)
    y = _MARGIN
    title_font = ImageFont.truetype(bold, 56)
    for line in _wrap(draw, title, title_font, width, 3):
        draw.text((_MARGIN, y), line, font=title_font, fill=(0, 0, 0))
        y += 72
    y += 30
    body = ImageFont.truetype(regular, 34)
    for text in lines:
        for line in _wrap(draw, text, body, width, 2):
            draw.text((_MARGIN, y), line, font=body, fill=(30, 30, 30))
            y += 46
        y += 10
    small = ImageFont.truetype(regular, 26)
    notice_lines = _wrap(draw, notice, small, width, 3)
    y = _PICTURE_SIZE[1] - _MARGIN - 36 * len(notice_lines)
    for line in notice_lines:
        draw.text((_MARGIN, y), line, font=small, fill=(90, 90, 90))
        y += 36
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _picture_lines(credential: MicroCredential, t: Translate) -> list[str]:
    lines = []
    learner = credential.subject.learner_name
    if learner:
        lines.append(t("elm.picture_awarded_to", name=learner))
    achievement = credential.achievement
    bodies = [b.name for b in achievement.awarding_bodies if b.name] if achievement else []
    body = "; ".join(bodies) or (credential.issuer.name if credential.issuer else None)
    if body:
        lines.append(t("elm.picture_awarded_by", body=body))
    date = credential.awarded_date or credential.valid_from
    if date:
        lines.append(date[:10])
    return lines


@routes.get("/credentials/{cid}/europass")
async def credential_europass(request: web.Request) -> web.Response:
    """``GET /credentials/{cid}/europass``: the learner's credential as an unsealed EDC file."""
    account = require_account(request)
    stored = await request.app[SERVICE].credential(account.uid, request.match_info["cid"])
    try:
        credential = MicroCredential.from_open_badges(stored.credential, lenient=True)
    except (TypeError, ValueError) as error:
        raise NotExportable("elm.not_exportable") from error
    if credential.achievement is None:
        raise NotExportable("elm.not_exportable")
    t = tr(request)
    fonts = find_fonts()
    picture = None
    if fonts is not None:
        title = credential.achievement.title or credential.name or stored.view.title
        try:
            picture = await PICTURE_MAKERS.run(
                credential_picture, title, _picture_lines(credential, t), t("elm.picture_unsealed"), fonts
            )
        except WorkersBusy:
            raise Busy("elm.busy") from None
    document = export_elm_credential(credential, display_image=DisplayImage(picture, "image/png") if picture else None)
    return web.Response(
        body=json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
        content_type="application/ld+json",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{europass_filename(stored.view)}"',
            "Cache-Control": "no-store",
        },
    )
