"""Credentials inside PDFs: a wallet's printable PDF carries the credential as an attached file
(``credential.json``, an embedded and associated file); the verifier reads it from an uploaded PDF
and checks it like an uploaded credential file.

A PDF is untrusted input: pypdf reads it with its own limits on decompressed sizes, in a worker
thread, and any failure to read it is "not a readable PDF", never an error of ours.
"""

from __future__ import annotations

import io

from pypdf import PdfReader

__all__ = ["ATTACHMENT_NAMES", "NoCredentialInPdf", "UnreadablePdf", "credential_in_pdf", "looks_like_pdf"]

ATTACHMENT_NAMES = ("credential.json", "credential.jsonld", "credential.txt")
"""Attachments read, by preference; failing these, the first whose name ends like a credential file."""

_SUFFIXES = (".json", ".jsonld", ".txt")


class UnreadablePdf(ValueError):
    """The bytes start like a PDF but cannot be read as one."""


class NoCredentialInPdf(ValueError):
    """The PDF has no attached credential file (or it is larger than allowed)."""


def looks_like_pdf(data: bytes) -> bool:
    """Whether ``data`` is a PDF file: it starts with the PDF header (after blank space at most; a
    credential file that merely mentions "%PDF-" stays a credential file)."""
    return data[:1024].lstrip(b" \t\r\n\f\x00").startswith(b"%PDF-")


def credential_in_pdf(data: bytes, *, max_bytes: int) -> bytes:
    """The bytes of the credential file attached to the PDF ``data`` (at most ``max_bytes``)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        attachments = {name: list(contents) for name, contents in reader.attachments.items()}
    except Exception as exc:  # anything a broken or hostile PDF makes pypdf raise
        raise UnreadablePdf(str(exc)[:200]) from None
    names = [n for n in ATTACHMENT_NAMES if n in attachments]
    names += [n for n in attachments if n not in names and n.lower().endswith(_SUFFIXES)]
    for name in names:
        for content in attachments[name]:
            if isinstance(content, bytes) and 0 < len(content) <= max_bytes:
                return content
    raise NoCredentialInPdf("no credential file is attached")
