"""QR codes as standalone SVG (no JavaScript, no raster images): for offers, shares and requests;
and reading the QR codes in a photo or screenshot (for browsers without a live camera scanner)."""

from __future__ import annotations

import base64
import io
import warnings
from pathlib import Path

import qrcode
import qrcode.image.svg
import zxingcpp
from PIL import Image, UnidentifiedImageError

__all__ = [
    "IMAGE_FORMATS",
    "JS_DECODER",
    "VENDOR_DIR",
    "NotAnImage",
    "looks_like_image",
    "qr_data_uri",
    "qr_svg",
    "read_qr",
]

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
"""Third-party browser code we serve ourselves (never from a CDN), at ``/vendor/`` of the wallet and
the verifier: jsQR (Apache-2.0, npm ``jsqr``), the live camera QR reader for browsers without
``BarcodeDetector`` (Firefox, Safari). ``make vendor-js`` refreshes it from npm and checks its hash."""

JS_DECODER = "jsQR-1.4.0.js"

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
"""The picture formats a photo of a QR code may come in (what phones and screenshots write)."""

MAX_PIXELS = 50_000_000
"""A larger picture is refused before it is decoded (a small file can claim a huge canvas)."""

MAX_FULL_PIXELS = 16_000_000
"""Pictures other than JPEG are decoded at full size (a JPEG at a reduced scale): a smaller cap."""

_WORK_SIDE = 2400
"""Big photos are scaled down to about this many pixels a side before looking for codes."""

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


class NotAnImage(ValueError):
    """The bytes are not a picture in one of :data:`IMAGE_FORMATS` (or it is too large to read)."""


def qr_svg(data: str) -> str:
    """An SVG document drawing ``data`` as a QR code (error correction M, with a quiet zone)."""
    if not isinstance(data, str):
        raise TypeError("QR data must be a string")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=10)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode("utf-8")


def qr_data_uri(data: str) -> str:
    """The QR code as a ``data:image/svg+xml;base64,…`` URI for an ``<img src>`` (CSP allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data).encode()).decode("ascii")


def looks_like_image(data: bytes) -> bool:
    """Whether ``data`` starts like a picture file (PNG, JPEG, GIF, WebP, BMP, HEIC/AVIF) rather than text."""
    if data.startswith(_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return True
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif", b"heif")


def read_qr(data: bytes, *, max_pixels: int = MAX_PIXELS) -> list[str]:
    """The texts of the QR codes found in a picture, in reading order (empty: no code found).

    Raises :class:`NotAnImage` when ``data`` is not a picture in one of :data:`IMAGE_FORMATS`
    or claims more than ``max_pixels`` pixels. Blocking (CPU-bound): call it in a worker thread.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
            width, height = opened.size
            cap = max_pixels if opened.format == "JPEG" else min(max_pixels, MAX_FULL_PIXELS)
            if width * height > cap or width < 1 or height < 1:
                raise NotAnImage(f"the picture is {width}×{height} pixels, more than we read")
            if opened.format == "JPEG":
                opened.draft("L", (_WORK_SIDE, _WORK_SIDE))  # decode a JPEG at a smaller scale: fast
            image = opened.convert("L")
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NotAnImage(str(exc) or "not a picture") from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or malformed picture data
        raise NotAnImage(str(exc) or "the picture is damaged") from None
    if max(image.size) > _WORK_SIDE:
        image.thumbnail((_WORK_SIDE, _WORK_SIDE))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [code.text for code in found if code.valid and code.text]
