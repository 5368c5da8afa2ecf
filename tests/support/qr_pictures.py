"""Pictures of QR codes for tests (no tests here): our own SVG drawn as pixels, photos, noise."""

from __future__ import annotations

import io
import random
import re

import qrcode
from PIL import Image, ImageDraw

__all__ = ["blank_png", "png_of_svg", "qr_frame", "qr_photo", "qr_png", "qr_y4m"]

_CELL = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z")


def png_of_svg(svg: str, scale: int = 8) -> bytes:
    """Draw the SVG that :func:`plecak.runtime.qr.qr_svg` writes (unit squares on a white canvas) as a PNG."""
    size = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    assert size, svg[:200]
    width, height = int(size.group(1)), int(size.group(2))
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    cells = _CELL.findall(svg)
    assert cells, "no modules in the SVG"
    for x0, y0, x1, y1 in cells:
        draw.rectangle((int(x0) * scale, int(y0) * scale, int(x1) * scale - 1, int(y1) * scale - 1), fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    qrcode.make(text).save(out, "PNG")
    return out.getvalue()


def _noise(rng: random.Random, size: int, low: int, high: int) -> bytes:
    """``size`` seeded random bytes spread evenly over ``low``..``high - 1`` (one call to the generator,
    not one per pixel: a photo has millions of them)."""
    spread = bytes(low + value * (high - low) // 256 for value in range(256))
    return rng.randbytes(size).translate(spread)


def qr_photo(text: str, *, side: int = 1400, seed: int = 7) -> bytes:
    """A noisy 'photo' (JPEG) with the QR code small, tilted and off-centre, like a phone picture."""
    rng = random.Random(seed)
    noise = _noise(rng, side * side * 3, 90, 200)
    photo = Image.frombytes("RGB", (side, side), noise)
    code = (
        Image.open(io.BytesIO(qr_png(text)))
        .convert("RGB")
        .resize((420, 420))
        .rotate(12, expand=True, fillcolor=(255, 255, 255))
    )
    photo.paste(code, (side // 3, side // 4))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=88)
    return out.getvalue()


def blank_png(side: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 220, 240)).save(out, "PNG")
    return out.getvalue()


def qr_frame(text: str | None, width: int = 800, height: int = 600) -> bytes:
    """What a scan page sends to ``POST /scan/frame``: a camera picture as a JPEG, with the QR code of
    ``text`` in the middle (``None``: only a grey, noisy background)."""
    rng = random.Random(3)
    frame = Image.frombytes("L", (width, height), _noise(rng, width * height, 150, 230))
    if text is not None:
        side = min(width, height) * 2 // 3
        code = Image.open(io.BytesIO(qr_png(text))).convert("L").resize((side, side), Image.Resampling.NEAREST)
        frame.paste(code, ((width - side) // 2, (height - side) // 2))
    out = io.BytesIO()
    frame.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def qr_y4m(text: str, width: int = 640, height: int = 480) -> bytes:
    """One frame of Y4M video (what Chromium's fake camera plays) showing the QR code of ``text``."""
    frame = Image.new("RGB", (width, height), (235, 235, 235))
    code = Image.open(io.BytesIO(qr_png(text))).convert("RGB")
    side = min(width, height) - 40
    code = code.resize((side, side), Image.Resampling.NEAREST)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    return header + b"FRAME\n" + planes
