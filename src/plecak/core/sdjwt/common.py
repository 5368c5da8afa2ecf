"""SD-JWT VC names shared by the issuing, presenting and verifying sides: the types, limits, the error
and the base64url/digest helpers."""

from __future__ import annotations

import hashlib
import math
from typing import Any
from urllib.parse import urlsplit

from plecak.core import safejson
from plecak.core.encoding import b64url_decode, b64url_encode
from plecak.core.errors import VCError

__all__ = [
    "HOLDER_ALGS",
    "ISSUER_ALG",
    "KB_JWT_TYP",
    "MAX_DISCLOSURES",
    "MAX_PRESENTATION_CHARS",
    "SD_JWT_VC_TYP",
    "VCT_HOSTED_PATH",
    "VCT_MICRO_CREDENTIAL",
    "SdJwtError",
    "is_micro_credential_vct",
]

SD_JWT_VC_TYP = "dc+sd-jwt"
KB_JWT_TYP = "kb+jwt"
ISSUER_ALG = "ES256"
VCT_MICRO_CREDENTIAL = "https://w3id.org/plecak/vct/micro-credential/v1"
VCT_HOSTED_PATH = "/vct/micro-credential/v1"
"""An issuer may name the type by its own URL, ``https://<issuer>/vct/micro-credential/v1``, where it
serves the type metadata (so the ``vct`` resolves); that is the same type."""
"""The credential type of our EU micro-credentials (a placeholder namespace, like the JSON-LD context)."""

MAX_PRESENTATION_CHARS = 256 * 1024
MAX_DISCLOSURES = 200
_HOLDER_ALGS = ("EdDSA", "ES256")

HOLDER_ALGS: tuple[str, ...] = _HOLDER_ALGS
"""The key-binding JWT algorithms a holder may use (what a verifier advertises as ``kb-jwt_alg_values``)."""


class SdJwtError(VCError):
    """An SD-JWT, disclosure or key is malformed, or an SD-JWT cannot be made from the input."""


# -- encoding helpers --------------------------------------------------------------------
_b64e = b64url_encode


def _b64d(text: str) -> bytes:
    if not isinstance(text, str) or not text:
        raise SdJwtError("not base64url without padding")
    try:
        return b64url_decode(text)
    except ValueError:
        raise SdJwtError("not base64url without padding") from None


def _digest(text: str) -> str:
    return _b64e(hashlib.sha256(text.encode("ascii")).digest())


def _json_part(text: str, what: str) -> dict[str, Any]:
    try:
        value = safejson.loads(_b64d(text))
    except safejson.UnsafeJson as exc:
        raise SdJwtError(f"the {what} is not JSON we accept: {exc}") from None
    except (ValueError, SdJwtError):
        raise SdJwtError(f"the {what} is not base64url-encoded JSON") from None
    if not isinstance(value, dict):
        raise SdJwtError(f"the {what} is not a JSON object")
    return value


def is_micro_credential_vct(vct: Any) -> bool:
    """``vct`` is our EU micro-credential type: the shared name or an issuer's hosted copy of it."""
    if vct == VCT_MICRO_CREDENTIAL:
        return True
    if not isinstance(vct, str) or not vct.startswith(("https://", "http://")):
        return False
    parts = urlsplit(vct)
    return bool(parts.hostname) and not parts.query and not parts.fragment and parts.path.endswith(VCT_HOSTED_PATH)


_MAX_TIME = 253402300799  # 9999-12-31T23:59:59Z


def _as_int(value: Any) -> int | None:
    """A NumericDate as seconds, or ``None`` for anything else (NaN, infinities, beyond year 9999)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 <= value <= _MAX_TIME:
        return None
    return int(value)
