"""QR codes as standalone SVG (no JavaScript, no raster images): for offers, shares and requests;
and reading the QR codes in a picture: a photo or screenshot, or a camera frame that a scan page
sends from a browser without ``BarcodeDetector`` (Firefox, Safari)."""

from __future__ import annotations

import base64
import io
import warnings
from typing import Protocol

import qrcode
import qrcode.image.svg
import zxingcpp
from aiohttp import web
from PIL import Image, UnidentifiedImageError

from plecak.runtime.workers import BoundedWorkers, WorkersBusy

__all__ = [
    "FRAME_READER",
    "IMAGE_FORMATS",
    "MAX_FRAME_BYTES",
    "MAX_FRAME_PIXELS",
    "PHOTO_READER",
    "NotAnImage",
    "QrReader",
    "ReaderBusy",
    "add_qr_readers",
    "looks_like_image",
    "qr_data_uri",
    "qr_svg",
    "read_qr",
]

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
"""The picture formats a photo of a QR code may come in (what phones and screenshots write)."""

MAX_PIXELS = 50_000_000
"""A larger picture is refused before it is decoded (a small file can claim a huge canvas)."""

MAX_FULL_PIXELS = 16_000_000
"""Pictures other than JPEG are decoded at full size (a JPEG at a reduced scale): a smaller cap."""

MAX_FRAME_BYTES = 1_000_000
"""Largest camera frame a scan page may send (``POST /scan/frame``): its script sends JPEGs of at
most 800 pixels a side, a few tens of kilobytes."""

MAX_FRAME_PIXELS = 1_500_000
"""A camera frame claiming a larger canvas is refused before it is decoded."""

_WORK_SIDE = 2400
"""Big photos are scaled down to about this many pixels a side before looking for codes."""

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


class NotAnImage(ValueError):
    """The bytes are not a picture in one of :data:`IMAGE_FORMATS` (or it is too large to read)."""


ReaderBusy = WorkersBusy
"""A :class:`QrReader` already has as many pictures as it may hold (reading or waiting)."""


class Decoder(Protocol):
    def __call__(self, data: bytes, *, max_pixels: int = ...) -> list[str]: ...


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


class QrReader(BoundedWorkers):
    """:func:`read_qr` off the event loop: ``workers`` threads, and at most ``waiting`` more pictures
    queued behind them. Beyond that :meth:`read` raises :class:`ReaderBusy` at once, so a flood of
    uploads or camera frames never builds an unbounded queue (a frame is worth nothing a few seconds
    later). ``decode`` stands in for :func:`read_qr` (tests hold the threads with it).
    """

    def __init__(
        self, workers: int = 2, waiting: int = 6, *, name: str = "qr", decode: Decoder = read_qr
    ) -> None:
        super().__init__(workers, waiting, name=name)
        self._decode = decode

    async def read(self, data: bytes, *, max_pixels: int = MAX_PIXELS) -> list[str]:
        """The texts of the QR codes in ``data`` (:func:`read_qr`); :class:`ReaderBusy` when full."""
        return await self.run(self._decode, data, max_pixels=max_pixels)


PHOTO_READER = web.AppKey("qr_photo_reader", QrReader)
"""Photos and screenshots of QR codes (uploads): two at a time, four more waiting, then 503."""
FRAME_READER = web.AppKey("qr_frame_reader", QrReader)
"""Live camera frames (``POST /scan/frame``): two at a time, six more waiting, then 503."""


def add_qr_readers(app: web.Application) -> None:
    """Give ``app`` its :data:`PHOTO_READER` and :data:`FRAME_READER`, closed when the app is."""
    app[PHOTO_READER] = QrReader(workers=2, waiting=4, name="qr-photo")
    app[FRAME_READER] = QrReader(workers=2, waiting=6, name="qr-frame")

    async def close(app: web.Application) -> None:
        app[PHOTO_READER].close()
        app[FRAME_READER].close()

    app.on_cleanup.append(close)
