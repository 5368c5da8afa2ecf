"""QR codes as standalone SVG (no JavaScript, no raster images): for offers, shares and requests."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg

__all__ = ["qr_data_uri", "qr_svg"]


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
